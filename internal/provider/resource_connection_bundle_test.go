package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// TestAccConnection_upgradesPolicyBundle: a connection whose managed policies hold the documents
// of policy bundle 3 (as a release before the envelope was closed made them) is brought to the
// current bundle by an apply that updates it in place: the plan shows the changed documents'
// fingerprints, the role is not replaced, and the plan afterwards is empty.
func TestAccConnection_upgradesPolicyBundle(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	config := target.config(connectionConfig(id, ""))
	installBundle3 := func(*terraform.State) error {
		cfg, tg, err := target.connectionAsAdmin(id)
		if err != nil {
			return err
		}
		return lakesailtest.InstallBundle3(context.Background(), cfg, tg)
	}
	changed := []connpolicy.PolicyKind{connpolicy.KindExplicitDeny, connpolicy.KindWorkloadBoundary, connpolicy.KindEKS,
		connpolicy.KindNetworkCompute, connpolicy.KindIAMAndCloudwatch}
	var planShowsChanges []plancheck.PlanCheck
	for _, kind := range changed {
		planShowsChanges = append(planShowsChanges, expectMapValueChanges{address: connectionAddress, attribute: "policy_sha256", key: string(kind)})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkConnectionDestroyed(id),
		Steps: []resource.TestStep{
			{Config: config, Check: installBundle3, ExpectNonEmptyPlan: true},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: append([]plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionUpdate),
					}, planShowsChanges...),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.TestCheckResourceAttr(connectionAddress, "policy_bundle_version", connpolicy.BundleVersion),
			},
		},
	})
}

// expectMapValueChanges checks that a resource change plans a new value for one key of a map
// attribute (the before and after values differ).
type expectMapValueChanges struct {
	address, attribute, key string
}

func (e expectMapValueChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.address {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		b, _ := before[e.attribute].(map[string]any)
		a, _ := after[e.attribute].(map[string]any)
		if b[e.key] == a[e.key] {
			resp.Error = fmt.Errorf("%s: the plan does not change %s[%q] (%v)", e.address, e.attribute, e.key, b[e.key])
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.address)
}
