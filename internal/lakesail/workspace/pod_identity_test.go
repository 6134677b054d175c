package workspace_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

func newPodIdentityEnv(t *testing.T) *workspaceEnv {
	t.Helper()
	env := newWorkspaceEnv(t, awsemu.Options{})
	env.spec.WorkloadIdentity = workspace.WorkloadIdentityPodIdentity
	return env
}

// associationsOf lists, as the administrator, the cluster's associations: namespace/sa -> role.
func associationsOf(t *testing.T, env *workspaceEnv) map[string]string {
	t.Helper()
	ctx := context.Background()
	api := eks.NewFromConfig(env.emu.AWSConfig(nil))
	out, err := api.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(env.spec.ClusterName())})
	lakesailtest.Must(t, err)
	got := map[string]string{}
	for _, a := range out.Associations {
		d, err := api.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: a.ClusterName, AssociationId: a.AssociationId})
		lakesailtest.Must(t, err)
		got[aws.ToString(a.Namespace)+"/"+aws.ToString(a.ServiceAccount)] = aws.ToString(d.Association.RoleArn)
		if d.Association.Tags[workspace.TagWorkspace] != testWorkspaceID {
			t.Errorf("association of %s/%s is not tagged with the workspace: %v", aws.ToString(a.Namespace), aws.ToString(a.ServiceAccount), d.Association.Tags)
		}
	}
	return got
}

func assertPodIdentityInPlace(t *testing.T, env *workspaceEnv, ws *workspace.Workspace) {
	t.Helper()
	if len(ws.Drift) > 0 || ws.WorkloadIdentity != workspace.WorkloadIdentityPodIdentity || len(ws.WorkloadRoleARNs) != len(env.spec.WorkloadPurposes()) ||
		len(ws.PodIdentityAssociations) != len(env.spec.WorkloadPurposes()) {
		t.Fatalf("Pod Identity not in place: identity %q, roles %v, associations %v, drift %v",
			ws.WorkloadIdentity, ws.WorkloadRoleARNs, ws.PodIdentityAssociations, ws.Drift)
	}
	got := associationsOf(t, env)
	for _, p := range workspace.WorkloadPurposes() {
		if want := env.spec.RoleARN(env.spec.WorkloadRoleName(p)); got[workspace.WorkloadServiceAccount(p)] != want {
			t.Errorf("association of %s names %q, not %s", workspace.WorkloadServiceAccount(p), got[workspace.WorkloadServiceAccount(p)], want)
		}
	}
	if _, err := eks.NewFromConfig(env.emu.AWSConfig(nil)).DescribeAddon(context.Background(), &eks.DescribeAddonInput{
		ClusterName: aws.String(env.spec.ClusterName()), AddonName: aws.String(workspace.PodIdentityAgentAddon)}); err != nil {
		t.Errorf("the Pod Identity agent add-on: %v", err)
	}
	for _, p := range workspace.WorkloadPurposes() {
		if trust := roleTrust(t, env, env.spec.WorkloadRoleName(p)); !strings.Contains(trust, "pods.eks.amazonaws.com") ||
			strings.Contains(trust, "Federated") || !strings.Contains(trust, ws.ClusterARN) {
			t.Errorf("role %s trusts %s", env.spec.WorkloadRoleName(p), trust)
		}
	}
	assertRolesBounded(t, env)
}

func roleTrust(t *testing.T, env *workspaceEnv, name string) string {
	t.Helper()
	out, err := iam.NewFromConfig(env.emu.AWSConfig(nil)).GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String(name)})
	lakesailtest.Must(t, err)
	trust, err := url.QueryUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
	lakesailtest.Must(t, err)
	return trust
}

