package iampolicy

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestUnitActionMatchingIsCaseInsensitiveWithWildcards(t *testing.T) {
	tests := []struct {
		policy, action string
		want           bool
	}{
		{"iam:CreateRole", "iam:CreateRole", true},
		{"iam:CreateRole", "IAM:createrole", true},
		{"IAM:CREATEROLE", "iam:CreateRole", true},
		{"iam:CreateRole", "iam:CreateRolePolicy", false},
		{"iam:Create*", "iam:CreateRole", true},
		{"iam:create*", "iam:CreateRole", true},
		{"iam:Create*", "iam:DeleteRole", false},
		{"iam:*Role", "iam:DeleteRole", true},
		{"iam:*Role", "iam:DeleteRolePolicy", false},
		{"iam:*", "iam:CreateRole", true},
		{"iam:*", "sts:AssumeRole", false},
		{"*", "sts:AssumeRole", true},
		{"s3:Get?bject", "s3:GetObject", true},
		{"s3:Get?bject", "s3:GetObjectAcl", false},
		{"s3:Get??bject", "s3:GetObject", false},
		{"ec2:*Instances", "ec2:DescribeInstances", true},
		{"ec2:Describe*s", "ec2:DescribeInstanceAttribute", false},
	}
	for _, tt := range tests {
		if got := matchAction(tt.policy, tt.action); got != tt.want {
			t.Errorf("matchAction(%q, %q) = %v, want %v", tt.policy, tt.action, got, tt.want)
		}
	}
}

func TestUnitResourceMatchingIsCaseSensitiveWithWildcards(t *testing.T) {
	tests := []struct {
		policy, resource string
		want             bool
	}{
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c.txt", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a", false},
		{"arn:aws:s3:::bucket", "arn:aws:s3:::BUCKET", false},
		{"arn:aws:s3:::*log*", "arn:aws:s3:::app-logs", true},
		{"arn:aws:s3:::*log*", "arn:aws:s3:::app-LOGS", false},
		{"arn:aws:iam::*", "arn:aws:iam::111122223333:role/a/b", true}, // '*' spans ':' and '/'
		{"arn:aws:iam::111122223333:role/?", "arn:aws:iam::111122223333:role/a", true},
		{"arn:aws:iam::111122223333:role/?", "arn:aws:iam::111122223333:role/ab", false},
		{"arn:aws:s3:::*", "*", false}, // an action without resource-level permissions needs "*"
		{"*", "*", true},
		{"arn:*:s3:::b*/*/x", "arn:aws:s3:::bb/c/d/x", true},
	}
	for _, tt := range tests {
		d := &Document{Version: Version, Statement: []Statement{{Effect: Allow, Action: Values{"*"}, Resource: Values{tt.policy}}}}
		got := d.Match(Request{Action: "s3:GetObject", Resource: tt.resource}).Decision == Allowed
		if got != tt.want {
			t.Errorf("Resource %q vs %q = %v, want %v", tt.policy, tt.resource, got, tt.want)
		}
	}
}

func TestUnitNotActionAndNotResource(t *testing.T) {
	d := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllExceptIAM","Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"},
		{"Sid":"NothingOutsideBucket","Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]}]}`)
	tests := []struct {
		action, resource string
		want             Result
	}{
		{"ec2:RunInstances", "*", Result{Decision: Allowed, Statement: "AllExceptIAM"}},
		{"iam:CreateUser", "*", Result{Decision: ImplicitDeny}},
		{"IAM:CreateUser", "*", Result{Decision: ImplicitDeny}},
		{"s3:GetObject", "arn:aws:s3:::data/key", Result{Decision: Allowed, Statement: "AllExceptIAM"}},
		{"s3:GetObject", "arn:aws:s3:::other/key", Result{Decision: ExplicitDeny, Statement: "NothingOutsideBucket"}},
		{"s3:GetObject", "arn:aws:s3:::DATA/key", Result{Decision: ExplicitDeny, Statement: "NothingOutsideBucket"}},
	}
	for _, tt := range tests {
		if got := d.Match(Request{Caller: userAlice, Action: tt.action, Resource: tt.resource}); got != tt.want {
			t.Errorf("%s on %s = %+v, want %+v", tt.action, tt.resource, got, tt.want)
		}
	}
}

func TestUnitArnOperatorsCompareSegmentsSeparately(t *testing.T) {
	tests := []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/path/admin", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:user/admin", false},
		{"arn:aws:*", "arn:aws:iam::111122223333:role/admin", false}, // '*' does not cross ':'
		{"arn:aws:iam::*:*", "arn:aws:iam::111122223333:role/admin", true},
		{"arn:aws:iam::1111222233??:role/admin", "arn:aws:iam::111122223333:role/admin", true},
		{"arn:aws:logs:*:*:log-group:/app/*", "arn:aws:logs:eu-west-1:111122223333:log-group:/app/x:*", true},
		{"arn:aws:iam::*:role/Admin", "arn:aws:iam::111122223333:role/admin", false},
		{"arn:aws:iam::*:role/admin", "not-an-arn", false},
	}
	for _, tt := range tests {
		if got := arnLike(tt.arn, rawPattern(tt.pattern)); got != tt.want {
			t.Errorf("arnLike(%q, %q) = %v, want %v", tt.arn, tt.pattern, got, tt.want)
		}
	}
}

