package awsemu_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// A trust policy that names a role of its own account admits that role's sessions without an
// identity-policy Allow, but an explicit deny in the caller's own policies still wins, and the
// caller's permissions boundary still caps the call.
func TestEmuAssumeRoleDirectTrustHonoursCallerDenyAndBoundary(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	boundary := emutest.CreatePolicy(t, root, "only-iam-reads", emutest.Doc(emutest.Allow("iam:Get*", "*")))

	denied, deniedARN := emutest.RoleSession(t, e, "denied-caller", emutest.Doc(emutest.Deny("sts:AssumeRole", "*")), "")
	bounded, boundedARN := emutest.RoleSession(t, e, "bounded-caller", "", boundary)
	plain, plainARN := emutest.RoleSession(t, e, "plain-caller", "", "")

	for _, tc := range []struct {
		name   string
		caller aws.Credentials
		arn    string
		ok     bool
	}{
		{"explicit deny", denied, deniedARN, false},
		{"boundary", bounded, boundedARN, false},
		{"trusted directly", plain, plainARN, true},
	} {
		target := emutest.CreateRole(t, root, &iam.CreateRoleInput{
			RoleName:                 aws.String("target-" + tc.arn[len("arn:aws:iam::123456789012:role/"):]),
			AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(tc.arn, "")),
		}, "")
		_, err := emutest.TryAssume(e, tc.caller, *target.Arn, "")
		if tc.ok {
			emutest.Must(t, err)
			continue
		}
		if err == nil {
			t.Fatalf("%s: AssumeRole allowed", tc.name)
		}
		emutest.WantCode(t, err, "AccessDenied")
	}
}

// A bucket policy statement that names the bucket owner's own account (its root ARN) delegates
// to that account's IAM policies: it does not by itself let a role without S3 permissions in.
func TestEmuS3BucketPolicyOwnAccountPrincipalDelegates(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, root, *b)
	emutest.PutObject(t, root, *b, "data.txt", "payload")
	noS3, _ := emutest.RoleSession(t, e, "no-s3", "", "")
	withS3, _ := emutest.RoleSession(t, e, "with-s3", emutest.Doc(emutest.Allow("s3:GetObject", "arn:aws:s3:::lakesail-abc-ws/*")), "")

	policy := emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": emutest.RootOf(awsemu.DefaultAccountID)},
		Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"})
	_, err := root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)})
	emutest.Must(t, err)

	_, err = emutest.S3Client(e, noS3).GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("data.txt")})
	if err == nil {
		t.Fatal("a bucket policy naming only the account let a role without S3 permissions read")
	}
	emutest.WantCode(t, err, "AccessDenied")
	if emutest.GetObject(t, emutest.S3Client(e, withS3), *b, "data.txt") != "payload" {
		t.Fatal("with-s3")
	}
	if emutest.GetObject(t, root, *b, "data.txt") != "payload" {
		t.Fatal("root")
	}
}

// Services other than S3 sign the body itself: a request that declares UNSIGNED-PAYLOAD does not
// leave its body free to change after signing (here, to name another role).
func TestEmuUnsignedPayloadOnlyForS3(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	creds := e.RootCredentials()
	signed := "Action=CreateRole&Version=2010-05-08&RoleName=signed-name&AssumeRolePolicyDocument=" +
		url.QueryEscape(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), ""))
	swapped := strings.Replace(signed, "signed-name", "evilrolenam", 1)
	req, err := http.NewRequest(http.MethodPost, e.Endpoint()+"/", strings.NewReader(signed))
	emutest.Must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	emutest.Must(t, v4.NewSigner().SignHTTP(emutest.Bg, creds, req, "UNSIGNED-PAYLOAD", "iam", "us-east-1", time.Now()))
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(swapped)), int64(len(swapped))
	resp, err := http.DefaultClient.Do(req)
	emutest.Must(t, err)
	out, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Fatalf("a body swapped after signing with UNSIGNED-PAYLOAD was accepted: %s", out)
	}
	emutest.WantContains(t, string(out), "SignatureDoesNotMatch")
	if _, err := emutest.IamClient(e, creds).GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("evilrolenam")}); err == nil {
		t.Fatal("the swapped role was created")
	}
}

