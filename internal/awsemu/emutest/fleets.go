package emutest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// KarpenterTags are the tags Karpenter puts on what it launches for a node pool of cluster
// (key, value, ...): the cluster's ownership tag, eks:eks-cluster-name and karpenter.sh/nodepool.
func KarpenterTags(cluster, nodepool string) []string {
	return []string{"kubernetes.io/cluster/" + cluster, "owned", "eks:eks-cluster-name", cluster, "karpenter.sh/nodepool", nodepool}
}

// KarpenterScope is how the product narrows Karpenter's controller policy: the subnets and
// security groups it may launch into, and the launch templates it may launch from, carry the tag
// Key=Value besides Karpenter's own.
type KarpenterScope struct {
	Cluster     string
	NodeRoleARN string // the role Karpenter may pass to EC2 in instance profiles
	Key, Value  string
}

// KarpenterControllerPolicy mirrors Karpenter's published controller policy
// (KarpenterControllerNodeLifecyclePolicy and AllowPassingInstanceRole, website reference
// "cloudformation") for s.Cluster, with its launch statements narrowed to s: subnets and security
// groups only when tagged s.Key=s.Value, launch templates only when tagged so as well as with
// Karpenter's tags.
func KarpenterControllerPolicy(s KarpenterScope) string {
	const region = "arn:aws:ec2:us-east-1:"
	scoped := map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/" + s.Key: s.Value}}
	created := []string{region + "*:fleet/*", region + "*:instance/*", region + "*:volume/*", region + "*:network-interface/*",
		region + "*:launch-template/*", region + "*:spot-instances-request/*"}
	requestTags := map[string]any{
		"StringEquals": map[string]any{"aws:RequestTag/kubernetes.io/cluster/" + s.Cluster: "owned", "aws:RequestTag/eks:eks-cluster-name": s.Cluster},
		"StringLike":   map[string]any{"aws:RequestTag/karpenter.sh/nodepool": "*"},
	}
	creationTagging := map[string]any{
		"StringEquals": map[string]any{"aws:RequestTag/kubernetes.io/cluster/" + s.Cluster: "owned", "aws:RequestTag/eks:eks-cluster-name": s.Cluster,
			"ec2:CreateAction": []string{"RunInstances", "CreateFleet", "CreateLaunchTemplate"}},
		"StringLike": map[string]any{"aws:RequestTag/karpenter.sh/nodepool": "*"},
	}
	owned := map[string]any{
		"StringEquals": map[string]any{"aws:ResourceTag/kubernetes.io/cluster/" + s.Cluster: "owned", "aws:ResourceTag/" + s.Key: s.Value},
		"StringLike":   map[string]any{"aws:ResourceTag/karpenter.sh/nodepool": "*"},
	}
	launch := []string{"ec2:RunInstances", "ec2:CreateFleet"}
	return Doc(
		// AllowScopedEC2InstanceAccessActions, images and snapshots as Karpenter has it ...
		Stmt{Effect: "Allow", Action: launch, Resource: []string{"arn:aws:ec2:us-east-1::image/*", "arn:aws:ec2:us-east-1::snapshot/*"}},
		// ... its subnets and security groups narrowed to the product's.
		Stmt{Effect: "Allow", Action: launch, Resource: []string{region + "*:security-group/*", region + "*:subnet/*"}, Condition: scoped},
		// AllowScopedEC2LaunchTemplateAccessActions, narrowed to the product's templates.
		Stmt{Effect: "Allow", Action: launch, Resource: region + "*:launch-template/*", Condition: owned},
		// AllowScopedEC2InstanceActionsWithTags.
		Stmt{Effect: "Allow", Action: []string{"ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"}, Resource: created, Condition: requestTags},
		// AllowScopedResourceCreationTagging.
		Stmt{Effect: "Allow", Action: "ec2:CreateTags", Resource: created, Condition: creationTagging},
		// AllowScopedDeletion.
		Stmt{Effect: "Allow", Action: []string{"ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"},
			Resource: []string{region + "*:instance/*", region + "*:launch-template/*"},
			Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/kubernetes.io/cluster/" + s.Cluster: "owned"},
				"StringLike": map[string]any{"aws:ResourceTag/karpenter.sh/nodepool": "*"}}},
		// AllowRegionalReadActions.
		Stmt{Effect: "Allow", Action: []string{"ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceTypeOfferings",
			"ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory",
			"ec2:DescribeSubnets", "ec2:DescribeAvailabilityZones", "ec2:GetInstanceTypesFromInstanceRequirements"}, Resource: "*",
			Condition: map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "us-east-1"}}},
		// AllowPassingInstanceRole.
		Stmt{Effect: "Allow", Action: "iam:PassRole", Resource: s.NodeRoleARN,
			Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": []string{"ec2.amazonaws.com", "ec2.amazonaws.com.cn"}}}},
	)
}

