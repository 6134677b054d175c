package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// writeOnlyConfig is a connection and a workspace in the fixture's network, both given the
// external ID write-only only.
func (f *workspaceFixture) writeOnlyConfig(externalID string, version int) string {
	subnets := `["` + strings.Join(f.network.PrivateSubnetIDs, `", "`) + `"]`
	return f.target.config(writeOnlyConnectionConfig(f.connectionID, externalID, version) + fmt.Sprintf(`
resource "lakesail_workspace" "test" {
  connection_id          = lakesail_connection.test.connection_id
  role_arn               = lakesail_connection.test.role_arn
  external_id_wo         = %q
  external_id_wo_version = %d
  workspace_id           = %q
  vpc_id                 = %q
  private_subnet_ids     = %s
  security_group_id      = %q
  kms_key_arn            = %q
  bucket_name            = %q
%s
}
`, externalID, version, accWorkspaceID, f.network.VpcID, subnets, f.network.SecurityGroupID, f.network.KMSKeyARN, f.network.BucketName, workspaceBasics))
}

// TestAccWorkspace_externalIDWriteOnly: a workspace given only external_id_wo is created, keeps
// no external ID in plan or state, refreshes and destroys (reading the external ID from the
// trust policy), and a new external_id_wo with a bumped version (the connection's ID rotated)
// updates it in place.
func TestAccWorkspace_externalIDWriteOnly(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{
			{
				Config: f.writeOnlyConfig(accExternalID, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionCreate),
						planNeverHolds(accExternalID),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: writeOnlyStateChecks(workspaceAddress, accExternalID, 1),
			},
			{
				// Refresh has no configuration: the external ID comes from the trust policy.
				RefreshState:      true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:             legacyStateNeverHolds(accExternalID),
			},
			{
				Config: f.writeOnlyConfig(rotatedExternalID, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						planNeverHolds(accExternalID),
						planNeverHolds(rotatedExternalID),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(writeOnlyStateChecks(workspaceAddress, rotatedExternalID, 2), stateNeverHolds(accExternalID)),
			},
		},
	})
}

// TestUnitWorkspaceExternalIDArguments: external_id and external_id_wo together fail
// validation, as do a write-only value without its version and a version without one.
func TestUnitWorkspaceExternalIDArguments(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	testExternalIDArguments(t, newWorkspaceResource, "lakesail_workspace", map[string]tftypes.Value{
		"connection_id": str("AB12CD34EF"),
		"role_arn":      str("arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-LakeSailRole"),
		"workspace_id":  str("WS00000001"),
		"vpc_id":        str("vpc-0a1b2c3d"),
		"private_subnet_ids": tftypes.NewValue(tftypes.List{ElementType: tftypes.String},
			[]tftypes.Value{str("subnet-0a1b2c3d"), str("subnet-1a1b2c3d")}),
		"security_group_id":  str("sg-0a1b2c3d"),
		"kms_key_arn":        str("arn:aws:kms:us-east-1:111122223333:key/k"),
		"bucket_name":        str("lakesail-ab12cd34ef-net0000001-ws"),
		"kubernetes_version": str("1.33"),
	})
}
