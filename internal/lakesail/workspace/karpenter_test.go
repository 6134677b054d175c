package workspace_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// newKarpenterEnv is a workspace environment whose spec turns Karpenter on (m6i and r6i, 64
// vCPUs), with pods becoming their roles through identity (IRSA or Pod Identity).
func newKarpenterEnv(t *testing.T, identity string) *workspaceEnv {
	t.Helper()
	env := newWorkspaceEnv(t, awsemu.Options{})
	env.spec.WorkloadIdentity = identity
	env.spec.Karpenter = workspace.KarpenterSpec{Enabled: true, MaxVCPUs: 64, InstanceFamilies: []string{"r6i", "m6i"}}
	return env
}

// controllerConfig signs in as Karpenter's controller pod would: with IRSA, its service-account
// token exchanged with sts:AssumeRoleWithWebIdentity; with Pod Identity, the token exchanged by
// the agent (here with the account's credentials) with eks-auth:AssumeRoleForPodIdentity.
func (e *workspaceEnv) controllerConfig(t *testing.T) aws.Config {
	t.Helper()
	ctx := context.Background()
	cluster := e.spec.ClusterName()
	var creds aws.Credentials
	if e.spec.PodIdentity() {
		token, err := e.emu.PodIdentityToken(cluster, "kube-system", "karpenter", "karpenter-0")
		lakesailtest.Must(t, err)
		got, err := emutest.AssumeRoleForPodIdentity(t, e.emu, e.emu.RootCredentials(), cluster, token)
		lakesailtest.Must(t, err)
		creds = got.Creds()
	} else {
		token, err := e.emu.ServiceAccountTokenFor(cluster, "system:serviceaccount:kube-system:karpenter", "sts.amazonaws.com")
		lakesailtest.Must(t, err)
		out, err := sts.NewFromConfig(e.emu.AWSConfig(aws.AnonymousCredentials{})).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(e.spec.RoleARN(e.spec.WorkloadRoleName(workspace.PurposeKarpenter))), RoleSessionName: aws.String("karpenter"),
			WebIdentityToken: aws.String(token)})
		lakesailtest.Must(t, err)
		creds = aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
			SessionToken: aws.ToString(out.Credentials.SessionToken)}
	}
	return e.emu.AWSConfig(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }))
}

// karpenterTags are what Karpenter's node class gives what it launches for node pool "default":
// the settings' tags (the workspace's) and Karpenter's own (key, value, ...).
func karpenterTags(s workspace.Spec) []string {
	out := emutest.KarpenterTags(s.ClusterName(), "default")
	tags := s.WorkspaceTags()
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k, tags[k])
	}
	return out
}

// eksImage is the EKS optimized AMI of the spec's Kubernetes version, as the controller finds it.
func eksImage(t *testing.T, api *ec2.Client, s workspace.Spec) string {
	t.Helper()
	out, err := api.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"amazon"},
		Filters: []ec2types.Filter{emutest.Ec2F("name", "amazon-eks-node-al2023-x86_64-standard-"+s.KubernetesVersion+"-*")}})
	lakesailtest.Must(t, err)
	if len(out.Images) == 0 {
		t.Fatal("no EKS image")
	}
	return aws.ToString(out.Images[0].ImageId)
}

// controllerTemplate creates, as the controller, a launch template as Karpenter makes them for the
// workspace's node class (its profile, the network's security group, the Karpenter and workspace
// tags) and returns its id.
func controllerTemplate(t *testing.T, api *ec2.Client, s workspace.Spec, name string) string {
	t.Helper()
	return emutest.KarpenterTemplate(t, api, emutest.NodeLaunchTemplate{Name: name, ImageID: eksImage(t, api, s),
		InstanceProfile: s.KarpenterInstanceProfileName(), SecurityGroups: []string{s.Network.SecurityGroupID}, Tags: karpenterTags(s)})
}

