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
  description = "IRSA roles by purpose: annotate the matching service accounts with them."
  value       = lakesail_workspace.this.workload_role_arns
}

output "glue_database_names" {
  description = "The Glue databases of the catalogs."
  value       = lakesail_workspace.this.glue_database_names
}
