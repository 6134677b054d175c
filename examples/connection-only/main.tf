# Connect an AWS account to LakeSail and nothing else: the cross-account role LakeSail assumes, its
# boundaries and policies. Networks and workspaces can be added later (examples/complete has all
# three). The smallest configuration that applies; against the AWS emulator, in seconds:
#   DEMO_EXAMPLE=examples/connection-only make demo
terraform {
  required_version = ">= 1.11"
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

provider "lakesail" {
  default_tags {
    tags = {
      Environment = "demo"
    }
  }
}

# From LakeSail's console (Settings > Cloud Accounts > Add AWS Account); the defaults are for the
# emulator only.
variable "lakesail_connection_id" {
  type    = string
  default = "DEMO000001"
}

variable "lakesail_tenant_id" {
  type    = string
  default = "TENANT0001"
}

variable "lakesail_external_id" {
  type      = string
  sensitive = true
  default   = "3f2b8c1e-5a7d-4e9f-8b6c-1d2e3f4a5b6c"
}

data "lakesail_caller_identity" "current" {}

resource "lakesail_connection" "main" {
  connection_id = var.lakesail_connection_id
  tenant_id     = var.lakesail_tenant_id
  external_id   = var.lakesail_external_id
}

output "account_id" {
  value = data.lakesail_caller_identity.current.account_id
}

output "connection_role_arn" {
  description = "Paste this into LakeSail's console, or let the platform integration register it."
  value       = lakesail_connection.main.role_arn
}

output "connection_verified" {
  description = "The provider assumed the new role with the external ID."
  value       = lakesail_connection.main.verified
}

output "workload_boundary_arn" {
  value = lakesail_connection.main.workload_boundary_arn
}
