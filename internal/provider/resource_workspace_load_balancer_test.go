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

// TestAccWorkspace_sessionLoadBalancer: every workspace has an internal session NLB with a TLS
// listener on the session certificate; its outputs are in state, a weakened listener shows in the
// plan and apply restores it, a change of the workspace's tags reaches the load balancer, its
// listener and its target group, a tag removed outside Terraform shows in the plan and apply
// restores it, import finds it, and destroy leaves nothing tagged with the workspace.
func TestAccWorkspace_sessionLoadBalancer(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	cfg, err := f.target.adminConfig()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	name := "lakesail-" + f.connectionID + "-" + accWorkspaceID
	arnOf := func(kind string) knownvalue.Check {
		return knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:` + kind + `/` + name + `/`))
	}
	listenerMatches := func(s *terraform.State) error {
		attrs := s.RootModule().Resources[workspaceAddress].Primary.Attributes
		listener, cert, policy, err := f.sessionListener()
		if err != nil {
			return err
		}
		if listener != attrs["session_listener_arn"] || cert != attrs["certificate_arn"] || policy != workspace.SessionTLSPolicy {
			return fmt.Errorf("listener %s serves %s under %s; state says %s with %s", listener, cert, policy, attrs["session_listener_arn"], attrs["certificate_arn"])
		}
		return nil
	}
	config := f.config(workspaceBasics)
	tagged := f.config(workspaceBasics + `  tags = { team = "sessions" }`)
	// The load balancer, its listener and its target group carry team = "sessions", read with the
	// account's own credentials.
	sessionTagged := func(*terraform.State) error {
		tags, err := lakesailtest.SessionLoadBalancerTags(ctx, cfg, name)
		if err != nil {
			return err
		}
		for _, what := range []string{"load balancer", "listener", "target group"} {
			if tags[what]["team"] != "sessions" || tags[what][workspace.TagWorkspace] != accWorkspaceID {
				return fmt.Errorf("the session %s carries %v, not team = sessions", what, tags[what])
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(f.checkWorkspaceDestroyed(), func(*terraform.State) error {
			left, err := lakesailtest.WorkspaceLeftovers(ctx, cfg, f.connectionID, accWorkspaceID)
			if err != nil {
				return err
			}
			if len(left) > 0 {
				return fmt.Errorf("destroy left the workspace's %s", strings.Join(left, ", "))
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(workspaceAddress, tfjsonpath.New("session_listener_arn")),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("session_load_balancer").AtMapKey("scheme"), knownvalue.StringExact("internal")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("session_load_balancer_arn"), arnOf("loadbalancer/net")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("session_listener_arn"), arnOf("listener/net")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("session_target_group_arn"), arnOf("targetgroup")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("session_load_balancer_dns_name"),
						knownvalue.StringRegexp(regexp.MustCompile(`^`+name+`-.*\.elb\..*amazonaws\.com$`))),
				},
				Check: listenerMatches,
			},
			{
				// Someone weakens the listener's security policy outside Terraform.
				Config:             config,
				Check:              func(*terraform.State) error { return lakesailtest.WeakenSessionListener(ctx, cfg, name) },
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(workspaceAddress, tfjsonpath.New("session_listener_arn")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: listenerMatches,
			},
			{
				// The workspace's tags change: apply retags the session load balancer too.
				Config: tagged,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(sessionTagged, listenerMatches),
			},
			{
				// Someone removes the tag from the target group outside Terraform.
				Config:             tagged,
				Check:              func(*terraform.State) error { return lakesailtest.UntagSessionTargetGroup(ctx, cfg, name, "team") },
				ExpectNonEmptyPlan: true,
			},
			{
				Config: tagged,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(workspaceAddress, tfjsonpath.New("session_listener_arn")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(sessionTagged, listenerMatches),
			},
			f.importStep(),
		},
	})
}

// TestAccWorkspace_sessionLoadBalancerInvalid: an internet-facing load balancer needs CIDR blocks
// and public subnets, an internal one takes no CIDR blocks; each is refused at plan time naming
// the attribute.
func TestAccWorkspace_sessionLoadBalancerInvalid(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	for _, tc := range []struct{ body, error string }{
		{`  session_load_balancer = { scheme = "internet-facing" }`, `(?s)session_load_balancer.allowed_cidrs.*needs at least one CIDR`},
		{`  session_load_balancer = { scheme = "internet-facing", allowed_cidrs = ["203.0.113.0/24"] }`, `(?s)public_subnet_ids.*set public_subnet_ids`},
		{`  session_load_balancer = { allowed_cidrs = ["203.0.113.0/24"] }`, `(?s)session_load_balancer.allowed_cidrs.*only meaningful with scheme`},
		{`  session_load_balancer = { scheme = "public" }`, `(?s)session_load_balancer.scheme.*value must be one of`},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: f.config(workspaceBasics + tc.body), PlanOnly: true, ExpectError: regexp.MustCompile(tc.error)}},
		})
	}
}

// TestAccWorkspace_sessionLoadBalancerScheme: an internet-facing load balancer in the public
// subnets admitting the allowed CIDR blocks, then internal: the plan shows a new load balancer
// (its DNS name and ARNs unknown) and apply replaces it in place of the workspace.
func TestAccWorkspace_sessionLoadBalancerScheme(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	cfg, err := f.target.adminConfig()
	if err != nil {
		t.Fatal(err)
	}
	if err := lakesailtest.AddPublicSubnets(context.Background(), cfg, f.connectionID, &f.network); err != nil {
		t.Fatal(err)
	}
	public := `  public_subnet_ids = ["` + strings.Join(f.network.PublicSubnetIDs, `", "`) + `"]` + "\n"
	scheme := tfjsonpath.New("session_load_balancer").AtMapKey("scheme")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{
			{
				Config: f.config(workspaceBasics + public +
					`  session_load_balancer = { scheme = "internet-facing", allowed_cidrs = ["203.0.113.0/24"] }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, scheme, knownvalue.StringExact("internet-facing")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("session_load_balancer").AtMapKey("allowed_cidrs"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("203.0.113.0/24")})),
				},
			},
			{
				Config: f.config(workspaceBasics + public),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(workspaceAddress, tfjsonpath.New("session_load_balancer_dns_name")),
						plancheck.ExpectUnknownValue(workspaceAddress, tfjsonpath.New("session_listener_arn")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(workspaceAddress, scheme, knownvalue.StringExact("internal"))},
			},
		},
	})
}