// TestLibWorkspacePodIdentityLifecycle: with workload_identity = "pod_identity" a create runs the
// agent add-on and one tagged association per workload role, each role trusting EKS Pod Identity
// for its service account of the cluster (and bounded); a read reports a deleted or re-pointed
// association, a deleted agent and a changed trust, and an update repairs them; an import finds
// Pod Identity; the workspace switches to IRSA and back in place; a delete leaves nothing.
func TestLibWorkspacePodIdentityLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newPodIdentityEnv(t)
	ws := env.create(t)
	assertPodIdentityInPlace(t, env, ws)
	if _, listed := ws.Addons[workspace.PodIdentityAgentAddon]; listed {
		t.Error("the implicit agent add-on is reported among the spec's add-ons")
	}

	// Drift: an association deleted, another pointed at a role of the customer's, the agent
	// deleted, a trust widened.
	admin := eks.NewFromConfig(env.emu.AWSConfig(nil))
	adminIAM := iam.NewFromConfig(env.emu.AWSConfig(nil))
	env.adminOps = map[string]bool{"eks:DeletePodIdentityAssociation": true, "eks:UpdatePodIdentityAssociation": true,
		"eks:DeleteAddon": true, "eks:ListPodIdentityAssociations": true, "eks:DescribePodIdentityAssociation": true, "eks:DescribeAddon": true}
	customerRole := emutest.PodIdentityRole(t, env.emu, "customer-app", emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"), "")
	byAccount := func(purpose string) string {
		out, err := admin.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(env.spec.ClusterName())})
		lakesailtest.Must(t, err)
		for _, a := range out.Associations {
			if aws.ToString(a.Namespace)+"/"+aws.ToString(a.ServiceAccount) == workspace.WorkloadServiceAccount(purpose) {
				return aws.ToString(a.AssociationId)
			}
		}
		t.Fatalf("no association for %s", purpose)
		return ""
	}
	_, err := admin.DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(env.spec.ClusterName()),
		AssociationId: aws.String(byAccount(workspace.PurposeStorage))})
	lakesailtest.Must(t, err)
	_, err = admin.UpdatePodIdentityAssociation(ctx, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String(env.spec.ClusterName()),
		AssociationId: aws.String(byAccount(workspace.PurposeLogging)), RoleArn: aws.String(customerRole)})
	lakesailtest.Must(t, err)
	ws, err = workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if _, ok := ws.WorkloadRoleARNs[workspace.PurposeStorage]; ok || !hasDrift(ws, "association of service account lakesail/sail-worker was deleted") ||
		!hasDrift(ws, "names role "+customerRole) {
		t.Fatalf("association drift not reported: roles %v, drift %v", ws.WorkloadRoleARNs, ws.Drift)
	}
	if _, ok := ws.WorkloadRoleARNs[workspace.PurposeLogging]; ok {
		t.Error("a role whose association names another role is reported in place")
	}
	ws, err = workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	assertPodIdentityInPlace(t, env, ws)

	_, err = admin.DeleteAddon(ctx, &eks.DeleteAddonInput{ClusterName: aws.String(env.spec.ClusterName()), AddonName: aws.String(workspace.PodIdentityAgentAddon)})
	lakesailtest.Must(t, err)
	_, err = adminIAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(env.spec.WorkloadRoleName(workspace.PurposeLogging)),
		PolicyDocument: aws.String(emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"))})
	lakesailtest.Must(t, err)
	waitAddonGone(t, env, workspace.PodIdentityAgentAddon)
	ws, err = workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(ws.WorkloadRoleARNs) != 0 || !hasDrift(ws, "add-on eks-pod-identity-agent (EKS Pod Identity) was deleted") ||
		!hasDrift(ws, "the trust policy of role "+env.spec.WorkloadRoleName(workspace.PurposeLogging)+" was changed") {
		t.Fatalf("agent and trust drift not reported: roles %v, drift %v", ws.WorkloadRoleARNs, ws.Drift)
	}
	ws, err = workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	assertPodIdentityInPlace(t, env, ws)

	// An import (the spec knows only the ids) finds Pod Identity.
	imported := workspace.Spec{ConnectionID: env.spec.ConnectionID, TenantID: env.spec.TenantID, WorkspaceID: env.spec.WorkspaceID,
		AccountID: env.spec.AccountID, Partition: "aws", Addons: workspace.DefaultAddons(), LogTypes: workspace.DefaultLogTypes}
	found, err := workspace.New(env.asRole).Read(ctx, imported, workspace.Record{})
	lakesailtest.Must(t, err)
	if found.WorkloadIdentity != workspace.WorkloadIdentityPodIdentity || len(found.WorkloadRoleARNs) != len(workspace.WorkloadPurposes()) {
		t.Fatalf("import: identity %q, roles %v, drift %v", found.WorkloadIdentity, found.WorkloadRoleARNs, found.Drift)
	}

	// In place to IRSA: the associations and the agent go, the roles trust the OIDC provider.
	prior := env.spec
	env.spec.WorkloadIdentity = workspace.WorkloadIdentityIRSA
	ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(ws.Drift) > 0 || ws.WorkloadIdentity != workspace.WorkloadIdentityIRSA || len(ws.WorkloadRoleARNs) != len(env.spec.WorkloadPurposes()) || len(associationsOf(t, env)) != 0 {
		t.Fatalf("switch to IRSA: identity %q, roles %v, drift %v", ws.WorkloadIdentity, ws.WorkloadRoleARNs, ws.Drift)
	}
	if trust := roleTrust(t, env, env.spec.WorkloadRoleName(workspace.PurposeStorage)); !strings.Contains(trust, "Federated") {
		t.Errorf("after the switch the storage role trusts %s", trust)
	}
	waitAddonGone(t, env, workspace.PodIdentityAgentAddon)
	// And back.
	prior = env.spec
	env.spec.WorkloadIdentity = workspace.WorkloadIdentityPodIdentity
	ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	assertPodIdentityInPlace(t, env, ws)

	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
	env.assertCallsByRole(t)
	env.assertNoOrphans(t)
	deleted := 0
	for _, c := range env.emu.Calls() {
		if c.Action == "eks:DeletePodIdentityAssociation" && strings.Contains(c.Principal, "LakeSailRole") {
			deleted++
		}
	}
	if deleted < 3 {
		t.Errorf("the associations were not deleted before the roles (%d deletes)", deleted)
	}
}

