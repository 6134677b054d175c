package iampolicy

import "testing"

const (
	allowS3  = `{"Version":"2012-10-17","Statement":{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	allowIAM = `{"Version":"2012-10-17","Statement":{"Sid":"IAM","Effect":"Allow","Action":"iam:*","Resource":"*"}}`
	denyS3   = `{"Version":"2012-10-17","Statement":{"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*"}}`
)

func TestUnitEvaluateBoundaryIntersection(t *testing.T) {
	tests := []struct {
		name     string
		identity []string
		boundary string // "" for none
		want     Result
	}{
		{"identity allows, no boundary", []string{allowS3}, "", Result{Decision: Allowed, Statement: "S3"}},
		{"identity silent, no boundary", []string{allowIAM}, "", Result{Decision: ImplicitDeny, DeniedBy: "identity-based policy"}},
		{"no identity policies", nil, "", Result{Decision: ImplicitDeny, DeniedBy: "identity-based policy"}},
		{"identity allows, boundary allows", []string{allowS3}, allowS3, Result{Decision: Allowed, Statement: "S3"}},
		{"identity allows, boundary silent", []string{allowS3}, allowIAM, Result{Decision: ImplicitDeny, DeniedBy: "permissions boundary"}},
		{"identity silent, boundary allows", []string{allowIAM}, allowS3, Result{Decision: ImplicitDeny, DeniedBy: "identity-based policy"}},
		{"identity denies, boundary allows", []string{allowS3, denyS3}, allowS3, Result{Decision: ExplicitDeny, DeniedBy: "identity-based policy", Statement: "NoS3"}},
		{"identity allows, boundary denies", []string{allowS3}, denyS3, Result{Decision: ExplicitDeny, DeniedBy: "permissions boundary", Statement: "NoS3"}},
		{"deny in a later identity policy still wins", []string{allowS3, allowIAM, denyS3}, "", Result{Decision: ExplicitDeny, DeniedBy: "identity-based policy", Statement: "NoS3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var identity []*Document
			for _, text := range tt.identity {
				identity = append(identity, mustParse(t, text))
			}
			var boundary *Document
			if tt.boundary != "" {
				boundary = mustParse(t, tt.boundary)
			}
			got := Evaluate(Request{Caller: userAlice, Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"}, identity, boundary)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// IAM User Guide, "Permissions boundaries for IAM entities": the effective permissions are the
// intersection of the identity-based policy and the boundary.
func TestUnitEvaluateAWSBoundaryExample(t *testing.T) {
	identity := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow",
		"Action":["s3:*","ec2:*","iam:*"],"Resource":"*"}}`)
	boundary := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["s3:*","cloudwatch:*","ec2:*"],"Resource":"*"}]}`)
	tests := []struct {
		action string
		want   Decision
		by     string
	}{
		{"s3:GetObject", Allowed, ""},
		{"ec2:RunInstances", Allowed, ""},
		{"iam:CreateUser", ImplicitDeny, "permissions boundary"},
		{"cloudwatch:PutMetricData", ImplicitDeny, "identity-based policy"},
	}
	for _, tt := range tests {
		got := Evaluate(Request{Caller: userAlice, Action: tt.action, Resource: "*"}, []*Document{identity}, boundary)
		if got.Decision != tt.want || got.DeniedBy != tt.by {
			t.Errorf("%s: got %+v, want %v by %q", tt.action, got, tt.want, tt.by)
		}
	}
}

// IAM User Guide, "Policy evaluation for requests within a single account": Carlos's identity
// policy lets him use his own bucket but explicitly denies every bucket with "log" in its name.
func TestUnitEvaluateAWSCarlosExample(t *testing.T) {
	policy := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowS3ListRead","Effect":"Allow","Action":["s3:GetBucketLocation","s3:GetAccountPublicAccessBlock","s3:ListAccessPoints","s3:ListAllMyBuckets"],"Resource":"arn:aws:s3:::*"},
		{"Sid":"AllowS3Self","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*","arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"]},
		{"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}]}`)
	carlos := Caller{ARN: "arn:aws:iam::111122223333:user/carlossalazar", Account: account}
	tests := []struct {
		action, resource string
		want             Result
	}{
		{"s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/file",
			Result{Decision: ExplicitDeny, DeniedBy: "identity-based policy", Statement: "DenyS3Logs"}},
		{"s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/file", Result{Decision: Allowed, Statement: "AllowS3Self"}},
		{"s3:ListAllMyBuckets", "arn:aws:s3:::any", Result{Decision: Allowed, Statement: "AllowS3ListRead"}},
		{"s3:PutObject", "arn:aws:s3:::someone-else/file", Result{Decision: ImplicitDeny, DeniedBy: "identity-based policy"}},
	}
	for _, tt := range tests {
		got := Evaluate(Request{Caller: carlos, Action: tt.action, Resource: tt.resource}, []*Document{policy}, nil)
		if got != tt.want {
			t.Errorf("%s on %s: got %+v, want %+v", tt.action, tt.resource, got, tt.want)
		}
	}
}

