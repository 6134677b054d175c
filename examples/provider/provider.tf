terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

# Credentials and region come from the usual AWS sources (environment, profile, SSO, instance
# role, Terraform Cloud dynamic credentials) unless set here.
provider "lakesail" {
  region = "us-east-1"

  default_tags {
    tags = {
      CostCenter = "data-platform"
    }
  }

  # Register connections with LakeSail's platform, so its console shows them as connected. The
  # token is read from LAKESAIL_TOKEN; without one the platform is never called.
  platform {}
}
