package envelope

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func elbOf(p principal) *elb.Client { return elb.NewFromConfig(p.cfg) }

// elbSet is a load balancer with a TLS listener and its target group.
type elbSet struct{ lb, listener, tg string }

// buildELB makes, as the customer (root), a Network Load Balancer named name in the network's
// private subnets with a target group and a TLS listener on the certificate cert, tagged tags.
func (w *world) buildELB(t *testing.T, name, cert string, tags map[string]string) elbSet {
	t.Helper()
	api := elb.NewFromConfig(w.root)
	var elbTags []elbtypes.Tag
	for _, k := range sortedKeys(tags) {
		elbTags = append(elbTags, elbtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	lb := must1[*elb.CreateLoadBalancerOutput](t)(api.CreateLoadBalancer(bg, &elb.CreateLoadBalancerInput{Name: aws.String(name),
		Type: elbtypes.LoadBalancerTypeEnumNetwork, Scheme: elbtypes.LoadBalancerSchemeEnumInternal, Subnets: w.net.PrivateSubnetIDs, Tags: elbTags}))
	tg := must1[*elb.CreateTargetGroupOutput](t)(api.CreateTargetGroup(bg, &elb.CreateTargetGroupInput{Name: aws.String(name),
		Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(8443), VpcId: aws.String(w.net.VPCID), TargetType: elbtypes.TargetTypeEnumIp, Tags: elbTags}))
	l := must1[*elb.CreateListenerOutput](t)(api.CreateListener(bg, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: elbtypes.ProtocolEnumTls, Port: aws.Int32(443), Certificates: []elbtypes.Certificate{{CertificateArn: aws.String(cert)}},
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroups[0].TargetGroupArn}}, Tags: elbTags}))
	return elbSet{lb: aws.ToString(lb.LoadBalancers[0].LoadBalancerArn), listener: aws.ToString(l.Listeners[0].ListenerArn),
		tg: aws.ToString(tg.TargetGroups[0].TargetGroupArn)}
}

// elbTargets builds the customer's load balancer (untagged, a name of its own) and another
// connection's (named and tagged for it).
func (w *world) elbTargets(t *testing.T) (customer, other elbSet) {
	t.Helper()
	customer = w.buildELB(t, "shop-frontend", w.certs.customer, nil)
	other = w.buildELB(t, "lakesail-"+otherID+"-"+workspaceID, w.certs.other, connTags(otherID))
	return customer, other
}

// elbLookalike builds, as the customer, a load balancer with its listener and target group named
// like the connection's (lakesail-<our id>-...) but without the connection's tag: the name
// matches the role's ELB statements, and only the tag they require keeps it out.
func (w *world) elbLookalike(t *testing.T) elbSet {
	t.Helper()
	return w.buildELB(t, "lakesail-"+connID+"-shop", w.certs.customer, map[string]string{"team": "shop"})
}

func tagELB(p principal, arn string) error {
	_, err := elbOf(p).AddTags(bg, &elb.AddTagsInput{ResourceArns: []string{arn},
		Tags: []elbtypes.Tag{{Key: aws.String(tagKey), Value: aws.String(connID)}}})
	return err
}

// elbTagAttacks add and remove tags, the connection's and another, on any of the three.
func elbTagAttacks() []attack {
	return []attack{
		{"elasticloadbalancing:AddTags", tagELB},
		{"elasticloadbalancing:AddTags-team", func(p principal, arn string) error {
			_, err := elbOf(p).AddTags(bg, &elb.AddTagsInput{ResourceArns: []string{arn},
				Tags: []elbtypes.Tag{{Key: aws.String("team"), Value: aws.String("attacker")}}})
			return err
		}},
		{"elasticloadbalancing:RemoveTags", func(p principal, arn string) error {
			_, err := elbOf(p).RemoveTags(bg, &elb.RemoveTagsInput{ResourceArns: []string{arn}, TagKeys: []string{tagKey}})
			return err
		}},
		{"elasticloadbalancing:RemoveTags-team", func(p principal, arn string) error {
			_, err := elbOf(p).RemoveTags(bg, &elb.RemoveTagsInput{ResourceArns: []string{arn}, TagKeys: []string{"team"}})
			return err
		}},
	}
}

