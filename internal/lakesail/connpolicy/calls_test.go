package connpolicy

import (
	"slices"
	"testing"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

var partitionsUnderTest = []string{"aws", "aws-cn", "aws-us-gov"}

// TestUnitCallsAllowedAsRole: every check the library makes through the role is allowed by
// the scoped policies within RoleBoundary, not denied by the explicit deny, and allowed by the
// very statement that claims it.
func TestUnitCallsAllowedAsRole(t *testing.T) {
	for _, partition := range partitionsUnderTest {
		t.Run(partition, func(t *testing.T) {
			spec := specIn(partition)
			b := mustBuild(t, spec)
			calls, err := Calls(spec)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range calls {
				if c.ResourcePolicy != "" {
					// Granted by the resource's own policy: the role's IAM policies must not grant
					// it, nor deny it (an explicit deny would override the resource's grant).
					if got := asRole(b, c.Action, c.Resource, c.Context); got.Decision != iampolicy.ImplicitDeny {
						t.Errorf("%s: IAM decides %s; only the resource's policy may grant it", c, got.Decision)
					}
					if !slices.Contains(KeyPolicyRoleActions(), c.Action) {
						t.Errorf("%s: not among the key policy's grants", c)
					}
					continue
				}
				if got := asRole(b, c.Action, c.Resource, c.Context); got.Decision != iampolicy.Allowed {
					t.Errorf("%s: %s (%s, statement %q)", c, got.Decision, got.DeniedBy, got.Statement)
				}
				s, ok := findStatement(b.Policy(c.Policy).Document, c.Sid)
				if !ok {
					t.Errorf("%s: no statement %s in %s", c, c.Sid, c.Policy)
					continue
				}
				if !statementAllows(s, callRequest(c, roleSession(b))) {
					t.Errorf("%s: statement %s does not allow it", c, c.Sid)
				}
			}
		})
	}
}

// TestUnitWorkloadCallsWithinBoundary: what the cluster role, nodes, the VPC CNI, the cluster
// autoscaler and pods need is within WorkloadBoundary, by the statement that claims it.
func TestUnitWorkloadCallsWithinBoundary(t *testing.T) {
	for _, partition := range partitionsUnderTest {
		t.Run(partition, func(t *testing.T) {
			spec := specIn(partition)
			b := mustBuild(t, spec)
			calls, err := WorkloadCalls(spec)
			if err != nil {
				t.Fatal(err)
			}
			caller := iampolicy.Caller{Account: spec.AccountID, ARN: "arn:" + partition + ":sts::" + spec.AccountID + ":assumed-role/lakesail-" + testConnection + "-ws00000001-node/i-0a1b"}
			for _, c := range calls {
				req := callRequest(c, caller)
				if got := b.WorkloadBoundary.Document.Match(req); got.Decision != iampolicy.Allowed {
					t.Errorf("%s: %s", c, got.Decision)
				}
				s, ok := findStatement(b.WorkloadBoundary.Document, c.Sid)
				if !ok || !statementAllows(s, req) {
					t.Errorf("%s: statement %s missing or not allowing", c, c.Sid)
				}
			}
		})
	}
}

// TestUnitNothingUnused: every action and every resource pattern of every statement of the
// scoped policies and of WorkloadBoundary is used by at least one call that claims the
// statement.
func TestUnitNothingUnused(t *testing.T) {
	spec := testSpec()
	b := mustBuild(t, spec)
	roleCalls, _ := Calls(spec)
	workloadCalls, _ := WorkloadCalls(spec)
	docs := append([]*Policy{b.WorkloadBoundary}, b.Scoped...)
	all := append(slices.Clone(roleCalls), workloadCalls...)
	for _, p := range docs {
		for _, s := range p.Document.Statement {
			var claimed []Call
			for _, c := range all {
				if c.Policy == p.Kind && c.Sid == s.Sid {
					claimed = append(claimed, c)
				}
			}
			if len(claimed) == 0 {
				t.Errorf("%s/%s: no call claims this statement", p.Kind, s.Sid)
				continue
			}
			for _, action := range s.Action {
				if !anyCall(claimed, func(c Call) bool {
					return matches(iampolicy.Statement{Effect: iampolicy.Allow, Action: iampolicy.Values{action}, Resource: iampolicy.Values{"*"}}, c)
				}) {
					t.Errorf("%s/%s: action %s is never called", p.Kind, s.Sid, action)
				}
			}
			for _, resource := range s.Resource {
				if !anyCall(claimed, func(c Call) bool {
					return matches(iampolicy.Statement{Effect: iampolicy.Allow, Action: iampolicy.Values{"*"}, Resource: iampolicy.Values{resource}}, c)
				}) {
					t.Errorf("%s/%s: resource %s is never used", p.Kind, s.Sid, resource)
				}
			}
		}
	}
}

func anyCall(calls []Call, f func(Call) bool) bool {
	for _, c := range calls {
		if f(c) {
			return true
		}
	}
	return false
}

func matches(s iampolicy.Statement, c Call) bool {
	return statementAllows(s, iampolicy.Request{Action: c.Action, Resource: c.Resource})
}
