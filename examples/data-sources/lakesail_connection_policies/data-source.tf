terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

# Review every IAM document before approving a connection, or create the role with your own
# aws_iam_* resources.
data "lakesail_connection_policies" "review" {
  connection_id = "AB12CD34EF"
  tenant_id     = "TN12AB34CD"
}

output "explicit_deny" {
  value = data.lakesail_connection_policies.review.explicit_deny
}

output "workload_boundary" {
  value = data.lakesail_connection_policies.review.workload_boundary
}
