package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

type ec2RouteTable struct {
	ec2Meta
	owner  string
	vpc    string
	routes []*ec2Route
	assocs []*ec2RTAssoc
}

// ec2Route is one route: a destination (CIDR or prefix list) and its target.
type ec2Route struct {
	dest       string // IPv4 CIDR, "" for prefix-list routes
	prefixList string
	gateway    string // "local", igw-..., vpce-...
	nat        string
	origin     string // CreateRouteTable (the local route) or CreateRoute
}

// ec2RTAssoc associates a route table with a subnet, or marks it the VPC's main table.
type ec2RTAssoc struct {
	id, subnet string
	main       bool
}

func (*ec2RouteTable) kind() string { return "route-table" }

func (rt *ec2RouteTable) authKeys(c *core.Req, _ *ec2State) map[string][]string {
	return ec2VpcKey(c, rt.vpc)
}

func (rt *ec2RouteTable) isMain() bool {
	for _, a := range rt.assocs {
		if a.main {
			return true
		}
	}
	return false
}

func ec2RouteTableSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateRouteTable", targets: ec2NewRouteTable, creates: "route-table", handle: ec2CreateRouteTable},
		{name: "DescribeRouteTables", handle: ec2DescribeRouteTables},
		{name: "DeleteRouteTable", targets: ec2On("route-table", "RouteTableId"), handle: ec2DeleteRouteTable},
		{name: "AssociateRouteTable", targets: ec2On("route-table", "RouteTableId", "subnet", "SubnetId"), handle: ec2AssociateRouteTable},
		{name: "DisassociateRouteTable", targets: ec2DisassociateTargets, handle: ec2DisassociateRouteTable},
	}
}

// ec2NewRouteTable: CreateRouteTable is evaluated on the new route table and on its VPC.
func ec2NewRouteTable(c *core.Req) []ec2Target {
	return []ec2Target{ec2New(c, "route-table", ec2VpcKey(c, c.Param("VpcId"))), ec2Existing(c, "vpc", c.Param("VpcId"))}
}

// ec2DisassociateTargets: the route table the association belongs to, and its subnet.
func ec2DisassociateTargets(c *core.Req) []ec2Target {
	s := ec2Of(c)
	rt, a := s.association(c.Param("AssociationId"))
	if rt == nil {
		return []ec2Target{{arn: ec2ARN(c, "route-table", "*"), ctx: ec2RegionContext(c)}}
	}
	ts := []ec2Target{ec2Existing(c, "route-table", rt.id)}
	if a.subnet != "" {
		ts = append(ts, ec2Existing(c, "subnet", a.subnet))
	}
	return ts
}

// newRouteTable makes a route table in v with the local route; main marks the VPC's main table.
func (s *ec2State) newRouteTable(v *ec2Vpc, main bool, tags []core.Tag) *ec2RouteTable {
	rt := &ec2RouteTable{ec2Meta: s.newMeta("rtb", tags), owner: v.owner, vpc: v.id,
		routes: []*ec2Route{{dest: v.cidr.String(), gateway: "local", origin: "CreateRouteTable"}}}
	if main {
		rt.assocs = append(rt.assocs, &ec2RTAssoc{id: ec2NewID("rtbassoc"), main: true})
	}
	s.rtbs[rt.id] = rt
	return rt
}

func (s *ec2State) routeTable(id string) (*ec2RouteTable, *core.APIError) {
	if rt := s.rtbs[id]; rt != nil {
		return rt, nil
	}
	return nil, ec2NotFound("route-table", id)
}

func (s *ec2State) association(id string) (*ec2RouteTable, *ec2RTAssoc) {
	for _, rt := range s.rtbs {
		for _, a := range rt.assocs {
			if a.id == id {
				return rt, a
			}
		}
	}
	return nil, nil
}

