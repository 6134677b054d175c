package elbv2

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Load balancers: Network Load Balancers in one subnet per Availability Zone of one VPC, with
// security groups of that VPC when created with any, provisioning for Options.TransitionDelay
// and then active. The Service Authorization Reference: CreateLoadBalancer acts on the new
// loadbalancer/net/NAME/ID with aws:RequestTag/*, aws:TagKeys, elasticloadbalancing:Subnet,
// elasticloadbalancing:SecurityGroup and elasticloadbalancing:Scheme (and AddTags with
// elasticloadbalancing:CreateAction when tagged); Delete, ModifyLoadBalancerAttributes and
// SetSecurityGroups (with elasticloadbalancing:SecurityGroup) act on the load balancer with its
// resource tags; the Describe calls support no resource-level permissions.

func elbLoadBalancerSpecs() []elbSpec {
	return []elbSpec{
		{name: "CreateLoadBalancer", on: elbOnNewLB, creates: elbCreatesLB, handle: elbCreateLoadBalancer},
		{name: "DescribeLoadBalancers", handle: elbDescribeLoadBalancers},
		{name: "DeleteLoadBalancer", on: elbOnParam("LoadBalancerArn"), handle: elbDeleteLoadBalancer},
		{name: "DescribeLoadBalancerAttributes", handle: elbDescribeLoadBalancerAttributes},
		{name: "ModifyLoadBalancerAttributes", on: elbOnParam("LoadBalancerArn"), handle: elbModifyLoadBalancerAttributes},
		{name: "SetSecurityGroups", on: elbOnSetSecurityGroups, handle: elbSetSecurityGroups},
	}
}

type elbLB struct {
	seq                 int
	arn, name, id, typ  string
	scheme, ipType, vpc string
	dns                 string
	state               string // provisioning | active
	settleAt, created   time.Time
	zones               []elbZone
	groups              []string
	withGroups          bool   // created with security groups: only those can change them later
	enforcePrivateLink  string // "on" | "off" (load balancers with security groups)
	attrs               map[string]string
	tags                []core.Tag
}

// elbZone is a load balancer's subnet in one Availability Zone.
type elbZone struct {
	subnet, zone          string
	privateIP, allocation string // the address a SubnetMapping gave it (private IPv4 or Elastic IP allocation)
}

// elbLBAttributes are a Network Load Balancer's attributes and the values each takes, with
// their defaults.
var (
	elbLBAttributeSpecs = map[string]elbAttributeSpec{
		"deletion_protection.enabled":            elbBoolAttr,
		"load_balancing.cross_zone.enabled":      elbBoolAttr,
		"access_logs.s3.enabled":                 elbBoolAttr,
		"access_logs.s3.bucket":                  elbAnyAttr,
		"access_logs.s3.prefix":                  elbAnyAttr,
		"ipv6.deny_all_igw_traffic":              elbBoolAttr,
		"dns_record.client_routing_policy":       elbEnumAttr("availability_zone_affinity", "partial_availability_zone_affinity", "any_availability_zone"),
		"zonal_shift.config.enabled":             elbBoolAttr,
		"secondary_ips.auto_assigned.per_subnet": elbIntAttr(0, 7),
	}
	elbLBAttributeDefaults = map[string]string{
		"deletion_protection.enabled": "false", "load_balancing.cross_zone.enabled": "false",
		"access_logs.s3.enabled": "false", "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
		"ipv6.deny_all_igw_traffic": "false", "dns_record.client_routing_policy": "any_availability_zone",
		"zonal_shift.config.enabled": "false", "secondary_ips.auto_assigned.per_subnet": "0",
	}
)

// elbHostedZones are the Route 53 hosted zones of Network Load Balancers' DNS names by region.
var elbHostedZones = map[string]string{
	"us-east-1": "Z26RNL4JYFTOTI", "us-east-2": "ZLMOA37VPKANP", "us-west-1": "Z24FKFUX50B4VW", "us-west-2": "Z18D5FSROUN65G",
	"eu-west-1": "Z2IFOLAFXWLO4F", "eu-central-1": "Z3F0SRJ5LGBH90", "eu-west-2": "ZD4D7Y8KGAS4G", "ap-northeast-1": "Z31USIVHYNEOWT",
	"ap-southeast-1": "ZKVM4W9LS7TM", "ap-southeast-2": "ZCT6FZBF4DROD",
}