// IAM User Guide, condition operators: "ForAllValues returns true if there are no context keys in
// the request" — the pitfall that makes an Allow with ForAllValues allow untagged requests.
func TestUnitEvaluateForAllValuesEmptySetPitfall(t *testing.T) {
	policy := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*",
		"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}}}`)
	for name, c := range map[string]ctx{"no tags at all": nil, "empty tag set": {"aws:TagKeys": {}}, "allowed tags": {"aws:TagKeys": {"environment"}}} {
		if got := Evaluate(Request{Caller: userAlice, Action: "ec2:CreateTags", Resource: "*", Context: c}, []*Document{policy}, nil); got.Decision != Allowed {
			t.Errorf("%s: %+v, want allowed", name, got)
		}
	}
	c := ctx{"aws:TagKeys": {"environment", "owner"}}
	if got := Evaluate(Request{Caller: userAlice, Action: "ec2:CreateTags", Resource: "*", Context: c}, []*Document{policy}, nil); got.Decision != ImplicitDeny {
		t.Errorf("disallowed tag: %+v", got)
	}
}

// A Deny guarded by StringNotEquals applies when the key is missing: the negated operator is true.
func TestUnitEvaluateStringNotEqualsMissingKeyIsTrue(t *testing.T) {
	identity := []*Document{mustParse(t, allowS3), mustParse(t, `{"Version":"2012-10-17","Statement":{"Sid":"OnlyFinance",
		"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/department":"finance"}}}}`)}
	tests := []struct {
		name    string
		context ctx
		want    Decision
	}{
		{"tagged finance", ctx{"aws:PrincipalTag/department": {"finance"}}, Allowed},
		{"tagged otherwise", ctx{"aws:PrincipalTag/department": {"hr"}}, ExplicitDeny},
		{"untagged", nil, ExplicitDeny},
	}
	for _, tt := range tests {
		got := Evaluate(Request{Caller: userAlice, Action: "s3:GetObject", Resource: "*", Context: tt.context}, identity, nil)
		if got.Decision != tt.want {
			t.Errorf("%s: %+v, want %v", tt.name, got, tt.want)
		}
	}
}

