package sts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"

	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func TestEmuGetCallerIdentityRoot(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	out, err := emutest.StsClient(e, e.RootCredentials()).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.Must(t, err)
	if *out.Account != awsemu.DefaultAccountID || *out.Arn != "arn:aws:iam::123456789012:root" || *out.UserId != awsemu.DefaultAccountID {
		t.Fatalf("identity = %s %s %s", *out.Account, *out.Arn, *out.UserId)
	}
}

func TestEmuAssumeRoleExternalID(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	r := emutest.CreateRole(t, root, &iam.CreateRoleInput{
		RoleName:                 aws.String("lakesail-conn"),
		AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), "s3cr3t-ext-id")),
	}, "")

	for _, bad := range []string{"", "wrong-ext-id"} {
		_, err := emutest.TryAssume(e, e.RootCredentials(), *r.Arn, bad)
		emutest.WantCode(t, err, "AccessDenied")
		emutest.WantContains(t, emutest.ErrMessage(err), "is not authorized to perform: sts:AssumeRole on resource: "+*r.Arn)
	}
	creds := emutest.Assume(t, e, e.RootCredentials(), *r.Arn, "s3cr3t-ext-id")
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SessionToken == "" {
		t.Fatalf("session credentials look wrong: %+v", creds)
	}
	id, err := emutest.StsClient(e, creds).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.Must(t, err)
	if want := "arn:aws:sts::123456789012:assumed-role/lakesail-conn/test-session"; *id.Arn != want {
		t.Fatalf("Arn = %s, want %s", *id.Arn, want)
	}
	if *id.UserId != *r.RoleId+":test-session" || *id.Account != awsemu.DefaultAccountID {
		t.Fatalf("UserId/Account = %s %s", *id.UserId, *id.Account)
	}
}

func TestEmuAssumeRoleCrossAccount(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	const lakesail = "921150455437"
	lsRoot := e.AddAccount(lakesail)
	if again := e.AddAccount(lakesail); again != lsRoot {
		t.Fatal("AddAccount of an existing account must return its keys")
	}
	customer := emutest.IamClient(e, e.RootCredentials())
	r := emutest.CreateRole(t, customer, &iam.CreateRoleInput{
		RoleName:                 aws.String("cross"),
		AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(emutest.RootOf(lakesail), "ext-123")),
	}, "")

	// Another account's root: trust plus external ID decide.
	_, err := emutest.TryAssume(e, lsRoot, *r.Arn, "nope")
	emutest.WantCode(t, err, "AccessDenied")
	emutest.Assume(t, e, lsRoot, *r.Arn, "ext-123")
	// The customer's own root is not the trusted account.
	_, err = emutest.TryAssume(e, e.RootCredentials(), *r.Arn, "ext-123")
	emutest.WantCode(t, err, "AccessDenied")

	// A LakeSail role session needs its own policy to allow sts:AssumeRole across accounts.
	ls := emutest.IamClient(e, lsRoot)
	lsRole := emutest.CreateRole(t, ls, &iam.CreateRoleInput{
		RoleName:                 aws.String("control-plane"),
		AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(emutest.RootOf(lakesail), "")),
	}, emutest.Doc(emutest.Allow("iam:ListRoles", "*")))
	cp := emutest.Assume(t, e, lsRoot, *lsRole.Arn, "")
	_, err = emutest.TryAssume(e, cp, *r.Arn, "ext-123")
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "because no identity-based policy allows the sts:AssumeRole action")
	_, err = ls.PutRolePolicy(emutest.Bg, &iam.PutRolePolicyInput{RoleName: lsRole.RoleName, PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(emutest.Doc(emutest.Allow("sts:AssumeRole", *r.Arn)))})
	emutest.Must(t, err)
	chained := emutest.Assume(t, e, cp, *r.Arn, "ext-123")
	id, err := emutest.StsClient(e, chained).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.Must(t, err)
	if *id.Account != awsemu.DefaultAccountID {
		t.Fatalf("chained session account = %s", *id.Account)
	}
}

func TestEmuAssumeRoleSameAccountTrustByARN(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	a := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("a")}, emutest.Doc(emutest.Allow("iam:ListRoles", "*")))
	byAccount := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("by-account")}, "")
	byARN := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("by-arn"),
		AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(*a.Arn, ""))}, "")
	sa := emutest.Assume(t, e, e.RootCredentials(), *a.Arn, "")
	// Trust naming only the account: the session's own policies must allow sts:AssumeRole.
	_, err := emutest.TryAssume(e, sa, *byAccount.Arn, "")
	emutest.WantCode(t, err, "AccessDenied")
	// Trust naming the role itself is enough within the account.
	emutest.Assume(t, e, sa, *byARN.Arn, "")
}