// elbAttacks are the mutations tried on load balancers, listeners and target groups.
func (w *world) elbAttacks() (lbs, listeners, tgs []attack) {
	ours := w.ws.SessionLoadBalancer
	lbs = append(elbTagAttacks(), []attack{
		{"elasticloadbalancing:DeleteLoadBalancer", func(p principal, arn string) error {
			_, err := elbOf(p).DeleteLoadBalancer(bg, &elb.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(arn)})
			return err
		}},
		{"elasticloadbalancing:CreateListener", func(p principal, arn string) error {
			_, err := elbOf(p).CreateListener(bg, &elb.CreateListenerInput{LoadBalancerArn: aws.String(arn), Protocol: elbtypes.ProtocolEnumTcp,
				Port: aws.Int32(8080), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(ours.TargetGroupARN)}}})
			return err
		}},
		{"elasticloadbalancing:SetSecurityGroups", func(p principal, arn string) error {
			_, err := elbOf(p).SetSecurityGroups(bg, &elb.SetSecurityGroupsInput{LoadBalancerArn: aws.String(arn), SecurityGroups: []string{ours.SecurityGroupID}})
			return err
		}},
		{"elasticloadbalancing:ModifyLoadBalancerAttributes", func(p principal, arn string) error {
			_, err := elbOf(p).ModifyLoadBalancerAttributes(bg, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: aws.String(arn),
				Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("true")}}})
			return err
		}},
	}...)
	listeners = append(elbTagAttacks(), []attack{
		{"elasticloadbalancing:ModifyListener-certificate", func(p principal, arn string) error {
			_, err := elbOf(p).ModifyListener(bg, &elb.ModifyListenerInput{ListenerArn: aws.String(arn),
				Certificates: []elbtypes.Certificate{{CertificateArn: aws.String(w.certs.ours)}}})
			return err
		}},
		{"elasticloadbalancing:DeleteListener", func(p principal, arn string) error {
			_, err := elbOf(p).DeleteListener(bg, &elb.DeleteListenerInput{ListenerArn: aws.String(arn)})
			return err
		}},
	}...)
	tgs = append(elbTagAttacks(), []attack{
		{"elasticloadbalancing:ModifyTargetGroup", func(p principal, arn string) error {
			_, err := elbOf(p).ModifyTargetGroup(bg, &elb.ModifyTargetGroupInput{TargetGroupArn: aws.String(arn), HealthCheckPort: aws.String("22")})
			return err
		}},
		{"elasticloadbalancing:RegisterTargets", func(p principal, arn string) error {
			_, err := elbOf(p).RegisterTargets(bg, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(arn),
				Targets: []elbtypes.TargetDescription{{Id: aws.String("10.20.0.10")}}})
			return err
		}},
		{"elasticloadbalancing:DeleteTargetGroup", func(p principal, arn string) error {
			_, err := elbOf(p).DeleteTargetGroup(bg, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(arn)})
			return err
		}},
	}...)
	return lbs, listeners, tgs
}

// TestEnvelopeELB: load balancers, listeners and target groups of the customer (one named like
// the connection's) and of another connection, as every principal, directly and after trying to
// tag them: every tag change among the attacks.
func TestEnvelopeELB(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	customer, other := w.elbTargets(t)
	lookalike := w.elbLookalike(t)
	lbs, listeners, tgs := w.elbAttacks()
	// Deletions last, so the earlier attacks find their targets (a refused delete leaves them).
	t.Run("target-groups", func(t *testing.T) {
		w.runEnvelope(t, "target-group", []target{{"customer", customer.tg}, {"customer-lookalike", lookalike.tg}, {"other-connection", other.tg}}, tagELB, tgs)
	})
	t.Run("listeners", func(t *testing.T) {
		w.runEnvelope(t, "listener", []target{{"customer", customer.listener}, {"customer-lookalike", lookalike.listener},
			{"other-connection", other.listener}}, tagELB, listeners)
	})
	t.Run("load-balancers", func(t *testing.T) {
		w.runEnvelope(t, "load-balancer", []target{{"customer", customer.lb}, {"customer-lookalike", lookalike.lb}, {"other-connection", other.lb}}, tagELB, lbs)
	})
}

