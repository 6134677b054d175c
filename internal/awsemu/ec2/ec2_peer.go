package ec2

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2Peer is EC2's answer to other services (the small interfaces they declare, such as EKS's
// eksEC2 and Elastic Load Balancing's elbEC2, whose further methods are in ec2_peer_elbv2.go).
type ec2Peer struct{}

// Subnet implements eksEC2 and elbEC2.
func (ec2Peer) Subnet(c *core.Req, id string) (string, string, bool) {
	sn := ec2Of(c).subnets[id]
	if sn == nil {
		return "", "", false
	}
	return sn.vpc, sn.az.name, true
}

// SecurityGroupVPC implements eksEC2 and elbEC2.
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

// ec2EKSTemplate is a launch template version as EKS reads it. It must spell eks's
// eksLaunchTemplate exactly (an unnamed struct type), so that the method signatures are
// identical without either package importing the other.
type ec2EKSTemplate = struct {
	ID, Name, ARN         string
	Version               int
	ImageID, InstanceType string
	InstanceProfile       bool     // the version names an IAM instance profile
	SecurityGroups        []string // the groups the version names (ids, names resolved)
}

// ec2EKSNode is a node EKS launches from a launch template version, or asks whether the caller
// may launch. It must spell eks's eksNodeLaunch exactly.
type ec2EKSNode = struct {
	TemplateID            string
	TemplateVersion       int
	Subnet                string
	ImageID, InstanceType string     // used when the template names none
	SecurityGroups        []string   // used when the template names none (the cluster security group)
	Tags                  []core.Tag // EKS's own tags, on the instance, its volume and its interface
}

// LaunchTemplate implements eksEC2: the caller's template by id or name (one of them) and the
// version ("" or "$Default", "$Latest", a number), with EC2's error when there is none.
func (ec2Peer) LaunchTemplate(c *core.Req, id, name, version string) (ec2EKSTemplate, *core.APIError) {
	s := ec2Of(c)
	lt, err := s.launchTemplate(ec2Params(c, map[string]string{"LaunchTemplateId": id, "LaunchTemplateName": name}), "")
	if err != nil {
		return ec2EKSTemplate{}, err
	}
	v, err := lt.version(version)
	if err != nil {
		return ec2EKSTemplate{}, err
	}
	l := ec2ResolveLaunch(ec2Params(c, map[string]string{"LaunchTemplate.LaunchTemplateId": lt.id, "LaunchTemplate.Version": strconv.Itoa(v.number)}))
	out := ec2EKSTemplate{ID: lt.id, Name: lt.name, ARN: ec2ARN(c, "launch-template", lt.id), Version: v.number,
		ImageID: v.data["ImageId"], InstanceType: v.data["InstanceType"],
		InstanceProfile: v.data["IamInstanceProfile.Arn"] != "" || v.data["IamInstanceProfile.Name"] != ""}
	if l.groupsLT {
		out.SecurityGroups = append(out.SecurityGroups, l.groups...)
	}
	return out, nil
}

// RunInstancesChecks implements eksEC2: the ec2:RunInstances questions a launch of n asks of
// the caller, as EC2 authorizes RunInstances with the template (ec2Launch.targets): the template,
// the subnet, the template's security groups and the image with their keys, and the new
// instance, volume and interface with the tags the template gives them; each with
// ec2:LaunchTemplate and ec2:IsLaunchTemplateResource. No iam:PassRole: a node group's template
// may not name an instance profile (EKS refuses it and builds the profile from the node role),
// the node role is passed to eks.amazonaws.com by CreateNodegroup itself, and the nodes are
// launched by EKS's service-linked role, not the caller.
func (ec2Peer) RunInstancesChecks(c *core.Req, n ec2EKSNode) []core.Check {
	l, cc := ec2NodeLaunch(c, n)
	var checks []core.Check
	for _, t := range l.targets(cc) {
		if strings.Contains(t.arn, ":security-group/") && !l.groupsLT {
			continue // EKS's own cluster security group, not the caller's to launch into
		}
		checks = append(checks, core.Check{Action: "ec2:RunInstances", Resources: []string{t.arn}, Context: t.ctx})
	}
	return checks
}

// LaunchNode implements eksEC2: EKS (its service-linked role, so nothing is asked of the caller)
// launches one instance of n and returns its id. The instance, its root volume and its primary
// interface get the template's tags for their type and n.Tags.
func (ec2Peer) LaunchNode(c *core.Req, n ec2EKSNode) string {
	s := ec2Of(c)
	l, _ := ec2NodeLaunch(c, n)
	sn := s.subnets[n.Subnet]
	if sn == nil || l.lt == nil {
		return ""
	}
	tags := map[string][]core.Tag{}
	for _, typ := range []string{"instance", "volume", "network-interface"} {
		merged, err := ec2MergeTags(l.tags[typ], n.Tags)
		if err != nil {
			merged = l.tags[typ]
		}
		tags[typ] = merged
	}
	// The EKS optimized AMIs' defaults: IMDSv2 with room for one container hop, a 20 GiB gp3 root.
	in := s.launch(c, l, sn, ec2NewID("r"), tags, ec2LaunchDefaults{httpTokens: "required", hopLimit: 2, volumeSize: 20, volumeType: "gp3"})
	in.keyName = ""
	return in.id
}

// TerminateNodes implements eksEC2: EKS terminates instances it launched.
func (ec2Peer) TerminateNodes(c *core.Req, ids []string) {
	s := ec2Of(c)
	for _, id := range ids {
		if in, ok := s.compute[id].(*ec2Instance); ok {
			s.terminate(in, c.Now)
		}
	}
}

// ec2NodeLaunch resolves the RunInstances request a launch of n amounts to: the template
// version into n.Subnet, with n's image, instance type and security groups where the template
// names none.
func ec2NodeLaunch(c *core.Req, n ec2EKSNode) (*ec2Launch, *core.Req) {
	p := map[string]string{"LaunchTemplate.LaunchTemplateId": n.TemplateID, "LaunchTemplate.Version": strconv.Itoa(n.TemplateVersion),
		"SubnetId": n.Subnet}
	l := ec2ResolveLaunch(ec2Params(c, p))
	if l.image == "" {
		p["ImageId"] = n.ImageID
	}
	if l.instTyp == "" {
		p["InstanceType"] = n.InstanceType
	}
	if !l.groupsLT {
		for i, g := range n.SecurityGroups {
			p["SecurityGroupId."+strconv.Itoa(i+1)] = g
		}
	}
	cc := ec2Params(c, p)
	return ec2ResolveLaunch(cc), cc
}

// ec2Params is c with its parameters replaced by params (empty values left out), so that what
// reads an EC2 request (ec2ResolveLaunch, launchTemplate) can answer another service.
func ec2Params(c *core.Req, params map[string]string) *core.Req {
	cc := *c
	cc.In = core.Input{Params: url.Values{}}
	for k, v := range params {
		if v != "" {
			cc.In.Params.Set(k, v)
		}
	}
	return &cc
}
