package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2IGWLimit is AWS's default quota of internet gateways per region.
const ec2IGWLimit = 5

type ec2IGW struct {
	ec2Meta
	owner string
	vpc   string // attached VPC, "" when detached
}

func (*ec2IGW) kind() string { return "internet-gateway" }

func (*ec2IGW) authKeys(*core.Req, *ec2State) map[string][]string { return nil }

func ec2IGWSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateInternetGateway", targets: func(c *core.Req) []ec2Target { return []ec2Target{ec2New(c, "internet-gateway", nil)} },
			creates: "internet-gateway", handle: ec2CreateInternetGateway},
		{name: "DescribeInternetGateways", handle: ec2DescribeInternetGateways},
		{name: "AttachInternetGateway", targets: ec2On("internet-gateway", "InternetGatewayId", "vpc", "VpcId"), handle: ec2AttachInternetGateway},
		{name: "DetachInternetGateway", targets: ec2On("internet-gateway", "InternetGatewayId", "vpc", "VpcId"), handle: ec2DetachInternetGateway},
		{name: "DeleteInternetGateway", targets: ec2On("internet-gateway", "InternetGatewayId"), handle: ec2DeleteInternetGateway},
	}
}

type ec2IGWAttachmentXML struct {
	VpcID string `xml:"vpcId"`
	State string `xml:"state"`
}

type ec2IGWXML struct {
	InternetGatewayID string                      `xml:"internetGatewayId"`
	OwnerID           string                      `xml:"ownerId"`
	AttachmentSet     ec2Set[ec2IGWAttachmentXML] `xml:"attachmentSet"`
	TagSet            ec2Set[ec2TagXML]           `xml:"tagSet"`
}

func (g *ec2IGW) xml() ec2IGWXML {
	out := ec2IGWXML{InternetGatewayID: g.id, OwnerID: g.owner, AttachmentSet: ec2Set[ec2IGWAttachmentXML]{}, TagSet: ec2TagSet(g.tags)}
	if g.vpc != "" {
		// AWS reports an attached gateway's attachment state as "available".
		out.AttachmentSet = append(out.AttachmentSet, ec2IGWAttachmentXML{VpcID: g.vpc, State: "available"})
	}
	return out
}

func (s *ec2State) igw(id string) (*ec2IGW, *core.APIError) {
	if g := s.igws[id]; g != nil {
		return g, nil
	}
	return nil, ec2NotFound("internet-gateway", id)
}

// attachedIGW is the internet gateway attached to the VPC, if any.
func (s *ec2State) attachedIGW(vpc string) *ec2IGW {
	for _, g := range s.igws {
		if g.vpc == vpc {
			return g
		}
	}
	return nil
}

func ec2CreateInternetGateway(c *core.Req) (any, error) {
	tags, err := ec2CreateTags(c, "internet-gateway")
	if err != nil {
		return nil, err
	}
	s := ec2Of(c)
	if len(s.igws) >= ec2IGWLimit {
		return nil, core.NewError("InternetGatewayLimitExceeded", 400, "The maximum number of internet gateways has been reached.")
	}
	g := &ec2IGW{ec2Meta: s.newMeta("igw", tags), owner: c.Account.Id}
	s.igws[g.id] = g
	return struct {
		InternetGateway ec2IGWXML `xml:"internetGateway"`
	}{g.xml()}, nil
}

func ec2DescribeInternetGateways(c *core.Req) (any, error) {
	s := ec2Of(c)
	igws, err := ec2Lookup(ec2List(c, "InternetGatewayId"), ec2Sorted(s.igws), func(g *ec2IGW) string { return g.id },
		func(id string) *core.APIError { return ec2NotFound("internet-gateway", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"internet-gateway-id", "attachment.vpc-id", "attachment.state", "owner-id"}
	igws, err = ec2Select(c, igws, known, func(g *ec2IGW) ec2Fields {
		return func(name string) []string {
			switch name {
			case "internet-gateway-id":
				return []string{g.id}
			case "attachment.vpc-id":
				if g.vpc != "" {
					return []string{g.vpc}
				}
			case "attachment.state":
				if g.vpc != "" {
					return []string{"available"}
				}
			case "owner-id":
				return []string{g.owner}
			}
			return nil
		}
	}, func(g *ec2IGW) []core.Tag { return g.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, igws, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		InternetGateways ec2Set[ec2IGWXML] `xml:"internetGatewaySet"`
		NextToken        string            `xml:"nextToken,omitempty"`
	}{InternetGateways: ec2Set[ec2IGWXML]{}, NextToken: next}
	for _, g := range page {
		out.InternetGateways = append(out.InternetGateways, g.xml())
	}
	return out, nil
}

func ec2AttachInternetGateway(c *core.Req) (any, error) {
	if err := ec2Required(c, "InternetGatewayId", "VpcId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	g, err := s.igw(c.Param("InternetGatewayId"))
	if err != nil {
		return nil, err
	}
	v, err := s.vpc(c.Param("VpcId"))
	if err != nil {
		return nil, err
	}
	if g.vpc != "" {
		return nil, core.NewError("Resource.AlreadyAssociated", 400, "resource %s is already attached to network %s", g.id, g.vpc)
	}
	if other := s.attachedIGW(v.id); other != nil {
		return nil, core.NewError("Resource.AlreadyAssociated", 400, "Network %s already has an internet gateway attached", v.id)
	}
	g.vpc = v.id
	return ec2OK, nil
}

func ec2DetachInternetGateway(c *core.Req) (any, error) {
	if err := ec2Required(c, "InternetGatewayId", "VpcId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	g, err := s.igw(c.Param("InternetGatewayId"))
	if err != nil {
		return nil, err
	}
	vpc := c.Param("VpcId")
	if _, err := s.vpc(vpc); err != nil {
		return nil, err
	}
	if g.vpc != vpc {
		return nil, core.NewError("Gateway.NotAttached", 400, "resource %s is not attached to network %s", g.id, vpc)
	}
	// Public addresses mapped in the VPC (NAT gateways' elastic IPs) must go first, as in AWS.
	for _, e := range s.eips {
		if n := s.nats[e.nat]; n != nil && n.vpc == vpc {
			return nil, ec2Dependency("Network %s has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.", vpc)
		}
	}
	g.vpc = ""
	return ec2OK, nil
}

func ec2DeleteInternetGateway(c *core.Req) (any, error) {
	if err := ec2Required(c, "InternetGatewayId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	g, err := s.igw(c.Param("InternetGatewayId"))
	if err != nil {
		return nil, err
	}
	if g.vpc != "" {
		return nil, ec2Dependency("The internetGateway '%s' has dependencies and cannot be deleted.", g.id)
	}
	delete(s.igws, g.id)
	return ec2OK, nil
}
