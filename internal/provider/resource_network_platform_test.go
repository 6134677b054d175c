package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccNetworkPlatform_basic: with a platform configured, apply registers the network (its VPC
// and CIDR) after AWS, the plan is empty afterwards, and destroy deregisters it before deleting
// anything in AWS.
func TestAccNetworkPlatform_basic(t *testing.T) {
	n := newNetworkTarget(t)
	fake := newFakePlatform(t)
	config := n.configWith(fake.providerBlock(), `  cidr_block    = "10.20.0.0/16"
  force_destroy = true`)
	var platformID, vpcID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(n.checkNetworkDestroyed(true), func(*terraform.State) error {
			if got := fake.count("DELETE", "/infra/networks/"+platformID); got != 1 {
				return fmt.Errorf("network %s deregistered %d times, want once", platformID, got)
			}
			return nil
		}),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(networkAddress, tfjsonpath.New("platform_status")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("platform_id"), knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
			},
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources[networkAddress].Primary.Attributes
				platformID, vpcID = attrs["platform_id"], attrs["vpc_id"]
				fake.mu.Lock()
				registered, ok := fake.networks[platformID]
				fake.mu.Unlock()
				if !ok || registered.ProviderNetworkID != vpcID || registered.Config.CIDR != "10.20.0.0/16" || registered.ConnectionID != n.connectionID {
					return fmt.Errorf("the platform has %+v for %s, want VPC %s", registered, platformID, vpcID)
				}
				return nil
			},
		}},
	})
}
