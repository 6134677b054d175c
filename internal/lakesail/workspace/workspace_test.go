package workspace_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// TestLibWorkspaceLifecycle creates, reads, updates (scaling, logging, add-on version, tags,
// databases), upgrades and deletes a workspace as the connection role; every call is the
// role's and allowed, every role carries WorkloadBoundary, and nothing is left.
func TestLibWorkspaceLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	env.spec.Addons["coredns"] = workspace.AddonSpec{Version: "v1.11.4-eksbuild.2"}
	ws := env.create(t)
	if len(ws.Drift) > 0 {
		t.Fatalf("drift right after create: %v", ws.Drift)
	}
	if ws.ClusterName != "lakesail-"+lakesailtest.ConnectionID+"-"+testWorkspaceID || ws.OIDCProviderARN == "" || ws.CertificateARN == "" {
		t.Fatalf("incomplete workspace: %+v", ws)
	}
	if got := slices.Sorted(maps.Keys(ws.WorkloadRoleARNs)); !slices.Equal(got, []string{"logging", "storage"}) {
		t.Fatalf("workload roles %v", got)
	}
	if len(ws.SSMParameterNames) != 5 || len(ws.GlueDatabaseNames) != 1 || ws.LogRetentionDays != 30 {
		t.Fatalf("satellites: %v %v %d", ws.SSMParameterNames, ws.GlueDatabaseNames, ws.LogRetentionDays)
	}
	assertRolesBounded(t, env)
	assertSubnetsTagged(t, env, true)

	prior := env.spec
	env.spec.SystemNodeGroup.DesiredSize, env.spec.SystemNodeGroup.MaxSize = 3, 5
	env.spec.LogTypes = []string{"api", "audit", "authenticator", "scheduler"}
	env.spec.Addons = workspace.DefaultAddons()
	env.spec.Addons["coredns"] = workspace.AddonSpec{Version: "v1.11.4-eksbuild.14"}
	env.spec.Tags = map[string]string{"team": "platform", "cost": "42"}
	env.spec.GlueDatabases = []string{"analytics", "raw"}
	env.spec.LogRetentionDays = 90
	ws, err := workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(ws.Drift) > 0 {
		t.Fatalf("drift after update: %v", ws.Drift)
	}
	if ws.SystemNodeGroup.DesiredSize != 3 || ws.Addons["coredns"].Version != "v1.11.4-eksbuild.14" || ws.Tags["team"] != "platform" ||
		len(ws.GlueDatabaseNames) != 2 || ws.LogRetentionDays != 90 {
		t.Fatalf("update not applied: %+v", ws)
	}

	prior = env.spec
	env.spec.KubernetesVersion = "1.33"
	// The pinned coredns runs on 1.32 only; an upgrade moves pins along with it.
	env.spec.Addons = workspace.DefaultAddons()
	ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	var stepErr *workspace.VersionStepError
	if ws.KubernetesVersion != "1.33" || ws.SystemNodeGroup == nil || len(ws.Drift) > 0 {
		t.Fatalf("upgrade: version %s, drift %v", ws.KubernetesVersion, ws.Drift)
	}
	env.spec.KubernetesVersion = "1.35"
	if _, err := workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record()); !errors.As(err, &stepErr) {
		t.Fatalf("skipping a minor version: %v", err)
	}
	env.spec.KubernetesVersion = "1.33"

	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
	if n := env.assertCallsByRole(t); n < 50 {
		t.Errorf("only %d calls by the connection role", n)
	}
	env.assertNoOrphans(t)
	assertSubnetsTagged(t, env, false)
	_, err = workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	if !errors.Is(err, lakesail.ErrNotFound) {
		t.Errorf("read after delete: %v", err)
	}
	// A second delete finds nothing and succeeds.
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
}

// assertRolesBounded checks, as the administrator, that every role the workspace created
// carries WorkloadBoundary.
func assertRolesBounded(t *testing.T, env *workspaceEnv) {
	t.Helper()
	api := iam.NewFromConfig(env.emu.AWSConfig(nil))
	names := []string{env.spec.ClusterRoleName(), env.spec.NodeRoleName()}
	for _, p := range workspace.WorkloadPurposes() {
		names = append(names, env.spec.WorkloadRoleName(p))
	}
	for _, name := range names {
		out, err := api.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String(name)})
		lakesailtest.Must(t, err)
		if out.Role.PermissionsBoundary == nil || aws.ToString(out.Role.PermissionsBoundary.PermissionsBoundaryArn) != env.spec.WorkloadBoundaryARN() {
			t.Errorf("role %s does not carry WorkloadBoundary", name)
		}
	}
}

// assertSubnetsTagged checks the cluster's kubernetes.io/cluster tag on the subnets.
func assertSubnetsTagged(t *testing.T, env *workspaceEnv, want bool) {
	t.Helper()
	out, err := ec2.NewFromConfig(env.emu.AWSConfig(nil)).DescribeSubnets(context.Background(),
		&ec2.DescribeSubnetsInput{SubnetIds: env.spec.Network.PrivateSubnetIDs})
	lakesailtest.Must(t, err)
	for _, subnet := range out.Subnets {
		has := slices.ContainsFunc(subnet.Tags, func(tag ec2types.Tag) bool {
			return aws.ToString(tag.Key) == "kubernetes.io/cluster/"+env.spec.ClusterName()
		})
		if has != want {
			t.Errorf("subnet %s has the cluster tag: %t, want %t", aws.ToString(subnet.SubnetId), has, want)
		}
	}
}
