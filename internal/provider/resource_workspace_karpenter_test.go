package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// karpenterObjects reports, as the administrator, which of the workspace's Karpenter objects
// exist: the controller role, the node role, its instance profile (and whether it holds the
// node role), and the discovery tag on the network's security group.
type karpenterObjects struct {
	controllerRole, nodeRole, profile, profileHoldsRole, securityGroupTag bool
}

func (f *workspaceFixture) karpenterObjects(ctx context.Context) (karpenterObjects, error) {
	var found karpenterObjects
	cluster := "lakesail-" + f.connectionID + "-" + accWorkspaceID
	root, err := f.target.rootClient()
	if err != nil {
		return found, err
	}
	for role, exists := range map[string]*bool{cluster + "-" + workspace.PurposeKarpenter: &found.controllerRole, cluster + "-karpenter-node": &found.nodeRole} {
		_, err := lakesail.FindRole(ctx, root.IAM(), role)
		switch {
		case err == nil:
			*exists = true
		case !errors.Is(err, lakesail.ErrNotFound):
			return found, err
		}
	}
	profiles, err := lakesail.FindInstanceProfiles(ctx, root.IAM())
	if err != nil {
		return found, err
	}
	for _, p := range profiles {
		if aws.ToString(p.InstanceProfileName) != cluster+"-karpenter-node" {
			continue
		}
		found.profile = true
		for _, r := range p.Roles {
			found.profileHoldsRole = found.profileHoldsRole || aws.ToString(r.RoleName) == cluster+"-karpenter-node"
		}
	}
	cfg, err := f.target.adminConfig()
	if err != nil {
		return found, err
	}
	tags, err := lakesailtest.TagsOf(ctx, cfg, f.network.SecurityGroupID)
	if err != nil {
		return found, err
	}
	_, found.securityGroupTag = tags["kubernetes.io/cluster/"+cluster]
	return found, nil
}

// expectKarpenterObjects fails unless the Karpenter objects are all there (on) or all gone (off).
func (f *workspaceFixture) expectKarpenterObjects(on bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		found, err := f.karpenterObjects(context.Background())
		if err != nil {
			return err
		}
		want := karpenterObjects{}
		if on {
			want = karpenterObjects{controllerRole: true, nodeRole: true, profile: true, profileHoldsRole: true, securityGroupTag: true}
		}
		if found != want {
			return fmt.Errorf("the Karpenter objects are %+v, want %+v", found, want)
		}
		return nil
	}
}