// launchKarpenterNode launches, as the controller, one large node of the spec's first family from
// a template of its own into the first private subnet, and returns the instance's id.
func (e *workspaceEnv) launchKarpenterNode(t *testing.T, templateName string) string {
	t.Helper()
	api := ec2.NewFromConfig(e.controllerConfig(t))
	lt := controllerTemplate(t, api, e.spec, templateName)
	out, err := api.CreateFleet(context.Background(), emutest.InstantFleet(lt, 1, emutest.FleetTags(karpenterTags(e.spec)...),
		emutest.FleetOverride(e.spec.Karpenter.InstanceFamilies[0]+".large", e.spec.Network.PrivateSubnetIDs[0])))
	lakesailtest.Must(t, err)
	ids := emutest.FleetInstanceIDs(out)
	if len(ids) != 1 || len(out.Errors) > 0 {
		t.Fatalf("the controller's launch: instances %v, errors %s", ids, fleetErrors(out))
	}
	return ids[0]
}

func fleetErrors(out *ec2.CreateFleetOutput) string {
	var b strings.Builder
	for _, e := range out.Errors {
		b.WriteString(aws.ToString(e.ErrorCode) + ": " + aws.ToString(e.ErrorMessage) + "; ")
	}
	return b.String()
}

// assertKarpenterInPlace checks the read and, as the administrator, every Karpenter object.
func assertKarpenterInPlace(t *testing.T, env *workspaceEnv, ws *workspace.Workspace) {
	t.Helper()
	ctx := context.Background()
	s := env.spec
	k := ws.Karpenter
	if len(ws.Drift) > 0 || k == nil || k.NodeRoleARN != s.RoleARN(s.KarpenterNodeRoleName()) || k.InstanceProfileName != s.KarpenterInstanceProfileName() ||
		k.InstanceProfileARN != s.KarpenterInstanceProfileARN() || !k.AccessEntry || !k.Discovery || k.ParameterName != s.KarpenterParameterName() ||
		ws.WorkloadRoleARNs[workspace.PurposeKarpenter] != s.RoleARN(s.WorkloadRoleName(workspace.PurposeKarpenter)) {
		t.Fatalf("Karpenter not in place: %+v, roles %v, drift %v", k, ws.WorkloadRoleARNs, ws.Drift)
	}
	cfg := env.emu.AWSConfig(nil)
	profile, err := iam.NewFromConfig(cfg).GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(s.KarpenterInstanceProfileName())})
	lakesailtest.Must(t, err)
	if len(profile.InstanceProfile.Roles) != 1 || aws.ToString(profile.InstanceProfile.Roles[0].RoleName) != s.KarpenterNodeRoleName() {
		t.Errorf("instance profile roles %+v", profile.InstanceProfile.Roles)
	}
	entry, err := eks.NewFromConfig(cfg).DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(s.ClusterName()),
		PrincipalArn: aws.String(s.RoleARN(s.KarpenterNodeRoleName()))})
	lakesailtest.Must(t, err)
	if aws.ToString(entry.AccessEntry.Type) != "EC2_LINUX" {
		t.Errorf("access entry type %s", aws.ToString(entry.AccessEntry.Type))
	}
	if !groupTagged(t, env) {
		t.Error("the network's security group lacks the discovery tag")
	}
	assertSubnetsTagged(t, env, true)
	settings := karpenterSettings(t, env)
	families, _ := settings["instanceFamilies"].([]any)
	if settings["clusterName"] != s.ClusterName() || settings["instanceProfile"] != s.KarpenterInstanceProfileName() ||
		settings["serviceAccount"] != "kube-system/karpenter" || settings["workloadIdentity"] != s.WorkloadIdentity ||
		settings["controllerRoleARN"] != ws.WorkloadRoleARNs[workspace.PurposeKarpenter] || settings["clusterEndpoint"] != ws.Endpoint ||
		settings["interruptionQueue"] != "" || len(families) != len(s.Karpenter.InstanceFamilies) {
		t.Errorf("settings %v", settings)
	}
	if tags, _ := settings["tags"].(map[string]any); tags[workspace.TagWorkspace] != testWorkspaceID {
		t.Errorf("settings tags %v", settings["tags"])
	}
	assertRolesBounded(t, env)
	for _, name := range []string{s.KarpenterNodeRoleName(), s.WorkloadRoleName(workspace.PurposeKarpenter)} {
		out, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		lakesailtest.Must(t, err)
		if out.Role.PermissionsBoundary == nil || aws.ToString(out.Role.PermissionsBoundary.PermissionsBoundaryArn) != s.WorkloadBoundaryARN() {
			t.Errorf("role %s does not carry WorkloadBoundary", name)
		}
	}
}

