package iampolicy

import (
	"fmt"
	"strings"
	"testing"
)

// benchStatements are eight statements of the kinds the provider's roles carry; %[1]d varies the
// team so that each document covers different resources.
var benchStatements = []string{
	`{"Sid":"Home%[1]d","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],
	  "Resource":"arn:aws:s3:::team-%[1]d-data/home/${aws:PrincipalTag/user}/*"}`,
	`{"Sid":"List%[1]d","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::team-%[1]d-data",
	  "Condition":{"StringLike":{"s3:prefix":["home/${aws:PrincipalTag/user}/*","shared/*"]}}}`,
	`{"Sid":"Describe%[1]d","Effect":"Allow","Action":["ec2:Describe*","eks:Describe*","eks:List*"],"Resource":"*"}`,
	`{"Sid":"Instances%[1]d","Effect":"Allow","Action":["ec2:StartInstances","ec2:StopInstances"],
	  "Resource":"arn:aws:ec2:*:111122223333:instance/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"team-%[1]d"}}}`,
	`{"Sid":"PassRole%[1]d","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/team-%[1]d/*",
	  "Condition":{"StringEquals":{"iam:PassedToService":["eks.amazonaws.com","ec2.amazonaws.com"]}}}`,
	`{"Sid":"Regions%[1]d","Effect":"Deny","NotAction":["iam:*","sts:*","cloudfront:*"],"Resource":"*",
	  "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}`,
	`{"Sid":"Tables%[1]d","Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:111122223333:table/team-%[1]d-*",
	  "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/user}"]}}}`,
	`{"Sid":"Logs%[1]d","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:*:log-group:/team-%[1]d/*",
	  "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:eks:*:111122223333:cluster/*"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`,
}

func benchDocument(b *testing.B, team int) *Document {
	statements := make([]string, len(benchStatements))
	for i, s := range benchStatements {
		statements[i] = fmt.Sprintf(s, team)
	}
	return mustParse(b, `{"Version":"2012-10-17","Statement":[`+strings.Join(statements, ",")+`]}`)
}

// BenchmarkEvaluate decides a request that only the last statement family of the fourth identity
// policy allows, so every one of the 40 statements is looked at.
func BenchmarkEvaluate(b *testing.B) {
	identity := []*Document{benchDocument(b, 1), benchDocument(b, 2), benchDocument(b, 3), benchDocument(b, 4)}
	boundary := benchDocument(b, 4)
	req := Request{
		Caller:   deploySess,
		Action:   "s3:PutObject",
		Resource: "arn:aws:s3:::team-4-data/home/alice/report.parquet",
		Context: map[string][]string{
			"aws:PrincipalTag/user": {"alice"},
			"aws:RequestedRegion":   {"eu-west-1"},
			"aws:SourceIp":          {"10.1.2.3"},
			"aws:SecureTransport":   {"true"},
		},
	}
	if got := Evaluate(req, identity, boundary); got.Decision != Allowed || got.Statement != "Home4" {
		b.Fatalf("benchmark request not allowed as expected: %+v", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, identity, boundary)
	}
}
