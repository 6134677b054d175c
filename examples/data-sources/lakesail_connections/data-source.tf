terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

# Needs the provider's platform token (the platform block or LAKESAIL_TOKEN).
data "lakesail_connections" "all" {}

# Connections LakeSail cannot use right now, e.g. after a role was changed by hand.
output "unhealthy_connections" {
  value = {
    for c in data.lakesail_connections.all.connections : c.id => c.status_message
    if c.status != "active"
  }
}

output "connection_role_arns" {
  value = { for c in data.lakesail_connections.all.connections : c.id => c.role_arn }
}
