package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// DescribeNetworkInterfaces over the interfaces the emulator models: those of NAT gateways, which
// exist from creation until the gateway is deleted and keep their subnet from being deleted.
// A network's destroy names them when EC2 refuses to delete a subnet for their sake.

func ec2NetworkExtraSpecs() []ec2Spec {
	return []ec2Spec{{name: "DescribeNetworkInterfaces", handle: ec2DescribeNetworkInterfaces}}
}

// ec2Interface is a NAT gateway's interface as EC2 describes it.
type ec2Interface struct {
	id, subnet, vpc, zone, privateIP, nat string
}

type ec2InterfaceXML struct {
	NetworkInterfaceID string            `xml:"networkInterfaceId"`
	SubnetID           string            `xml:"subnetId"`
	VpcID              string            `xml:"vpcId"`
	AvailabilityZone   string            `xml:"availabilityZone"`
	Description        string            `xml:"description"`
	OwnerID            string            `xml:"ownerId"`
	RequesterID        string            `xml:"requesterId"`
	RequesterManaged   bool              `xml:"requesterManaged"`
	Status             string            `xml:"status"`
	PrivateIPAddress   string            `xml:"privateIpAddress"`
	InterfaceType      string            `xml:"interfaceType"`
	SourceDestCheck    bool              `xml:"sourceDestCheck"`
	GroupSet           ec2Set[struct{}]  `xml:"groupSet"`
	TagSet             ec2Set[ec2TagXML] `xml:"tagSet"`
}

// interfaces lists the interfaces of NAT gateways that still hold them, in creation order.
func (s *ec2State) interfaces() []ec2Interface {
	var out []ec2Interface
	for _, n := range ec2Sorted(s.nats) {
		if !n.holdsAddress() {
			continue
		}
		zone := ""
		if sn := s.subnets[n.subnet]; sn != nil {
			zone = sn.az.name
		}
		out = append(out, ec2Interface{id: n.eni, subnet: n.subnet, vpc: n.vpc, zone: zone, privateIP: n.privateIP, nat: n.id})
	}
	return out
}

func ec2DescribeNetworkInterfaces(c *core.Req) (any, error) {
	s := ec2Of(c)
	enis, err := ec2Lookup(ec2List(c, "NetworkInterfaceId"), s.interfaces(), func(i ec2Interface) string { return i.id },
		func(id string) *core.APIError {
			return core.NewError("InvalidNetworkInterfaceID.NotFound", 400, "The networkInterface ID '%s' does not exist", id)
		})
	if err != nil {
		return nil, err
	}
	known := []string{"network-interface-id", "subnet-id", "vpc-id", "availability-zone", "interface-type", "status", "requester-managed", "description"}
	enis, err = ec2Select(c, enis, known, func(i ec2Interface) ec2Fields {
		return func(name string) []string {
			if name == "interface-type" {
				// The filter is documented as nat_gateway, the response member as natGateway.
				return []string{"nat_gateway", "natGateway"}
			}
			v := map[string]string{"network-interface-id": i.id, "subnet-id": i.subnet, "vpc-id": i.vpc, "availability-zone": i.zone,
				"status": "in-use", "requester-managed": "true", "description": "Interface for NAT Gateway " + i.nat}[name]
			return []string{v}
		}
	}, func(ec2Interface) []core.Tag { return nil })
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
		out.Interfaces = append(out.Interfaces, ec2InterfaceXML{
			NetworkInterfaceID: i.id, SubnetID: i.subnet, VpcID: i.vpc, AvailabilityZone: i.zone,
			Description: "Interface for NAT Gateway " + i.nat, OwnerID: c.Account.Id, RequesterID: "amazon-nat-gateway",
			RequesterManaged: true, Status: "in-use", PrivateIPAddress: i.privateIP, InterfaceType: "natGateway",
			GroupSet: ec2Set[struct{}]{}, TagSet: ec2Set[ec2TagXML]{},
		})
	}
	return out, nil
}
