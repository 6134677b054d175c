package network

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// createdNetworkRecord describes the created network the inventory holds, in plan order.
func (r *networkRun) createdNetworkRecord(plan networkPlan, inv *ec2Inventory, n *Network) {
	if inv.vpc != nil {
		n.VPCID = aws.ToString(inv.vpc.VpcId)
	}
	n.AvailabilityZones, n.PublicSubnetIDs, n.PrivateSubnetIDs, n.PrivateRouteTableIDs = nil, nil, nil, nil
	for _, z := range plan.zones {
		n.AvailabilityZones = append(n.AvailabilityZones, z.zone)
		if s, ok := inv.subnets[plan.publicSubnetName(z.zone)]; ok {
			n.PublicSubnetIDs = append(n.PublicSubnetIDs, aws.ToString(s.SubnetId))
		}
		if s, ok := inv.subnets[plan.privateSubnetName(z.zone)]; ok {
			n.PrivateSubnetIDs = append(n.PrivateSubnetIDs, aws.ToString(s.SubnetId))
		}
		if rt, ok := inv.routeTables[plan.privateRouteTableName(z.zone)]; ok {
			n.PrivateRouteTableIDs = append(n.PrivateRouteTableIDs, aws.ToString(rt.RouteTableId))
		}
	}
	n.InternetGatewayID, n.PublicRouteTableID, n.SecurityGroupID, n.S3EndpointID = "", "", "", ""
	if g, ok := inv.igws[plan.igwName()]; ok {
		n.InternetGatewayID = aws.ToString(g.InternetGatewayId)
	}
	if rt, ok := inv.routeTables[plan.publicRouteTableName()]; ok {
		n.PublicRouteTableID = aws.ToString(rt.RouteTableId)
	}
	if sg, ok := inv.securityGroups[plan.securityGroupName()]; ok {
		n.SecurityGroupID = aws.ToString(sg.GroupId)
	}
	if e, ok := inv.endpoints[plan.endpointName()]; ok {
		n.S3EndpointID = aws.ToString(e.VpcEndpointId)
	}
	n.NATGatewayIDs, n.ElasticIPIDs = nil, nil
	for _, zone := range plan.natZones() {
		if nat, ok := inv.nats[plan.natName(zone)]; ok {
			n.NATGatewayIDs = append(n.NATGatewayIDs, aws.ToString(nat.NatGatewayId))
		}
		if eip, ok := inv.eips[plan.natName(zone)]; ok {
			n.ElasticIPIDs = append(n.ElasticIPIDs, aws.ToString(eip.AllocationId))
		}
	}
}

// createdNetworkDrift compares a created network's EC2 objects with the plan.
func (r *networkRun) createdNetworkDrift(ctx context.Context, plan networkPlan, inv *ec2Inventory) ([]string, error) {
	var out []string
	missing := func(what string) { out = append(out, what+" is missing") }
	if inv.vpc == nil {
		return []string{"VPC " + plan.vpcName() + " is missing"}, nil
	}
	vpcID := aws.ToString(inv.vpc.VpcId)
	if !inv.dnsSupport || !inv.dnsHostnames {
		out = append(out, "VPC "+vpcID+": DNS support or DNS hostnames is off")
	}
	out = append(out, describeTagDiff("VPC "+vpcID, ec2TagMap(inv.vpc.Tags), r.objectTags(plan.vpcName(), nil))...)

	igw, ok := inv.igws[plan.igwName()]
	switch {
	case !ok:
		missing("internet gateway " + plan.igwName())
	case !attachedTo(igw, vpcID):
		out = append(out, "internet gateway "+aws.ToString(igw.InternetGatewayId)+" is not attached to "+vpcID)
	}
	public, publicOK := inv.routeTables[plan.publicRouteTableName()]
	if !publicOK {
		missing("route table " + plan.publicRouteTableName())
	} else if ok {
		out = append(out, routeDrift(public, route{gateway: aws.ToString(igw.InternetGatewayId)})...)
	}
	var privateRTBs []string
	for _, z := range plan.zones {
		for _, sub := range []struct {
			name, cidr, role string
			rt               ec2types.RouteTable
			rtOK             bool
		}{
			{plan.publicSubnetName(z.zone), z.publicCIDR, tagELBRole, public, publicOK},
			{plan.privateSubnetName(z.zone), z.privateCIDR, tagInternalELBRole, inv.routeTables[plan.privateRouteTableName(z.zone)], hasKey(inv.routeTables, plan.privateRouteTableName(z.zone))},
		} {
			s, ok := inv.subnets[sub.name]
			if !ok {
				missing("subnet " + sub.name)
				continue
			}
			id := aws.ToString(s.SubnetId)
			out = append(out, describeTagDiff("subnet "+id, ec2TagMap(s.Tags), r.objectTags(sub.name, map[string]string{sub.role: "1"}))...)
			if sub.rtOK && !associated(sub.rt, id) {
				out = append(out, "subnet "+id+" is not associated with route table "+aws.ToString(sub.rt.RouteTableId))
			}
		}
		rt, ok := inv.routeTables[plan.privateRouteTableName(z.zone)]
		if !ok {
			missing("route table " + plan.privateRouteTableName(z.zone))
			continue
		}
		privateRTBs = append(privateRTBs, aws.ToString(rt.RouteTableId))
		if nat, ok := inv.nats[plan.natName(z.natZone)]; ok {
			out = append(out, routeDrift(rt, route{natGateway: aws.ToString(nat.NatGatewayId)})...)
		}
	}
	for _, zone := range plan.natZones() {
		if _, ok := inv.nats[plan.natName(zone)]; !ok {
			missing("NAT gateway " + plan.natName(zone))
		}
		if _, ok := inv.eips[plan.natName(zone)]; !ok {
			missing("elastic IP " + plan.natName(zone))
		}
	}
	for name, nat := range inv.nats {
		if !slices.ContainsFunc(plan.natZones(), func(z string) bool { return plan.natName(z) == name }) {
			out = append(out, "NAT gateway "+aws.ToString(nat.NatGatewayId)+" is not part of the "+string(plan.nat)+" NAT layout")
		}
	}
	if e, ok := inv.endpoints[plan.endpointName()]; !ok {
		missing("S3 gateway endpoint " + plan.endpointName())
	} else {
		for _, rt := range privateRTBs {
			if !slices.Contains(e.RouteTableIds, rt) {
				out = append(out, "S3 gateway endpoint "+aws.ToString(e.VpcEndpointId)+" does not serve route table "+rt)
			}
		}
	}
	if sg, ok := inv.securityGroups[plan.securityGroupName()]; !ok {
		missing("security group " + plan.securityGroupName())
	} else {
		groupID := aws.ToString(sg.GroupId)
		rules, err := r.securityGroupRules(ctx, groupID)
		if err != nil {
			return nil, err
		}
		out = append(out, compareSecurityGroupRules(groupID, rules).describe("security group "+groupID)...)
	}
	out = append(out, r.otherTagDrift(inv)...)
	return out, nil
}

