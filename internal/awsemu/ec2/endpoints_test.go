package ec2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuEC2VpcEndpointRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "")
	var rts []string
	for i := 0; i < 2; i++ {
		out, err := c.CreateRouteTable(emutest.Bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
		emutest.Must(t, err)
		rts = append(rts, *out.RouteTable.RouteTableId)
	}
	s3 := "com.amazonaws.us-east-1.s3"
	created, err := c.CreateVpcEndpoint(emutest.Bg, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String(s3),
		VpcEndpointType: ec2types.VpcEndpointTypeGateway, RouteTableIds: rts, TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeVpcEndpoint, "Name", "s3")})
	emutest.Must(t, err)
	ep := created.VpcEndpoint
	id := *ep.VpcEndpointId
	// EC2 sends endpoint states in lower case, unlike the SDK's enum constants.
	if !ec2IDPattern.MatchString(id) || id[:5] != "vpce-" || ep.VpcEndpointType != ec2types.VpcEndpointTypeGateway || ep.State != "available" ||
		len(ep.RouteTableIds) != 2 || *ep.ServiceName != s3 || *ep.PolicyDocument == "" || emutest.Ec2TagValue(ep.Tags, "Name") != "s3" {
		t.Fatalf("CreateVpcEndpoint = %+v", ep)
	}

	// Each route table gets a route to the service's prefix list through the endpoint.
	prefixRoutes := func() map[string]string {
		out, err := c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{RouteTableIds: rts})
		emutest.Must(t, err)
		m := map[string]string{}
		for _, rt := range out.RouteTables {
			for _, r := range rt.Routes {
				if r.DestinationPrefixListId != nil {
					m[*rt.RouteTableId] = *r.DestinationPrefixListId + "->" + *r.GatewayId
				}
			}
		}
		return m
	}
	routes := prefixRoutes()
	if len(routes) != 2 || routes[rts[0]][:3] != "pl-" || routes[rts[0]] != routes[rts[1]] {
		t.Fatalf("prefix-list routes = %v", routes)
	}
	pls, err := c.DescribePrefixLists(emutest.Bg, &ec2.DescribePrefixListsInput{Filters: []ec2types.Filter{emutest.Ec2F("prefix-list-name", s3)}})
	emutest.Must(t, err)
	if len(pls.PrefixLists) != 1 || *pls.PrefixLists[0].PrefixListId != routes[rts[0]][:11] || len(pls.PrefixLists[0].Cidrs) == 0 {
		t.Fatalf("DescribePrefixLists = %+v", pls.PrefixLists)
	}
	_, err = c.DeleteRoute(emutest.Bg, &ec2.DeleteRouteInput{RouteTableId: aws.String(rts[0]), DestinationPrefixListId: aws.String(routes[rts[0]][:11])})
	emutest.WantCode(t, err, "InvalidParameterValue") // the endpoint owns that route

	// Filters and not-found.
	got, err := c.DescribeVpcEndpoints(emutest.Bg, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{emutest.Ec2F("service-name", "*.s3"), emutest.Ec2F("vpc-endpoint-type", "Gateway"), emutest.Ec2F("vpc-id", vpc)}})
	emutest.Must(t, err)
	if len(got.VpcEndpoints) != 1 || *got.VpcEndpoints[0].VpcEndpointId != id {
		t.Fatalf("DescribeVpcEndpoints = %+v", got.VpcEndpoints)
	}
	_, err = c.DescribeVpcEndpoints(emutest.Bg, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{"vpce-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidVpcEndpointId.NotFound")
	_, err = c.CreateVpcEndpoint(emutest.Bg, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String("com.amazonaws.us-east-1.nope")})
	emutest.WantCode(t, err, "InvalidServiceName")
	_, err = c.CreateVpcEndpoint(emutest.Bg, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String(s3), RouteTableIds: rts[:1]})
	emutest.WantCode(t, err, "RouteAlreadyExists")

	// Modify: remove a route table (its route goes), add it back, change the policy.
	_, err = c.ModifyVpcEndpoint(emutest.Bg, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id), RemoveRouteTableIds: rts[1:]})
	emutest.Must(t, err)
	if routes := prefixRoutes(); len(routes) != 1 || routes[rts[1]] != "" {
		t.Fatalf("routes after removing a table = %v", routes)
	}
	policy := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`
	_, err = c.ModifyVpcEndpoint(emutest.Bg, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id), AddRouteTableIds: rts[1:], PolicyDocument: aws.String(policy)})
	emutest.Must(t, err)
	got, err = c.DescribeVpcEndpoints(emutest.Bg, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
	emutest.Must(t, err)
	if len(got.VpcEndpoints[0].RouteTableIds) != 2 || *got.VpcEndpoints[0].PolicyDocument != policy || len(prefixRoutes()) != 2 {
		t.Fatalf("after ModifyVpcEndpoint = %+v", got.VpcEndpoints[0])
	}

	// The endpoint keeps the VPC; deleting it removes its routes; unknown ids come back unsuccessful.
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.WantCode(t, err, "DependencyViolation")
	del, err := c.DeleteVpcEndpoints(emutest.Bg, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{id, "vpce-00000000000000000"}})
	emutest.Must(t, err)
	if len(del.Unsuccessful) != 1 || *del.Unsuccessful[0].ResourceId != "vpce-00000000000000000" || *del.Unsuccessful[0].Error.Code != "InvalidVpcEndpoint.NotFound" {
		t.Fatalf("DeleteVpcEndpoints = %+v", del.Unsuccessful)
	}
	if len(prefixRoutes()) != 0 {
		t.Fatal("endpoint routes left behind")
	}
	for _, rt := range rts {
		_, err = c.DeleteRouteTable(emutest.Bg, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
		emutest.Must(t, err)
	}
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.Must(t, err)
}
