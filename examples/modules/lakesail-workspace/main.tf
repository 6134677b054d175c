# A reusable LakeSail workspace: one module call per workspace, fed by a connection and a
# network, with the organisation's defaults (audit logging for a year, a private endpoint unless
# CIDR blocks are given, the standard add-ons).
resource "lakesail_workspace" "this" {
  connection_id = var.connection.connection_id
  role_arn      = var.connection.role_arn
  workspace_id  = var.workspace_id

  # Write-only (Terraform 1.11+): the external ID is kept in neither plan nor state.
  external_id_wo         = var.external_id
  external_id_wo_version = var.external_id_version

  vpc_id             = var.network.vpc_id
  private_subnet_ids = var.network.private_subnet_ids
  security_group_id  = var.network.security_group_id
  kms_key_arn        = var.network.kms_key_arn
  bucket_name        = var.network.bucket_name
  public_subnet_ids  = var.network.public_subnet_ids

  # The Network Load Balancer in front of the Sail sessions (every workspace has one): internal
  # unless internet-facing is asked for, with the CIDR blocks it admits.
  session_load_balancer = var.session_load_balancer

  kubernetes_version     = var.kubernetes_version
  endpoint_public_access = length(var.public_access_cidrs) > 0
  public_access_cidrs    = length(var.public_access_cidrs) > 0 ? var.public_access_cidrs : null
  log_types              = ["api", "audit", "authenticator"]
  log_retention_days     = 365

  system_node_group = {
    instance_types = ["m6i.large"]
    min_size       = 1
    desired_size   = var.node_count
    max_size       = 2 * var.node_count
    disk_size      = 50
  }

  workload_identity = var.workload_identity

  # Karpenter, the node autoscaler LakeSail's control plane installs (on unless disabled).
  karpenter = var.karpenter

  glue_databases = var.catalogs
  tags           = var.tags
}
