package network_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// TestLibNetworkNeedsEachStatement removes one statement of PolicyNetworkManage (a new default
// version made by the account's root, as a customer might) and checks the create fails naming
// the action that statement allowed, with the emulator's call log showing the denial.
func TestLibNetworkNeedsEachStatement(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ sid, action string }{
		{"Ec2CreateTaggedVpc", "ec2:CreateVpc"},
		{"Ec2CreateTaggedS3GatewayEndpoint", "ec2:CreateVpcEndpoint"},
		{"S3ManageConnectionBuckets", "s3:ListBucket"},
	} {
		t.Run(tc.sid, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newNetworkEnv(t, awsemu.Options{})
			bundle, err := connection.New(env.client).Bundle(ctx, lakesailtest.ConnectionSpec(env.emu.AccountID()))
			lakesailtest.Must(t, err)
			policy := bundle.Policy(connpolicy.KindNetworkManage)
			doc, err := iampolicy.Parse(policy.JSON)
			lakesailtest.Must(t, err)
			var kept []iampolicy.Statement
			for _, s := range doc.Statement {
				if s.Sid != tc.sid {
					kept = append(kept, s)
				}
			}
			if len(kept) == len(doc.Statement) {
				t.Fatalf("PolicyNetworkManage has no statement %s", tc.sid)
			}
			doc.Statement = kept
			_, err = iam.NewFromConfig(env.cfg).CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{
				PolicyArn: aws.String(policy.ARN), PolicyDocument: aws.String(doc.JSON()), SetAsDefault: true,
			})
			lakesailtest.Must(t, err)

			_, err = network.New(env.client).Create(ctx, env.spec(), nil, nil)
			if err == nil {
				t.Fatalf("create succeeded without %s", tc.sid)
			}
			awsErr := requireStepError(t, err)
			if awsErr.Action != tc.action || !awsErr.IsAccessDenied() || !strings.Contains(err.Error(), tc.action) {
				t.Fatalf("error %v: want access denied naming %s", err, tc.action)
			}
			denied := false
			for _, c := range env.emu.Calls() {
				denied = denied || (c.Action == tc.action && c.Decision == "deny")
			}
			if !denied {
				t.Errorf("the call log shows no denied %s", tc.action)
			}
		})
	}
}
