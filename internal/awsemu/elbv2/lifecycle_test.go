package elbv2_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

const (
	tls12 = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	tls13 = "ELBSecurityPolicy-TLS13-1-3-2021-06"
)

// A workspace's internal Network Load Balancer end to end: in the private subnets with its
// security group, provisioning then active on the clock; an ip target group for the session
// proxy whose targets are unused until a TLS listener on 443 (ACM certificate, TLS 1.3 policy)
// forwards to it, then initial, then healthy; attributes, security groups, tags; deleting the
// load balancer takes its listeners and frees the target group.
func TestEmuELBInternalNLBLifecycle(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.ElbTestDelay})
	nlbLifecycle(t, e, clock)
}

// nlbLifecycle drives every ELB operation the emulator serves, as root.
func nlbLifecycle(t *testing.T, e *awsemu.Emulator, clock *awsemu.Clock) {
	t.Helper()
	net := emutest.ElbMakeNetwork(t, e)
	cert := emutest.ElbCertificate(t, e, "sessions.ws1.lakesail.internal")
	c := emutest.ElbClient(e, e.RootCredentials())

	in := emutest.ElbInternalNLBInput("lakesail-ws1", net, "LakeSail-Workspace", "ws1")
	created, err := c.CreateLoadBalancer(emutest.Bg, in)
	emutest.Must(t, err)
	lb := created.LoadBalancers[0]
	arn := *lb.LoadBalancerArn
	prefix := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/lakesail-ws1/"
	id := strings.TrimPrefix(arn, prefix)
	if !strings.HasPrefix(arn, prefix) || len(id) != 16 {
		t.Fatalf("load balancer ARN = %s", arn)
	}
	if *lb.DNSName != "lakesail-ws1-"+id+".elb.us-east-1.amazonaws.com" || lb.Scheme != elbtypes.LoadBalancerSchemeEnumInternal ||
		lb.Type != elbtypes.LoadBalancerTypeEnumNetwork || *lb.VpcId != net.Vpc || lb.State.Code != elbtypes.LoadBalancerStateEnumProvisioning ||
		len(lb.AvailabilityZones) != 2 || !slices.Equal(lb.SecurityGroups, []string{net.Sg}) || lb.IpAddressType != elbtypes.IpAddressTypeIpv4 ||
		*lb.CanonicalHostedZoneId != "Z26RNL4JYFTOTI" {
		t.Fatalf("load balancer = %+v", lb)
	}
	zones := []string{*lb.AvailabilityZones[0].ZoneName, *lb.AvailabilityZones[1].ZoneName}
	slices.Sort(zones)
	if !slices.Equal(zones, []string{"us-east-1a", "us-east-1b"}) {
		t.Fatalf("zones = %v", zones)
	}
	// The same request again is the same load balancer.
	again, err := c.CreateLoadBalancer(emutest.Bg, in)
	emutest.Must(t, err)
	if *again.LoadBalancers[0].LoadBalancerArn != arn {
		t.Fatalf("repeated create = %s", *again.LoadBalancers[0].LoadBalancerArn)
	}
	emutest.WantSeen(t, emutest.ElbWaitAvailable(t, c, clock, arn), "provisioning", "active")

	// The session proxy's target group: ip targets on 8443 in the VPC.
	tgOut, err := c.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("lakesail-ws1-proxy", net, 8443, "LakeSail-Workspace", "ws1"))
	emutest.Must(t, err)
	tg := tgOut.TargetGroups[0]
	tgArn := *tg.TargetGroupArn
	if !strings.HasPrefix(tgArn, "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lakesail-ws1-proxy/") ||
		tg.HealthCheckProtocol != elbtypes.ProtocolEnumTcp || *tg.HealthCheckPort != "traffic-port" || tg.TargetType != elbtypes.TargetTypeEnumIp ||
		*tg.HealthCheckIntervalSeconds != 30 || len(tg.LoadBalancerArns) != 0 {
		t.Fatalf("target group = %+v", tg)
	}
	_, err = c.ModifyTargetGroup(emutest.Bg, &elbv2.ModifyTargetGroupInput{TargetGroupArn: aws.String(tgArn), HealthCheckIntervalSeconds: aws.Int32(10),
		HealthCheckTimeoutSeconds: aws.Int32(5)})
	emutest.Must(t, err)
	attrs, err := c.ModifyTargetGroupAttributes(emutest.Bg, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(tgArn),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("30")}}})
	emutest.Must(t, err)
	if v := attrValue(attrs.Attributes, "deregistration_delay.timeout_seconds"); v != "30" {
		t.Fatalf("deregistration delay = %q", v)
	}
	tgAttrs, err := c.DescribeTargetGroupAttributes(emutest.Bg, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(tgArn)})
	emutest.Must(t, err)
	if v := attrValue(tgAttrs.Attributes, "preserve_client_ip.enabled"); v != "false" {
		t.Fatalf("ip targets preserve client IP = %q", v)
	}

	targets := []elbtypes.TargetDescription{{Id: aws.String("10.0.1.10")}, {Id: aws.String("10.0.2.10")}}
	_, err = c.RegisterTargets(emutest.Bg, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(tgArn), Targets: targets})
	emutest.Must(t, err)
	wantHealth(t, c, tgArn, "unused")

	// TLS on 443 with the certificate and a TLS 1.3 policy.
	lnOut, err := c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(arn, tgArn, cert, tls12))
	emutest.Must(t, err)
	ln := lnOut.Listeners[0]
	if !strings.HasPrefix(*ln.ListenerArn, "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/lakesail-ws1/"+id+"/") ||
		ln.Protocol != elbtypes.ProtocolEnumTls || *ln.Port != 443 || *ln.SslPolicy != tls12 || len(ln.Certificates) != 1 ||
		*ln.Certificates[0].CertificateArn != cert || *ln.DefaultActions[0].TargetGroupArn != tgArn {
		t.Fatalf("listener = %+v", ln)
	}
	wantHealth(t, c, tgArn, "initial")
	clock.Advance(emutest.ElbTestDelay)
	wantHealth(t, c, tgArn, "healthy")

	// Without a policy, a TLS listener gets the API's default.
	dflt, err := c.CreateListener(emutest.Bg, &elbv2.CreateListenerInput{LoadBalancerArn: aws.String(arn), Protocol: elbtypes.ProtocolEnumTls, Port: aws.Int32(9443),
		Certificates:   []elbtypes.Certificate{{CertificateArn: aws.String(cert)}},
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(tgArn)}}}}},
		AlpnPolicy:     []string{"HTTP2Preferred"}})
	emutest.Must(t, err)
	if d := dflt.Listeners[0]; *d.SslPolicy != "ELBSecurityPolicy-2016-08" || !slices.Equal(d.AlpnPolicy, []string{"HTTP2Preferred"}) {
		t.Fatalf("default listener = %+v", d)
	}
	_, err = c.DeleteListener(emutest.Bg, &elbv2.DeleteListenerInput{ListenerArn: dflt.Listeners[0].ListenerArn})
	emutest.Must(t, err)

	tgs, err := c.DescribeTargetGroups(emutest.Bg, &elbv2.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(arn)})
	emutest.Must(t, err)
	if len(tgs.TargetGroups) != 1 || !slices.Equal(tgs.TargetGroups[0].LoadBalancerArns, []string{arn}) || *tgs.TargetGroups[0].HealthCheckIntervalSeconds != 10 {
		t.Fatalf("target groups of the load balancer = %+v", tgs.TargetGroups)
	}
	ls, err := c.DescribeListeners(emutest.Bg, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(arn)})
	emutest.Must(t, err)
	if len(ls.Listeners) != 1 || *ls.Listeners[0].ListenerArn != *ln.ListenerArn {
		t.Fatalf("listeners = %+v", ls.Listeners)
	}

	// Rotate the certificate and tighten the policy.
	next := emutest.ElbCertificate(t, e, "sessions.ws1.lakesail.internal")
	mod, err := c.ModifyListener(emutest.Bg, &elbv2.ModifyListenerInput{ListenerArn: ln.ListenerArn, SslPolicy: aws.String(tls13),
		Certificates: []elbtypes.Certificate{{CertificateArn: aws.String(next)}}})
	emutest.Must(t, err)
	if m := mod.Listeners[0]; *m.SslPolicy != tls13 || *m.Certificates[0].CertificateArn != next || *m.Port != 443 {
		t.Fatalf("modified listener = %+v", m)
	}
	certs, err := c.DescribeListenerCertificates(emutest.Bg, &elbv2.DescribeListenerCertificatesInput{ListenerArn: ln.ListenerArn})
	emutest.Must(t, err)
	if len(certs.Certificates) != 1 || *certs.Certificates[0].CertificateArn != next || !*certs.Certificates[0].IsDefault {
		t.Fatalf("listener certificates = %+v", certs.Certificates)
	}

	// Attributes and security groups.
	lbAttrs, err := c.ModifyLoadBalancerAttributes(emutest.Bg, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: aws.String(arn),
		Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("load_balancing.cross_zone.enabled"), Value: aws.String("true")}}})
	emutest.Must(t, err)
	if attrValue(lbAttrs.Attributes, "load_balancing.cross_zone.enabled") != "true" {
		t.Fatalf("attributes = %+v", lbAttrs.Attributes)
	}
	got, err := c.DescribeLoadBalancerAttributes(emutest.Bg, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(arn)})
	emutest.Must(t, err)
	if attrValue(got.Attributes, "load_balancing.cross_zone.enabled") != "true" || attrValue(got.Attributes, "deletion_protection.enabled") != "false" {
		t.Fatalf("attributes = %+v", got.Attributes)
	}
	ec2c := emutest.Ec2Client(e, e.RootCredentials())
	sg2, err := ec2c.CreateSecurityGroup(emutest.Bg, &ec2.CreateSecurityGroupInput{VpcId: aws.String(net.Vpc), GroupName: aws.String("second"), Description: aws.String("second")})
	emutest.Must(t, err)
	sgs, err := c.SetSecurityGroups(emutest.Bg, &elbv2.SetSecurityGroupsInput{LoadBalancerArn: aws.String(arn), SecurityGroups: []string{net.Sg, *sg2.GroupId}})
	emutest.Must(t, err)
	if len(sgs.SecurityGroupIds) != 2 || sgs.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic != elbtypes.EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnumOn {
		t.Fatalf("security groups = %+v", sgs)
	}

	// Tags on all three.
	all := []string{arn, tgArn, *ln.ListenerArn}
	_, err = c.AddTags(emutest.Bg, &elbv2.AddTagsInput{ResourceArns: all, Tags: emutest.ElbTags("team", "sessions", "LakeSail-Workspace", "ws1")})
	emutest.Must(t, err)
	_, err = c.RemoveTags(emutest.Bg, &elbv2.RemoveTagsInput{ResourceArns: []string{tgArn}, TagKeys: []string{"team"}})
	emutest.Must(t, err)
	tags, err := c.DescribeTags(emutest.Bg, &elbv2.DescribeTagsInput{ResourceArns: all})
	emutest.Must(t, err)
	counts := map[string]int{}
	for _, d := range tags.TagDescriptions {
		counts[*d.ResourceArn] = len(d.Tags)
	}
	if counts[arn] != 2 || counts[tgArn] != 1 || counts[*ln.ListenerArn] != 2 {
		t.Fatalf("tags = %v", counts)
	}

	// A deregistered target drains, then is gone.
	_, err = c.DeregisterTargets(emutest.Bg, &elbv2.DeregisterTargetsInput{TargetGroupArn: aws.String(tgArn), Targets: targets[1:]})
	emutest.Must(t, err)
	h, err := c.DescribeTargetHealth(emutest.Bg, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn)})
	emutest.Must(t, err)
	if len(h.TargetHealthDescriptions) != 2 || h.TargetHealthDescriptions[1].TargetHealth.State != elbtypes.TargetHealthStateEnumDraining {
		t.Fatalf("after deregistering = %+v", h.TargetHealthDescriptions)
	}
	clock.Advance(emutest.ElbTestDelay)
	wantHealth(t, c, tgArn, "healthy")

	// Paging: two load balancers one page at a time.
	other := emutest.ElbInternalNLBInput("lakesail-ws2", net)
	other.SecurityGroups = nil
	_, err = c.CreateLoadBalancer(emutest.Bg, other)
	emutest.Must(t, err)
	page, err := c.DescribeLoadBalancers(emutest.Bg, &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(1)})
	emutest.Must(t, err)
	if len(page.LoadBalancers) != 1 || page.NextMarker == nil {
		t.Fatalf("first page = %+v", page)
	}
	page, err = c.DescribeLoadBalancers(emutest.Bg, &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(1), Marker: page.NextMarker})
	emutest.Must(t, err)
	if len(page.LoadBalancers) != 1 || *page.LoadBalancers[0].LoadBalancerName != "lakesail-ws2" || page.NextMarker != nil {
		t.Fatalf("second page = %+v", page)
	}

	// Deleting the load balancer takes its listeners; the target group is free to go.
	_, err = c.DeleteLoadBalancer(emutest.Bg, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(arn)})
	emutest.Must(t, err)
	_, err = c.DescribeLoadBalancers(emutest.Bg, &elbv2.DescribeLoadBalancersInput{Names: []string{"lakesail-ws1"}})
	emutest.WantCode(t, err, "LoadBalancerNotFound")
	_, err = c.DescribeListeners(emutest.Bg, &elbv2.DescribeListenersInput{ListenerArns: []string{*ln.ListenerArn}})
	emutest.WantCode(t, err, "ListenerNotFound")
	wantHealth(t, c, tgArn, "unused")
	_, err = c.DeleteTargetGroup(emutest.Bg, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(tgArn)})
	emutest.Must(t, err)
	_, err = c.DescribeTargetGroups(emutest.Bg, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{tgArn}})
	emutest.WantCode(t, err, "TargetGroupNotFound")
	// Deleting what is gone is no error.
	_, err = c.DeleteLoadBalancer(emutest.Bg, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(arn)})
	emutest.Must(t, err)
}

func attrValue[T elbtypes.LoadBalancerAttribute | elbtypes.TargetGroupAttribute](attrs []T, key string) string {
	for _, a := range attrs {
		var k, v *string
		switch x := any(a).(type) {
		case elbtypes.LoadBalancerAttribute:
			k, v = x.Key, x.Value
		case elbtypes.TargetGroupAttribute:
			k, v = x.Key, x.Value
		}
		if aws.ToString(k) == key {
			return aws.ToString(v)
		}
	}
	return "<missing>"
}

// wantHealth checks every target of the group is in state.
func wantHealth(t *testing.T, c *elbv2.Client, tg, state string) {
	t.Helper()
	h, err := c.DescribeTargetHealth(emutest.Bg, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	emutest.Must(t, err)
	if len(h.TargetHealthDescriptions) == 0 {
		t.Fatalf("no targets in %s", tg)
	}
	for _, d := range h.TargetHealthDescriptions {
		if string(d.TargetHealth.State) != state {
			t.Fatalf("target %s is %s (%s), want %s", *d.Target.Id, d.TargetHealth.State, d.TargetHealth.Reason, state)
		}
		if *d.HealthCheckPort != "8443" {
			t.Fatalf("health check port = %s", *d.HealthCheckPort)
		}
	}
}
