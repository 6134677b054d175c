output "cluster_name" {
  description = "The EKS cluster."
  value       = lakesail_workspace.this.cluster_name
}

output "endpoint" {
  description = "The Kubernetes API endpoint."
  value       = lakesail_workspace.this.endpoint
}

output "certificate_authority" {
  description = "The cluster's CA (base64), for kubeconfig."
  value       = lakesail_workspace.this.certificate_authority
}

output "workload_role_arns" {
  description = "Workload roles by purpose: with IRSA, annotate the matching service accounts with them; with Pod Identity they are associated already."
  value       = lakesail_workspace.this.workload_role_arns
}

output "glue_database_names" {
  description = "The Glue databases of the catalogs."
  value       = lakesail_workspace.this.glue_database_names
}

output "karpenter" {
  description = "What LakeSail's control plane installs Karpenter with: the controller's role, the nodes' role and instance profile, and the settings parameter (all null while Karpenter is off)."
  value = lakesail_workspace.this.karpenter.enabled ? {
    controller_role_arn     = lookup(lakesail_workspace.this.workload_role_arns, "autoscaling", null)
    node_role_arn           = lakesail_workspace.this.karpenter_node_role_arn
    instance_profile_name   = lakesail_workspace.this.karpenter_instance_profile_name
    instance_profile_arn    = lakesail_workspace.this.karpenter_instance_profile_arn
    settings_parameter_name = lakesail_workspace.this.karpenter_settings_parameter_name
  } : null
}

output "session_load_balancer" {
  description = "The Network Load Balancer in front of the Sail sessions: its DNS name and the ARNs of it, its TLS listener and the session proxy's target group."
  value = {
    dns_name         = lakesail_workspace.this.session_load_balancer_dns_name
    arn              = lakesail_workspace.this.session_load_balancer_arn
    listener_arn     = lakesail_workspace.this.session_listener_arn
    target_group_arn = lakesail_workspace.this.session_target_group_arn
  }
}
