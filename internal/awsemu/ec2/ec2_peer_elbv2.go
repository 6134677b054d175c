package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// What EC2 answers Elastic Load Balancing (elbv2's elbEC2) beyond the subnets and security
// groups it answers EKS: a VPC's address range and internet gateway, a subnet's range, and where
// an instance target lives.

// VPC implements elbEC2: the IPv4 CIDR of the caller's VPC id and whether an internet gateway is
// attached to it; ok is false when the VPC does not exist.
func (ec2Peer) VPC(c *core.Req, id string) (cidr string, internetGateway, ok bool) {
	s := ec2Of(c)
	v := s.vpcs[id]
	if v == nil {
		return "", false, false
	}
	for _, g := range s.igws {
		if g.vpc == id {
			internetGateway = true
			break
		}
	}
	return v.cidr.String(), internetGateway, true
}

// SubnetCIDR implements elbEC2: the IPv4 CIDR of the caller's subnet id.
func (ec2Peer) SubnetCIDR(c *core.Req, id string) (string, bool) {
	sn := ec2Of(c).subnets[id]
	if sn == nil {
		return "", false
	}
	return sn.cidr.String(), true
}

// Instance implements elbEC2: the VPC of the caller's instance id and whether it is running; ok
// is false when there is no such instance (terminated ones are kept for an hour, as EC2 does).
func (ec2Peer) Instance(c *core.Req, id string) (vpc string, running, ok bool) {
	in, isInstance := ec2Of(c).compute[id].(*ec2Instance)
	if !isInstance {
		return "", false, false
	}
	return in.vpc, in.state == "running", true
}
