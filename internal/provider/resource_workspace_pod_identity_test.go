package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// checkNothingLeft verifies, as the administrator, that destroy left nothing named for or tagged
// with the workspace (its cluster, roles, Pod Identity associations, satellites, nodes).
func (f *workspaceFixture) checkNothingLeft() resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(f.checkWorkspaceDestroyed(), func(*terraform.State) error {
		cfg, err := f.target.adminConfig()
		if err != nil {
			return err
		}
		left, err := lakesailtest.WorkspaceLeftovers(context.Background(), cfg, f.connectionID, accWorkspaceID)
		if err != nil {
			return err
		}
		if len(left) > 0 {
			return fmt.Errorf("destroy left the workspace's %s", strings.Join(left, ", "))
		}
		return nil
	})
}

// TestAccWorkspace_podIdentity: a workspace with workload_identity = "pod_identity" is created
// (the plan after it is empty), imported (the import finds Pod Identity), switched to IRSA in
// place, and destroyed with nothing left. Karpenter is on by default: its controller's role is
// one of the workload roles, through either mechanism.
func TestAccWorkspace_podIdentity(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	podIdentity := f.config(workspaceBasics + `  workload_identity = "pod_identity"` + "\n")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkNothingLeft(),
		Steps: []resource.TestStep{
			{
				Config: podIdentity,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_identity"), knownvalue.StringExact("pod_identity")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_identity"), knownvalue.StringExact("pod_identity")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_role_arns"), knownvalue.MapSizeExact(len(workspace.WorkloadPurposes())+1)),
					// The agent is the mechanism's, not one of the configured add-ons.
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("addons"), knownvalue.MapSizeExact(3)),
				},
			},
			f.importStep(),
			{
				Config: f.config(workspaceBasics + `  workload_identity = "irsa"` + "\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_identity"), knownvalue.StringExact("irsa")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_role_arns"), knownvalue.MapSizeExact(len(workspace.WorkloadPurposes())+1)),
				},
			},
		},
	})
}

// TestAccWorkspace_irsaDefault: without workload_identity a workspace uses IRSA, and without a
// karpenter block it has Karpenter with the default limits, its controller role an IRSA role like
// the others; an import finds both again, and destroy leaves nothing.
func TestAccWorkspace_irsaDefault(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkNothingLeft(),
		Steps: []resource.TestStep{
			{
				Config: f.config(workspaceBasics),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_identity"), knownvalue.StringExact("irsa")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"enabled": knownvalue.Bool(true), "max_vcpus": knownvalue.Int64Exact(256),
						"instance_families": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("m6i"), knownvalue.StringExact("m7i"),
							knownvalue.StringExact("r6i"), knownvalue.StringExact("r7i")}),
					})),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_role_arns").AtMapKey(workspace.PurposeKarpenter),
						knownvalue.StringRegexp(regexp.MustCompile(`:role/lakesail-`+f.connectionID+`-`+accWorkspaceID+`-`+workspace.PurposeKarpenter+`$`))),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter_instance_profile_name"),
						knownvalue.StringExact("lakesail-"+f.connectionID+"-"+accWorkspaceID+"-karpenter-node")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            f.expectKarpenterObjects(true),
			},
			f.importStep(),
		},
	})
}
