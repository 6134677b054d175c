package workspace

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// The session load balancer: every workspace has one Network Load Balancer in front of its Sail
// sessions (the seed's "ACM certificate per cluster for the NLB that fronts your Sail
// sessions"). It is internal, in the network's private subnets, unless the spec asks for an
// internet-facing one (then in the network's public subnets, admitting only AllowedCIDRs). A TLS
// listener on 443 terminates TLS with the workspace's session certificate (the ARN a renewal
// re-imports into, so the listener keeps naming it) under SessionTLSPolicy and forwards to an IP
// target group for the session proxy on SessionProxyPort. Its security group admits 443 from the
// network's security group (internal: the nodes' and pods' group, which needs no read of the
// VPC's CIDR) or from AllowedCIDRs (internet-facing), and lets the load balancer reach only the
// proxy's port on members of the network's group. All four are named lakesail-<conn>-<ws> (the
// load balancer's name fits ELB's 32 characters, so the policies scope by name), created tagged
// with the workspace's tags and retagged when they change (load_balancer_tags.go).

// Schemes of the session load balancer.
const (
	SchemeInternal       = "internal"
	SchemeInternetFacing = "internet-facing"
)

// SessionProxyPort is the session proxy's port on the pods the target group registers.
const SessionProxyPort = 8443

// sessionListenerPort is the TLS port clients connect to.
const sessionListenerPort = 443

// SessionTLSPolicy is the listener's security policy: TLS 1.3 and 1.2 with forward secrecy only.
const SessionTLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// SessionLoadBalancerSpec is how the session load balancer is reached.
type SessionLoadBalancerSpec struct {
	// Scheme is SchemeInternal (also when empty) or SchemeInternetFacing.
	Scheme string
	// AllowedCIDRs are the IPv4 blocks an internet-facing load balancer admits (required then,
	// refused otherwise).
	AllowedCIDRs []string
}

// SessionLoadBalancer is the session load balancer as found. The ARNs and the DNS name are set
// when the piece exists; Drift (in Workspace.Drift) says what differs from the spec.
type SessionLoadBalancer struct {
	Scheme          string
	AllowedCIDRs    []string
	DNSName         string
	ARN             string
	ListenerARN     string
	TargetGroupARN  string
	SecurityGroupID string
	// CertificateARN and TLSPolicy are the listener's.
	CertificateARN string
	TLSPolicy      string
	// InSpec says every piece exists and is as the spec says.
	InSpec bool
}

func (s Spec) sessionScheme() string {
	if s.SessionLoadBalancer.Scheme == "" {
		return SchemeInternal
	}
	return s.SessionLoadBalancer.Scheme
}

// LoadBalancerName names the session load balancer and its target group: the cluster's name
// (lakesail-<conn>-<ws>, 30 characters).
func (s Spec) LoadBalancerName() string { return s.ClusterName() }

// LoadBalancerSecurityGroupName is the session load balancer's security group.
func (s Spec) LoadBalancerSecurityGroupName() string { return s.ClusterName() + "-sessions" }

// loadBalancerSubnets are the subnets of the spec's scheme.
func (s Spec) loadBalancerSubnets() []string {
	if s.sessionScheme() == SchemeInternetFacing {
		return s.Network.PublicSubnetIDs
	}
	return s.Network.PrivateSubnetIDs
}

