package workspace_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// TestLibWorkspaceReadSharesLookups: a read resolves every add-on's latest version with one
// DescribeAddonVersions and checks the connection role's cluster access with
// ListAssociatedAccessPolicies alone, and still reports an add-on behind the latest version and
// an access entry that lost AmazonEKSClusterAdminPolicy (the deleted entry is
// TestLibWorkspaceEnvelopeDrift's).
func TestLibWorkspaceReadSharesLookups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	// Created with coredns pinned to an older version, read with every add-on at the latest.
	const older = "v1.11.4-eksbuild.2"
	latestSpec := env.spec
	env.spec.Addons = maps.Clone(env.spec.Addons)
	env.spec.Addons["coredns"] = workspace.AddonSpec{Version: older}
	ws := env.create(t)
	env.spec = latestSpec
	env.adminOps = map[string]bool{"eks:DisassociateAccessPolicy": true}
	_, err := eks.NewFromConfig(env.emu.AWSConfig(nil)).DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{ClusterName: aws.String(ws.ClusterName),
		PrincipalArn: aws.String(env.spec.ConnectionRoleARN), PolicyArn: aws.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")})
	lakesailtest.Must(t, err)

	from := len(env.emu.Calls())
	drifted, err := workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	counts := map[string]int{}
	for _, c := range env.emu.Calls()[from:] {
		counts[c.Service+":"+c.Operation]++
	}
	if n := counts["eks:DescribeAddonVersions"]; n != 1 {
		t.Errorf("%d DescribeAddonVersions calls for %d add-ons, want 1", n, len(env.spec.Addons))
	}
	if n := counts["eks:DescribeAccessEntry"]; n != 0 {
		t.Errorf("%d DescribeAccessEntry calls, want none", n)
	}
	if drifted.Addons["vpc-cni"].Latest == "" || drifted.Addons["coredns"].Latest == "" || drifted.Addons["kube-proxy"].Latest == "" {
		t.Errorf("add-ons without a latest version: %+v", drifted.Addons)
	}
	want := fmt.Sprintf("add-on coredns is at %s; the latest for Kubernetes %s is %s", older, env.spec.KubernetesVersion, drifted.Addons["coredns"].Latest)
	if !hasDrift(drifted, want) {
		t.Errorf("drift %q not reported: %v", want, drifted.Drift)
	}
	if !drifted.AdminAccessLost {
		t.Errorf("the disassociated AmazonEKSClusterAdminPolicy is not reported: %v", drifted.Drift)
	}
	restored, err := workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(restored.Drift) > 0 || restored.AdminAccessLost {
		t.Fatalf("after update: %v", restored.Drift)
	}
	env.assertCallsByRole(t)
}

// TestLibWorkspaceKarpenterReadCalls: with Karpenter on, a read asks once for each of its
// objects (the instance profile, the access entry, the settings, the subnets' and the security
// group's discovery tag), besides the roles; with it off, one DescribeSecurityGroups of the
// network's group looks for anything left, and nothing else of Karpenter is asked.
func TestLibWorkspaceKarpenterReadCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newKarpenterEnv(t, workspace.WorkloadIdentityIRSA)
	ws := env.create(t)
	read := func(s workspace.Spec) (*workspace.Workspace, map[string]int) {
		t.Helper()
		from := len(env.emu.Calls())
		got, err := workspace.New(env.asRole).Read(ctx, s, ws.Record())
		lakesailtest.Must(t, err)
		counts := map[string]int{}
		for _, c := range env.emu.Calls()[from:] {
			counts[c.Service+":"+c.Operation]++
		}
		return got, counts
	}
	got, counts := read(env.spec)
	if len(got.Drift) > 0 || got.Karpenter == nil {
		t.Fatalf("read: %+v, drift %v", got.Karpenter, got.Drift)
	}
	// The security groups: the load balancer's (by name) and the network's (by id).
	for op, want := range map[string]int{"iam:GetInstanceProfile": 1, "eks:DescribeAccessEntry": 1, "ssm:GetParameter": 1,
		"ec2:DescribeSubnets": 1, "ec2:DescribeSecurityGroups": 2, "ec2:DescribeInstances": 0, "ec2:DescribeLaunchTemplates": 1} {
		if counts[op] != want {
			t.Errorf("%d %s calls with Karpenter on, want %d", counts[op], op, want)
		}
	}
	off := env.spec
	off.Karpenter = workspace.KarpenterSpec{}
	got, counts = read(off)
	if !hasDrift(got, "Karpenter is off, but security group") || got.Karpenter == nil {
		t.Errorf("Karpenter's leftovers with it off: %+v, drift %v", got.Karpenter, got.Drift)
	}
	for op, want := range map[string]int{"iam:GetInstanceProfile": 0, "eks:DescribeAccessEntry": 0, "ssm:GetParameter": 0,
		"ec2:DescribeSubnets": 0, "ec2:DescribeSecurityGroups": 2} {
		if counts[op] != want {
			t.Errorf("%d %s calls with Karpenter off, want %d", counts[op], op, want)
		}
	}
}
