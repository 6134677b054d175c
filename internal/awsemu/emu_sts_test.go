package awsemu

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func TestEmuGetCallerIdentityRoot(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	out, err := stsClient(e, e.RootCredentials()).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *out.Account != DefaultAccountID || *out.Arn != "arn:aws:iam::123456789012:root" || *out.UserId != DefaultAccountID {
		t.Fatalf("identity = %s %s %s", *out.Account, *out.Arn, *out.UserId)
	}
}

func TestEmuAssumeRoleExternalID(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	r := createRole(t, root, &iam.CreateRoleInput{
		RoleName:                 aws.String("lakesail-conn"),
		AssumeRolePolicyDocument: aws.String(trustDoc(rootOf(DefaultAccountID), "s3cr3t-ext-id")),
	}, "")

	for _, bad := range []string{"", "wrong-ext-id"} {
		_, err := tryAssume(e, e.RootCredentials(), *r.Arn, bad)
		wantCode(t, err, "AccessDenied")
		wantContains(t, errMessage(err), "is not authorized to perform: sts:AssumeRole on resource: "+*r.Arn)
	}
	creds := assume(t, e, e.RootCredentials(), *r.Arn, "s3cr3t-ext-id")
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SessionToken == "" {
		t.Fatalf("session credentials look wrong: %+v", creds)
	}
	id, err := stsClient(e, creds).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	must(t, err)
	if want := "arn:aws:sts::123456789012:assumed-role/lakesail-conn/test-session"; *id.Arn != want {
		t.Fatalf("Arn = %s, want %s", *id.Arn, want)
	}
	if *id.UserId != *r.RoleId+":test-session" || *id.Account != DefaultAccountID {
		t.Fatalf("UserId/Account = %s %s", *id.UserId, *id.Account)
	}
}

func TestEmuAssumeRoleCrossAccount(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	const lakesail = "921150455437"
	lsRoot := e.AddAccount(lakesail)
	if again := e.AddAccount(lakesail); again != lsRoot {
		t.Fatal("AddAccount of an existing account must return its keys")
	}
	customer := iamClient(e, e.RootCredentials())
	r := createRole(t, customer, &iam.CreateRoleInput{
		RoleName:                 aws.String("cross"),
		AssumeRolePolicyDocument: aws.String(trustDoc(rootOf(lakesail), "ext-123")),
	}, "")

	// Another account's root: trust plus external ID decide.
	_, err := tryAssume(e, lsRoot, *r.Arn, "nope")
	wantCode(t, err, "AccessDenied")
	assume(t, e, lsRoot, *r.Arn, "ext-123")
	// The customer's own root is not the trusted account.
	_, err = tryAssume(e, e.RootCredentials(), *r.Arn, "ext-123")
	wantCode(t, err, "AccessDenied")

	// A LakeSail role session needs its own policy to allow sts:AssumeRole across accounts.
	ls := iamClient(e, lsRoot)
	lsRole := createRole(t, ls, &iam.CreateRoleInput{
		RoleName:                 aws.String("control-plane"),
		AssumeRolePolicyDocument: aws.String(trustDoc(rootOf(lakesail), "")),
	}, doc(allow("iam:ListRoles", "*")))
	cp := assume(t, e, lsRoot, *lsRole.Arn, "")
	_, err = tryAssume(e, cp, *r.Arn, "ext-123")
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "because no identity-based policy allows the sts:AssumeRole action")
	_, err = ls.PutRolePolicy(bg, &iam.PutRolePolicyInput{RoleName: lsRole.RoleName, PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(doc(allow("sts:AssumeRole", *r.Arn)))})
	must(t, err)
	chained := assume(t, e, cp, *r.Arn, "ext-123")
	id, err := stsClient(e, chained).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Account != DefaultAccountID {
		t.Fatalf("chained session account = %s", *id.Account)
	}
}

func TestEmuAssumeRoleSameAccountTrustByARN(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	a := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("a")}, doc(allow("iam:ListRoles", "*")))
	byAccount := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("by-account")}, "")
	byARN := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("by-arn"),
		AssumeRolePolicyDocument: aws.String(trustDoc(*a.Arn, ""))}, "")
	sa := assume(t, e, e.RootCredentials(), *a.Arn, "")
	// Trust naming only the account: the session's own policies must allow sts:AssumeRole.
	_, err := tryAssume(e, sa, *byAccount.Arn, "")
	wantCode(t, err, "AccessDenied")
	// Trust naming the role itself is enough within the account.
	assume(t, e, sa, *byARN.Arn, "")
}

