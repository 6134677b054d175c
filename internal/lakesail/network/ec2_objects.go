package network

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// defaultRoute is the destination of the routes to the internet gateway and NAT gateways.
const defaultRoute = "0.0.0.0/0"

func (b *networkBuild) ensureVPC(ctx context.Context) (string, error) {
	if vpc := b.inv.vpc; vpc != nil {
		if got := aws.ToString(vpc.CidrBlock); got != b.r.spec.CIDRBlock {
			return "", fmt.Errorf("the network's VPC %s has CIDR %s, not %s: replace the network to change its range", aws.ToString(vpc.VpcId), got, b.r.spec.CIDRBlock)
		}
		b.note(func(n *Network) { n.VPCID = aws.ToString(vpc.VpcId) })
		return aws.ToString(vpc.VpcId), nil
	}
	name := b.plan.vpcName()
	out, err := b.r.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{
		CidrBlock:         aws.String(b.r.spec.CIDRBlock),
		TagSpecifications: tagOnCreate(ec2types.ResourceTypeVpc, b.r.objectTags(name, nil)),
	})
	if err != nil {
		return "", lakesail.WrapStep(lakesail.Classify("ec2:CreateVpc", err), "creating VPC %s", name)
	}
	id := aws.ToString(out.Vpc.VpcId)
	b.inv.put(func() { b.inv.vpc, b.inv.dnsSupport, b.inv.dnsHostnames = out.Vpc, true, false })
	b.note(func(n *Network) { n.VPCID = id })
	return id, nil
}

// ensureDNS turns on DNS support and hostnames, which the private EKS endpoint needs.
func (b *networkBuild) ensureDNS(ctx context.Context, vpcID string) error {
	for _, attr := range []struct {
		on    bool
		input ec2.ModifyVpcAttributeInput
	}{
		{b.inv.dnsSupport, ec2.ModifyVpcAttributeInput{VpcId: aws.String(vpcID), EnableDnsSupport: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}},
		{b.inv.dnsHostnames, ec2.ModifyVpcAttributeInput{VpcId: aws.String(vpcID), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}},
	} {
		if attr.on {
			continue
		}
		if _, err := b.r.ec2.ModifyVpcAttribute(ctx, &attr.input); err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:ModifyVpcAttribute", err), "enabling DNS on VPC %s", vpcID)
		}
	}
	return nil
}

func (b *networkBuild) ensureSubnet(ctx context.Context, vpcID string, z zonePlan, public bool) (string, error) {
	name, cidr, roleTag := b.plan.privateSubnetName(z.zone), z.privateCIDR, tagInternalELBRole
	if public {
		name, cidr, roleTag = b.plan.publicSubnetName(z.zone), z.publicCIDR, tagELBRole
	}
	record := func(id string) {
		b.note(func(n *Network) {
			list := &n.PrivateSubnetIDs
			if public {
				list = &n.PublicSubnetIDs
			}
			setAt(list, b.zoneIndex(z.zone), len(b.plan.zones), id)
		})
	}
	b.inv.mu.Lock()
	existing, ok := b.inv.subnets[name]
	b.inv.mu.Unlock()
	if ok {
		if aws.ToString(existing.CidrBlock) != cidr || aws.ToString(existing.AvailabilityZone) != z.zone {
			return "", fmt.Errorf("subnet %s (%s) is %s in %s, not %s in %s", aws.ToString(existing.SubnetId), name,
				aws.ToString(existing.CidrBlock), aws.ToString(existing.AvailabilityZone), cidr, z.zone)
		}
		record(aws.ToString(existing.SubnetId))
		return aws.ToString(existing.SubnetId), nil
	}
	out, err := b.r.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{
		VpcId:             aws.String(vpcID),
		CidrBlock:         aws.String(cidr),
		AvailabilityZone:  aws.String(z.zone),
		TagSpecifications: tagOnCreate(ec2types.ResourceTypeSubnet, b.r.objectTags(name, map[string]string{roleTag: "1"})),
	})
	if err != nil {
		return "", lakesail.WrapStep(lakesail.Classify("ec2:CreateSubnet", err), "creating subnet %s (%s)", name, cidr)
	}
	id := aws.ToString(out.Subnet.SubnetId)
	b.inv.put(func() { b.inv.subnets[name] = *out.Subnet })
	record(id)
	return id, nil
}

