package network

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// ec2Concurrency bounds parallel EC2 calls: EC2 throttles bursts per account and region.
const ec2Concurrency = 6

// ec2Inventory is every EC2 object tagged with the network, found by describe calls filtered by
// the network's tags (never an unbounded listing), indexed by Name.
type ec2Inventory struct {
	vpc                      *ec2types.Vpc
	dnsSupport, dnsHostnames bool
	subnets                  map[string]ec2types.Subnet
	igws                     map[string]ec2types.InternetGateway
	eips                     map[string]ec2types.Address
	nats                     map[string]ec2types.NatGateway // live ones (pending or available) by Name
	failedNATs               []ec2types.NatGateway          // failed: to be cleaned up
	deletingNATs             []ec2types.NatGateway          // still holding their elastic IPs
	routeTables              map[string]ec2types.RouteTable
	securityGroups           map[string]ec2types.SecurityGroup
	endpoints                map[string]ec2types.VpcEndpoint
	// dups are further objects with a name already taken: left by a create interrupted after
	// AWS had accepted a call. Builds use the first of each name; destroy removes them all.
	dups ec2Duplicates

	mu sync.Mutex // guards the maps while observe fills them concurrently
}

type ec2Duplicates struct {
	vpcs           []ec2types.Vpc
	subnets        []ec2types.Subnet
	igws           []ec2types.InternetGateway
	eips           []ec2types.Address
	nats           []ec2types.NatGateway
	routeTables    []ec2types.RouteTable
	securityGroups []ec2types.SecurityGroup
	endpoints      []ec2types.VpcEndpoint
}

// keep indexes v under name, or sets it aside as a duplicate.
func keep[T any](m map[string]T, dups *[]T, name string, v T) {
	if _, taken := m[name]; taken {
		*dups = append(*dups, v)
		return
	}
	m[name] = v
}

// every lists the indexed objects and their duplicates.
func every[T any](m map[string]T, dups []T) []T {
	out := make([]T, 0, len(m)+len(dups))
	for _, name := range slicesSortedKeys(m) {
		out = append(out, m[name])
	}
	return append(out, dups...)
}

func nameOf(tags []ec2types.Tag) string { return ec2TagMap(tags)["Name"] }

// observeEC2 describes everything tagged with the network, concurrently.
func (r *networkRun) observeEC2(ctx context.Context) (*ec2Inventory, error) {
	inv := &ec2Inventory{
		subnets: map[string]ec2types.Subnet{}, igws: map[string]ec2types.InternetGateway{}, eips: map[string]ec2types.Address{},
		nats: map[string]ec2types.NatGateway{}, routeTables: map[string]ec2types.RouteTable{},
		securityGroups: map[string]ec2types.SecurityGroup{}, endpoints: map[string]ec2types.VpcEndpoint{},
	}
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(ec2Concurrency)
	group.Go(func() error { return r.observeVPC(gctx, inv) })
	group.Go(func() error {
		pages := ec2.NewDescribeSubnetsPaginator(r.ec2, &ec2.DescribeSubnetsInput{Filters: r.networkFilters()})
		for pages.HasMorePages() {
			page, err := pages.NextPage(gctx)
			if err != nil {
				return lakesail.Classify("ec2:DescribeSubnets", err)
			}
			inv.put(func() {
				for _, s := range page.Subnets {
					keep(inv.subnets, &inv.dups.subnets, nameOf(s.Tags), s)
				}
			})
		}
		return nil
	})
	group.Go(func() error {
		pages := ec2.NewDescribeInternetGatewaysPaginator(r.ec2, &ec2.DescribeInternetGatewaysInput{Filters: r.networkFilters()})
		for pages.HasMorePages() {
			page, err := pages.NextPage(gctx)
			if err != nil {
				return lakesail.Classify("ec2:DescribeInternetGateways", err)
			}
			inv.put(func() {
				for _, g := range page.InternetGateways {
					keep(inv.igws, &inv.dups.igws, nameOf(g.Tags), g)
				}
			})
		}
		return nil
	})
	group.Go(func() error {
		out, err := r.ec2.DescribeAddresses(gctx, &ec2.DescribeAddressesInput{Filters: r.networkFilters()})
		if err != nil {
			return lakesail.Classify("ec2:DescribeAddresses", err)
		}
		inv.put(func() {
			for _, a := range out.Addresses {
				keep(inv.eips, &inv.dups.eips, nameOf(a.Tags), a)
			}
		})
		return nil
	})
	group.Go(func() error {
		pages := ec2.NewDescribeNatGatewaysPaginator(r.ec2, &ec2.DescribeNatGatewaysInput{Filter: r.networkFilters()})
		for pages.HasMorePages() {
			page, err := pages.NextPage(gctx)
			if err != nil {
				return lakesail.Classify("ec2:DescribeNatGateways", err)
			}
			inv.put(func() { inv.addNATs(page.NatGateways) })
		}
		return nil
	})
	group.Go(func() error {
		pages := ec2.NewDescribeRouteTablesPaginator(r.ec2, &ec2.DescribeRouteTablesInput{Filters: r.networkFilters()})
		for pages.HasMorePages() {
			page, err := pages.NextPage(gctx)
			if err != nil {
				return lakesail.Classify("ec2:DescribeRouteTables", err)
			}
			inv.put(func() {
				for _, rt := range page.RouteTables {
					keep(inv.routeTables, &inv.dups.routeTables, nameOf(rt.Tags), rt)
				}
			})
		}
		return nil
	})
	group.Go(func() error {
		pages := ec2.NewDescribeSecurityGroupsPaginator(r.ec2, &ec2.DescribeSecurityGroupsInput{Filters: r.networkFilters()})
		for pages.HasMorePages() {
			page, err := pages.NextPage(gctx)
			if err != nil {
				return lakesail.Classify("ec2:DescribeSecurityGroups", err)
			}
			inv.put(func() {
				for _, sg := range page.SecurityGroups {
					keep(inv.securityGroups, &inv.dups.securityGroups, nameOf(sg.Tags), sg)
				}
			})
		}
		return nil
	})
	group.Go(func() error {
		pages := ec2.NewDescribeVpcEndpointsPaginator(r.ec2, &ec2.DescribeVpcEndpointsInput{Filters: r.networkFilters()})
		for pages.HasMorePages() {
			page, err := pages.NextPage(gctx)
			if err != nil {
				return lakesail.Classify("ec2:DescribeVpcEndpoints", err)
			}
			inv.put(func() {
				for _, e := range page.VpcEndpoints {
					if e.State != ec2types.StateDeleted && e.State != ec2types.StateDeleting {
						keep(inv.endpoints, &inv.dups.endpoints, nameOf(e.Tags), e)
					}
				}
			})
		}
		return nil
	})
	if err := group.Wait(); err != nil {
		return nil, err
	}
	return inv, nil
}

