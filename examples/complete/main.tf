# The complete picture, as a customer writes it: connect the AWS account, build a network in it
# through the connection role, and run a workspace (through the example module) in that network.
# `make demo` applies this against the AWS emulator.
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

# The external ID is passed only to write-only arguments (Terraform 1.11+), so it is kept in
# neither plan nor state; refresh and destroy of the network and the workspace read it from the
# connection role's trust policy with your credentials.
variable "lakesail_external_id" {
  description = "The connection's external ID, from LakeSail's console (this default is for the demo only)."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = "3f2b8c1e-5a7d-4e9f-8b6c-1d2e3f4a5b6c"
}

variable "lakesail_external_id_version" {
  description = "Increase it when the external ID changes: a write-only value is applied only when its version changes."
  type        = number
  default     = 1
}

# 1. The cross-account role LakeSail assumes, its boundaries and policies (your credentials).
resource "lakesail_connection" "main" {
  connection_id          = "DEMO000001"
  tenant_id              = "TENANT0001"
  external_id_wo         = var.lakesail_external_id
  external_id_wo_version = var.lakesail_external_id_version
}

# 2. The network, built by the connection role: VPC, subnets, NAT, the nodes' security group,
#    the KMS key and the workspace bucket.
resource "lakesail_network" "main" {
  connection_id           = lakesail_connection.main.connection_id
  role_arn                = lakesail_connection.main.role_arn
  external_id_wo          = var.lakesail_external_id
  external_id_wo_version  = var.lakesail_external_id_version
  network_id              = "NET0000001"
  cidr_block              = "10.40.0.0/16"
  availability_zone_count = 2
  nat_gateways            = "single"
}

# 3. A workspace in that network, through the reusable module.
module "analytics" {
  source = "../modules/lakesail-workspace"

  connection = {
    connection_id = lakesail_connection.main.connection_id
    role_arn      = lakesail_connection.main.role_arn
  }
  external_id         = var.lakesail_external_id
  external_id_version = var.lakesail_external_id_version
  network = {
    vpc_id             = lakesail_network.main.vpc_id
    private_subnet_ids = lakesail_network.main.private_subnet_ids
    security_group_id  = lakesail_network.main.security_group_id
    kms_key_arn        = lakesail_network.main.kms_key_arn
    bucket_name        = lakesail_network.main.bucket_name
    public_subnet_ids  = lakesail_network.main.public_subnet_ids
  }
  # The session load balancer stays internal (the default); "internet-facing" puts it in the
  # network's public subnets, admitting only allowed_cidrs:
  # session_load_balancer = { scheme = "internet-facing", allowed_cidrs = ["203.0.113.0/24"] }
  workspace_id = "WSDEMO0001"
  # EKS Pod Identity: the eks-pod-identity-agent add-on, and each workload role associated with
  # its service account, with nothing to annotate ("irsa", the default, uses the cluster's OIDC
  # provider and service-account annotations instead).
  workload_identity = "pod_identity"
  # Karpenter launches the nodes the sessions run on, here at most 64 vCPUs at once (Karpenter's
  # limit) of m7i and r7i instances (Karpenter's and IAM's). LakeSail's control plane installs
  # it from the settings parameter; Spot interruption notices do not reach it (no SQS queue).
  karpenter = {
    max_vcpus         = 64
    instance_families = ["m7i", "r7i"]
  }
  node_count = 1
  catalogs   = ["analytics"]
  tags       = { Team = "data" }
}

output "cluster_name" {
  value = module.analytics.cluster_name
}

output "workload_role_arns" {
  description = "With IRSA, annotate the service accounts with these (eks.amazonaws.com/role-arn); with Pod Identity they are associated already."
  value       = module.analytics.workload_role_arns
}

output "glue_database_names" {
  value = module.analytics.glue_database_names
}

output "karpenter" {
  description = "The roles, instance profile and settings parameter LakeSail's control plane installs Karpenter with."
  value       = module.analytics.karpenter
}

output "session_load_balancer" {
  description = "The internal NLB in front of the Sail sessions (TLS on 443 with the workspace's certificate)."
  value       = module.analytics.session_load_balancer
}
