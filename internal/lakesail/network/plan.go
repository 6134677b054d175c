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

// networkPlan is the created network's desired objects, by Name.
type networkPlan struct {
	prefix string
	zones  []zonePlan
	nat    NATMode
}

// zonePlan is one zone's share of the network.
type zonePlan struct {
	zone                    string
	publicCIDR, privateCIDR string
	// natZone is the zone whose NAT gateway the private subnet routes through.
	natZone string
}

func (p networkPlan) vpcName() string                   { return p.prefix + "-vpc" }
func (p networkPlan) igwName() string                   { return p.prefix + "-igw" }
func (p networkPlan) publicSubnetName(z string) string  { return p.prefix + "-public-" + z }
func (p networkPlan) privateSubnetName(z string) string { return p.prefix + "-private-" + z }
func (p networkPlan) natName(z string) string           { return p.prefix + "-nat-" + z }
func (p networkPlan) publicRouteTableName() string      { return p.prefix + "-public" }
func (p networkPlan) privateRouteTableName(z string) string {
	return p.prefix + "-private-" + z
}
func (p networkPlan) securityGroupName() string { return p.prefix + "-workspaces" }
func (p networkPlan) endpointName() string      { return p.prefix + "-s3" }

// natZones are the zones that hold a NAT gateway: the first, or all of them.
func (p networkPlan) natZones() []string {
	var out []string
	for _, z := range p.zones {
		if !slices.Contains(out, z.natZone) {
			out = append(out, z.natZone)
		}
	}
	return out
}

// planNetwork lays the created network out over its zones: the spec's, those the existing
// private subnets sit in, or the region's first available ones.
func (r *networkRun) planNetwork(ctx context.Context, inv *ec2Inventory) (networkPlan, error) {
	count := r.spec.ZoneCount()
	layout, err := PlanSubnets(r.spec.CIDRBlock, count)
	if err != nil {
		return networkPlan{}, err
	}
	zones := slices.Clone(r.spec.AvailabilityZones)
	if len(zones) == 0 {
		zones, err = r.zonesFor(ctx, inv, layout, count)
		if err != nil {
			return networkPlan{}, err
		}
	}
	plan := networkPlan{prefix: r.spec.NamePrefix(), nat: r.spec.NATMode()}
	for i, z := range zones {
		zp := zonePlan{zone: z, publicCIDR: layout.Public[i], privateCIDR: layout.Private[i], natZone: zones[0]}
		if plan.nat == NATPerAZ {
			zp.natZone = z
		}
		plan.zones = append(plan.zones, zp)
	}
	return plan, nil
}

// zonesFor recovers the zones of an existing network from where its subnets are (a subnet's CIDR
// gives its place in the layout); zones still unknown are the region's first available ones.
func (r *networkRun) zonesFor(ctx context.Context, inv *ec2Inventory, layout SubnetLayout, count int) ([]string, error) {
	zones := make([]string, count)
	known := 0
	for _, s := range inv.subnets {
		i := slices.Index(layout.Private, aws.ToString(s.CidrBlock))
		if i < 0 {
			i = slices.Index(layout.Public, aws.ToString(s.CidrBlock))
		}
		if i >= 0 && zones[i] == "" {
			zones[i] = aws.ToString(s.AvailabilityZone)
			known++
		}
	}
	if known == count {
		return zones, nil
	}
	out, err := r.ec2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{Filters: []ec2types.Filter{
		{Name: aws.String("state"), Values: []string{"available"}},
		{Name: aws.String("zone-type"), Values: []string{"availability-zone"}},
	}})
	if err != nil {
		return nil, lakesail.WrapStep(lakesail.Classify("ec2:DescribeAvailabilityZones", err), "choosing availability zones")
	}
	var available []string
	for _, z := range out.AvailabilityZones {
		if name := aws.ToString(z.ZoneName); !slices.Contains(zones, name) {
			available = append(available, name)
		}
	}
	slices.Sort(available)
	for i := range zones {
		if zones[i] != "" {
			continue
		}
		if len(available) == 0 {
			return nil, fmt.Errorf("region %s has fewer than %d available zones", r.region, count)
		}
		zones[i], available = available[0], available[1:]
	}
	return zones, nil
}
