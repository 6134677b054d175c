package ec2

import (
	"crypto/rand"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2State is one account's EC2 networking in one region. NAT gateways change state on the
// emulator's clock: every call first settles what is due, so tests move time with a test clock.
type ec2State struct {
	region  string
	seq     int // creation counter: listings come back in creation order
	vpcs    map[string]*ec2Vpc
	subnets map[string]*ec2Subnet
	igws    map[string]*ec2IGW
	eips    map[string]*ec2EIP
	nats    map[string]*ec2NAT
	rtbs    map[string]*ec2RouteTable
	sgs     map[string]*ec2SecurityGroup
	vpces   map[string]*ec2Endpoint
	acls    map[string]*ec2NetworkACL
	compute map[string]ec2Object // launch templates, instances, their volumes and interfaces, fleets (ec2_launch_templates.go, ec2_instances.go, ec2_volumes.go, ec2_network_extra.go, ec2_fleets.go)
	tokens  map[string]string    // ClientToken -> id of what it created (idempotent creates)
}

// ec2Meta is what every EC2 resource has: an id, a creation rank and tags.
type ec2Meta struct {
	id   string
	seq  int
	tags []core.Tag
}

func (m *ec2Meta) meta() *ec2Meta { return m }

// ec2Object is any taggable EC2 resource.
type ec2Object interface {
	meta() *ec2Meta
	kind() string // resource type as in ARNs and DescribeTags: "vpc", "natgateway", ...
	// authKeys are the type's own condition keys for IAM (ec2:Vpc, ec2:AvailabilityZone, ...).
	authKeys(c *core.Req, s *ec2State) map[string][]string
}

func newEC2State(region string) *ec2State {
	return &ec2State{
		region: region, vpcs: map[string]*ec2Vpc{}, subnets: map[string]*ec2Subnet{}, igws: map[string]*ec2IGW{},
		eips: map[string]*ec2EIP{}, nats: map[string]*ec2NAT{}, rtbs: map[string]*ec2RouteTable{},
		sgs: map[string]*ec2SecurityGroup{}, vpces: map[string]*ec2Endpoint{}, acls: map[string]*ec2NetworkACL{},
		compute: map[string]ec2Object{}, tokens: map[string]string{},
	}
}

// ec2Of is the caller's EC2 state in the request's region, settled to the request's time.
func ec2Of(c *core.Req) *ec2State {
	s := core.RegionalStateOf(c.Account, "ec2", c.Region, func() *ec2State { return newEC2State(c.Region) })
	s.settle(c.Now, c.TransitionDelay())
	return s
}

// newMeta starts a resource: a fresh id with the prefix and the next creation rank.
func (s *ec2State) newMeta(prefix string, tags []core.Tag) ec2Meta {
	s.seq++
	return ec2Meta{id: ec2NewID(prefix), seq: s.seq, tags: tags}
}

// ec2NewID is an EC2 id: prefix, a dash and 17 lower-case hex digits ("vpc-0a1b...").
func ec2NewID(prefix string) string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)[:17]
}

// ec2TypeOfID is the resource type an id's prefix names ("" when none of ours).
func ec2TypeOfID(id string) string {
	prefix, _, _ := strings.Cut(id, "-")
	return map[string]string{
		"vpc": "vpc", "subnet": "subnet", "igw": "internet-gateway", "eipalloc": "elastic-ip", "nat": "natgateway",
		"rtb": "route-table", "sg": "security-group", "vpce": "vpc-endpoint", "acl": "network-acl",
		"lt": "launch-template", "i": "instance", "vol": "volume", "eni": "network-interface", "fleet": "fleet",
	}[prefix]
}

