package awsemu

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestEmuEC2InternetGatewayRoundTrip(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := ec2Client(e, e.RootCredentials())
	vpc := ec2MakeVpc(t, c, "")
	other := ec2MakeVpc(t, c, "10.1.0.0/16")
	out, err := c.CreateInternetGateway(bg, &ec2.CreateInternetGatewayInput{TagSpecifications: ec2TagsOn(ec2types.ResourceTypeInternetGateway, "Name", "igw")})
	must(t, err)
	igw := *out.InternetGateway.InternetGatewayId
	if !ec2IDPattern.MatchString(igw) || igw[:4] != "igw-" || len(out.InternetGateway.Attachments) != 0 || ec2TagValue(out.InternetGateway.Tags, "Name") != "igw" {
		t.Fatalf("CreateInternetGateway = %+v", out.InternetGateway)
	}
	_, err = c.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	must(t, err)
	_, err = c.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(other)})
	wantCode(t, err, "Resource.AlreadyAssociated")
	second, err := c.CreateInternetGateway(bg, &ec2.CreateInternetGatewayInput{})
	must(t, err)
	_, err = c.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: second.InternetGateway.InternetGatewayId, VpcId: aws.String(vpc)})
	wantCode(t, err, "Resource.AlreadyAssociated")

	got, err := c.DescribeInternetGateways(bg, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{ec2F("attachment.vpc-id", vpc)}})
	must(t, err)
	if len(got.InternetGateways) != 1 || *got.InternetGateways[0].InternetGatewayId != igw ||
		*got.InternetGateways[0].Attachments[0].VpcId != vpc || got.InternetGateways[0].Attachments[0].State != ec2types.AttachmentStatus("available") {
		t.Fatalf("DescribeInternetGateways = %+v", got.InternetGateways)
	}
	_, err = c.DescribeInternetGateways(bg, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{"igw-00000000000000000"}})
	wantCode(t, err, "InvalidInternetGatewayID.NotFound")

	_, err = c.DeleteInternetGateway(bg, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)})
	wantCode(t, err, "DependencyViolation")
	_, err = c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	wantCode(t, err, "DependencyViolation")
	_, err = c.DetachInternetGateway(bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(other)})
	wantCode(t, err, "Gateway.NotAttached")
	_, err = c.DetachInternetGateway(bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	must(t, err)
	_, err = c.DeleteInternetGateway(bg, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)})
	must(t, err)
	_, err = c.DeleteInternetGateway(bg, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)})
	wantCode(t, err, "InvalidInternetGatewayID.NotFound")
	_, err = c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	must(t, err)
}

func TestEmuEC2AddressRoundTrip(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := ec2Client(e, e.RootCredentials())
	out, err := c.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc, TagSpecifications: ec2TagsOn(ec2types.ResourceTypeElasticIp, "Name", "nat-a")})
	must(t, err)
	alloc := *out.AllocationId
	if !ec2IDPattern.MatchString(alloc) || alloc[:9] != "eipalloc-" || out.Domain != ec2types.DomainTypeVpc || *out.PublicIp == "" {
		t.Fatalf("AllocateAddress = %+v", out)
	}
	got, err := c.DescribeAddresses(bg, &ec2.DescribeAddressesInput{Filters: []ec2types.Filter{ec2F("tag:Name", "nat-*"), ec2F("domain", "vpc")}})
	must(t, err)
	if len(got.Addresses) != 1 || *got.Addresses[0].AllocationId != alloc || *got.Addresses[0].PublicIp != *out.PublicIp || got.Addresses[0].AssociationId != nil {
		t.Fatalf("DescribeAddresses = %+v", got.Addresses)
	}
	got, err = c.DescribeAddresses(bg, &ec2.DescribeAddressesInput{PublicIps: []string{*out.PublicIp}})
	must(t, err)
	if len(got.Addresses) != 1 {
		t.Fatalf("DescribeAddresses by IP = %+v", got.Addresses)
	}
	_, err = c.DescribeAddresses(bg, &ec2.DescribeAddressesInput{AllocationIds: []string{"eipalloc-00000000000000000"}})
	wantCode(t, err, "InvalidAllocationID.NotFound")
	for i := 0; i < 4; i++ {
		_, err = c.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
		must(t, err)
	}
	_, err = c.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	wantCode(t, err, "AddressLimitExceeded")
	_, err = c.ReleaseAddress(bg, &ec2.ReleaseAddressInput{AllocationId: aws.String(alloc)})
	must(t, err)
	_, err = c.ReleaseAddress(bg, &ec2.ReleaseAddressInput{AllocationId: aws.String(alloc)})
	wantCode(t, err, "InvalidAllocationID.NotFound")
}

