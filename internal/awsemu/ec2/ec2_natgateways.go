package ec2

import (
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2NAT is a NAT gateway. It is pending for Options.TransitionDelay after creation, then
// available (or failed, when AWS would have failed it); deleting lasts as long, then deleted.
type ec2NAT struct {
	ec2Meta
	subnet, vpc   string
	connectivity  string // public | private
	allocation    string // elastic IP allocation of a public NAT gateway
	publicIP      string
	association   string // eipassoc-...
	eni           string
	privateIP     string
	state         string
	created       time.Time
	deleteTime    time.Time
	ended         time.Time // when it became deleted or failed
	failureCode   string
	failureDetail string
}

func (*ec2NAT) kind() string { return "natgateway" }

func (*ec2NAT) authKeys(*core.Req, *ec2State) map[string][]string { return nil }

// holdsAddress: until it is deleted (or failed), a NAT gateway keeps its interface and elastic IP.
func (n *ec2NAT) holdsAddress() bool {
	return n.state == "pending" || n.state == "available" || n.state == "deleting"
}

// releaseNAT frees the elastic IP a NAT gateway held.
func (s *ec2State) releaseNAT(n *ec2NAT) {
	if e := s.eips[n.allocation]; e != nil && e.nat == n.id {
		e.nat = ""
	}
}

func ec2NATSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateNatGateway", targets: ec2NewNAT, creates: "natgateway", handle: ec2CreateNatGateway},
		{name: "DescribeNatGateways", handle: ec2DescribeNatGateways},
		{name: "DeleteNatGateway", targets: ec2On("natgateway", "NatGatewayId"), handle: ec2DeleteNatGateway},
	}
}

// ec2NewNAT: CreateNatGateway is evaluated on the new natgateway, its subnet and its elastic-ip.
func ec2NewNAT(c *core.Req) []ec2Target {
	ts := []ec2Target{ec2New(c, "natgateway", nil), ec2Existing(c, "subnet", c.Param("SubnetId"))}
	if alloc := c.Param("AllocationId"); alloc != "" {
		ts = append(ts, ec2Existing(c, "elastic-ip", alloc))
	}
	return ts
}

type ec2NATAddressXML struct {
	AllocationID       string `xml:"allocationId,omitempty"`
	NetworkInterfaceID string `xml:"networkInterfaceId"`
	PrivateIP          string `xml:"privateIp"`
	PublicIP           string `xml:"publicIp,omitempty"`
	AssociationID      string `xml:"associationId,omitempty"`
	IsPrimary          bool   `xml:"isPrimary"`
	Status             string `xml:"status"`
}

type ec2NATXML struct {
	NatGatewayID         string                   `xml:"natGatewayId"`
	SubnetID             string                   `xml:"subnetId"`
	VpcID                string                   `xml:"vpcId"`
	State                string                   `xml:"state"`
	ConnectivityType     string                   `xml:"connectivityType"`
	CreateTime           ec2Time                  `xml:"createTime"`
	DeleteTime           *ec2Time                 `xml:"deleteTime,omitempty"`
	FailureCode          string                   `xml:"failureCode,omitempty"`
	FailureMessage       string                   `xml:"failureMessage,omitempty"`
	NatGatewayAddressSet ec2Set[ec2NATAddressXML] `xml:"natGatewayAddressSet"`
	TagSet               ec2Set[ec2TagXML]        `xml:"tagSet"`
}

func (n *ec2NAT) xml() ec2NATXML {
	out := ec2NATXML{
		NatGatewayID: n.id, SubnetID: n.subnet, VpcID: n.vpc, State: n.state, ConnectivityType: n.connectivity,
		CreateTime: ec2Time(n.created), FailureCode: n.failureCode, FailureMessage: n.failureDetail,
		NatGatewayAddressSet: ec2Set[ec2NATAddressXML]{}, TagSet: ec2TagSet(n.tags),
	}
	if !n.deleteTime.IsZero() {
		t := ec2Time(n.deleteTime)
		out.DeleteTime = &t
	}
	if n.failureCode != "" {
		return out
	}
	status := map[string]string{"pending": "associating", "available": "succeeded", "deleting": "disassociating", "deleted": "succeeded"}[n.state]
	addr := ec2NATAddressXML{NetworkInterfaceID: n.eni, PrivateIP: n.privateIP, IsPrimary: true, Status: status}
	if n.allocation != "" {
		addr.AllocationID, addr.PublicIP = n.allocation, n.publicIP
		if n.holdsAddress() {
			addr.AssociationID = n.association
		}
	}
	out.NatGatewayAddressSet = append(out.NatGatewayAddressSet, addr)
	return out
}

