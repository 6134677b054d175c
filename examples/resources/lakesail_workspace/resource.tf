# A workspace in a LakeSail network, built through the connection role.
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

  glue_databases = ["analytics", "raw"]

  tags = {
    Team = "data-platform"
  }

  timeouts {
    create = "40m"
  }
}
