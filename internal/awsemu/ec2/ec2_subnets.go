package ec2

import (
	"net/netip"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

type ec2Subnet struct {
	ec2Meta
	owner       string
	vpc         string
	cidr        netip.Prefix
	az          ec2AZ
	mapPublicIP bool
	nextHost    int // next host offset handed to an interface (AWS reserves the first four)
}

func (*ec2Subnet) kind() string { return "subnet" }

func (sn *ec2Subnet) authKeys(c *core.Req, _ *ec2State) map[string][]string {
	return core.MergeContext(ec2VpcKey(c, sn.vpc), map[string][]string{"ec2:AvailabilityZone": {sn.az.name}})
}

func ec2SubnetSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateSubnet", targets: ec2NewSubnet, creates: "subnet", handle: ec2CreateSubnet},
		{name: "DescribeSubnets", handle: ec2DescribeSubnets},
		{name: "DeleteSubnet", targets: ec2On("subnet", "SubnetId"), handle: ec2DeleteSubnet},
		{name: "ModifySubnetAttribute", targets: ec2On("subnet", "SubnetId"), handle: ec2ModifySubnetAttribute},
	}
}

// ec2NewSubnet: CreateSubnet is evaluated on the new subnet and on the VPC it goes into.
func ec2NewSubnet(c *core.Req) []ec2Target {
	az := c.Param("AvailabilityZone")
	if az == "" {
		if z, ok := ec2Of(c).az("", c.Param("AvailabilityZoneId")); ok {
			az = z.name
		}
	}
	keys := ec2VpcKey(c, c.Param("VpcId"))
	if az != "" {
		keys = core.MergeContext(keys, map[string][]string{"ec2:AvailabilityZone": {az}})
	}
	return []ec2Target{ec2New(c, "subnet", keys), ec2Existing(c, "vpc", c.Param("VpcId"))}
}

type ec2PrivateDNSXML struct {
	HostnameType                    string `xml:"hostnameType"`
	EnableResourceNameDNSARecord    bool   `xml:"enableResourceNameDnsARecord"`
	EnableResourceNameDNSAAAARecord bool   `xml:"enableResourceNameDnsAAAARecord"`
}

type ec2SubnetXML struct {
	SubnetID                      string            `xml:"subnetId"`
	SubnetArn                     string            `xml:"subnetArn"`
	State                         string            `xml:"state"`
	VpcID                         string            `xml:"vpcId"`
	OwnerID                       string            `xml:"ownerId"`
	CidrBlock                     string            `xml:"cidrBlock"`
	AvailableIPAddressCount       int               `xml:"availableIpAddressCount"`
	AvailabilityZone              string            `xml:"availabilityZone"`
	AvailabilityZoneID            string            `xml:"availabilityZoneId"`
	DefaultForAz                  bool              `xml:"defaultForAz"`
	MapPublicIPOnLaunch           bool              `xml:"mapPublicIpOnLaunch"`
	MapCustomerOwnedIPOnLaunch    bool              `xml:"mapCustomerOwnedIpOnLaunch"`
	AssignIpv6AddressOnCreation   bool              `xml:"assignIpv6AddressOnCreation"`
	Ipv6Native                    bool              `xml:"ipv6Native"`
	EnableDNS64                   bool              `xml:"enableDns64"`
	PrivateDNSNameOptionsOnLaunch ec2PrivateDNSXML  `xml:"privateDnsNameOptionsOnLaunch"`
	TagSet                        ec2Set[ec2TagXML] `xml:"tagSet"`
}

func (s *ec2State) subnetXML(c *core.Req, sn *ec2Subnet) ec2SubnetXML {
	return ec2SubnetXML{
		SubnetID: sn.id, SubnetArn: ec2ARN(c, "subnet", sn.id), State: "available", VpcID: sn.vpc, OwnerID: sn.owner,
		CidrBlock: sn.cidr.String(), AvailableIPAddressCount: s.availableIPs(sn), AvailabilityZone: sn.az.name,
		AvailabilityZoneID: sn.az.id, MapPublicIPOnLaunch: sn.mapPublicIP,
		PrivateDNSNameOptionsOnLaunch: ec2PrivateDNSXML{HostnameType: "ip-name"}, TagSet: ec2TagSet(sn.tags),
	}
}

// availableIPs: the block less the five addresses AWS reserves and the NAT gateways' interfaces.
func (s *ec2State) availableIPs(sn *ec2Subnet) int {
	n := 1<<(32-sn.cidr.Bits()) - 5
	for _, g := range s.nats {
		if g.subnet == sn.id && g.holdsAddress() {
			n--
		}
	}
	return n
}

