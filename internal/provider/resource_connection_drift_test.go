package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// TestAccConnection_drift tampers with the connection as the account's administrator in each
// way the resource must notice: the plan is then non-empty, apply restores it, and the plan
// after that is empty.
func TestAccConnection_drift(t *testing.T) {
	for _, tampering := range lakesailtest.ConnectionTamperings() {
		t.Run(tampering.Name, func(t *testing.T) {
			target := newAccTarget(t)
			id := accConnectionID(t)
			config := target.config(connectionConfig(id, ""))
			tamper := func(*terraform.State) error {
				cfg, err := target.adminConfig()
				if err != nil {
					return err
				}
				client, err := target.rootClient()
				if err != nil {
					return err
				}
				account, err := client.AccountID(context.Background())
				if err != nil {
					return err
				}
				return lakesailtest.Tamper(context.Background(), cfg, tampering, lakesailtest.Target{
					ConnectionID: id, AccountID: account, RoleName: connpolicy.DefaultRoleName(id),
				})
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             target.checkConnectionDestroyed(id),
				Steps: []resource.TestStep{
					{Config: config, Check: tamper, ExpectNonEmptyPlan: true},
					{
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionUpdate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				},
			})
		})
	}
}
