package workspace_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// nodeTemplate reads, as the administrator, the workspace's launch template and its latest version.
func (e *workspaceEnv) nodeTemplate(t *testing.T) (ec2types.LaunchTemplate, *ec2types.ResponseLaunchTemplateData) {
	t.Helper()
	ctx := context.Background()
	api := ec2.NewFromConfig(e.emu.AWSConfig(nil))
	out, err := api.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{e.spec.LaunchTemplateName()}})
	lakesailtest.Must(t, err)
	if len(out.LaunchTemplates) != 1 {
		t.Fatalf("launch templates named %s: %d", e.spec.LaunchTemplateName(), len(out.LaunchTemplates))
	}
	lt := out.LaunchTemplates[0]
	versions, err := api.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: lt.LaunchTemplateId, Versions: []string{"$Latest"}})
	lakesailtest.Must(t, err)
	return lt, versions.LaunchTemplateVersions[0].LaunchTemplateData
}

func (e *workspaceEnv) nodeGroup(t *testing.T) *ekstypes.Nodegroup {
	t.Helper()
	out, err := eks.NewFromConfig(e.emu.AWSConfig(nil)).DescribeNodegroup(context.Background(), &eks.DescribeNodegroupInput{
		ClusterName: aws.String(e.spec.ClusterName()), NodegroupName: aws.String(e.spec.NodeGroupName())})
	lakesailtest.Must(t, err)
	return out.Nodegroup
}

// nodes are the workspace's running (or starting) instances, as the administrator sees them.
func (e *workspaceEnv) nodes(t *testing.T) []ec2types.Instance {
	t.Helper()
	out, err := ec2.NewFromConfig(e.emu.AWSConfig(nil)).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running"}}}})
	lakesailtest.Must(t, err)
	var nodes []ec2types.Instance
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if tagsOf(in.Tags)["eks:nodegroup-name"] == e.spec.NodeGroupName() || tagsOf(in.Tags)[workspace.TagWorkspace] == testWorkspaceID {
				nodes = append(nodes, in)
			}
		}
	}
	return nodes
}

