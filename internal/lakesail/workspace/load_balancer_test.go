package workspace_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"maps"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// sessionLB is the session load balancer as the administrator sees it.
type sessionLB struct {
	lb       elbtypes.LoadBalancer
	listener *elbtypes.Listener
	tg       elbtypes.TargetGroup
	group    ec2types.SecurityGroup
}

func (e *workspaceEnv) sessionLoadBalancer(t *testing.T) sessionLB {
	t.Helper()
	ctx := context.Background()
	api := elb.NewFromConfig(e.emu.AWSConfig(nil))
	lbs, err := api.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{e.spec.LoadBalancerName()}})
	lakesailtest.Must(t, err)
	out := sessionLB{lb: lbs.LoadBalancers[0]}
	listeners, err := api.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: out.lb.LoadBalancerArn})
	lakesailtest.Must(t, err)
	for i, l := range listeners.Listeners {
		if aws.ToInt32(l.Port) == 443 {
			out.listener = &listeners.Listeners[i]
		}
	}
	tgs, err := api.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{e.spec.LoadBalancerName()}})
	lakesailtest.Must(t, err)
	out.tg = tgs.TargetGroups[0]
	groups, err := ec2.NewFromConfig(e.emu.AWSConfig(nil)).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{e.spec.LoadBalancerSecurityGroupName()}}}})
	lakesailtest.Must(t, err)
	out.group = groups.SecurityGroups[0]
	return out
}

// checkSessionLoadBalancer checks everything the spec says of the session load balancer.
func (e *workspaceEnv) checkSessionLoadBalancer(t *testing.T, ws *workspace.Workspace) sessionLB {
	t.Helper()
	got := e.sessionLoadBalancer(t)
	lb, l, tg := got.lb, got.listener, got.tg
	if lb.Scheme != elbtypes.LoadBalancerSchemeEnumInternal || lb.Type != elbtypes.LoadBalancerTypeEnumNetwork ||
		!slices.Equal(lb.SecurityGroups, []string{aws.ToString(got.group.GroupId)}) || len(lb.AvailabilityZones) != len(e.spec.Network.PrivateSubnetIDs) {
		t.Errorf("load balancer: scheme %s, type %s, groups %v, zones %d", lb.Scheme, lb.Type, lb.SecurityGroups, len(lb.AvailabilityZones))
	}
	for _, z := range lb.AvailabilityZones {
		if !slices.Contains(e.spec.Network.PrivateSubnetIDs, aws.ToString(z.SubnetId)) {
			t.Errorf("load balancer in subnet %s, not a private one", aws.ToString(z.SubnetId))
		}
	}
	if l == nil || l.Protocol != elbtypes.ProtocolEnumTls || aws.ToString(l.SslPolicy) != workspace.SessionTLSPolicy ||
		len(l.Certificates) != 1 || aws.ToString(l.Certificates[0].CertificateArn) != ws.CertificateARN ||
		aws.ToString(l.DefaultActions[0].TargetGroupArn) != aws.ToString(tg.TargetGroupArn) {
		t.Fatalf("listener on 443: %+v", l)
	}
	if tg.Protocol != elbtypes.ProtocolEnumTcp || aws.ToInt32(tg.Port) != workspace.SessionProxyPort || tg.TargetType != elbtypes.TargetTypeEnumIp {
		t.Errorf("target group: %s %d %s", tg.Protocol, aws.ToInt32(tg.Port), tg.TargetType)
	}
	g := got.group
	if len(g.IpPermissions) != 1 || aws.ToInt32(g.IpPermissions[0].FromPort) != 443 || len(g.IpPermissions[0].UserIdGroupPairs) != 1 ||
		aws.ToString(g.IpPermissions[0].UserIdGroupPairs[0].GroupId) != e.spec.Network.SecurityGroupID || len(g.IpPermissions[0].IpRanges) > 0 {
		t.Errorf("inbound rules: %+v", g.IpPermissions)
	}
	if len(g.IpPermissionsEgress) != 1 || aws.ToInt32(g.IpPermissionsEgress[0].FromPort) != workspace.SessionProxyPort ||
		len(g.IpPermissionsEgress[0].UserIdGroupPairs) != 1 || len(g.IpPermissionsEgress[0].IpRanges) > 0 {
		t.Errorf("outbound rules: %+v", g.IpPermissionsEgress)
	}
	s := ws.SessionLoadBalancer
	if s == nil || !s.InSpec || s.ARN != aws.ToString(lb.LoadBalancerArn) || s.DNSName != aws.ToString(lb.DNSName) ||
		s.ListenerARN != aws.ToString(l.ListenerArn) || s.TargetGroupARN != aws.ToString(tg.TargetGroupArn) || s.Scheme != workspace.SchemeInternal {
		t.Errorf("the workspace's session load balancer: %+v", s)
	}
	return got
}

