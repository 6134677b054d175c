package ec2

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2SGRuleLimit is AWS's default quota of rules per security group and direction.
const ec2SGRuleLimit = 60

// ec2SGRule is one security group rule: a protocol and port range and one peer (a CIDR, a
// prefix list or a security group).
type ec2SGRule struct {
	id                      string
	egress                  bool
	proto                   string // "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a protocol number
	from, to                int    // -1 when the protocol has no ports
	cidr, cidr6, prefixList string // peers: exactly one of these or group is set
	group, groupOwner       string
	desc                    string
}

func (r *ec2SGRule) peer() string { return r.cidr + r.cidr6 + r.prefixList + r.group }

// same reports whether two rules are the same rule (descriptions aside).
func (r *ec2SGRule) same(o *ec2SGRule) bool {
	return r.egress == o.egress && r.proto == o.proto && r.from == o.from && r.to == o.to && r.peer() == o.peer()
}

// String is the rule as EC2's InvalidPermission errors quote it.
func (r *ec2SGRule) String() string {
	if r.proto == "-1" {
		return fmt.Sprintf("peer: %s, ALL, ALLOW", r.peer())
	}
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, ALLOW", r.peer(), strings.ToUpper(r.proto), r.from, r.to)
}

func ec2SGRuleSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "AuthorizeSecurityGroupIngress", targets: ec2GroupTarget, handle: ec2Authorize(false)},
		{name: "AuthorizeSecurityGroupEgress", targets: ec2GroupTarget, handle: ec2Authorize(true)},
		{name: "RevokeSecurityGroupIngress", targets: ec2GroupTarget, handle: ec2Revoke(false)},
		{name: "RevokeSecurityGroupEgress", targets: ec2GroupTarget, handle: ec2Revoke(true)},
		{name: "DescribeSecurityGroupRules", handle: ec2DescribeSecurityGroupRules},
	}
}

// ec2IPProtocol normalizes an IpProtocol as EC2 stores it.
func ec2IPProtocol(p string) (string, *core.APIError) {
	switch strings.ToLower(p) {
	case "-1", "all":
		return "-1", nil
	case "tcp", "6":
		return "tcp", nil
	case "udp", "17":
		return "udp", nil
	case "icmp", "1":
		return "icmp", nil
	case "icmpv6", "58":
		return "icmpv6", nil
	}
	if n, err := strconv.Atoi(p); err == nil && n >= 0 && n <= 255 {
		return p, nil
	}
	return "", ec2Invalid("Invalid value '%s' for IP protocol. Unknown protocol.", p)
}

// ec2Ports reads a permission's port range for its protocol.
func ec2Ports(proto, fromText, toText string) (int, int, *core.APIError) {
	from, ferr := strconv.Atoi(fromText)
	to, terr := strconv.Atoi(toText)
	switch proto {
	case "tcp", "udp":
		if ferr != nil || terr != nil {
			return 0, 0, ec2Invalid("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange")
		}
		if from < 0 || to > 65535 || from > to {
			return 0, 0, ec2Invalid("Invalid TCP/UDP port range (%d - %d)", from, to)
		}
		return from, to, nil
	case "icmp", "icmpv6":
		if ferr != nil {
			from = -1
		}
		if terr != nil {
			to = -1
		}
		if from < -1 || from > 255 || to < -1 || to > 255 {
			return 0, 0, ec2Invalid("Invalid ICMP type or code (%d, %d)", from, to)
		}
		return from, to, nil
	}
	return -1, -1, nil
}

