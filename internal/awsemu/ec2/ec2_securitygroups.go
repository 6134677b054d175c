package ec2

import (
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

type ec2SecurityGroup struct {
	ec2Meta
	owner, vpc, name, desc string
	rules                  []*ec2SGRule // ingress and egress, in the order they were added
}

func (*ec2SecurityGroup) kind() string { return "security-group" }

func (sg *ec2SecurityGroup) authKeys(c *core.Req, _ *ec2State) map[string][]string {
	return ec2VpcKey(c, sg.vpc)
}

func ec2SecurityGroupSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateSecurityGroup", targets: ec2NewSecurityGroup, creates: "security-group", handle: ec2CreateSecurityGroup},
		{name: "DescribeSecurityGroups", handle: ec2DescribeSecurityGroups},
		{name: "DeleteSecurityGroup", targets: ec2GroupTarget, handle: ec2DeleteSecurityGroup},
	}
}

// ec2NewSecurityGroup: CreateSecurityGroup is evaluated on the new group and on its VPC.
func ec2NewSecurityGroup(c *core.Req) []ec2Target {
	ts := []ec2Target{ec2New(c, "security-group", ec2VpcKey(c, c.Param("VpcId")))}
	if vpc := c.Param("VpcId"); vpc != "" {
		ts = append(ts, ec2Existing(c, "vpc", vpc))
	}
	return ts
}

// ec2GroupTarget is the security group named by GroupId (or GroupName).
func ec2GroupTarget(c *core.Req) []ec2Target {
	id := c.Param("GroupId")
	if id == "" {
		if sg := ec2Of(c).groupByName(c.Param("GroupName")); sg != nil {
			id = sg.id
		}
	}
	return []ec2Target{ec2Existing(c, "security-group", id)}
}

func (s *ec2State) groupByName(name string) *ec2SecurityGroup {
	for _, sg := range ec2Sorted(s.sgs) {
		if name != "" && sg.name == name {
			return sg
		}
	}
	return nil
}

// group finds the security group a call names by GroupId or, failing that, GroupName.
func (s *ec2State) group(c *core.Req) (*ec2SecurityGroup, *core.APIError) {
	if id := c.Param("GroupId"); id != "" {
		if sg := s.sgs[id]; sg != nil {
			return sg, nil
		}
		return nil, ec2NotFound("security-group", id)
	}
	if name := c.Param("GroupName"); name != "" {
		if sg := s.groupByName(name); sg != nil {
			return sg, nil
		}
		return nil, core.NewError("InvalidGroup.NotFound", 400, "The security group '%s' does not exist in default VPC 'none'", name)
	}
	return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter groupId")
}

// newDefaultSecurityGroup is the group AWS makes with every VPC: all traffic from its own
// members in, all traffic out.
func (s *ec2State) newDefaultSecurityGroup(c *core.Req, v *ec2Vpc) {
	sg := &ec2SecurityGroup{ec2Meta: s.newMeta("sg", nil), owner: v.owner, vpc: v.id, name: "default", desc: "default VPC security group"}
	sg.rules = []*ec2SGRule{
		{id: ec2NewID("sgr"), proto: "-1", from: -1, to: -1, group: sg.id, groupOwner: c.Account.Id},
		{id: ec2NewID("sgr"), egress: true, proto: "-1", from: -1, to: -1, cidr: "0.0.0.0/0"},
	}
	s.sgs[sg.id] = sg
}

func ec2CreateSecurityGroup(c *core.Req) (any, error) {
	if err := ec2Required(c, "GroupName", "GroupDescription"); err != nil {
		return nil, err
	}
	name, desc := c.Param("GroupName"), c.Param("GroupDescription")
	switch {
	case len(name) > 255 || len(desc) > 255:
		return nil, ec2Invalid("Group names and descriptions may be at most 255 characters long.")
	case strings.HasPrefix(name, "sg-"):
		return nil, ec2Invalid("Group names may not be in the format sg-*.")
	case name == "default":
		return nil, ec2Invalid("Cannot use reserved security group name: default")
	}
	s := ec2Of(c)
	if c.Param("VpcId") == "" {
		return nil, core.NewError("VPCIdNotSpecified", 400, "No default VPC for this user")
	}
	v, err := s.vpc(c.Param("VpcId"))
	if err != nil {
		return nil, err
	}
	for _, sg := range s.sgs {
		if sg.vpc == v.id && sg.name == name {
			return nil, core.NewError("InvalidGroup.Duplicate", 400, "The security group '%s' already exists for VPC '%s'", name, v.id)
		}
	}
	tags, err := ec2CreateTags(c, "security-group")
	if err != nil {
		return nil, err
	}
	sg := &ec2SecurityGroup{ec2Meta: s.newMeta("sg", tags), owner: c.Account.Id, vpc: v.id, name: name, desc: desc}
	// A new group allows all outbound traffic until told otherwise.
	sg.rules = []*ec2SGRule{{id: ec2NewID("sgr"), egress: true, proto: "-1", from: -1, to: -1, cidr: "0.0.0.0/0"}}
	s.sgs[sg.id] = sg
	return struct {
		GroupID          string            `xml:"groupId"`
		SecurityGroupArn string            `xml:"securityGroupArn"`
		TagSet           ec2Set[ec2TagXML] `xml:"tagSet"`
	}{sg.id, ec2ARN(c, "security-group", sg.id), ec2TagSet(sg.tags)}, nil
}