// elbLBIn is a CreateLoadBalancer request.
type elbLBIn struct {
	name, typ, scheme, ipType string
	mappings                  []map[string]string // SubnetId, PrivateIPv4Address, AllocationId, IPv6Address
	subnetsAndMappings        bool
	groups                    []string
	tags                      []core.Tag
}

func elbReadLB(c *core.Req) elbLBIn {
	in := elbLBIn{name: c.Param("Name"), typ: c.Param("Type"), scheme: c.Param("Scheme"), ipType: c.Param("IpAddressType"),
		groups: c.ParamList("SecurityGroups"), tags: elbRequestTags(c)}
	if in.typ == "" {
		in.typ = "application"
	}
	if in.scheme == "" {
		in.scheme = "internet-facing"
	}
	if in.ipType == "" {
		in.ipType = "ipv4"
	}
	subnets := c.ParamList("Subnets")
	for _, id := range subnets {
		in.mappings = append(in.mappings, map[string]string{"SubnetId": id})
	}
	mappings := c.ParamStructs("SubnetMappings", "SubnetId", "PrivateIPv4Address", "AllocationId", "IPv6Address")
	in.subnetsAndMappings = len(subnets) > 0 && len(mappings) > 0
	in.mappings = append(in.mappings, mappings...)
	return in
}

func (in elbLBIn) subnetIDs() []string {
	out := make([]string, 0, len(in.mappings))
	for _, m := range in.mappings {
		out = append(out, m["SubnetId"])
	}
	return out
}

// elbOnNewLB: CreateLoadBalancer is evaluated on the new load balancer with the request's tags,
// subnets, security groups and scheme.
func elbOnNewLB(c *core.Req) []elbAuth {
	in := elbReadLB(c)
	ctx := core.MergeContext(core.RequestTagContext(in.tags), map[string][]string{"elasticloadbalancing:Scheme": {in.scheme}})
	if ids := in.subnetIDs(); len(ids) > 0 {
		ctx["elasticloadbalancing:Subnet"] = ids
	}
	if len(in.groups) > 0 {
		ctx["elasticloadbalancing:SecurityGroup"] = in.groups
	}
	return []elbAuth{{arn: elbLBARN(c, in.typ, in.name, elbNewID(c)), ctx: ctx}}
}

func elbCreatesLB(c *core.Req) (string, []core.Tag) {
	in := elbReadLB(c)
	return elbLBARN(c, in.typ, in.name, elbNewID(c)), in.tags
}

func elbCreateLoadBalancer(c *core.Req) (any, error) {
	if err := elbRequired(c, "Name"); err != nil {
		return nil, err
	}
	in := elbReadLB(c)
	if err := elbCheckName("Load balancer", in.name); err != nil {
		return nil, err
	}
	if strings.HasPrefix(in.name, "internal-") {
		return nil, elbValidation("Load balancer name '%s' cannot begin with 'internal-'", in.name)
	}
	switch in.typ {
	case "network":
	case "application", "gateway":
		return nil, elbConfig("Load balancers of type '%s' are not emulated: the emulator serves Network Load Balancers (Type network)", in.typ)
	default:
		return nil, elbValidation("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [application, network, gateway]", in.typ)
	}
	if !core.OneOf(in.scheme, "internal", "internet-facing") {
		return nil, elbValidation("1 validation error detected: Value '%s' at 'scheme' failed to satisfy constraint: Member must satisfy enum value set: [internet-facing, internal]", in.scheme)
	}
	switch in.ipType {
	case "ipv4":
	case "dualstack":
		if in.scheme == "internal" {
			return nil, elbValidation("Internal load balancers must use the IP address type 'ipv4'")
		}
		return nil, elbConfig("IP address type 'dualstack' needs subnets with IPv6 CIDR blocks, which the emulated subnets have none of")
	default:
		return nil, elbValidation("1 validation error detected: Value '%s' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack]", in.ipType)
	}
	if err := elbCheckTags(in.tags); err != nil {
		return nil, err
	}
	if in.subnetsAndMappings {
		return nil, elbValidation("You must specify either subnets or subnet mappings, not both")
	}
	if len(in.mappings) == 0 {
		return nil, elbValidation("At least one subnet must be specified")
	}
	vpc, zones, err := elbResolveSubnets(c, in)
	if err != nil {
		return nil, err
	}
	if err := elbCheckGroups(c, vpc, in.groups); err != nil {
		return nil, err
	}
	st := elbOf(c)
	for _, lb := range st.lbs {
		if lb.name != in.name {
			continue
		}
		if lb.typ == in.typ && lb.scheme == in.scheme && lb.ipType == in.ipType && slices.Equal(lb.subnetIDs(), elbSortedCopy(in.subnetIDs())) &&
			slices.Equal(elbSortedCopy(lb.groups), elbSortedCopy(in.groups)) {
			return elbLBsResult(c, []*elbLB{lb}, ""), nil // CreateLoadBalancer is idempotent
		}
		return nil, elbErr("DuplicateLoadBalancerName", "A load balancer with the same name '%s' exists, but with different settings", in.name)
	}
	id := elbNewID(c)
	lb := &elbLB{
		seq: st.next(), arn: elbLBARN(c, in.typ, in.name, id), name: in.name, id: id, typ: in.typ,
		scheme: in.scheme, ipType: in.ipType, vpc: vpc, dns: in.name + "-" + id + ".elb." + c.Region + ".amazonaws.com",
		state: "provisioning", settleAt: c.Now.Add(c.TransitionDelay()), created: c.Now, zones: zones,
		groups: in.groups, withGroups: len(in.groups) > 0, attrs: map[string]string{}, tags: in.tags,
	}
	if lb.withGroups {
		lb.enforcePrivateLink = "on"
	}
	for k, v := range elbLBAttributeDefaults {
		lb.attrs[k] = v
	}
	st.lbs[lb.arn] = lb
	return elbLBsResult(c, []*elbLB{lb}, ""), nil
}