// parsePermissions reads IpPermissions (and the legacy top-level CidrIp form) as one rule
// per peer, checking CIDRs and referenced groups.
func (s *ec2State) parsePermissions(c *core.Req, egress bool) ([]*ec2SGRule, *core.APIError) {
	type perm struct{ proto, from, to, prefix string }
	var perms []perm
	for _, m := range ec2Members(c, "IpPermissions") {
		perms = append(perms, perm{ec2Field(c, m, "IpProtocol"), ec2Field(c, m, "FromPort"), ec2Field(c, m, "ToPort"), m})
	}
	if len(perms) == 0 && c.Param("IpProtocol") != "" {
		perms = append(perms, perm{c.Param("IpProtocol"), c.Param("FromPort"), c.Param("ToPort"), ""})
	}
	var out []*ec2SGRule
	for _, p := range perms {
		proto, err := ec2IPProtocol(p.proto)
		if err != nil {
			return nil, err
		}
		from, to, err := ec2Ports(proto, p.from, p.to)
		if err != nil {
			return nil, err
		}
		base := ec2SGRule{egress: egress, proto: proto, from: from, to: to}
		var peers []*ec2SGRule
		add := func(f func(r *ec2SGRule)) {
			r := base
			f(&r)
			peers = append(peers, &r)
		}
		if p.prefix == "" {
			if cidr := c.Param("CidrIp"); cidr != "" {
				add(func(r *ec2SGRule) { r.cidr = cidr })
			}
		}
		for _, m := range ec2Members(c, ec2PrefixOf(p.prefix)+"IpRanges") {
			cidr, desc := ec2Field(c, m, "CidrIp"), ec2Field(c, m, "Description")
			if pfx, perr := netip.ParsePrefix(cidr); perr != nil || !pfx.Addr().Is4() {
				return nil, ec2Invalid("CIDR block %s is malformed", cidr)
			}
			add(func(r *ec2SGRule) { r.cidr, r.desc = cidr, desc })
		}
		for _, m := range ec2Members(c, ec2PrefixOf(p.prefix)+"Ipv6Ranges") {
			cidr, desc := ec2Field(c, m, "CidrIpv6"), ec2Field(c, m, "Description")
			if pfx, perr := netip.ParsePrefix(cidr); perr != nil || !pfx.Addr().Is6() {
				return nil, ec2Invalid("CIDR block %s is malformed", cidr)
			}
			add(func(r *ec2SGRule) { r.cidr6, r.desc = cidr, desc })
		}
		for _, m := range ec2Members(c, ec2PrefixOf(p.prefix)+"PrefixListIds") {
			pl, desc := ec2Field(c, m, "PrefixListId"), ec2Field(c, m, "Description")
			add(func(r *ec2SGRule) { r.prefixList, r.desc = pl, desc })
		}
		for _, m := range ec2Members(c, ec2PrefixOf(p.prefix)+"Groups") {
			gid, desc := ec2Field(c, m, "GroupId"), ec2Field(c, m, "Description")
			if gid == "" {
				return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter groupId for referenced security groups")
			}
			if s.sgs[gid] == nil {
				return nil, ec2NotFound("security-group", gid)
			}
			add(func(r *ec2SGRule) { r.group, r.groupOwner, r.desc = gid, c.Account.Id, desc })
		}
		if len(peers) == 0 {
			return nil, ec2Invalid("The request must name a source or destination (CIDR, prefix list or security group) for each permission.")
		}
		out = append(out, peers...)
	}
	if len(out) == 0 {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter ipPermissions")
	}
	return out, nil
}

// ec2PrefixOf is a list member's prefix for its nested fields ("" for top-level parameters).
func ec2PrefixOf(member string) string {
	if member == "" {
		return ""
	}
	return member + "."
}

func ec2Authorize(egress bool) func(c *core.Req) (any, error) {
	return func(c *core.Req) (any, error) {
		s := ec2Of(c)
		sg, err := s.group(c)
		if err != nil {
			return nil, err
		}
		rules, err := s.parsePermissions(c, egress)
		if err != nil {
			return nil, err
		}
		count := 0
		for _, r := range sg.rules {
			if r.egress == egress {
				count++
			}
		}
		for i, r := range rules {
			for _, existing := range append(append([]*ec2SGRule(nil), sg.rules...), rules[:i]...) {
				if existing.same(r) {
					return nil, core.NewError("InvalidPermission.Duplicate", 400, "the specified rule \"%s\" already exists", r)
				}
			}
		}
		if count+len(rules) > ec2SGRuleLimit {
			return nil, core.NewError("RulesPerSecurityGroupLimitExceeded", 400, "The maximum number of rules per security group has been reached.")
		}
		out := struct {
			Return bool                 `xml:"return"`
			Rules  ec2Set[ec2SGRuleXML] `xml:"securityGroupRuleSet"`
		}{Return: true, Rules: ec2Set[ec2SGRuleXML]{}}
		for _, r := range rules {
			r.id = ec2NewID("sgr")
			sg.rules = append(sg.rules, r)
			out.Rules = append(out.Rules, r.xml(c, sg))
		}
		return out, nil
	}
}