// ec2LoadBalancers is what EC2 asks of Elastic Load Balancing (its Impl answers): a group a
// load balancer's network interfaces are in cannot be deleted while the load balancer exists.
type ec2LoadBalancers interface {
	SecurityGroupInUse(c *core.Req, groupID string) bool
}

func ec2DeleteSecurityGroup(c *core.Req) (any, error) {
	s := ec2Of(c)
	sg, err := s.group(c)
	if err != nil {
		return nil, err
	}
	if sg.name == "default" {
		return nil, core.NewError("CannotDelete", 400, "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", sg.id)
	}
	for _, other := range s.sgs {
		if other == sg {
			continue
		}
		for _, r := range other.rules {
			if r.group == sg.id {
				return nil, ec2Dependency("resource %s has a dependent object", sg.id)
			}
		}
	}
	if lbs, ok := core.Peer[ec2LoadBalancers](c, "elasticloadbalancing"); ok && lbs.SecurityGroupInUse(c, sg.id) {
		return nil, ec2Dependency("resource %s has a dependent object", sg.id)
	}
	delete(s.sgs, sg.id)
	return struct {
		Return  bool   `xml:"return"`
		GroupID string `xml:"groupId"`
	}{true, sg.id}, nil
}

type ec2GroupPairXML struct {
	GroupID     string `xml:"groupId"`
	UserID      string `xml:"userId"`
	Description string `xml:"description,omitempty"`
}

type ec2IPRangeXML struct {
	CidrIP      string `xml:"cidrIp"`
	Description string `xml:"description,omitempty"`
}

type ec2IPv6RangeXML struct {
	CidrIpv6    string `xml:"cidrIpv6"`
	Description string `xml:"description,omitempty"`
}

type ec2PrefixListIDXML struct {
	PrefixListID string `xml:"prefixListId"`
	Description  string `xml:"description,omitempty"`
}

type ec2IPPermissionXML struct {
	IPProtocol    string                     `xml:"ipProtocol"`
	FromPort      *int                       `xml:"fromPort,omitempty"`
	ToPort        *int                       `xml:"toPort,omitempty"`
	Groups        ec2Set[ec2GroupPairXML]    `xml:"groups"`
	IPRanges      ec2Set[ec2IPRangeXML]      `xml:"ipRanges"`
	Ipv6Ranges    ec2Set[ec2IPv6RangeXML]    `xml:"ipv6Ranges"`
	PrefixListIDs ec2Set[ec2PrefixListIDXML] `xml:"prefixListIds"`
}

type ec2SecurityGroupXML struct {
	GroupID             string                     `xml:"groupId"`
	GroupName           string                     `xml:"groupName"`
	GroupDescription    string                     `xml:"groupDescription"`
	VpcID               string                     `xml:"vpcId"`
	OwnerID             string                     `xml:"ownerId"`
	SecurityGroupArn    string                     `xml:"securityGroupArn"`
	IPPermissions       ec2Set[ec2IPPermissionXML] `xml:"ipPermissions"`
	IPPermissionsEgress ec2Set[ec2IPPermissionXML] `xml:"ipPermissionsEgress"`
	TagSet              ec2Set[ec2TagXML]          `xml:"tagSet"`
}

func (sg *ec2SecurityGroup) xml(c *core.Req) ec2SecurityGroupXML {
	return ec2SecurityGroupXML{
		GroupID: sg.id, GroupName: sg.name, GroupDescription: sg.desc, VpcID: sg.vpc, OwnerID: sg.owner,
		SecurityGroupArn: ec2ARN(c, "security-group", sg.id), IPPermissions: ec2Permissions(sg.rules, false),
		IPPermissionsEgress: ec2Permissions(sg.rules, true), TagSet: ec2TagSet(sg.tags),
	}
}