// otherTagDrift compares the tags of gateways, addresses, route tables, groups and endpoints.
func (r *networkRun) otherTagDrift(inv *ec2Inventory) []string {
	var out []string
	check := func(kind, name, id string, tags []ec2types.Tag) {
		out = append(out, describeTagDiff(kind+" "+id, ec2TagMap(tags), r.objectTags(name, nil))...)
	}
	for name, g := range inv.igws {
		check("internet gateway", name, aws.ToString(g.InternetGatewayId), g.Tags)
	}
	for name, a := range inv.eips {
		check("elastic IP", name, aws.ToString(a.AllocationId), a.Tags)
	}
	for name, n := range inv.nats {
		check("NAT gateway", name, aws.ToString(n.NatGatewayId), n.Tags)
	}
	for name, rt := range inv.routeTables {
		check("route table", name, aws.ToString(rt.RouteTableId), rt.Tags)
	}
	for name, sg := range inv.securityGroups {
		check("security group", name, aws.ToString(sg.GroupId), sg.Tags)
	}
	for name, e := range inv.endpoints {
		check("S3 gateway endpoint", name, aws.ToString(e.VpcEndpointId), e.Tags)
	}
	slices.Sort(out)
	return out
}

func hasKey[T any](m map[string]T, k string) bool {
	_, ok := m[k]
	return ok
}

func associated(rt ec2types.RouteTable, subnetID string) bool {
	for _, a := range rt.Associations {
		if aws.ToString(a.SubnetId) == subnetID {
			return true
		}
	}
	return false
}

// routeDrift checks a route table's default route goes to the target and is not a black hole.
func routeDrift(rt ec2types.RouteTable, target route) []string {
	id := aws.ToString(rt.RouteTableId)
	for _, r := range rt.Routes {
		if aws.ToString(r.DestinationCidrBlock) != defaultRoute {
			continue
		}
		got := route{gateway: aws.ToString(r.GatewayId), natGateway: aws.ToString(r.NatGatewayId)}
		switch {
		case r.State == ec2types.RouteStateBlackhole:
			return []string{fmt.Sprintf("route table %s: the default route to %s is a black hole", id, got)}
		case got != target:
			return []string{fmt.Sprintf("route table %s: the default route goes to %s, not %s", id, got, target)}
		}
		return nil
	}
	return []string{"route table " + id + ": the default route to " + target.String() + " is missing"}
}

// retagBefore brings the tags of objects that existed before this build up to date (objects the
// build made were tagged when created).
func (b *networkBuild) retagBefore(ctx context.Context) error {
	inv, r := b.before, b.r
	type object struct {
		id, name string
		tags     []ec2types.Tag
		extra    map[string]string
	}
	var objects []object
	if inv.vpc != nil {
		objects = append(objects, object{aws.ToString(inv.vpc.VpcId), b.plan.vpcName(), inv.vpc.Tags, nil})
	}
	for name, s := range inv.subnets {
		role := tagInternalELBRole
		if strings.HasPrefix(name, b.plan.prefix+"-public-") {
			role = tagELBRole
		}
		objects = append(objects, object{aws.ToString(s.SubnetId), name, s.Tags, map[string]string{role: "1"}})
	}
	for name, g := range inv.igws {
		objects = append(objects, object{aws.ToString(g.InternetGatewayId), name, g.Tags, nil})
	}
	for name, a := range inv.eips {
		objects = append(objects, object{aws.ToString(a.AllocationId), name, a.Tags, nil})
	}
	for name, n := range inv.nats {
		objects = append(objects, object{aws.ToString(n.NatGatewayId), name, n.Tags, nil})
	}
	for name, rt := range inv.routeTables {
		objects = append(objects, object{aws.ToString(rt.RouteTableId), name, rt.Tags, nil})
	}
	for name, sg := range inv.securityGroups {
		objects = append(objects, object{aws.ToString(sg.GroupId), name, sg.Tags, nil})
	}
	for name, e := range inv.endpoints {
		objects = append(objects, object{aws.ToString(e.VpcEndpointId), name, e.Tags, nil})
	}
	return runBounded(ctx, ec2Concurrency, objects, func(ctx context.Context, o object) error {
		return r.retagEC2(ctx, o.id, ec2TagMap(o.tags), r.objectTags(o.name, o.extra))
	})
}