// elbResolveSubnets checks a new load balancer's subnets in EC2: they exist, share one VPC, take
// one Availability Zone each, and an internet-facing load balancer's VPC has an internet gateway.
func elbResolveSubnets(c *core.Req, in elbLBIn) (string, []elbZone, *core.APIError) {
	ec2 := elbEC2Of(c)
	vpc := ""
	var zones []elbZone
	seen := map[string]bool{}
	for _, m := range in.mappings {
		id := m["SubnetId"]
		snVPC, zone, ok := ec2.Subnet(c, id)
		if !ok {
			return "", nil, elbErr("SubnetNotFound", "The subnet ID '%s' is not valid", id)
		}
		if vpc != "" && snVPC != vpc {
			return "", nil, elbConfig("The subnets must all belong to the same VPC: subnet '%s' is in '%s', not '%s'", id, snVPC, vpc)
		}
		vpc = snVPC
		if seen[zone] {
			return "", nil, elbConfig("A load balancer cannot be attached to multiple subnets in the same Availability Zone")
		}
		seen[zone] = true
		z := elbZone{subnet: id, zone: zone}
		if ip := m["PrivateIPv4Address"]; ip != "" {
			if in.scheme != "internal" {
				return "", nil, elbConfig("Private IPv4 addresses can be specified only for internal load balancers")
			}
			cidr, _ := ec2.SubnetCIDR(c, id)
			a, perr := netip.ParseAddr(ip)
			p, cerr := netip.ParsePrefix(cidr)
			if perr != nil || !a.Is4() || cerr != nil || !p.Contains(a) {
				return "", nil, elbConfig("The private IPv4 address '%s' is not in the range of subnet '%s' (%s)", ip, id, cidr)
			}
			z.privateIP = ip
		}
		if alloc := m["AllocationId"]; alloc != "" {
			if in.scheme == "internal" {
				return "", nil, elbConfig("Elastic IP addresses can be specified only for internet-facing load balancers")
			}
			z.allocation = alloc
		}
		if m["IPv6Address"] != "" {
			return "", nil, elbConfig("IPv6 addresses need subnets with IPv6 CIDR blocks, which the emulated subnets have none of")
		}
		zones = append(zones, z)
	}
	if in.scheme == "internet-facing" {
		if _, igw, _ := ec2.VPC(c, vpc); !igw {
			return "", nil, elbErr("InvalidSubnet", "VPC %s has no internet gateway", vpc)
		}
	}
	slices.SortFunc(zones, func(a, b elbZone) int { return strings.Compare(a.subnet, b.subnet) })
	return vpc, zones, nil
}

