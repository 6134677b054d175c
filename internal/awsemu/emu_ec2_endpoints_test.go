package awsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestEmuEC2VpcEndpointRoundTrip(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := ec2Client(e, e.RootCredentials())
	vpc := ec2MakeVpc(t, c, "")
	var rts []string
	for i := 0; i < 2; i++ {
		out, err := c.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
		must(t, err)
		rts = append(rts, *out.RouteTable.RouteTableId)
	}
	s3 := "com.amazonaws.us-east-1.s3"
	created, err := c.CreateVpcEndpoint(bg, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String(s3),
		VpcEndpointType: ec2types.VpcEndpointTypeGateway, RouteTableIds: rts, TagSpecifications: ec2TagsOn(ec2types.ResourceTypeVpcEndpoint, "Name", "s3")})
	must(t, err)
	ep := created.VpcEndpoint
	id := *ep.VpcEndpointId
	// EC2 sends endpoint states in lower case, unlike the SDK's enum constants.
	if !ec2IDPattern.MatchString(id) || id[:5] != "vpce-" || ep.VpcEndpointType != ec2types.VpcEndpointTypeGateway || ep.State != "available" ||
		len(ep.RouteTableIds) != 2 || *ep.ServiceName != s3 || *ep.PolicyDocument == "" || ec2TagValue(ep.Tags, "Name") != "s3" {
		t.Fatalf("CreateVpcEndpoint = %+v", ep)
	}

	// Each route table gets a route to the service's prefix list through the endpoint.
	prefixRoutes := func() map[string]string {
		out, err := c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{RouteTableIds: rts})
		must(t, err)
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
	pls, err := c.DescribePrefixLists(bg, &ec2.DescribePrefixListsInput{Filters: []ec2types.Filter{ec2F("prefix-list-name", s3)}})
	must(t, err)
	if len(pls.PrefixLists) != 1 || *pls.PrefixLists[0].PrefixListId != routes[rts[0]][:11] || len(pls.PrefixLists[0].Cidrs) == 0 {
		t.Fatalf("DescribePrefixLists = %+v", pls.PrefixLists)
	}
	_, err = c.DeleteRoute(bg, &ec2.DeleteRouteInput{RouteTableId: aws.String(rts[0]), DestinationPrefixListId: aws.String(routes[rts[0]][:11])})
	wantCode(t, err, "InvalidParameterValue") // the endpoint owns that route

	// Filters and not-found.
	got, err := c.DescribeVpcEndpoints(bg, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{ec2F("service-name", "*.s3"), ec2F("vpc-endpoint-type", "Gateway"), ec2F("vpc-id", vpc)}})
	must(t, err)
	if len(got.VpcEndpoints) != 1 || *got.VpcEndpoints[0].VpcEndpointId != id {
		t.Fatalf("DescribeVpcEndpoints = %+v", got.VpcEndpoints)
	}
	_, err = c.DescribeVpcEndpoints(bg, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{"vpce-00000000000000000"}})
	wantCode(t, err, "InvalidVpcEndpointId.NotFound")
	_, err = c.CreateVpcEndpoint(bg, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String("com.amazonaws.us-east-1.nope")})
	wantCode(t, err, "InvalidServiceName")
	_, err = c.CreateVpcEndpoint(bg, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String(s3), RouteTableIds: rts[:1]})
	wantCode(t, err, "RouteAlreadyExists")

	// Modify: remove a route table (its route goes), add it back, change the policy.
	_, err = c.ModifyVpcEndpoint(bg, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id), RemoveRouteTableIds: rts[1:]})
	must(t, err)
	if routes := prefixRoutes(); len(routes) != 1 || routes[rts[1]] != "" {
		t.Fatalf("routes after removing a table = %v", routes)
	}
	policy := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`
	_, err = c.ModifyVpcEndpoint(bg, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id), AddRouteTableIds: rts[1:], PolicyDocument: aws.String(policy)})
	must(t, err)
	got, err = c.DescribeVpcEndpoints(bg, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
	must(t, err)
	if len(got.VpcEndpoints[0].RouteTableIds) != 2 || *got.VpcEndpoints[0].PolicyDocument != policy || len(prefixRoutes()) != 2 {
		t.Fatalf("after ModifyVpcEndpoint = %+v", got.VpcEndpoints[0])
	}

	// The endpoint keeps the VPC; deleting it removes its routes; unknown ids come back unsuccessful.
	_, err = c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	wantCode(t, err, "DependencyViolation")
	del, err := c.DeleteVpcEndpoints(bg, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{id, "vpce-00000000000000000"}})
	must(t, err)
	if len(del.Unsuccessful) != 1 || *del.Unsuccessful[0].ResourceId != "vpce-00000000000000000" || *del.Unsuccessful[0].Error.Code != "InvalidVpcEndpoint.NotFound" {
		t.Fatalf("DeleteVpcEndpoints = %+v", del.Unsuccessful)
	}
	if len(prefixRoutes()) != 0 {
		t.Fatal("endpoint routes left behind")
	}
	for _, rt := range rts {
		_, err = c.DeleteRouteTable(bg, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
		must(t, err)
	}
	_, err = c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	must(t, err)
}