// setAt stores v at index i of a list of n, growing it as needed.
func setAt(list *[]string, i, n int, v string) {
	if i < 0 {
		return
	}
	for len(*list) < n {
		*list = append(*list, "")
	}
	(*list)[i] = v
}

func (b *networkBuild) ensureInternetGateway(ctx context.Context, vpcID string) (string, error) {
	name := b.plan.igwName()
	b.inv.mu.Lock()
	igw, ok := b.inv.igws[name]
	b.inv.mu.Unlock()
	if !ok {
		out, err := b.r.ec2.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{
			TagSpecifications: tagOnCreate(ec2types.ResourceTypeInternetGateway, b.r.objectTags(name, nil)),
		})
		if err != nil {
			return "", lakesail.WrapStep(lakesail.Classify("ec2:CreateInternetGateway", err), "creating internet gateway %s", name)
		}
		igw = *out.InternetGateway
		b.inv.put(func() { b.inv.igws[name] = igw })
	}
	id := aws.ToString(igw.InternetGatewayId)
	b.note(func(n *Network) { n.InternetGatewayID = id })
	if attachedTo(igw, vpcID) {
		return id, nil
	}
	_, err := b.r.ec2.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(id), VpcId: aws.String(vpcID)})
	if err != nil {
		return "", lakesail.WrapStep(lakesail.Classify("ec2:AttachInternetGateway", err), "attaching internet gateway %s to %s", id, vpcID)
	}
	return id, nil
}

func attachedTo(igw ec2types.InternetGateway, vpcID string) bool {
	for _, a := range igw.Attachments {
		if aws.ToString(a.VpcId) == vpcID && (a.State == ec2types.AttachmentStatusAttached || a.State == "available") {
			return true
		}
	}
	return false
}

func (b *networkBuild) ensureRouteTable(ctx context.Context, vpcID, name, zone string) (string, error) {
	record := func(id string) {
		b.note(func(n *Network) {
			if zone == "" {
				n.PublicRouteTableID = id
			} else {
				setAt(&n.PrivateRouteTableIDs, b.zoneIndex(zone), len(b.plan.zones), id)
			}
		})
	}
	b.inv.mu.Lock()
	rt, ok := b.inv.routeTables[name]
	b.inv.mu.Unlock()
	if ok {
		record(aws.ToString(rt.RouteTableId))
		return aws.ToString(rt.RouteTableId), nil
	}
	out, err := b.r.ec2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{
		VpcId:             aws.String(vpcID),
		TagSpecifications: tagOnCreate(ec2types.ResourceTypeRouteTable, b.r.objectTags(name, nil)),
	})
	if err != nil {
		return "", lakesail.WrapStep(lakesail.Classify("ec2:CreateRouteTable", err), "creating route table %s", name)
	}
	b.inv.put(func() { b.inv.routeTables[name] = *out.RouteTable })
	record(aws.ToString(out.RouteTable.RouteTableId))
	return aws.ToString(out.RouteTable.RouteTableId), nil
}

// routeTable finds a route table of the inventory by id.
func (inv *ec2Inventory) routeTable(id string) (ec2types.RouteTable, bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	for _, rt := range inv.routeTables {
		if aws.ToString(rt.RouteTableId) == id {
			return rt, true
		}
	}
	return ec2types.RouteTable{}, false
}