// A NAT gateway goes pending -> available on the emulator clock, holds its subnet, its elastic
// IP and the VPC's internet gateway while it exists, and releases them once deleted.
func TestEmuEC2NatGatewayLifecycle(t *testing.T) {
	delay := 2 * time.Minute
	e, clock := newTestEmu(t, Options{TransitionDelay: delay})
	c := ec2Client(e, e.RootCredentials())
	vpc := ec2MakeVpc(t, c, "")
	igw := ec2MakeAttachedIGW(t, c, vpc)
	subnet := ec2MakeSubnet(t, c, vpc, "10.0.0.0/24", "us-east-1a")
	eip, err := c.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	must(t, err)

	created, err := c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId,
		ClientToken: aws.String("tok-1"), TagSpecifications: ec2TagsOn(ec2types.ResourceTypeNatgateway, "Name", "nat-a")})
	must(t, err)
	nat := created.NatGateway
	id := *nat.NatGatewayId
	if !ec2IDPattern.MatchString(id) || id[:4] != "nat-" || nat.State != ec2types.NatGatewayStatePending || *nat.VpcId != vpc || *nat.SubnetId != subnet ||
		len(nat.NatGatewayAddresses) != 1 || *nat.NatGatewayAddresses[0].AllocationId != *eip.AllocationId ||
		*nat.NatGatewayAddresses[0].PublicIp != *eip.PublicIp || *nat.NatGatewayAddresses[0].PrivateIp != "10.0.0.4" ||
		nat.ConnectivityType != ec2types.ConnectivityTypePublic || !nat.CreateTime.Equal(t0) || ec2TagValue(nat.Tags, "Name") != "nat-a" {
		t.Fatalf("CreateNatGateway = %+v", nat)
	}
	again, err := c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId, ClientToken: aws.String("tok-1")})
	must(t, err)
	if *again.NatGateway.NatGatewayId != id {
		t.Fatal("a retried CreateNatGateway with the same ClientToken made a second gateway")
	}

	// The SDK's waiter sees pending, then available once the clock has moved past the delay.
	var seen []string
	must(t, ec2.NewNatGatewayAvailableWaiter(c, ec2NatWaiterOptions(clock, delay, &seen)).Wait(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}}, time.Minute))
	if fmt.Sprint(seen) != "[pending available]" {
		t.Fatalf("waiter saw %v", seen)
	}

	// While it exists it holds the elastic IP, the subnet and the internet gateway.
	addr, err := c.DescribeAddresses(bg, &ec2.DescribeAddressesInput{AllocationIds: []string{*eip.AllocationId}})
	must(t, err)
	if a := addr.Addresses[0]; a.AssociationId == nil || *a.PrivateIpAddress != "10.0.0.4" || a.NetworkInterfaceId == nil {
		t.Fatalf("NAT gateway's address = %+v", a)
	}
	sn, err := c.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{SubnetIds: []string{subnet}})
	must(t, err)
	if *sn.Subnets[0].AvailableIpAddressCount != 250 {
		t.Fatalf("available addresses = %d, want 250", *sn.Subnets[0].AvailableIpAddressCount)
	}
	_, err = c.ReleaseAddress(bg, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	wantCode(t, err, "InvalidIPAddress.InUse")
	_, err = c.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	wantCode(t, err, "DependencyViolation")
	_, err = c.DetachInternetGateway(bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	wantCode(t, err, "DependencyViolation")
	wantContains(t, errMessage(err), "has some mapped public address(es)")

	// A private route through it is active until the gateway goes away, then a blackhole.
	rt, err := c.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
	must(t, err)
	_, err = c.CreateRoute(bg, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(id)})
	must(t, err)
	natRoute := func() ec2types.RouteState {
		out, err := c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{ec2F("route.nat-gateway-id", id)}})
		must(t, err)
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
	del, err := c.DeleteNatGateway(bg, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
	must(t, err)
	if *del.NatGatewayId != id {
		t.Fatalf("DeleteNatGateway = %+v", del)
	}
	got, err := c.DescribeNatGateways(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
	must(t, err)
	if got.NatGateways[0].State != ec2types.NatGatewayStateDeleting || got.NatGateways[0].DeleteTime == nil {
		t.Fatalf("after DeleteNatGateway = %+v", got.NatGateways[0])
	}
	_, err = c.ReleaseAddress(bg, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	wantCode(t, err, "InvalidIPAddress.InUse") // still held while deleting
	seen = nil
	must(t, ec2.NewNatGatewayDeletedWaiter(c, ec2NatDeletedWaiterOptions(clock, delay, &seen)).Wait(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}}, time.Minute))
	if fmt.Sprint(seen) != "[deleting deleted]" {
		t.Fatalf("deleted waiter saw %v", seen)
	}
	if natRoute() != ec2types.RouteStateBlackhole {
		t.Fatal("route to a deleted NAT gateway is not a blackhole")
	}
	addr, err = c.DescribeAddresses(bg, &ec2.DescribeAddressesInput{AllocationIds: []string{*eip.AllocationId}})
	must(t, err)
	if addr.Addresses[0].AssociationId != nil {
		t.Fatalf("address still associated: %+v", addr.Addresses[0])
	}
	_, err = c.DetachInternetGateway(bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)})
	must(t, err)
	_, err = c.ReleaseAddress(bg, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	must(t, err)

	// Deleted gateways stay visible for an hour, then describing them is NatGatewayNotFound.
	listed, err := c.DescribeNatGateways(bg, &ec2.DescribeNatGatewaysInput{Filter: []ec2types.Filter{ec2F("state", "deleted")}})
	must(t, err)
	if len(listed.NatGateways) != 1 {
		t.Fatalf("deleted gateways listed = %d", len(listed.NatGateways))
	}
	clock.Advance(2 * time.Hour)
	_, err = c.DescribeNatGateways(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
	wantCode(t, err, "NatGatewayNotFound")
	_, err = c.DeleteNatGateway(bg, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
	wantCode(t, err, "NatGatewayNotFound")
	_, err = c.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	must(t, err)
}

// NAT gateways fail asynchronously where AWS fails them (no internet gateway, elastic IP in use);
// missing subnets and allocations fail the call itself. TransitionDelay 0 settles at the next call.
func TestEmuEC2NatGatewayFailures(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := ec2Client(e, e.RootCredentials())
	vpc := ec2MakeVpc(t, c, "")
	subnet := ec2MakeSubnet(t, c, vpc, "10.0.0.0/24", "us-east-1a")
	eip, err := c.AllocateAddress(bg, &ec2.AllocateAddressInput{})
	must(t, err)

	_, err = c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String("subnet-00000000000000000"), AllocationId: eip.AllocationId})
	wantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: aws.String("eipalloc-00000000000000000")})
	wantCode(t, err, "InvalidAllocationID.NotFound")
	_, err = c.DescribeNatGateways(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{"nat-00000000000000000"}})
	wantCode(t, err, "NatGatewayNotFound")

	// No internet gateway: the gateway fails and the waiter reports it.
	noIGW, err := c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	must(t, err)
	var seen []string
	err = ec2.NewNatGatewayAvailableWaiter(c, ec2NatWaiterOptions(nil, 0, &seen)).Wait(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{*noIGW.NatGateway.NatGatewayId}}, time.Minute)
	if err == nil || fmt.Sprint(seen) != "[failed]" {
		t.Fatalf("waiter on a failing gateway: err %v, saw %v", err, seen)
	}
	got, err := c.DescribeNatGateways(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{*noIGW.NatGateway.NatGatewayId}})
	must(t, err)
	if g := got.NatGateways[0]; *g.FailureCode != "Gateway.NotAttached" || *g.FailureMessage != "Network "+vpc+" has no Internet gateway attached" {
		t.Fatalf("failed gateway = %+v", g)
	}

	// With an internet gateway it works; a second gateway on the same address fails.
	ec2MakeAttachedIGW(t, c, vpc)
	first, err := c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	must(t, err)
	dup, err := c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	must(t, err)
	got, err = c.DescribeNatGateways(bg, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{*first.NatGateway.NatGatewayId, *dup.NatGateway.NatGatewayId}})
	must(t, err)
	if got.NatGateways[0].State != ec2types.NatGatewayStateAvailable || got.NatGateways[1].State != ec2types.NatGatewayStateFailed ||
		*got.NatGateways[1].FailureCode != "Resource.AlreadyAssociated" {
		t.Fatalf("gateways = %+v", got.NatGateways)
	}

	// Private NAT gateways need no address.
	private, err := c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), ConnectivityType: ec2types.ConnectivityTypePrivate})
	must(t, err)
	if private.NatGateway.ConnectivityType != ec2types.ConnectivityTypePrivate || private.NatGateway.NatGatewayAddresses[0].PublicIp != nil {
		t.Fatalf("private gateway = %+v", private.NatGateway)
	}
	filtered, err := c.DescribeNatGateways(bg, &ec2.DescribeNatGatewaysInput{Filter: []ec2types.Filter{ec2F("state", "available"), ec2F("subnet-id", subnet)}})
	must(t, err)
	if len(filtered.NatGateways) != 2 {
		t.Fatalf("available gateways in subnet = %d", len(filtered.NatGateways))
	}
}