// routeState is "blackhole" when the route's target is gone (deleted NAT gateway, detached
// internet gateway), as EC2 reports it, else "active".
func (s *ec2State) routeState(rt *ec2RouteTable, r *ec2Route) string {
	switch {
	case r.nat != "":
		if n := s.nats[r.nat]; n == nil || n.state == "deleting" || n.state == "deleted" || n.state == "failed" {
			return "blackhole"
		}
	case len(r.gateway) > 4 && r.gateway[:4] == "igw-":
		if g := s.igws[r.gateway]; g == nil || g.vpc != rt.vpc {
			return "blackhole"
		}
	}
	return "active"
}

type ec2RouteXML struct {
	DestinationCidrBlock    string `xml:"destinationCidrBlock,omitempty"`
	DestinationPrefixListID string `xml:"destinationPrefixListId,omitempty"`
	GatewayID               string `xml:"gatewayId,omitempty"`
	NatGatewayID            string `xml:"natGatewayId,omitempty"`
	State                   string `xml:"state"`
	Origin                  string `xml:"origin"`
}

type ec2RTAssocXML struct {
	RouteTableAssociationID string      `xml:"routeTableAssociationId"`
	RouteTableID            string      `xml:"routeTableId"`
	SubnetID                string      `xml:"subnetId,omitempty"`
	Main                    bool        `xml:"main"`
	AssociationState        ec2StateXML `xml:"associationState"`
}

type ec2RouteTableXML struct {
	RouteTableID      string                `xml:"routeTableId"`
	VpcID             string                `xml:"vpcId"`
	OwnerID           string                `xml:"ownerId"`
	RouteSet          ec2Set[ec2RouteXML]   `xml:"routeSet"`
	AssociationSet    ec2Set[ec2RTAssocXML] `xml:"associationSet"`
	PropagatingVgwSet ec2Set[struct{}]      `xml:"propagatingVgwSet"`
	TagSet            ec2Set[ec2TagXML]     `xml:"tagSet"`
}

func (s *ec2State) routeTableXML(rt *ec2RouteTable) ec2RouteTableXML {
	out := ec2RouteTableXML{RouteTableID: rt.id, VpcID: rt.vpc, OwnerID: rt.owner, RouteSet: ec2Set[ec2RouteXML]{},
		AssociationSet: ec2Set[ec2RTAssocXML]{}, PropagatingVgwSet: ec2Set[struct{}]{}, TagSet: ec2TagSet(rt.tags)}
	for _, r := range rt.routes {
		out.RouteSet = append(out.RouteSet, ec2RouteXML{DestinationCidrBlock: r.dest, DestinationPrefixListID: r.prefixList,
			GatewayID: r.gateway, NatGatewayID: r.nat, State: s.routeState(rt, r), Origin: r.origin})
	}
	for _, a := range rt.assocs {
		out.AssociationSet = append(out.AssociationSet, ec2RTAssocXML{RouteTableAssociationID: a.id, RouteTableID: rt.id,
			SubnetID: a.subnet, Main: a.main, AssociationState: ec2StateXML{"associated"}})
	}
	return out
}