func ec2Revoke(egress bool) func(c *core.Req) (any, error) {
	return func(c *core.Req) (any, error) {
		s := ec2Of(c)
		sg, err := s.group(c)
		if err != nil {
			return nil, err
		}
		remove := map[*ec2SGRule]bool{}
		for _, id := range ec2List(c, "SecurityGroupRuleId") {
			found := false
			for _, r := range sg.rules {
				if r.id == id && r.egress == egress {
					remove[r], found = true, true
				}
			}
			if !found {
				return nil, ec2NotFound("security-group-rule", id)
			}
		}
		unknown := ec2Set[ec2IPPermissionXML]{}
		if len(ec2Members(c, "IpPermissions")) > 0 || c.Param("IpProtocol") != "" {
			rules, err := s.parsePermissions(c, egress)
			if err != nil {
				return nil, err
			}
			var missing []*ec2SGRule
			for _, want := range rules {
				found := false
				for _, r := range sg.rules {
					if r.same(want) {
						remove[r], found = true, true
					}
				}
				if !found {
					missing = append(missing, want)
				}
			}
			if len(remove) == 0 {
				return nil, core.NewError("InvalidPermission.NotFound", 400, "The specified rule does not exist in this security group.")
			}
			unknown = ec2Permissions(missing, egress)
		}
		if len(remove) == 0 {
			return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter ipPermissions or securityGroupRuleIds")
		}
		kept := sg.rules[:0]
		for _, r := range sg.rules {
			if !remove[r] {
				kept = append(kept, r)
			}
		}
		sg.rules = kept
		out := struct {
			Return  bool                       `xml:"return"`
			Unknown ec2Set[ec2IPPermissionXML] `xml:"unknownIpPermissionSet,omitempty"`
		}{Return: true}
		if len(unknown) > 0 {
			out.Unknown = unknown
		}
		return out, nil
	}
}

type ec2RefGroupXML struct {
	GroupID string `xml:"groupId"`
	UserID  string `xml:"userId"`
}

type ec2SGRuleXML struct {
	SecurityGroupRuleID  string            `xml:"securityGroupRuleId"`
	GroupID              string            `xml:"groupId"`
	GroupOwnerID         string            `xml:"groupOwnerId"`
	IsEgress             bool              `xml:"isEgress"`
	IPProtocol           string            `xml:"ipProtocol"`
	FromPort             int               `xml:"fromPort"`
	ToPort               int               `xml:"toPort"`
	CidrIpv4             string            `xml:"cidrIpv4,omitempty"`
	CidrIpv6             string            `xml:"cidrIpv6,omitempty"`
	PrefixListID         string            `xml:"prefixListId,omitempty"`
	ReferencedGroupInfo  *ec2RefGroupXML   `xml:"referencedGroupInfo,omitempty"`
	Description          string            `xml:"description,omitempty"`
	TagSet               ec2Set[ec2TagXML] `xml:"tagSet"`
	SecurityGroupRuleArn string            `xml:"securityGroupRuleArn"`
}

func (r *ec2SGRule) xml(c *core.Req, sg *ec2SecurityGroup) ec2SGRuleXML {
	out := ec2SGRuleXML{
		SecurityGroupRuleID: r.id, GroupID: sg.id, GroupOwnerID: sg.owner, IsEgress: r.egress, IPProtocol: r.proto,
		FromPort: r.from, ToPort: r.to, CidrIpv4: r.cidr, CidrIpv6: r.cidr6, PrefixListID: r.prefixList, Description: r.desc,
		TagSet: ec2Set[ec2TagXML]{}, SecurityGroupRuleArn: ec2ARN(c, "security-group-rule", r.id),
	}
	if r.group != "" {
		out.ReferencedGroupInfo = &ec2RefGroupXML{GroupID: r.group, UserID: r.groupOwner}
	}
	return out
}

func ec2DescribeSecurityGroupRules(c *core.Req) (any, error) {
	s := ec2Of(c)
	type ruleOf struct {
		r  *ec2SGRule
		sg *ec2SecurityGroup
	}
	var all []ruleOf
	for _, sg := range ec2Sorted(s.sgs) {
		for _, r := range sg.rules {
			all = append(all, ruleOf{r, sg})
		}
	}
	rules, err := ec2Lookup(ec2List(c, "SecurityGroupRuleId"), all, func(x ruleOf) string { return x.r.id },
		func(id string) *core.APIError { return ec2NotFound("security-group-rule", id) })
	if err != nil {
		return nil, err
	}
	rules, err = ec2Select(c, rules, []string{"group-id", "security-group-rule-id"}, func(x ruleOf) ec2Fields {
		return func(name string) []string {
			switch name {
			case "group-id":
				return []string{x.sg.id}
			case "security-group-rule-id":
				return []string{x.r.id}
			}
			return nil
		}
	}, func(ruleOf) []core.Tag { return nil })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, rules, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		Rules     ec2Set[ec2SGRuleXML] `xml:"securityGroupRuleSet"`
		NextToken string               `xml:"nextToken,omitempty"`
	}{Rules: ec2Set[ec2SGRuleXML]{}, NextToken: next}
	for _, x := range page {
		out.Rules = append(out.Rules, x.r.xml(c, x.sg))
	}
	return out, nil
}
