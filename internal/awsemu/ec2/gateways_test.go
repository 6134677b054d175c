package ec2_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuEC2InternetGatewayRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "")
	other := emutest.Ec2MakeVpc(t, c, "10.1.0.0/16")
	out, err := c.CreateInternetGateway(emutest.Bg, &ec2.CreateInternetGatewayInput{TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeInternetGateway, "Name", "igw")})
	emutest.Must(t, err)
	igw := *out.InternetGateway.InternetGatewayId
	if !ec2IDPattern.MatchString(igw) || igw[:4] != "igw-" || len(out.InternetGateway.Attachments) != 0 || emutest.Ec2TagValue(out.InternetGateway.Tags, "Name") != "igw" {
		t.Fatalf("CreateInternetGateway = %+v", out.InternetGateway)
	}
	_, err = c.AttachInternetGateway(emutest.Bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	emutest.Must(t, err)
	_, err = c.AttachInternetGateway(emutest.Bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(other)})
	emutest.WantCode(t, err, "Resource.AlreadyAssociated")
	second, err := c.CreateInternetGateway(emutest.Bg, &ec2.CreateInternetGatewayInput{})
	emutest.Must(t, err)
	_, err = c.AttachInternetGateway(emutest.Bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: second.InternetGateway.InternetGatewayId, VpcId: aws.String(vpc)})
	emutest.WantCode(t, err, "Resource.AlreadyAssociated")

	got, err := c.DescribeInternetGateways(emutest.Bg, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{emutest.Ec2F("attachment.vpc-id", vpc)}})
	emutest.Must(t, err)
	if len(got.InternetGateways) != 1 || *got.InternetGateways[0].InternetGatewayId != igw ||
		*got.InternetGateways[0].Attachments[0].VpcId != vpc || got.InternetGateways[0].Attachments[0].State != ec2types.AttachmentStatus("available") {
		t.Fatalf("DescribeInternetGateways = %+v", got.InternetGateways)
	}
	_, err = c.DescribeInternetGateways(emutest.Bg, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{"igw-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidInternetGatewayID.NotFound")

	_, err = c.DeleteInternetGateway(emutest.Bg, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)})
	emutest.WantCode(t, err, "DependencyViolation")
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.WantCode(t, err, "DependencyViolation")
	_, err = c.DetachInternetGateway(emutest.Bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(other)})
	emutest.WantCode(t, err, "Gateway.NotAttached")
	_, err = c.DetachInternetGateway(emutest.Bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	emutest.Must(t, err)
	_, err = c.DeleteInternetGateway(emutest.Bg, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)})
	emutest.Must(t, err)
	_, err = c.DeleteInternetGateway(emutest.Bg, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)})
	emutest.WantCode(t, err, "InvalidInternetGatewayID.NotFound")
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.Must(t, err)
}

