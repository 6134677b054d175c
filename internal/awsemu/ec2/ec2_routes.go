package ec2

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2RouteLimit is AWS's default quota of routes per route table.
const ec2RouteLimit = 50

func ec2RouteSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateRoute", targets: ec2On("route-table", "RouteTableId"), handle: ec2CreateRoute},
		{name: "ReplaceRoute", targets: ec2On("route-table", "RouteTableId"), handle: ec2ReplaceRoute},
		{name: "DeleteRoute", targets: ec2On("route-table", "RouteTableId"), handle: ec2DeleteRoute},
	}
}

// ec2RouteDest reads the route's destination: an IPv4 CIDR or a prefix list.
func ec2RouteDest(c *core.Req) (dest, prefixList string, err *core.APIError) {
	dest, prefixList = c.Param("DestinationCidrBlock"), c.Param("DestinationPrefixListId")
	switch {
	case c.Param("DestinationIpv6CidrBlock") != "":
		return "", "", ec2Invalid("awsemu does not support IPv6 routes.")
	case dest == "" && prefixList == "":
		return "", "", core.NewError("MissingParameter", 400, "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId")
	case dest != "" && prefixList != "":
		return "", "", core.NewError("InvalidParameterCombination", 400, "Only one of destinationCidrBlock, destinationIpv6CidrBlock or destinationPrefixListId may be specified")
	case dest != "":
		p, perr := ec2ParseCIDR("destinationCidrBlock", dest)
		if perr != nil {
			return "", "", perr
		}
		dest = p.String()
	}
	return dest, prefixList, nil
}

// routeIn is the route table and the destination a CreateRoute, ReplaceRoute or DeleteRoute names.
func routeIn(c *core.Req) (s *ec2State, rt *ec2RouteTable, dest, prefixList string, err *core.APIError) {
	if err := ec2Required(c, "RouteTableId"); err != nil {
		return nil, nil, "", "", err
	}
	s = ec2Of(c)
	if rt, err = s.routeTable(c.Param("RouteTableId")); err != nil {
		return nil, nil, "", "", err
	}
	if dest, prefixList, err = ec2RouteDest(c); err != nil {
		return nil, nil, "", "", err
	}
	return s, rt, dest, prefixList, nil
}

// findRoute is the route table's route to the destination.
func (rt *ec2RouteTable) findRoute(dest, prefixList string) *ec2Route {
	for _, r := range rt.routes {
		if (dest != "" && r.dest == dest) || (prefixList != "" && r.prefixList == prefixList) {
			return r
		}
	}
	return nil
}

// routeTarget validates the one target a route names (internet gateway or NAT gateway) and
// returns it as a route without destination.
func (s *ec2State) routeTarget(c *core.Req, rt *ec2RouteTable) (*ec2Route, *core.APIError) {
	for _, p := range []string{"CarrierGatewayId", "CoreNetworkArn", "EgressOnlyInternetGatewayId", "InstanceId", "LocalGatewayId",
		"NetworkInterfaceId", "TransitGatewayId", "VpcEndpointId", "VpcPeeringConnectionId"} {
		if c.Param(p) != "" {
			return nil, ec2Invalid("awsemu supports routes to internet gateways and NAT gateways only, not %s.", core.LowerFirst(p))
		}
	}
	gw, nat := c.Param("GatewayId"), c.Param("NatGatewayId")
	switch {
	case gw != "" && nat != "":
		return nil, core.NewError("InvalidParameterCombination", 400, "Only one target may be specified for a route")
	case gw != "":
		g := s.igws[gw]
		if !strings.HasPrefix(gw, "igw-") || g == nil {
			return nil, core.NewError("InvalidGatewayID.NotFound", 400, "The gateway ID '%s' does not exist", gw)
		}
		if g.vpc != rt.vpc {
			return nil, ec2Invalid("route table %s and network gateway %s belong to different networks", rt.id, gw)
		}
		return &ec2Route{gateway: gw, origin: "CreateRoute"}, nil
	case nat != "":
		n := s.nats[nat]
		if n == nil || n.state == "deleted" || n.state == "failed" {
			return nil, core.NewError("InvalidNatGatewayID.NotFound", 400, "The natGateway ID '%s' does not exist", nat)
		}
		if n.vpc != rt.vpc {
			return nil, ec2Invalid("route table %s and NAT gateway %s belong to different networks", rt.id, nat)
		}
		return &ec2Route{nat: nat, origin: "CreateRoute"}, nil
	}
	return nil, core.NewError("MissingParameter", 400, "The request must contain exactly one of gatewayId, natGatewayId, egressOnlyInternetGatewayId, instanceId, networkInterfaceId, transitGatewayId, vpcPeeringConnectionId")
}

func ec2CreateRoute(c *core.Req) (any, error) {
	s, rt, dest, prefixList, err := routeIn(c)
	if err != nil {
		return nil, err
	}
	r, err := s.routeTarget(c, rt)
	if err != nil {
		return nil, err
	}
	if rt.findRoute(dest, prefixList) != nil {
		return nil, core.NewError("RouteAlreadyExists", 400, "The route identified by %s already exists.", dest+prefixList)
	}
	if len(rt.routes) >= ec2RouteLimit {
		return nil, core.NewError("RouteLimitExceeded", 400, "The maximum number of routes has been reached.")
	}
	r.dest, r.prefixList = dest, prefixList
	rt.routes = append(rt.routes, r)
	return ec2OK, nil
}

func ec2ReplaceRoute(c *core.Req) (any, error) {
	s, rt, dest, prefixList, err := routeIn(c)
	if err != nil {
		return nil, err
	}
	old := rt.findRoute(dest, prefixList)
	if old == nil {
		return nil, ec2Invalid("There is no route defined for '%s' in the route table. Use CreateRoute instead.", dest+prefixList)
	}
	if old.gateway == "local" || strings.HasPrefix(old.gateway, "vpce-") {
		return nil, ec2Invalid("cannot replace the route %s in route table %s: it is managed by AWS", dest+prefixList, rt.id)
	}
	r, err := s.routeTarget(c, rt)
	if err != nil {
		return nil, err
	}
	old.gateway, old.nat = r.gateway, r.nat
	return ec2OK, nil
}

func ec2DeleteRoute(c *core.Req) (any, error) {
	_, rt, dest, prefixList, err := routeIn(c)
	if err != nil {
		return nil, err
	}
	r := rt.findRoute(dest, prefixList)
	switch {
	case r == nil && dest != "":
		return nil, core.NewError("InvalidRoute.NotFound", 400, "no route with destination-cidr-block %s in route table %s", dest, rt.id)
	case r == nil:
		return nil, core.NewError("InvalidRoute.NotFound", 400, "no route with destination-prefix-list-id %s in route table %s", prefixList, rt.id)
	case r.gateway == "local":
		return nil, ec2Invalid("cannot remove local route %s in route table %s", dest, rt.id)
	case strings.HasPrefix(r.gateway, "vpce-"):
		return nil, ec2Invalid("Route table %s has a route to %s that is managed by VPC endpoint %s; modify the endpoint instead.", rt.id, prefixList, r.gateway)
	}
	rt.removeRoute(r)
	return ec2OK, nil
}

func (rt *ec2RouteTable) removeRoute(r *ec2Route) {
	kept := rt.routes[:0]
	for _, other := range rt.routes {
		if other != r {
			kept = append(kept, other)
		}
	}
	rt.routes = kept
}