func ec2CreateRouteTable(c *core.Req) (any, error) {
	if err := ec2Required(c, "VpcId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	token := c.Param("ClientToken")
	if rt := s.rtbs[s.tokens["rtb:"+token]]; token != "" && rt != nil {
		return ec2RouteTableResult(s, token, rt), nil // idempotent retry
	}
	v, err := s.vpc(c.Param("VpcId"))
	if err != nil {
		return nil, err
	}
	tags, err := ec2CreateTags(c, "route-table")
	if err != nil {
		return nil, err
	}
	rt := s.newRouteTable(v, false, tags)
	if token != "" {
		s.tokens["rtb:"+token] = rt.id
	}
	return ec2RouteTableResult(s, token, rt), nil
}

func ec2RouteTableResult(s *ec2State, token string, rt *ec2RouteTable) any {
	return struct {
		RouteTable  ec2RouteTableXML `xml:"routeTable"`
		ClientToken string           `xml:"clientToken,omitempty"`
	}{s.routeTableXML(rt), token}
}

func ec2DescribeRouteTables(c *core.Req) (any, error) {
	s := ec2Of(c)
	rts, err := ec2Lookup(ec2List(c, "RouteTableId"), ec2Sorted(s.rtbs), func(rt *ec2RouteTable) string { return rt.id },
		func(id string) *core.APIError { return ec2NotFound("route-table", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"route-table-id", "vpc-id", "owner-id", "association.subnet-id", "association.route-table-association-id",
		"association.route-table-id", "association.main", "route.destination-cidr-block", "route.destination-prefix-list-id",
		"route.gateway-id", "route.nat-gateway-id", "route.state", "route.origin"}
	rts, err = ec2Select(c, rts, known, func(rt *ec2RouteTable) ec2Fields {
		return func(name string) []string {
			var out []string
			switch name {
			case "route-table-id", "association.route-table-id":
				out = []string{rt.id}
			case "vpc-id":
				out = []string{rt.vpc}
			case "owner-id":
				out = []string{rt.owner}
			case "association.main":
				out = []string{ec2Bool(rt.isMain())}
			}
			for _, a := range rt.assocs {
				switch name {
				case "association.subnet-id":
					if a.subnet != "" {
						out = append(out, a.subnet)
					}
				case "association.route-table-association-id":
					out = append(out, a.id)
				}
			}
			for _, r := range rt.routes {
				v := map[string]string{"route.destination-cidr-block": r.dest, "route.destination-prefix-list-id": r.prefixList,
					"route.gateway-id": r.gateway, "route.nat-gateway-id": r.nat, "route.state": s.routeState(rt, r), "route.origin": r.origin}[name]
				if v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}, func(rt *ec2RouteTable) []core.Tag { return rt.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, rts, 100)
	if err != nil {
		return nil, err
	}
	out := struct {
		RouteTables ec2Set[ec2RouteTableXML] `xml:"routeTableSet"`
		NextToken   string                   `xml:"nextToken,omitempty"`
	}{RouteTables: ec2Set[ec2RouteTableXML]{}, NextToken: next}
	for _, rt := range page {
		out.RouteTables = append(out.RouteTables, s.routeTableXML(rt))
	}
	return out, nil
}

func ec2DeleteRouteTable(c *core.Req) (any, error) {
	if err := ec2Required(c, "RouteTableId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	rt, err := s.routeTable(c.Param("RouteTableId"))
	if err != nil {
		return nil, err
	}
	if len(rt.assocs) > 0 {
		return nil, ec2Dependency("The routeTable '%s' has dependencies and cannot be deleted.", rt.id)
	}
	delete(s.rtbs, rt.id)
	return ec2OK, nil
}

func ec2AssociateRouteTable(c *core.Req) (any, error) {
	if err := ec2Required(c, "RouteTableId", "SubnetId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	rt, err := s.routeTable(c.Param("RouteTableId"))
	if err != nil {
		return nil, err
	}
	sn, err := s.subnet(c.Param("SubnetId"))
	if err != nil {
		return nil, err
	}
	if sn.vpc != rt.vpc {
		return nil, ec2Invalid("Route table %s and subnet %s belong to different networks", rt.id, sn.id)
	}
	for _, other := range s.rtbs {
		for _, a := range other.assocs {
			if a.subnet == sn.id {
				return nil, core.NewError("Resource.AlreadyAssociated", 400, "the specified association for route table %s conflicts with an existing association", rt.id)
			}
		}
	}
	a := &ec2RTAssoc{id: ec2NewID("rtbassoc"), subnet: sn.id}
	rt.assocs = append(rt.assocs, a)
	return struct {
		AssociationID    string      `xml:"associationId"`
		AssociationState ec2StateXML `xml:"associationState"`
	}{a.id, ec2StateXML{"associated"}}, nil
}

func ec2DisassociateRouteTable(c *core.Req) (any, error) {
	if err := ec2Required(c, "AssociationId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	id := c.Param("AssociationId")
	rt, a := s.association(id)
	if rt == nil {
		return nil, ec2NotFound("route-table-association", id)
	}
	if a.main {
		return nil, ec2Invalid("cannot disassociate the main route table association %s", id)
	}
	kept := rt.assocs[:0]
	for _, other := range rt.assocs {
		if other != a {
			kept = append(kept, other)
		}
	}
	rt.assocs = kept
	return ec2OK, nil
}
