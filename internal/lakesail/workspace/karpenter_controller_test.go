package workspace_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// karpenterWorld is a workspace with Karpenter, the controller's EC2 client (signed in as its pod
// would be), and what the account has besides the workspace: a subnet and a security group of
// its own in the workspace's VPC, and an instance profile holding a role of its own.
type karpenterWorld struct {
	env                             *workspaceEnv
	controller, root                *ec2.Client
	image                           string
	customerSubnet, customerGroup   string
	customerProfile, customerRole   string
	workspaceSubnet, workspaceGroup string
}

func newKarpenterWorld(t *testing.T, identity string) *karpenterWorld {
	t.Helper()
	ctx := context.Background()
	env := newKarpenterEnv(t, identity)
	env.create(t)
	w := &karpenterWorld{env: env, root: ec2.NewFromConfig(env.emu.AWSConfig(nil)), controller: ec2.NewFromConfig(env.controllerConfig(t)),
		workspaceSubnet: env.spec.Network.PrivateSubnetIDs[0], workspaceGroup: env.spec.Network.SecurityGroupID}
	w.image = eksImage(t, w.controller, env.spec)
	subnet, err := w.root.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(env.spec.Network.VpcID), CidrBlock: aws.String("10.40.200.0/24")})
	lakesailtest.Must(t, err)
	w.customerSubnet = aws.ToString(subnet.Subnet.SubnetId)
	group, err := w.root.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(env.spec.Network.VpcID),
		GroupName: aws.String("customer"), Description: aws.String("the customer's")})
	lakesailtest.Must(t, err)
	w.customerGroup = aws.ToString(group.GroupId)
	w.customerProfile, w.customerRole = "customer-profile", "customer-admin"
	emutest.InstanceProfileWithRole(t, env.emu, w.customerProfile, w.customerRole)
	return w
}

// template makes a launch template with api as Karpenter makes them, with the given tags on it.
func (w *karpenterWorld) template(t *testing.T, api *ec2.Client, name, profile string, groups, tags []string) string {
	t.Helper()
	return emutest.KarpenterTemplate(t, api, emutest.NodeLaunchTemplate{Name: name, ImageID: w.image, InstanceProfile: profile,
		SecurityGroups: groups, Tags: tags})
}

// fleet launches, as the controller, one node of instanceType from template lt into subnet, with
// Karpenter's and the workspace's tags.
func (w *karpenterWorld) fleet(lt, instanceType, subnet string) (*ec2.CreateFleetOutput, error) {
	return w.controller.CreateFleet(context.Background(), emutest.InstantFleet(lt, 1, emutest.FleetTags(karpenterTags(w.env.spec)...),
		emutest.FleetOverride(instanceType, subnet)))
}

func (w *karpenterWorld) arn(resourceType, id string) string {
	return "arn:aws:ec2:us-east-1:" + w.env.emu.AccountID() + ":" + resourceType + "/" + id
}

// wantUnauthorized checks err is EC2's UnauthorizedOperation for action on resource.
func wantUnauthorized(t *testing.T, what string, err error, action, resource string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnauthorizedOperation" ||
		!strings.Contains(apiErr.ErrorMessage(), action+" on resource: "+resource) {
		t.Errorf("%s: want UnauthorizedOperation for %s on %s, got %v", what, action, resource, err)
	}
}

// wantFleetRefused checks a fleet launched nothing, and its error is UnauthorizedOperation for
// action on resource (AWS reports a launch refused after the call was allowed as the fleet's
// error).
func wantFleetRefused(t *testing.T, what string, out *ec2.CreateFleetOutput, err error, action, resource string) {
	t.Helper()
	if err != nil {
		wantUnauthorized(t, what, err, action, resource)
		return
	}
	if ids := emutest.FleetInstanceIDs(out); len(ids) > 0 || len(out.Errors) == 0 || aws.ToString(out.Errors[0].ErrorCode) != "UnauthorizedOperation" ||
		!strings.Contains(aws.ToString(out.Errors[0].ErrorMessage), action+" on resource: "+resource) {
		t.Errorf("%s: want a fleet error UnauthorizedOperation for %s on %s, got instances %v, errors %s", what, action, resource, ids, fleetErrors(out))
	}
}