// nextIP hands out the subnet's next private address.
func (sn *ec2Subnet) nextIP() string {
	if sn.nextHost < 4 {
		sn.nextHost = 4
	}
	a := sn.cidr.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(sn.nextHost)
	sn.nextHost++
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

func ec2CreateSubnet(c *core.Req) (any, error) {
	if err := ec2Required(c, "VpcId", "CidrBlock"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	v, err := s.vpc(c.Param("VpcId"))
	if err != nil {
		return nil, err
	}
	cidr, err := ec2ParseCIDR("cidrBlock", c.Param("CidrBlock"))
	if err != nil {
		return nil, err
	}
	if cidr.Bits() < 16 || cidr.Bits() > 28 || !v.cidr.Contains(cidr.Addr()) || cidr.Bits() < v.cidr.Bits() {
		return nil, core.NewError("InvalidSubnet.Range", 400, "The CIDR '%s' is invalid.", cidr)
	}
	for _, other := range s.subnets {
		if other.vpc == v.id && other.cidr.Overlaps(cidr) {
			return nil, core.NewError("InvalidSubnet.Conflict", 400, "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	zones := s.azs()
	az := zones[0]
	if name, id := c.Param("AvailabilityZone"), c.Param("AvailabilityZoneId"); name != "" || id != "" {
		z, ok := s.az(name, id)
		if !ok {
			param, val := "availabilityZone", name
			if name == "" {
				param, val = "availabilityZoneId", id
			}
			return nil, ec2Invalid("Value (%s) for parameter %s is invalid. Subnets can currently only be created in the following availability zones: %s, %s, %s.",
				val, param, zones[0].name, zones[1].name, zones[2].name)
		}
		az = z
	}
	tags, err := ec2CreateTags(c, "subnet")
	if err != nil {
		return nil, err
	}
	sn := &ec2Subnet{ec2Meta: s.newMeta("subnet", tags), owner: c.Account.Id, vpc: v.id, cidr: cidr, az: az}
	s.subnets[sn.id] = sn
	s.associateDefaultACL(sn)
	return struct {
		Subnet ec2SubnetXML `xml:"subnet"`
	}{s.subnetXML(c, sn)}, nil
}

func (s *ec2State) subnet(id string) (*ec2Subnet, *core.APIError) {
	if sn := s.subnets[id]; sn != nil {
		return sn, nil
	}
	return nil, ec2NotFound("subnet", id)
}

func ec2DescribeSubnets(c *core.Req) (any, error) {
	s := ec2Of(c)
	subnets, err := ec2Lookup(ec2List(c, "SubnetId"), ec2Sorted(s.subnets), func(sn *ec2Subnet) string { return sn.id },
		func(id string) *core.APIError { return ec2NotFound("subnet", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"subnet-id", "vpc-id", "state", "cidr", "cidr-block", "cidrBlock", "availability-zone", "availabilityZone",
		"availability-zone-id", "availabilityZoneId", "default-for-az", "defaultForAz", "map-public-ip-on-launch", "owner-id", "subnet-arn"}
	subnets, err = ec2Select(c, subnets, known, func(sn *ec2Subnet) ec2Fields {
		return func(name string) []string {
			switch name {
			case "subnet-id":
				return []string{sn.id}
			case "vpc-id":
				return []string{sn.vpc}
			case "state":
				return []string{"available"}
			case "cidr", "cidr-block", "cidrBlock":
				return []string{sn.cidr.String()}
			case "availability-zone", "availabilityZone":
				return []string{sn.az.name}
			case "availability-zone-id", "availabilityZoneId":
				return []string{sn.az.id}
			case "default-for-az", "defaultForAz":
				return []string{"false"}
			case "map-public-ip-on-launch":
				return []string{ec2Bool(sn.mapPublicIP)}
			case "owner-id":
				return []string{sn.owner}
			case "subnet-arn":
				return []string{ec2ARN(c, "subnet", sn.id)}
			}
			return nil
		}
	}, func(sn *ec2Subnet) []core.Tag { return sn.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, subnets, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		Subnets   ec2Set[ec2SubnetXML] `xml:"subnetSet"`
		NextToken string               `xml:"nextToken,omitempty"`
	}{Subnets: ec2Set[ec2SubnetXML]{}, NextToken: next}
	for _, sn := range page {
		out.Subnets = append(out.Subnets, s.subnetXML(c, sn))
	}
	return out, nil
}

func ec2DeleteSubnet(c *core.Req) (any, error) {
	if err := ec2Required(c, "SubnetId"); err != nil {
		return nil, err
	}
	s := ec2Of(c)
	sn, err := s.subnet(c.Param("SubnetId"))
	if err != nil {
		return nil, err
	}
	for _, g := range s.nats {
		if g.subnet == sn.id && g.holdsAddress() {
			return nil, ec2Dependency("The subnet '%s' has dependencies and cannot be deleted.", sn.id)
		}
	}
	// Deleting a subnet drops its route table and network ACL associations.
	for _, rt := range s.rtbs {
		kept := rt.assocs[:0]
		for _, a := range rt.assocs {
			if a.subnet != sn.id {
				kept = append(kept, a)
			}
		}
		rt.assocs = kept
	}
	for _, acl := range s.acls {
		delete(acl.assocs, sn.id)
	}
	delete(s.subnets, sn.id)
	return ec2OK, nil
}

func ec2ModifySubnetAttribute(c *core.Req) (any, error) {
	if err := ec2Required(c, "SubnetId"); err != nil {
		return nil, err
	}
	var set []string
	for _, a := range []string{"MapPublicIpOnLaunch", "AssignIpv6AddressOnCreation", "MapCustomerOwnedIpOnLaunch", "EnableDns64",
		"EnableResourceNameDnsARecordOnLaunch", "EnableResourceNameDnsAAAARecordOnLaunch"} {
		if c.HasParam(a + ".Value") {
			set = append(set, a)
		}
	}
	if len(set) != 1 {
		return nil, core.NewError("InvalidParameterCombination", 400, "Specify exactly one attribute to modify.")
	}
	sn, err := ec2Of(c).subnet(c.Param("SubnetId"))
	if err != nil {
		return nil, err
	}
	if set[0] != "MapPublicIpOnLaunch" {
		return nil, ec2Invalid("awsemu supports only MapPublicIpOnLaunch for ModifySubnetAttribute, not %s.", set[0])
	}
	sn.mapPublicIP = c.ParamBool("MapPublicIpOnLaunch.Value")
	return ec2OK, nil
}