// TestEnvelopeAttack_ConnectionTagOfOwnLoadBalancer: on the workspace's own load balancer,
// listener and target group, the connection role can neither remove the connection's tag nor
// add it with another value (in any case), so it cannot hand them to another connection or take
// them out of its own tag-scoped statements.
func TestEnvelopeAttack_ConnectionTagOfOwnLoadBalancer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p, ours := w.connection, w.ws.SessionLoadBalancer
	if ours == nil || ours.ListenerARN == "" || ours.TargetGroupARN == "" {
		t.Fatalf("the workspace has no session load balancer: %+v", ours)
	}
	for what, arn := range map[string]string{"load balancer": ours.ARN, "listener": ours.ListenerARN, "target group": ours.TargetGroupARN} {
		_, err := elbOf(p).RemoveTags(bg, &elb.RemoveTagsInput{ResourceArns: []string{arn}, TagKeys: []string{tagKey}})
		w.wantRefused(t, p, "elasticloadbalancing:RemoveTags "+tagKey+" from our "+what, err)
		_, err = elbOf(p).RemoveTags(bg, &elb.RemoveTagsInput{ResourceArns: []string{arn}, TagKeys: []string{"team", tagKey}})
		w.wantRefused(t, p, "elasticloadbalancing:RemoveTags team and "+tagKey+" from our "+what, err)
		for _, key := range []string{tagKey, "lakesail-connection", "LAKESAIL-CONNECTION"} {
			_, err = elbOf(p).AddTags(bg, &elb.AddTagsInput{ResourceArns: []string{arn},
				Tags: []elbtypes.Tag{{Key: aws.String(key), Value: aws.String(otherID)}}})
			w.wantRefused(t, p, "elasticloadbalancing:AddTags "+key+"="+otherID+" on our "+what, err)
		}
		// Not even its own value: the tag is never part of a retag.
		_, err = elbOf(p).AddTags(bg, &elb.AddTagsInput{ResourceArns: []string{arn},
			Tags: []elbtypes.Tag{{Key: aws.String("team"), Value: aws.String("x")}, {Key: aws.String(tagKey), Value: aws.String(connID)}}})
		w.wantRefused(t, p, "elasticloadbalancing:AddTags team and "+tagKey+"="+connID+" on our "+what, err)
	}
	// One request naming ours and the customer's lookalike is refused as a whole.
	lookalike := w.elbLookalike(t)
	_, err := elbOf(p).AddTags(bg, &elb.AddTagsInput{ResourceArns: []string{ours.ARN, lookalike.lb},
		Tags: []elbtypes.Tag{{Key: aws.String("team"), Value: aws.String("x")}}})
	w.wantRefused(t, p, "elasticloadbalancing:AddTags on our load balancer and the customer's lookalike at once", err)
}

// TestEnvelopeAttack_ModifyCustomerListenerCertificate: the connection role points the
// customer's TLS listener at the workspace's certificate (or any other).
func TestEnvelopeAttack_ModifyCustomerListenerCertificate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	customer, _ := w.elbTargets(t)
	p := w.connection
	_ = tagELB(p, customer.listener)
	_, err := elbOf(p).ModifyListener(bg, &elb.ModifyListenerInput{ListenerArn: aws.String(customer.listener),
		Certificates: []elbtypes.Certificate{{CertificateArn: aws.String(w.certs.ours)}}})
	w.wantRefused(t, p, "elasticloadbalancing:ModifyListener (certificate) on the customer's listener (after trying to tag it)", err)
}

// TestEnvelopeAttack_DeleteCustomerLoadBalancer: the connection role deletes the customer's NLB.
func TestEnvelopeAttack_DeleteCustomerLoadBalancer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	customer, _ := w.elbTargets(t)
	p := w.connection
	_ = tagELB(p, customer.lb)
	_, err := elbOf(p).DeleteLoadBalancer(bg, &elb.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(customer.lb)})
	w.wantRefused(t, p, "elasticloadbalancing:DeleteLoadBalancer on the customer's load balancer (after trying to tag it)", err)
}

// TestEnvelopeAttack_CreateListenerOnCustomerLoadBalancer: the connection role opens a listener
// on the customer's NLB forwarding to the workspace's target group.
func TestEnvelopeAttack_CreateListenerOnCustomerLoadBalancer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	customer, _ := w.elbTargets(t)
	p := w.connection
	_, err := elbOf(p).CreateListener(bg, &elb.CreateListenerInput{LoadBalancerArn: aws.String(customer.lb), Protocol: elbtypes.ProtocolEnumTcp,
		Port: aws.Int32(8080), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(w.ws.SessionLoadBalancer.TargetGroupARN)}},
		Tags: []elbtypes.Tag{{Key: aws.String(tagKey), Value: aws.String(connID)}}})
	w.wantRefused(t, p, "elasticloadbalancing:CreateListener (tagged for the connection) on the customer's load balancer", err)
}