// TestLibWorkspaceKarpenterController acts as Karpenter's controller, signed in as its pod would
// be (IRSA, and Pod Identity): it creates a launch template tagged as Karpenter tags a node
// class's and launches a node from it into a private subnet with the network's security group;
// it terminates that node but not a system node. Every other launch is refused, each by IAM:
// from a template the customer made or one tagged for another workspace or connection, into the
// customer's subnet, with the customer's security group, of a family the spec does not allow,
// from a template without IMDSv2 or passing another role's instance profile, and without a
// template at all.
func TestLibWorkspaceKarpenterController(t *testing.T) {
	t.Parallel()
	for _, identity := range workspace.WorkloadIdentities {
		t.Run(identity, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newKarpenterWorld(t, identity)
			s := w.env.spec
			profile := s.KarpenterInstanceProfileName()
			own := w.template(t, w.controller, "karpenter-default", profile, []string{w.workspaceGroup}, karpenterTags(s))
			out, err := w.fleet(own, "m6i.large", w.workspaceSubnet)
			lakesailtest.Must(t, err)
			launched := emutest.FleetInstanceIDs(out)
			if len(launched) != 1 || len(out.Errors) > 0 {
				t.Fatalf("the controller's own launch: instances %v, errors %s", launched, fleetErrors(out))
			}
			desc, err := w.root.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: launched})
			lakesailtest.Must(t, err)
			node := desc.Reservations[0].Instances[0]
			if tags := tagsOf(node.Tags); tags[workspace.TagWorkspace] != testWorkspaceID || tags["karpenter.sh/nodepool"] != "default" ||
				node.IamInstanceProfile == nil || !strings.HasSuffix(aws.ToString(node.IamInstanceProfile.Arn), "/"+profile) {
				t.Errorf("the node: tags %v, profile %+v", tags, node.IamInstanceProfile)
			}

			// Templates that are not the workspace's: the call is refused on the template.
			otherWorkspace := karpenterTags(s)
			otherConnection := karpenterTags(s)
			for i := 0; i < len(otherWorkspace); i += 2 {
				switch otherWorkspace[i] {
				case workspace.TagWorkspace:
					otherWorkspace[i+1] = "WS00000002"
				case connpolicy.TagConnection:
					otherConnection[i+1] = "ZZ99YY88XX"
				}
			}
			for name, tags := range map[string][]string{"customer": nil, "other-workspace": otherWorkspace, "other-connection": otherConnection} {
				lt := w.template(t, w.root, name, profile, []string{w.workspaceGroup}, tags)
				out, err := w.fleet(lt, "m6i.large", w.workspaceSubnet)
				wantFleetRefused(t, "a template of "+name, out, err, "ec2:CreateFleet", w.arn("launch-template", lt))
			}
			// The customer's subnet: refused on the subnet.
			out, err = w.fleet(own, "m6i.large", w.customerSubnet)
			wantFleetRefused(t, "the customer's subnet", out, err, "ec2:CreateFleet", w.arn("subnet", w.customerSubnet))
			// A family the spec does not allow: the launch is refused on the instance.
			out, err = w.fleet(own, "c6i.large", w.workspaceSubnet)
			wantFleetRefused(t, "instance type c6i.large", out, err, "ec2:RunInstances", w.arn("instance", "*"))
			// The customer's security group in the controller's own template.
			lt := w.template(t, w.controller, "karpenter-customer-group", profile, []string{w.customerGroup}, karpenterTags(s))
			out, err = w.fleet(lt, "m6i.large", w.workspaceSubnet)
			wantFleetRefused(t, "the customer's security group", out, err, "ec2:RunInstances", w.arn("security-group", w.customerGroup))
			// Another role's instance profile: iam:PassRole of that role is refused.
			lt = w.template(t, w.controller, "karpenter-customer-profile", w.customerProfile, []string{w.workspaceGroup}, karpenterTags(s))
			out, err = w.fleet(lt, "m6i.large", w.workspaceSubnet)
			wantFleetRefused(t, "the customer's instance profile", out, err, "iam:PassRole", "arn:aws:iam::"+w.env.emu.AccountID()+":role/"+w.customerRole)
			// A template that does not require IMDSv2.
			weak, err := w.controller.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("karpenter-imdsv1"),
				LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(w.image), SecurityGroupIds: []string{w.workspaceGroup},
					IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String(profile)},
					MetadataOptions:    &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateOptional},
					BlockDeviceMappings: []ec2types.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: aws.String("/dev/xvda"),
						Ebs: &ec2types.LaunchTemplateEbsBlockDeviceRequest{VolumeSize: aws.Int32(20), Encrypted: aws.Bool(true)}}}},
				TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeLaunchTemplate, karpenterTags(s)...)})
			lakesailtest.Must(t, err)
			out, err = w.fleet(aws.ToString(weak.LaunchTemplate.LaunchTemplateId), "m6i.large", w.workspaceSubnet)
			wantFleetRefused(t, "a template without IMDSv2", out, err, "ec2:RunInstances", w.arn("instance", "*"))
			// No template: RunInstances with everything else right is refused on the instance.
			_, err = w.controller.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: aws.String(w.image),
				InstanceType: ec2types.InstanceTypeM6iLarge, SubnetId: aws.String(w.workspaceSubnet), SecurityGroupIds: []string{w.workspaceGroup},
				MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired},
				TagSpecifications: append(emutest.Ec2TagsOn(ec2types.ResourceTypeInstance, karpenterTags(s)...),
					emutest.Ec2TagsOn(ec2types.ResourceTypeVolume, karpenterTags(s)...)...)})
			wantUnauthorized(t, "a launch without a template", err, "ec2:RunInstances", w.arn("instance", "*"))

			// A system node is not the controller's to terminate; its own node is.
			system := w.env.nodes(t)
			var systemNode string
			for _, n := range system {
				if _, karpenter := tagsOf(n.Tags)["karpenter.sh/nodepool"]; !karpenter {
					systemNode = aws.ToString(n.InstanceId)
				}
			}
			if systemNode == "" {
				t.Fatal("no system node")
			}
			_, err = w.controller.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{systemNode}})
			wantUnauthorized(t, "terminating a system node", err, "ec2:TerminateInstances", w.arn("instance", systemNode))
			_, err = w.controller.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: launched})
			lakesailtest.Must(t, err)
		})
	}
}