func TestEmuAssumeRoleValidation(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	r := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("v"), MaxSessionDuration: aws.Int32(7200)}, doc(allow("sts:AssumeRole", "*")))
	s := stsClient(e, e.RootCredentials())
	cases := []struct {
		name     string
		session  string
		duration int32
	}{
		{"short session name", "a", 0},
		{"long session name", strings.Repeat("a", 65), 0},
		{"bad session name", "has space", 0},
		{"duration under 900", "ok-name", 899},
		{"duration over role max", "ok-name", 7201},
	}
	for _, tc := range cases {
		in := &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String(tc.session)}
		if tc.duration != 0 {
			in.DurationSeconds = aws.Int32(tc.duration)
		}
		_, err := s.AssumeRole(bg, in)
		if got := errCode(err); got != "ValidationError" && !strings.Contains(got, "InvalidParameter") {
			t.Errorf("%s: error = %v, want ValidationError", tc.name, err)
		}
	}
	out, err := s.AssumeRole(bg, &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String("long"), DurationSeconds: aws.Int32(7200)})
	must(t, err)
	if got := out.Credentials.Expiration.Sub(t0); got != 2*time.Hour {
		t.Fatalf("expiration after %v, want 2h", got)
	}
	// Role chaining caps sessions at one hour.
	sess := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
	chain := stsClient(e, sess)
	_, err = chain.AssumeRole(bg, &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(3601)})
	wantCode(t, err, "ValidationError")
	wantContains(t, errMessage(err), "role chaining")
	_, err = chain.AssumeRole(bg, &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(3600)})
	must(t, err)
}

func TestEmuAssumeRolePropagationDelay(t *testing.T) {
	e, clock := newTestEmu(t, Options{PropagationDelay: 10 * time.Second})
	root := iamClient(e, e.RootCredentials())
	r := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("fresh")}, "")
	_, err := tryAssume(e, e.RootCredentials(), *r.Arn, "")
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "is not authorized to perform: sts:AssumeRole on resource: "+*r.Arn)
	clock.Advance(9 * time.Second)
	_, err = tryAssume(e, e.RootCredentials(), *r.Arn, "")
	wantCode(t, err, "AccessDenied")
	clock.Advance(2 * time.Second)
	assume(t, e, e.RootCredentials(), *r.Arn, "")
}

func TestEmuSessionPolicyLimitsSession(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	r := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("broad")}, doc(allow("iam:*", "*")))
	out, err := stsClient(e, e.RootCredentials()).AssumeRole(bg, &sts.AssumeRoleInput{
		RoleArn: r.Arn, RoleSessionName: aws.String("narrow"), Policy: aws.String(doc(allow("iam:ListRoles", "*"))),
	})
	must(t, err)
	c := iamClient(e, aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken})
	_, err = c.ListRoles(bg, &iam.ListRolesInput{})
	must(t, err)
	_, err = c.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("broad")})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "because no session policy allows the iam:GetRole action")
}

// The provider's own path: stscreds inside a CredentialsCache, with the external ID.
func TestEmuStscredsProvider(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	r := createRole(t, root, &iam.CreateRoleInput{
		RoleName:                 aws.String("conn"),
		AssumeRolePolicyDocument: aws.String(trustDoc(rootOf(DefaultAccountID), "ext")),
	}, doc(allow("iam:ListRoles", "*")))
	provider := stscreds.NewAssumeRoleProvider(stsClient(e, e.RootCredentials()), *r.Arn, func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = aws.String("ext")
		o.RoleSessionName = "lakesail-test"
	})
	cfg := e.AWSConfig(aws.NewCredentialsCache(provider))
	out, err := iam.NewFromConfig(cfg).ListRoles(context.Background(), &iam.ListRolesInput{})
	must(t, err)
	if len(out.Roles) != 1 {
		t.Fatalf("roles = %d", len(out.Roles))
	}
	calls := e.Calls()
	last := calls[len(calls)-1]
	if last.Principal != "arn:aws:sts::123456789012:assumed-role/conn/lakesail-test" || last.Decision != "allow" {
		t.Fatalf("last call = %+v", last)
	}
}

func TestEmuSessionTagsNeedTagSession(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	getOwn := doc(stmt{Effect: "Allow", Action: "iam:GetRole", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "blue"}}})
	plain := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("plain")}, getOwn)
	tagging := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("tagging"),
		AssumeRolePolicyDocument: aws.String(doc(stmt{Effect: "Allow", Principal: map[string]any{"AWS": rootOf(DefaultAccountID)},
			Action: []string{"sts:AssumeRole", "sts:TagSession"}}))}, getOwn)
	in := func(arn *string) *sts.AssumeRoleInput {
		return &sts.AssumeRoleInput{RoleArn: arn, RoleSessionName: aws.String("tagged"),
			Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}
	}
	s := stsClient(e, e.RootCredentials())
	_, err := s.AssumeRole(bg, in(plain.Arn))
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "sts:TagSession")
	out, err := s.AssumeRole(bg, in(tagging.Arn))
	must(t, err)
	c := iamClient(e, aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken})
	_, err = c.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("plain")}) // allowed by the session tag
	must(t, err)
	_, err = s.AssumeRole(bg, &sts.AssumeRoleInput{RoleArn: tagging.Arn, RoleSessionName: aws.String("src"), SourceIdentity: aws.String("alice")})
	wantCode(t, err, "AccessDenied") // the trust policy does not allow sts:SetSourceIdentity
}
