package ec2_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

var ec2IDPattern = regexp.MustCompile(`^[a-z]+(-[a-z]+)*-[0-9a-f]{17}$`)

func TestEmuEC2AvailabilityZones(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	out, err := c.DescribeAvailabilityZones(emutest.Bg, &ec2.DescribeAvailabilityZonesInput{})
	emutest.Must(t, err)
	var got []string
	for _, z := range out.AvailabilityZones {
		got = append(got, *z.ZoneName+"/"+*z.ZoneId+"/"+string(z.State)+"/"+*z.RegionName)
	}
	if fmt.Sprint(got) != "[us-east-1a/use1-az1/available/us-east-1 us-east-1b/use1-az2/available/us-east-1 us-east-1c/use1-az3/available/us-east-1]" {
		t.Fatalf("zones = %v", got)
	}
	out, err = c.DescribeAvailabilityZones(emutest.Bg, &ec2.DescribeAvailabilityZonesInput{Filters: []ec2types.Filter{emutest.Ec2F("zone-name", "*b")}})
	emutest.Must(t, err)
	if len(out.AvailabilityZones) != 1 || *out.AvailabilityZones[0].ZoneName != "us-east-1b" {
		t.Fatalf("filtered zones = %+v", out.AvailabilityZones)
	}
	_, err = c.DescribeAvailabilityZones(emutest.Bg, &ec2.DescribeAvailabilityZonesInput{ZoneNames: []string{"us-east-1z"}})
	emutest.WantCode(t, err, "InvalidParameterValue")

	// Another region has its own zones (and its own resources).
	west := emutest.Ec2Client(e, e.RootCredentials(), func(o *ec2.Options) { o.Region = "eu-west-2" })
	out, err = west.DescribeAvailabilityZones(emutest.Bg, &ec2.DescribeAvailabilityZonesInput{ZoneIds: []string{"euw2-az3"}})
	emutest.Must(t, err)
	if len(out.AvailabilityZones) != 1 || *out.AvailabilityZones[0].ZoneName != "eu-west-2c" {
		t.Fatalf("eu-west-2 zones = %+v", out.AvailabilityZones)
	}
	emutest.Ec2MakeVpc(t, west, "")
	vpcs, err := c.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{})
	emutest.Must(t, err)
	if len(vpcs.Vpcs) != 0 {
		t.Fatalf("us-east-1 sees eu-west-2 VPCs: %+v", vpcs.Vpcs)
	}
}

