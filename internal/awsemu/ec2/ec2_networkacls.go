package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2NetworkACL is a VPC's network ACL; only the default one AWS makes with each VPC exists here
// (allow all in and out), and every subnet is associated with it.
type ec2NetworkACL struct {
	ec2Meta
	owner, vpc string
	isDefault  bool
	assocs     map[string]string // subnet id -> aclassoc-...
}

func (*ec2NetworkACL) kind() string { return "network-acl" }

func (acl *ec2NetworkACL) authKeys(c *core.Req, _ *ec2State) map[string][]string {
	return ec2VpcKey(c, acl.vpc)
}

func ec2NetworkACLSpecs() []ec2Spec {
	return []ec2Spec{{name: "DescribeNetworkAcls", handle: ec2DescribeNetworkAcls}}
}

func (s *ec2State) newDefaultNetworkACL(v *ec2Vpc) {
	acl := &ec2NetworkACL{ec2Meta: s.newMeta("acl", nil), owner: v.owner, vpc: v.id, isDefault: true, assocs: map[string]string{}}
	s.acls[acl.id] = acl
}

// associateDefaultACL puts a new subnet under its VPC's default network ACL.
func (s *ec2State) associateDefaultACL(sn *ec2Subnet) {
	for _, acl := range s.acls {
		if acl.vpc == sn.vpc && acl.isDefault {
			acl.assocs[sn.id] = ec2NewID("aclassoc")
		}
	}
}

type ec2ACLEntryXML struct {
	RuleNumber int    `xml:"ruleNumber"`
	Protocol   string `xml:"protocol"`
	RuleAction string `xml:"ruleAction"`
	Egress     bool   `xml:"egress"`
	CidrBlock  string `xml:"cidrBlock"`
}

type ec2ACLAssocXML struct {
	NetworkACLAssociationID string `xml:"networkAclAssociationId"`
	NetworkACLID            string `xml:"networkAclId"`
	SubnetID                string `xml:"subnetId"`
}

type ec2NetworkACLXML struct {
	NetworkACLID   string                 `xml:"networkAclId"`
	VpcID          string                 `xml:"vpcId"`
	OwnerID        string                 `xml:"ownerId"`
	Default        bool                   `xml:"default"`
	EntrySet       ec2Set[ec2ACLEntryXML] `xml:"entrySet"`
	AssociationSet ec2Set[ec2ACLAssocXML] `xml:"associationSet"`
	TagSet         ec2Set[ec2TagXML]      `xml:"tagSet"`
}

func (acl *ec2NetworkACL) xml() ec2NetworkACLXML {
	out := ec2NetworkACLXML{NetworkACLID: acl.id, VpcID: acl.vpc, OwnerID: acl.owner, Default: acl.isDefault,
		EntrySet: ec2Set[ec2ACLEntryXML]{}, AssociationSet: ec2Set[ec2ACLAssocXML]{}, TagSet: ec2TagSet(acl.tags)}
	for _, egress := range []bool{true, false} {
		out.EntrySet = append(out.EntrySet,
			ec2ACLEntryXML{RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: egress, CidrBlock: "0.0.0.0/0"},
			ec2ACLEntryXML{RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: egress, CidrBlock: "0.0.0.0/0"})
	}
	for _, sn := range core.SortedKeys(acl.assocs) {
		out.AssociationSet = append(out.AssociationSet, ec2ACLAssocXML{NetworkACLAssociationID: acl.assocs[sn], NetworkACLID: acl.id, SubnetID: sn})
	}
	return out
}

func ec2DescribeNetworkAcls(c *core.Req) (any, error) {
	s := ec2Of(c)
	acls, err := ec2Lookup(ec2List(c, "NetworkAclId"), ec2Sorted(s.acls), func(a *ec2NetworkACL) string { return a.id },
		func(id string) *core.APIError { return ec2NotFound("network-acl", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"network-acl-id", "vpc-id", "default", "owner-id", "association.subnet-id", "association.network-acl-id"}
	acls, err = ec2Select(c, acls, known, func(a *ec2NetworkACL) ec2Fields {
		return func(name string) []string {
			switch name {
			case "network-acl-id", "association.network-acl-id":
				return []string{a.id}
			case "vpc-id":
				return []string{a.vpc}
			case "default":
				return []string{ec2Bool(a.isDefault)}
			case "owner-id":
				return []string{a.owner}
			case "association.subnet-id":
				return core.SortedKeys(a.assocs)
			}
			return nil
		}
	}, func(a *ec2NetworkACL) []core.Tag { return a.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, acls, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		NetworkAcls ec2Set[ec2NetworkACLXML] `xml:"networkAclSet"`
		NextToken   string                   `xml:"nextToken,omitempty"`
	}{NetworkAcls: ec2Set[ec2NetworkACLXML]{}, NextToken: next}
	for _, a := range page {
		out.NetworkAcls = append(out.NetworkAcls, a.xml())
	}
	return out, nil
}