// TestLibWorkspaceSessionLoadBalancer: the workspace's internal NLB with its TLS listener, target
// group and security group is created tagged; a weaker policy, a foreign certificate, an added
// rule and a deleted load balancer are reported by read and repaired by update; delete leaves
// nothing.
func TestLibWorkspaceSessionLoadBalancer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	got := env.checkSessionLoadBalancer(t, ws)
	admin := elb.NewFromConfig(env.emu.AWSConfig(nil))
	tags, err := admin.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: []string{aws.ToString(got.lb.LoadBalancerArn),
		aws.ToString(got.tg.TargetGroupArn), aws.ToString(got.listener.ListenerArn)}})
	lakesailtest.Must(t, err)
	for _, d := range tags.TagDescriptions {
		found := false
		for _, tag := range d.Tags {
			found = found || (aws.ToString(tag.Key) == workspace.TagWorkspace && aws.ToString(tag.Value) == testWorkspaceID)
		}
		if !found {
			t.Errorf("%s is not tagged with the workspace", aws.ToString(d.ResourceArn))
		}
	}

	// Tampering: a foreign certificate under a weaker policy, and SSH open to the world.
	certPEM, keyPEM := selfSigned(t, "attacker.example.com")
	foreign, err := acm.NewFromConfig(env.emu.AWSConfig(nil)).ImportCertificate(ctx, &acm.ImportCertificateInput{
		Certificate: certPEM, PrivateKey: keyPEM})
	lakesailtest.Must(t, err)
	_, err = admin.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: got.listener.ListenerArn, SslPolicy: aws.String("ELBSecurityPolicy-2016-08"),
		Certificates: []elbtypes.Certificate{{CertificateArn: foreign.CertificateArn}}})
	lakesailtest.Must(t, err)
	_, err = ec2.NewFromConfig(env.emu.AWSConfig(nil)).AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: got.group.GroupId, IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIp: aws.String("0.0.0.0/0")})
	lakesailtest.Must(t, err)
	read, err := workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	drift := strings.Join(read.Drift, "\n")
	for _, want := range []string{"serves certificate", "security policy \"ELBSecurityPolicy-2016-08\"", "in tcp 22-22 0.0.0.0/0"} {
		if !strings.Contains(drift, want) {
			t.Errorf("drift does not say %q: %v", want, read.Drift)
		}
	}
	if read.SessionLoadBalancer.InSpec {
		t.Error("a tampered load balancer reads as in spec")
	}
	repaired, err := workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(repaired.Drift) > 0 {
		t.Fatalf("drift after update: %v", repaired.Drift)
	}
	env.checkSessionLoadBalancer(t, repaired)

	// A deleted load balancer (its listener goes with it) is made again.
	_, err = admin.DeleteLoadBalancer(ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: got.lb.LoadBalancerArn})
	lakesailtest.Must(t, err)
	read, err = workspace.New(env.asRole).Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if !strings.Contains(strings.Join(read.Drift, "\n"), "session load balancer "+env.spec.LoadBalancerName()+" was deleted") || read.SessionLoadBalancer.ARN != "" {
		t.Errorf("drift after the load balancer was deleted: %v", read.Drift)
	}
	repaired, err = workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(repaired.Drift) > 0 {
		t.Fatalf("drift after update: %v", repaired.Drift)
	}
	env.checkSessionLoadBalancer(t, repaired)
	_, _ = acm.NewFromConfig(env.emu.AWSConfig(nil)).DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: foreign.CertificateArn})

	env.assertCallsByRole(t)
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, repaired.Record()))
	env.assertNoOrphans(t)
	left, err := workspace.New(env.asRole).Remnants(ctx, env.spec, repaired.Record())
	lakesailtest.Must(t, err)
	if len(left) > 0 {
		t.Errorf("remnants after delete: %v", left)
	}
}

