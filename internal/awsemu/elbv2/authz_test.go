package elbv2_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/lakehq/terraform-provider-lakesail/internal/authref"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func cond(op, key string, value any) map[string]any {
	return map[string]any{op: map[string]any{key: value}}
}

// Tag-on-create: creating with tags also needs elasticloadbalancing:AddTags on the new resource,
// which a policy can limit to creates with elasticloadbalancing:CreateAction (the ELB guide's
// "permissions to tag resources during creation").
func TestEmuELBTagOnCreate(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	net := emutest.ElbMakeNetwork(t, e)
	cert := emutest.ElbCertificate(t, e, "sessions.ws1.lakesail.internal")
	creates := emutest.Allow([]string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener"}, "*")

	noTag := emutest.ElbSession(t, e, "no-add-tags", emutest.Doc(creates))
	_, err := noTag.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("lakesail-ws1", net, "LakeSail-Workspace", "ws1"))
	emutest.WantCode(t, err, "AccessDenied")
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden {
		t.Fatalf("status of AccessDenied: %v", err)
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "is not authorized to perform: elasticloadbalancing:AddTags on resource: "+
		"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/lakesail-ws1/")
	_, err = noTag.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("lakesail-ws1", net, 8443, "LakeSail-Workspace", "ws1"))
	emutest.WantCode(t, err, "AccessDenied")
	// Untagged creates need no AddTags.
	lb, err := noTag.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("lakesail-ws1", net))
	emutest.Must(t, err)

	onCreate := emutest.ElbSession(t, e, "tag-on-create", emutest.Doc(creates,
		emutest.Stmt{Effect: "Allow", Action: "elasticloadbalancing:AddTags", Resource: "*",
			Condition: cond("StringEquals", "elasticloadbalancing:CreateAction", []string{"CreateLoadBalancer", "CreateTargetGroup", "CreateListener"})}))
	_, err = onCreate.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("lakesail-ws2", net, "LakeSail-Workspace", "ws2"))
	emutest.Must(t, err)
	tg, err := onCreate.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("lakesail-ws2", net, 8443, "LakeSail-Workspace", "ws2"))
	emutest.Must(t, err)
	ln := emutest.ElbTLSListenerInput(*lb.LoadBalancers[0].LoadBalancerArn, *tg.TargetGroups[0].TargetGroupArn, cert, tls12)
	ln.Tags = emutest.ElbTags("LakeSail-Workspace", "ws2")
	_, err = noTag.CreateListener(emutest.Bg, ln)
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "elasticloadbalancing:AddTags on resource: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/lakesail-ws1/")
	_, err = onCreate.CreateListener(emutest.Bg, ln)
	emutest.Must(t, err)
	// AddTags outside a create is not allowed by the condition.
	_, err = onCreate.AddTags(emutest.Bg, &elbv2.AddTagsInput{ResourceArns: []string{*lb.LoadBalancers[0].LoadBalancerArn}, Tags: emutest.ElbTags("x", "y")})
	emutest.WantCode(t, err, "AccessDenied")

	// Only the action that creates: a policy for target groups does not tag load balancers.
	tgOnly := emutest.ElbSession(t, e, "tag-tg-only", emutest.Doc(creates,
		emutest.Stmt{Effect: "Allow", Action: "elasticloadbalancing:AddTags", Resource: "*",
			Condition: cond("StringEquals", "elasticloadbalancing:CreateAction", "CreateTargetGroup")}))
	_, err = tgOnly.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("lakesail-ws3", net, "LakeSail-Workspace", "ws3"))
	emutest.WantCode(t, err, "AccessDenied")
}