func tagsOf(tags []ec2types.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// carries reports whether tags include every one of want.
func carries(tags map[string]string, want map[string]string) bool {
	for k, v := range want {
		if tags[k] != v {
			return false
		}
	}
	return true
}

// assertTemplate checks the launch template's latest version against the spec, and the node
// group and its nodes against the template.
func (e *workspaceEnv) assertTemplate(t *testing.T, wantVersion int64) {
	t.Helper()
	lt, data := e.nodeTemplate(t)
	want := e.spec.WorkspaceTags()
	if !maps.Equal(tagsOf(lt.Tags), want) {
		t.Errorf("template tags %v, want %v", tagsOf(lt.Tags), want)
	}
	if got := aws.ToInt64(lt.LatestVersionNumber); got != wantVersion {
		t.Errorf("template at version %d, want %d", got, wantVersion)
	}
	if m := data.MetadataOptions; m == nil || m.HttpTokens != ec2types.LaunchTemplateHttpTokensStateRequired || aws.ToInt32(m.HttpPutResponseHopLimit) != 1 {
		t.Errorf("metadata options %+v: want IMDSv2 required, hop limit 1", data.MetadataOptions)
	}
	if len(data.BlockDeviceMappings) != 1 || data.BlockDeviceMappings[0].Ebs == nil {
		t.Fatalf("block devices %+v", data.BlockDeviceMappings)
	}
	ebs := data.BlockDeviceMappings[0].Ebs
	if aws.ToString(data.BlockDeviceMappings[0].DeviceName) != "/dev/xvda" || !aws.ToBool(ebs.Encrypted) || aws.ToString(ebs.KmsKeyId) != e.spec.Network.KMSKeyARN ||
		int(aws.ToInt32(ebs.VolumeSize)) != e.spec.SystemNodeGroup.DiskSize || ebs.VolumeType != ec2types.VolumeTypeGp3 {
		t.Errorf("root volume %+v: want %d GiB gp3 encrypted with %s", ebs, e.spec.SystemNodeGroup.DiskSize, e.spec.Network.KMSKeyARN)
	}
	if !slices.Equal(data.SecurityGroupIds, []string{e.spec.Network.SecurityGroupID}) {
		t.Errorf("security groups %v, want the network's %s", data.SecurityGroupIds, e.spec.Network.SecurityGroupID)
	}
	if string(data.InstanceType) != e.spec.SystemNodeGroup.InstanceTypes[0] || aws.ToString(data.ImageId) != "" {
		t.Errorf("instance type %q, image %q", data.InstanceType, aws.ToString(data.ImageId))
	}
	for _, rt := range []ec2types.ResourceType{ec2types.ResourceTypeInstance, ec2types.ResourceTypeVolume, ec2types.ResourceTypeNetworkInterface} {
		i := slices.IndexFunc(data.TagSpecifications, func(s ec2types.LaunchTemplateTagSpecification) bool { return s.ResourceType == rt })
		if i < 0 || !maps.Equal(tagsOf(data.TagSpecifications[i].Tags), want) {
			t.Errorf("the template does not tag %s with the workspace's tags: %+v", rt, data.TagSpecifications)
		}
	}
	ng := e.nodeGroup(t)
	if ng.LaunchTemplate == nil || aws.ToString(ng.LaunchTemplate.Id) != aws.ToString(lt.LaunchTemplateId) ||
		aws.ToString(ng.LaunchTemplate.Version) != itoa(wantVersion) {
		t.Errorf("node group launch template %+v, want %s version %d", ng.LaunchTemplate, aws.ToString(lt.LaunchTemplateId), wantVersion)
	}
	if ng.DiskSize != nil || len(ng.InstanceTypes) > 0 {
		t.Errorf("node group carries disk size %v and instance types %v: the template's", ng.DiskSize, ng.InstanceTypes)
	}
	nodes := e.nodes(t)
	if len(nodes) != e.spec.SystemNodeGroup.DesiredSize {
		t.Errorf("%d nodes, want %d", len(nodes), e.spec.SystemNodeGroup.DesiredSize)
	}
	for _, n := range nodes {
		if !carries(tagsOf(n.Tags), want) {
			t.Errorf("node %s tags %v lack the workspace's %v", aws.ToString(n.InstanceId), tagsOf(n.Tags), want)
		}
		if string(n.InstanceType) != e.spec.SystemNodeGroup.InstanceTypes[0] {
			t.Errorf("node %s is a %s, want %s", aws.ToString(n.InstanceId), n.InstanceType, e.spec.SystemNodeGroup.InstanceTypes[0])
		}
	}
	e.assertNodeResourcesTagged(t, nodes, want)
}

// assertNodeResourcesTagged checks the nodes' volumes and network interfaces carry want.
func (e *workspaceEnv) assertNodeResourcesTagged(t *testing.T, nodes []ec2types.Instance, want map[string]string) {
	t.Helper()
	api := ec2.NewFromConfig(e.emu.AWSConfig(nil))
	for _, n := range nodes {
		for _, ni := range n.NetworkInterfaces {
			out, err := api.DescribeNetworkInterfaces(context.Background(), &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{aws.ToString(ni.NetworkInterfaceId)}})
			lakesailtest.Must(t, err)
			for _, eni := range out.NetworkInterfaces {
				if !carries(tagsOf(eni.TagSet), want) {
					t.Errorf("interface %s of node %s tags %v lack the workspace's", aws.ToString(eni.NetworkInterfaceId), aws.ToString(n.InstanceId), tagsOf(eni.TagSet))
				}
			}
		}
		for _, bd := range n.BlockDeviceMappings {
			if bd.Ebs == nil {
				continue
			}
			out, err := api.DescribeVolumes(context.Background(), &ec2.DescribeVolumesInput{VolumeIds: []string{aws.ToString(bd.Ebs.VolumeId)}})
			lakesailtest.Must(t, err)
			for _, v := range out.Volumes {
				if !carries(tagsOf(v.Tags), want) || !aws.ToBool(v.Encrypted) || aws.ToString(v.KmsKeyId) != e.spec.Network.KMSKeyARN {
					t.Errorf("volume %s of node %s: tags %v, encrypted %t with %s", aws.ToString(v.VolumeId), aws.ToString(n.InstanceId),
						tagsOf(v.Tags), aws.ToBool(v.Encrypted), aws.ToString(v.KmsKeyId))
				}
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// operationsSince lists the operations the connection role made since call from.
func (e *workspaceEnv) operationsSince(from int) []string {
	var out []string
	for _, c := range e.emu.Calls()[from:] {
		if strings.Contains(c.Principal, ":assumed-role/lakesail-"+lakesailtest.ConnectionID+"-LakeSailRole/") {
			out = append(out, c.Service+":"+c.Operation)
		}
	}
	return out
}

// TestLibWorkspaceNodeLaunchTemplate: the node group launches from the workspace's launch
// template, whose nodes, volumes and interfaces carry the workspace's tags; scaling changes only
// the node group's sizes; an instance type or a tag change makes a new template version the node
// group rolls to; a template changed or deleted outside Terraform reads as drift and update
// repairs it; destroy leaves nothing tagged with the workspace.
func TestLibWorkspaceNodeLaunchTemplate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	if len(ws.Drift) > 0 || ws.LaunchTemplateName != env.spec.LaunchTemplateName() {
		t.Fatalf("after create: template %q, drift %v", ws.LaunchTemplateName, ws.Drift)
	}
	env.assertTemplate(t, 1)
	update := func(change func(*workspace.Spec)) []string {
		t.Helper()
		prior := env.spec
		change(&env.spec)
		from := len(env.emu.Calls())
		var err error
		ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
		lakesailtest.Must(t, err)
		if len(ws.Drift) > 0 {
			t.Fatalf("drift after update: %v", ws.Drift)
		}
		return env.operationsSince(from)
	}

	// Scaling: the node group's sizes only.
	ops := update(func(s *workspace.Spec) { s.SystemNodeGroup.DesiredSize, s.SystemNodeGroup.MaxSize = 3, 4 })
	if !slices.Contains(ops, "eks:UpdateNodegroupConfig") || slices.Contains(ops, "ec2:CreateLaunchTemplateVersion") || slices.Contains(ops, "eks:UpdateNodegroupVersion") {
		t.Errorf("scaling made %v: want UpdateNodegroupConfig and no new template version nor roll", ops)
	}
	env.assertTemplate(t, 1)

	// An instance type: a new version, and the node group rolled to it.
	ops = update(func(s *workspace.Spec) { s.SystemNodeGroup.InstanceTypes = []string{"t3.large"} })
	if !slices.Contains(ops, "ec2:CreateLaunchTemplateVersion") || !slices.Contains(ops, "eks:UpdateNodegroupVersion") || slices.Contains(ops, "eks:UpdateNodegroupConfig") {
		t.Errorf("an instance type change made %v: want a new template version and a roll", ops)
	}
	env.assertTemplate(t, 2)

	// A tag: the template's own tags, a new version, and a roll.
	ops = update(func(s *workspace.Spec) { s.Tags = map[string]string{"team": "platform", "cost": "42"} })
	if !slices.Contains(ops, "ec2:CreateLaunchTemplateVersion") || !slices.Contains(ops, "eks:UpdateNodegroupVersion") {
		t.Errorf("a tag change made %v: want a new template version and a roll", ops)
	}
	env.assertTemplate(t, 3)

	// A version allowing IMDSv1, rolled out by an administrator: drift, repaired by a new version.
	admin := ec2.NewFromConfig(env.emu.AWSConfig(nil))
	lt, _ := env.nodeTemplate(t)
	weakened, err := admin.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: aws.String("3"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{
			HttpTokens: ec2types.LaunchTemplateHttpTokensStateOptional, HttpPutResponseHopLimit: aws.Int32(2)}}})
	lakesailtest.Must(t, err)
	env.adminOps = map[string]bool{"eks:UpdateNodegroupVersion": true, "eks:DescribeUpdate": true, "eks:DescribeNodegroup": true}
	rolled, err := eks.NewFromConfig(env.emu.AWSConfig(nil)).UpdateNodegroupVersion(ctx, &eks.UpdateNodegroupVersionInput{ClusterName: aws.String(env.spec.ClusterName()),
		NodegroupName: aws.String(env.spec.NodeGroupName()), LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: lt.LaunchTemplateId,
			Version: aws.String(itoa(aws.ToInt64(weakened.LaunchTemplateVersion.VersionNumber)))}})
	lakesailtest.Must(t, err)
	waitNodeGroupUpdate(t, env, rolled.Update)
	drifted, err := workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if drifted.LaunchTemplateName != "" || !slices.ContainsFunc(drifted.Drift, func(d string) bool { return strings.Contains(d, "IMDSv2") }) {
		t.Fatalf("a template allowing IMDSv1: template %q, drift %v", drifted.LaunchTemplateName, drifted.Drift)
	}
	update(func(*workspace.Spec) {})
	env.assertTemplate(t, 5)

	// The template deleted: a new one, and the node group (which cannot change templates) replaced.
	_, err = admin.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: lt.LaunchTemplateId})
	lakesailtest.Must(t, err)
	drifted, err = workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if drifted.LaunchTemplateName != "" || !slices.ContainsFunc(drifted.Drift, func(d string) bool { return strings.Contains(d, "was deleted") }) {
		t.Fatalf("a deleted template: template %q, drift %v", drifted.LaunchTemplateName, drifted.Drift)
	}
	update(func(*workspace.Spec) {})
	env.assertTemplate(t, 1)

	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
	env.assertCallsByRole(t)
	env.assertNoOrphans(t)
}

