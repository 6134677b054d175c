terraform {
  required_version = ">= 1.11"
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}
