package ec2

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2Endpoint is a gateway VPC endpoint (S3 or DynamoDB): it adds a route to the service's
// prefix list in each of its route tables.
type ec2Endpoint struct {
	ec2Meta
	owner, vpc, service string
	policy              string
	rtbs                []string
	created             time.Time
}

func (*ec2Endpoint) kind() string { return "vpc-endpoint" }

func (e *ec2Endpoint) authKeys(*core.Req, *ec2State) map[string][]string {
	return map[string][]string{"ec2:VpceServiceName": {e.service}, "ec2:VpceServiceOwner": {"amazon"}}
}

// ec2DefaultEndpointPolicy is the full-access policy a gateway endpoint gets when none is given.
const ec2DefaultEndpointPolicy = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

func ec2EndpointSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateVpcEndpoint", targets: ec2NewEndpoint, creates: "vpc-endpoint", handle: ec2CreateVpcEndpoint},
		{name: "DescribeVpcEndpoints", handle: ec2DescribeVpcEndpoints},
		{name: "ModifyVpcEndpoint", targets: ec2ModifyEndpointTargets, handle: ec2ModifyVpcEndpoint},
		{name: "DeleteVpcEndpoints", targets: ec2DeleteEndpointTargets, handle: ec2DeleteVpcEndpoints},
	}
}

// ec2NewEndpoint: CreateVpcEndpoint is evaluated on the new endpoint, its VPC and its route tables.
func ec2NewEndpoint(c *core.Req) []ec2Target {
	keys := map[string][]string{"ec2:VpceServiceName": {c.Param("ServiceName")}, "ec2:VpceServiceOwner": {"amazon"}}
	return append([]ec2Target{ec2New(c, "vpc-endpoint", keys), ec2Existing(c, "vpc", c.Param("VpcId"))},
		ec2EachExisting("route-table", "RouteTableId")(c)...)
}

// ec2ModifyEndpointTargets: the endpoint and the route tables added or removed.
func ec2ModifyEndpointTargets(c *core.Req) []ec2Target {
	ts := []ec2Target{ec2Existing(c, "vpc-endpoint", c.Param("VpcEndpointId"))}
	for _, id := range append(ec2List(c, "AddRouteTableId"), ec2List(c, "RemoveRouteTableId")...) {
		ts = append(ts, ec2Existing(c, "route-table", id))
	}
	return ts
}

var ec2DeleteEndpointTargets = ec2EachExisting("vpc-endpoint", "VpcEndpointId")

// ec2PrefixList is the AWS-managed prefix list id of a service in this region (stable per name).
func ec2PrefixList(service string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(service))
	return fmt.Sprintf("pl-%08x", h.Sum32())
}

type ec2EndpointXML struct {
	VpcEndpointID         string            `xml:"vpcEndpointId"`
	VpcEndpointType       string            `xml:"vpcEndpointType"`
	VpcID                 string            `xml:"vpcId"`
	ServiceName           string            `xml:"serviceName"`
	State                 string            `xml:"state"`
	PolicyDocument        string            `xml:"policyDocument"`
	RouteTableIDSet       ec2Set[string]    `xml:"routeTableIdSet"`
	SubnetIDSet           ec2Set[string]    `xml:"subnetIdSet"`
	GroupSet              ec2Set[struct{}]  `xml:"groupSet"`
	IPAddressType         string            `xml:"ipAddressType"`
	PrivateDNSEnabled     bool              `xml:"privateDnsEnabled"`
	RequesterManaged      bool              `xml:"requesterManaged"`
	NetworkInterfaceIDSet ec2Set[string]    `xml:"networkInterfaceIdSet"`
	DNSEntrySet           ec2Set[struct{}]  `xml:"dnsEntrySet"`
	CreationTimestamp     ec2Time           `xml:"creationTimestamp"`
	TagSet                ec2Set[ec2TagXML] `xml:"tagSet"`
	OwnerID               string            `xml:"ownerId"`
}

