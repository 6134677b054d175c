# Credentials and region come from the usual AWS sources (environment, profile, SSO, instance
# role, Terraform Cloud dynamic credentials) unless set here.
provider "lakesail" {
  region = "us-east-1"

  default_tags {
    tags = {
      CostCenter = "data-platform"
    }
  }
}
