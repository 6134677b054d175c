# The demo configuration: make demo applies it against the AWS emulator.
terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

provider "lakesail" {}

data "lakesail_caller_identity" "current" {}

output "account_id" {
  value = data.lakesail_caller_identity.current.account_id
}
