package provider

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
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
				cfg, tg, err := target.connectionAsAdmin(id)
				if err != nil {
					return err
				}
				return lakesailtest.Tamper(context.Background(), cfg, tampering, tg)
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

// connectionAsAdmin is the account administrator's AWS configuration and the connection id's
// objects, for changes made outside Terraform.
func (target *accTarget) connectionAsAdmin(id string) (aws.Config, lakesailtest.Target, error) {
	cfg, err := target.adminConfig()
	if err != nil {
		return aws.Config{}, lakesailtest.Target{}, err
	}
	client, err := target.rootClient()
	if err != nil {
		return aws.Config{}, lakesailtest.Target{}, err
	}
	account, err := client.AccountID(context.Background())
	if err != nil {
		return aws.Config{}, lakesailtest.Target{}, err
	}
	return cfg, lakesailtest.Target{ConnectionID: id, AccountID: account, RoleName: connpolicy.DefaultRoleName(id)}, nil
}
