package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

const (
	accTenantID   = "TENANT0001"
	accExternalID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
)

// accConnectionID returns a connection id unique to the test run, so tests against real AWS
// never collide.
func accConnectionID(t *testing.T) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	id := make([]byte, 10)
	seed := uint64(len(t.Name())) ^ uint64(testRunNonce)
	for i, c := range t.Name() {
		seed = seed*31 + uint64(c) + uint64(i)
	}
	for i := range id {
		seed = seed*6364136223846793005 + 1442695040888963407
		id[i] = alphabet[(seed>>33)%uint64(len(alphabet))]
	}
	return string(id)
}

func connectionConfig(connectionID, extra string) string {
	return fmt.Sprintf(`
resource "lakesail_connection" "test" {
  connection_id = %q
  tenant_id     = %q
  external_id   = %q
%s
}
`, connectionID, accTenantID, accExternalID, extra)
}

const connectionAddress = "lakesail_connection.test"

func TestAccConnection_basic(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkConnectionDestroyed(id),
		Steps: []resource.TestStep{
			{
				Config: target.config(connectionConfig(id, `  tags = { team = "data" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("role_arn"),
							knownvalue.StringRegexp(regexp.MustCompile(`:role/lakesail-`+id+`-LakeSailRole$`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("verified"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("tags_all").AtMapKey("LakeSail-Connection"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("tags_all").AtMapKey("team"), knownvalue.StringExact("data")),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("policy_sha256").AtMapKey(connection.UnmanagedPermissionsKey),
						knownvalue.StringExact(connection.FingerprintNone)),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("managed_policy_arns").AtMapKey("ExplicitDeny"),
						knownvalue.StringRegexp(regexp.MustCompile(`:policy/lakesail-`+id+`-ExplicitDeny$`))),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("policy_bundle_version"), knownvalue.StringExact(connpolicy.BundleVersion)),
				},
			},
			{
				ResourceName:            connectionAddress,
				ImportState:             true,
				ImportStateId:           id,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"verified", "timeouts"},
			},
		},
	})
}

func TestAccConnection_update(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkConnectionDestroyed(id),
		Steps: []resource.TestStep{
			{Config: target.config(connectionConfig(id, `  tags = { team = "data" }`))},
			{
				Config: target.config(connectionConfig(id, `
  tags                   = { team = "platform", cost = "42" }
  trusted_principal_arns = ["arn:aws:iam::111122223333:role/ci-terraform"]
  max_session_duration   = 7200`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("tags_all").AtMapKey("team"), knownvalue.StringExact("platform")),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("max_session_duration"), knownvalue.Int64Exact(7200)),
				},
			},
			{
				// Dropping the provisioner statement: LakeSail alone is trusted and nothing is verified.
				Config: target.config(connectionConfig(id, `  trust_provisioner = false`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("verified"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("provisioner_principal_arn"), knownvalue.StringExact("")),
				},
			},
			{
				// Import of a role that trusts LakeSail alone round-trips, provisioner_principal_arn included.
				ResourceName:            connectionAddress,
				ImportState:             true,
				ImportStateId:           id,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"verified", "timeouts"},
			},
		},
	})
}

func TestAccConnection_disappears(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkConnectionDestroyed(id),
		Steps: []resource.TestStep{{
			Config: target.config(connectionConfig(id, "")),
			Check: resource.ComposeTestCheckFunc(func(*terraform.State) error {
				return target.deleteConnectionOutOfBand(id)
			}),
			ExpectNonEmptyPlan: true,
		}},
	})
}

func TestAccConnection_invalidInput(t *testing.T) {
	target := newAccTarget(t)
	cases := []struct {
		config string
		error  string
	}{
		{connectionConfig("lower12345", ""), `(?s)connection_id.*10-character connection id`},
		{connectionConfig("AB12CD34EF", `  max_session_duration = 60`), `(?s)max_session_duration.*between 3600 and 43200`},
		{connectionConfig("AB12CD34EF", `  trusted_principal_arns = ["arn:aws:sts::111122223333:assumed-role/ci/session"]`), `(?s)trusted_principal_arns.*IAM principal ARN`},
		{connectionConfig("AB12CD34EF", `  role_path = "no-slashes"`), `(?s)role_path.*must start and end with "/"`},
		{fmt.Sprintf(`resource "lakesail_connection" "test" {
  connection_id = "AB12CD34EF"
  tenant_id     = %q
  external_id   = "not-a-uuid"
}`, accTenantID), `(?s)external_id.*UUID`},
		{fmt.Sprintf(`resource "lakesail_connection" "test" {
  connection_id = "AB12CD34EF"
  tenant_id     = %q
}`, accTenantID), `(?s)external_id`},
	}
	for _, tc := range cases {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      target.config(tc.config),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.error),
			}},
		})
	}
}

// checkConnectionDestroyed verifies the role is gone after destroy.
func (a *accTarget) checkConnectionDestroyed(connectionID string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		client, err := a.rootClient()
		if err != nil {
			return err
		}
		obs, err := client.ObserveConnectionRole(context.Background(), connpolicy.DefaultRoleName(connectionID))
		if err == nil {
			return fmt.Errorf("connection role %s still exists", aws.ToString(&obs.RoleName))
		}
		return nil
	}
}

func (a *accTarget) deleteConnectionOutOfBand(connectionID string) error {
	client, err := a.rootClient()
	if err != nil {
		return err
	}
	spec := connection.Spec{Policy: connpolicy.Spec{ConnectionID: connectionID, TenantID: accTenantID, ExternalID: accExternalID}}
	return connection.New(client).Delete(context.Background(), spec)
}

// TestAccConnection_propagationDelay: IAM refuses to let anyone assume a new role for a while;
// apply waits it out and still verifies the role.
func TestAccConnection_propagationDelay(t *testing.T) {
	target := newAccTargetWith(t, awsemu.Options{PropagationDelay: 10 * time.Second})
	target.requireEmulator(t)
	id := accConnectionID(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkConnectionDestroyed(id),
		Steps: []resource.TestStep{{
			Config: target.config(connectionConfig(id, "")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("verified"), knownvalue.Bool(true)),
			},
		}},
	})
}