// TestLibWorkspaceSessionLoadBalancerSpec: plan-time checks of the scheme and its CIDRs.
func TestLibWorkspaceSessionLoadBalancerSpec(t *testing.T) {
	t.Parallel()
	base := testWorkspaceSpec(awsemu.Test(t, awsemu.Options{}), workspace.Network{VpcID: "vpc-0123456789abcdef0",
		PrivateSubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}, SecurityGroupID: "sg-0123456789abcdef0",
		KMSKeyARN: "arn:aws:kms:us-east-1:123456789012:key/x", BucketName: "lakesail-" + strings.ToLower(lakesailtest.ConnectionID) + "-net-ws"})
	lakesailtest.Must(t, base.Validate())
	for _, c := range []struct {
		lb     workspace.SessionLoadBalancerSpec
		public []string
		field  string
	}{
		{workspace.SessionLoadBalancerSpec{Scheme: "public"}, nil, "session_load_balancer.scheme"},
		{workspace.SessionLoadBalancerSpec{AllowedCIDRs: []string{"10.0.0.0/8"}}, nil, "session_load_balancer.allowed_cidrs"},
		{workspace.SessionLoadBalancerSpec{Scheme: workspace.SchemeInternetFacing}, []string{"subnet-0123456789abcdef2"}, "session_load_balancer.allowed_cidrs"},
		{workspace.SessionLoadBalancerSpec{Scheme: workspace.SchemeInternetFacing, AllowedCIDRs: []string{"203.0.113.0/24"}}, nil, "public_subnet_ids"},
		{workspace.SessionLoadBalancerSpec{Scheme: workspace.SchemeInternetFacing, AllowedCIDRs: []string{"203.0.113.1/24"}}, []string{"subnet-0123456789abcdef2"}, "session_load_balancer.allowed_cidrs"},
	} {
		s := base
		s.SessionLoadBalancer, s.Network.PublicSubnetIDs = c.lb, c.public
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "workspace "+c.field+":") {
			t.Errorf("%+v with public subnets %v: %v, want an error on %s", c.lb, c.public, err, c.field)
		}
	}
	ok := base
	ok.SessionLoadBalancer = workspace.SessionLoadBalancerSpec{Scheme: workspace.SchemeInternetFacing, AllowedCIDRs: []string{"203.0.113.0/24"}}
	ok.Network.PublicSubnetIDs = []string{"subnet-0123456789abcdef2"}
	lakesailtest.Must(t, ok.Validate())
}

// selfSigned is a certificate for name and its key, PEM-encoded.
func selfSigned(t *testing.T, name string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	lakesailtest.Must(t, err)
	template := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	lakesailtest.Must(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	lakesailtest.Must(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

// TestLibWorkspaceInternetFacingSessionLoadBalancer: asked for, the load balancer is
// internet-facing in the public subnets and admits only the allowed CIDR blocks; back to internal,
// update replaces it in the private subnets and the group admits the network's group again.
func TestLibWorkspaceInternetFacingSessionLoadBalancer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	lakesailtest.Must(t, lakesailtest.AddPublicSubnets(ctx, env.emu.AWSConfig(nil), lakesailtest.ConnectionID, &env.spec.Network))
	env.spec.SessionLoadBalancer = workspace.SessionLoadBalancerSpec{Scheme: workspace.SchemeInternetFacing, AllowedCIDRs: []string{"203.0.113.0/24"}}
	ws := env.create(t)
	got := env.sessionLoadBalancer(t)
	if got.lb.Scheme != elbtypes.LoadBalancerSchemeEnumInternetFacing || len(ws.Drift) > 0 {
		t.Fatalf("scheme %s, drift %v", got.lb.Scheme, ws.Drift)
	}
	for _, z := range got.lb.AvailabilityZones {
		if !slices.Contains(env.spec.Network.PublicSubnetIDs, aws.ToString(z.SubnetId)) {
			t.Errorf("internet-facing load balancer in subnet %s, not a public one", aws.ToString(z.SubnetId))
		}
	}
	in := got.group.IpPermissions
	if len(in) != 1 || len(in[0].IpRanges) != 1 || aws.ToString(in[0].IpRanges[0].CidrIp) != "203.0.113.0/24" || len(in[0].UserIdGroupPairs) > 0 {
		t.Errorf("inbound rules of an internet-facing load balancer: %+v", in)
	}
	if s := ws.SessionLoadBalancer; s.Scheme != workspace.SchemeInternetFacing || !slices.Equal(s.AllowedCIDRs, []string{"203.0.113.0/24"}) || !s.InSpec {
		t.Errorf("the workspace's session load balancer: %+v", s)
	}

	internal := env.spec
	internal.SessionLoadBalancer = workspace.SessionLoadBalancerSpec{}
	read, err := workspace.New(env.asRole).Read(ctx, internal, ws.Record())
	lakesailtest.Must(t, err)
	if !strings.Contains(strings.Join(read.Drift, "\n"), "is internet-facing, not internal") {
		t.Errorf("drift read against an internal spec: %v", read.Drift)
	}
	updated, err := workspace.New(env.asRole).Update(ctx, env.spec, internal, ws.Record())
	lakesailtest.Must(t, err)
	if len(updated.Drift) > 0 || updated.SessionLoadBalancer.ARN == ws.SessionLoadBalancer.ARN {
		t.Fatalf("after the update: drift %v, load balancer %s (was %s)", updated.Drift, updated.SessionLoadBalancer.ARN, ws.SessionLoadBalancer.ARN)
	}
	env.spec = internal
	env.checkSessionLoadBalancer(t, updated)
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, updated.Record()))
	env.assertNoOrphans(t)
}