// InstanceProfileWithRole creates the role (trusting EC2) and an instance profile holding it,
// as the root, and returns the role's ARN.
func InstanceProfileWithRole(t *testing.T, e *awsemu.Emulator, profile, role string) string {
	t.Helper()
	root := IamClient(e, e.RootCredentials())
	trust := Doc(Stmt{Effect: "Allow", Principal: map[string]any{"Service": "ec2.amazonaws.com"}, Action: "sts:AssumeRole"})
	r := CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust)}, "")
	_, err := root.CreateInstanceProfile(Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(profile)})
	Must(t, err)
	_, err = root.AddRoleToInstanceProfile(Bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(profile), RoleName: aws.String(role)})
	Must(t, err)
	return *r.Arn
}

// NodeLaunchTemplate is what KarpenterTemplate puts in a launch template.
type NodeLaunchTemplate struct {
	Name            string
	ImageID         string
	InstanceProfile string   // name
	SecurityGroups  []string // ids
	Tags            []string // key, value, ...: on the template itself
}

// KarpenterTemplate creates a launch template as Karpenter makes them (image, instance profile,
// security groups, IMDSv2 with a hop limit of 1, an encrypted 20 GiB gp3 root volume) and
// returns its id.
func KarpenterTemplate(t *testing.T, c *ec2.Client, spec NodeLaunchTemplate) string {
	t.Helper()
	in := &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(spec.Name), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
		ImageId: aws.String(spec.ImageID), SecurityGroupIds: spec.SecurityGroups,
		IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String(spec.InstanceProfile)},
		MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired,
			HttpPutResponseHopLimit: aws.Int32(1)},
		BlockDeviceMappings: []ec2types.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: aws.String("/dev/xvda"),
			Ebs: &ec2types.LaunchTemplateEbsBlockDeviceRequest{VolumeSize: aws.Int32(20), VolumeType: ec2types.VolumeTypeGp3, Encrypted: aws.Bool(true)}}},
	}}
	if len(spec.Tags) > 0 {
		in.TagSpecifications = Ec2TagsOn(ec2types.ResourceTypeLaunchTemplate, spec.Tags...)
	}
	out, err := c.CreateLaunchTemplate(Bg, in)
	Must(t, err)
	return *out.LaunchTemplate.LaunchTemplateId
}

// FleetTags are TagSpecifications giving the fleet, its instances, their volumes and their
// network interfaces the tags kv (key, value, ...), as Karpenter tags a launch.
func FleetTags(kv ...string) []ec2types.TagSpecification {
	var out []ec2types.TagSpecification
	for _, rt := range []ec2types.ResourceType{ec2types.ResourceTypeFleet, ec2types.ResourceTypeInstance, ec2types.ResourceTypeVolume,
		ec2types.ResourceTypeNetworkInterface} {
		out = append(out, Ec2TagsOn(rt, kv...)...)
	}
	return out
}

// FleetOverride is one override of a fleet's template: an instance type in a subnet.
func FleetOverride(instanceType, subnet string) ec2types.FleetLaunchTemplateOverridesRequest {
	return ec2types.FleetLaunchTemplateOverridesRequest{InstanceType: ec2types.InstanceType(instanceType), SubnetId: aws.String(subnet)}
}

// InstantFleet is a CreateFleet request of type instant for capacity on-demand instances from
// template lt (its default version) with the overrides, tagged by tags.
func InstantFleet(lt string, capacity int32, tags []ec2types.TagSpecification, overrides ...ec2types.FleetLaunchTemplateOverridesRequest) *ec2.CreateFleetInput {
	return &ec2.CreateFleetInput{Type: ec2types.FleetTypeInstant,
		LaunchTemplateConfigs: []ec2types.FleetLaunchTemplateConfigRequest{{
			LaunchTemplateSpecification: &ec2types.FleetLaunchTemplateSpecificationRequest{LaunchTemplateId: aws.String(lt), Version: aws.String("$Default")},
			Overrides:                   overrides}},
		TargetCapacitySpecification: &ec2types.TargetCapacitySpecificationRequest{TotalTargetCapacity: aws.Int32(capacity),
			DefaultTargetCapacityType: ec2types.DefaultTargetCapacityTypeOnDemand},
		TagSpecifications: tags}
}

// FleetInstanceIDs are the ids of the instances a CreateFleet call launched.
func FleetInstanceIDs(out *ec2.CreateFleetOutput) []string {
	var ids []string
	for _, set := range out.Instances {
		ids = append(ids, set.InstanceIds...)
	}
	return ids
}