func TestEmuEC2AddressRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	out, err := c.AllocateAddress(emutest.Bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc, TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeElasticIp, "Name", "nat-a")})
	emutest.Must(t, err)
	alloc := *out.AllocationId
	if !ec2IDPattern.MatchString(alloc) || alloc[:9] != "eipalloc-" || out.Domain != ec2types.DomainTypeVpc || *out.PublicIp == "" {
		t.Fatalf("AllocateAddress = %+v", out)
	}
	got, err := c.DescribeAddresses(emutest.Bg, &ec2.DescribeAddressesInput{Filters: []ec2types.Filter{emutest.Ec2F("tag:Name", "nat-*"), emutest.Ec2F("domain", "vpc")}})
	emutest.Must(t, err)
	if len(got.Addresses) != 1 || *got.Addresses[0].AllocationId != alloc || *got.Addresses[0].PublicIp != *out.PublicIp || got.Addresses[0].AssociationId != nil {
		t.Fatalf("DescribeAddresses = %+v", got.Addresses)
	}
	got, err = c.DescribeAddresses(emutest.Bg, &ec2.DescribeAddressesInput{PublicIps: []string{*out.PublicIp}})
	emutest.Must(t, err)
	if len(got.Addresses) != 1 {
		t.Fatalf("DescribeAddresses by IP = %+v", got.Addresses)
	}
	_, err = c.DescribeAddresses(emutest.Bg, &ec2.DescribeAddressesInput{AllocationIds: []string{"eipalloc-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidAllocationID.NotFound")
	for i := 0; i < 4; i++ {
		_, err = c.AllocateAddress(emutest.Bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
		emutest.Must(t, err)
	}
	_, err = c.AllocateAddress(emutest.Bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	emutest.WantCode(t, err, "AddressLimitExceeded")
	_, err = c.ReleaseAddress(emutest.Bg, &ec2.ReleaseAddressInput{AllocationId: aws.String(alloc)})
	emutest.Must(t, err)
	_, err = c.ReleaseAddress(emutest.Bg, &ec2.ReleaseAddressInput{AllocationId: aws.String(alloc)})
	emutest.WantCode(t, err, "InvalidAllocationID.NotFound")
}

// A NAT gateway goes pending -> available on the emulator clock, holds its subnet, its elastic
// IP and the VPC's internet gateway while it exists, and releases them once deleted.
func TestEmuEC2NatGatewayLifecycle(t *testing.T) {
	delay := 2 * time.Minute
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: delay})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "")
	igw := emutest.Ec2MakeAttachedIGW(t, c, vpc)
	subnet := emutest.Ec2MakeSubnet(t, c, vpc, "10.0.0.0/24", "us-east-1a")
	eip, err := c.AllocateAddress(emutest.Bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	emutest.Must(t, err)

	created, err := c.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId,
		ClientToken: aws.String("tok-1"), TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeNatgateway, "Name", "nat-a")})
	emutest.Must(t, err)
	nat := created.NatGateway
	id := *nat.NatGatewayId
	if !ec2IDPattern.MatchString(id) || id[:4] != "nat-" || nat.State != ec2types.NatGatewayStatePending || *nat.VpcId != vpc || *nat.SubnetId != subnet ||
		len(nat.NatGatewayAddresses) != 1 || *nat.NatGatewayAddresses[0].AllocationId != *eip.AllocationId ||
		*nat.NatGatewayAddresses[0].PublicIp != *eip.PublicIp || *nat.NatGatewayAddresses[0].PrivateIp != "10.0.0.4" ||
		nat.ConnectivityType != ec2types.ConnectivityTypePublic || !nat.CreateTime.Equal(emutest.T0) || emutest.Ec2TagValue(nat.Tags, "Name") != "nat-a" {
		t.Fatalf("CreateNatGateway = %+v", nat)
	}
	again, err := c.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId, ClientToken: aws.String("tok-1")})
	emutest.Must(t, err)
	if *again.NatGateway.NatGatewayId != id {
		t.Fatal("a retried CreateNatGateway with the same ClientToken made a second gateway")
	}

	// The SDK's waiter sees pending, then available once the clock has moved past the delay.
	var seen []string
	emutest.Must(t, ec2.NewNatGatewayAvailableWaiter(c, emutest.Ec2NatWaiterOptions(clock, delay, &seen)).Wait(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}}, time.Minute))
	if fmt.Sprint(seen) != "[pending available]" {
		t.Fatalf("waiter saw %v", seen)
	}

	// While it exists it holds the elastic IP, the subnet and the internet gateway.
	addr, err := c.DescribeAddresses(emutest.Bg, &ec2.DescribeAddressesInput{AllocationIds: []string{*eip.AllocationId}})
	emutest.Must(t, err)
	if a := addr.Addresses[0]; a.AssociationId == nil || *a.PrivateIpAddress != "10.0.0.4" || a.NetworkInterfaceId == nil {
		t.Fatalf("NAT gateway's address = %+v", a)
	}
	sn, err := c.DescribeSubnets(emutest.Bg, &ec2.DescribeSubnetsInput{SubnetIds: []string{subnet}})
	emutest.Must(t, err)
	if *sn.Subnets[0].AvailableIpAddressCount != 250 {
		t.Fatalf("available addresses = %d, want 250", *sn.Subnets[0].AvailableIpAddressCount)
	}
	_, err = c.ReleaseAddress(emutest.Bg, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	emutest.WantCode(t, err, "InvalidIPAddress.InUse")
	_, err = c.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	emutest.WantCode(t, err, "DependencyViolation")
	_, err = c.DetachInternetGateway(emutest.Bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	emutest.WantCode(t, err, "DependencyViolation")
	emutest.WantContains(t, emutest.ErrMessage(err), "has some mapped public address(es)")

	// A private route through it is active until the gateway goes away, then a blackhole.
	rt, err := c.CreateRouteTable(emutest.Bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
	emutest.Must(t, err)
	_, err = c.CreateRoute(emutest.Bg, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(id)})
	emutest.Must(t, err)
	natRoute := func() ec2types.RouteState {
		out, err := c.DescribeRouteTables(emutest.Bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{emutest.Ec2F("route.nat-gateway-id", id)}})
		emutest.Must(t, err)
		for _, r := range out.RouteTables[0].Routes {
			if r.NatGatewayId != nil {
				return r.State
			}
		}
		return ""
	}
	if natRoute() != ec2types.RouteStateActive {
		t.Fatal("route to the NAT gateway is not active")
	}

	// Delete: deleting, then deleted after the delay (the deleted waiter), releasing what it held.
	del, err := c.DeleteNatGateway(emutest.Bg, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
	emutest.Must(t, err)
	if *del.NatGatewayId != id {
		t.Fatalf("DeleteNatGateway = %+v", del)
	}
	got, err := c.DescribeNatGateways(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
	emutest.Must(t, err)
	if got.NatGateways[0].State != ec2types.NatGatewayStateDeleting || got.NatGateways[0].DeleteTime == nil {
		t.Fatalf("after DeleteNatGateway = %+v", got.NatGateways[0])
	}
	_, err = c.ReleaseAddress(emutest.Bg, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	emutest.WantCode(t, err, "InvalidIPAddress.InUse") // still held while deleting
	seen = nil
	emutest.Must(t, ec2.NewNatGatewayDeletedWaiter(c, emutest.Ec2NatDeletedWaiterOptions(clock, delay, &seen)).Wait(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}}, time.Minute))
	if fmt.Sprint(seen) != "[deleting deleted]" {
		t.Fatalf("deleted waiter saw %v", seen)
	}
	if natRoute() != ec2types.RouteStateBlackhole {
		t.Fatal("route to a deleted NAT gateway is not a blackhole")
	}
	addr, err = c.DescribeAddresses(emutest.Bg, &ec2.DescribeAddressesInput{AllocationIds: []string{*eip.AllocationId}})
	emutest.Must(t, err)
	if addr.Addresses[0].AssociationId != nil {
		t.Fatalf("address still associated: %+v", addr.Addresses[0])
	}
	_, err = c.DetachInternetGateway(emutest.Bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	emutest.Must(t, err)
	_, err = c.ReleaseAddress(emutest.Bg, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	emutest.Must(t, err)

	// Deleted gateways stay visible for an hour, then describing them is NatGatewayNotFound.
	listed, err := c.DescribeNatGateways(emutest.Bg, &ec2.DescribeNatGatewaysInput{Filter: []ec2types.Filter{emutest.Ec2F("state", "deleted")}})
	emutest.Must(t, err)
	if len(listed.NatGateways) != 1 {
		t.Fatalf("deleted gateways listed = %d", len(listed.NatGateways))
	}
	clock.Advance(2 * time.Hour)
	_, err = c.DescribeNatGateways(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
	emutest.WantCode(t, err, "NatGatewayNotFound")
	_, err = c.DeleteNatGateway(emutest.Bg, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
	emutest.WantCode(t, err, "NatGatewayNotFound")
	_, err = c.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	emutest.Must(t, err)
}

// NAT gateways fail asynchronously where AWS fails them (no internet gateway, elastic IP in use);
// missing subnets and allocations fail the call itself. TransitionDelay 0 settles at the next call.
func TestEmuEC2NatGatewayFailures(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "")
	subnet := emutest.Ec2MakeSubnet(t, c, vpc, "10.0.0.0/24", "us-east-1a")
	eip, err := c.AllocateAddress(emutest.Bg, &ec2.AllocateAddressInput{})
	emutest.Must(t, err)

	_, err = c.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String("subnet-00000000000000000"), AllocationId: eip.AllocationId})
	emutest.WantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = c.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: aws.String("eipalloc-00000000000000000")})
	emutest.WantCode(t, err, "InvalidAllocationID.NotFound")
	_, err = c.DescribeNatGateways(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{"nat-00000000000000000"}})
	emutest.WantCode(t, err, "NatGatewayNotFound")

	// No internet gateway: the gateway fails and the waiter reports it.
	noIGW, err := c.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	emutest.Must(t, err)
	var seen []string
	err = ec2.NewNatGatewayAvailableWaiter(c, emutest.Ec2NatWaiterOptions(nil, 0, &seen)).Wait(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{*noIGW.NatGateway.NatGatewayId}}, time.Minute)
	if err == nil || fmt.Sprint(seen) != "[failed]" {
		t.Fatalf("waiter on a failing gateway: err %v, saw %v", err, seen)
	}
	got, err := c.DescribeNatGateways(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{*noIGW.NatGateway.NatGatewayId}})
	emutest.Must(t, err)
	if g := got.NatGateways[0]; *g.FailureCode != "Gateway.NotAttached" || *g.FailureMessage != "Network "+vpc+" has no Internet gateway attached" {
		t.Fatalf("failed gateway = %+v", g)
	}

	// With an internet gateway it works; a second gateway on the same address fails.
	emutest.Ec2MakeAttachedIGW(t, c, vpc)
	first, err := c.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	emutest.Must(t, err)
	dup, err := c.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	emutest.Must(t, err)
	got, err = c.DescribeNatGateways(emutest.Bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{*first.NatGateway.NatGatewayId, *dup.NatGateway.NatGatewayId}})
	emutest.Must(t, err)
	if got.NatGateways[0].State != ec2types.NatGatewayStateAvailable || got.NatGateways[1].State != ec2types.NatGatewayStateFailed ||
		*got.NatGateways[1].FailureCode != "Resource.AlreadyAssociated" {
		t.Fatalf("gateways = %+v", got.NatGateways)
	}

	// Private NAT gateways need no address.
	private, err := c.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), ConnectivityType: ec2types.ConnectivityTypePrivate})
	emutest.Must(t, err)
	if private.NatGateway.ConnectivityType != ec2types.ConnectivityTypePrivate || private.NatGateway.NatGatewayAddresses[0].PublicIp != nil {
		t.Fatalf("private gateway = %+v", private.NatGateway)
	}
	filtered, err := c.DescribeNatGateways(emutest.Bg, &ec2.DescribeNatGatewaysInput{Filter: []ec2types.Filter{emutest.Ec2F("state", "available"), emutest.Ec2F("subnet-id", subnet)}})
	emutest.Must(t, err)
	if len(filtered.NatGateways) != 2 {
		t.Fatalf("available gateways in subnet = %d", len(filtered.NatGateways))
	}
}