// karpenterSettings reads, as the administrator, the settings parameter.
func karpenterSettings(t *testing.T, env *workspaceEnv) map[string]any {
	t.Helper()
	out, err := ssm.NewFromConfig(env.emu.AWSConfig(nil)).GetParameter(context.Background(), &ssm.GetParameterInput{
		Name: aws.String(env.spec.KarpenterParameterName()), WithDecryption: aws.Bool(true)})
	lakesailtest.Must(t, err)
	var doc map[string]any
	lakesailtest.Must(t, json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &doc))
	return doc
}

func groupTagged(t *testing.T, env *workspaceEnv) bool {
	t.Helper()
	out, err := ec2.NewFromConfig(env.emu.AWSConfig(nil)).DescribeSecurityGroups(context.Background(),
		&ec2.DescribeSecurityGroupsInput{GroupIds: []string{env.spec.Network.SecurityGroupID}})
	lakesailtest.Must(t, err)
	return tagsOf(out.SecurityGroups[0].Tags)[env.spec.KarpenterDiscoveryTag()] == "shared"
}

// controllerPolicy reads, as the administrator, the controller role's inline policy.
func controllerPolicy(t *testing.T, env *workspaceEnv) string {
	t.Helper()
	out, err := iam.NewFromConfig(env.emu.AWSConfig(nil)).GetRolePolicy(context.Background(), &iam.GetRolePolicyInput{
		RoleName: aws.String(env.spec.WorkloadRoleName(workspace.PurposeKarpenter)), PolicyName: aws.String("lakesail-workload")})
	lakesailtest.Must(t, err)
	doc, err := url.QueryUnescape(aws.ToString(out.PolicyDocument))
	lakesailtest.Must(t, err)
	return doc
}

// assertKarpenterGone checks, as the administrator, that nothing of Karpenter is left but the
// subnets' tag (the session load balancer's too).
func assertKarpenterGone(t *testing.T, env *workspaceEnv, ws *workspace.Workspace) {
	t.Helper()
	ctx := context.Background()
	cfg := env.emu.AWSConfig(nil)
	if ws != nil && (ws.Karpenter != nil || len(ws.Drift) > 0 || len(ws.WorkloadRoleARNs) != len(workspace.WorkloadPurposes())) {
		t.Fatalf("after turning Karpenter off: %+v, roles %v, drift %v", ws.Karpenter, ws.WorkloadRoleARNs, ws.Drift)
	}
	for _, name := range []string{env.spec.KarpenterNodeRoleName(), env.spec.WorkloadRoleName(workspace.PurposeKarpenter)} {
		if _, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}); err == nil {
			t.Errorf("role %s is left", name)
		}
	}
	if _, err := iam.NewFromConfig(cfg).GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(env.spec.KarpenterInstanceProfileName())}); err == nil {
		t.Error("the instance profile is left")
	}
	if _, err := ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(env.spec.KarpenterParameterName())}); err == nil {
		t.Error("the settings parameter is left")
	}
	if groupTagged(t, env) {
		t.Error("the security group keeps the discovery tag")
	}
	running, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		emutest.Ec2F("tag-key", "karpenter.sh/nodepool"), emutest.Ec2F("instance-state-name", "pending", "running")}})
	lakesailtest.Must(t, err)
	if len(running.Reservations) > 0 {
		t.Errorf("Karpenter's nodes are left: %+v", running.Reservations)
	}
	templates, err := ec2.NewFromConfig(cfg).DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{Filters: []ec2types.Filter{
		emutest.Ec2F("tag-key", "karpenter.sh/nodepool")}})
	lakesailtest.Must(t, err)
	if len(templates.LaunchTemplates) > 0 {
		t.Errorf("Karpenter's templates are left: %+v", templates.LaunchTemplates)
	}
}