func hasDrift(ws *workspace.Workspace, part string) bool {
	return slices.ContainsFunc(ws.Drift, func(d string) bool { return strings.Contains(d, part) })
}

func waitAddonGone(t *testing.T, env *workspaceEnv, name string) {
	t.Helper()
	api := eks.NewFromConfig(env.emu.AWSConfig(nil))
	for range 400 {
		_, err := api.DescribeAddon(context.Background(), &eks.DescribeAddonInput{ClusterName: aws.String(env.spec.ClusterName()), AddonName: aws.String(name)})
		if err != nil && strings.Contains(err.Error(), "ResourceNotFound") {
			return
		}
		sleepBriefly()
	}
	t.Fatalf("add-on %s still there", name)
}

// TestLibWorkspacePodIdentitySession signs in as a pod would with EKS Pod Identity (the agent,
// with the node role's credentials, exchanges the pod's service-account token with
// eks-auth:AssumeRoleForPodIdentity): the storage pod reaches the workspace bucket but not
// another connection's, and a service account without an association gets no role.
func TestLibWorkspacePodIdentitySession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newPodIdentityEnv(t)
	ws := env.create(t)
	rootS3 := s3.NewFromConfig(env.emu.AWSConfig(nil), func(o *s3.Options) { o.UsePathStyle = true })
	otherBucket := "lakesail-zz99yy88xx-net0000001-ws"
	_, err := rootS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(otherBucket)})
	lakesailtest.Must(t, err)

	node, err := roleConfig(t, env, env.spec.NodeRoleName()).Credentials.Retrieve(ctx)
	lakesailtest.Must(t, err)
	podSession := func(namespace, serviceAccount string) (*emutest.PodIdentityCredentials, error) {
		token, err := env.emu.PodIdentityToken(ws.ClusterName, namespace, serviceAccount, "sail-worker-0")
		lakesailtest.Must(t, err)
		return emutest.AssumeRoleForPodIdentity(t, env.emu, node, ws.ClusterName, token)
	}
	sa := strings.SplitN(workspace.WorkloadServiceAccount(workspace.PurposeStorage), "/", 2)
	got, err := podSession(sa[0], sa[1])
	lakesailtest.Must(t, err)
	if !strings.Contains(got.AssumedRoleUser.Arn, env.spec.WorkloadRoleName(workspace.PurposeStorage)) {
		t.Fatalf("the storage pod became %s", got.AssumedRoleUser.Arn)
	}
	creds := got.Creds()
	pod := env.emu.AWSConfig(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }))
	podS3 := s3.NewFromConfig(pod, func(o *s3.Options) { o.UsePathStyle = true })
	_, err = podS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(env.spec.Network.BucketName), Key: aws.String("warehouse/x"), Body: strings.NewReader("x")})
	lakesailtest.Must(t, err)
	_, err = podS3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(env.spec.Network.BucketName)})
	lakesailtest.Must(t, err)
	_, err = podS3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(otherBucket)})
	wantDenied(t, "listing another connection's bucket", err)
	_, err = podS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(otherBucket), Key: aws.String("x"), Body: strings.NewReader("x")})
	wantDenied(t, "writing another connection's bucket", err)

	if _, err := podSession("lakesail", "intruder"); err == nil {
		t.Error("a service account without an association got credentials")
	}
}

// TestLibWorkspacePodIdentityFaults fails the new create step (an association) and the new
// delete step: the error carries what was made, a delete (or a second delete) leaves nothing.
func TestLibWorkspacePodIdentityFaults(t *testing.T) {
	t.Parallel()
	fault := func(operation string) awsemu.Fault {
		return awsemu.Fault{Service: "eks", Operation: operation, ErrorCode: "InjectedFault", HTTPStatus: 400,
			Message: "injected by the test", Nth: 1, Times: 1}
	}
	t.Run("create:CreatePodIdentityAssociation", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		env := newPodIdentityEnv(t)
		env.emu.AddFault(fault("CreatePodIdentityAssociation"))
		_, err := workspace.New(env.asRole).Create(ctx, env.spec, nil)
		made, ok := lakesail.RecordOf[workspace.Progress](err)
		if !ok || !strings.Contains(err.Error(), "InjectedFault") {
			t.Fatalf("create with CreatePodIdentityAssociation failing: %v", err)
		}
		lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, made.Record))
		env.assertNoOrphans(t)
		ws := env.create(t)
		assertPodIdentityInPlace(t, env, ws)
		lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
		env.assertNoOrphans(t)
	})
	t.Run("delete:DeletePodIdentityAssociation", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		env := newPodIdentityEnv(t)
		ws := env.create(t)
		env.emu.AddFault(fault("DeletePodIdentityAssociation"))
		if err := workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()); err == nil || !strings.Contains(err.Error(), "InjectedFault") {
			t.Fatalf("delete with DeletePodIdentityAssociation failing: %v", err)
		}
		lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
		env.assertNoOrphans(t)
	})
}
