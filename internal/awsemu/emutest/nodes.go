package emutest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// NodeTemplate is what EksNodeTemplate puts in a node group's launch template.
type NodeTemplate struct {
	Name           string
	SecurityGroups []string
	KmsKeyID       string   // the root volume's key ("" for an unencrypted volume)
	Tags           []string // key, value, ...: on the template and, by TagSpecifications, on each instance, volume and interface
	ImageID        string   // a custom AMI ("" for the EKS optimized AMI of the node group's AMI type)
	InstanceType   ec2types.InstanceType
}

// EksNodeTemplateData is the launch template data of a node group's template, as LakeSail makes
// it: tags for the instance, its volume and its interface, IMDSv2 required with a hop limit of 1,
// a 50 GiB gp3 root volume (encrypted with the key when one is given) and the security groups.
func EksNodeTemplateData(spec NodeTemplate) *ec2types.RequestLaunchTemplateData {
	tags := func(rt ec2types.ResourceType) ec2types.LaunchTemplateTagSpecificationRequest {
		return ec2types.LaunchTemplateTagSpecificationRequest{ResourceType: rt, Tags: Ec2TagsOn(rt, spec.Tags...)[0].Tags}
	}
	ebs := &ec2types.LaunchTemplateEbsBlockDeviceRequest{VolumeSize: aws.Int32(50), VolumeType: ec2types.VolumeTypeGp3, DeleteOnTermination: aws.Bool(true)}
	if spec.KmsKeyID != "" {
		ebs.Encrypted, ebs.KmsKeyId = aws.Bool(true), aws.String(spec.KmsKeyID)
	}
	data := &ec2types.RequestLaunchTemplateData{
		SecurityGroupIds: spec.SecurityGroups,
		MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired,
			HttpPutResponseHopLimit: aws.Int32(1), HttpEndpoint: ec2types.LaunchTemplateInstanceMetadataEndpointStateEnabled},
		BlockDeviceMappings: []ec2types.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: aws.String("/dev/xvda"), Ebs: ebs}},
		TagSpecifications: []ec2types.LaunchTemplateTagSpecificationRequest{
			tags(ec2types.ResourceTypeInstance), tags(ec2types.ResourceTypeVolume), tags(ec2types.ResourceTypeNetworkInterface)},
		InstanceType: spec.InstanceType,
	}
	if spec.ImageID != "" {
		data.ImageId = aws.String(spec.ImageID)
	}
	return data
}

// EksNodeTemplate creates the launch template spec describes (tagged with spec.Tags) and
// returns its id.
func EksNodeTemplate(t *testing.T, c *ec2.Client, spec NodeTemplate) string {
	t.Helper()
	in := &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(spec.Name), LaunchTemplateData: EksNodeTemplateData(spec)}
	if len(spec.Tags) > 0 {
		in.TagSpecifications = Ec2TagsOn(ec2types.ResourceTypeLaunchTemplate, spec.Tags...)
	}
	out, err := c.CreateLaunchTemplate(Bg, in)
	Must(t, err)
	return *out.LaunchTemplate.LaunchTemplateId
}

// EksNodes are the running instances EKS launched for a node group, in launch order.
func EksNodes(t *testing.T, c *ec2.Client, nodegroup string) []ec2types.Instance {
	t.Helper()
	out, err := c.DescribeInstances(Bg, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		Ec2F("tag:eks:nodegroup-name", nodegroup), Ec2F("instance-state-name", "running")}})
	Must(t, err)
	var nodes []ec2types.Instance
	for _, r := range out.Reservations {
		nodes = append(nodes, r.Instances...)
	}
	return nodes
}
