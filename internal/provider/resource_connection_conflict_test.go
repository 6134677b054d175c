package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// otherStateExternalID is the external ID the second state configures for the same connection_id.
const otherStateExternalID = "0d1b3f6a-5c2e-4a7d-9b8c-1e2f3a4b5c6d"

// TestAccConnection_concurrentSameID: two Terraform states (two working directories) configure
// the same connection_id. The second apply fails with an error that names the existing object
// and what to do, leaves its state empty, fails the same way when repeated (also with another
// role_name, where the first object it meets is a policy), and the first state's plan stays empty
// throughout: nothing it owns was changed or deleted.
func TestAccConnection_concurrentSameID(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	firstConfig := target.config(connectionConfig(id, `  tags = { state = "first" }`))
	secondState := func(extra string) string {
		return target.config(fmt.Sprintf(`
resource "lakesail_connection" "test" {
  connection_id = %q
  tenant_id     = %q
  external_id   = %q
  tags          = { state = "second" }
%s
}
`, id, accTenantID, otherStateExternalID, extra))
	}
	inUse := func(object string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)LakeSail Connection ID Already in Use.*` + words(object+" already exists, so connection_id "+id+
			" is most likely owned by another Terraform state") + `.*` + words("This apply recorded nothing in state") +
			`.*` + words("terraform import <address> "+id) + `.*` + words("choose another connection_id"))
	}
	roleInUse := inUse("IAM role lakesail-" + id + "-LakeSailRole")
	boundaryInUse := inUse("IAM policy lakesail-" + id + "-RoleBoundary")
	firstUntouched := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("tags_all").AtMapKey("state"), knownvalue.StringExact("first")),
		statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("verified"), knownvalue.Bool(true)),
	}

	// The second state runs in its own resource.Test: its own working directory and state.
	runSecondState := func() {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: secondState(""), ExpectError: roleInUse},
				// Nothing was recorded, so the repeated apply plans a create again (not the
				// replacement of a tainted resource, whose destroy would remove the first
				// state's role) and fails the same way.
				{
					Config: secondState(""),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionCreate)},
					},
					ExpectError: roleInUse,
				},
				// Another role name: the role check passes and the first object the create meets
				// is the RoleBoundary policy, the connection id's lock.
				{Config: secondState(`  role_name = "second-state-role"`), ExpectError: boundaryInUse},
				// An empty plan for a configuration without the resource: the state holds nothing.
				{Config: target.config(""), PlanOnly: true},
			},
		})
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkConnectionDestroyed(id),
		Steps: []resource.TestStep{
			{
				Config: firstConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: firstUntouched,
			},
			{
				PreConfig: runSecondState,
				Config:    firstConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: firstUntouched,
			},
			{
				// The first state still owns a working connection: its external ID, not the
				// second state's, is the one the trust policy requires.
				ResourceName:            connectionAddress,
				ImportState:             true,
				ImportStateId:           id,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"verified", "timeouts"},
			},
		},
	})
}

// words matches a phrase however Terraform wraps it: any run of spaces, line breaks and the
// box-drawing margin of its diagnostics may separate the words.
func words(phrase string) string {
	fields := strings.Fields(phrase)
	for i, f := range fields {
		fields[i] = regexp.QuoteMeta(f)
	}
	return strings.Join(fields, `[\s│]+`)
}