// object finds any resource by id (for tags and authorization).
func (s *ec2State) object(id string) ec2Object {
	var obj ec2Object
	switch ec2TypeOfID(id) {
	case "vpc":
		if v := s.vpcs[id]; v != nil {
			obj = v
		}
	case "subnet":
		if v := s.subnets[id]; v != nil {
			obj = v
		}
	case "internet-gateway":
		if v := s.igws[id]; v != nil {
			obj = v
		}
	case "elastic-ip":
		if v := s.eips[id]; v != nil {
			obj = v
		}
	case "natgateway":
		if v := s.nats[id]; v != nil {
			obj = v
		}
	case "route-table":
		if v := s.rtbs[id]; v != nil {
			obj = v
		}
	case "security-group":
		if v := s.sgs[id]; v != nil {
			obj = v
		}
	case "vpc-endpoint":
		if v := s.vpces[id]; v != nil {
			obj = v
		}
	case "network-acl":
		if v := s.acls[id]; v != nil {
			obj = v
		}
	case "launch-template", "instance", "volume", "network-interface", "fleet":
		obj = s.compute[id]
	}
	return obj
}

// objects lists every taggable resource in creation order.
func (s *ec2State) objects() []ec2Object {
	var out []ec2Object
	for _, v := range s.vpcs {
		out = append(out, v)
	}
	for _, v := range s.subnets {
		out = append(out, v)
	}
	for _, v := range s.igws {
		out = append(out, v)
	}
	for _, v := range s.eips {
		out = append(out, v)
	}
	for _, v := range s.nats {
		out = append(out, v)
	}
	for _, v := range s.rtbs {
		out = append(out, v)
	}
	for _, v := range s.sgs {
		out = append(out, v)
	}
	for _, v := range s.vpces {
		out = append(out, v)
	}
	for _, v := range s.acls {
		out = append(out, v)
	}
	for _, v := range s.compute {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].meta().seq < out[j].meta().seq })
	return out
}

// ec2Sorted lists a resource map in creation order.
func ec2Sorted[T ec2Object](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].meta().seq < out[j].meta().seq })
	return out
}

// settle moves NAT gateways whose transition is due: pending -> available (or failed), deleting
// -> deleted; deleted and failed ones disappear from listings an hour later, as in AWS.
func (s *ec2State) settle(now time.Time, delay time.Duration) {
	for id, n := range s.nats {
		switch n.state {
		case "pending":
			if !now.Before(n.created.Add(delay)) {
				if n.failureCode != "" {
					n.state, n.ended = "failed", n.created.Add(delay)
					s.releaseNAT(n)
				} else {
					n.state = "available"
				}
			}
		case "deleting":
			if !now.Before(n.deleteTime.Add(delay)) {
				n.state, n.ended = "deleted", n.deleteTime.Add(delay)
				s.releaseNAT(n)
			}
		case "deleted", "failed":
			if now.Sub(n.ended) > time.Hour {
				delete(s.nats, id)
			}
		}
	}
}

// ec2AZ is one availability zone of the region.
type ec2AZ struct{ name, id string }

// azs are the region's three zones, <region>a/b/c, with zone ids in AWS's form (use1-az1).
func (s *ec2State) azs() []ec2AZ {
	abbrev := ec2RegionAbbrev(s.region)
	out := make([]ec2AZ, 3)
	for i, letter := range []string{"a", "b", "c"} {
		out[i] = ec2AZ{name: s.region + letter, id: abbrev + "-az" + string(rune('1'+i))}
	}
	return out
}

func (s *ec2State) az(name, id string) (ec2AZ, bool) {
	for _, z := range s.azs() {
		if (name != "" && z.name == name) || (name == "" && z.id == id) {
			return z, true
		}
	}
	return ec2AZ{}, false
}

// ec2RegionAbbrev shortens a region as zone ids do: us-east-1 -> use1, ap-southeast-2 -> apse2.
func ec2RegionAbbrev(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := parts[1]
	for _, w := range [][2]string{{"north", "n"}, {"south", "s"}, {"east", "e"}, {"west", "w"}, {"central", "c"}} {
		dir = strings.ReplaceAll(dir, w[0], w[1])
	}
	return parts[0] + dir + parts[2]
}