// elbCheckGroups checks security groups in EC2: they exist and are in the load balancer's VPC.
func elbCheckGroups(c *core.Req, vpc string, groups []string) *core.APIError {
	if len(groups) > 5 {
		return elbValidation("A load balancer can have at most 5 security groups")
	}
	ec2 := elbEC2Of(c)
	for _, id := range groups {
		sgVPC, ok := ec2.SecurityGroupVPC(c, id)
		if !ok {
			return elbErr("InvalidSecurityGroup", "Security group '%s' does not exist", id)
		}
		if sgVPC != vpc {
			return elbErr("InvalidSecurityGroup", "Security group '%s' does not belong to VPC '%s'", id, vpc)
		}
	}
	return nil
}

func elbSortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func (lb *elbLB) subnetIDs() []string {
	out := make([]string, 0, len(lb.zones))
	for _, z := range lb.zones {
		out = append(out, z.subnet)
	}
	return elbSortedCopy(out)
}

func elbDescribeLoadBalancers(c *core.Req) (any, error) {
	st := elbOf(c)
	arns, names := c.ParamList("LoadBalancerArns"), c.ParamList("Names")
	if len(arns) > 0 && len(names) > 0 {
		return nil, elbValidation("Load balancer names and load balancer ARNs cannot be specified at the same time")
	}
	all := sortedBySeq(st.lbs, func(lb *elbLB) int { return lb.seq })
	var found []*elbLB
	switch {
	case len(arns) > 0:
		for _, lb := range all {
			if slices.Contains(arns, lb.arn) {
				found = append(found, lb)
			}
		}
		for _, arn := range arns {
			if st.lbs[arn] == nil {
				return nil, elbErr("LoadBalancerNotFound", "One or more load balancers not found")
			}
		}
	case len(names) > 0:
		var missing []string
		for _, n := range names {
			ok := false
			for _, lb := range all {
				if lb.name == n {
					ok = true
				}
			}
			if !ok {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			return nil, elbErr("LoadBalancerNotFound", "Load balancers '[%s]' not found", strings.Join(missing, ", "))
		}
		for _, lb := range all {
			if slices.Contains(names, lb.name) {
				found = append(found, lb)
			}
		}
	default:
		found = all
	}
	page, next, err := elbPage(c, found)
	if err != nil {
		return nil, err
	}
	return elbLBsResult(c, page, next), nil
}

// elbFindLB is the load balancer LoadBalancerArn names, or LoadBalancerNotFound.
func elbFindLB(c *core.Req) (*elbLB, *core.APIError) {
	if err := elbRequired(c, "LoadBalancerArn"); err != nil {
		return nil, err
	}
	lb := elbOf(c).lbs[c.Param("LoadBalancerArn")]
	if lb == nil {
		return nil, elbErr("LoadBalancerNotFound", "Load balancer '%s' not found", c.Param("LoadBalancerArn"))
	}
	return lb, nil
}

// elbDeleteLoadBalancer deletes a load balancer and its listeners; one that does not exist is
// no error, as the API reference says. Deletion protection refuses.
func elbDeleteLoadBalancer(c *core.Req) (any, error) {
	if err := elbRequired(c, "LoadBalancerArn"); err != nil {
		return nil, err
	}
	st := elbOf(c)
	lb := st.lbs[c.Param("LoadBalancerArn")]
	if lb == nil {
		return elbEmpty{}, nil
	}
	if lb.attrs["deletion_protection.enabled"] == "true" {
		return nil, elbErr("OperationNotPermitted", "Load balancer '%s' cannot be deleted because deletion protection is enabled", lb.arn)
	}
	for arn, l := range st.listeners {
		if l.lb == lb.arn {
			delete(st.listeners, arn)
		}
	}
	delete(st.lbs, lb.arn)
	return elbEmpty{}, nil
}

type elbAttributesResult struct {
	Attributes core.Members[elbAttribute]
}

func elbDescribeLoadBalancerAttributes(c *core.Req) (any, error) {
	lb, err := elbFindLB(c)
	if err != nil {
		return nil, err
	}
	return elbAttributesResult{Attributes: elbAttributeList(lb.attrs)}, nil
}

func elbModifyLoadBalancerAttributes(c *core.Req) (any, error) {
	lb, err := elbFindLB(c)
	if err != nil {
		return nil, err
	}
	if err := elbModifyAttributes(c, "Load balancer", lb.attrs, elbLBAttributeSpecs); err != nil {
		return nil, err
	}
	return elbAttributesResult{Attributes: elbAttributeList(lb.attrs)}, nil
}

// elbOnSetSecurityGroups: SetSecurityGroups acts on the load balancer with the groups it sets
// (elasticloadbalancing:SecurityGroup).
func elbOnSetSecurityGroups(c *core.Req) []elbAuth {
	var extra map[string][]string
	if groups := c.ParamList("SecurityGroups"); len(groups) > 0 {
		extra = map[string][]string{"elasticloadbalancing:SecurityGroup": groups}
	}
	return []elbAuth{elbExisting(c, c.Param("LoadBalancerArn"), extra)}
}

type elbSetSecurityGroupsResult struct {
	SecurityGroupIds                                     core.Members[string]
	EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic string `xml:",omitempty"`
}

func elbSetSecurityGroups(c *core.Req) (any, error) {
	lb, err := elbFindLB(c)
	if err != nil {
		return nil, err
	}
	if !lb.withGroups {
		return nil, elbConfig("You cannot set security groups on a Network Load Balancer which was created without any security groups.")
	}
	groups := c.ParamList("SecurityGroups")
	if err := elbCheckGroups(c, lb.vpc, groups); err != nil {
		return nil, err
	}
	if v := c.Param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"); v != "" {
		if !core.OneOf(v, "on", "off") {
			return nil, elbValidation("1 validation error detected: Value '%s' at 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic' failed to satisfy constraint: Member must satisfy enum value set: [on, off]", v)
		}
		lb.enforcePrivateLink = v
	}
	lb.groups = groups
	return elbSetSecurityGroupsResult{SecurityGroupIds: append(core.Members[string]{}, groups...), EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: lb.enforcePrivateLink}, nil
}

