package ec2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// runTagged launches one instance from env's template whose volume and interface get tags, and
// returns it.
func runTagged(t *testing.T, env ec2Compute, subnet string, tags ...string) ec2types.Instance {
	t.Helper()
	in := &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt), SubnetId: aws.String(subnet)}
	if len(tags) > 0 {
		in.TagSpecifications = append(emutest.Ec2TagsOn(ec2types.ResourceTypeNetworkInterface, tags...), emutest.Ec2TagsOn(ec2types.ResourceTypeVolume, tags...)...)
	}
	out, err := env.root.RunInstances(emutest.Bg, in)
	emutest.Must(t, err)
	return out.Instances[0]
}

// An instance's root volume and primary interface are resources of their own: tagged on create,
// described, and gone when the instance terminates.
func TestEmuEC2InstanceVolumeAndInterface(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newEC2Compute(t, e)
	in := runTagged(t, env, env.sub1, "LakeSail-Connection", "conn1")
	if len(in.BlockDeviceMappings) != 1 || len(in.NetworkInterfaces) != 1 || in.MetadataOptions == nil {
		t.Fatalf("instance %+v", in)
	}
	vol, eni := *in.BlockDeviceMappings[0].Ebs.VolumeId, *in.NetworkInterfaces[0].NetworkInterfaceId
	vols, err := env.root.DescribeVolumes(emutest.Bg, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{emutest.Ec2F("attachment.instance-id", *in.InstanceId)}})
	emutest.Must(t, err)
	if len(vols.Volumes) != 1 || *vols.Volumes[0].VolumeId != vol || emutest.Ec2TagValue(vols.Volumes[0].Tags, "LakeSail-Connection") != "conn1" ||
		*vols.Volumes[0].AvailabilityZone != "us-east-1a" {
		t.Fatalf("volumes %+v", vols.Volumes)
	}
	ifs, err := env.root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{emutest.Ec2F("tag:LakeSail-Connection", "conn1")}})
	emutest.Must(t, err)
	if len(ifs.NetworkInterfaces) != 1 || *ifs.NetworkInterfaces[0].NetworkInterfaceId != eni || *ifs.NetworkInterfaces[0].SubnetId != env.sub1 ||
		*ifs.NetworkInterfaces[0].Attachment.InstanceId != *in.InstanceId || *ifs.NetworkInterfaces[0].PrivateIpAddress != *in.PrivateIpAddress {
		t.Fatalf("interfaces %+v", ifs.NetworkInterfaces)
	}
	_, err = env.root.TerminateInstances(emutest.Bg, &ec2.TerminateInstancesInput{InstanceIds: []string{*in.InstanceId}})
	emutest.Must(t, err)
	_, err = env.root.DescribeVolumes(emutest.Bg, &ec2.DescribeVolumesInput{VolumeIds: []string{vol}})
	emutest.WantCode(t, err, "InvalidVolume.NotFound")
	_, err = env.root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni}})
	emutest.WantCode(t, err, "InvalidNetworkInterfaceID.NotFound")
}

