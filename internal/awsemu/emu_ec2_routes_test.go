package awsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestEmuEC2RouteTableRoundTrip(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := ec2Client(e, e.RootCredentials())
	vpc := ec2MakeVpc(t, c, "")
	other := ec2MakeVpc(t, c, "10.1.0.0/16")
	igw := ec2MakeAttachedIGW(t, c, vpc)
	otherIGW := ec2MakeAttachedIGW(t, c, other)
	subnet := ec2MakeSubnet(t, c, vpc, "10.0.0.0/24", "us-east-1a")
	otherSubnet := ec2MakeSubnet(t, c, other, "10.1.0.0/24", "us-east-1a")

	created, err := c.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc), TagSpecifications: ec2TagsOn(ec2types.ResourceTypeRouteTable, "Name", "public")})
	must(t, err)
	rt := *created.RouteTable.RouteTableId
	if !ec2IDPattern.MatchString(rt) || rt[:4] != "rtb-" || len(created.RouteTable.Routes) != 1 || len(created.RouteTable.Associations) != 0 {
		t.Fatalf("CreateRouteTable = %+v", created.RouteTable)
	}
	_, err = c.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: aws.String("vpc-00000000000000000")})
	wantCode(t, err, "InvalidVpcID.NotFound")

	// Routes: to the VPC's internet gateway; duplicates, foreign and missing targets are refused.
	route := func(dest, igwID string) error {
		_, err := c.CreateRoute(bg, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String(dest), GatewayId: aws.String(igwID)})
		return err
	}
	must(t, route("0.0.0.0/0", igw))
	wantCode(t, route("0.0.0.0/0", igw), "RouteAlreadyExists")
	wantCode(t, route("10.0.0.0/16", igw), "RouteAlreadyExists") // the local route
	wantCode(t, route("192.168.0.0/16", otherIGW), "InvalidParameterValue")
	wantCode(t, route("192.168.0.0/16", "igw-00000000000000000"), "InvalidGatewayID.NotFound")
	_, err = c.CreateRoute(bg, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("192.168.0.0/16"), NatGatewayId: aws.String("nat-00000000000000000")})
	wantCode(t, err, "InvalidNatGatewayID.NotFound")
	_, err = c.CreateRoute(bg, &ec2.CreateRouteInput{RouteTableId: aws.String("rtb-00000000000000000"), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igw)})
	wantCode(t, err, "InvalidRouteTableID.NotFound")
	must(t, route("172.16.0.0/12", igw))

	// Replace and delete.
	_, err = c.ReplaceRoute(bg, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("100.64.0.0/10"), GatewayId: aws.String(igw)})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.ReplaceRoute(bg, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("172.16.0.0/12"), GatewayId: aws.String(igw)})
	must(t, err)
	_, err = c.DeleteRoute(bg, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("172.16.0.0/12")})
	must(t, err)
	_, err = c.DeleteRoute(bg, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("172.16.0.0/12")})
	wantCode(t, err, "InvalidRoute.NotFound")
	_, err = c.DeleteRoute(bg, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("10.0.0.0/16")})
	wantCode(t, err, "InvalidParameterValue")

	// Associations: one explicit table per subnet, same VPC only.
	assoc, err := c.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: aws.String(subnet)})
	must(t, err)
	if (*assoc.AssociationId)[:9] != "rtbassoc-" || assoc.AssociationState.State != ec2types.RouteTableAssociationStateCodeAssociated {
		t.Fatalf("AssociateRouteTable = %+v", assoc)
	}
	_, err = c.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: aws.String(subnet)})
	wantCode(t, err, "Resource.AlreadyAssociated")
	_, err = c.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: aws.String(otherSubnet)})
	wantCode(t, err, "InvalidParameterValue")

	got, err := c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{ec2F("association.subnet-id", subnet)}})
	must(t, err)
	if len(got.RouteTables) != 1 || *got.RouteTables[0].RouteTableId != rt || len(got.RouteTables[0].Routes) != 2 ||
		*got.RouteTables[0].Routes[1].GatewayId != igw || got.RouteTables[0].Routes[1].Origin != ec2types.RouteOriginCreateRoute ||
		ec2TagValue(got.RouteTables[0].Tags, "Name") != "public" {
		t.Fatalf("DescribeRouteTables(association.subnet-id) = %+v", got.RouteTables)
	}
	got, err = c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{ec2F("route.gateway-id", "igw-*"), ec2F("vpc-id", vpc)}})
	must(t, err)
	if len(got.RouteTables) != 1 {
		t.Fatalf("route.gateway-id filter = %+v", got.RouteTables)
	}
	_, err = c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{"rtb-00000000000000000"}})
	wantCode(t, err, "InvalidRouteTableID.NotFound")

	// A detached internet gateway leaves its routes as blackholes.
	_, err = c.DetachInternetGateway(bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	must(t, err)
	got, err = c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rt}})
	must(t, err)
	if got.RouteTables[0].Routes[1].State != ec2types.RouteStateBlackhole {
		t.Fatalf("route to a detached gateway = %+v", got.RouteTables[0].Routes[1])
	}

	// Associated and main tables cannot be deleted; the main association cannot be removed.
	_, err = c.DeleteRouteTable(bg, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
	wantCode(t, err, "DependencyViolation")
	main, err := c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{ec2F("vpc-id", vpc), ec2F("association.main", "true")}})
	must(t, err)
	_, err = c.DeleteRouteTable(bg, &ec2.DeleteRouteTableInput{RouteTableId: main.RouteTables[0].RouteTableId})
	wantCode(t, err, "DependencyViolation")
	_, err = c.DisassociateRouteTable(bg, &ec2.DisassociateRouteTableInput{AssociationId: main.RouteTables[0].Associations[0].RouteTableAssociationId})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	wantCode(t, err, "DependencyViolation")

	_, err = c.DisassociateRouteTable(bg, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId})
	must(t, err)
	_, err = c.DisassociateRouteTable(bg, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId})
	wantCode(t, err, "InvalidAssociationID.NotFound")
	_, err = c.DeleteRouteTable(bg, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
	must(t, err)
	_, err = c.DeleteRouteTable(bg, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
	wantCode(t, err, "InvalidRouteTableID.NotFound")

	// Deleting a subnet drops its association.
	rt2, err := c.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
	must(t, err)
	_, err = c.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{RouteTableId: rt2.RouteTable.RouteTableId, SubnetId: aws.String(subnet)})
	must(t, err)
	_, err = c.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	must(t, err)
	_, err = c.DeleteRouteTable(bg, &ec2.DeleteRouteTableInput{RouteTableId: rt2.RouteTable.RouteTableId})
	must(t, err)
}