// sessionTags are the tags of the load balancer, its listener, its target group and its security
// group as the administrator sees them, by what they are.
func (e *workspaceEnv) sessionTags(t *testing.T) map[string]map[string]string {
	t.Helper()
	got := e.sessionLoadBalancer(t)
	out, err := elb.NewFromConfig(e.emu.AWSConfig(nil)).DescribeTags(context.Background(), &elb.DescribeTagsInput{ResourceArns: []string{
		aws.ToString(got.lb.LoadBalancerArn), aws.ToString(got.listener.ListenerArn), aws.ToString(got.tg.TargetGroupArn)}})
	lakesailtest.Must(t, err)
	names := map[string]string{aws.ToString(got.lb.LoadBalancerArn): "load balancer", aws.ToString(got.listener.ListenerArn): "listener",
		aws.ToString(got.tg.TargetGroupArn): "target group"}
	tags := map[string]map[string]string{"security group": {}}
	for _, d := range out.TagDescriptions {
		m := map[string]string{}
		for _, tag := range d.Tags {
			m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		tags[names[aws.ToString(d.ResourceArn)]] = m
	}
	for _, tag := range got.group.Tags {
		tags["security group"][aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return tags
}

// checkSessionTags fails unless the four carry exactly the spec's workspace tags.
func (e *workspaceEnv) checkSessionTags(t *testing.T, s workspace.Spec) {
	t.Helper()
	for what, tags := range e.sessionTags(t) {
		if !maps.Equal(tags, s.WorkspaceTags()) {
			t.Errorf("the session %s carries %v, not the workspace's %v", what, tags, s.WorkspaceTags())
		}
	}
}

// TestLibWorkspaceSessionLoadBalancerTags: the session load balancer, its listener, its target
// group and its security group follow the workspace's tags. A change of the spec's tags is read
// as drift of each (so the plan shows an update) and update retags them, the three ELB resources
// in one RemoveTags and one AddTags; tags changed outside Terraform are read and undone the same
// way.
func TestLibWorkspaceSessionLoadBalancerTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	env.checkSessionTags(t, env.spec)

	// The user's tags change: team gets another value, owner is new, project goes.
	before := env.spec
	before.Tags = map[string]string{"team": "data", "project": "lake"}
	ws, err := workspace.New(env.asRole).Update(ctx, env.spec, before, ws.Record())
	lakesailtest.Must(t, err)
	env.checkSessionTags(t, before)
	after := before
	after.Tags = map[string]string{"team": "sessions", "owner": "platform"}
	read, err := workspace.New(env.asRole).Read(ctx, after, ws.Record())
	lakesailtest.Must(t, err)
	for _, want := range []string{
		"session load balancer " + after.LoadBalancerName() + ": tag team is \"data\", not \"sessions\"",
		"session load balancer " + after.LoadBalancerName() + ": tag owner is \"\", not \"platform\"",
		"session load balancer " + after.LoadBalancerName() + ": carries tag project the workspace does not set",
		"the session load balancer's listener on 443: tag team is",
		"session target group " + after.LoadBalancerName() + ": carries tag project",
		"of the session load balancer: tag owner is \"\", not \"platform\"", // the security group
	} {
		if !hasDrift(read, want) {
			t.Errorf("drift does not say %q: %v", want, read.Drift)
		}
	}
	if read.SessionLoadBalancer.InSpec {
		t.Error("a load balancer with the old tags reads as in spec")
	}
	from := len(env.emu.Calls())
	updated, err := workspace.New(env.asRole).Update(ctx, before, after, ws.Record())
	lakesailtest.Must(t, err)
	if len(updated.Drift) > 0 || !updated.SessionLoadBalancer.InSpec {
		t.Fatalf("after the update: drift %v", updated.Drift)
	}
	env.checkSessionTags(t, after)
	counts := map[string]int{}
	for _, c := range env.emu.Calls()[from:] {
		counts[c.Service+":"+c.Operation]++
	}
	if counts["elasticloadbalancing:AddTags"] != 1 || counts["elasticloadbalancing:RemoveTags"] != 1 {
		t.Errorf("%d AddTags and %d RemoveTags calls for three resources with the same change, want one each",
			counts["elasticloadbalancing:AddTags"], counts["elasticloadbalancing:RemoveTags"])
	}

	// Someone changes the target group's and the listener's tags outside Terraform.
	got := env.sessionLoadBalancer(t)
	admin := elb.NewFromConfig(env.emu.AWSConfig(nil))
	_, err = admin.AddTags(ctx, &elb.AddTagsInput{ResourceArns: []string{aws.ToString(got.tg.TargetGroupArn)},
		Tags: []elbtypes.Tag{{Key: aws.String("owner"), Value: aws.String("mallory")}, {Key: aws.String("backdoor"), Value: aws.String("1")}}})
	lakesailtest.Must(t, err)
	_, err = admin.RemoveTags(ctx, &elb.RemoveTagsInput{ResourceArns: []string{aws.ToString(got.listener.ListenerArn)}, TagKeys: []string{"team"}})
	lakesailtest.Must(t, err)
	read, err = workspace.New(env.asRole).Read(ctx, after, updated.Record())
	lakesailtest.Must(t, err)
	for _, want := range []string{"session target group " + after.LoadBalancerName() + ": tag owner is \"mallory\", not \"platform\"",
		"session target group " + after.LoadBalancerName() + ": carries tag backdoor", "listener on 443: tag team is \"\", not \"sessions\""} {
		if !hasDrift(read, want) {
			t.Errorf("drift does not say %q: %v", want, read.Drift)
		}
	}
	if len(read.Drift) != 3 || read.SessionLoadBalancer.InSpec {
		t.Errorf("drift beyond the two retagged resources, or read as in spec: %v", read.Drift)
	}
	repaired, err := workspace.New(env.asRole).Update(ctx, after, after, updated.Record())
	lakesailtest.Must(t, err)
	if len(repaired.Drift) > 0 {
		t.Fatalf("drift after update: %v", repaired.Drift)
	}
	env.checkSessionTags(t, after)
	env.assertCallsByRole(t)
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, after, repaired.Record()))
	env.assertNoOrphans(t)
}

