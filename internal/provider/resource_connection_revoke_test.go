package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// revokeOutsideAccount is the account the planted role trusts.
const revokeOutsideAccount = "999999999999"

// TestAccConnection_revokesWorkloadRoles: with a connection and a network applied, a role is
// planted through the connection role (named lakesail-<ID>-…, carrying WorkloadBoundary, trusting
// another account, with an inline policy and an instance profile). The plan warns about it, and
// destroy leaves no IAM object of the connection: no role, policy, instance profile or OIDC
// provider, and neither the connection role nor the planted one can be assumed.
func TestAccConnection_revokesWorkloadRoles(t *testing.T) {
	n := newNetworkTarget(t)
	reads := &diagnosticsRecorder{}
	var backdoor lakesailtest.Backdoor
	var connectionRoleARN string
	config := n.config(`  cidr_block = "10.20.0.0/16"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: reads.factories(),
		CheckDestroy:             n.checkConnectionRevoked(&backdoor, &connectionRoleARN),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					connectionRoleARN = s.RootModule().Resources[connectionAddress].Primary.Attributes["role_arn"]
					var err error
					backdoor, err = n.plantBackdoor(connectionRoleARN)
					return err
				},
			},
			{
				// Nothing to change (the role is not drift), but the refresh warns about it.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if !reads.warning("Trust Principals Outside The Connection", backdoor.RoleName, "arn:aws:iam::"+revokeOutsideAccount+":root") {
						return fmt.Errorf("no read warning names %s trusting %s", backdoor.RoleName, revokeOutsideAccount)
					}
					return nil
				},
			},
		},
	})
}

// plantBackdoor acts as the connection role, assumed with the external ID by the account's
// administrator (whom the connection trusts as its provisioner).
func (n *networkTarget) plantBackdoor(connectionRoleARN string) (lakesailtest.Backdoor, error) {
	client, err := lakesail.NewClient(n.admin(), lakesail.Options{Partition: "aws"})
	if err != nil {
		return lakesailtest.Backdoor{}, err
	}
	asRole, err := client.AssumeRole(lakesail.RoleSession{RoleARN: connectionRoleARN, ExternalID: accExternalID})
	if err != nil {
		return lakesailtest.Backdoor{}, err
	}
	backdoor, err := lakesailtest.PlantBackdoor(context.Background(), asRole.AWSConfig(), n.admin(), n.connectionID, accTenantID, "evil",
		"arn:aws:iam::"+revokeOutsideAccount+":root")
	if err != nil {
		return backdoor, fmt.Errorf("planting a role through the connection role: %w", err)
	}
	if n.emu != nil { // the emulator can act as the other account: the backdoor works
		outside := n.emu.AddAccount(revokeOutsideAccount)
		if err := lakesailtest.TryAssumeRole(context.Background(), n.emu.TLSAWSConfig(aws.NewCredentialsCache(staticCredentials(outside))), backdoor.RoleARN, ""); err != nil {
			return backdoor, fmt.Errorf("the planted role should be assumable from %s: %w", revokeOutsideAccount, err)
		}
	}
	return backdoor, nil
}

// checkConnectionRevoked: after destroy nothing of the connection is left in IAM, the network is
// gone (its bucket and key kept, as without force_destroy), and neither role can be assumed.
func (n *networkTarget) checkConnectionRevoked(backdoor *lakesailtest.Backdoor, connectionRoleARN *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		if err := n.checkNetworkDestroyed(false)(s); err != nil {
			return err
		}
		left, err := lakesailtest.ConnectionLeftovers(ctx, n.admin(), n.connectionID)
		if err != nil {
			return err
		}
		if len(left) > 0 {
			return fmt.Errorf("destroy left IAM objects of the connection: %s", strings.Join(left, "; "))
		}
		// STS refuses a role that no longer exists with AccessDenied.
		if err := lakesailtest.TryAssumeRole(ctx, n.admin(), *connectionRoleARN, accExternalID); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
			return fmt.Errorf("assuming the connection role %s after destroy: %w, want AccessDenied", *connectionRoleARN, err)
		}
		if n.emu != nil && backdoor.RoleARN != "" {
			outside := n.emu.AddAccount(revokeOutsideAccount)
			err := lakesailtest.TryAssumeRole(ctx, n.emu.TLSAWSConfig(aws.NewCredentialsCache(staticCredentials(outside))), backdoor.RoleARN, "")
			if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
				return fmt.Errorf("assuming the planted role %s from %s after destroy: %w, want AccessDenied", backdoor.RoleARN, revokeOutsideAccount, err)
			}
		}
		return nil
	}
}

func staticCredentials(creds aws.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
}

// TestUnitDeleteBlockedDiagnostics: each object destroy refuses to delete becomes its own error
// naming the identities that use it, joined errors included.
func TestUnitDeleteBlockedDiagnostics(t *testing.T) {
	err := errors.Join(
		&lakesail.DeleteBlockedError{Object: "IAM policy lakesail-AB12CD34EF-PolicyEKS", BlockedBy: []string{"role ops-admin (attached)"}, Fix: "detach it"},
		&lakesail.DeleteBlockedError{Object: "IAM policy lakesail-AB12CD34EF-RoleBoundary", BlockedBy: []string{"role ci (permissions boundary)"}, Fix: "re-bound it",
			Err: &lakesail.AWSError{Action: "iam:DeletePolicy", Code: "DeleteConflict", Message: "Cannot delete a policy attached to entities."}},
	)
	var diags diag.Diagnostics
	if !addDeleteBlocked(&diags, err) || len(diags) != 2 {
		t.Fatalf("diagnostics = %v", diags)
	}
	for i, want := range [][]string{
		{"PolicyEKS", "role ops-admin (attached)", "detach it"},
		{"RoleBoundary", "role ci (permissions boundary)", "re-bound it", "DeleteConflict"},
	} {
		text := diags[i].Summary() + " " + diags[i].Detail()
		for _, part := range want {
			if !strings.Contains(text, part) {
				t.Errorf("diagnostic %d %q lacks %q", i, text, part)
			}
		}
	}
	if addDeleteBlocked(&diags, errors.New("other")) {
		t.Error("a plain error is not a blocked delete")
	}
}
