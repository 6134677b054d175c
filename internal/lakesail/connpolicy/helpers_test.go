package connpolicy

import (
	"testing"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

const (
	testConnection = "AB12CD34EF"
	testTenant     = "TN0000042X"
	testAccount    = "111122223333"
	testExternalID = "6f1c2e1a-7b8f-4c1e-9d3a-52b0c7e8a9f1"
)

// testSpec is the spec the golden files are rendered from.
func testSpec() Spec {
	return Spec{
		ConnectionID: testConnection,
		TenantID:     testTenant,
		AccountID:    testAccount,
		ExternalID:   testExternalID,
		ProvisionerPrincipals: []string{
			"arn:aws:iam::111122223333:role/terraform-ci",
			"arn:aws:iam::111122223333:role/platform/admins",
		},
	}
}

// specIn is testSpec in another partition, with the partition's own LakeSail principal.
func specIn(partition string) Spec {
	s := testSpec()
	s.Partition = partition
	s.LakeSailPrincipal = "arn:" + partition + ":iam::921150455437:root"
	s.ProvisionerPrincipals = []string{"arn:" + partition + ":iam::111122223333:role/terraform-ci"}
	return s
}

func mustBuild(t *testing.T, spec Spec) *Bundle {
	t.Helper()
	b, err := Build(spec)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b
}

// roleIdentity is what the connection role carries: the explicit deny and the scoped policies.
func roleIdentity(b *Bundle) []*iampolicy.Document {
	out := []*iampolicy.Document{&b.ExplicitDeny.Document}
	for _, p := range b.Scoped {
		out = append(out, &p.Document)
	}
	return out
}

// roleSession is the connection role, assumed.
func roleSession(b *Bundle) iampolicy.Caller {
	return iampolicy.Caller{
		ARN:     "arn:" + b.Spec.Partition + ":sts::" + b.Spec.AccountID + ":assumed-role/" + b.RoleName + "/lakesail-test",
		Account: b.Spec.AccountID,
		RoleARN: b.RoleARN,
	}
}

// asRole decides a request made by the connection role.
func asRole(b *Bundle, action, resource string, ctx map[string][]string) iampolicy.Result {
	req := iampolicy.Request{Caller: roleSession(b), Action: action, Resource: resource, Context: ctx}
	return iampolicy.Evaluate(req, roleIdentity(b), &b.RoleBoundary.Document)
}

func callRequest(c Call, caller iampolicy.Caller) iampolicy.Request {
	return iampolicy.Request{Caller: caller, Action: c.Action, Resource: c.Resource, Context: c.Context}
}

// statementAllows reports whether one statement alone allows the request.
func statementAllows(s iampolicy.Statement, req iampolicy.Request) bool {
	d := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{s}}
	return d.Match(req).Decision == iampolicy.Allowed
}

func findStatement(doc iampolicy.Document, sid string) (iampolicy.Statement, bool) {
	for _, s := range doc.Statement {
		if s.Sid == sid {
			return s, true
		}
	}
	return iampolicy.Statement{}, false
}
