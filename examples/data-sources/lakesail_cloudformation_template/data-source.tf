terraform {
  required_providers {
    lakesail = {
      source = "lakehq/lakesail"
    }
  }
}

# The same connection as a CloudFormation stack, for accounts managed without Terraform.
data "lakesail_cloudformation_template" "stack" {
  connection_id = "AB12CD34EF"
  tenant_id     = "TN12AB34CD"
  callback_url  = "https://platform.lakesail.com/api/v1/callbacks/cloudformation"
}

# Deploy it with `aws cloudformation deploy --template-file lakesail.json ...`:
#   terraform output -raw template_body > lakesail.json
output "template_body" {
  value = data.lakesail_cloudformation_template.stack.template_body
}