// A presigned URL without X-Amz-Expires is not valid forever: STS honours it for 15 minutes.
func TestEmuPresignedURLWithoutExpiresExpires(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	for _, tc := range []struct {
		age time.Duration
		ok  bool
	}{{time.Minute, true}, {time.Hour, false}} {
		req, err := http.NewRequest(http.MethodGet, e.Endpoint()+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
		emutest.Must(t, err)
		const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		uri, hdr, err := v4.NewSigner().PresignHTTP(emutest.Bg, e.RootCredentials(), req, emptySHA256, "sts", "us-east-1", time.Now().Add(-tc.age))
		emutest.Must(t, err)
		if strings.Contains(uri, "X-Amz-Expires") {
			t.Fatalf("the presigned URL names an expiry: %s", uri)
		}
		req, err = http.NewRequest(http.MethodGet, uri, nil)
		emutest.Must(t, err)
		for k, v := range hdr {
			if !strings.EqualFold(k, "host") {
				req.Header[k] = v
			}
		}
		resp, err := http.DefaultClient.Do(req)
		emutest.Must(t, err)
		out, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if got := resp.StatusCode == http.StatusOK; got != tc.ok {
			t.Fatalf("signed %s ago: status %d %s", tc.age, resp.StatusCode, out)
		}
	}
}

// GetParameters and DeleteParameters see each parameter's tags: a Deny conditioned on
// aws:ResourceTag holds for them as it does for GetParameter and DeleteParameter.
func TestEmuSSMMultiParameterCallsSeeResourceTags(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.SsmClient(e, e.RootCredentials())
	for _, name := range []string{"/app/open", "/app/protected"} {
		in := &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString}
		if name == "/app/protected" {
			in.Tags = []ssmtypes.Tag{{Key: aws.String("protected"), Value: aws.String("true")}}
		}
		_, err := root.PutParameter(emutest.Bg, in)
		emutest.Must(t, err)
	}
	protect := emutest.Stmt{Effect: "Deny", Action: "ssm:*", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/protected": "true"}}}
	creds, _ := emutest.RoleSession(t, e, "ssm-user", emutest.Doc(emutest.Allow("ssm:*", "*"), protect), "")
	c := emutest.SsmClient(e, creds)

	_, err := c.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/app/protected")})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = c.GetParameters(emutest.Bg, &ssm.GetParametersInput{Names: []string{"/app/open", "/app/protected"}})
	if err == nil {
		t.Fatal("GetParameters read a parameter its tag denies")
	}
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = c.DeleteParameters(emutest.Bg, &ssm.DeleteParametersInput{Names: []string{"/app/protected"}})
	emutest.WantCode(t, err, "AccessDeniedException")
	if _, err := root.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/app/protected")}); err != nil {
		t.Fatalf("the protected parameter is gone: %v", err)
	}
	_, err = c.GetParameters(emutest.Bg, &ssm.GetParametersInput{Names: []string{"/app/open"}})
	emutest.Must(t, err)
}

// A session policy passed to AssumeRoleWithWebIdentity limits the session, as it does for
// AssumeRole.
func TestEmuWebIdentitySessionPolicyLimits(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	admin := emutest.IamClient(e, e.RootCredentials())
	issuer := "https://oidc.eks.us-east-1.amazonaws.com/id/" + strings.ToUpper(core.NewSecret()[:32])
	provider, err := admin.CreateOpenIDConnectProvider(emutest.Bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}})
	emutest.Must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + aws.ToString(provider.OpenIDConnectProviderArn) +
		`"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	role := emutest.CreateRole(t, admin, &iam.CreateRoleInput{RoleName: aws.String("irsa"), AssumeRolePolicyDocument: aws.String(trust)},
		emutest.Doc(emutest.Allow("iam:ListRoles", "*"), emutest.Allow("iam:GetRole", "*")))
	now := e.Now()
	token, err := awsemu.MintServiceAccountToken(issuer, "system:serviceaccount:ns:sa", "sts.amazonaws.com", now, time.Hour)
	emutest.Must(t, err)
	anon := sts.NewFromConfig(e.AWSConfig(aws.AnonymousCredentials{}), func(o *sts.Options) { o.Retryer = emutest.FastRetry() })
	out, err := anon.AssumeRoleWithWebIdentity(emutest.Bg, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Arn, RoleSessionName: aws.String("pod"),
		WebIdentityToken: aws.String(token), Policy: aws.String(emutest.Doc(emutest.Allow("iam:GetRole", "*")))})
	emutest.Must(t, err)
	c := emutest.IamClient(e, aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)})
	_, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("irsa")})
	emutest.Must(t, err)
	_, err = c.ListRoles(emutest.Bg, &iam.ListRolesInput{})
	if err == nil {
		t.Fatal("the session policy did not limit the web-identity session")
	}
	emutest.WantCode(t, err, "AccessDenied")
}

// IAM creates with Tags need the tagging permission on the new resource too: iam:TagRole for
// CreateRole, iam:TagPolicy for CreatePolicy, iam:TagOpenIDConnectProvider for
// CreateOpenIDConnectProvider. Without tags the create permission suffices.
func TestEmuIAMCreateWithTagsNeedsTagPermission(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	s := emutest.SessionFor(t, e, "creator", emutest.Doc(emutest.Allow([]string{"iam:CreateRole", "iam:CreatePolicy", "iam:CreateOpenIDConnectProvider"}, "*")), "")
	tags := []iamtypes.Tag{{Key: aws.String("LakeSail-Connection"), Value: aws.String("abc")}}
	trust := aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), ""))
	pdoc := aws.String(emutest.Doc(emutest.Allow("s3:GetObject", "*")))
	issuer := "https://oidc.eks.us-east-1.amazonaws.com/id/"

	_, err := s.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("tagged"), AssumeRolePolicyDocument: trust, Tags: tags})
	if err == nil {
		t.Fatal("CreateRole with tags succeeded without iam:TagRole")
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "iam:TagRole")
	_, err = s.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("tagged"), PolicyDocument: pdoc, Tags: tags})
	emutest.WantContains(t, emutest.ErrMessage(err), "iam:TagPolicy")
	_, err = s.CreateOpenIDConnectProvider(emutest.Bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer + "AAAA"), ClientIDList: []string{"sts.amazonaws.com"}, Tags: tags})
	emutest.WantContains(t, emutest.ErrMessage(err), "iam:TagOpenIDConnectProvider")

	_, err = s.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("untagged"), AssumeRolePolicyDocument: trust})
	emutest.Must(t, err)
	_, err = s.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("untagged"), PolicyDocument: pdoc})
	emutest.Must(t, err)
	_, err = s.CreateOpenIDConnectProvider(emutest.Bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer + "BBBB"), ClientIDList: []string{"sts.amazonaws.com"}})
	emutest.Must(t, err)
}