// The VPC CNI's calls on a node's interface: AssignPrivateIpAddresses and
// UnassignPrivateIpAddresses, authorized on the interface with its tags, subnet and VPC, so a
// session allowed them only on LakeSail-tagged interfaces is refused on an untagged one.
func TestEmuEC2AssignPrivateIPAddresses(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newEC2Compute(t, e)
	tagged := *runTagged(t, env, env.sub1, "LakeSail-Connection", "conn1").NetworkInterfaces[0].NetworkInterfaceId
	untagged := *runTagged(t, env, env.sub1).NetworkInterfaces[0].NetworkInterfaceId
	elsewhere := *runTagged(t, env, env.sub2, "LakeSail-Connection", "conn1").NetworkInterfaces[0].NetworkInterfaceId
	cni := emutest.Ec2Session(t, e, "cni", emutest.Doc(
		emutest.Allow("ec2:DescribeNetworkInterfaces", "*"),
		emutest.Stmt{Effect: "Allow", Action: []string{"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"},
			Resource: "arn:aws:ec2:*:*:network-interface/*", Condition: map[string]any{
				"StringEquals": map[string]any{"aws:ResourceTag/LakeSail-Connection": "conn1"},
				"ArnEquals":    map[string]any{"ec2:Subnet": "arn:aws:ec2:us-east-1:123456789012:subnet/" + env.sub1, "ec2:Vpc": "arn:aws:ec2:us-east-1:123456789012:vpc/" + env.vpc},
			}}))

	assigned, err := cni.AssignPrivateIpAddresses(emutest.Bg, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(tagged), SecondaryPrivateIpAddressCount: aws.Int32(2)})
	emutest.Must(t, err)
	if len(assigned.AssignedPrivateIpAddresses) != 2 || *assigned.NetworkInterfaceId != tagged {
		t.Fatalf("assigned %+v", assigned)
	}
	_, err = cni.AssignPrivateIpAddresses(emutest.Bg, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(tagged), PrivateIpAddresses: []string{"10.0.1.200"}})
	emutest.Must(t, err)
	_, err = cni.AssignPrivateIpAddresses(emutest.Bg, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(tagged), PrivateIpAddresses: []string{"10.0.2.9"}})
	emutest.WantCode(t, err, "InvalidParameterValue") // not in the interface's subnet
	d, err := cni.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{tagged}})
	emutest.Must(t, err)
	if ips := d.NetworkInterfaces[0].PrivateIpAddresses; len(ips) != 4 || !aws.ToBool(ips[0].Primary) || *ips[3].PrivateIpAddress != "10.0.1.200" {
		t.Fatalf("private addresses %+v", ips)
	}
	_, err = cni.UnassignPrivateIpAddresses(emutest.Bg, &ec2.UnassignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(tagged),
		PrivateIpAddresses: []string{*assigned.AssignedPrivateIpAddresses[0].PrivateIpAddress, "10.0.1.200"}})
	emutest.Must(t, err)
	_, err = cni.UnassignPrivateIpAddresses(emutest.Bg, &ec2.UnassignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(tagged), PrivateIpAddresses: []string{"10.0.1.200"}})
	emutest.WantCode(t, err, "InvalidParameterValue") // no longer assigned
	d, err = cni.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{tagged}})
	emutest.Must(t, err)
	if n := len(d.NetworkInterfaces[0].PrivateIpAddresses); n != 2 {
		t.Fatalf("%d private addresses after unassigning, want 2", n)
	}

	// Refused on an untagged interface, and on a tagged one in another subnet.
	for _, id := range []string{untagged, elsewhere} {
		_, err = cni.AssignPrivateIpAddresses(emutest.Bg, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(id), SecondaryPrivateIpAddressCount: aws.Int32(1)})
		emutest.WantCode(t, err, "UnauthorizedOperation")
		_, err = cni.UnassignPrivateIpAddresses(emutest.Bg, &ec2.UnassignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(id), PrivateIpAddresses: []string{"10.0.1.50"}})
		emutest.WantCode(t, err, "UnauthorizedOperation")
	}
	_, err = env.root.AssignPrivateIpAddresses(emutest.Bg, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: aws.String("eni-0123456789abcdef0"), SecondaryPrivateIpAddressCount: aws.Int32(1)})
	emutest.WantCode(t, err, "InvalidNetworkInterfaceID.NotFound")
	_, err = env.root.AssignPrivateIpAddresses(emutest.Bg, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: aws.String(untagged)})
	emutest.WantCode(t, err, "MissingParameter")
}

// A launch template version reads back what it was created with: block device mappings and
// metadata options included.
func TestEmuEC2LaunchTemplateVersionData(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.Ec2Client(e, e.RootCredentials())
	key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	id := emutest.EksNodeTemplate(t, root, emutest.NodeTemplate{Name: "nodes", SecurityGroups: []string{"sg-0123456789abcdef0"}, KmsKeyID: key, Tags: []string{"team", "data"}})
	out, err := root.DescribeLaunchTemplateVersions(emutest.Bg, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)})
	emutest.Must(t, err)
	d := out.LaunchTemplateVersions[0].LaunchTemplateData
	if m := d.MetadataOptions; m == nil || m.HttpTokens != ec2types.LaunchTemplateHttpTokensStateRequired || aws.ToInt32(m.HttpPutResponseHopLimit) != 1 ||
		m.HttpEndpoint != ec2types.LaunchTemplateInstanceMetadataEndpointStateEnabled {
		t.Fatalf("metadata options %+v", d.MetadataOptions)
	}
	if len(d.BlockDeviceMappings) != 1 || aws.ToString(d.BlockDeviceMappings[0].DeviceName) != "/dev/xvda" {
		t.Fatalf("block devices %+v", d.BlockDeviceMappings)
	}
	if ebs := d.BlockDeviceMappings[0].Ebs; ebs == nil || !aws.ToBool(ebs.Encrypted) || aws.ToString(ebs.KmsKeyId) != key || aws.ToInt32(ebs.VolumeSize) != 50 ||
		ebs.VolumeType != ec2types.VolumeTypeGp3 || !aws.ToBool(ebs.DeleteOnTermination) {
		t.Fatalf("root volume %+v", d.BlockDeviceMappings[0].Ebs)
	}
	if len(d.TagSpecifications) != 3 || len(d.SecurityGroupIds) != 1 {
		t.Fatalf("tag specifications %+v, groups %v", d.TagSpecifications, d.SecurityGroupIds)
	}
}