func TestEmuEC2VpcRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	created, err := c.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{
		CidrBlock: aws.String("10.20.0.0/16"), TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeVpc, "Name", "lakesail-net", "LakeSail-Connection", "C1"),
	})
	emutest.Must(t, err)
	v := created.Vpc
	if !ec2IDPattern.MatchString(*v.VpcId) || (*v.VpcId)[:4] != "vpc-" || v.State != ec2types.VpcStatePending || *v.CidrBlock != "10.20.0.0/16" ||
		*v.OwnerId != awsemu.DefaultAccountID || emutest.Ec2TagValue(v.Tags, "Name") != "lakesail-net" || *v.IsDefault ||
		len(v.CidrBlockAssociationSet) != 1 || v.CidrBlockAssociationSet[0].CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated {
		t.Fatalf("CreateVpc = %+v", v)
	}
	id := *v.VpcId

	got, err := c.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{VpcIds: []string{id}})
	emutest.Must(t, err)
	if len(got.Vpcs) != 1 || got.Vpcs[0].State != ec2types.VpcStateAvailable || *got.Vpcs[0].DhcpOptionsId == "" {
		t.Fatalf("DescribeVpcs = %+v", got.Vpcs)
	}
	_, err = c.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0123456789abcdef0"}})
	emutest.WantCode(t, err, "InvalidVpcID.NotFound")
	emutest.WantContains(t, emutest.ErrMessage(err), "The vpc ID 'vpc-0123456789abcdef0' does not exist")

	// DNS attributes: support on, hostnames off, one attribute per call.
	attr, err := c.DescribeVpcAttribute(emutest.Bg, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(id), Attribute: ec2types.VpcAttributeNameEnableDnsSupport})
	emutest.Must(t, err)
	if !*attr.EnableDnsSupport.Value || attr.EnableDnsHostnames != nil {
		t.Fatalf("enableDnsSupport = %+v", attr)
	}
	_, err = c.ModifyVpcAttribute(emutest.Bg, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(id), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
	emutest.Must(t, err)
	attr, err = c.DescribeVpcAttribute(emutest.Bg, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(id), Attribute: ec2types.VpcAttributeNameEnableDnsHostnames})
	emutest.Must(t, err)
	if !*attr.EnableDnsHostnames.Value {
		t.Fatal("enableDnsHostnames not set")
	}
	_, err = c.ModifyVpcAttribute(emutest.Bg, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(id),
		EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}, EnableDnsSupport: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
	emutest.WantCode(t, err, "InvalidParameterCombination")

	// The VPC comes with its main route table (local route), default security group and network ACL.
	rts, err := c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{emutest.Ec2F("vpc-id", id), emutest.Ec2F("association.main", "true")}})
	emutest.Must(t, err)
	if len(rts.RouteTables) != 1 || len(rts.RouteTables[0].Routes) != 1 || *rts.RouteTables[0].Routes[0].GatewayId != "local" ||
		*rts.RouteTables[0].Routes[0].DestinationCidrBlock != "10.20.0.0/16" || rts.RouteTables[0].Routes[0].State != ec2types.RouteStateActive ||
		!*rts.RouteTables[0].Associations[0].Main {
		t.Fatalf("main route table = %+v", rts.RouteTables)
	}
	sgs, err := c.DescribeSecurityGroups(emutest.Bg, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{emutest.Ec2F("vpc-id", id), emutest.Ec2F("group-name", "default")}})
	emutest.Must(t, err)
	if len(sgs.SecurityGroups) != 1 || len(sgs.SecurityGroups[0].IpPermissions) != 1 ||
		*sgs.SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId != *sgs.SecurityGroups[0].GroupId ||
		*sgs.SecurityGroups[0].IpPermissionsEgress[0].IpRanges[0].CidrIp != "0.0.0.0/0" {
		t.Fatalf("default security group = %+v", sgs.SecurityGroups)
	}
	acls, err := c.DescribeNetworkAcls(emutest.Bg, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{emutest.Ec2F("vpc-id", id), emutest.Ec2F("default", "true")}})
	emutest.Must(t, err)
	if len(acls.NetworkAcls) != 1 || len(acls.NetworkAcls[0].Entries) != 4 {
		t.Fatalf("default network ACL = %+v", acls.NetworkAcls)
	}

	// Bad CIDRs.
	_, err = c.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
	emutest.WantCode(t, err, "InvalidVpc.Range")
	_, err = c.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.300/16")})
	emutest.WantCode(t, err, "InvalidParameterValue")
	_, err = c.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"), TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeSubnet, "a", "b")})
	emutest.WantCode(t, err, "InvalidParameterValue")

	// Delete takes the default objects with it; a second delete is NotFound.
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(id)})
	emutest.Must(t, err)
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(id)})
	emutest.WantCode(t, err, "InvalidVpcID.NotFound")
	all, err := c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{})
	emutest.Must(t, err)
	if len(all.RouteTables) != 0 {
		t.Fatalf("route tables left after DeleteVpc: %+v", all.RouteTables)
	}

	// Five VPCs per region, as AWS's default quota.
	for i := 0; i < 5; i++ {
		emutest.Ec2MakeVpc(t, c, fmt.Sprintf("10.%d.0.0/16", i))
	}
	_, err = c.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	emutest.WantCode(t, err, "VpcLimitExceeded")

	// Reset forgets EC2 resources.
	e.Reset()
	left, err := c.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{})
	emutest.Must(t, err)
	if len(left.Vpcs) != 0 {
		t.Fatalf("VPCs after Reset: %d", len(left.Vpcs))
	}
}