func (b *networkBuild) ensureAssociation(ctx context.Context, routeTableID, subnetID string) error {
	if rt, ok := b.inv.routeTable(routeTableID); ok {
		for _, a := range rt.Associations {
			if aws.ToString(a.SubnetId) == subnetID {
				return nil
			}
		}
	}
	_, err := b.r.ec2.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(routeTableID), SubnetId: aws.String(subnetID)})
	return lakesail.WrapStep(lakesail.Classify("ec2:AssociateRouteTable", err), "associating subnet %s with route table %s", subnetID, routeTableID)
}

// route is a route's target: the internet gateway or a NAT gateway.
type route struct {
	gateway, natGateway string
}

func (t route) String() string { return t.gateway + t.natGateway }

// ensureRoute makes the destination go to the target, replacing a route that goes elsewhere or
// into a black hole (its NAT gateway was deleted).
func (b *networkBuild) ensureRoute(ctx context.Context, routeTableID, destination string, target route) error {
	replace := false
	if rt, ok := b.inv.routeTable(routeTableID); ok {
		for _, r := range rt.Routes {
			if aws.ToString(r.DestinationCidrBlock) != destination {
				continue
			}
			if aws.ToString(r.GatewayId) == target.gateway && aws.ToString(r.NatGatewayId) == target.natGateway && r.State != ec2types.RouteStateBlackhole {
				return nil
			}
			replace = true
		}
	}
	var gateway, nat *string
	if target.gateway != "" {
		gateway = aws.String(target.gateway)
	} else {
		nat = aws.String(target.natGateway)
	}
	if replace {
		_, err := b.r.ec2.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: aws.String(routeTableID),
			DestinationCidrBlock: aws.String(destination), GatewayId: gateway, NatGatewayId: nat})
		return lakesail.WrapStep(lakesail.Classify("ec2:ReplaceRoute", err), "pointing route %s of %s at %s", destination, routeTableID, target)
	}
	_, err := b.r.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(routeTableID),
		DestinationCidrBlock: aws.String(destination), GatewayId: gateway, NatGatewayId: nat})
	return lakesail.WrapStep(lakesail.Classify("ec2:CreateRoute", err), "routing %s of %s through %s", destination, routeTableID, target)
}

// s3ServiceName is the S3 gateway endpoint's service in the region (cn. prefix in China).
func (r *networkRun) s3ServiceName() string {
	name := "com.amazonaws." + r.region + ".s3"
	if r.partition == "aws-cn" {
		name = "cn." + name
	}
	return name
}

// ensureS3Endpoint keeps S3 traffic of the private subnets inside AWS's network.
func (b *networkBuild) ensureS3Endpoint(ctx context.Context, vpcID string, routeTableIDs []string) error {
	name := b.plan.endpointName()
	b.inv.mu.Lock()
	endpoint, ok := b.inv.endpoints[name]
	b.inv.mu.Unlock()
	if !ok {
		out, err := b.r.ec2.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{
			VpcId:             aws.String(vpcID),
			ServiceName:       aws.String(b.r.s3ServiceName()),
			VpcEndpointType:   ec2types.VpcEndpointTypeGateway,
			RouteTableIds:     routeTableIDs,
			TagSpecifications: tagOnCreate(ec2types.ResourceTypeVpcEndpoint, b.r.objectTags(name, nil)),
		})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:CreateVpcEndpoint", err), "creating S3 gateway endpoint %s", name)
		}
		b.note(func(n *Network) { n.S3EndpointID = aws.ToString(out.VpcEndpoint.VpcEndpointId) })
		return nil
	}
	id := aws.ToString(endpoint.VpcEndpointId)
	b.note(func(n *Network) { n.S3EndpointID = id })
	var missing []string
	for _, rt := range routeTableIDs {
		if !slices.Contains(endpoint.RouteTableIds, rt) {
			missing = append(missing, rt)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err := b.r.ec2.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id), AddRouteTableIds: missing})
	return lakesail.WrapStep(lakesail.Classify("ec2:ModifyVpcEndpoint", err), "adding route tables %v to S3 endpoint %s", missing, id)
}