// ec2Permissions groups one direction's rules into IpPermissions by protocol and port range,
// as DescribeSecurityGroups does.
func ec2Permissions(rules []*ec2SGRule, egress bool) ec2Set[ec2IPPermissionXML] {
	out := ec2Set[ec2IPPermissionXML]{}
	index := map[string]int{}
	for _, r := range rules {
		if r.egress != egress {
			continue
		}
		key := r.proto + "|" + strconv.Itoa(r.from) + "|" + strconv.Itoa(r.to)
		i, ok := index[key]
		if !ok {
			p := ec2IPPermissionXML{IPProtocol: r.proto, Groups: ec2Set[ec2GroupPairXML]{}, IPRanges: ec2Set[ec2IPRangeXML]{},
				Ipv6Ranges: ec2Set[ec2IPv6RangeXML]{}, PrefixListIDs: ec2Set[ec2PrefixListIDXML]{}}
			if r.proto != "-1" {
				from, to := r.from, r.to
				p.FromPort, p.ToPort = &from, &to
			}
			i = len(out)
			index[key] = i
			out = append(out, p)
		}
		p := &out[i]
		switch {
		case r.cidr != "":
			p.IPRanges = append(p.IPRanges, ec2IPRangeXML{CidrIP: r.cidr, Description: r.desc})
		case r.cidr6 != "":
			p.Ipv6Ranges = append(p.Ipv6Ranges, ec2IPv6RangeXML{CidrIpv6: r.cidr6, Description: r.desc})
		case r.prefixList != "":
			p.PrefixListIDs = append(p.PrefixListIDs, ec2PrefixListIDXML{PrefixListID: r.prefixList, Description: r.desc})
		case r.group != "":
			p.Groups = append(p.Groups, ec2GroupPairXML{GroupID: r.group, UserID: r.groupOwner, Description: r.desc})
		}
	}
	return out
}

func ec2DescribeSecurityGroups(c *core.Req) (any, error) {
	s := ec2Of(c)
	sgs, err := ec2Lookup(ec2List(c, "GroupId"), ec2Sorted(s.sgs), func(sg *ec2SecurityGroup) string { return sg.id },
		func(id string) *core.APIError { return ec2NotFound("security-group", id) })
	if err != nil {
		return nil, err
	}
	if names := ec2List(c, "GroupName"); len(names) > 0 {
		sgs, err = ec2Lookup(names, sgs, func(sg *ec2SecurityGroup) string { return sg.name }, func(name string) *core.APIError {
			return core.NewError("InvalidGroup.NotFound", 400, "The security group '%s' does not exist in default VPC 'none'", name)
		})
		if err != nil {
			return nil, err
		}
	}
	known := []string{"group-id", "group-name", "vpc-id", "description", "owner-id", "ip-permission.cidr", "ip-permission.group-id",
		"ip-permission.protocol", "ip-permission.from-port", "ip-permission.to-port", "ip-permission.prefix-list-id",
		"egress.ip-permission.cidr", "egress.ip-permission.group-id", "egress.ip-permission.protocol",
		"egress.ip-permission.from-port", "egress.ip-permission.to-port", "egress.ip-permission.prefix-list-id"}
	sgs, err = ec2Select(c, sgs, known, func(sg *ec2SecurityGroup) ec2Fields {
		return func(name string) []string {
			switch name {
			case "group-id":
				return []string{sg.id}
			case "group-name":
				return []string{sg.name}
			case "vpc-id":
				return []string{sg.vpc}
			case "description":
				return []string{sg.desc}
			case "owner-id":
				return []string{sg.owner}
			}
			egress := strings.HasPrefix(name, "egress.")
			var out []string
			for _, r := range sg.rules {
				if r.egress != egress {
					continue
				}
				v := map[string]string{"cidr": r.cidr, "group-id": r.group, "protocol": r.proto, "from-port": strconv.Itoa(r.from),
					"to-port": strconv.Itoa(r.to), "prefix-list-id": r.prefixList}[strings.TrimPrefix(strings.TrimPrefix(name, "egress."), "ip-permission.")]
				if v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}, func(sg *ec2SecurityGroup) []core.Tag { return sg.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, sgs, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		SecurityGroups ec2Set[ec2SecurityGroupXML] `xml:"securityGroupInfo"`
		NextToken      string                      `xml:"nextToken,omitempty"`
	}{SecurityGroups: ec2Set[ec2SecurityGroupXML]{}, NextToken: next}
	for _, sg := range page {
		out.SecurityGroups = append(out.SecurityGroups, sg.xml(c))
	}
	return out, nil
}
