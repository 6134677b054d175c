package workspace_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// TestLibWorkspaceCreateFaults fails each mutating step of a create in turn: the error carries
// what AWS chose so far, a delete with it leaves nothing behind, and a new create then succeeds.
func TestLibWorkspaceCreateFaults(t *testing.T) {
	t.Parallel()
	steps := []struct{ service, operation string }{
		{"logs", "CreateLogGroup"}, {"logs", "PutRetentionPolicy"}, {"iam", "CreateRole"}, {"iam", "AttachRolePolicy"},
		{"eks", "CreateCluster"}, {"iam", "CreateOpenIDConnectProvider"}, {"iam", "PutRolePolicy"}, {"eks", "CreateNodegroup"},
		{"eks", "CreateAddon"}, {"ssm", "PutParameter"}, {"acm", "ImportCertificate"}, {"glue", "CreateDatabase"}, {"ec2", "CreateTags"},
		{"ec2", "CreateLaunchTemplate"}, {"ec2", "CreateSecurityGroup"}, {"ec2", "AuthorizeSecurityGroupIngress"},
		{"elasticloadbalancing", "CreateTargetGroup"}, {"elasticloadbalancing", "CreateLoadBalancer"}, {"elasticloadbalancing", "CreateListener"},
	}
	for _, step := range steps {
		t.Run(step.service+":"+step.operation, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newWorkspaceEnv(t, awsemu.Options{})
			env.emu.AddFault(awsemu.Fault{Service: step.service, Operation: step.operation, ErrorCode: "InjectedFault",
				HTTPStatus: 400, Message: "injected by the test", Nth: 1, Times: 1})
			_, err := workspace.New(env.asRole).Create(ctx, env.spec, nil)
			made, ok := lakesail.RecordOf[workspace.Progress](err)
			if !ok || !strings.Contains(err.Error(), "InjectedFault") {
				t.Fatalf("create with %s failing: %v", step.operation, err)
			}
			lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, made.Record))
			env.assertNoOrphans(t)
			ws := env.create(t)
			lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
			env.assertNoOrphans(t)
		})
	}
}

// TestLibWorkspaceDeleteFaults fails each step of a delete in turn: a second delete finishes.
func TestLibWorkspaceDeleteFaults(t *testing.T) {
	t.Parallel()
	steps := []struct{ service, operation string }{
		{"eks", "DeleteAddon"}, {"eks", "DeleteNodegroup"}, {"eks", "DeleteCluster"}, {"iam", "DeleteOpenIDConnectProvider"},
		{"iam", "DeleteRole"}, {"ssm", "DeleteParameter"}, {"acm", "DeleteCertificate"}, {"logs", "DeleteLogGroup"}, {"glue", "DeleteDatabase"}, {"ec2", "DeleteTags"},
		{"ec2", "DeleteLaunchTemplate"}, {"elasticloadbalancing", "DeleteListener"}, {"elasticloadbalancing", "DeleteTargetGroup"},
		{"elasticloadbalancing", "DeleteLoadBalancer"}, {"ec2", "DeleteSecurityGroup"},
	}
	for _, step := range steps {
		t.Run(step.service+":"+step.operation, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newWorkspaceEnv(t, awsemu.Options{})
			ws := env.create(t)
			env.emu.AddFault(awsemu.Fault{Service: step.service, Operation: step.operation, ErrorCode: "InjectedFault",
				HTTPStatus: 400, Message: "injected by the test", Nth: 1, Times: 1})
			if err := workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()); err == nil {
				t.Fatalf("delete with %s failing succeeded", step.operation)
			}
			lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
			env.assertNoOrphans(t)
		})
	}
}

// TestLibWorkspaceThrottled throttles a third of the EKS calls: the SDK's retries and the
// waiters still converge on create, update and delete.
func TestLibWorkspaceThrottled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	env.emu.AddFault(awsemu.Fault{Service: "eks", Throttle: true, Fraction: 1.0 / 3})
	ws := env.create(t)
	prior := env.spec
	env.spec.SystemNodeGroup.DesiredSize = 3
	ws, err := workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
	throttled := 0
	for _, c := range env.emu.Calls() {
		if c.Service == "eks" && strings.Contains(c.ErrorCode, "Throttl") {
			throttled++
		}
	}
	if throttled < 5 {
		t.Errorf("only %d EKS calls were throttled", throttled)
	}
	env.assertNoOrphans(t)
}

// TestLibWorkspaceOutlivesSession: with every session capped at one second and EKS taking
// longer, the create and delete finish on refreshed credentials.
func TestLibWorkspaceOutlivesSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{SessionDuration: time.Second, TransitionDelay: 1500 * time.Millisecond})
	ws := env.create(t)
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
	sessions := 0
	for _, c := range env.emu.Calls() {
		if c.Operation == "AssumeRole" && c.Decision == "allow" {
			sessions++
		}
	}
	if sessions < 2 {
		t.Errorf("%d sessions: the create never outlived one", sessions)
	}
	env.assertCallsByRole(t)
}