// validateSessionLoadBalancer adds the session load balancer's problems to bad.
func (s Spec) validateSessionLoadBalancer(bad func(field, format string, args ...any)) {
	lb := s.SessionLoadBalancer
	switch s.sessionScheme() {
	case SchemeInternal:
		if len(lb.AllowedCIDRs) > 0 {
			bad("session_load_balancer.allowed_cidrs", "is only meaningful with scheme = %q: an internal load balancer admits the network's security group", SchemeInternetFacing)
		}
	case SchemeInternetFacing:
		if len(lb.AllowedCIDRs) == 0 {
			bad("session_load_balancer.allowed_cidrs", "an internet-facing load balancer needs at least one CIDR block (0.0.0.0/0 is not assumed)")
		}
		if len(s.Network.PublicSubnetIDs) == 0 {
			bad("public_subnet_ids", "an internet-facing session load balancer needs the network's public subnets: set public_subnet_ids (lakesail_network.public_subnet_ids), or use scheme = %q", SchemeInternal)
		}
	default:
		bad("session_load_balancer.scheme", "must be %q or %q, got %q", SchemeInternal, SchemeInternetFacing, lb.Scheme)
	}
	for _, c := range lb.AllowedCIDRs {
		if p, err := netip.ParsePrefix(c); err != nil || !p.Addr().Is4() || p.Masked() != p {
			bad("session_load_balancer.allowed_cidrs", "%q is not an IPv4 CIDR block such as 203.0.113.0/24", c)
		}
	}
	for _, id := range s.Network.PublicSubnetIDs {
		if !subnetIDPattern.MatchString(id) {
			bad("public_subnet_ids", "%q is not a subnet id", id)
		}
	}
}

// elbTags are the workspace's tags as ELB takes them.
func elbTags(tags map[string]string) []elbtypes.Tag {
	out := make([]elbtypes.Tag, 0, len(tags))
	for _, k := range sortedMapKeys(tags) {
		out = append(out, elbtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// sgRule is one security group rule, one peer each, in words: "in tcp 443 sg-..." or
// "out tcp 8443 10.0.0.0/16".
func sgRules(egress bool, perms []ec2types.IpPermission) []string {
	dir := "in"
	if egress {
		dir = "out"
	}
	var out []string
	for _, p := range perms {
		head := dir + " " + aws.ToString(p.IpProtocol) + " " + strconv.Itoa(int(aws.ToInt32(p.FromPort))) + "-" + strconv.Itoa(int(aws.ToInt32(p.ToPort))) + " "
		for _, r := range p.IpRanges {
			out = append(out, head+aws.ToString(r.CidrIp))
		}
		for _, r := range p.Ipv6Ranges {
			out = append(out, head+aws.ToString(r.CidrIpv6))
		}
		for _, r := range p.PrefixListIds {
			out = append(out, head+aws.ToString(r.PrefixListId))
		}
		for _, g := range p.UserIdGroupPairs {
			out = append(out, head+aws.ToString(g.GroupId))
		}
	}
	return out
}

// wantedRules are the load balancer's security group rules, in sgRules' words.
func (s Spec) wantedRules() []string {
	in := "in tcp " + strconv.Itoa(sessionListenerPort) + "-" + strconv.Itoa(sessionListenerPort) + " "
	var out []string
	if s.sessionScheme() == SchemeInternetFacing {
		for _, c := range s.SessionLoadBalancer.AllowedCIDRs {
			out = append(out, in+c)
		}
	} else {
		out = append(out, in+s.Network.SecurityGroupID)
	}
	out = append(out, "out tcp "+strconv.Itoa(SessionProxyPort)+"-"+strconv.Itoa(SessionProxyPort)+" "+s.Network.SecurityGroupID)
	slices.Sort(out)
	return out
}

// rulePermission is the IpPermission of one rule in sgRules' words.
func rulePermission(rule string) (egress bool, perm ec2types.IpPermission) {
	f := strings.Fields(rule) // dir proto from-to peer
	from, to, _ := strings.Cut(f[2], "-")
	fromPort, _ := strconv.Atoi(from)
	toPort, _ := strconv.Atoi(to)
	perm = ec2types.IpPermission{IpProtocol: aws.String(f[1])}
	if f[1] != "-1" {
		perm.FromPort, perm.ToPort = aws.Int32(int32(fromPort)), aws.Int32(int32(toPort))
	}
	switch peer := f[3]; {
	case strings.HasPrefix(peer, "sg-"):
		perm.UserIdGroupPairs = []ec2types.UserIdGroupPair{{GroupId: aws.String(peer)}}
	case strings.HasPrefix(peer, "pl-"):
		perm.PrefixListIds = []ec2types.PrefixListId{{PrefixListId: aws.String(peer)}}
	case strings.Contains(peer, ":"):
		perm.Ipv6Ranges = []ec2types.Ipv6Range{{CidrIpv6: aws.String(peer)}}
	default:
		perm.IpRanges = []ec2types.IpRange{{CidrIp: aws.String(peer)}}
	}
	return f[0] == "out", perm
}

// lbGroup is the load balancer's security group as found.
type lbGroup struct {
	id    string
	tags  map[string]string
	rules []string // sorted
}

// findLoadBalancerGroup finds the load balancer's security group by name in the network's VPC.
func (c *Client) findLoadBalancerGroup(ctx context.Context, s Spec, vpcID string) (*lbGroup, error) {
	filters := []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{s.LoadBalancerSecurityGroupName()}}}
	if vpcID != "" {
		filters = append(filters, ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpcID}})
	}
	out, err := c.EC2().DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: filters})
	if err != nil {
		return nil, lakesail.Classify("ec2:DescribeSecurityGroups", err)
	}
	if len(out.SecurityGroups) == 0 {
		return nil, lakesail.NewNotFound("ec2:DescribeSecurityGroups", "InvalidGroup.NotFound",
			"security group "+s.LoadBalancerSecurityGroupName()+" does not exist")
	}
	g := out.SecurityGroups[0]
	rules := append(sgRules(false, g.IpPermissions), sgRules(true, g.IpPermissionsEgress)...)
	slices.Sort(rules)
	return &lbGroup{id: aws.ToString(g.GroupId), tags: ec2TagMap(g.Tags), rules: rules}, nil
}