// IAM User Guide, "Delegating responsibility to others using permissions boundaries": an
// administrator may create users only when attaching the company boundary.
func TestUnitEvaluatePermissionsBoundaryCondition(t *testing.T) {
	policy := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"CreateOrChangeOnlyWithBoundary","Effect":"Allow",
		"Action":["iam:CreateUser","iam:DeleteUserPolicy","iam:AttachUserPolicy","iam:DetachUserPolicy","iam:PutUserPermissionsBoundary","iam:PutUserPolicy"],
		"Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::111122223333:policy/XCompanyBoundaries"}}}]}`)
	tests := []struct {
		name    string
		context ctx
		want    Decision
	}{
		{"with the company boundary", ctx{"iam:PermissionsBoundary": {"arn:aws:iam::111122223333:policy/XCompanyBoundaries"}}, Allowed},
		{"key name in another case", ctx{"IAM:permissionsboundary": {"arn:aws:iam::111122223333:policy/XCompanyBoundaries"}}, Allowed},
		{"with another boundary", ctx{"iam:PermissionsBoundary": {"arn:aws:iam::111122223333:policy/AdminAccess"}}, ImplicitDeny},
		{"without a boundary", nil, ImplicitDeny},
	}
	for _, tt := range tests {
		got := Evaluate(Request{Caller: userAlice, Action: "iam:CreateUser", Resource: "arn:aws:iam::111122223333:user/new", Context: tt.context}, []*Document{policy}, nil)
		if got.Decision != tt.want {
			t.Errorf("%s: %+v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestUnitEvaluateTrustExternalID(t *testing.T) {
	trust := mustParse(t, `{"Version":"2012-10-17","Statement":{"Sid":"ThirdParty","Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"sts:ExternalId":"Unique-ID-1234"}}}}`)
	tests := []struct {
		name    string
		caller  Caller
		context ctx
		want    Result
	}{
		{"right external id", otherUser, ctx{"sts:ExternalId": {"Unique-ID-1234"}}, Result{Decision: Allowed, Statement: "ThirdParty"}},
		{"wrong external id", otherUser, ctx{"sts:ExternalId": {"unique-id-1234"}}, Result{Decision: ImplicitDeny, DeniedBy: "resource-based policy"}},
		{"missing external id", otherUser, nil, Result{Decision: ImplicitDeny, DeniedBy: "resource-based policy"}},
		{"right id, other account", userAlice, ctx{"sts:ExternalId": {"Unique-ID-1234"}}, Result{Decision: ImplicitDeny, DeniedBy: "resource-based policy"}},
	}
	for _, tt := range tests {
		req := Request{Caller: tt.caller, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/ThirdParty", Context: tt.context}
		if got := EvaluateTrust(req, trust); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestUnitEvaluateTrust(t *testing.T) {
	trust := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Account","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sts:AssumeRole","sts:TagSession"]},
		{"Sid":"NoAlice","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:*"},
		{"Sid":"IRSA","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
		 "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:lakesail:driver"}}}]}`)
	sub := ctx{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": {"system:serviceaccount:lakesail:driver"}}
	tests := []struct {
		name    string
		caller  Caller
		action  string
		context ctx
		want    Result
	}{
		{"same-account role session", deploySess, "sts:AssumeRole", nil, Result{Decision: Allowed, Statement: "Account"}},
		{"explicitly denied user", userAlice, "sts:AssumeRole", nil, Result{Decision: ExplicitDeny, DeniedBy: "resource-based policy", Statement: "NoAlice"}},
		{"other account", otherUser, "sts:AssumeRole", nil, Result{Decision: ImplicitDeny, DeniedBy: "resource-based policy"}},
		{"action not trusted", deploySess, "sts:AssumeRoleWithSAML", nil, Result{Decision: ImplicitDeny, DeniedBy: "resource-based policy"}},
		{"web identity, right subject", oidcCaller, "sts:AssumeRoleWithWebIdentity", sub, Result{Decision: Allowed, Statement: "IRSA"}},
		{"web identity, no subject", oidcCaller, "sts:AssumeRoleWithWebIdentity", nil, Result{Decision: ImplicitDeny, DeniedBy: "resource-based policy"}},
		{"service principal not trusted", eksService, "sts:AssumeRole", nil, Result{Decision: ImplicitDeny, DeniedBy: "resource-based policy"}},
	}
	for _, tt := range tests {
		req := Request{Caller: tt.caller, Action: tt.action, Resource: "arn:aws:iam::111122223333:role/r", Context: tt.context}
		if got := EvaluateTrust(req, trust); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestUnitEvaluateTrustNeedsAPrincipalToAllow(t *testing.T) {
	noPrincipal := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`)
	req := Request{Caller: userAlice, Action: "sts:AssumeRole", Resource: "*"}
	if got := EvaluateTrust(req, noPrincipal); got.Decision != ImplicitDeny {
		t.Errorf("an Allow without Principal admitted the caller: %+v", got)
	}
	if got := noPrincipal.Match(req); got.Decision != Allowed {
		t.Errorf("outside a trust policy, a statement without Principal should ignore the caller: %+v", got)
	}
	if got := EvaluateTrust(req, nil); got.Decision != ImplicitDeny || got.DeniedBy != "resource-based policy" {
		t.Errorf("nil trust policy: %+v", got)
	}
}

func TestUnitSizeIgnoresWhiteSpace(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{`{"a":"b"}`, 9},
		{"{\n  \"a\" : \"b\"\t}\r\n", 9},
		{`{"é":"ü"}`, 9},
		{"", 0},
	}
	for _, tt := range tests {
		if got := Size(tt.text); got != tt.want {
			t.Errorf("Size(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
	d := mustParse(t, reviewDoc)
	if Size(d.Indent()) != Size(d.JSON()) {
		t.Error("indentation changed the counted size")
	}
}
