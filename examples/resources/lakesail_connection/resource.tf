terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

# The connection id, tenant id and external ID come from LakeSail's console
# (Settings > Cloud Accounts > Add AWS Account).
variable "lakesail_external_id" {
  type      = string
  sensitive = true
}

resource "lakesail_connection" "main" {
  connection_id = "AB12CD34EF"
  tenant_id     = "TN12AB34CD"
  external_id   = var.lakesail_external_id

  # Whoever runs this configuration is trusted too (in its own statement), so that networks and
  # workspaces can be applied through the connection role. A CI role can be added explicitly:
  trusted_principal_arns = ["arn:aws:iam::111122223333:role/terraform-ci"]

  tags = {
    Environment = "production"
  }
}

output "connection_role_arn" {
  description = "Paste this into LakeSail's console, or let the platform integration register it."
  value       = lakesail_connection.main.role_arn
}
