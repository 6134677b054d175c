package ec2

import (
	"net/netip"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2VpcLimit is AWS's default quota of VPCs per region.
const ec2VpcLimit = 5

type ec2Vpc struct {
	ec2Meta
	owner        string
	cidr         netip.Prefix
	cidrAssoc    string
	tenancy      string
	dhcpOptions  string
	dnsSupport   bool
	dnsHostnames bool
}

func (*ec2Vpc) kind() string { return "vpc" }

func (v *ec2Vpc) authKeys(*core.Req, *ec2State) map[string][]string {
	return map[string][]string{"ec2:Tenancy": {v.tenancy}}
}

func ec2VpcSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateVpc", targets: ec2NewVpc, creates: "vpc", handle: ec2CreateVpc},
		{name: "DescribeVpcs", handle: ec2DescribeVpcs},
		{name: "DeleteVpc", targets: ec2On("vpc", "VpcId"), handle: ec2DeleteVpc},
		{name: "ModifyVpcAttribute", targets: ec2On("vpc", "VpcId"), handle: ec2ModifyVpcAttribute},
		{name: "DescribeVpcAttribute", targets: ec2On("vpc", "VpcId"), handle: ec2DescribeVpcAttribute},
	}
}

func ec2NewVpc(c *core.Req) []ec2Target {
	tenancy := c.Param("InstanceTenancy")
	if tenancy == "" {
		tenancy = "default"
	}
	return []ec2Target{ec2New(c, "vpc", map[string][]string{"ec2:Tenancy": {tenancy}})}
}

type ec2CidrAssocXML struct {
	AssociationID  string      `xml:"associationId"`
	CidrBlock      string      `xml:"cidrBlock"`
	CidrBlockState ec2StateXML `xml:"cidrBlockState"`
}

type ec2VpcXML struct {
	VpcID                   string                  `xml:"vpcId"`
	OwnerID                 string                  `xml:"ownerId"`
	State                   string                  `xml:"state"`
	CidrBlock               string                  `xml:"cidrBlock"`
	CidrBlockAssociationSet ec2Set[ec2CidrAssocXML] `xml:"cidrBlockAssociationSet"`
	DhcpOptionsID           string                  `xml:"dhcpOptionsId"`
	InstanceTenancy         string                  `xml:"instanceTenancy"`
	IsDefault               bool                    `xml:"isDefault"`
	TagSet                  ec2Set[ec2TagXML]       `xml:"tagSet"`
}

func (v *ec2Vpc) xml(state string) ec2VpcXML {
	return ec2VpcXML{
		VpcID: v.id, OwnerID: v.owner, State: state, CidrBlock: v.cidr.String(),
		CidrBlockAssociationSet: ec2Set[ec2CidrAssocXML]{{AssociationID: v.cidrAssoc, CidrBlock: v.cidr.String(), CidrBlockState: ec2StateXML{"associated"}}},
		DhcpOptionsID:           v.dhcpOptions, InstanceTenancy: v.tenancy, TagSet: ec2TagSet(v.tags),
	}
}

// ec2ParseCIDR reads an IPv4 CIDR block as EC2 takes it (canonical network address).
func ec2ParseCIDR(param, cidr string) (netip.Prefix, *core.APIError) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, ec2Invalid("Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", cidr, param)
	}
	return p, nil
}

func ec2CreateVpc(c *core.Req) (any, error) {
	if err := ec2Required(c, "CidrBlock"); err != nil {
		return nil, err
	}
	cidr, err := ec2ParseCIDR("cidrBlock", c.Param("CidrBlock"))
	if err != nil {
		return nil, err
	}
	if cidr.Bits() < 16 || cidr.Bits() > 28 {
		return nil, core.NewError("InvalidVpc.Range", 400, "The CIDR '%s' is invalid.", cidr)
	}
	tenancy := c.Param("InstanceTenancy")
	if tenancy == "" {
		tenancy = "default"
	}
	if tenancy != "default" && tenancy != "dedicated" {
		return nil, ec2Invalid("Value (%s) for parameter instanceTenancy is invalid.", tenancy)
	}
	tags, err := ec2CreateTags(c, "vpc")
	if err != nil {
		return nil, err
	}
	s := ec2Of(c)
	if len(s.vpcs) >= ec2VpcLimit {
		return nil, core.NewError("VpcLimitExceeded", 400, "The maximum number of VPCs has been reached.")
	}
	v := &ec2Vpc{
		ec2Meta: s.newMeta("vpc", tags), owner: c.Account.Id, cidr: cidr, cidrAssoc: ec2NewID("vpc-cidr-assoc"),
		tenancy: tenancy, dhcpOptions: s.dhcpOptions(), dnsSupport: true,
	}
	s.vpcs[v.id] = v
	// As in AWS, a VPC comes with its main route table, default security group and network ACL.
	s.newRouteTable(v, true, nil)
	s.newDefaultSecurityGroup(c, v)
	s.newDefaultNetworkACL(v)
	return struct {
		Vpc ec2VpcXML `xml:"vpc"`
	}{v.xml("pending")}, nil
}

// dhcpOptions is the region's default DHCP option set, which every new VPC uses.
func (s *ec2State) dhcpOptions() string {
	if s.tokens["dhcp-options"] == "" {
		s.tokens["dhcp-options"] = ec2NewID("dopt")
	}
	return s.tokens["dhcp-options"]
}

func (s *ec2State) vpc(id string) (*ec2Vpc, *core.APIError) {
	if v := s.vpcs[id]; v != nil {
		return v, nil
	}
	return nil, ec2NotFound("vpc", id)
}