// TestLibWorkspaceKarpenterLifecycle, with IRSA and with Pod Identity: a create with Karpenter
// makes the controller's role, the node role in its instance profile with an EC2_LINUX access
// entry, the discovery tag and the settings; each drift (the profile's role removed, the access
// entry deleted, the profile's tag changed, the discovery tag removed, the settings changed, the
// node role's boundary stripped) is
// reported and repaired; new instance families change the controller's policy and the settings
// in place; turning Karpenter off deletes all of it and the nodes and templates the controller
// made, and leaves the subnets' tag; turning it on makes it again; a delete leaves nothing.
func TestLibWorkspaceKarpenterLifecycle(t *testing.T) {
	t.Parallel()
	for _, identity := range workspace.WorkloadIdentities {
		t.Run(identity, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newKarpenterEnv(t, identity)
			env.adminOps = map[string]bool{"eks:DeleteAccessEntry": true, "eks:DescribeAccessEntry": true, "ssm:PutParameter": true,
				"ssm:GetParameter": true, "eks:ListPodIdentityAssociations": true, "eks:DescribePodIdentityAssociation": true}
			ws := env.create(t)
			assertKarpenterInPlace(t, env, ws)

			// An import (the spec knows only the ids) finds Karpenter and its settings.
			imported := workspace.Spec{ConnectionID: env.spec.ConnectionID, TenantID: env.spec.TenantID, WorkspaceID: env.spec.WorkspaceID,
				AccountID: env.spec.AccountID, Partition: "aws", Addons: workspace.DefaultAddons(), LogTypes: workspace.DefaultLogTypes}
			found, err := workspace.New(env.asRole).Read(ctx, imported, workspace.Record{})
			lakesailtest.Must(t, err)
			if k := found.ImportedKarpenter; k == nil || !k.Enabled || k.MaxVCPUs != 64 || !slices.Equal(k.InstanceFamilies, []string{"m6i", "r6i"}) ||
				found.Karpenter == nil || found.Karpenter.ParameterName == "" || found.Karpenter.InstanceProfileName == "" || !found.Karpenter.Discovery ||
				found.WorkloadRoleARNs[workspace.PurposeKarpenter] == "" {
				t.Fatalf("import: %+v, found %+v, roles %v, drift %v", found.ImportedKarpenter, found.Karpenter, found.WorkloadRoleARNs, found.Drift)
			}

			cfg := env.emu.AWSConfig(nil)
			admin := iam.NewFromConfig(cfg)
			_, err = admin.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
				InstanceProfileName: aws.String(env.spec.KarpenterInstanceProfileName()), RoleName: aws.String(env.spec.KarpenterNodeRoleName())})
			lakesailtest.Must(t, err)
			_, err = admin.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String(env.spec.KarpenterInstanceProfileName()),
				Tags: []iamtypes.Tag{{Key: aws.String("Service"), Value: aws.String("changed-by-hand")}, {Key: aws.String("added"), Value: aws.String("by-hand")}}})
			lakesailtest.Must(t, err)
			_, err = eks.NewFromConfig(cfg).DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(env.spec.ClusterName()),
				PrincipalArn: aws.String(env.spec.RoleARN(env.spec.KarpenterNodeRoleName()))})
			lakesailtest.Must(t, err)
			_, err = ec2.NewFromConfig(cfg).DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{env.spec.Network.SecurityGroupID},
				Tags: []ec2types.Tag{{Key: aws.String(env.spec.KarpenterDiscoveryTag())}}})
			lakesailtest.Must(t, err)
			_, err = ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(env.spec.KarpenterParameterName()),
				Value: aws.String(`{"interruptionQueue":"attacker-queue"}`), Overwrite: aws.Bool(true)})
			lakesailtest.Must(t, err)
			_, err = admin.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(env.spec.KarpenterNodeRoleName())})
			lakesailtest.Must(t, err)

			drifted, err := workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
			lakesailtest.Must(t, err)
			k := drifted.Karpenter
			if k == nil || k.NodeRoleARN != "" || k.InstanceProfileName != "" || k.AccessEntry || k.Discovery || k.ParameterName != "" {
				t.Fatalf("drift not reflected: %+v", k)
			}
			for _, want := range []string{"instance profile " + env.spec.KarpenterInstanceProfileName() + " holds roles []",
				"instance profile " + env.spec.KarpenterInstanceProfileName() + `: tag Service is "changed-by-hand"`,
				"instance profile " + env.spec.KarpenterInstanceProfileName() + ": carries tag added",
				"EC2_LINUX access entry of role " + env.spec.KarpenterNodeRoleName() + " (Karpenter's nodes) was deleted",
				"security group " + env.spec.Network.SecurityGroupID + " lost Karpenter's discovery tag",
				"parameter " + env.spec.KarpenterParameterName() + " does not hold the spec's Karpenter settings",
				"role " + env.spec.KarpenterNodeRoleName() + " no longer carries WorkloadBoundary"} {
				if !hasDrift(drifted, want) {
					t.Errorf("drift %q not reported: %v", want, drifted.Drift)
				}
			}
			ws, err = workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
			lakesailtest.Must(t, err)
			assertKarpenterInPlace(t, env, ws)

			// New instance families: the controller's policy and the settings, in place.
			prior := env.spec
			env.spec.Karpenter.InstanceFamilies = []string{"m7i", "c6i"}
			env.spec.Karpenter.MaxVCPUs = 128
			ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
			lakesailtest.Must(t, err)
			assertKarpenterInPlace(t, env, ws)
			if policy := controllerPolicy(t, env); !strings.Contains(policy, `"c6i.*"`) || strings.Contains(policy, `"m6i.*"`) {
				t.Errorf("controller policy after the change: %s", policy)
			}
			if limits, _ := karpenterSettings(t, env)["limits"].(map[string]any); limits["cpu"] != "128" {
				t.Errorf("settings limits %v", limits)
			}

			// Off, with a node the controller launched: all of it goes, the subnets' tag stays.
			env.launchKarpenterNode(t, "karpenter-default")
			prior = env.spec
			env.spec.Karpenter = workspace.KarpenterSpec{}
			ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
			lakesailtest.Must(t, err)
			assertKarpenterGone(t, env, ws)
			assertSubnetsTagged(t, env, true)
			if identity == workspace.WorkloadIdentityPodIdentity {
				if _, ok := associationsOf(t, env)["kube-system/karpenter"]; ok {
					t.Error("the controller's Pod Identity association is left")
				}
			}

			// On again, and a node, then delete: nothing is left.
			prior = env.spec
			env.spec.Karpenter = workspace.KarpenterSpec{Enabled: true, MaxVCPUs: 64, InstanceFamilies: []string{"m6i"}}
			ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
			lakesailtest.Must(t, err)
			assertKarpenterInPlace(t, env, ws)
			env.launchKarpenterNode(t, "karpenter-default")
			lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
			env.assertCallsByRole(t)
			env.assertNoOrphans(t)
			assertKarpenterGone(t, env, nil)
			left, err := workspace.New(env.asRole).Remnants(ctx, env.spec, ws.Record())
			lakesailtest.Must(t, err)
			if len(left) > 0 {
				t.Errorf("remnants after delete: %v", left)
			}
			if !slices.ContainsFunc(env.emu.Calls(), func(c awsemu.Call) bool {
				return c.Action == "ec2:TerminateInstances" && strings.Contains(c.Principal, "LakeSailRole") && c.Decision == "allow"
			}) {
				t.Error("the connection role never terminated Karpenter's nodes")
			}
		})
	}
}