func (e *ec2Endpoint) xml() ec2EndpointXML {
	return ec2EndpointXML{
		VpcEndpointID: e.id, VpcEndpointType: "Gateway", VpcID: e.vpc, ServiceName: e.service, State: "available",
		PolicyDocument: e.policy, RouteTableIDSet: append(ec2Set[string]{}, e.rtbs...), SubnetIDSet: ec2Set[string]{},
		GroupSet: ec2Set[struct{}]{}, IPAddressType: "ipv4", NetworkInterfaceIDSet: ec2Set[string]{}, DNSEntrySet: ec2Set[struct{}]{},
		CreationTimestamp: ec2Time(e.created), TagSet: ec2TagSet(e.tags), OwnerID: e.owner,
	}
}

func (s *ec2State) endpoint(id string) (*ec2Endpoint, *core.APIError) {
	if e := s.vpces[id]; e != nil {
		return e, nil
	}
	return nil, ec2NotFound("vpc-endpoint", id)
}

// routeTablesFor checks that route tables exist and belong to the endpoint's VPC.
func (s *ec2State) routeTablesFor(vpc string, ids []string) ([]*ec2RouteTable, *core.APIError) {
	var out []*ec2RouteTable
	for _, id := range ids {
		rt, err := s.routeTable(id)
		if err != nil {
			return nil, err
		}
		if rt.vpc != vpc {
			return nil, ec2Invalid("The route table %s does not belong to vpc %s", id, vpc)
		}
		out = append(out, rt)
	}
	return out, nil
}

// addEndpointRoute routes the service's prefix list in rt through the endpoint.
func (s *ec2State) addEndpointRoute(e *ec2Endpoint, rt *ec2RouteTable) *core.APIError {
	pl := ec2PrefixList(e.service)
	if rt.findRoute("", pl) != nil {
		return core.NewError("RouteAlreadyExists", 400, "route table %s already has a route with destination-prefix-list-id %s", rt.id, pl)
	}
	rt.routes = append(rt.routes, &ec2Route{prefixList: pl, gateway: e.id, origin: "CreateRoute"})
	return nil
}

func (s *ec2State) removeEndpointRoute(e *ec2Endpoint, rtID string) {
	if rt := s.rtbs[rtID]; rt != nil {
		if r := rt.findRoute("", ec2PrefixList(e.service)); r != nil && r.gateway == e.id {
			rt.removeRoute(r)
		}
	}
}