func ec2DescribeVpcs(c *core.Req) (any, error) {
	s := ec2Of(c)
	vpcs, err := ec2Lookup(ec2List(c, "VpcId"), ec2Sorted(s.vpcs), func(v *ec2Vpc) string { return v.id },
		func(id string) *core.APIError { return ec2NotFound("vpc", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"vpc-id", "state", "cidr", "cidr-block-association.cidr-block", "cidr-block-association.association-id",
		"cidr-block-association.state", "dhcp-options-id", "is-default", "owner-id", "instance-tenancy"}
	vpcs, err = ec2Select(c, vpcs, known, func(v *ec2Vpc) ec2Fields {
		return func(name string) []string {
			switch name {
			case "vpc-id":
				return []string{v.id}
			case "state":
				return []string{"available"}
			case "cidr", "cidr-block-association.cidr-block":
				return []string{v.cidr.String()}
			case "cidr-block-association.association-id":
				return []string{v.cidrAssoc}
			case "cidr-block-association.state":
				return []string{"associated"}
			case "dhcp-options-id":
				return []string{v.dhcpOptions}
			case "is-default":
				return []string{"false"}
			case "owner-id":
				return []string{v.owner}
			case "instance-tenancy":
				return []string{v.tenancy}
			}
			return nil
		}
	}, func(v *ec2Vpc) []core.Tag { return v.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, vpcs, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		Vpcs      ec2Set[ec2VpcXML] `xml:"vpcSet"`
		NextToken string            `xml:"nextToken,omitempty"`
	}{Vpcs: ec2Set[ec2VpcXML]{}, NextToken: next}
	for _, v := range page {
		out.Vpcs = append(out.Vpcs, v.xml("available"))
	}
	return out, nil
}

func ec2DeleteVpc(c *core.Req) (any, error) {
	if err := ec2Required(c, "VpcId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	v, err := s.vpc(c.Param("VpcId"))
	if err != nil {
		return nil, err
	}
	if s.vpcHasDependencies(v) {
		return nil, ec2Dependency("The vpc '%s' has dependencies and cannot be deleted.", v.id)
	}
	// What AWS created with the VPC goes with it.
	for id, rt := range s.rtbs {
		if rt.vpc == v.id {
			delete(s.rtbs, id)
		}
	}
	for id, sg := range s.sgs {
		if sg.vpc == v.id {
			delete(s.sgs, id)
		}
	}
	for id, acl := range s.acls {
		if acl.vpc == v.id {
			delete(s.acls, id)
		}
	}
	delete(s.vpcs, v.id)
	return ec2OK, nil
}

// vpcHasDependencies: subnets, an attached internet gateway, endpoints, or security groups, route
// tables and network ACLs other than the ones AWS made with the VPC keep it from being deleted.
func (s *ec2State) vpcHasDependencies(v *ec2Vpc) bool {
	for _, sn := range s.subnets {
		if sn.vpc == v.id {
			return true
		}
	}
	for _, g := range s.igws {
		if g.vpc == v.id {
			return true
		}
	}
	for _, e := range s.vpces {
		if e.vpc == v.id {
			return true
		}
	}
	for _, sg := range s.sgs {
		if sg.vpc == v.id && sg.name != "default" {
			return true
		}
	}
	for _, rt := range s.rtbs {
		if rt.vpc == v.id && !rt.isMain() {
			return true
		}
	}
	for _, acl := range s.acls {
		if acl.vpc == v.id && !acl.isDefault {
			return true
		}
	}
	return false
}

func ec2ModifyVpcAttribute(c *core.Req) (any, error) {
	if err := ec2Required(c, "VpcId"); err != nil {
		return nil, err
	}
	var set []string
	for _, a := range []string{"EnableDnsSupport", "EnableDnsHostnames", "EnableNetworkAddressUsageMetrics"} {
		if c.HasParam(a + ".Value") {
			set = append(set, a)
		}
	}
	switch {
	case len(set) == 0:
		return nil, core.NewError("InvalidParameterCombination", 400, "No attributes specified.")
	case len(set) > 1:
		return nil, core.NewError("InvalidParameterCombination", 400, "Fields for multiple attribute types specified: %s", core.LowerFirst(set[0])+", "+core.LowerFirst(set[1]))
	}
	v, err := ec2Of(c).vpc(c.Param("VpcId"))
	if err != nil {
		return nil, err
	}
	on := c.ParamBool(set[0] + ".Value")
	switch set[0] {
	case "EnableDnsSupport":
		v.dnsSupport = on
	case "EnableDnsHostnames":
		v.dnsHostnames = on
	}
	return ec2OK, nil
}

func ec2DescribeVpcAttribute(c *core.Req) (any, error) {
	if err := ec2Required(c, "VpcId", "Attribute"); err != nil {
		return nil, err
	}
	attr := c.Param("Attribute")
	v, err := ec2Of(c).vpc(c.Param("VpcId"))
	if err != nil {
		return nil, err
	}
	type result struct {
		VpcID              string       `xml:"vpcId"`
		EnableDNSSupport   *ec2ValueXML `xml:"enableDnsSupport,omitempty"`
		EnableDNSHostnames *ec2ValueXML `xml:"enableDnsHostnames,omitempty"`
		EnableNAUMetrics   *ec2ValueXML `xml:"enableNetworkAddressUsageMetrics,omitempty"`
	}
	out := result{VpcID: v.id}
	switch attr {
	case "enableDnsSupport":
		out.EnableDNSSupport = &ec2ValueXML{v.dnsSupport}
	case "enableDnsHostnames":
		out.EnableDNSHostnames = &ec2ValueXML{v.dnsHostnames}
	case "enableNetworkAddressUsageMetrics":
		out.EnableNAUMetrics = &ec2ValueXML{false}
	default:
		return nil, ec2Invalid("Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return out, nil
}