// findLoadBalancer finds the session load balancer by name.
func (c *Client) findLoadBalancer(ctx context.Context, s Spec) (*elbtypes.LoadBalancer, error) {
	out, err := c.ELB().DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{s.LoadBalancerName()}})
	if err := lakesail.Classify("elasticloadbalancing:DescribeLoadBalancers", err); err != nil {
		return nil, err
	}
	if len(out.LoadBalancers) == 0 {
		return nil, lakesail.NewNotFound("elasticloadbalancing:DescribeLoadBalancers", "LoadBalancerNotFound",
			"load balancer "+s.LoadBalancerName()+" does not exist")
	}
	return &out.LoadBalancers[0], nil
}

// findTargetGroup finds the session target group by name.
func (c *Client) findTargetGroup(ctx context.Context, s Spec) (*elbtypes.TargetGroup, error) {
	out, err := c.ELB().DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{s.LoadBalancerName()}})
	if err := lakesail.Classify("elasticloadbalancing:DescribeTargetGroups", err); err != nil {
		return nil, err
	}
	if len(out.TargetGroups) == 0 {
		return nil, lakesail.NewNotFound("elasticloadbalancing:DescribeTargetGroups", "TargetGroupNotFound",
			"target group "+s.LoadBalancerName()+" does not exist")
	}
	return &out.TargetGroups[0], nil
}

// sessionListener is the load balancer's listener on 443, nil when it has none.
func (c *Client) sessionListener(ctx context.Context, lbARN string) (*elbtypes.Listener, error) {
	out, err := c.ELB().DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(lbARN)})
	if err := lakesail.Classify("elasticloadbalancing:DescribeListeners", err); err != nil {
		return nil, lakesail.IgnoreNotFound(err)
	}
	for i, l := range out.Listeners {
		if aws.ToInt32(l.Port) == sessionListenerPort {
			return &out.Listeners[i], nil
		}
	}
	return nil, nil
}

// listenerTargetGroup is the target group a listener forwards to ("" when none or several).
func listenerTargetGroup(l *elbtypes.Listener) string {
	if l == nil || len(l.DefaultActions) != 1 || l.DefaultActions[0].Type != elbtypes.ActionTypeEnumForward {
		return ""
	}
	a := l.DefaultActions[0]
	if arn := aws.ToString(a.TargetGroupArn); arn != "" {
		return arn
	}
	if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) == 1 {
		return aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
	}
	return ""
}

func listenerCertificate(l *elbtypes.Listener) string {
	if l == nil || len(l.Certificates) != 1 {
		return ""
	}
	return aws.ToString(l.Certificates[0].CertificateArn)
}

