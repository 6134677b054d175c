package ec2

import (
	"net/netip"
	"strconv"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Network interfaces the emulator models: those of NAT gateways, which exist from creation until
// the gateway is deleted and keep their subnet from being deleted (a network's destroy names
// them when EC2 refuses to delete a subnet for their sake), and the primary interfaces of the
// instances it launches, resources of their own with tags, security groups and secondary private
// addresses, which the VPC CNI assigns to and unassigns from a node's interface for its pods.

func ec2NetworkExtraSpecs() []ec2Spec {
	// The Service Authorization Reference: Assign/UnassignPrivateIpAddresses act on
	// network-interface* (aws:ResourceTag/*, ec2:AvailabilityZone, ec2:NetworkInterfaceID,
	// ec2:Subnet, ec2:Vpc, ...) with ec2:Region.
	eni := func(c *core.Req) []ec2Target {
		return []ec2Target{ec2Existing(c, "network-interface", c.Param("NetworkInterfaceId"))}
	}
	return []ec2Spec{
		{name: "DescribeNetworkInterfaces", handle: ec2DescribeNetworkInterfaces},
		{name: "AssignPrivateIpAddresses", targets: eni, handle: ec2AssignPrivateIPAddresses},
		{name: "UnassignPrivateIpAddresses", targets: eni, handle: ec2UnassignPrivateIPAddresses},
	}
}

// ec2NetworkInterface is an instance's primary network interface.
type ec2NetworkInterface struct {
	ec2Meta
	owner, subnet, vpc, zone string
	groups                   []string
	primaryIP                string
	secondary                []string // secondary private addresses, in assignment order
	instance, description    string
}

func (*ec2NetworkInterface) kind() string { return "network-interface" }

func (n *ec2NetworkInterface) authKeys(c *core.Req, _ *ec2State) map[string][]string {
	return core.MergeContext(ec2VpcKey(c, n.vpc), map[string][]string{"ec2:AvailabilityZone": {n.zone},
		"ec2:NetworkInterfaceID": {n.id}, "ec2:Subnet": {ec2ARN(c, "subnet", n.subnet)}})
}

// ec2Interface is an interface as DescribeNetworkInterfaces shows it.
type ec2Interface struct {
	id, subnet, vpc, zone, privateIP string
	secondary                        []string
	groups                           []string
	description, requesterID         string
	requesterManaged                 bool
	interfaceType, filterType        string // the response member ("natGateway") and the filter value ("nat_gateway")
	instance                         string
	tags                             []core.Tag
}

type ec2PrivateIPXML struct {
	PrivateIPAddress string `xml:"privateIpAddress"`
	Primary          bool   `xml:"primary"`
}

type ec2ENIAttachmentXML struct {
	AttachmentID        string `xml:"attachmentId"`
	InstanceID          string `xml:"instanceId"`
	InstanceOwnerID     string `xml:"instanceOwnerId"`
	DeviceIndex         int    `xml:"deviceIndex"`
	Status              string `xml:"status"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type ec2InterfaceXML struct {
	NetworkInterfaceID string                  `xml:"networkInterfaceId"`
	SubnetID           string                  `xml:"subnetId"`
	VpcID              string                  `xml:"vpcId"`
	AvailabilityZone   string                  `xml:"availabilityZone"`
	Description        string                  `xml:"description"`
	OwnerID            string                  `xml:"ownerId"`
	RequesterID        string                  `xml:"requesterId,omitempty"`
	RequesterManaged   bool                    `xml:"requesterManaged"`
	Status             string                  `xml:"status"`
	PrivateIPAddress   string                  `xml:"privateIpAddress"`
	PrivateIPs         ec2Set[ec2PrivateIPXML] `xml:"privateIpAddressesSet"`
	InterfaceType      string                  `xml:"interfaceType"`
	SourceDestCheck    bool                    `xml:"sourceDestCheck"`
	Attachment         *ec2ENIAttachmentXML    `xml:"attachment,omitempty"`
	GroupSet           ec2Set[ec2GroupIDXML]   `xml:"groupSet"`
	TagSet             ec2Set[ec2TagXML]       `xml:"tagSet"`
}

// interfaces lists the interfaces of NAT gateways that still hold them and of running
// instances, in creation order.
func (s *ec2State) interfaces() []ec2Interface {
	type ranked struct {
		seq int
		i   ec2Interface
	}
	var all []ranked
	for _, n := range ec2Sorted(s.nats) {
		if !n.holdsAddress() {
			continue
		}
		zone := ""
		if sn := s.subnets[n.subnet]; sn != nil {
			zone = sn.az.name
		}
		all = append(all, ranked{n.seq, ec2Interface{id: n.eni, subnet: n.subnet, vpc: n.vpc, zone: zone, privateIP: n.privateIP,
			description: "Interface for NAT Gateway " + n.id, requesterID: "amazon-nat-gateway", requesterManaged: true,
			interfaceType: "natGateway", filterType: "nat_gateway"}})
	}
	for _, obj := range s.compute {
		if n, ok := obj.(*ec2NetworkInterface); ok {
			all = append(all, ranked{n.seq, ec2Interface{id: n.id, subnet: n.subnet, vpc: n.vpc, zone: n.zone, privateIP: n.primaryIP,
				secondary: n.secondary, groups: n.groups, description: n.description, interfaceType: "interface", filterType: "interface",
				instance: n.instance, tags: n.tags}})
		}
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].seq < all[j-1].seq; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	out := make([]ec2Interface, len(all))
	for i, r := range all {
		out[i] = r.i
	}
	return out
}

func ec2DescribeNetworkInterfaces(c *core.Req) (any, error) {
	s := ec2Of(c)
	enis, err := ec2Lookup(ec2List(c, "NetworkInterfaceId"), s.interfaces(), func(i ec2Interface) string { return i.id },
		func(id string) *core.APIError { return ec2NotFound("network-interface", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"network-interface-id", "subnet-id", "vpc-id", "availability-zone", "interface-type", "status", "requester-managed",
		"description", "attachment.instance-id", "group-id", "private-ip-address", "addresses.private-ip-address"}
	enis, err = ec2Select(c, enis, known, func(i ec2Interface) ec2Fields {
		return func(name string) []string {
			switch name {
			case "interface-type":
				// The filter is documented as nat_gateway, the response member as natGateway.
				return []string{i.filterType, i.interfaceType}
			case "group-id":
				return i.groups
			case "addresses.private-ip-address":
				return append([]string{i.privateIP}, i.secondary...)
			}
			v := map[string]string{"network-interface-id": i.id, "subnet-id": i.subnet, "vpc-id": i.vpc, "availability-zone": i.zone,
				"status": "in-use", "requester-managed": ec2Bool(i.requesterManaged), "description": i.description,
				"attachment.instance-id": i.instance, "private-ip-address": i.privateIP}[name]
			return []string{v}
		}
	}, func(i ec2Interface) []core.Tag { return i.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, enis, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		Interfaces ec2Set[ec2InterfaceXML] `xml:"networkInterfaceSet"`
		NextToken  string                  `xml:"nextToken,omitempty"`
	}{Interfaces: ec2Set[ec2InterfaceXML]{}, NextToken: next}
	for _, i := range page {
		x := ec2InterfaceXML{
			NetworkInterfaceID: i.id, SubnetID: i.subnet, VpcID: i.vpc, AvailabilityZone: i.zone,
			Description: i.description, OwnerID: c.Account.Id, RequesterID: i.requesterID,
			RequesterManaged: i.requesterManaged, Status: "in-use", PrivateIPAddress: i.privateIP, InterfaceType: i.interfaceType,
			SourceDestCheck: !i.requesterManaged, GroupSet: s.groupSet(i.groups), TagSet: ec2TagSet(i.tags),
			PrivateIPs: ec2Set[ec2PrivateIPXML]{{PrivateIPAddress: i.privateIP, Primary: true}},
		}
		for _, ip := range i.secondary {
			x.PrivateIPs = append(x.PrivateIPs, ec2PrivateIPXML{PrivateIPAddress: ip})
		}
		if i.instance != "" {
			x.Attachment = &ec2ENIAttachmentXML{AttachmentID: "eni-attach-" + i.id[len("eni-"):], InstanceID: i.instance,
				InstanceOwnerID: c.Account.Id, Status: "attached", DeleteOnTermination: true}
		}
		out.Interfaces = append(out.Interfaces, x)
	}
	return out, nil
}

// networkInterface finds the caller's instance interface named by NetworkInterfaceId.
func (s *ec2State) networkInterface(c *core.Req) (*ec2NetworkInterface, *core.APIError) {
	if err := ec2Required(c, "NetworkInterfaceId"); err != nil {
		return nil, err
	}
	id := c.Param("NetworkInterfaceId")
	if n, ok := s.compute[id].(*ec2NetworkInterface); ok {
		return n, nil
	}
	return nil, ec2NotFound("network-interface", id)
}

// ec2MaxSecondaryIPs bounds the addresses an interface holds (the emulator does not model the
// per-instance-type limits; this is the largest of them).
const ec2MaxSecondaryIPs = 49

// ec2AssignPrivateIPAddresses assigns the addresses PrivateIpAddress.N, or the next
// SecondaryPrivateIpAddressCount free addresses of the subnet, to an instance's interface.
func ec2AssignPrivateIPAddresses(c *core.Req) (any, error) {
	s := ec2Of(c)
	n, err := s.networkInterface(c)
	if err != nil {
		return nil, err
	}
	sn, err := s.subnet(n.subnet)
	if err != nil {
		return nil, err
	}
	wanted := ec2List(c, "PrivateIpAddress")
	count := 0
	if v := c.Param("SecondaryPrivateIpAddressCount"); v != "" {
		var convErr error
		if count, convErr = strconv.Atoi(v); convErr != nil || count < 1 {
			return nil, ec2Invalid("Invalid value '%s' for secondaryPrivateIpAddressCount", v)
		}
	}
	switch {
	case len(wanted) > 0 && count > 0:
		return nil, core.NewError("InvalidParameterCombination", 400, "Either privateIpAddress or secondaryPrivateIpAddressCount may be specified, not both.")
	case len(wanted) == 0 && count == 0:
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter privateIpAddress or secondaryPrivateIpAddressCount")
	}
	if len(n.secondary)+len(wanted)+count > ec2MaxSecondaryIPs {
		return nil, core.NewError("PrivateIpAddressLimitExceeded", 400, "Number of private addresses will exceed limit.")
	}
	held := map[string]bool{n.primaryIP: true}
	for _, ip := range n.secondary {
		held[ip] = true
	}
	var assigned []string
	for _, ip := range wanted {
		a, perr := netip.ParseAddr(ip)
		if perr != nil || !sn.cidr.Contains(a) {
			return nil, ec2Invalid("Address %s does not fall within the subnet's address range", ip)
		}
		if !held[ip] {
			assigned, held[ip] = append(assigned, ip), true
		}
	}
	for i := 0; i < count; i++ {
		assigned = append(assigned, sn.nextIP())
	}
	n.secondary = append(n.secondary, assigned...)
	out := struct {
		NetworkInterfaceID string                  `xml:"networkInterfaceId"`
		Assigned           ec2Set[ec2PrivateIPXML] `xml:"assignedPrivateIpAddressesSet"`
	}{NetworkInterfaceID: n.id, Assigned: ec2Set[ec2PrivateIPXML]{}}
	for _, ip := range assigned {
		out.Assigned = append(out.Assigned, ec2PrivateIPXML{PrivateIPAddress: ip})
	}
	return out, nil
}

// ec2UnassignPrivateIPAddresses removes secondary addresses from an instance's interface.
func ec2UnassignPrivateIPAddresses(c *core.Req) (any, error) {
	s := ec2Of(c)
	n, err := s.networkInterface(c)
	if err != nil {
		return nil, err
	}
	gone := ec2List(c, "PrivateIpAddress")
	if len(gone) == 0 {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter privateIpAddress")
	}
	drop := map[string]bool{}
	for _, ip := range gone {
		found := false
		for _, have := range n.secondary {
			found = found || have == ip
		}
		if !found {
			return nil, ec2Invalid("Some of the specified addresses are not assigned to interface %s", n.id)
		}
		drop[ip] = true
	}
	kept := n.secondary[:0]
	for _, ip := range n.secondary {
		if !drop[ip] {
			kept = append(kept, ip)
		}
	}
	n.secondary = kept
	return ec2OK, nil
}