// waitNodeGroupUpdate polls, as the administrator, an update of the node group until it ends.
func waitNodeGroupUpdate(t *testing.T, env *workspaceEnv, u *ekstypes.Update) {
	t.Helper()
	api := eks.NewFromConfig(env.emu.AWSConfig(nil))
	for range 2000 {
		out, err := api.DescribeUpdate(context.Background(), &eks.DescribeUpdateInput{Name: aws.String(env.spec.ClusterName()),
			NodegroupName: aws.String(env.spec.NodeGroupName()), UpdateId: u.Id})
		lakesailtest.Must(t, err)
		if out.Update.Status != ekstypes.UpdateStatusInProgress {
			if out.Update.Status != ekstypes.UpdateStatusSuccessful {
				t.Fatalf("node group update %s", out.Update.Status)
			}
			return
		}
		sleepBriefly()
	}
	t.Fatal("the node group update never ended")
}

// TestLibWorkspaceTemplateVersionFault fails the new template version of an update: the update
// fails, the next one finishes the roll, and a delete leaves nothing.
func TestLibWorkspaceTemplateVersionFault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	prior := env.spec
	env.spec.SystemNodeGroup.DiskSize = 40
	env.emu.AddFault(awsemu.Fault{Service: "ec2", Operation: "CreateLaunchTemplateVersion", ErrorCode: "InjectedFault",
		HTTPStatus: 400, Message: "injected by the test", Nth: 1, Times: 1})
	if _, err := workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record()); err == nil || !strings.Contains(err.Error(), "InjectedFault") {
		t.Fatalf("update with CreateLaunchTemplateVersion failing: %v", err)
	}
	drifted, err := workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if drifted.LaunchTemplateName != "" || drifted.SystemNodeGroup.DiskSize != 20 {
		t.Errorf("after the failed update: template %q, disk size %d", drifted.LaunchTemplateName, drifted.SystemNodeGroup.DiskSize)
	}
	ws, err = workspace.New(env.asRole).Update(ctx, prior, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(ws.Drift) > 0 || ws.SystemNodeGroup.DiskSize != 40 {
		t.Fatalf("after the second update: drift %v, disk size %d", ws.Drift, ws.SystemNodeGroup.DiskSize)
	}
	env.assertTemplate(t, 2)
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
	env.assertNoOrphans(t)
}

