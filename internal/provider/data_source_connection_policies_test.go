package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// TestAccConnectionPolicies_matchesResource shows the review data source renders exactly what
// the resource creates: same ARNs, same role.
func TestAccConnectionPolicies_matchesResource(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	config := target.config(connectionConfig(id, "") + fmt.Sprintf(`
data "lakesail_connection_policies" "review" {
  connection_id = %q
  tenant_id     = %q
}
`, id, accTenantID))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkConnectionDestroyed(id),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs(connectionAddress, tfjsonpath.New("managed_policy_arns"),
					"data.lakesail_connection_policies.review", tfjsonpath.New("policy_arns"), compare.ValuesSame()),
				statecheck.CompareValuePairs(connectionAddress, tfjsonpath.New("role_arn"),
					"data.lakesail_connection_policies.review", tfjsonpath.New("role_arn"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.lakesail_connection_policies.review", tfjsonpath.New("trust_policy_redacted"),
					knownvalue.StringRegexp(regexp.MustCompile(`"sts:ExternalId": "EXTERNAL-ID"`))),
				statecheck.ExpectKnownValue("data.lakesail_connection_policies.review", tfjsonpath.New("role_boundary"),
					knownvalue.StringRegexp(regexp.MustCompile(`"eks:\*"`))),
			},
		}},
	})
}

func TestAccCloudFormationTemplate_basic(t *testing.T) {
	target := newAccTarget(t)
	const callbackURL = "https://platform.lakesail.com/api/v1/callbacks/cloudformation"
	expected, err := connpolicy.CloudFormationTemplate(connpolicy.TemplateOptions{ConnectionID: "AB12CD34EF", TenantID: accTenantID, CallbackURL: callbackURL})
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: target.config(fmt.Sprintf(`
data "lakesail_cloudformation_template" "stack" {
  connection_id = "AB12CD34EF"
  tenant_id     = %q
  callback_url  = %q
}

output "resource_types" {
  value = distinct([for r in jsondecode(data.lakesail_cloudformation_template.stack.template_body).Resources : r.Type])
}
`, accTenantID, callbackURL)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.lakesail_cloudformation_template.stack", tfjsonpath.New("template_body"),
					knownvalue.StringExact(expected)),
				// Terraform itself parses the template: the stack holds roles, managed policies and the Lambda.
				statecheck.ExpectKnownOutputValue("resource_types", knownvalue.SetPartial([]knownvalue.Check{
					knownvalue.StringExact("AWS::IAM::Role"), knownvalue.StringExact("AWS::IAM::ManagedPolicy"),
					knownvalue.StringExact("AWS::Lambda::Function"),
				})),
			},
		}},
	})
}