// TestLibWorkspaceEnvelopeDrift: an administrator strips WorkloadBoundary from the storage
// role, widens the logging role's trust to every service account and removes the connection
// role's cluster access entry; read reports all three (leaving the roles' ARNs out), and update
// restores them.
func TestLibWorkspaceEnvelopeDrift(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	admin := iam.NewFromConfig(env.emu.AWSConfig(nil))
	_, err := admin.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(env.spec.WorkloadRoleName("storage"))})
	lakesailtest.Must(t, err)
	host := strings.TrimPrefix(ws.OIDCIssuerURL, "https://")
	widened := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + ws.OIDCProviderARN +
		`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"` + host + `:sub":"system:serviceaccount:*"}}}]}`
	_, err = admin.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(env.spec.WorkloadRoleName("logging")), PolicyDocument: aws.String(widened)})
	lakesailtest.Must(t, err)
	env.adminOps = map[string]bool{"eks:DeleteAccessEntry": true}
	_, err = eks.NewFromConfig(env.emu.AWSConfig(nil)).DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(ws.ClusterName),
		PrincipalArn: aws.String(env.spec.ConnectionRoleARN)})
	lakesailtest.Must(t, err)

	drifted, err := workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if _, ok := drifted.WorkloadRoleARNs["storage"]; ok {
		t.Error("the storage role without WorkloadBoundary is still reported")
	}
	if _, ok := drifted.WorkloadRoleARNs["logging"]; ok {
		t.Error("the logging role with a widened trust is still reported")
	}
	if !drifted.AdminAccessLost {
		t.Error("the connection role's lost cluster administration is not reported")
	}
	if len(drifted.Drift) < 3 {
		t.Errorf("drift: %v", drifted.Drift)
	}
	restored, err := workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(restored.Drift) > 0 || len(restored.WorkloadRoleARNs) != len(env.spec.WorkloadPurposes()) {
		t.Fatalf("after update: %v %v", restored.Drift, restored.WorkloadRoleARNs)
	}
	assertRolesBounded(t, env)
	env.assertCallsByRole(t)
}

// TestLibWorkspaceKarpenterCreateFaults fails each step a create with Karpenter adds: a base
// role (the third CreateRole: one of the cluster, node and Karpenter node roles, made at once),
// the controller's role (the sixth, the last workload role) and its inline policy (the third), the
// instance profile and the node role in it, the access entry, the tags of the subnets and the
// security group (one call), and a parameter (the sixth: the settings or a Konnectivity one).
// The error carries what was made, a delete leaves nothing, and a new create succeeds.
func TestLibWorkspaceKarpenterCreateFaults(t *testing.T) {
	t.Parallel()
	steps := []struct {
		service, operation string
		nth                int
	}{
		{"iam", "CreateRole", 3}, {"iam", "CreateRole", 6}, {"iam", "PutRolePolicy", 3}, {"iam", "CreateInstanceProfile", 1},
		{"iam", "AddRoleToInstanceProfile", 1}, {"eks", "CreateAccessEntry", 1}, {"ec2", "CreateTags", 1}, {"ssm", "PutParameter", 6},
	}
	for _, step := range steps {
		t.Run(fmt.Sprintf("%s:%s#%d", step.service, step.operation, step.nth), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newKarpenterEnv(t, workspace.WorkloadIdentityIRSA)
			env.emu.AddFault(awsemu.Fault{Service: step.service, Operation: step.operation, ErrorCode: "InjectedFault",
				HTTPStatus: 400, Message: "injected by the test", Nth: step.nth, Times: 1})
			_, err := workspace.New(env.asRole).Create(ctx, env.spec, nil)
			made, ok := lakesail.RecordOf[workspace.Progress](err)
			if !ok || !strings.Contains(err.Error(), "InjectedFault") {
				t.Fatalf("create with %s failing: %v", step.operation, err)
			}
			lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, made.Record))
			env.assertNoOrphans(t)
			ws := env.create(t)
			assertKarpenterInPlace(t, env, ws)
			lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
			env.assertNoOrphans(t)
		})
	}
}

// TestLibWorkspaceKarpenterDeleteFaults fails each step Karpenter adds to a delete, with a node
// the controller launched: the controller's role (the first DeleteRole), the node's
// termination, the controller's launch template (the first DeleteLaunchTemplate), the access
// entry, the instance profile (emptied, then deleted), the node role (the second DeleteRole),
// the settings parameter (the first DeleteParameter) and the security group's tag (the first
// DeleteTags). A second delete finishes, and nothing is left.
func TestLibWorkspaceKarpenterDeleteFaults(t *testing.T) {
	t.Parallel()
	steps := []struct {
		service, operation string
		nth                int
	}{
		{"iam", "DeleteRole", 1}, {"ec2", "TerminateInstances", 1}, {"ec2", "DeleteLaunchTemplate", 1}, {"eks", "DeleteAccessEntry", 1},
		{"iam", "RemoveRoleFromInstanceProfile", 1}, {"iam", "DeleteInstanceProfile", 1}, {"iam", "DeleteRole", 2},
		{"ssm", "DeleteParameter", 1}, {"ec2", "DeleteTags", 1},
	}
	for _, step := range steps {
		t.Run(fmt.Sprintf("%s:%s#%d", step.service, step.operation, step.nth), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newKarpenterEnv(t, workspace.WorkloadIdentityIRSA)
			ws := env.create(t)
			env.launchKarpenterNode(t, "karpenter-default")
			env.emu.AddFault(awsemu.Fault{Service: step.service, Operation: step.operation, ErrorCode: "InjectedFault",
				HTTPStatus: 400, Message: "injected by the test", Nth: step.nth, Times: 1})
			if err := workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()); err == nil || !strings.Contains(err.Error(), "InjectedFault") {
				t.Fatalf("delete with %s failing: %v", step.operation, err)
			}
			lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
			env.assertNoOrphans(t)
			left, err := workspace.New(env.asRole).Remnants(ctx, env.spec, ws.Record())
			lakesailtest.Must(t, err)
			if len(left) > 0 {
				t.Errorf("remnants: %v", left)
			}
		})
	}
}
