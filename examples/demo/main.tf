# The demo configuration: `make demo` applies it against the AWS emulator, shows the outputs,
# checks that a second plan is empty, and destroys it.
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
      Demo = "true"
    }
  }
}

variable "external_id" {
  description = "The connection's external ID (LakeSail generates it; this one is for the demo only)."
  type        = string
  sensitive   = true
  default     = "3f2b8c1e-5a7d-4e9f-8b6c-1d2e3f4a5b6c"
}

data "lakesail_caller_identity" "current" {}

resource "lakesail_connection" "demo" {
  connection_id = "DEMO000001"
  tenant_id     = "TENANT0001"
  external_id   = var.external_id
}

output "account_id" {
  value = data.lakesail_caller_identity.current.account_id
}

output "connection_role_arn" {
  value = lakesail_connection.demo.role_arn
}

output "connection_verified" {
  description = "The provider assumed the new role with the external ID."
  value       = lakesail_connection.demo.verified
}

output "workload_boundary_arn" {
  value = lakesail_connection.demo.workload_boundary_arn
}
