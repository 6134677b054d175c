package elbv2_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// CreateLoadBalancer refuses what ELB refuses: bad names, other types, duplicates with other
// settings, subnets that don't exist, span two VPCs or share a zone, security groups of another
// VPC, an internet-facing load balancer in a VPC without an internet gateway.
func TestEmuELBLoadBalancerRefusals(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	net := emutest.ElbMakeNetwork(t, e)
	c := emutest.ElbClient(e, e.RootCredentials())
	ec2c := emutest.Ec2Client(e, e.RootCredentials())

	for _, name := range []string{"-lead", "trail-", "under_score", "internal-ws1", "a23456789012345678901234567890123"} {
		_, err := c.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput(name, net))
		emutest.WantCode(t, err, "ValidationError")
	}
	app := emutest.ElbInternalNLBInput("app", net)
	app.Type = ""
	_, err := c.CreateLoadBalancer(emutest.Bg, app)
	emutest.WantCode(t, err, "InvalidConfigurationRequest")
	emutest.WantContains(t, emutest.ErrMessage(err), "'application' are not emulated")

	_, err = c.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("ws1", net))
	emutest.Must(t, err)
	noGroups := emutest.ElbInternalNLBInput("ws1", net)
	noGroups.SecurityGroups = nil
	_, err = c.CreateLoadBalancer(emutest.Bg, noGroups)
	emutest.WantCode(t, err, "DuplicateLoadBalancerName")

	otherVpc := emutest.Ec2MakeVpc(t, ec2c, "10.9.0.0/16")
	elsewhere := emutest.Ec2MakeSubnet(t, ec2c, otherVpc, "10.9.1.0/24", "us-east-1c")
	sameZone := emutest.Ec2MakeSubnet(t, ec2c, net.Vpc, "10.0.3.0/24", "us-east-1a")
	for name, tc := range map[string]struct {
		subnets []string
		code    string
	}{
		"unknown subnet": {[]string{net.Subnets[0], "subnet-0123456789abcdef0"}, "SubnetNotFound"},
		"two VPCs":       {[]string{net.Subnets[0], elsewhere}, "InvalidConfigurationRequest"},
		"one zone twice": {[]string{net.Subnets[0], sameZone}, "InvalidConfigurationRequest"},
		"no subnets":     {nil, "ValidationError"},
	} {
		in := emutest.ElbInternalNLBInput("x", net)
		in.Subnets = tc.subnets
		if _, err := c.CreateLoadBalancer(emutest.Bg, in); emutest.ErrCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	otherSg := emutest.ElbMakeNetwork(t, e).Sg
	for _, sg := range []string{otherSg, "sg-0123456789abcdef0"} {
		in := emutest.ElbInternalNLBInput("x", net)
		in.SecurityGroups = []string{sg}
		_, err = c.CreateLoadBalancer(emutest.Bg, in)
		emutest.WantCode(t, err, "InvalidSecurityGroup")
	}

	// Internet-facing only in a VPC with an internet gateway.
	public := emutest.ElbInternalNLBInput("public", net)
	public.Scheme = elbtypes.LoadBalancerSchemeEnumInternetFacing
	_, err = c.CreateLoadBalancer(emutest.Bg, public)
	emutest.WantCode(t, err, "InvalidSubnet")
	emutest.Ec2MakeAttachedIGW(t, ec2c, net.Vpc)
	out, err := c.CreateLoadBalancer(emutest.Bg, public)
	emutest.Must(t, err)
	if out.LoadBalancers[0].Scheme != elbtypes.LoadBalancerSchemeEnumInternetFacing {
		t.Fatalf("scheme = %s", out.LoadBalancers[0].Scheme)
	}

	// A private address of its own per subnet, for internal load balancers, within the subnet.
	mapped := emutest.ElbInternalNLBInput("mapped", net)
	mapped.Subnets = nil
	mapped.SubnetMappings = []elbtypes.SubnetMapping{{SubnetId: aws.String(net.Subnets[0]), PrivateIPv4Address: aws.String("10.0.2.10")}}
	_, err = c.CreateLoadBalancer(emutest.Bg, mapped)
	emutest.WantCode(t, err, "InvalidConfigurationRequest")
	mapped.SubnetMappings[0].PrivateIPv4Address = aws.String("10.0.1.10")
	out, err = c.CreateLoadBalancer(emutest.Bg, mapped)
	emutest.Must(t, err)
	if a := out.LoadBalancers[0].AvailabilityZones[0].LoadBalancerAddresses; len(a) != 1 || *a[0].PrivateIPv4Address != "10.0.1.10" {
		t.Fatalf("addresses = %+v", a)
	}

	// Security groups can't be set on a load balancer created without any.
	_, err = c.SetSecurityGroups(emutest.Bg, &elbv2.SetSecurityGroupsInput{LoadBalancerArn: out.LoadBalancers[0].LoadBalancerArn, SecurityGroups: []string{net.Sg}})
	emutest.Must(t, err)
	bare := emutest.ElbInternalNLBInput("bare", net)
	bare.SecurityGroups = nil
	out, err = c.CreateLoadBalancer(emutest.Bg, bare)
	emutest.Must(t, err)
	_, err = c.SetSecurityGroups(emutest.Bg, &elbv2.SetSecurityGroupsInput{LoadBalancerArn: out.LoadBalancers[0].LoadBalancerArn, SecurityGroups: []string{net.Sg}})
	emutest.WantCode(t, err, "InvalidConfigurationRequest")

	// Tags: at most 50, no key twice.
	var kv []string
	for i := 0; i < 51; i++ {
		kv = append(kv, fmt.Sprintf("k%d", i), "v")
	}
	_, err = c.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("tagged", net, kv...))
	emutest.WantCode(t, err, "TooManyTags")
	_, err = c.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("tagged", net, "a", "1", "a", "2"))
	emutest.WantCode(t, err, "DuplicateTagKeys")
	_, err = c.AddTags(emutest.Bg, &elbv2.AddTagsInput{ResourceArns: []string{*out.LoadBalancers[0].LoadBalancerArn}, Tags: emutest.ElbTags(kv...)})
	emutest.WantCode(t, err, "TooManyTags")
}

