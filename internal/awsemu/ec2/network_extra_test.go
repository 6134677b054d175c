package ec2_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// TestEmuEC2NetworkInterfaces: a NAT gateway's interface is described (filtered by VPC, subnet
// and type) from creation until the gateway is deleted, keeps its subnet from being deleted, and
// describing interfaces needs ec2:DescribeNetworkInterfaces.
func TestEmuEC2NetworkInterfaces(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, root, "")
	subnet := emutest.Ec2MakeSubnet(t, root, vpc, "10.0.1.0/24", "us-east-1a")
	emutest.Ec2MakeAttachedIGW(t, root, vpc)
	inVPC := []ec2types.Filter{emutest.Ec2F("vpc-id", vpc)}

	out, err := root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{Filters: inVPC})
	emutest.Must(t, err)
	if len(out.NetworkInterfaces) != 0 {
		t.Fatalf("interfaces before any NAT gateway: %+v", out.NetworkInterfaces)
	}

	eip, err := root.AllocateAddress(emutest.Bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	emutest.Must(t, err)
	nat, err := root.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	emutest.Must(t, err)
	natID := aws.ToString(nat.NatGateway.NatGatewayId)
	out, err = root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{Filters: append(inVPC,
		emutest.Ec2F("subnet-id", subnet), emutest.Ec2F("interface-type", "nat_gateway"))})
	emutest.Must(t, err)
	if len(out.NetworkInterfaces) != 1 {
		t.Fatalf("%d interfaces for one NAT gateway", len(out.NetworkInterfaces))
	}
	eni := out.NetworkInterfaces[0]
	if !strings.Contains(aws.ToString(eni.Description), natID) || aws.ToString(eni.SubnetId) != subnet || eni.InterfaceType != ec2types.NetworkInterfaceTypeNatGateway ||
		aws.ToString(eni.NetworkInterfaceId) != aws.ToString(nat.NatGateway.NatGatewayAddresses[0].NetworkInterfaceId) {
		t.Errorf("interface %s (%s) in %s of NAT gateway %s (interface %s)", aws.ToString(eni.NetworkInterfaceId), aws.ToString(eni.Description), aws.ToString(eni.SubnetId), natID, aws.ToString(nat.NatGateway.NatGatewayAddresses[0].NetworkInterfaceId))
	}
	byID, err := root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{aws.ToString(eni.NetworkInterfaceId)}})
	emutest.Must(t, err)
	if len(byID.NetworkInterfaces) != 1 {
		t.Errorf("by id: %d interfaces", len(byID.NetworkInterfaces))
	}
	_, err = root.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	emutest.WantCode(t, err, "DependencyViolation")

	_, err = root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidNetworkInterfaceID.NotFound")
	_, err = root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{emutest.Ec2F("no-such-filter", "x")}})
	emutest.WantCode(t, err, "InvalidParameterValue")

	_, err = root.DeleteNatGateway(emutest.Bg, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(natID)})
	emutest.Must(t, err)
	emutest.Must(t, ec2.NewNatGatewayDeletedWaiter(root).Wait(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{natID}}, time.Second,
		func(o *ec2.NatGatewayDeletedWaiterOptions) {
			o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond
		}))
	out, err = root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{Filters: inVPC})
	emutest.Must(t, err)
	if len(out.NetworkInterfaces) != 0 {
		t.Errorf("the deleted NAT gateway's interface is still described: %+v", out.NetworkInterfaces)
	}
	_, err = root.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	emutest.Must(t, err)

	denied := emutest.Ec2Session(t, e, "no-describe", emutest.Doc(emutest.Allow("ec2:DescribeVpcs", "*")))
	_, err = denied.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	allowed := emutest.Ec2Session(t, e, "describe", emutest.Doc(emutest.Allow("ec2:DescribeNetworkInterfaces", "*")))
	_, err = allowed.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{})
	emutest.Must(t, err)
}
