package network_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// customerNetwork is a VPC and subnets the customer made (as root) before using LakeSail.
type customerNetwork struct {
	vpcID           string
	private, public []string
	objectsBefore   int
	preTaggedSubnet string // already had kubernetes.io/role/elb=1
}

// makeCustomerNetwork makes the customer's VPC with two private and two public subnets; with
// adoptable, the customer also tags each LakeSail-Adoptable-By=<connection ID> by hand, as it
// does when the provider does not hold the account's own credentials.
func makeCustomerNetwork(t *testing.T, env *networkEnv, adoptable bool) customerNetwork {
	t.Helper()
	ctx := context.Background()
	api := env.ec2()
	vpc, err := api.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("172.20.0.0/16"), TagSpecifications: []ec2types.TagSpecification{{
		ResourceType: ec2types.ResourceTypeVpc, Tags: []ec2types.Tag{{Key: aws.String("Service"), Value: aws.String("analytics")}}}}})
	lakesailtest.Must(t, err)
	net := customerNetwork{vpcID: aws.ToString(vpc.Vpc.VpcId)}
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		for j, list := range []*[]string{&net.private, &net.public} {
			in := &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("172.20.%d.0/24", 10*j+i)), AvailabilityZone: aws.String(zone)}
			if j == 1 && i == 0 {
				in.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSubnet,
					Tags: []ec2types.Tag{{Key: aws.String("kubernetes.io/role/elb"), Value: aws.String("1")}}}}
			}
			out, err := api.CreateSubnet(ctx, in)
			lakesailtest.Must(t, err)
			*list = append(*list, aws.ToString(out.Subnet.SubnetId))
		}
	}
	net.preTaggedSubnet = net.public[0]
	net.objectsBefore = countVPCObjects(t, env, net.vpcID)
	if adoptable {
		_, err := api.CreateTags(ctx, &ec2.CreateTagsInput{Resources: net.ids(),
			Tags: []ec2types.Tag{{Key: aws.String(connpolicy.TagAdoptableBy), Value: aws.String(lakesailtest.ConnectionID)}}})
		lakesailtest.Must(t, err)
	}
	return net
}

// ids are the VPC and its subnets.
func (n customerNetwork) ids() []string {
	return append(append([]string{n.vpcID}, n.private...), n.public...)
}

// countVPCObjects counts subnets, route tables, security groups, gateways and endpoints in a VPC.
func countVPCObjects(t *testing.T, env *networkEnv, vpcID string) int {
	t.Helper()
	ctx, api := context.Background(), env.ec2()
	inVPC := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}
	subnets, err := api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: inVPC})
	lakesailtest.Must(t, err)
	tables, err := api.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: inVPC})
	lakesailtest.Must(t, err)
	groups, err := api.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: inVPC})
	lakesailtest.Must(t, err)
	endpoints, err := api.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: inVPC})
	lakesailtest.Must(t, err)
	nats, err := api.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: inVPC})
	lakesailtest.Must(t, err)
	igws, err := api.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{vpcID}}}})
	lakesailtest.Must(t, err)
	return len(subnets.Subnets) + len(tables.RouteTables) + len(groups.SecurityGroups) + len(endpoints.VpcEndpoints) + len(nats.NatGateways) + len(igws.InternetGateways)
}

func tagsOf(t *testing.T, env *networkEnv, id string) map[string]string {
	t.Helper()
	out, err := env.ec2().DescribeTags(context.Background(), &ec2.DescribeTagsInput{Filters: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{id}}}})
	lakesailtest.Must(t, err)
	tags := map[string]string{}
	for _, tag := range out.Tags {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return tags
}

// TestLibNetworkBringYourOwnVPC: a brought VPC and subnets the customer made adoptable by the
// connection are only tagged (never the connection tag), as the role, nothing is created in the
// VPC, and destroy removes exactly the tags the network added (the customer's
// LakeSail-Adoptable-By stays).
func TestLibNetworkBringYourOwnVPC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	customer := makeCustomerNetwork(t, env, true)
	spec := env.spec()
	spec.CIDRBlock, spec.VPCID, spec.PrivateSubnetIDs, spec.PublicSubnetIDs = "", customer.vpcID, customer.private, customer.public
	from := len(env.emu.Calls())

	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	env.assertAllAsRole(t, from)
	if got := countVPCObjects(t, env, customer.vpcID); got != customer.objectsBefore {
		t.Errorf("%d objects in the brought VPC, %d before: the network created something in it", got, customer.objectsBefore)
	}
	if n.VPCID != customer.vpcID || len(n.AvailabilityZones) != 2 || n.SecurityGroupID != "" || len(n.NATGatewayIDs) != 0 || n.BucketName == "" {
		t.Errorf("network %+v", n)
	}
	vpcTags := tagsOf(t, env, customer.vpcID)
	if vpcTags[connpolicy.TagNetwork] != testNetworkID || vpcTags[connpolicy.TagTenant] != lakesailtest.TenantID || vpcTags["Service"] != "analytics" {
		t.Errorf("VPC tags %v: want the network's marks and the customer's own Service tag untouched", vpcTags)
	}
	for _, id := range customer.ids() {
		if _, ok := tagsOf(t, env, id)[connpolicy.TagConnection]; ok {
			t.Errorf("%s got the %s tag, which would hand the role the customer's network", id, connpolicy.TagConnection)
		}
	}
	if tagsOf(t, env, customer.private[0])["kubernetes.io/role/internal-elb"] != "1" {
		t.Error("private subnets are not marked for internal load balancers")
	}

	// Another network cannot take the same VPC.
	other := spec
	other.NetworkID = "NET0000002"
	var conflict *lakesail.ConflictError
	if _, err := network.New(env.client).Create(ctx, other, nil, nil); !errors.As(err, &conflict) {
		t.Errorf("a second network on the same VPC: %v, want a ConflictError", err)
	}

	_, err = network.New(env.client).Delete(ctx, spec, n)
	lakesailtest.Must(t, err)
	if left := env.taggedWithNetwork(t, testNetworkID); len(left) > 0 {
		t.Errorf("objects still tagged with the network: %v", left)
	}
	vpcTags = tagsOf(t, env, customer.vpcID)
	if _, ok := vpcTags[connpolicy.TagTenant]; ok || vpcTags["Service"] != "analytics" {
		t.Errorf("VPC tags after destroy %v: want the customer's tags only", vpcTags)
	}
	if tagsOf(t, env, customer.preTaggedSubnet)["kubernetes.io/role/elb"] != "1" {
		t.Error("destroy removed a kubernetes.io/role/elb tag the customer had set")
	}
	if _, ok := tagsOf(t, env, customer.public[1])["kubernetes.io/role/elb"]; ok {
		t.Error("destroy left the kubernetes.io/role/elb tag the network had added")
	}
	if got := countVPCObjects(t, env, customer.vpcID); got != customer.objectsBefore {
		t.Errorf("the brought VPC lost objects: %d, had %d", got, customer.objectsBefore)
	}
	for _, id := range customer.ids() {
		if tagsOf(t, env, id)[connpolicy.TagAdoptableBy] != lakesailtest.ConnectionID {
			t.Errorf("destroy removed the %s tag the customer had put on %s", connpolicy.TagAdoptableBy, id)
		}
	}
}
