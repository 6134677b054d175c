package ec2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuEC2RouteTableRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "")
	other := emutest.Ec2MakeVpc(t, c, "10.1.0.0/16")
	igw := emutest.Ec2MakeAttachedIGW(t, c, vpc)
	otherIGW := emutest.Ec2MakeAttachedIGW(t, c, other)
	subnet := emutest.Ec2MakeSubnet(t, c, vpc, "10.0.0.0/24", "us-east-1a")
	otherSubnet := emutest.Ec2MakeSubnet(t, c, other, "10.1.0.0/24", "us-east-1a")

	created, err := c.CreateRouteTable(emutest.Bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc), TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeRouteTable, "Name", "public")})
	emutest.Must(t, err)
	rt := *created.RouteTable.RouteTableId
	if !ec2IDPattern.MatchString(rt) || rt[:4] != "rtb-" || len(created.RouteTable.Routes) != 1 || len(created.RouteTable.Associations) != 0 {
		t.Fatalf("CreateRouteTable = %+v", created.RouteTable)
	}
	_, err = c.CreateRouteTable(emutest.Bg, &ec2.CreateRouteTableInput{VpcId: aws.String("vpc-00000000000000000")})
	emutest.WantCode(t, err, "InvalidVpcID.NotFound")

	// Routes: to the VPC's internet gateway; duplicates, foreign and missing targets are refused.
	route := func(dest, igwID string) error {
		_, err := c.CreateRoute(emutest.Bg, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String(dest), GatewayId: aws.String(igwID)})
		return err
	}
	emutest.Must(t, route("0.0.0.0/0", igw))
	emutest.WantCode(t, route("0.0.0.0/0", igw), "RouteAlreadyExists")
	emutest.WantCode(t, route("10.0.0.0/16", igw), "RouteAlreadyExists") // the local route
	emutest.WantCode(t, route("192.168.0.0/16", otherIGW), "InvalidParameterValue")
	emutest.WantCode(t, route("192.168.0.0/16", "igw-00000000000000000"), "InvalidGatewayID.NotFound")
	_, err = c.CreateRoute(emutest.Bg, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("192.168.0.0/16"), NatGatewayId: aws.String("nat-00000000000000000")})
	emutest.WantCode(t, err, "InvalidNatGatewayID.NotFound")
	_, err = c.CreateRoute(emutest.Bg, &ec2.CreateRouteInput{RouteTableId: aws.String("rtb-00000000000000000"), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igw)})
	emutest.WantCode(t, err, "InvalidRouteTableID.NotFound")
	emutest.Must(t, route("172.16.0.0/12", igw))

	// Replace and delete.
	_, err = c.ReplaceRoute(emutest.Bg, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("100.64.0.0/10"), GatewayId: aws.String(igw)})
	emutest.WantCode(t, err, "InvalidParameterValue")
	_, err = c.ReplaceRoute(emutest.Bg, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("172.16.0.0/12"), GatewayId: aws.String(igw)})
	emutest.Must(t, err)
	_, err = c.DeleteRoute(emutest.Bg, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("172.16.0.0/12")})
	emutest.Must(t, err)
	_, err = c.DeleteRoute(emutest.Bg, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("172.16.0.0/12")})
	emutest.WantCode(t, err, "InvalidRoute.NotFound")
	_, err = c.DeleteRoute(emutest.Bg, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("10.0.0.0/16")})
	emutest.WantCode(t, err, "InvalidParameterValue")

	// Associations: one explicit table per subnet, same VPC only.
	assoc, err := c.AssociateRouteTable(emutest.Bg, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: aws.String(subnet)})
	emutest.Must(t, err)
	if (*assoc.AssociationId)[:9] != "rtbassoc-" || assoc.AssociationState.State != ec2types.RouteTableAssociationStateCodeAssociated {
		t.Fatalf("AssociateRouteTable = %+v", assoc)
	}
	_, err = c.AssociateRouteTable(emutest.Bg, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: aws.String(subnet)})
	emutest.WantCode(t, err, "Resource.AlreadyAssociated")
	_, err = c.AssociateRouteTable(emutest.Bg, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: aws.String(otherSubnet)})
	emutest.WantCode(t, err, "InvalidParameterValue")

	got, err := c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{emutest.Ec2F("association.subnet-id", subnet)}})
	emutest.Must(t, err)
	if len(got.RouteTables) != 1 || *got.RouteTables[0].RouteTableId != rt || len(got.RouteTables[0].Routes) != 2 ||
		*got.RouteTables[0].Routes[1].GatewayId != igw || got.RouteTables[0].Routes[1].Origin != ec2types.RouteOriginCreateRoute ||
		emutest.Ec2TagValue(got.RouteTables[0].Tags, "Name") != "public" {
		t.Fatalf("DescribeRouteTables(association.subnet-id) = %+v", got.RouteTables)
	}
	got, err = c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{emutest.Ec2F("route.gateway-id", "igw-*"), emutest.Ec2F("vpc-id", vpc)}})
	emutest.Must(t, err)
	if len(got.RouteTables) != 1 {
		t.Fatalf("route.gateway-id filter = %+v", got.RouteTables)
	}
	_, err = c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{"rtb-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidRouteTableID.NotFound")

	// A detached internet gateway leaves its routes as blackholes.
	_, err = c.DetachInternetGateway(emutest.Bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	emutest.Must(t, err)
	got, err = c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rt}})
	emutest.Must(t, err)
	if got.RouteTables[0].Routes[1].State != ec2types.RouteStateBlackhole {
		t.Fatalf("route to a detached gateway = %+v", got.RouteTables[0].Routes[1])
	}

	// Associated and main tables cannot be deleted; the main association cannot be removed.
	_, err = c.DeleteRouteTable(emutest.Bg, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
	emutest.WantCode(t, err, "DependencyViolation")
	main, err := c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{emutest.Ec2F("vpc-id", vpc), emutest.Ec2F("association.main", "true")}})
	emutest.Must(t, err)
	_, err = c.DeleteRouteTable(emutest.Bg, &ec2.DeleteRouteTableInput{RouteTableId: main.RouteTables[0].RouteTableId})
	emutest.WantCode(t, err, "DependencyViolation")
	_, err = c.DisassociateRouteTable(emutest.Bg, &ec2.DisassociateRouteTableInput{AssociationId: main.RouteTables[0].Associations[0].RouteTableAssociationId})
	emutest.WantCode(t, err, "InvalidParameterValue")
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.WantCode(t, err, "DependencyViolation")

	_, err = c.DisassociateRouteTable(emutest.Bg, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId})
	emutest.Must(t, err)
	_, err = c.DisassociateRouteTable(emutest.Bg, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId})
	emutest.WantCode(t, err, "InvalidAssociationID.NotFound")
	_, err = c.DeleteRouteTable(emutest.Bg, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
	emutest.Must(t, err)
	_, err = c.DeleteRouteTable(emutest.Bg, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
	emutest.WantCode(t, err, "InvalidRouteTableID.NotFound")

	// Deleting a subnet drops its association.
	rt2, err := c.CreateRouteTable(emutest.Bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
	emutest.Must(t, err)
	_, err = c.AssociateRouteTable(emutest.Bg, &ec2.AssociateRouteTableInput{RouteTableId: rt2.RouteTable.RouteTableId, SubnetId: aws.String(subnet)})
	emutest.Must(t, err)
	_, err = c.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	emutest.Must(t, err)
	_, err = c.DeleteRouteTable(emutest.Bg, &ec2.DeleteRouteTableInput{RouteTableId: rt2.RouteTable.RouteTableId})
	emutest.Must(t, err)
}