// TestAccWorkspace_karpenter: a Pod Identity workspace with Karpenter and the session load
// balancer is created with the Karpenter outputs planned and in state (the plan after it is
// empty) and imported (the import finds Karpenter on); its vCPU limit and instance families
// change in place, keeping the roles and the instance profile, and an import finds them; the
// node role losing its permissions boundary outside Terraform plans an update that apply
// repairs; turning Karpenter off deletes its roles, instance profile and discovery tag in place;
// and destroy leaves nothing named for or tagged with the workspace.
func TestAccWorkspace_karpenter(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	cfg, err := f.target.adminConfig()
	if err != nil {
		t.Fatal(err)
	}
	cluster := "lakesail-" + f.connectionID + "-" + accWorkspaceID
	podIdentity := workspaceBasics + `  workload_identity = "pod_identity"` + "\n"
	config := func(karpenter string) string { return f.config(podIdentity + "  karpenter = " + karpenter + "\n") }
	on := config(`{ enabled = true }`)
	limited := config(`{ max_vcpus = 64, instance_families = ["m7i", "c7i"] }`)
	nodeRole := tfjsonpath.New("karpenter_node_role_arn")
	controller := tfjsonpath.New("workload_role_arns").AtMapKey(workspace.PurposeKarpenter)
	controllerName := cluster + "-" + workspace.PurposeKarpenter
	rolesOn, rolesOff := len(workspace.WorkloadPurposes())+1, len(workspace.WorkloadPurposes())
	profileARN := tfjsonpath.New("karpenter_instance_profile_arn")
	sameController, sameProfile := statecheck.CompareValue(compare.ValuesSame()), statecheck.CompareValue(compare.ValuesSame())
	// outputs are the Karpenter outputs in state, the same controller role and instance profile
	// every time (each call registers one more value to compare).
	outputs := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(workspaceAddress, nodeRole, knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:role/`+cluster+`-karpenter-node$`))),
			statecheck.ExpectKnownValue(workspaceAddress, controller, knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:role/`+controllerName+`$`))),
			statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter_instance_profile_name"), knownvalue.StringExact(cluster+"-karpenter-node")),
			statecheck.ExpectKnownValue(workspaceAddress, profileARN,
				knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:instance-profile/`+cluster+`-karpenter-node$`))),
			statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter_settings_parameter_name"),
				knownvalue.StringExact("/lakesail/"+f.connectionID+"/"+accWorkspaceID+"/karpenter")),
			statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_role_arns"), knownvalue.MapSizeExact(rolesOn)),
			sameController.AddStateValue(workspaceAddress, controller),
			sameProfile.AddStateValue(workspaceAddress, profileARN),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(f.checkNothingLeft(), func(*terraform.State) error {
			found, err := f.karpenterObjects(context.Background())
			if err != nil {
				return err
			}
			if found != (karpenterObjects{}) {
				return fmt.Errorf("destroy left Karpenter objects: %+v", found)
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: on,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(workspaceAddress, nodeRole, knownvalue.StringRegexp(regexp.MustCompile(`:role/`+cluster+`-karpenter-node$`))),
						plancheck.ExpectKnownValue(workspaceAddress, controller, knownvalue.StringRegexp(regexp.MustCompile(`:role/`+controllerName+`$`))),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter").AtMapKey("max_vcpus"), knownvalue.Int64Exact(256)),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter").AtMapKey("instance_families"),
							knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("m6i"), knownvalue.StringExact("m7i"),
								knownvalue.StringExact("r6i"), knownvalue.StringExact("r7i")})),
						plancheck.ExpectKnownValue(workspaceAddress, profileARN, knownvalue.StringRegexp(regexp.MustCompile(`:instance-profile/`+cluster+`-karpenter-node$`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: slices.Concat(outputs(), []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("session_listener_arn"), knownvalue.StringRegexp(regexp.MustCompile(`:listener/net/`))),
					// The agent is the mechanism's, not one of the configured add-ons.
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("addons"), knownvalue.MapSizeExact(3)),
				}),
				Check: f.expectKarpenterObjects(true),
			},
			f.importStep(),
			{
				// Limits change in place: the same controller role and instance profile.
				Config: limited,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(workspaceAddress, profileARN, knownvalue.StringRegexp(regexp.MustCompile(`:instance-profile/`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: slices.Concat(outputs(), []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter").AtMapKey("max_vcpus"), knownvalue.Int64Exact(64)),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter").AtMapKey("instance_families"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("c7i"), knownvalue.StringExact("m7i")})),
				}),
				Check: f.expectKarpenterObjects(true),
			},
			// The import reads the limits from the settings parameter.
			f.importStep(),
			{
				// Someone strips WorkloadBoundary from the node role outside Terraform.
				Config: limited,
				Check: func(*terraform.State) error {
					return lakesailtest.StripBoundary(context.Background(), cfg, cluster+"-karpenter-node")
				},
				ExpectNonEmptyPlan: true,
			},
			{
				// The refresh shows the node role empty; the plan puts it back in place.
				Config: limited,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(workspaceAddress, nodeRole, knownvalue.StringRegexp(regexp.MustCompile(`-karpenter-node$`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: outputs(),
				Check:             f.expectKarpenterObjects(true),
			},
			{
				// Off, in place: the controller role leaves workload_role_arns, the rest is deleted.
				Config: config(`{ enabled = false }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(workspaceAddress, nodeRole, knownvalue.StringExact("")),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_role_arns"), knownvalue.MapSizeExact(rolesOff)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter_instance_profile_name"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("karpenter_settings_parameter_name"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_role_arns"), knownvalue.MapSizeExact(rolesOff)),
				},
				Check: f.expectKarpenterObjects(false),
			},
		},
	})
}

// TestAccWorkspace_karpenterInvalid: Karpenter's limits are checked at plan time, naming the
// attribute and what to write instead.
func TestAccWorkspace_karpenterInvalid(t *testing.T) {
	target := newAccTarget(t)
	for _, tc := range []struct{ body, error string }{
		{`karpenter = { instance_families = ["m7i.large"] }`, `(?s)Invalid Instance Family.*"m7i.large",\s+an\s+instance\s+type:\s+write\s+its\s+family,\s+"m7i"`},
		{`karpenter = { instance_families = ["general"] }`, `(?s)Invalid Instance Family.*not\s+an\s+EC2\s+instance\s+family`},
		{`karpenter = { instance_families = [] }`, `(?s)karpenter.instance_families.*at\s+least\s+1`},
		{`karpenter = { max_vcpus = 0 }`, `(?s)karpenter.max_vcpus.*between\s+1\s+and\s+100000`},
		{`karpenter = { max_vcpus = 100001 }`, `(?s)karpenter.max_vcpus.*between\s+1\s+and\s+100000`},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:   workspacePlanConfig(target, "", "  kubernetes_version = \"1.32\"\n  "+tc.body),
				PlanOnly: true, ExpectError: regexp.MustCompile(tc.error),
			}},
		})
	}
}