// targetGroupNamed tells whether a target group ARN is the workspace's by name.
func (s Spec) targetGroupNamed(arn string) bool {
	return strings.Contains(arn, ":targetgroup/"+s.LoadBalancerName()+"/")
}

// listenerDrift says how a listener differs from the spec (certificateARN is the workspace's).
func (s Spec) listenerDrift(l *elbtypes.Listener, certificateARN string) []string {
	what := "the session load balancer's listener on " + strconv.Itoa(sessionListenerPort)
	if l == nil {
		return []string{what + " was deleted"}
	}
	var out []string
	if l.Protocol != elbtypes.ProtocolEnumTls {
		out = append(out, fmt.Sprintf("%s is %s, not TLS", what, l.Protocol))
	}
	if cert := listenerCertificate(l); certificateARN != "" && cert != certificateARN {
		out = append(out, fmt.Sprintf("%s serves certificate %q, not the workspace's %s", what, cert, certificateARN))
	}
	if p := aws.ToString(l.SslPolicy); p != SessionTLSPolicy {
		out = append(out, fmt.Sprintf("%s uses security policy %q, not %s", what, p, SessionTLSPolicy))
	}
	if !s.targetGroupNamed(listenerTargetGroup(l)) {
		out = append(out, what+" does not forward to the session target group "+s.LoadBalancerName())
	}
	return out
}

// loadBalancerDrift says how the load balancer differs from the spec (nil when it matches).
func (s Spec) loadBalancerDrift(lb *elbtypes.LoadBalancer, groupID string) []string {
	what := "session load balancer " + s.LoadBalancerName()
	var out []string
	if string(lb.Scheme) != s.sessionScheme() {
		out = append(out, fmt.Sprintf("%s is %s, not %s (apply replaces it)", what, lb.Scheme, s.sessionScheme()))
	}
	if subnets := s.loadBalancerSubnets(); len(subnets) > 0 {
		var have []string
		for _, z := range lb.AvailabilityZones {
			have = append(have, aws.ToString(z.SubnetId))
		}
		if !slices.Equal(slices.Sorted(slices.Values(have)), slices.Sorted(slices.Values(subnets))) {
			out = append(out, fmt.Sprintf("%s is in subnets %v, not %v (apply replaces it)", what, have, subnets))
		}
	}
	if groupID != "" && !slices.Equal(lb.SecurityGroups, []string{groupID}) {
		out = append(out, fmt.Sprintf("%s has security groups %v, not only %s", what, lb.SecurityGroups, groupID))
	}
	return out
}

// needsReplacement: the scheme and subnets of a load balancer cannot change, nor can security
// groups be given to one created without any.
func (s Spec) needsReplacement(lb *elbtypes.LoadBalancer) bool {
	if string(lb.Scheme) != s.sessionScheme() || len(lb.SecurityGroups) == 0 {
		return true
	}
	var have []string
	for _, z := range lb.AvailabilityZones {
		have = append(have, aws.ToString(z.SubnetId))
	}
	return !slices.Equal(slices.Sorted(slices.Values(have)), slices.Sorted(slices.Values(s.loadBalancerSubnets())))
}