// Deletion protection keeps a load balancer until it is turned off.
func TestEmuELBDeletionProtection(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	net := emutest.ElbMakeNetwork(t, e)
	c := emutest.ElbClient(e, e.RootCredentials())
	out, err := c.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("ws1", net))
	emutest.Must(t, err)
	arn := out.LoadBalancers[0].LoadBalancerArn
	protect := func(v string) error {
		_, err := c.ModifyLoadBalancerAttributes(emutest.Bg, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn,
			Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String(v)}}})
		return err
	}
	emutest.WantCode(t, protect("yes"), "ValidationError")
	_, err = c.ModifyLoadBalancerAttributes(emutest.Bg, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn,
		Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("no.such.attribute"), Value: aws.String("true")}}})
	emutest.WantCode(t, err, "ValidationError")
	emutest.Must(t, protect("true"))
	_, err = c.DeleteLoadBalancer(emutest.Bg, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: arn})
	emutest.WantCode(t, err, "OperationNotPermitted")
	emutest.Must(t, protect("false"))
	_, err = c.DeleteLoadBalancer(emutest.Bg, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: arn})
	emutest.Must(t, err)
}

// Listeners refuse TLS without a certificate, certificates ACM doesn't hold, unknown policies,
// target groups of another VPC or an incompatible protocol, and a second listener on a port; a
// target group in use can't be deleted.
func TestEmuELBListenerRefusals(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	net := emutest.ElbMakeNetwork(t, e)
	cert := emutest.ElbCertificate(t, e, "sessions.ws1.lakesail.internal")
	c := emutest.ElbClient(e, e.RootCredentials())
	out, err := c.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("ws1", net))
	emutest.Must(t, err)
	lb := *out.LoadBalancers[0].LoadBalancerArn
	tgOut, err := c.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("proxy", net, 8443))
	emutest.Must(t, err)
	tg := *tgOut.TargetGroups[0].TargetGroupArn

	_, err = c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(lb, tg, "", tls12))
	emutest.WantCode(t, err, "ValidationError")
	emutest.WantContains(t, emutest.ErrMessage(err), "certificate must be specified")
	missing := "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000"
	_, err = c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(lb, tg, missing, tls12))
	emutest.WantCode(t, err, "CertificateNotFound")
	_, err = c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(lb, tg, cert, "ELBSecurityPolicy-Made-Up"))
	emutest.WantCode(t, err, "SSLPolicyNotFound")
	alpn := emutest.ElbTLSListenerInput(lb, tg, cert, tls12)
	alpn.AlpnPolicy = []string{"HTTP3"}
	_, err = c.CreateListener(emutest.Bg, alpn)
	emutest.WantCode(t, err, "ALPNPolicyNotFound")

	udpOut, err := c.CreateTargetGroup(emutest.Bg, &elbv2.CreateTargetGroupInput{Name: aws.String("udp"), Protocol: elbtypes.ProtocolEnumUdp, Port: aws.Int32(53),
		VpcId: aws.String(net.Vpc), TargetType: elbtypes.TargetTypeEnumIp})
	emutest.Must(t, err)
	_, err = c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(lb, *udpOut.TargetGroups[0].TargetGroupArn, cert, tls12))
	emutest.WantCode(t, err, "IncompatibleProtocols")
	otherNet := emutest.ElbMakeNetwork(t, e)
	farOut, err := c.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("far", otherNet, 8443))
	emutest.Must(t, err)
	_, err = c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(lb, *farOut.TargetGroups[0].TargetGroupArn, cert, tls12))
	emutest.WantCode(t, err, "InvalidConfigurationRequest")
	emutest.WantContains(t, emutest.ErrMessage(err), "is in a different VPC than load balancer")
	http := emutest.ElbTLSListenerInput(lb, tg, cert, tls12)
	http.Protocol = elbtypes.ProtocolEnumHttps
	_, err = c.CreateListener(emutest.Bg, http)
	emutest.WantCode(t, err, "UnsupportedProtocol")

	ln, err := c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(lb, tg, cert, tls12))
	emutest.Must(t, err)
	// The same listener again is that listener; another on the port is refused.
	again, err := c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(lb, tg, cert, tls12))
	emutest.Must(t, err)
	if *again.Listeners[0].ListenerArn != *ln.Listeners[0].ListenerArn {
		t.Fatalf("repeated listener = %s", *again.Listeners[0].ListenerArn)
	}
	_, err = c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(lb, tg, cert, tls13))
	emutest.WantCode(t, err, "DuplicateListener")
	_, err = c.ModifyListener(emutest.Bg, &elbv2.ModifyListenerInput{ListenerArn: ln.Listeners[0].ListenerArn, Certificates: []elbtypes.Certificate{{CertificateArn: aws.String(missing)}}})
	emutest.WantCode(t, err, "CertificateNotFound")

	// The target group serves this load balancer only, and can't go while the listener uses it.
	second := emutest.ElbInternalNLBInput("ws2", net)
	out2, err := c.CreateLoadBalancer(emutest.Bg, second)
	emutest.Must(t, err)
	_, err = c.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(*out2.LoadBalancers[0].LoadBalancerArn, tg, cert, tls12))
	emutest.WantCode(t, err, "TargetGroupAssociationLimit")
	_, err = c.DeleteTargetGroup(emutest.Bg, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(tg)})
	emutest.WantCode(t, err, "ResourceInUse")
	_, err = c.DeleteListener(emutest.Bg, &elbv2.DeleteListenerInput{ListenerArn: ln.Listeners[0].ListenerArn})
	emutest.Must(t, err)
	_, err = c.DeleteTargetGroup(emutest.Bg, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(tg)})
	emutest.Must(t, err)
}

