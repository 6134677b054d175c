package iampolicy

import (
	"fmt"
	"strings"
	"testing"
)

type conditionCase struct {
	name      string
	condition string
	context   ctx
	want      bool
}

func runConditionCases(t *testing.T, tests []conditionCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := conditionAllows(t, tt.condition, tt.context); got != tt.want {
				t.Errorf("%s with %v = %v, want %v", tt.condition, tt.context, got, tt.want)
			}
		})
	}
}

func TestUnitConditionOperatorsBothWays(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"StringEquals match", `{"StringEquals":{"aws:username":"alice"}}`, ctx{"aws:username": {"alice"}}, true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"aws:username":"alice"}}`, ctx{"aws:username": {"Alice"}}, false},
		{"StringNotEquals other value", `{"StringNotEquals":{"aws:username":"alice"}}`, ctx{"aws:username": {"bob"}}, true},
		{"StringNotEquals same value", `{"StringNotEquals":{"aws:username":"alice"}}`, ctx{"aws:username": {"alice"}}, false},
		{"StringEqualsIgnoreCase match", `{"StringEqualsIgnoreCase":{"aws:username":"alice"}}`, ctx{"aws:username": {"ALICE"}}, true},
		{"StringEqualsIgnoreCase mismatch", `{"StringEqualsIgnoreCase":{"aws:username":"alice"}}`, ctx{"aws:username": {"bob"}}, false},
		{"StringNotEqualsIgnoreCase other", `{"StringNotEqualsIgnoreCase":{"aws:username":"alice"}}`, ctx{"aws:username": {"bob"}}, true},
		{"StringNotEqualsIgnoreCase same", `{"StringNotEqualsIgnoreCase":{"aws:username":"alice"}}`, ctx{"aws:username": {"ALICE"}}, false},
		{"StringLike match", `{"StringLike":{"s3:prefix":"home/*/docs-?"}}`, ctx{"s3:prefix": {"home/alice/docs-1"}}, true},
		{"StringLike is case-sensitive", `{"StringLike":{"s3:prefix":"home/*"}}`, ctx{"s3:prefix": {"Home/alice"}}, false},
		{"StringNotLike other", `{"StringNotLike":{"s3:prefix":"home/*"}}`, ctx{"s3:prefix": {"tmp/x"}}, true},
		{"StringNotLike match", `{"StringNotLike":{"s3:prefix":"home/*"}}`, ctx{"s3:prefix": {"home/x"}}, false},
		{"ArnEquals takes wildcards", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:111122223333:topic"}}`, ctx{"aws:SourceArn": {"arn:aws:sns:eu-west-1:111122223333:topic"}}, true},
		{"ArnEquals mismatch", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:111122223333:topic"}}`, ctx{"aws:SourceArn": {"arn:aws:sns:eu-west-1:444455556666:topic"}}, false},
		{"ArnLike match", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/admin-1"}}, true},
		{"ArnLike wildcard cannot cross a colon", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:*"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/a"}}, false},
		{"StringLike wildcard can cross a colon", `{"StringLike":{"aws:PrincipalArn":"arn:aws:*"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/a"}}, true},
		{"ArnNotEquals other", `{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/dev"}}, true},
		{"ArnNotEquals match", `{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/admin"}}, false},
		{"ArnNotLike other", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin*"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/dev"}}, true},
		{"ArnNotLike match", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin*"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/admin2"}}, false},
		{"Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, ctx{"aws:SecureTransport": {"true"}}, true},
		{"Bool false", `{"Bool":{"aws:SecureTransport":"true"}}`, ctx{"aws:SecureTransport": {"false"}}, false},
		{"Bool with a JSON boolean", `{"Bool":{"aws:SecureTransport":false}}`, ctx{"aws:SecureTransport": {"false"}}, true},
		{"BinaryEquals match", `{"BinaryEquals":{"x:blob":"QmluYXJ5"}}`, ctx{"x:blob": {"QmluYXJ5"}}, true},
		{"BinaryEquals mismatch", `{"BinaryEquals":{"x:blob":"QmluYXJ5"}}`, ctx{"x:blob": {"QmluYXJ6"}}, false},
		{"Null true, key absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, ctx{}, true},
		{"Null true, key present", `{"Null":{"aws:TokenIssueTime":"true"}}`, ctx{"aws:TokenIssueTime": {"2024-01-01T00:00:00Z"}}, false},
		{"Null false, key present", `{"Null":{"aws:TokenIssueTime":false}}`, ctx{"aws:TokenIssueTime": {"2024-01-01T00:00:00Z"}}, true},
		{"Null false, key absent", `{"Null":{"aws:TokenIssueTime":"false"}}`, ctx{}, false},
		{"NumericEquals match", `{"NumericEquals":{"s3:max-keys":10}}`, ctx{"s3:max-keys": {"10.0"}}, true},
		{"NumericEquals mismatch", `{"NumericEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"11"}}, false},
		{"NumericEquals non-number", `{"NumericEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"ten"}}, false},
		{"NumericNotEquals other", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"11"}}, true},
		{"NumericNotEquals same", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"10"}}, false},
		{"NumericLessThan below", `{"NumericLessThan":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"9"}}, true},
		{"NumericLessThan equal", `{"NumericLessThan":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"10"}}, false},
		{"NumericLessThanEquals equal", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"10"}}, true},
		{"NumericLessThanEquals above", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"10.5"}}, false},
		{"NumericGreaterThan above", `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"11"}}, true},
		{"NumericGreaterThan equal", `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"10"}}, false},
		{"NumericGreaterThanEquals equal", `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"10"}}, true},
		{"NumericGreaterThanEquals below", `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"-3"}}, false},
		{"DateEquals same instant", `{"DateEquals":{"aws:CurrentTime":"2024-06-01T12:00:00Z"}}`, ctx{"aws:CurrentTime": {"2024-06-01T14:00:00+02:00"}}, true},
		{"DateEquals other instant", `{"DateEquals":{"aws:CurrentTime":"2024-06-01T12:00:00Z"}}`, ctx{"aws:CurrentTime": {"2024-06-01T12:00:01Z"}}, false},
		{"DateNotEquals other", `{"DateNotEquals":{"aws:CurrentTime":"2024-06-01"}}`, ctx{"aws:CurrentTime": {"2024-06-02T00:00:00Z"}}, true},
		{"DateNotEquals same", `{"DateNotEquals":{"aws:CurrentTime":"2024-06-01"}}`, ctx{"aws:CurrentTime": {"2024-06-01T00:00:00Z"}}, false},
		{"DateLessThan before", `{"DateLessThan":{"aws:CurrentTime":"2024-06-01T00:00:00Z"}}`, ctx{"aws:CurrentTime": {"2024-05-31T23:59:59Z"}}, true},
		{"DateLessThan after", `{"DateLessThan":{"aws:CurrentTime":"2024-06-01T00:00:00Z"}}`, ctx{"aws:CurrentTime": {"2024-06-01T00:00:00Z"}}, false},
		{"DateLessThanEquals same", `{"DateLessThanEquals":{"aws:CurrentTime":"2024-06-01T00:00:00Z"}}`, ctx{"aws:CurrentTime": {"2024-06-01T00:00:00Z"}}, true},
		{"DateLessThanEquals after", `{"DateLessThanEquals":{"aws:CurrentTime":"2024-06-01T00:00:00Z"}}`, ctx{"aws:CurrentTime": {"2024-06-01T00:00:01Z"}}, false},
		{"DateGreaterThan epoch seconds", `{"DateGreaterThan":{"aws:EpochTime":"2024-01-01T00:00:00Z"}}`, ctx{"aws:EpochTime": {"1704067201"}}, true},
		{"DateGreaterThan before", `{"DateGreaterThan":{"aws:EpochTime":1704067200}}`, ctx{"aws:EpochTime": {"1704067199"}}, false},
		{"DateGreaterThanEquals same", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}`, ctx{"aws:CurrentTime": {"1704067200"}}, true},
		{"DateGreaterThanEquals before", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}`, ctx{"aws:CurrentTime": {"2023-12-31T23:59:59Z"}}, false},
		{"IpAddress in range", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}`, ctx{"aws:SourceIp": {"203.0.113.7"}}, true},
		{"IpAddress IPv6 in range", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}`, ctx{"aws:SourceIp": {"2001:db8::1"}}, true},
		{"IpAddress single address", `{"IpAddress":{"aws:SourceIp":"198.51.100.1"}}`, ctx{"aws:SourceIp": {"198.51.100.1"}}, true},
		{"IpAddress out of range", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:SourceIp": {"198.51.100.1"}}, false},
		{"NotIpAddress out of range", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:SourceIp": {"198.51.100.1"}}, true},
		{"NotIpAddress in range", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:SourceIp": {"203.0.113.9"}}, false},
	})
}

// AWS: a missing key makes a condition false, except that operators requiring the key NOT to
// match (StringNotEquals, ArnNotLike, ...) are then true.
func TestUnitAbsentKeyForEachOperatorFamily(t *testing.T) {
	tests := []struct {
		operator, value string
		want            bool
	}{
		{"StringEquals", "x", false},
		{"StringNotEquals", "x", true},
		{"StringEqualsIgnoreCase", "x", false},
		{"StringNotEqualsIgnoreCase", "x", true},
		{"StringLike", "*", false},
		{"StringNotLike", "*", true},
		{"ArnEquals", "arn:*:*:*:*:*", false},
		{"ArnLike", "arn:*:*:*:*:*", false},
		{"ArnNotEquals", "arn:*:*:*:*:*", true},
		{"ArnNotLike", "arn:*:*:*:*:*", true},
		{"Bool", "false", false},
		{"BinaryEquals", "eA==", false},
		{"NumericEquals", "0", false},
		{"NumericNotEquals", "0", true},
		{"NumericLessThan", "1", false},
		{"NumericGreaterThanEquals", "0", false},
		{"DateEquals", "2024-01-01", false},
		{"DateNotEquals", "2024-01-01", true},
		{"DateLessThan", "2999-01-01", false},
		{"DateGreaterThan", "1970-01-01", false},
		{"IpAddress", "0.0.0.0/0", false},
		{"NotIpAddress", "10.0.0.0/8", true},
	}
	for _, tt := range tests {
		for name, c := range map[string]ctx{"absent": nil, "present without values": {"x:key": {}}} {
			condition := fmt.Sprintf(`{%q:{"X:Key":%q}}`, tt.operator, tt.value)
			if got := conditionAllows(t, condition, c); got != tt.want {
				t.Errorf("%s, key %s = %v, want %v", tt.operator, name, got, tt.want)
			}
			// IfExists makes every operator hold when the key is absent.
			if got := conditionAllows(t, fmt.Sprintf(`{"%sIfExists":{"X:Key":%q}}`, tt.operator, tt.value), c); !got {
				t.Errorf("%sIfExists, key %s = false, want true", tt.operator, name)
			}
		}
	}
}

func TestUnitIfExistsStillChecksAPresentKey(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"absent", `{"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro","t3.small"]}}`, ctx{}, true},
		{"present and matching", `{"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro","t3.small"]}}`, ctx{"ec2:InstanceType": {"t3.small"}}, true},
		{"present and not matching", `{"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro","t3.small"]}}`, ctx{"ec2:InstanceType": {"m5.24xlarge"}}, false},
		{"negated, present and matching", `{"StringNotLikeIfExists":{"ec2:InstanceType":"*.metal"}}`, ctx{"ec2:InstanceType": {"m5.metal"}}, false},
		{"numeric, present and failing", `{"NumericLessThanIfExists":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"100"}}, false},
	})
}