// readSessionLoadBalancer observes the load balancer, its listener, its target group and its
// security group with their tags (four calls: the load balancer and the group at once, then the
// listener, then the tags) and records drift. vpcID is the cluster's VPC. With imported, the
// spec's scheme and CIDRs are taken from what is found, and the tags are held to the cluster's.
func (c *Client) readSessionLoadBalancer(ctx context.Context, s Spec, w *Workspace, certificateARN string, imported bool, drift func(string, ...any)) error {
	if imported {
		s.Tags = w.Tags
	}
	want := s.WorkspaceTags()
	var lb *elbtypes.LoadBalancer
	var group *lbGroup
	var group2 errgroup.Group
	var lbErr, groupErr error
	group2.Go(func() error { lb, lbErr = c.findLoadBalancer(ctx, s); return nil })
	group2.Go(func() error { group, groupErr = c.findLoadBalancerGroup(ctx, s, w.Network.VpcID); return nil })
	_ = group2.Wait()
	if lbErr != nil && !errors.Is(lbErr, lakesail.ErrNotFound) {
		return lbErr
	}
	if groupErr != nil && !errors.Is(groupErr, lakesail.ErrNotFound) {
		return groupErr
	}
	obs := &SessionLoadBalancer{Scheme: s.sessionScheme(), AllowedCIDRs: s.SessionLoadBalancer.AllowedCIDRs}
	w.SessionLoadBalancer = obs
	var problems []string
	if group == nil {
		problems = append(problems, "security group "+s.LoadBalancerSecurityGroupName()+" of the session load balancer was deleted")
	} else {
		obs.SecurityGroupID = group.id
		problems = append(problems, tagDrift("security group "+group.id+" of the session load balancer", group.tags, want)...)
		if imported {
			obs.AllowedCIDRs = nil
			for _, r := range group.rules {
				if f := strings.Fields(r); f[0] == "in" && !strings.HasPrefix(f[3], "sg-") {
					obs.AllowedCIDRs = append(obs.AllowedCIDRs, f[3])
				}
			}
		}
	}
	if lb == nil {
		problems = append(problems, "session load balancer "+s.LoadBalancerName()+" was deleted")
	} else {
		obs.ARN, obs.DNSName = aws.ToString(lb.LoadBalancerArn), aws.ToString(lb.DNSName)
		if imported {
			obs.Scheme = string(lb.Scheme)
			s.SessionLoadBalancer = SessionLoadBalancerSpec{Scheme: obs.Scheme, AllowedCIDRs: obs.AllowedCIDRs}
			if obs.Scheme != SchemeInternetFacing {
				obs.AllowedCIDRs = nil
				s.SessionLoadBalancer.AllowedCIDRs = nil
			}
		} else {
			obs.Scheme = string(lb.Scheme)
			if obs.Scheme != s.sessionScheme() {
				obs.AllowedCIDRs = nil
			}
		}
		groupID := ""
		if group != nil {
			groupID = group.id
		}
		problems = append(problems, s.loadBalancerDrift(lb, groupID)...)
		l, err := c.sessionListener(ctx, obs.ARN)
		if err != nil {
			return err
		}
		if l != nil {
			obs.ListenerARN, obs.CertificateARN, obs.TLSPolicy = aws.ToString(l.ListenerArn), listenerCertificate(l), aws.ToString(l.SslPolicy)
			if tg := listenerTargetGroup(l); s.targetGroupNamed(tg) {
				obs.TargetGroupARN = tg
			}
		}
		problems = append(problems, s.listenerDrift(l, certificateARN)...)
		tagProblems, err := c.sessionTagProblems(ctx, s, obs, want)
		if err != nil {
			return err
		}
		problems = append(problems, tagProblems...)
	}
	if group != nil && !imported {
		if want := s.wantedRules(); !slices.Equal(group.rules, want) {
			problems = append(problems, fmt.Sprintf("security group %s of the session load balancer has rules %v, not %v", group.id, group.rules, want))
		}
	}
	for _, p := range problems {
		drift("%s", p)
	}
	obs.InSpec = len(problems) == 0
	return nil
}