// TestLibWorkspaceCNIConfinedToLakeSailInterfaces: with the node role's credentials (the VPC CNI
// runs with them: the workspace gives it no IRSA role), assigning addresses to a LakeSail node's
// interface is allowed (the launch template tagged it), to an untagged interface refused.
func TestLibWorkspaceCNIConfinedToLakeSailInterfaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	env.create(t)
	nodes := env.nodes(t)
	if len(nodes) == 0 || len(nodes[0].NetworkInterfaces) == 0 {
		t.Fatalf("no node with an interface: %+v", nodes)
	}
	nodeENI := aws.ToString(nodes[0].NetworkInterfaces[0].NetworkInterfaceId)
	// An instance the account launches itself, without a template: its interface is untagged.
	admin := ec2.NewFromConfig(env.emu.AWSConfig(nil))
	run, err := admin.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: nodes[0].ImageId,
		InstanceType: ec2types.InstanceTypeT3Micro, SubnetId: aws.String(env.spec.Network.PrivateSubnetIDs[0])})
	lakesailtest.Must(t, err)
	untagged := run.Instances[0].NetworkInterfaces[0].NetworkInterfaceId

	cni := ec2.NewFromConfig(roleConfig(t, env, env.spec.NodeRoleName()))
	_, err = cni.AssignPrivateIpAddresses(ctx, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(nodeENI), SecondaryPrivateIpAddressCount: aws.Int32(1)})
	if err != nil {
		t.Errorf("the CNI assigning an address to a LakeSail node's interface: %v", err)
	}
	_, err = cni.AssignPrivateIpAddresses(ctx, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: untagged,
		SecondaryPrivateIpAddressCount: aws.Int32(1)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnauthorizedOperation" || !strings.Contains(apiErr.ErrorMessage(), "permissions boundary") {
		t.Errorf("the CNI assigning an address to an untagged interface: want UnauthorizedOperation by WorkloadBoundary, got %v", err)
	}
}

// roleConfig is a session of one of the workspace's roles, which the administrator lets the
// account assume for the test (as the envelope tests do).
func roleConfig(t *testing.T, env *workspaceEnv, roleName string) aws.Config {
	t.Helper()
	ctx := context.Background()
	cfg := env.emu.AWSConfig(nil)
	admin := iam.NewFromConfig(cfg)
	role, err := admin.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	lakesailtest.Must(t, err)
	trust, err := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	lakesailtest.Must(t, err)
	var doc map[string]any
	lakesailtest.Must(t, json.Unmarshal([]byte(trust), &doc))
	statements, _ := doc["Statement"].([]any)
	doc["Statement"] = append(statements, map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + env.emu.AccountID() + ":root"}})
	widened, _ := json.Marshal(doc)
	_, err = admin.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(roleName), PolicyDocument: aws.String(string(widened))})
	lakesailtest.Must(t, err)
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("test")})
	lakesailtest.Must(t, err)
	creds := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken: aws.ToString(out.Credentials.SessionToken)}
	return env.emu.AWSConfig(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }))
}

func sleepBriefly() { time.Sleep(5 * time.Millisecond) }