func TestUnitSetOperators(t *testing.T) {
	const (
		forAll       = `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`
		forAny       = `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`
		forAllNotLik = `{"ForAllValues:StringNotLike":{"aws:TagKeys":"aws:*"}}`
		forAnyNotEq  = `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","team"]}}`
	)
	runConditionCases(t, []conditionCase{
		{"ForAllValues: every value allowed", forAll, ctx{"aws:TagKeys": {"env", "team"}}, true},
		{"ForAllValues: one value not allowed", forAll, ctx{"aws:TagKeys": {"env", "owner"}}, false},
		{"ForAllValues: empty set is true", forAll, ctx{"aws:TagKeys": {}}, true},
		{"ForAllValues: missing key is true", forAll, nil, true},
		{"ForAllValues negated: none reserved", forAllNotLik, ctx{"aws:TagKeys": {"env", "team"}}, true},
		{"ForAllValues negated: one reserved", forAllNotLik, ctx{"aws:TagKeys": {"env", "aws:x"}}, false},
		{"ForAnyValue: one value allowed", forAny, ctx{"aws:TagKeys": {"owner", "team"}}, true},
		{"ForAnyValue: no value allowed", forAny, ctx{"aws:TagKeys": {"owner"}}, false},
		{"ForAnyValue: empty set is false", forAny, ctx{"aws:TagKeys": {}}, false},
		{"ForAnyValue: missing key is false", forAny, nil, false},
		{"ForAnyValue negated: one outsider", forAnyNotEq, ctx{"aws:TagKeys": {"env", "owner"}}, true},
		{"ForAnyValue negated: no outsider", forAnyNotEq, ctx{"aws:TagKeys": {"env", "team"}}, false},
		{"ForAnyValue negated: missing key is false", forAnyNotEq, nil, false},
		{"ForAllValues IfExists: missing", `{"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":"env"}}`, nil, true},
		{"qualifier is case-insensitive", `{"forallvalues:StringEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:TagKeys": {"env"}}, true},
	})
}

func TestUnitConditionCombination(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"values within a key are ORed", `{"StringEquals":{"aws:username":["bob","alice"]}}`, ctx{"aws:username": {"alice"}}, true},
		{"keys within an operator are ANDed: both hold", `{"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"eu-west-1"}}`, ctx{"aws:username": {"alice"}, "aws:RequestedRegion": {"eu-west-1"}}, true},
		{"keys within an operator are ANDed: one fails", `{"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"eu-west-1"}}`, ctx{"aws:username": {"alice"}, "aws:RequestedRegion": {"us-east-1"}}, false},
		{"operators are ANDed: one fails", `{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}`, ctx{"aws:username": {"alice"}, "aws:SecureTransport": {"false"}}, false},
		{"operators are ANDed: both hold", `{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}`, ctx{"aws:username": {"alice"}, "aws:SecureTransport": {"true"}}, true},
		{"key names are case-insensitive", `{"StringEquals":{"AWS:UserName":"alice"}}`, ctx{"aws:username": {"alice"}}, true},
		{"tag key names are case-insensitive", `{"StringEquals":{"aws:RequestTag/LakeSail-Connection":"c1"}}`, ctx{"aws:requesttag/lakesail-connection": {"c1"}}, true},
		{"operator names are case-insensitive", `{"stringequals":{"aws:username":"alice"}}`, ctx{"aws:username": {"alice"}}, true},
		// Without a qualifier, a multi-valued key is "any value": positive operators need one
		// value to match, negated operators need no value to match.
		{"multi-valued key, positive, one matches", `{"StringEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:TagKeys": {"owner", "env"}}, true},
		{"multi-valued key, positive, none matches", `{"StringEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:TagKeys": {"owner"}}, false},
		{"multi-valued key, negated, one matches", `{"StringNotEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:TagKeys": {"owner", "env"}}, false},
		{"multi-valued key, negated, none matches", `{"StringNotEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:TagKeys": {"owner", "team"}}, true},
	})
}

func TestUnitPolicyVariables(t *testing.T) {
	d := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
		"Resource":["arn:aws:s3:::home/${aws:username}/*","arn:aws:s3:::literal/${*}${?}${$}",
		"arn:aws:s3:::team/${aws:PrincipalTag/team, 'shared'}/*"]}]}`)
	tests := []struct {
		name     string
		caller   Caller
		context  ctx
		resource string
		want     bool
	}{
		{"own home", userAlice, nil, "arn:aws:s3:::home/alice/notes.txt", true},
		{"someone else's home", userAlice, nil, "arn:aws:s3:::home/bob/notes.txt", false},
		{"role sessions have no username", deploySess, nil, "arn:aws:s3:::home/alice/notes.txt", false},
		{"nor does an unresolved variable match its own text", deploySess, nil, "arn:aws:s3:::home/${aws:username}/x", false},
		{"context value wins over the derived username", userAlice, ctx{"aws:username": {"bob"}}, "arn:aws:s3:::home/bob/x", true},
		{"substituted text is not a wildcard", userAlice, ctx{"aws:username": {"*"}}, "arn:aws:s3:::home/bob/x", false},
		{"substituted wildcard matches itself", userAlice, ctx{"aws:username": {"*"}}, "arn:aws:s3:::home/*/x", true},
		{"${*}${?}${$} are literal characters", userAlice, nil, "arn:aws:s3:::literal/*?$", true},
		{"${*} is not a wildcard", userAlice, nil, "arn:aws:s3:::literal/abc", false},
		{"tag variable", userAlice, ctx{"aws:PrincipalTag/team": {"data"}}, "arn:aws:s3:::team/data/x", true},
		{"tag variable, other team", userAlice, ctx{"aws:PrincipalTag/team": {"data"}}, "arn:aws:s3:::team/web/x", false},
		{"default value for a missing tag", userAlice, nil, "arn:aws:s3:::team/shared/x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Caller: tt.caller, Action: "s3:GetObject", Resource: tt.resource, Context: tt.context}
			if got := d.Match(req).Decision == Allowed; got != tt.want {
				t.Errorf("allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnitPolicyVariablesInConditions(t *testing.T) {
	owner := ctx{"aws:ResourceTag/owner": {"alice"}, "aws:username": {"alice"}}
	stranger := ctx{"aws:ResourceTag/owner": {"alice"}, "aws:username": {"bob"}}
	noUser := ctx{"aws:ResourceTag/owner": {"alice"}}
	runConditionCases(t, []conditionCase{
		{"StringEquals with a variable, owner", `{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}`, owner, true},
		{"StringEquals with a variable, stranger", `{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}`, stranger, false},
		{"unresolved variable matches nothing", `{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}`, noUser, false},
		// The unresolved value is dropped, so a negated operator finds nothing equal and holds.
		{"unresolved variable in a negated operator", `{"StringNotEquals":{"aws:ResourceTag/owner":"${aws:username}"}}`, noUser, true},
		{"StringLike with a variable", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, ctx{"s3:prefix": {"home/alice/a"}, "aws:username": {"alice"}}, true},
		{"StringEquals ${*} is a plain star", `{"StringEquals":{"s3:prefix":"${*}"}}`, ctx{"s3:prefix": {"*"}}, true},
	})
}

func TestUnitLegacyVersionHasNoPolicyVariables(t *testing.T) {
	d := mustParse(t, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}}`)
	req := Request{Caller: userAlice, Action: "s3:GetObject", Resource: "arn:aws:s3:::home/alice/x"}
	if got := d.Match(req).Decision; got != ImplicitDeny {
		t.Errorf("substituted in a 2008-10-17 document: %v", got)
	}
	req.Resource = "arn:aws:s3:::home/${aws:username}/x"
	if got := d.Match(req).Decision; got != Allowed {
		t.Errorf("literal text did not match: %v", got)
	}
}

func TestUnitDerivedPrincipalKeys(t *testing.T) {
	tests := []struct {
		caller Caller
		key    string
		want   string
	}{
		{deploySess, "aws:PrincipalArn", "arn:aws:iam::111122223333:role/automation/deploy"},
		{userAlice, "aws:principalarn", "arn:aws:iam::111122223333:user/alice"},
		{deploySess, "aws:PrincipalAccount", account},
		{rootCaller, "aws:PrincipalType", "Account"},
		{userAlice, "aws:PrincipalType", "User"},
		{deploySess, "aws:PrincipalType", "AssumedRole"},
		{userAlice, "aws:username", "alice"},
		{deploySess, "aws:username", ""},
		{eksService, "aws:PrincipalArn", ""},
	}
	for _, tt := range tests {
		req := Request{Caller: tt.caller}
		got, _ := req.lookup(tt.key)
		if strings.Join(got, ",") != tt.want {
			t.Errorf("%s for %+v = %q, want %q", tt.key, tt.caller, got, tt.want)
		}
	}
}