func TestUnitWildcardMatchingIsLinear(t *testing.T) {
	p := rawPattern(strings.Repeat("*a", 30) + "b")
	if p.match(strings.Repeat("a", 5000), false) {
		t.Error("matched a string without b")
	}
}

// The matcher must agree with a regular expression built from the same pattern.
func TestUnitWildcardMatchingAgreesWithRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(alphabet string, n int) string {
		b := make([]byte, rng.IntN(n+1))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20000 {
		p, s := random("ab*?:", 7), random("ab:", 9)
		expr := strings.NewReplacer("*", ".*", "?", ".").Replace(p)
		want := regexp.MustCompile("^(?s:" + expr + ")$").MatchString(s)
		if got := rawPattern(p).match(s, false); got != want {
			t.Fatalf("pattern %q vs %q = %v, want %v", p, s, got, want)
		}
	}
}

func TestUnitPrincipalForms(t *testing.T) {
	tests := []struct {
		principal string
		caller    Caller
		want      bool
	}{
		{`"*"`, otherUser, true},
		{`"*"`, eksService, true},
		{`{"AWS":"*"}`, otherUser, true},
		{`{"AWS":"111122223333"}`, rootCaller, true},
		{`{"AWS":"111122223333"}`, userAlice, true},
		{`{"AWS":"111122223333"}`, deploySess, true},
		{`{"AWS":"111122223333"}`, otherUser, false},
		{`{"AWS":"111122223333"}`, eksService, false},
		{`{"AWS":"arn:aws:iam::111122223333:root"}`, deploySess, true},
		{`{"AWS":"arn:aws:iam::111122223333:root"}`, otherUser, false},
		{`{"AWS":"arn:aws:iam::111122223333:role/automation/deploy"}`, deploySess, true},
		{`{"AWS":"arn:aws:iam::111122223333:role/deploy"}`, deploySess, false}, // the path is part of the ARN
		{`{"AWS":"arn:aws:iam::111122223333:role/automation/deploy"}`, userAlice, false},
		{`{"AWS":"arn:aws:sts::111122223333:assumed-role/deploy/ci-42"}`, deploySess, true},
		{`{"AWS":"arn:aws:sts::111122223333:assumed-role/deploy/ci-43"}`, deploySess, false},
		{`{"AWS":"arn:aws:iam::111122223333:user/alice"}`, userAlice, true},
		{`{"AWS":"arn:aws:iam::111122223333:user/alice"}`, rootCaller, false},
		{`{"AWS":["arn:aws:iam::111122223333:user/bob","444455556666"]}`, otherUser, true},
		{`{"Service":"eks.amazonaws.com"}`, eksService, true},
		{`{"Service":"ec2.amazonaws.com"}`, eksService, false},
		{`{"Service":"eks.amazonaws.com"}`, rootCaller, false},
		{`{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"}`, oidcCaller, true},
		{`{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/XYZ"}`, oidcCaller, false},
		{`{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"}`, userAlice, false},
	}
	for _, tt := range tests {
		for _, element := range []string{"Principal", "NotPrincipal"} {
			d := mustParse(t, fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Allow",%q:%s,"Action":"sts:AssumeRole"}}`, element, tt.principal))
			want := tt.want == (element == "Principal") // NotPrincipal inverts
			got := d.Match(Request{Caller: tt.caller, Action: "sts:AssumeRole", Resource: "*"}).Decision == Allowed
			if got != want {
				t.Errorf("%s %s, caller %+v: allowed = %v, want %v", element, tt.principal, tt.caller, got, want)
			}
		}
	}
}

func TestUnitStatementsWithoutPrincipalIgnoreTheCaller(t *testing.T) {
	d := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	for _, c := range []Caller{rootCaller, userAlice, deploySess, otherUser, eksService} {
		if got := d.Match(Request{Caller: c, Action: "s3:ListBucket", Resource: "*"}); got.Decision != Allowed {
			t.Errorf("caller %+v: %v", c, got.Decision)
		}
	}
}
