package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2Peer is EC2's answer to other services (the small interfaces they declare, such as EKS's
// eksEC2).
type ec2Peer struct{}

// Subnet implements eksEC2.
func (ec2Peer) Subnet(c *core.Req, id string) (string, string, bool) {
	sn := ec2Of(c).subnets[id]
	if sn == nil {
		return "", "", false
	}
	return sn.vpc, sn.az.name, true
}

// SecurityGroupVPC implements eksEC2.
func (ec2Peer) SecurityGroupVPC(c *core.Req, id string) (string, bool) {
	sg := ec2Of(c).sgs[id]
	if sg == nil {
		return "", false
	}
	return sg.vpc, true
}

// CreateManagedSecurityGroup implements eksEC2.
func (ec2Peer) CreateManagedSecurityGroup(c *core.Req, vpc, name, description string, tags []core.Tag) string {
	s := ec2Of(c)
	sg := &ec2SecurityGroup{ec2Meta: s.newMeta("sg", tags), owner: c.Account.Id, vpc: vpc, name: name, desc: description}
	sg.rules = []*ec2SGRule{
		{id: ec2NewID("sgr"), egress: true, proto: "-1", from: -1, to: -1, cidr: "0.0.0.0/0"},
		{id: ec2NewID("sgr"), proto: "-1", from: -1, to: -1, group: sg.id, groupOwner: c.Account.Id},
	}
	s.sgs[sg.id] = sg
	return sg.id
}

// DeleteManagedSecurityGroup implements eksEC2.
func (ec2Peer) DeleteManagedSecurityGroup(c *core.Req, id string) { delete(ec2Of(c).sgs, id) }