// TestLibWorkspaceSessionLoadBalancerTagFaults fails DescribeTags in a read, and AddTags or
// RemoveTags in an update that changes the workspace's tags: the error names the call, and the
// same update again finishes with the new tags.
func TestLibWorkspaceSessionLoadBalancerTagFaults(t *testing.T) {
	t.Parallel()
	for _, op := range []string{"DescribeTags", "AddTags", "RemoveTags"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newWorkspaceEnv(t, awsemu.Options{})
			ws := env.create(t)
			after := env.spec
			after.Tags = map[string]string{"owner": "platform"}
			env.emu.AddFault(awsemu.Fault{Service: "elasticloadbalancing", Operation: op, ErrorCode: "InjectedFault",
				HTTPStatus: 400, Message: "injected by the test", Nth: 1, Times: 1})
			_, err := workspace.New(env.asRole).Update(ctx, env.spec, after, ws.Record())
			if err == nil || !strings.Contains(err.Error(), "InjectedFault") || !strings.Contains(err.Error(), "elasticloadbalancing:"+op) {
				t.Fatalf("update with %s failing: %v", op, err)
			}
			updated, err := workspace.New(env.asRole).Update(ctx, env.spec, after, ws.Record())
			lakesailtest.Must(t, err)
			if len(updated.Drift) > 0 {
				t.Fatalf("drift after the second update: %v", updated.Drift)
			}
			env.checkSessionTags(t, after)
		})
	}
}