// Target groups: names, duplicates, protocols; ip targets inside the VPC's CIDR (or a private
// range with AvailabilityZone "all"), instance targets that run in the VPC.
func TestEmuELBTargetGroupRefusals(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	net := emutest.ElbMakeNetwork(t, e)
	c := emutest.ElbClient(e, e.RootCredentials())

	_, err := c.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("bad_name", net, 8443))
	emutest.WantCode(t, err, "ValidationError")
	noVpc := emutest.ElbIPTargetGroupInput("novpc", net, 8443)
	noVpc.VpcId = aws.String("vpc-0123456789abcdef0")
	_, err = c.CreateTargetGroup(emutest.Bg, noVpc)
	emutest.WantCode(t, err, "ValidationError")
	http := emutest.ElbIPTargetGroupInput("http", net, 80)
	http.Protocol = elbtypes.ProtocolEnumHttp
	_, err = c.CreateTargetGroup(emutest.Bg, http)
	emutest.WantCode(t, err, "InvalidConfigurationRequest")
	slow := emutest.ElbIPTargetGroupInput("slow", net, 8443)
	slow.HealthCheckIntervalSeconds, slow.HealthCheckTimeoutSeconds = aws.Int32(10), aws.Int32(10)
	_, err = c.CreateTargetGroup(emutest.Bg, slow)
	emutest.WantCode(t, err, "ValidationError")

	out, err := c.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("proxy", net, 8443))
	emutest.Must(t, err)
	tg := out.TargetGroups[0].TargetGroupArn
	again, err := c.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("proxy", net, 8443))
	emutest.Must(t, err)
	if *again.TargetGroups[0].TargetGroupArn != *tg {
		t.Fatalf("repeated target group = %s", *again.TargetGroups[0].TargetGroupArn)
	}
	_, err = c.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("proxy", net, 9443))
	emutest.WantCode(t, err, "DuplicateTargetGroupName")

	register := func(id, zone string) error {
		target := elbtypes.TargetDescription{Id: aws.String(id)}
		if zone != "" {
			target.AvailabilityZone = aws.String(zone)
		}
		_, err := c.RegisterTargets(emutest.Bg, &elbv2.RegisterTargetsInput{TargetGroupArn: tg, Targets: []elbtypes.TargetDescription{target}})
		return err
	}
	emutest.WantCode(t, register("8.8.8.8", ""), "InvalidTarget")
	emutest.WantCode(t, register("not-an-ip", ""), "InvalidTarget")
	emutest.WantCode(t, register("i-0123456789abcdef0", ""), "InvalidTarget")
	emutest.WantCode(t, register("192.168.1.10", ""), "ValidationError")
	emutest.Must(t, register("192.168.1.10", "all"))
	emutest.Must(t, register("10.0.1.20", ""))
	_, err = c.DeregisterTargets(emutest.Bg, &elbv2.DeregisterTargetsInput{TargetGroupArn: tg, Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.1.99")}}})
	emutest.WantCode(t, err, "InvalidTarget")
	h, err := c.DescribeTargetHealth(emutest.Bg, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tg, Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.1.99")}}})
	emutest.Must(t, err)
	if d := h.TargetHealthDescriptions[0]; d.TargetHealth.State != elbtypes.TargetHealthStateEnumUnused || d.TargetHealth.Reason != elbtypes.TargetHealthReasonEnumNotRegistered {
		t.Fatalf("unregistered target health = %+v", d.TargetHealth)
	}
}
