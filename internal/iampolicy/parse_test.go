package iampolicy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestUnitParseAcceptsIAMForms(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Statement
	}{
		{
			name: "statement as an object, strings for lists",
			text: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: Statement{Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{"*"}},
		},
		{
			name: "lists, NotAction and NotResource",
			text: `{"Version":"2012-10-17","Statement":[{"Sid":"X","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":["arn:aws:s3:::a","arn:aws:s3:::b"]}]}`,
			want: Statement{Sid: "X", Effect: Deny, NotAction: Values{"iam:*", "sts:*"}, NotResource: Values{"arn:aws:s3:::a", "arn:aws:s3:::b"}},
		},
		{
			name: "condition values as booleans and numbers",
			text: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":[10, 2.5]}}}}`,
			want: Statement{Effect: Allow, Action: Values{"*"}, Resource: Values{"*"}, Condition: Conditions{
				"Bool":            {"aws:SecureTransport": {"true"}},
				"NumericLessThan": {"s3:max-keys": {"10", "2.5"}},
			}},
		},
		{
			name: "trust policy: wildcard principal, no Resource",
			text: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
			want: Statement{Effect: Allow, Principal: &Principal{Wildcard: true}, Action: Values{"sts:AssumeRole"}},
		},
		{
			name: "principal object with every type",
			text: `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/r"],"Service":"eks.amazonaws.com","Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			want: Statement{Effect: Allow, NotPrincipal: &Principal{
				AWS:       Values{"111122223333", "arn:aws:iam::111122223333:role/r"},
				Service:   Values{"eks.amazonaws.com"},
				Federated: Values{"cognito-identity.amazonaws.com"},
			}, Action: Values{"sts:AssumeRole"}},
		},
		{
			name: "no Version at all",
			text: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			want: Statement{Effect: Allow, Action: Values{"*"}, Resource: Values{"*"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.text)
			if len(d.Statement) != 1 || !reflect.DeepEqual(d.Statement[0], tt.want) {
				t.Errorf("got %#v\nwant %#v", d.Statement, tt.want)
			}
		})
	}
}

func TestUnitParseRejectsMalformedDocuments(t *testing.T) {
	const allow = `"Effect":"Allow","Action":"s3:GetObject","Resource":"*"`
	tests := []struct {
		name, text, reason string
	}{
		{"not JSON", `{"Version":`, "not valid JSON"},
		{"not an object", `["Statement"]`, "expected a JSON object"},
		{"trailing data", `{"Statement":{` + allow + `}} {}`, "data after the object"},
		{"no Statement", `{"Version":"2012-10-17"}`, "missing Statement"},
		{"empty Statement list", `{"Version":"2012-10-17","Statement":[]}`, "missing Statement"},
		{"unsupported Version", `{"Version":"2012-10-18","Statement":{` + allow + `}}`, "unsupported Version"},
		{"unknown top-level key", `{"Version":"2012-10-17","Statements":{` + allow + `}}`, "unknown policy element"},
		{"unknown statement key", `{"Statement":{` + allow + `,"Actions":"s3:*"}}`, "unknown statement element"},
		{"statement keys are case-sensitive", `{"Statement":{"effect":"Allow","Action":"s3:*","Resource":"*"}}`, "unknown statement element"},
		{"duplicate key", `{"Statement":{` + allow + `,"Effect":"Deny"}}`, "duplicate element"},
		{"Effect in lower case", `{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}`, "Effect must be Allow or Deny"},
		{"Effect missing", `{"Statement":{"Action":"s3:*","Resource":"*"}}`, "Effect must be Allow or Deny"},
		{"Action and NotAction", `{"Statement":{` + allow + `,"NotAction":"iam:*"}}`, "exactly one of Action and NotAction"},
		{"neither Action nor NotAction", `{"Statement":{"Effect":"Allow","Resource":"*"}}`, "exactly one of Action and NotAction"},
		{"Resource and NotResource", `{"Statement":{` + allow + `,"NotResource":"*"}}`, "Resource and NotResource"},
		{"Principal and NotPrincipal", `{"Statement":{` + allow + `,"Principal":"*","NotPrincipal":"*"}}`, "Principal and NotPrincipal"},
		{"action without service prefix", `{"Statement":{"Effect":"Allow","Action":"CreateRole","Resource":"*"}}`, `"CreateRole"`},
		{"NotAction without service prefix", `{"Statement":{"Effect":"Deny","NotAction":["iam:*","GetUser"],"Resource":"*"}}`, `"GetUser"`},
		{"empty Action list", `{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, "must not be empty"},
		{"non-string Resource", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":true}}`, "expected a string"},
		{"principal string other than *", `{"Statement":{` + allow + `,"Principal":"111122223333"}}`, `must be "*"`},
		{"unknown principal type", `{"Statement":{` + allow + `,"Principal":{"CanonicalUser":"abc"}}}`, "unsupported principal type"},
		{"empty principal", `{"Statement":{` + allow + `,"Principal":{}}}`, "names no principal"},
		{"unknown condition operator", `{"Statement":{` + allow + `,"Condition":{"StringEqual":{"a:b":"c"}}}}`, "unknown condition operator"},
		{"unknown qualifier", `{"Statement":{` + allow + `,"Condition":{"ForEachValue:StringEquals":{"a:b":"c"}}}}`, "unknown condition qualifier"},
		{"Null with IfExists", `{"Statement":{` + allow + `,"Condition":{"NullIfExists":{"a:b":"true"}}}}`, "cannot be qualified"},
		{"null condition value", `{"Statement":{` + allow + `,"Condition":{"StringEquals":{"a:b":null}}}}`, "expected a string, boolean or number"},
		{"Sid not a string", `{"Statement":{` + allow + `,"Sid":1}}`, "Sid must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.text)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want a *ParseError", err)
			}
			if !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("reason %q does not mention %q", pe.Reason, tt.reason)
			}
		})
	}
}
