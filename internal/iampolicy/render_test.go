package iampolicy

import (
	"encoding/json"
	"reflect"
	"testing"
)

const reviewDoc = `{
  "Version": "2012-10-17",
  "Id": "review",
  "Statement": [
    {
      "Sid": "Trust",
      "Effect": "Allow",
      "Principal": {
        "AWS": [
          "arn:aws:iam::111122223333:root",
          "444455556666"
        ],
        "Service": "eks.amazonaws.com"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "Bool": {
          "aws:MultiFactorAuthPresent": "true"
        },
        "StringEquals": {
          "aws:PrincipalTag/team": "data",
          "sts:ExternalId": [
            "a<b>&c",
            "z"
          ]
        }
      }
    },
    {
      "Effect": "Deny",
      "NotPrincipal": "*",
      "NotAction": [
        "s3:Get*",
        "s3:List*"
      ],
      "NotResource": "arn:aws:s3:::bucket/*"
    }
  ]
}`

func TestUnitRenderRoundTrips(t *testing.T) {
	d := mustParse(t, reviewDoc)
	if got := d.Indent(); got != reviewDoc {
		t.Errorf("Indent:\n%s\nwant:\n%s", got, reviewDoc)
	}
	compact := d.JSON()
	if again := mustParse(t, compact); !reflect.DeepEqual(again, d) {
		t.Errorf("Parse(JSON()) = %#v, want %#v", again, d)
	}
	var viaStdlib Document
	if err := json.Unmarshal([]byte(compact), &viaStdlib); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&viaStdlib, d) {
		t.Errorf("json.Unmarshal(JSON()) = %#v, want %#v", viaStdlib, *d)
	}
	if viaStdlib.JSON() != compact {
		t.Errorf("rendering is not stable:\n%s\n%s", viaStdlib.JSON(), compact)
	}
}

func TestUnitRenderIsDeterministicAndCompact(t *testing.T) {
	d := &Document{Version: Version, Statement: []Statement{{
		Effect:   Allow,
		Action:   Values{"iam:CreateRole"},
		Resource: Values{"*"},
		Condition: Conditions{
			"StringLike":   {"z:key": {"b"}, "a:key": {"a"}},
			"StringEquals": {"iam:PermissionsBoundary": {"arn:aws:iam::111122223333:policy/b"}},
		},
	}}}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateRole","Resource":"*",` +
		`"Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::111122223333:policy/b"},` +
		`"StringLike":{"a:key":"a","z:key":"b"}}}]}`
	for range 20 {
		if got := d.JSON(); got != want {
			t.Fatalf("JSON() = %s\nwant     %s", got, want)
		}
	}
}

func TestUnitRenderValuesAndPrincipal(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"one value is a string", Values{"s3:GetObject"}, `"s3:GetObject"`},
		{"two values are a list", Values{"a", "b"}, `["a","b"]`},
		{"no values are an empty list", Values(nil), `[]`},
		{"wildcard principal", Principal{Wildcard: true}, `"*"`},
		{"AWS wildcard stays an object", Principal{AWS: Values{"*"}}, `{"AWS":"*"}`},
		{"principal types sorted", Principal{Service: Values{"s"}, AWS: Values{"a", "b"}, Federated: Values{"f"}}, `{"AWS":["a","b"],"Federated":"f","Service":"s"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.value)
			if err != nil || string(got) != tt.want {
				t.Errorf("Marshal = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestUnitUnmarshalValuesAcceptsScalars(t *testing.T) {
	var v Values
	if err := json.Unmarshal([]byte(`[true, 42, "x", -1.5e3]`), &v); err != nil {
		t.Fatal(err)
	}
	if want := (Values{"true", "42", "x", "-1.5e3"}); !reflect.DeepEqual(v, want) {
		t.Errorf("got %q, want %q", v, want)
	}
	if err := json.Unmarshal([]byte(`{"a":1}`), &v); err == nil {
		t.Error("an object was accepted as Values")
	}
}
