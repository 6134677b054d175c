terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

data "lakesail_caller_identity" "current" {}

output "terraform_principal" {
  description = "The principal a connection role trusts for whoever runs Terraform."
  value       = data.lakesail_caller_identity.current.principal_arn
}