// ensureSessionLoadBalancer finds or creates the security group, the target group, the load
// balancer and its listener, and brings each in line with the spec, tags included;
// certificateARN is the workspace's session certificate.
func (c *Client) ensureSessionLoadBalancer(ctx context.Context, s Spec, certificateARN string) error {
	var groupID, tgARN string
	var tgMade bool
	var group errgroup.Group
	group.Go(func() (err error) { groupID, err = c.ensureLoadBalancerGroup(ctx, s); return err })
	group.Go(func() (err error) { tgARN, tgMade, err = c.ensureTargetGroup(ctx, s); return err })
	if err := group.Wait(); err != nil {
		return err
	}
	lbARN, made, err := c.ensureLoadBalancer(ctx, s, groupID)
	if err != nil {
		return err
	}
	var l *elbtypes.Listener
	if !made {
		if l, err = c.sessionListener(ctx, lbARN); err != nil {
			return err
		}
	}
	// What existed before may carry tags the workspace no longer has; what was just made has its.
	var existed []string
	if !made {
		existed = append(existed, lbARN)
	}
	if !tgMade {
		existed = append(existed, tgARN)
	}
	api := c.ELB()
	forward := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgARN)}}
	certs := []elbtypes.Certificate{{CertificateArn: aws.String(certificateARN)}}
	if l == nil {
		_, err := api.CreateListener(ctx, &elb.CreateListenerInput{
			LoadBalancerArn: aws.String(lbARN), Protocol: elbtypes.ProtocolEnumTls, Port: aws.Int32(sessionListenerPort),
			Certificates: certs, SslPolicy: aws.String(SessionTLSPolicy), DefaultActions: forward, Tags: elbTags(s.WorkspaceTags()),
		})
		if err := lakesail.Classify("elasticloadbalancing:CreateListener", err); err != nil {
			return err
		}
		return c.retagSessionResources(ctx, s, existed)
	}
	existed = append(existed, aws.ToString(l.ListenerArn))
	if drift := s.listenerDrift(l, certificateARN); len(drift) > 0 || listenerTargetGroup(l) != tgARN {
		c.Log(ctx, "repairing the session listener", map[string]any{"listener": aws.ToString(l.ListenerArn), "drift": drift})
		_, err := api.ModifyListener(ctx, &elb.ModifyListenerInput{
			ListenerArn: l.ListenerArn, Protocol: elbtypes.ProtocolEnumTls, Port: aws.Int32(sessionListenerPort),
			Certificates: certs, SslPolicy: aws.String(SessionTLSPolicy), DefaultActions: forward,
		})
		if err := lakesail.Classify("elasticloadbalancing:ModifyListener", err); err != nil {
			return err
		}
	}
	return c.retagSessionResources(ctx, s, existed)
}

// ensureLoadBalancerGroup finds or creates the load balancer's security group and makes its
// rules the spec's.
func (c *Client) ensureLoadBalancerGroup(ctx context.Context, s Spec) (string, error) {
	api := c.EC2()
	g, err := c.findLoadBalancerGroup(ctx, s, s.Network.VpcID)
	switch {
	case errors.Is(err, lakesail.ErrNotFound):
		out, err := api.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName: aws.String(s.LoadBalancerSecurityGroupName()), VpcId: aws.String(s.Network.VpcID),
			Description: aws.String("LakeSail workspace " + s.WorkspaceID + ": the session load balancer (TLS in, the session proxy out)"),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup,
				Tags: ec2TagList(s.WorkspaceTags())}},
		})
		if err != nil {
			return "", lakesail.Classify("ec2:CreateSecurityGroup", err)
		}
		// A new group comes with the open outbound rule only.
		g = &lbGroup{id: aws.ToString(out.GroupId), tags: s.WorkspaceTags(), rules: []string{"out -1 0-0 0.0.0.0/0"}}
	case err != nil:
		return "", err
	}
	if g.tags[TagWorkspace] != s.WorkspaceID {
		return "", &lakesail.ConflictError{What: "security group " + s.LoadBalancerSecurityGroupName() + " (" + g.id + ")",
			Err: errors.New("it exists but is not tagged " + TagWorkspace + "=" + s.WorkspaceID)}
	}
	if err := c.retagLoadBalancerGroup(ctx, s, g); err != nil {
		return "", err
	}
	want := s.wantedRules()
	for _, r := range g.rules {
		if slices.Contains(want, r) {
			continue
		}
		egress, perm := rulePermission(r)
		if egress {
			_, err = api.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(g.id), IpPermissions: []ec2types.IpPermission{perm}})
			err = lakesail.Classify("ec2:RevokeSecurityGroupEgress", err)
		} else {
			_, err = api.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(g.id), IpPermissions: []ec2types.IpPermission{perm}})
			err = lakesail.Classify("ec2:RevokeSecurityGroupIngress", err)
		}
		if err := lakesail.IgnoreNotFound(err); err != nil {
			return "", err
		}
	}
	for _, r := range want {
		if slices.Contains(g.rules, r) {
			continue
		}
		egress, perm := rulePermission(r)
		if egress {
			_, err = api.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(g.id), IpPermissions: []ec2types.IpPermission{perm}})
			err = lakesail.Classify("ec2:AuthorizeSecurityGroupEgress", err)
		} else {
			_, err = api.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(g.id), IpPermissions: []ec2types.IpPermission{perm}})
			err = lakesail.Classify("ec2:AuthorizeSecurityGroupIngress", err)
		}
		if err != nil {
			return "", err
		}
	}
	return g.id, nil
}