func TestEmuEC2SubnetRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "10.0.0.0/16")
	other := emutest.Ec2MakeVpc(t, c, "10.0.0.0/16") // same CIDR in another VPC is fine

	out, err := c.CreateSubnet(emutest.Bg, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String("10.0.0.0/20"), AvailabilityZone: aws.String("us-east-1b"),
		TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeSubnet, "Name", "lakesail-c1-n1-public-a", "kubernetes.io/role/elb", "1")})
	emutest.Must(t, err)
	sn := out.Subnet
	if (*sn.SubnetId)[:7] != "subnet-" || *sn.AvailabilityZone != "us-east-1b" || *sn.AvailabilityZoneId != "use1-az2" || *sn.AvailableIpAddressCount != 4091 ||
		*sn.SubnetArn != "arn:aws:ec2:us-east-1:123456789012:subnet/"+*sn.SubnetId || *sn.MapPublicIpOnLaunch || sn.State != ec2types.SubnetStateAvailable {
		t.Fatalf("CreateSubnet = %+v", sn)
	}
	public := *sn.SubnetId
	private := emutest.Ec2MakeSubnet(t, c, vpc, "10.0.16.0/20", "us-east-1a")
	emutest.Ec2MakeSubnet(t, c, other, "10.0.0.0/20", "us-east-1a")

	for _, tc := range []struct{ cidr, az, code string }{
		{"10.1.0.0/24", "us-east-1a", "InvalidSubnet.Range"},    // outside the VPC
		{"10.0.0.0/15", "us-east-1a", "InvalidSubnet.Range"},    // larger than the VPC
		{"10.0.0.0/29", "us-east-1a", "InvalidSubnet.Range"},    // smaller than /28
		{"10.0.8.0/24", "us-east-1a", "InvalidSubnet.Conflict"}, // inside 10.0.0.0/20
		{"10.0.32.0/24", "us-east-1z", "InvalidParameterValue"}, // no such zone
		{"10.0.32.1/24", "us-east-1a", "InvalidParameterValue"}, // not a network address
	} {
		_, err := c.CreateSubnet(emutest.Bg, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(tc.cidr), AvailabilityZone: aws.String(tc.az)})
		emutest.WantCode(t, err, tc.code)
	}
	_, err = c.CreateSubnet(emutest.Bg, &ec2.CreateSubnetInput{VpcId: aws.String("vpc-00000000000000000"), CidrBlock: aws.String("10.0.0.0/24")})
	emutest.WantCode(t, err, "InvalidVpcID.NotFound")

	_, err = c.ModifySubnetAttribute(emutest.Bg, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(public), MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
	emutest.Must(t, err)

	// Filters: vpc-id, availability-zone, tags (with wildcards), map-public-ip-on-launch.
	for _, tc := range []struct {
		filters []ec2types.Filter
		want    []string
	}{
		{[]ec2types.Filter{emutest.Ec2F("vpc-id", vpc)}, []string{public, private}},
		{[]ec2types.Filter{emutest.Ec2F("vpc-id", vpc), emutest.Ec2F("availability-zone", "us-east-1a")}, []string{private}},
		{[]ec2types.Filter{emutest.Ec2F("tag:Name", "lakesail-*-public-?")}, []string{public}},
		{[]ec2types.Filter{emutest.Ec2F("tag-key", "kubernetes.io/role/elb")}, []string{public}},
		{[]ec2types.Filter{emutest.Ec2F("map-public-ip-on-launch", "true")}, []string{public}},
		{[]ec2types.Filter{emutest.Ec2F("cidr-block", "10.0.16.0/20", "10.9.9.0/24"), emutest.Ec2F("vpc-id", vpc)}, []string{private}},
	} {
		got, err := c.DescribeSubnets(emutest.Bg, &ec2.DescribeSubnetsInput{Filters: tc.filters})
		emutest.Must(t, err)
		var ids []string
		for _, s := range got.Subnets {
			ids = append(ids, *s.SubnetId)
		}
		if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
			t.Errorf("filters %v: subnets %v, want %v", tc.filters, ids, tc.want)
		}
	}
	_, err = c.DescribeSubnets(emutest.Bg, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{emutest.Ec2F("no-such-filter", "x")}})
	emutest.WantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeSubnets(emutest.Bg, &ec2.DescribeSubnetsInput{SubnetIds: []string{public, "subnet-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidSubnetID.NotFound")

	// Subnets keep the VPC from being deleted.
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.WantCode(t, err, "DependencyViolation")
	emutest.WantContains(t, emutest.ErrMessage(err), "has dependencies and cannot be deleted")
	for _, id := range []string{public, private} {
		_, err = c.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(id)})
		emutest.Must(t, err)
	}
	_, err = c.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(public)})
	emutest.WantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.Must(t, err)
}
