package network_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// TestLibNetworkKeyLetsAutoScalingEncryptNodeVolumes: the key policy lets the account's Auto
// Scaling service-linked role (and no other principal, by its ARN) use the key and grant it to
// AWS resources, as encrypting the workspaces' node volumes needs; a network whose key policy
// predates the statements (or lost them) reads as drifted, and update puts them back.
func TestLibNetworkKeyLetsAutoScalingEncryptNodeVolumes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)

	doc, err := iampolicy.Parse(env.keyPolicy(t, n.KMSKeyARN))
	lakesailtest.Must(t, err)
	slr := network.AutoScalingServiceLinkedRoleARN("aws", env.emu.AccountID())
	found := map[string]bool{}
	for _, st := range doc.Statement {
		switch st.Sid {
		case network.SidKeyPolicyAutoScalingUsesTheKey, network.SidKeyPolicyAutoScalingGrantsTheKey:
			found[st.Sid] = true
			if got := st.Condition["ArnEquals"]["aws:PrincipalArn"]; !slices.Equal(got, iampolicy.Values{slr}) {
				t.Errorf("%s admits %v, not only %s", st.Sid, got, slr)
			}
			if got := st.Condition["StringEquals"]["kms:CallerAccount"]; !slices.Equal(got, iampolicy.Values{env.emu.AccountID()}) {
				t.Errorf("%s is not confined to the account: %v", st.Sid, got)
			}
		}
		if st.Sid == network.SidKeyPolicyAutoScalingGrantsTheKey {
			if !slices.Equal(st.Action, iampolicy.Values{"kms:CreateGrant"}) ||
				!slices.Equal(st.Condition["Bool"]["kms:GrantIsForAWSResource"], iampolicy.Values{"true"}) {
				t.Errorf("%s: %v %v, want kms:CreateGrant for AWS resources only", st.Sid, st.Action, st.Condition)
			}
		}
		if st.Sid == network.SidKeyPolicyAutoScalingUsesTheKey {
			for _, a := range []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"} {
				if !slices.Contains(st.Action, a) {
					t.Errorf("%s lacks %s", st.Sid, a)
				}
			}
		}
	}
	if len(found) != 2 {
		t.Fatalf("key policy statements found %v, want both Auto Scaling statements", found)
	}

	// A key policy without them (a network created before them): drift, and update restores them.
	old := withoutStatement(t, withoutStatement(t, env.keyPolicy(t, n.KMSKeyARN), network.SidKeyPolicyAutoScalingUsesTheKey),
		network.SidKeyPolicyAutoScalingGrantsTheKey)
	_, err = env.kms().PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(n.KMSKeyARN), PolicyName: aws.String("default"), Policy: aws.String(old)})
	lakesailtest.Must(t, err)
	drifted, err := network.New(env.client).Read(ctx, spec, n)
	lakesailtest.Must(t, err)
	if !slices.ContainsFunc(drifted.Drift, mentions(n.KMSKeyARN, "key policy")) {
		t.Fatalf("drift %q does not mention the key policy", drifted.Drift)
	}
	restored, err := network.New(env.client).Update(ctx, spec, drifted, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, restored)
	sids := statementSids(t, env.keyPolicy(t, n.KMSKeyARN))
	if !slices.Contains(sids, network.SidKeyPolicyAutoScalingUsesTheKey) || !slices.Contains(sids, network.SidKeyPolicyAutoScalingGrantsTheKey) {
		t.Errorf("after update the key policy has %v", sids)
	}
}