// The connection role's shape: load balancers and target groups named lakesail-* and created
// with the LakeSail tag; acting on existing ones only where they carry it. An untagged load
// balancer is out of reach.
func TestEmuELBTagScopedSession(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	net := emutest.ElbMakeNetwork(t, e)
	cert := emutest.ElbCertificate(t, e, "sessions.ws1.lakesail.internal")
	root := emutest.ElbClient(e, e.RootCredentials())
	tagged := map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/LakeSail-Workspace": "ws1"}}
	s := emutest.ElbSession(t, e, "lakesail-connection", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "elasticloadbalancing:CreateLoadBalancer", Resource: "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/lakesail-*/*",
			Condition: map[string]any{"StringEquals": map[string]any{"aws:RequestTag/LakeSail-Workspace": "ws1", "elasticloadbalancing:Scheme": "internal"}}},
		emutest.Stmt{Effect: "Allow", Action: "elasticloadbalancing:CreateTargetGroup", Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/lakesail-*/*",
			Condition: cond("StringEquals", "aws:RequestTag/LakeSail-Workspace", "ws1")},
		emutest.Stmt{Effect: "Allow", Action: "elasticloadbalancing:AddTags", Resource: "*",
			Condition: cond("StringEquals", "elasticloadbalancing:CreateAction", []string{"CreateLoadBalancer", "CreateTargetGroup", "CreateListener"})},
		emutest.Stmt{Effect: "Allow", Action: []string{"elasticloadbalancing:CreateListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
			"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:DeleteTargetGroup"},
			Resource: "*", Condition: tagged},
		emutest.Allow("elasticloadbalancing:Describe*", "*"),
	))

	// Name and tag on create.
	_, err := s.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("other-ws1", net, "LakeSail-Workspace", "ws1"))
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("lakesail-ws1", net))
	emutest.WantCode(t, err, "AccessDenied")
	public := emutest.ElbInternalNLBInput("lakesail-ws1", net, "LakeSail-Workspace", "ws1")
	public.Scheme = elbtypes.LoadBalancerSchemeEnumInternetFacing
	_, err = s.CreateLoadBalancer(emutest.Bg, public)
	emutest.WantCode(t, err, "AccessDenied")
	mine, err := s.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("lakesail-ws1", net, "LakeSail-Workspace", "ws1"))
	emutest.Must(t, err)
	tg, err := s.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("lakesail-ws1", net, 8443, "LakeSail-Workspace", "ws1"))
	emutest.Must(t, err)

	// An untagged load balancer (made by someone else) is out of reach.
	theirs, err := root.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("lakesail-legacy", net))
	emutest.Must(t, err)
	theirArn := *theirs.LoadBalancers[0].LoadBalancerArn
	attrs := []elbtypes.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("false")}}
	_, err = s.ModifyLoadBalancerAttributes(emutest.Bg, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: aws.String(theirArn), Attributes: attrs})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "User: arn:aws:sts::123456789012:assumed-role/lakesail-connection/test-session is not authorized to perform: "+
		"elasticloadbalancing:ModifyLoadBalancerAttributes on resource: "+theirArn+" because no identity-based policy allows the elasticloadbalancing:ModifyLoadBalancerAttributes action")
	_, err = s.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(theirArn, *tg.TargetGroups[0].TargetGroupArn, cert, tls12))
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.SetSecurityGroups(emutest.Bg, &elbv2.SetSecurityGroupsInput{LoadBalancerArn: aws.String(theirArn), SecurityGroups: []string{net.Sg}})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.DeleteLoadBalancer(emutest.Bg, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(theirArn)})
	emutest.WantCode(t, err, "AccessDenied")

	// Its own, tagged, it manages.
	myArn := mine.LoadBalancers[0].LoadBalancerArn
	_, err = s.ModifyLoadBalancerAttributes(emutest.Bg, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: myArn, Attributes: attrs})
	emutest.Must(t, err)
	ln := emutest.ElbTLSListenerInput(*myArn, *tg.TargetGroups[0].TargetGroupArn, cert, tls12)
	ln.Tags = emutest.ElbTags("LakeSail-Workspace", "ws1")
	l, err := s.CreateListener(emutest.Bg, ln)
	emutest.Must(t, err)
	_, err = s.RegisterTargets(emutest.Bg, &elbv2.RegisterTargetsInput{TargetGroupArn: tg.TargetGroups[0].TargetGroupArn, Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.1.10")}}})
	emutest.Must(t, err)
	_, err = s.ModifyListener(emutest.Bg, &elbv2.ModifyListenerInput{ListenerArn: l.Listeners[0].ListenerArn, SslPolicy: aws.String(tls13)})
	emutest.Must(t, err)
	_, err = s.DeleteLoadBalancer(emutest.Bg, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: myArn})
	emutest.Must(t, err)
	_, err = s.DeleteTargetGroup(emutest.Bg, &elbv2.DeleteTargetGroupInput{TargetGroupArn: tg.TargetGroups[0].TargetGroupArn})
	emutest.Must(t, err)
}

// A policy can insist on a TLS 1.3 security policy for TLS listeners through
// elasticloadbalancing:SecurityPolicy; a TLS listener created without one gets the API's default
// and is judged by it.
func TestEmuELBSecurityPolicyKey(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	net := emutest.ElbMakeNetwork(t, e)
	cert := emutest.ElbCertificate(t, e, "sessions.ws1.lakesail.internal")
	root := emutest.ElbClient(e, e.RootCredentials())
	lb, err := root.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("ws1", net))
	emutest.Must(t, err)
	tg, err := root.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("ws1", net, 8443))
	emutest.Must(t, err)
	s := emutest.ElbSession(t, e, "tls13-only", emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "elasticloadbalancing:CreateListener", Resource: "*",
		Condition: cond("StringLike", "elasticloadbalancing:SecurityPolicy", "ELBSecurityPolicy-TLS13-*")}))
	arn, tgArn := *lb.LoadBalancers[0].LoadBalancerArn, *tg.TargetGroups[0].TargetGroupArn
	_, err = s.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(arn, tgArn, cert, ""))
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(arn, tgArn, cert, "ELBSecurityPolicy-TLS-1-2-2017-01"))
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreateListener(emutest.Bg, emutest.ElbTLSListenerInput(arn, tgArn, cert, tls12))
	emutest.Must(t, err)
}

// Every authorization question the ELB operations ask fits AWS's Service Authorization
// Reference: each action is the SAR's, each resource an ARN of a resource type the SAR lists for
// the action ("*" only for actions without resource types), each condition key one the SAR lists
// for it; and every operation the emulator serves is asked.
func TestEmuELBAuthorizationFitsSAR(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.ElbTestDelay})
	var mu sync.Mutex
	var questions []awsemu.AuthQuestion
	e.OnAuthorize(func(q awsemu.AuthQuestion) {
		if q.Service != "elasticloadbalancing" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		questions = append(questions, q)
	})
	nlbLifecycle(t, e, clock)
	// Tag-on-create of all three.
	net := emutest.ElbMakeNetwork(t, e)
	c := emutest.ElbClient(e, e.RootCredentials())
	lb, err := c.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("tagged", net, "k", "v"))
	emutest.Must(t, err)
	tg, err := c.CreateTargetGroup(emutest.Bg, emutest.ElbIPTargetGroupInput("tagged", net, 8443, "k", "v"))
	emutest.Must(t, err)
	ln := emutest.ElbTLSListenerInput(*lb.LoadBalancers[0].LoadBalancerArn, *tg.TargetGroups[0].TargetGroupArn, emutest.ElbCertificate(t, e, "x.lakesail.internal"), tls12)
	ln.Tags = emutest.ElbTags("k", "v")
	_, err = c.CreateListener(emutest.Bg, ln)
	emutest.Must(t, err)

	mu.Lock()
	defer mu.Unlock()
	asked := map[string]bool{}
	createActions := map[string]bool{}
	for _, q := range questions {
		asked[q.Operation] = true
		for i, ch := range q.Checks {
			act, ok := authref.Lookup(ch.Action)
			if !ok {
				t.Errorf("%s: action %s is not in the SAR", q.Operation, ch.Action)
				continue
			}
			resources := ch.Resources
			if len(resources) == 0 {
				resources = []string{"*"}
			}
			for _, res := range resources {
				if res == "*" {
					if !act.Unscoped() {
						t.Errorf("%s: %s asked on * but the SAR scopes it to %v", q.Operation, ch.Action, act.Resources)
					}
					continue
				}
				if _, ok := authref.ResourceTypeOf(ch.Action, res); !ok {
					t.Errorf("%s: %s is no resource type of %s", q.Operation, res, ch.Action)
				}
			}
			for k, v := range ch.Context {
				if !sarListsKey(act, k) {
					t.Errorf("%s: key %s is not a condition key of %s", q.Operation, k, ch.Action)
				}
				if k == "elasticloadbalancing:CreateAction" {
					createActions[v[0]] = true
					if i == 0 || ch.Action != "elasticloadbalancing:AddTags" || v[0] != q.Operation {
						t.Errorf("%s: CreateAction %v on %s", q.Operation, v, ch.Action)
					}
				}
			}
		}
	}
	for _, s := range awsemu.Services() {
		if s.Name != "elasticloadbalancing" {
			continue
		}
		for _, op := range s.Operations() {
			if !asked[op.Name] {
				t.Errorf("%s was never asked", op.Name)
			}
		}
	}
	var got []string
	for a := range createActions {
		got = append(got, a)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"CreateListener", "CreateLoadBalancer", "CreateTargetGroup"}) {
		t.Errorf("tag-on-create asked for %v", got)
	}
}

// sarListsKey reports whether the SAR lists key for act (a ${TagKey} template matches any tag key).
func sarListsKey(act authref.Action, key string) bool {
	listed := func(keys []string) bool {
		for _, k := range keys {
			if prefix, _, ok := strings.Cut(k, "${"); ok && strings.HasPrefix(key, prefix) || k == key {
				return true
			}
		}
		return false
	}
	if listed(act.ConditionKeys) {
		return true
	}
	svc, _ := authref.ServiceOf(act.Prefix())
	for _, ref := range act.Resources {
		if listed(ref.ConditionKeys) || listed(svc.ResourceTypes[ref.Type].ConditionKeys) {
			return true
		}
	}
	return false
}