func (inv *ec2Inventory) put(f func()) {
	inv.mu.Lock()
	f()
	inv.mu.Unlock()
}

// addNATs keeps live NAT gateways by name and collects failed ones; deleted ones are history.
func (inv *ec2Inventory) addNATs(nats []ec2types.NatGateway) {
	for _, n := range nats {
		switch n.State {
		case ec2types.NatGatewayStatePending, ec2types.NatGatewayStateAvailable:
			keep(inv.nats, &inv.dups.nats, nameOf(n.Tags), n)
		case ec2types.NatGatewayStateFailed:
			inv.failedNATs = append(inv.failedNATs, n)
		case ec2types.NatGatewayStateDeleting:
			inv.deletingNATs = append(inv.deletingNATs, n)
		}
	}
}

// observeVPC finds the network's VPC and its DNS attributes.
func (r *networkRun) observeVPC(ctx context.Context, inv *ec2Inventory) error {
	out, err := r.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: r.networkFilters()})
	if err != nil {
		return lakesail.Classify("ec2:DescribeVpcs", err)
	}
	if len(out.Vpcs) == 0 {
		return nil
	}
	vpcs := out.Vpcs
	sort.Slice(vpcs, func(i, j int) bool { return aws.ToString(vpcs[i].VpcId) < aws.ToString(vpcs[j].VpcId) })
	vpc := vpcs[0]
	inv.put(func() { inv.dups.vpcs = append(inv.dups.vpcs, vpcs[1:]...) })
	support, hostnames, err := r.vpcDNS(ctx, aws.ToString(vpc.VpcId))
	if err != nil {
		return err
	}
	inv.put(func() { inv.vpc, inv.dnsSupport, inv.dnsHostnames = &vpc, support, hostnames })
	return nil
}

func (r *networkRun) vpcDNS(ctx context.Context, vpcID string) (support, hostnames bool, err error) {
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() error {
		out, err := r.ec2.DescribeVpcAttribute(gctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(vpcID), Attribute: ec2types.VpcAttributeNameEnableDnsSupport})
		if err != nil {
			return lakesail.Classify("ec2:DescribeVpcAttribute", err)
		}
		support = out.EnableDnsSupport != nil && aws.ToBool(out.EnableDnsSupport.Value)
		return nil
	})
	group.Go(func() error {
		out, err := r.ec2.DescribeVpcAttribute(gctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(vpcID), Attribute: ec2types.VpcAttributeNameEnableDnsHostnames})
		if err != nil {
			return lakesail.Classify("ec2:DescribeVpcAttribute", err)
		}
		hostnames = out.EnableDnsHostnames != nil && aws.ToBool(out.EnableDnsHostnames.Value)
		return nil
	})
	return support, hostnames, group.Wait()
}

// snapshot copies the inventory, so builds can add to one and still know what was there before.
func (inv *ec2Inventory) snapshot() *ec2Inventory {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return &ec2Inventory{
		vpc: inv.vpc, dnsSupport: inv.dnsSupport, dnsHostnames: inv.dnsHostnames,
		subnets: maps.Clone(inv.subnets), igws: maps.Clone(inv.igws), eips: maps.Clone(inv.eips), nats: maps.Clone(inv.nats),
		failedNATs: slices.Clone(inv.failedNATs), deletingNATs: slices.Clone(inv.deletingNATs), routeTables: maps.Clone(inv.routeTables),
		securityGroups: maps.Clone(inv.securityGroups), endpoints: maps.Clone(inv.endpoints), dups: inv.dups,
	}
}

func slicesSortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