// TestLibWorkspaceKarpenterOffRemovesAutoscalingRole: a workspace made before Karpenter has the
// cluster autoscaler's role under the autoscaling role's name. With Karpenter off that role has
// no use; a read reports it (Leftover, so the provider plans the change) and an update deletes it.
func TestLibWorkspaceKarpenterOffRemovesAutoscalingRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	if ws.Karpenter != nil || len(ws.Drift) > 0 {
		t.Fatalf("Karpenter off: %+v, drift %v", ws.Karpenter, ws.Drift)
	}
	// The old role, as a workspace before bundle 7 made it (bounded, trusting the cluster
	// autoscaler's service account).
	name := env.spec.WorkloadRoleName(workspace.PurposeAutoscaling)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	_, err := env.root.IAM().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
		PermissionsBoundary: aws.String(env.spec.WorkloadBoundaryARN())})
	lakesailtest.Must(t, err)

	found, err := workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if found.Karpenter == nil || !found.Karpenter.Leftover || !hasDrift(found, "role "+name) {
		t.Fatalf("the autoscaling role is not reported: %+v, drift %v", found.Karpenter, found.Drift)
	}
	updated, err := workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if updated.Karpenter != nil || len(updated.Drift) > 0 {
		t.Fatalf("after update: %+v, drift %v", updated.Karpenter, updated.Drift)
	}
	if _, err := env.root.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}); err == nil {
		t.Errorf("role %s is left", name)
	}
}