func ec2CreateVpcEndpoint(c *core.Req) (any, error) {
	if err := ec2Required(c, "VpcId", "ServiceName"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	token := c.Param("ClientToken")
	if e := s.vpces[s.tokens["vpce:"+token]]; token != "" && e != nil {
		return ec2EndpointResult(token, e), nil // idempotent retry
	}
	if t := c.Param("VpcEndpointType"); t != "" && t != "Gateway" {
		return nil, ec2Invalid("awsemu supports Gateway VPC endpoints only, not %s.", t)
	}
	v, err := s.vpc(c.Param("VpcId"))
	if err != nil {
		return nil, err
	}
	service := c.Param("ServiceName")
	if service != "com.amazonaws."+s.region+".s3" && service != "com.amazonaws."+s.region+".dynamodb" {
		return nil, core.NewError("InvalidServiceName", 400, "The Vpc Endpoint Service '%s' does not exist", service)
	}
	rts, err := s.routeTablesFor(v.id, ec2List(c, "RouteTableId"))
	if err != nil {
		return nil, err
	}
	tags, err := ec2CreateTags(c, "vpc-endpoint")
	if err != nil {
		return nil, err
	}
	policy := c.Param("PolicyDocument")
	if policy == "" {
		policy = ec2DefaultEndpointPolicy
	}
	e := &ec2Endpoint{ec2Meta: s.newMeta("vpce", tags), owner: c.Account.Id, vpc: v.id, service: service, policy: policy, created: c.Now}
	for _, rt := range rts {
		if err := s.addEndpointRoute(e, rt); err != nil {
			for _, done := range e.rtbs {
				s.removeEndpointRoute(e, done)
			}
			return nil, err
		}
		e.rtbs = append(e.rtbs, rt.id)
	}
	s.vpces[e.id] = e
	if token != "" {
		s.tokens["vpce:"+token] = e.id
	}
	return ec2EndpointResult(token, e), nil
}

func ec2EndpointResult(token string, e *ec2Endpoint) any {
	return struct {
		VpcEndpoint ec2EndpointXML `xml:"vpcEndpoint"`
		ClientToken string         `xml:"clientToken,omitempty"`
	}{e.xml(), token}
}

func ec2DescribeVpcEndpoints(c *core.Req) (any, error) {
	s := ec2Of(c)
	eps, err := ec2Lookup(ec2List(c, "VpcEndpointId"), ec2Sorted(s.vpces), func(e *ec2Endpoint) string { return e.id },
		func(id string) *core.APIError { return ec2NotFound("vpc-endpoint", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"vpc-endpoint-id", "vpc-id", "service-name", "vpc-endpoint-type", "vpc-endpoint-state", "ip-address-type"}
	eps, err = ec2Select(c, eps, known, func(e *ec2Endpoint) ec2Fields {
		return func(name string) []string {
			v := map[string]string{"vpc-endpoint-id": e.id, "vpc-id": e.vpc, "service-name": e.service, "vpc-endpoint-type": "Gateway",
				"vpc-endpoint-state": "available", "ip-address-type": "ipv4"}[name]
			return []string{v}
		}
	}, func(e *ec2Endpoint) []core.Tag { return e.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, eps, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		VpcEndpoints ec2Set[ec2EndpointXML] `xml:"vpcEndpointSet"`
		NextToken    string                 `xml:"nextToken,omitempty"`
	}{VpcEndpoints: ec2Set[ec2EndpointXML]{}, NextToken: next}
	for _, e := range page {
		out.VpcEndpoints = append(out.VpcEndpoints, e.xml())
	}
	return out, nil
}

func ec2ModifyVpcEndpoint(c *core.Req) (any, error) {
	if err := ec2Required(c, "VpcEndpointId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	e, err := s.endpoint(c.Param("VpcEndpointId"))
	if err != nil {
		return nil, err
	}
	for _, p := range []string{"AddSubnetId", "RemoveSubnetId", "AddSecurityGroupId", "RemoveSecurityGroupId"} {
		if len(ec2List(c, p)) > 0 {
			return nil, ec2Invalid("Gateway endpoints do not support %s.", core.LowerFirst(p))
		}
	}
	add, err := s.routeTablesFor(e.vpc, ec2List(c, "AddRouteTableId"))
	if err != nil {
		return nil, err
	}
	remove := ec2List(c, "RemoveRouteTableId")
	for _, id := range remove {
		if !ec2Contains(e.rtbs, id) {
			return nil, ec2Invalid("Route table %s is not associated with VPC endpoint %s", id, e.id)
		}
	}
	for _, rt := range add {
		if ec2Contains(e.rtbs, rt.id) {
			continue
		}
		if err := s.addEndpointRoute(e, rt); err != nil {
			return nil, err
		}
		e.rtbs = append(e.rtbs, rt.id)
	}
	for _, id := range remove {
		s.removeEndpointRoute(e, id)
		e.rtbs = ec2Without(e.rtbs, id)
	}
	switch {
	case c.ParamBool("ResetPolicy"):
		e.policy = ec2DefaultEndpointPolicy
	case c.Param("PolicyDocument") != "":
		e.policy = c.Param("PolicyDocument")
	}
	return ec2OK, nil
}

func ec2DeleteVpcEndpoints(c *core.Req) (any, error) {
	ids := ec2List(c, "VpcEndpointId")
	if len(ids) == 0 {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter VpcEndpointId")
	}
	s := ec2Of(c)
	type errXML struct {
		Code    string `xml:"code"`
		Message string `xml:"message"`
	}
	type unsuccessfulXML struct {
		Error      errXML `xml:"error"`
		ResourceID string `xml:"resourceId"`
	}
	out := struct {
		Unsuccessful ec2Set[unsuccessfulXML] `xml:"unsuccessful"`
	}{Unsuccessful: ec2Set[unsuccessfulXML]{}}
	for _, id := range ids {
		e := s.vpces[id]
		if e == nil {
			// DeleteVpcEndpoints reports per-endpoint failures in the result, not as an error.
			out.Unsuccessful = append(out.Unsuccessful, unsuccessfulXML{
				Error:      errXML{Code: "InvalidVpcEndpoint.NotFound", Message: "The VPC endpoint '" + id + "' does not exist"},
				ResourceID: id,
			})
			continue
		}
		for _, rt := range e.rtbs {
			s.removeEndpointRoute(e, rt)
		}
		delete(s.vpces, id)
	}
	return out, nil
}

func ec2Contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func ec2Without(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
