package awsemu

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestEmuEC2Tags(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := ec2Client(e, e.RootCredentials())
	vpc := ec2MakeVpc(t, c, "", "LakeSail-Connection", "C1")
	subnet := ec2MakeSubnet(t, c, vpc, "10.0.0.0/24", "us-east-1a")
	eip, err := c.AllocateAddress(bg, &ec2.AllocateAddressInput{})
	must(t, err)

	_, err = c.CreateTags(bg, &ec2.CreateTagsInput{Resources: []string{vpc, subnet, *eip.AllocationId},
		Tags: []ec2types.Tag{{Key: aws.String("LakeSail-Network"), Value: aws.String("N1")}, {Key: aws.String("Name"), Value: aws.String("net")}}})
	must(t, err)
	_, err = c.CreateTags(bg, &ec2.CreateTagsInput{Resources: []string{vpc, "subnet-00000000000000000"}, Tags: []ec2types.Tag{{Key: aws.String("x"), Value: aws.String("y")}}})
	wantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = c.CreateTags(bg, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []ec2types.Tag{{Key: aws.String("aws:reserved"), Value: aws.String("y")}}})
	wantCode(t, err, "InvalidParameterValue")

	tagsOf := func(filters ...ec2types.Filter) []string {
		out, err := c.DescribeTags(bg, &ec2.DescribeTagsInput{Filters: filters})
		must(t, err)
		var got []string
		for _, td := range out.Tags {
			got = append(got, string(td.ResourceType)+":"+*td.Key+"="+*td.Value)
		}
		return got
	}
	if got := fmt.Sprint(tagsOf(ec2F("resource-id", vpc))); got != "[vpc:LakeSail-Connection=C1 vpc:LakeSail-Network=N1 vpc:Name=net]" {
		t.Fatalf("DescribeTags(vpc) = %s", got)
	}
	if got := fmt.Sprint(tagsOf(ec2F("key", "LakeSail-Network"))); got != "[vpc:LakeSail-Network=N1 subnet:LakeSail-Network=N1 elastic-ip:LakeSail-Network=N1]" {
		t.Fatalf("DescribeTags(key) = %s", got)
	}
	if got := fmt.Sprint(tagsOf(ec2F("resource-type", "elastic-ip"), ec2F("key", "Name"))); got != "[elastic-ip:Name=net]" {
		t.Fatalf("DescribeTags(resource-type) = %s", got)
	}

	// DeleteTags: a key alone removes the tag; a key with a value only when it matches.
	_, err = c.DeleteTags(bg, &ec2.DeleteTagsInput{Resources: []string{vpc}, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("other")}}})
	must(t, err)
	_, err = c.DeleteTags(bg, &ec2.DeleteTagsInput{Resources: []string{vpc, subnet}, Tags: []ec2types.Tag{{Key: aws.String("LakeSail-Network")}}})
	must(t, err)
	if got := fmt.Sprint(tagsOf(ec2F("resource-id", vpc, subnet))); got != "[vpc:LakeSail-Connection=C1 vpc:Name=net subnet:Name=net]" {
		t.Fatalf("after DeleteTags = %s", got)
	}

	// Describe filters by tag on every resource type.
	vpcs, err := c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{ec2F("tag:LakeSail-Connection", "C1")}})
	must(t, err)
	if len(vpcs.Vpcs) != 1 || ec2TagValue(vpcs.Vpcs[0].Tags, "Name") != "net" {
		t.Fatalf("DescribeVpcs(tag:) = %+v", vpcs.Vpcs)
	}
	vpcs, err = c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{ec2F("tag:LakeSail-Connection", "C2")}})
	must(t, err)
	if len(vpcs.Vpcs) != 0 {
		t.Fatalf("DescribeVpcs(tag: other value) = %+v", vpcs.Vpcs)
	}
	addrs, err := c.DescribeAddresses(bg, &ec2.DescribeAddressesInput{Filters: []ec2types.Filter{ec2F("tag-key", "LakeSail-Network")}})
	must(t, err)
	if len(addrs.Addresses) != 1 {
		t.Fatalf("DescribeAddresses(tag-key) = %+v", addrs.Addresses)
	}
}

func TestEmuEC2Pagination(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := ec2Client(e, e.RootCredentials())
	vpc := ec2MakeVpc(t, c, "")
	var want []string
	for i := 0; i < 12; i++ {
		out, err := c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i)),
			TagSpecifications: ec2TagsOn(ec2types.ResourceTypeSubnet, "Name", fmt.Sprintf("s%02d", i))})
		must(t, err)
		want = append(want, *out.Subnet.SubnetId)
	}
	var got []string
	pages := 0
	p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{ec2F("vpc-id", vpc)}, MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		out, err := p.NextPage(bg)
		must(t, err)
		pages++
		for _, s := range out.Subnets {
			got = append(got, *s.SubnetId)
		}
	}
	if pages != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%d pages, subnets %v, want %v", pages, got, want)
	}

	tags := 0
	tp := ec2.NewDescribeTagsPaginator(c, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{ec2F("resource-type", "subnet")}, MaxResults: aws.Int32(5)})
	for tp.HasMorePages() {
		out, err := tp.NextPage(bg)
		must(t, err)
		tags += len(out.Tags)
	}
	if tags != 12 {
		t.Fatalf("paged DescribeTags = %d tags", tags)
	}

	_, err := c.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(3)})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(5), NextToken: aws.String("garbage")})
	wantCode(t, err, "InvalidPaginationToken")
	_, err = c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(101)})
	wantCode(t, err, "InvalidParameterValue")
}