func ec2CreateNatGateway(c *core.Req) (any, error) {
	if err := ec2Required(c, "SubnetId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	token := c.Param("ClientToken")
	if n := s.nats[s.tokens["nat:"+token]]; token != "" && n != nil {
		return ec2NATResult(token, n), nil // idempotent retry
	}
	sn, err := s.subnet(c.Param("SubnetId"))
	if err != nil {
		return nil, err
	}
	connectivity := c.Param("ConnectivityType")
	if connectivity == "" {
		connectivity = "public"
	}
	var eip *ec2EIP
	switch connectivity {
	case "public":
		if err := ec2Required(c, "AllocationId"); err != nil {
			return nil, err
		}
		if eip, err = s.eip(c.Param("AllocationId")); err != nil {
			return nil, err
		}
	case "private":
		if c.Param("AllocationId") != "" {
			return nil, ec2Invalid("Private NAT gateways cannot have an elastic IP address.")
		}
	default:
		return nil, ec2Invalid("Value (%s) for parameter connectivityType is invalid.", connectivity)
	}
	tags, err := ec2CreateTags(c, "natgateway")
	if err != nil {
		return nil, err
	}
	n := &ec2NAT{
		ec2Meta: s.newMeta("nat", tags), subnet: sn.id, vpc: sn.vpc, connectivity: connectivity, state: "pending",
		created: c.Now, eni: ec2NewID("eni"), privateIP: sn.nextIP(),
	}
	if eip != nil {
		n.allocation, n.publicIP = eip.id, eip.publicIP
		// AWS accepts the call and fails the gateway while it is pending, with these codes.
		switch {
		case eip.nat != "":
			n.failureCode, n.failureDetail = "Resource.AlreadyAssociated", "Elastic IP address ["+eip.id+"] is already associated"
		case s.attachedIGW(sn.vpc) == nil:
			n.failureCode, n.failureDetail = "Gateway.NotAttached", "Network "+sn.vpc+" has no Internet gateway attached"
		default:
			eip.nat, n.association = n.id, ec2NewID("eipassoc")
		}
	}
	s.nats[n.id] = n
	if token != "" {
		s.tokens["nat:"+token] = n.id
	}
	return ec2NATResult(token, n), nil
}

func ec2NATResult(token string, n *ec2NAT) any {
	return struct {
		ClientToken string    `xml:"clientToken,omitempty"`
		NatGateway  ec2NATXML `xml:"natGateway"`
	}{token, n.xml()}
}

func ec2DescribeNatGateways(c *core.Req) (any, error) {
	s := ec2Of(c)
	nats, err := ec2Lookup(ec2List(c, "NatGatewayId"), ec2Sorted(s.nats), func(n *ec2NAT) string { return n.id },
		func(id string) *core.APIError { return ec2NotFound("natgateway", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"nat-gateway-id", "state", "subnet-id", "vpc-id"}
	nats, err = ec2Select(c, nats, known, func(n *ec2NAT) ec2Fields {
		return func(name string) []string {
			switch name {
			case "nat-gateway-id":
				return []string{n.id}
			case "state":
				return []string{n.state}
			case "subnet-id":
				return []string{n.subnet}
			case "vpc-id":
				return []string{n.vpc}
			}
			return nil
		}
	}, func(n *ec2NAT) []core.Tag { return n.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, nats, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		NatGateways ec2Set[ec2NATXML] `xml:"natGatewaySet"`
		NextToken   string            `xml:"nextToken,omitempty"`
	}{NatGateways: ec2Set[ec2NATXML]{}, NextToken: next}
	for _, n := range page {
		out.NatGateways = append(out.NatGateways, n.xml())
	}
	return out, nil
}

func ec2DeleteNatGateway(c *core.Req) (any, error) {
	if err := ec2Required(c, "NatGatewayId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	n := s.nats[c.Param("NatGatewayId")]
	if n == nil {
		return nil, ec2NotFound("natgateway", c.Param("NatGatewayId"))
	}
	switch n.state {
	case "pending", "available":
		n.state, n.deleteTime = "deleting", c.Now
	case "failed":
		n.state, n.deleteTime, n.ended = "deleted", c.Now, c.Now
	}
	return struct {
		NatGatewayID string `xml:"natGatewayId"`
	}{n.id}, nil
}