// ensureTargetGroup finds or creates the session target group (IP targets, TCP to the proxy);
// made says it is new.
func (c *Client) ensureTargetGroup(ctx context.Context, s Spec) (arn string, made bool, err error) {
	tg, err := c.findTargetGroup(ctx, s)
	if err == nil {
		return aws.ToString(tg.TargetGroupArn), false, nil
	}
	if !errors.Is(err, lakesail.ErrNotFound) {
		return "", false, err
	}
	out, err := c.ELB().CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{
		Name: aws.String(s.LoadBalancerName()), Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(SessionProxyPort),
		VpcId: aws.String(s.Network.VpcID), TargetType: elbtypes.TargetTypeEnumIp, Tags: elbTags(s.WorkspaceTags()),
	})
	if err := lakesail.Classify("elasticloadbalancing:CreateTargetGroup", err); err != nil {
		return "", false, err
	}
	return aws.ToString(out.TargetGroups[0].TargetGroupArn), true, nil
}

// ensureLoadBalancer finds or creates the load balancer; one of another scheme or subnets is
// replaced (its listener goes with it), and its security groups are restored. made says it is new.
func (c *Client) ensureLoadBalancer(ctx context.Context, s Spec, groupID string) (arn string, made bool, err error) {
	api := c.ELB()
	lb, err := c.findLoadBalancer(ctx, s)
	switch {
	case err == nil && s.needsReplacement(lb):
		c.Log(ctx, "replacing the session load balancer", map[string]any{"load_balancer": aws.ToString(lb.LoadBalancerArn),
			"scheme": string(lb.Scheme), "want": s.sessionScheme()})
		if err := c.deleteLoadBalancer(ctx, aws.ToString(lb.LoadBalancerArn)); err != nil {
			return "", false, err
		}
	case err == nil:
		if !slices.Equal(lb.SecurityGroups, []string{groupID}) {
			_, err := api.SetSecurityGroups(ctx, &elb.SetSecurityGroupsInput{LoadBalancerArn: lb.LoadBalancerArn, SecurityGroups: []string{groupID}})
			if err := lakesail.Classify("elasticloadbalancing:SetSecurityGroups", err); err != nil {
				return "", false, err
			}
		}
		return aws.ToString(lb.LoadBalancerArn), false, nil
	case !errors.Is(err, lakesail.ErrNotFound):
		return "", false, err
	}
	out, err := api.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String(s.LoadBalancerName()), Type: elbtypes.LoadBalancerTypeEnumNetwork,
		Scheme: elbtypes.LoadBalancerSchemeEnum(s.sessionScheme()), Subnets: s.loadBalancerSubnets(),
		SecurityGroups: []string{groupID}, Tags: elbTags(s.WorkspaceTags()),
	})
	if err := lakesail.Classify("elasticloadbalancing:CreateLoadBalancer", err); err != nil {
		return "", false, err
	}
	return aws.ToString(out.LoadBalancers[0].LoadBalancerArn), true, nil
}