// TestLibWorkspaceKarpenterOnAdoptsAutoscalingRole: turning Karpenter on in a workspace made
// before it brings the cluster autoscaler's role (same name) to Karpenter's trust and policy in
// place, keeping its ARN.
func TestLibWorkspaceKarpenterOnAdoptsAutoscalingRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	name := env.spec.WorkloadRoleName(workspace.PurposeAutoscaling)
	old := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	created, err := env.root.IAM().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(old),
		PermissionsBoundary: aws.String(env.spec.WorkloadBoundaryARN())})
	lakesailtest.Must(t, err)
	_, err = env.root.IAM().PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("lakesail-workload"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"autoscaling:SetDesiredCapacity","Resource":"*"}]}`)})
	lakesailtest.Must(t, err)

	prior := env.spec
	env.spec.WorkloadIdentity = workspace.WorkloadIdentityIRSA // what the settings spell out
	env.spec.Karpenter = workspace.KarpenterSpec{Enabled: true, MaxVCPUs: 32, InstanceFamilies: []string{"m7i"}}
	ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	assertKarpenterInPlace(t, env, ws)
	if got := ws.WorkloadRoleARNs[workspace.PurposeKarpenter]; got != aws.ToString(created.Role.Arn) {
		t.Errorf("controller role %q, want the existing %q", got, aws.ToString(created.Role.Arn))
	}
	role, err := env.root.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	lakesailtest.Must(t, err)
	trust, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	if !strings.Contains(trust, "system:serviceaccount:kube-system:karpenter") {
		t.Errorf("trust not Karpenter's: %s", trust)
	}
	if policy := controllerPolicy(t, env); strings.Contains(policy, "autoscaling:SetDesiredCapacity") || !strings.Contains(policy, "m7i.*") {
		t.Errorf("inline policy not Karpenter's: %s", policy)
	}
}
