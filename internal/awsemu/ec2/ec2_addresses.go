package ec2

import (
	"crypto/rand"
	"fmt"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2EIPLimit is AWS's default quota of Elastic IP addresses per region.
const ec2EIPLimit = 5

type ec2EIP struct {
	ec2Meta
	publicIP string
	nat      string // NAT gateway holding the address ("" when free)
}

func (*ec2EIP) kind() string { return "elastic-ip" }

func (*ec2EIP) authKeys(*core.Req, *ec2State) map[string][]string { return nil }

func ec2AddressSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "AllocateAddress", targets: func(c *core.Req) []ec2Target { return []ec2Target{ec2New(c, "elastic-ip", nil)} },
			creates: "elastic-ip", handle: ec2AllocateAddress},
		{name: "ReleaseAddress", targets: ec2ReleaseTarget, handle: ec2ReleaseAddress},
		{name: "DescribeAddresses", handle: ec2DescribeAddresses},
	}
}

// ec2ReleaseTarget is the elastic-ip being released, named by AllocationId (or PublicIp).
func ec2ReleaseTarget(c *core.Req) []ec2Target {
	id := c.Param("AllocationId")
	if id == "" {
		if e := ec2Of(c).eipByIP(c.Param("PublicIp")); e != nil {
			id = e.id
		}
	}
	return []ec2Target{ec2Existing(c, "elastic-ip", id)}
}

func (s *ec2State) eipByIP(ip string) *ec2EIP {
	for _, e := range s.eips {
		if ip != "" && e.publicIP == ip {
			return e
		}
	}
	return nil
}

func (s *ec2State) eip(id string) (*ec2EIP, *core.APIError) {
	if e := s.eips[id]; e != nil {
		return e, nil
	}
	return nil, ec2NotFound("elastic-ip", id)
}

// newPublicIP picks an unused address from a public-looking range.
func (s *ec2State) newPublicIP() string {
	for {
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		ip := fmt.Sprintf("54.%d.%d.%d", b[0], b[1], 1+int(b[2])%254)
		if s.eipByIP(ip) == nil {
			return ip
		}
	}
}

func ec2AllocateAddress(c *core.Req) (any, error) {
	if d := c.Param("Domain"); d != "" && d != "vpc" {
		return nil, ec2Invalid("Value (%s) for parameter domain is invalid. Only 'vpc' is supported.", d)
	}
	tags, err := ec2CreateTags(c, "elastic-ip")
	if err != nil {
		return nil, err
	}
	s := ec2Of(c)
	if len(s.eips) >= ec2EIPLimit {
		return nil, core.NewError("AddressLimitExceeded", 400, "The maximum number of addresses has been reached.")
	}
	e := &ec2EIP{ec2Meta: s.newMeta("eipalloc", tags), publicIP: s.newPublicIP()}
	s.eips[e.id] = e
	return struct {
		PublicIP           string `xml:"publicIp"`
		AllocationID       string `xml:"allocationId"`
		Domain             string `xml:"domain"`
		PublicIpv4Pool     string `xml:"publicIpv4Pool"`
		NetworkBorderGroup string `xml:"networkBorderGroup"`
	}{e.publicIP, e.id, "vpc", "amazon", s.region}, nil
}

func ec2ReleaseAddress(c *core.Req) (any, error) {
	s := ec2Of(c)
	var e *ec2EIP
	switch {
	case c.Param("AllocationId") != "":
		var err *core.APIError
		if e, err = s.eip(c.Param("AllocationId")); err != nil {
			return nil, err
		}
	case c.Param("PublicIp") != "":
		if e = s.eipByIP(c.Param("PublicIp")); e == nil {
			return nil, core.NewError("InvalidAddress.NotFound", 400, "Address '%s' not found.", c.Param("PublicIp"))
		}
	default:
		return nil, core.NewError("MissingParameter", 400, "Either public IP or allocation id must be specified")
	}
	if e.nat != "" {
		return nil, core.NewError("InvalidIPAddress.InUse", 400, "Address %s is in use.", e.id)
	}
	delete(s.eips, e.id)
	return ec2OK, nil
}

type ec2AddressXML struct {
	PublicIP                string            `xml:"publicIp"`
	AllocationID            string            `xml:"allocationId"`
	Domain                  string            `xml:"domain"`
	AssociationID           string            `xml:"associationId,omitempty"`
	NetworkInterfaceID      string            `xml:"networkInterfaceId,omitempty"`
	NetworkInterfaceOwnerID string            `xml:"networkInterfaceOwnerId,omitempty"`
	PrivateIPAddress        string            `xml:"privateIpAddress,omitempty"`
	PublicIpv4Pool          string            `xml:"publicIpv4Pool"`
	NetworkBorderGroup      string            `xml:"networkBorderGroup"`
	TagSet                  ec2Set[ec2TagXML] `xml:"tagSet"`
}

func (s *ec2State) addressXML(c *core.Req, e *ec2EIP) ec2AddressXML {
	out := ec2AddressXML{PublicIP: e.publicIP, AllocationID: e.id, Domain: "vpc", PublicIpv4Pool: "amazon", NetworkBorderGroup: s.region, TagSet: ec2TagSet(e.tags)}
	if n := s.nats[e.nat]; n != nil {
		out.AssociationID, out.NetworkInterfaceID, out.NetworkInterfaceOwnerID, out.PrivateIPAddress = n.association, n.eni, c.Account.Id, n.privateIP
	}
	return out
}

func ec2DescribeAddresses(c *core.Req) (any, error) {
	s := ec2Of(c)
	all := ec2Sorted(s.eips)
	eips, err := ec2Lookup(ec2List(c, "AllocationId"), all, func(e *ec2EIP) string { return e.id },
		func(id string) *core.APIError { return ec2NotFound("elastic-ip", id) })
	if err != nil {
		return nil, err
	}
	if ips := ec2List(c, "PublicIp"); len(ips) > 0 {
		eips, err = ec2Lookup(ips, eips, func(e *ec2EIP) string { return e.publicIP },
			func(ip string) *core.APIError {
				return core.NewError("InvalidAddress.NotFound", 400, "Address '%s' not found.", ip)
			})
		if err != nil {
			return nil, err
		}
	}
	known := []string{"allocation-id", "association-id", "domain", "public-ip", "network-interface-id", "network-interface-owner-id",
		"private-ip-address", "network-border-group", "public-ipv4-pool", "instance-id"}
	eips, err = ec2Select(c, eips, known, func(e *ec2EIP) ec2Fields {
		x := s.addressXML(c, e)
		return func(name string) []string {
			v := map[string]string{
				"allocation-id": x.AllocationID, "association-id": x.AssociationID, "domain": x.Domain, "public-ip": x.PublicIP,
				"network-interface-id": x.NetworkInterfaceID, "network-interface-owner-id": x.NetworkInterfaceOwnerID,
				"private-ip-address": x.PrivateIPAddress, "network-border-group": x.NetworkBorderGroup, "public-ipv4-pool": x.PublicIpv4Pool,
			}[name]
			if v == "" {
				return nil
			}
			return []string{v}
		}
	}, func(e *ec2EIP) []core.Tag { return e.tags })
	if err != nil {
		return nil, err
	}
	out := struct {
		Addresses ec2Set[ec2AddressXML] `xml:"addressesSet"`
	}{Addresses: ec2Set[ec2AddressXML]{}}
	for _, e := range eips {
		out.Addresses = append(out.Addresses, s.addressXML(c, e))
	}
	return out, nil
}
