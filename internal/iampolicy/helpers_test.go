package iampolicy

import (
	"fmt"
	"testing"
)

// ctx is a request context literal.
type ctx = map[string][]string

const account = "111122223333"

// Callers used across the tests.
var (
	rootCaller = Caller{ARN: "arn:aws:iam::111122223333:root", Account: account}
	userAlice  = Caller{ARN: "arn:aws:iam::111122223333:user/alice", Account: account}
	deploySess = Caller{
		ARN:     "arn:aws:sts::111122223333:assumed-role/deploy/ci-42",
		Account: account,
		RoleARN: "arn:aws:iam::111122223333:role/automation/deploy",
	}
	otherUser  = Caller{ARN: "arn:aws:iam::444455556666:user/mallory", Account: "444455556666"}
	eksService = Caller{Service: "eks.amazonaws.com"}
	oidcCaller = Caller{Federated: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"}
)

func mustParse(t testing.TB, text string) *Document {
	t.Helper()
	d, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, text)
	}
	return d
}

// conditionAllows reports whether a policy allowing everything under the given Condition block
// allows a request carrying c, made by a role session (which has no aws:username).
func conditionAllows(t *testing.T, condition string, c ctx) bool {
	t.Helper()
	d := mustParse(t, fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Allow",
		"Action":"*","Resource":"*","Condition":%s}}`, condition))
	return d.Match(Request{Caller: deploySess, Action: "s3:GetObject", Resource: "*", Context: c}).Decision == Allowed
}