// TestEnvelopeAttack_TagCustomerTargetGroup: the connection role tags the customer's target
// group with its connection tag, which would hand it the group.
func TestEnvelopeAttack_TagCustomerTargetGroup(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	customer, _ := w.elbTargets(t)
	p := w.connection
	w.wantRefused(t, p, "elasticloadbalancing:AddTags LakeSail-Connection="+connID+" on the customer's target group", tagELB(p, customer.tg))
	_, err := elbOf(p).DeleteTargetGroup(bg, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(customer.tg)})
	w.wantRefused(t, p, "elasticloadbalancing:DeleteTargetGroup on the customer's target group (after trying to tag it)", err)
}

// TestEnvelopeELBPositiveControls: the connection role can, on the workspace's own load balancer,
// what the product needs, so that the ELB envelope cannot pass because everything is denied.
func TestEnvelopeELBPositiveControls(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c, ours := w.connection, w.ws.SessionLoadBalancer
	if ours == nil || ours.ListenerARN == "" {
		t.Fatalf("the workspace has no session load balancer: %+v", ours)
	}
	_, err := elbOf(c).ModifyListener(bg, &elb.ModifyListenerInput{ListenerArn: aws.String(ours.ListenerARN),
		Certificates: []elbtypes.Certificate{{CertificateArn: aws.String(w.certs.ours)}}, SslPolicy: aws.String("ELBSecurityPolicy-TLS13-1-2-2021-06")})
	w.wantAllowed(t, c, "elasticloadbalancing:ModifyListener on our listener", err)
	_, err = elbOf(c).SetSecurityGroups(bg, &elb.SetSecurityGroupsInput{LoadBalancerArn: aws.String(ours.ARN), SecurityGroups: []string{ours.SecurityGroupID}})
	w.wantAllowed(t, c, "elasticloadbalancing:SetSecurityGroups on our load balancer", err)
	_, err = elbOf(c).DescribeLoadBalancers(bg, &elb.DescribeLoadBalancersInput{})
	w.wantAllowed(t, c, "elasticloadbalancing:DescribeLoadBalancers", err)
	// Retagging ours, as an update of the workspace's tags does: the three in one call each.
	own := []string{ours.ARN, ours.ListenerARN, ours.TargetGroupARN}
	_, err = elbOf(c).AddTags(bg, &elb.AddTagsInput{ResourceArns: own, Tags: []elbtypes.Tag{{Key: aws.String("team"), Value: aws.String("sessions")}}})
	w.wantAllowed(t, c, "elasticloadbalancing:AddTags team on our load balancer, listener and target group", err)
	_, err = elbOf(c).RemoveTags(bg, &elb.RemoveTagsInput{ResourceArns: own, TagKeys: []string{"team"}})
	w.wantAllowed(t, c, "elasticloadbalancing:RemoveTags team from our load balancer, listener and target group", err)
	_, err = elbOf(c).DescribeTags(bg, &elb.DescribeTagsInput{ResourceArns: own})
	w.wantAllowed(t, c, "elasticloadbalancing:DescribeTags", err)
	_, err = elbOf(c).CreateTargetGroup(bg, &elb.CreateTargetGroupInput{Name: aws.String("lakesail-" + connID + "-extra"), Protocol: elbtypes.ProtocolEnumTcp,
		Port: aws.Int32(8443), VpcId: aws.String(w.net.VPCID), TargetType: elbtypes.TargetTypeEnumIp,
		Tags: []elbtypes.Tag{{Key: aws.String(tagKey), Value: aws.String(connID)}}})
	w.wantAllowed(t, c, "elasticloadbalancing:CreateTargetGroup named and tagged for the connection", err)
	_, err = elbOf(c).CreateTargetGroup(bg, &elb.CreateTargetGroupInput{Name: aws.String("shop-extra"), Protocol: elbtypes.ProtocolEnumTcp,
		Port: aws.Int32(8443), VpcId: aws.String(w.net.VPCID), TargetType: elbtypes.TargetTypeEnumIp,
		Tags: []elbtypes.Tag{{Key: aws.String(tagKey), Value: aws.String(connID)}}})
	w.wantRefused(t, c, "elasticloadbalancing:CreateTargetGroup named outside the connection", err)
}
