terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

# The connection's external ID, from LakeSail's console.
variable "lakesail_external_id" {
  type      = string
  sensitive = true
}

# The connection and the network the workspace is built through and in (see lakesail_connection
# and lakesail_network).
resource "lakesail_connection" "main" {
  connection_id = "AB12CD34EF"
  tenant_id     = "TN12AB34CD"
  external_id   = var.lakesail_external_id
}

resource "lakesail_network" "main" {
  connection_id = lakesail_connection.main.connection_id
  role_arn      = lakesail_connection.main.role_arn
  external_id   = var.lakesail_external_id
  network_id    = "NT12AB34CD"
  cidr_block    = "10.40.0.0/16"
}

# A workspace in that network, built through the connection role.
resource "lakesail_workspace" "analytics" {
  connection_id = lakesail_connection.main.connection_id
  role_arn      = lakesail_connection.main.role_arn
  external_id   = var.lakesail_external_id
  workspace_id  = "WS12AB34CD"

  # The network's outputs.
  vpc_id             = lakesail_network.main.vpc_id
  private_subnet_ids = lakesail_network.main.private_subnet_ids
  security_group_id  = lakesail_network.main.security_group_id
  kms_key_arn        = lakesail_network.main.kms_key_arn
  bucket_name        = lakesail_network.main.bucket_name

  kubernetes_version = "1.33"
  log_retention_days = 365

  system_node_group = {
    instance_types = ["m6i.large"]
    min_size       = 2
    desired_size   = 2
    max_size       = 4
  }

  addons = {
    vpc-cni    = {}
    kube-proxy = {}
    coredns    = { configuration = jsonencode({ replicaCount = 2 }) }
  }

  # The session load balancer, here internet-facing in the network's public subnets and
  # admitting one office range (the default is internal, reachable from the network only).
  public_subnet_ids = lakesail_network.main.public_subnet_ids
  session_load_balancer = {
    scheme        = "internet-facing"
    allowed_cidrs = ["203.0.113.0/24"]
  }

  # EKS Pod Identity for the workload roles (the default is "irsa").
  workload_identity = "pod_identity"

  # Karpenter, the node autoscaler (on by default: omit the block for 256 vCPUs of m6i, m7i, r6i
  # and r7i nodes). LakeSail's control plane installs it from karpenter_settings_parameter_name.
  # The vCPU limit is Karpenter's own; the instance families are also enforced by IAM.
  karpenter = {
    max_vcpus         = 128
    instance_families = ["m7i", "r7i"]
  }

  glue_databases = ["analytics", "raw"]

  tags = {
    Team = "data-platform"
  }

  timeouts {
    create = "40m"
  }
}
