package awsemu

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestEmuEC2NetworkInterfaces: a NAT gateway's interface is described (filtered by VPC, subnet
// and type) from creation until the gateway is deleted, keeps its subnet from being deleted, and
// describing interfaces needs ec2:DescribeNetworkInterfaces.
func TestEmuEC2NetworkInterfaces(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := ec2Client(e, e.RootCredentials())
	vpc := ec2MakeVpc(t, root, "")
	subnet := ec2MakeSubnet(t, root, vpc, "10.0.1.0/24", "us-east-1a")
	ec2MakeAttachedIGW(t, root, vpc)
	inVPC := []ec2types.Filter{ec2F("vpc-id", vpc)}

	out, err := root.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{Filters: inVPC})
	must(t, err)
	if len(out.NetworkInterfaces) != 0 {
		t.Fatalf("interfaces before any NAT gateway: %+v", out.NetworkInterfaces)
	}

	eip, err := root.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	must(t, err)
	nat, err := root.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	must(t, err)
	natID := aws.ToString(nat.NatGateway.NatGatewayId)
	out, err = root.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{Filters: append(inVPC,
		ec2F("subnet-id", subnet), ec2F("interface-type", "nat_gateway"))})
	must(t, err)
	if len(out.NetworkInterfaces) != 1 {
		t.Fatalf("%d interfaces for one NAT gateway", len(out.NetworkInterfaces))
	}
	eni := out.NetworkInterfaces[0]
	if !strings.Contains(aws.ToString(eni.Description), natID) || aws.ToString(eni.SubnetId) != subnet || eni.InterfaceType != ec2types.NetworkInterfaceTypeNatGateway ||
		aws.ToString(eni.NetworkInterfaceId) != aws.ToString(nat.NatGateway.NatGatewayAddresses[0].NetworkInterfaceId) {
		t.Errorf("interface %s (%s) in %s of NAT gateway %s (interface %s)", aws.ToString(eni.NetworkInterfaceId), aws.ToString(eni.Description), aws.ToString(eni.SubnetId), natID, aws.ToString(nat.NatGateway.NatGatewayAddresses[0].NetworkInterfaceId))
	}
	byID, err := root.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{aws.ToString(eni.NetworkInterfaceId)}})
	must(t, err)
	if len(byID.NetworkInterfaces) != 1 {
		t.Errorf("by id: %d interfaces", len(byID.NetworkInterfaces))
	}
	_, err = root.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	wantCode(t, err, "DependencyViolation")

	_, err = root.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-00000000000000000"}})
	wantCode(t, err, "InvalidNetworkInterfaceID.NotFound")
	_, err = root.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{ec2F("no-such-filter", "x")}})
	wantCode(t, err, "InvalidParameterValue")

	_, err = root.DeleteNatGateway(bg, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(natID)})
	must(t, err)
	must(t, ec2.NewNatGatewayDeletedWaiter(root).Wait(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{natID}}, time.Second,
		func(o *ec2.NatGatewayDeletedWaiterOptions) {
			o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond
		}))
	out, err = root.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{Filters: inVPC})
	must(t, err)
	if len(out.NetworkInterfaces) != 0 {
		t.Errorf("the deleted NAT gateway's interface is still described: %+v", out.NetworkInterfaces)
	}
	_, err = root.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	must(t, err)

	denied := ec2Session(t, e, "no-describe", doc(allow("ec2:DescribeVpcs", "*")))
	_, err = denied.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{})
	wantCode(t, err, "UnauthorizedOperation")
	allowed := ec2Session(t, e, "describe", doc(allow("ec2:DescribeNetworkInterfaces", "*")))
	_, err = allowed.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{})
	must(t, err)
}
