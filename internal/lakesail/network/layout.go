package network

import (
	"net"
	"net/netip"

	"github.com/apparentlymart/go-cidr/cidr"
)

// SubnetLayout is how a created network carves its CIDR: per zone, a private subnet of a quarter
// of the range (room for pod addresses) and a public subnet of a sixteenth (load balancers and
// NAT gateways), all from the first three quarters and the last quarter respectively.
type SubnetLayout struct {
	Private []string
	Public  []string
}

// Subnet sizes relative to the VPC: private subnets are /N+2, public ones /N+4.
const (
	privateSubnetBits = 2
	publicSubnetBits  = 4
	// publicQuarter is the index of the first /N+4 block in the VPC's last quarter.
	publicQuarter = 12
	// minSubnetPrefix is the smallest subnet AWS allows (/28).
	minSubnetPrefix = 28
)

// PlanSubnets carves cidrBlock for zones zones, and proves the subnets fit and do not overlap.
func PlanSubnets(cidrBlock string, zones int) (SubnetLayout, error) {
	prefix, err := parseNetworkCIDR(cidrBlock)
	if err != nil {
		return SubnetLayout{}, err
	}
	return carveSubnets(prefix, zones)
}

// carveSubnets is PlanSubnets for a range parseNetworkCIDR accepted.
func carveSubnets(prefix netip.Prefix, zones int) (SubnetLayout, error) {
	if zones < MinZones || zones > MaxZones {
		return SubnetLayout{}, specError("AvailabilityZoneCount", "must be %d or %d, not %d", MinZones, MaxZones, zones)
	}
	_, base, _ := net.ParseCIDR(prefix.String())
	bits, _ := base.Mask.Size()
	if bits+publicSubnetBits > minSubnetPrefix {
		return SubnetLayout{}, specError("CIDRBlock", "/%d leaves public subnets of /%d, smaller than AWS's smallest subnet (/%d)",
			bits, bits+publicSubnetBits, minSubnetPrefix)
	}
	var layout SubnetLayout
	var all []*net.IPNet
	for zone := range zones {
		private, err := cidr.Subnet(base, privateSubnetBits, zone)
		if err != nil {
			return SubnetLayout{}, specError("CIDRBlock", "cannot hold a private subnet for zone %d: %v", zone+1, err)
		}
		public, err := cidr.Subnet(base, publicSubnetBits, publicQuarter+zone)
		if err != nil {
			return SubnetLayout{}, specError("CIDRBlock", "cannot hold a public subnet for zone %d: %v", zone+1, err)
		}
		layout.Private = append(layout.Private, private.String())
		layout.Public = append(layout.Public, public.String())
		all = append(all, private, public)
	}
	if err := cidr.VerifyNoOverlap(all, base); err != nil {
		return SubnetLayout{}, specError("CIDRBlock", "subnets would overlap or leave the range: %v", err)
	}
	return layout, nil
}