func TestEmuAssumeRoleValidation(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	r := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("v"), MaxSessionDuration: aws.Int32(7200)}, emutest.Doc(emutest.Allow("sts:AssumeRole", "*")))
	s := emutest.StsClient(e, e.RootCredentials())
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
		_, err := s.AssumeRole(emutest.Bg, in)
		if got := emutest.ErrCode(err); got != "ValidationError" && !strings.Contains(got, "InvalidParameter") {
			t.Errorf("%s: error = %v, want ValidationError", tc.name, err)
		}
	}
	out, err := s.AssumeRole(emutest.Bg, &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String("long"), DurationSeconds: aws.Int32(7200)})
	emutest.Must(t, err)
	if got := out.Credentials.Expiration.Sub(emutest.T0); got != 2*time.Hour {
		t.Fatalf("expiration after %v, want 2h", got)
	}
	// Role chaining caps sessions at one hour.
	sess := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
	chain := emutest.StsClient(e, sess)
	_, err = chain.AssumeRole(emutest.Bg, &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(3601)})
	emutest.WantCode(t, err, "ValidationError")
	emutest.WantContains(t, emutest.ErrMessage(err), "role chaining")
	_, err = chain.AssumeRole(emutest.Bg, &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(3600)})
	emutest.Must(t, err)
}

func TestEmuAssumeRolePropagationDelay(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{PropagationDelay: 10 * time.Second})
	root := emutest.IamClient(e, e.RootCredentials())
	r := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("fresh")}, "")
	_, err := emutest.TryAssume(e, e.RootCredentials(), *r.Arn, "")
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "is not authorized to perform: sts:AssumeRole on resource: "+*r.Arn)
	clock.Advance(9 * time.Second)
	_, err = emutest.TryAssume(e, e.RootCredentials(), *r.Arn, "")
	emutest.WantCode(t, err, "AccessDenied")
	clock.Advance(2 * time.Second)
	emutest.Assume(t, e, e.RootCredentials(), *r.Arn, "")
}

func TestEmuSessionPolicyLimitsSession(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	r := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("broad")}, emutest.Doc(emutest.Allow("iam:*", "*")))
	out, err := emutest.StsClient(e, e.RootCredentials()).AssumeRole(emutest.Bg, &sts.AssumeRoleInput{
		RoleArn: r.Arn, RoleSessionName: aws.String("narrow"), Policy: aws.String(emutest.Doc(emutest.Allow("iam:ListRoles", "*"))),
	})
	emutest.Must(t, err)
	c := emutest.IamClient(e, aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken})
	_, err = c.ListRoles(emutest.Bg, &iam.ListRolesInput{})
	emutest.Must(t, err)
	_, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("broad")})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "because no session policy allows the iam:GetRole action")
}

// The provider's own path: stscreds inside a CredentialsCache, with the external ID.
func TestEmuStscredsProvider(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	r := emutest.CreateRole(t, root, &iam.CreateRoleInput{
		RoleName:                 aws.String("conn"),
		AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), "ext")),
	}, emutest.Doc(emutest.Allow("iam:ListRoles", "*")))
	provider := stscreds.NewAssumeRoleProvider(emutest.StsClient(e, e.RootCredentials()), *r.Arn, func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = aws.String("ext")
		o.RoleSessionName = "lakesail-test"
	})
	cfg := e.AWSConfig(aws.NewCredentialsCache(provider))
	out, err := iam.NewFromConfig(cfg).ListRoles(context.Background(), &iam.ListRolesInput{})
	emutest.Must(t, err)
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
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	getOwn := emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "iam:GetRole", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "blue"}}})
	plain := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("plain")}, getOwn)
	tagging := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("tagging"),
		AssumeRolePolicyDocument: aws.String(emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": emutest.RootOf(awsemu.DefaultAccountID)},
			Action: []string{"sts:AssumeRole", "sts:TagSession"}}))}, getOwn)
	in := func(arn *string) *sts.AssumeRoleInput {
		return &sts.AssumeRoleInput{RoleArn: arn, RoleSessionName: aws.String("tagged"),
			Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}
	}
	s := emutest.StsClient(e, e.RootCredentials())
	_, err := s.AssumeRole(emutest.Bg, in(plain.Arn))
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "sts:TagSession")
	out, err := s.AssumeRole(emutest.Bg, in(tagging.Arn))
	emutest.Must(t, err)
	c := emutest.IamClient(e, aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken})
	_, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("plain")}) // allowed by the session tag
	emutest.Must(t, err)
	_, err = s.AssumeRole(emutest.Bg, &sts.AssumeRoleInput{RoleArn: tagging.Arn, RoleSessionName: aws.String("src"), SourceIdentity: aws.String("alice")})
	emutest.WantCode(t, err, "AccessDenied") // the trust policy does not allow sts:SetSourceIdentity
}