// XML shapes of load balancers.

type elbLBAddressXML struct {
	PrivateIPv4Address string `xml:",omitempty"`
	AllocationId       string `xml:",omitempty"`
}

type elbZoneXML struct {
	ZoneName              string
	SubnetId              string
	LoadBalancerAddresses core.Members[elbLBAddressXML]
}

type elbLBStateXML struct {
	Code string
}

type elbLBXML struct {
	LoadBalancerArn                                      string
	DNSName                                              string
	CanonicalHostedZoneId                                string
	CreatedTime                                          core.XMLTime
	LoadBalancerName                                     string
	Scheme                                               string
	VpcId                                                string
	State                                                elbLBStateXML
	Type                                                 string
	AvailabilityZones                                    core.Members[elbZoneXML]
	SecurityGroups                                       core.Members[string] `xml:",omitempty"`
	IpAddressType                                        string
	EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic string `xml:",omitempty"`
}

type elbLBsResultXML struct {
	LoadBalancers core.Members[elbLBXML]
	NextMarker    string `xml:",omitempty"`
}

func elbLBsResult(c *core.Req, lbs []*elbLB, next string) elbLBsResultXML {
	out := elbLBsResultXML{LoadBalancers: core.Members[elbLBXML]{}, NextMarker: next}
	for _, lb := range lbs {
		x := elbLBXML{
			LoadBalancerArn: lb.arn, DNSName: lb.dns, CanonicalHostedZoneId: elbHostedZones[c.Region], CreatedTime: core.XMLTime(lb.created),
			LoadBalancerName: lb.name, Scheme: lb.scheme, VpcId: lb.vpc, State: elbLBStateXML{Code: lb.state}, Type: lb.typ,
			AvailabilityZones: core.Members[elbZoneXML]{}, SecurityGroups: append(core.Members[string](nil), lb.groups...),
			IpAddressType: lb.ipType, EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: lb.enforcePrivateLink,
		}
		for _, z := range lb.zones {
			zx := elbZoneXML{ZoneName: z.zone, SubnetId: z.subnet, LoadBalancerAddresses: core.Members[elbLBAddressXML]{}}
			if z.privateIP != "" || z.allocation != "" {
				zx.LoadBalancerAddresses = append(zx.LoadBalancerAddresses, elbLBAddressXML{PrivateIPv4Address: z.privateIP, AllocationId: z.allocation})
			}
			x.AvailabilityZones = append(x.AvailabilityZones, zx)
		}
		out.LoadBalancers = append(out.LoadBalancers, x)
	}
	return out
}
