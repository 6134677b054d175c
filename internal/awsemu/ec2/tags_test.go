package ec2_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuEC2Tags(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "", "LakeSail-Connection", "C1")
	subnet := emutest.Ec2MakeSubnet(t, c, vpc, "10.0.0.0/24", "us-east-1a")
	eip, err := c.AllocateAddress(emutest.Bg, &ec2.AllocateAddressInput{})
	emutest.Must(t, err)

	_, err = c.CreateTags(emutest.Bg, &ec2.CreateTagsInput{Resources: []string{vpc, subnet, *eip.AllocationId},
		Tags: []ec2types.Tag{{Key: aws.String("LakeSail-Network"), Value: aws.String("N1")}, {Key: aws.String("Name"), Value: aws.String("net")}}})
	emutest.Must(t, err)
	_, err = c.CreateTags(emutest.Bg, &ec2.CreateTagsInput{Resources: []string{vpc, "subnet-00000000000000000"}, Tags: []ec2types.Tag{{Key: aws.String("x"), Value: aws.String("y")}}})
	emutest.WantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = c.CreateTags(emutest.Bg, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []ec2types.Tag{{Key: aws.String("aws:reserved"), Value: aws.String("y")}}})
	emutest.WantCode(t, err, "InvalidParameterValue")

	tagsOf := func(filters ...ec2types.Filter) []string {
		out, err := c.DescribeTags(emutest.Bg, &ec2.DescribeTagsInput{Filters: filters})
		emutest.Must(t, err)
		var got []string
		for _, td := range out.Tags {
			got = append(got, string(td.ResourceType)+":"+*td.Key+"="+*td.Value)
		}
		return got
	}
	if got := fmt.Sprint(tagsOf(emutest.Ec2F("resource-id", vpc))); got != "[vpc:LakeSail-Connection=C1 vpc:LakeSail-Network=N1 vpc:Name=net]" {
		t.Fatalf("DescribeTags(vpc) = %s", got)
	}
	if got := fmt.Sprint(tagsOf(emutest.Ec2F("key", "LakeSail-Network"))); got != "[vpc:LakeSail-Network=N1 subnet:LakeSail-Network=N1 elastic-ip:LakeSail-Network=N1]" {
		t.Fatalf("DescribeTags(key) = %s", got)
	}
	if got := fmt.Sprint(tagsOf(emutest.Ec2F("resource-type", "elastic-ip"), emutest.Ec2F("key", "Name"))); got != "[elastic-ip:Name=net]" {
		t.Fatalf("DescribeTags(resource-type) = %s", got)
	}

	// DeleteTags: a key alone removes the tag; a key with a value only when it matches.
	_, err = c.DeleteTags(emutest.Bg, &ec2.DeleteTagsInput{Resources: []string{vpc}, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("other")}}})
	emutest.Must(t, err)
	_, err = c.DeleteTags(emutest.Bg, &ec2.DeleteTagsInput{Resources: []string{vpc, subnet}, Tags: []ec2types.Tag{{Key: aws.String("LakeSail-Network")}}})
	emutest.Must(t, err)
	if got := fmt.Sprint(tagsOf(emutest.Ec2F("resource-id", vpc, subnet))); got != "[vpc:LakeSail-Connection=C1 vpc:Name=net subnet:Name=net]" {
		t.Fatalf("after DeleteTags = %s", got)
	}

	// Describe filters by tag on every resource type.
	vpcs, err := c.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{emutest.Ec2F("tag:LakeSail-Connection", "C1")}})
	emutest.Must(t, err)
	if len(vpcs.Vpcs) != 1 || emutest.Ec2TagValue(vpcs.Vpcs[0].Tags, "Name") != "net" {
		t.Fatalf("DescribeVpcs(tag:) = %+v", vpcs.Vpcs)
	}
	vpcs, err = c.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{emutest.Ec2F("tag:LakeSail-Connection", "C2")}})
	emutest.Must(t, err)
	if len(vpcs.Vpcs) != 0 {
		t.Fatalf("DescribeVpcs(tag: other value) = %+v", vpcs.Vpcs)
	}
	addrs, err := c.DescribeAddresses(emutest.Bg, &ec2.DescribeAddressesInput{Filters: []ec2types.Filter{emutest.Ec2F("tag-key", "LakeSail-Network")}})
	emutest.Must(t, err)
	if len(addrs.Addresses) != 1 {
		t.Fatalf("DescribeAddresses(tag-key) = %+v", addrs.Addresses)
	}
}

func TestEmuEC2Pagination(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "")
	var want []string
	for i := 0; i < 12; i++ {
		out, err := c.CreateSubnet(emutest.Bg, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i)),
			TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeSubnet, "Name", fmt.Sprintf("s%02d", i))})
		emutest.Must(t, err)
		want = append(want, *out.Subnet.SubnetId)
	}
	var got []string
	pages := 0
	p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{emutest.Ec2F("vpc-id", vpc)}, MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		out, err := p.NextPage(emutest.Bg)
		emutest.Must(t, err)
		pages++
		for _, s := range out.Subnets {
			got = append(got, *s.SubnetId)
		}
	}
	if pages != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%d pages, subnets %v, want %v", pages, got, want)
	}

	tags := 0
	tp := ec2.NewDescribeTagsPaginator(c, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{emutest.Ec2F("resource-type", "subnet")}, MaxResults: aws.Int32(5)})
	for tp.HasMorePages() {
		out, err := tp.NextPage(emutest.Bg)
		emutest.Must(t, err)
		tags += len(out.Tags)
	}
	if tags != 12 {
		t.Fatalf("paged DescribeTags = %d tags", tags)
	}

	_, err := c.DescribeSubnets(emutest.Bg, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(3)})
	emutest.WantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeSubnets(emutest.Bg, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(5), NextToken: aws.String("garbage")})
	emutest.WantCode(t, err, "InvalidPaginationToken")
	_, err = c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(101)})
	emutest.WantCode(t, err, "InvalidParameterValue")
}