// deleteLoadBalancer deletes a load balancer's listeners, then the load balancer.
func (c *Client) deleteLoadBalancer(ctx context.Context, arn string) error {
	api := c.ELB()
	out, err := api.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(arn)})
	if err := lakesail.Classify("elasticloadbalancing:DescribeListeners", err); err != nil {
		return lakesail.IgnoreNotFound(err)
	}
	for _, l := range out.Listeners {
		_, err := api.DeleteListener(ctx, &elb.DeleteListenerInput{ListenerArn: l.ListenerArn})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("elasticloadbalancing:DeleteListener", err)); err != nil {
			return err
		}
	}
	_, err = api.DeleteLoadBalancer(ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(arn)})
	return lakesail.IgnoreNotFound(lakesail.Classify("elasticloadbalancing:DeleteLoadBalancer", err))
}

// lbGroupDeleteWindow bounds the wait for the load balancer's network interfaces to go, which
// keep its security group in use for a while after the load balancer is deleted.
const lbGroupDeleteWindow = 10 * time.Minute

// deleteSessionLoadBalancer deletes the listener, the target group, the load balancer and then its
// security group (retried while EC2 says the load balancer's interfaces still use it). Each
// piece that is gone is skipped.
func (c *Client) deleteSessionLoadBalancer(ctx context.Context, s Spec) error {
	// The three are found at once; they are deleted in order (the target group is in use until
	// the listener is gone, the security group until the load balancer is).
	var lb *elbtypes.LoadBalancer
	var tg *elbtypes.TargetGroup
	var g *lbGroup
	var finds errgroup.Group
	finds.Go(func() (err error) { lb, err = c.findLoadBalancer(ctx, s); return lakesail.IgnoreNotFound(err) })
	finds.Go(func() (err error) { tg, err = c.findTargetGroup(ctx, s); return lakesail.IgnoreNotFound(err) })
	finds.Go(func() (err error) {
		g, err = c.findLoadBalancerGroup(ctx, s, s.Network.VpcID)
		return lakesail.IgnoreNotFound(err)
	})
	if err := finds.Wait(); err != nil {
		return err
	}
	if lb != nil {
		if err := c.deleteLoadBalancer(ctx, aws.ToString(lb.LoadBalancerArn)); err != nil {
			return err
		}
	}
	if tg != nil {
		_, err := c.ELB().DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: tg.TargetGroupArn})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("elasticloadbalancing:DeleteTargetGroup", err)); err != nil {
			return err
		}
	}
	if g == nil {
		return nil
	}
	if g.tags[TagWorkspace] != s.WorkspaceID {
		c.Log(ctx, "leaving a security group that is not the workspace's", map[string]any{"group": g.id})
		return nil
	}
	opts := c.WaitOptions().Within(lbGroupDeleteWindow)
	opts.OnRetry = func(err error) {
		c.Log(ctx, "waiting for the session load balancer's interfaces to release its security group", map[string]any{"error": err.Error()})
	}
	err := lakesail.RetryWhen(ctx, opts, lakesail.IsDependencyViolation, func() error {
		_, err := c.EC2().DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(g.id)})
		return lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteSecurityGroup", err))
	})
	var stopped *lakesail.RetryStopped
	if errors.As(err, &stopped) {
		if stopped.Cause != nil {
			return errors.Join(stopped.Last, stopped.Cause)
		}
		return stopped.Last
	}
	return err
}

// sessionLoadBalancerRemnants lists what is left of the session load balancer.
func (c *Client) sessionLoadBalancerRemnants(ctx context.Context, s Spec) ([]string, error) {
	var mu sync.Mutex
	var out []string
	found := func(what string, err error) error {
		switch {
		case err == nil:
			mu.Lock()
			out = append(out, what)
			mu.Unlock()
			return nil
		case errors.Is(err, lakesail.ErrNotFound):
			return nil
		}
		return err
	}
	var group errgroup.Group
	group.Go(func() error {
		_, err := c.findLoadBalancer(ctx, s)
		return found("load balancer "+s.LoadBalancerName(), err)
	})
	group.Go(func() error {
		_, err := c.findTargetGroup(ctx, s)
		return found("target group "+s.LoadBalancerName(), err)
	})
	group.Go(func() error {
		_, err := c.findLoadBalancerGroup(ctx, s, s.Network.VpcID)
		return found("security group "+s.LoadBalancerSecurityGroupName(), err)
	})
	if err := group.Wait(); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}
