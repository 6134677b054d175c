package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// TestAccWorkspacePlatform_basic: with a platform configured, apply registers the EKS cluster
// (by its name, in the workspace's connection) after AWS, and destroy deregisters it first.
func TestAccWorkspacePlatform_basic(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	fake := newFakePlatform(t)
	config := strings.Replace(f.config(workspaceBasics), "provider \"lakesail\" {\n", "provider \"lakesail\" {\n"+fake.providerBlock(), 1)
	var platformID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(f.checkWorkspaceDestroyed(), func(*terraform.State) error {
			if got := fake.count("DELETE", "/infra/clusters/"+platformID); got != 1 {
				return fmt.Errorf("cluster %s deregistered %d times, want once", platformID, got)
			}
			return nil
		}),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact("ACTIVE")),
				statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("platform_id"), knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
			},
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources[workspaceAddress].Primary.Attributes
				platformID = attrs["platform_id"]
				fake.mu.Lock()
				registered, ok := fake.clusters[platformID]
				fake.mu.Unlock()
				if !ok || registered.ExternalClusterID != attrs["cluster_name"] || registered.ConnectionID != f.connectionID {
					return fmt.Errorf("the platform has %+v for %s", registered, platformID)
				}
				return nil
			},
		}},
	})
}
