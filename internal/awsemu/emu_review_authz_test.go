package awsemu

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	emueks "github.com/lakehq/terraform-provider-lakesail/internal/awsemu/eks"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	boundary := createPolicy(t, root, "only-iam-reads", doc(allow("iam:Get*", "*")))

	denied, deniedARN := roleSession(t, e, "denied-caller", doc(deny("sts:AssumeRole", "*")), "")
	bounded, boundedARN := roleSession(t, e, "bounded-caller", "", boundary)
	plain, plainARN := roleSession(t, e, "plain-caller", "", "")

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
		target := createRole(t, root, &iam.CreateRoleInput{
			RoleName:                 aws.String("target-" + tc.arn[len("arn:aws:iam::123456789012:role/"):]),
			AssumeRolePolicyDocument: aws.String(trustDoc(tc.arn, "")),
		}, "")
		_, err := tryAssume(e, tc.caller, *target.Arn, "")
		if tc.ok {
			must(t, err)
			continue
		}
		if err == nil {
			t.Fatalf("%s: AssumeRole allowed", tc.name)
		}
		wantCode(t, err, "AccessDenied")
	}
}

// A bucket policy statement that names the bucket owner's own account (its root ARN) delegates
// to that account's IAM policies: it does not by itself let a role without S3 permissions in.
func TestEmuS3BucketPolicyOwnAccountPrincipalDelegates(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := s3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	createBucket(t, root, *b)
	putObject(t, root, *b, "data.txt", "payload")
	noS3, _ := roleSession(t, e, "no-s3", "", "")
	withS3, _ := roleSession(t, e, "with-s3", doc(allow("s3:GetObject", "arn:aws:s3:::lakesail-abc-ws/*")), "")

	policy := doc(stmt{Effect: "Allow", Principal: map[string]any{"AWS": rootOf(DefaultAccountID)},
		Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"})
	_, err := root.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)})
	must(t, err)

	_, err = s3Client(e, noS3).GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("data.txt")})
	if err == nil {
		t.Fatal("a bucket policy naming only the account let a role without S3 permissions read")
	}
	wantCode(t, err, "AccessDenied")
	if getObject(t, s3Client(e, withS3), *b, "data.txt") != "payload" {
		t.Fatal("with-s3")
	}
	if getObject(t, root, *b, "data.txt") != "payload" {
		t.Fatal("root")
	}
}

// Services other than S3 sign the body itself: a request that declares UNSIGNED-PAYLOAD does not
// leave its body free to change after signing (here, to name another role).
func TestEmuUnsignedPayloadOnlyForS3(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	creds := e.RootCredentials()
	signed := "Action=CreateRole&Version=2010-05-08&RoleName=signed-name&AssumeRolePolicyDocument=" +
		url.QueryEscape(trustDoc(rootOf(DefaultAccountID), ""))
	swapped := strings.Replace(signed, "signed-name", "evilrolenam", 1)
	req, err := http.NewRequest(http.MethodPost, e.Endpoint()+"/", strings.NewReader(signed))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	must(t, v4.NewSigner().SignHTTP(bg, creds, req, "UNSIGNED-PAYLOAD", "iam", "us-east-1", time.Now()))
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(swapped)), int64(len(swapped))
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	out, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Fatalf("a body swapped after signing with UNSIGNED-PAYLOAD was accepted: %s", out)
	}
	wantContains(t, string(out), "SignatureDoesNotMatch")
	if _, err := iamClient(e, creds).GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("evilrolenam")}); err == nil {
		t.Fatal("the swapped role was created")
	}
}

// A presigned URL without X-Amz-Expires is not valid forever: STS honours it for 15 minutes.
func TestEmuPresignedURLWithoutExpiresExpires(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	for _, tc := range []struct {
		age time.Duration
		ok  bool
	}{{time.Minute, true}, {time.Hour, false}} {
		req, err := http.NewRequest(http.MethodGet, e.Endpoint()+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
		must(t, err)
		const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		uri, hdr, err := v4.NewSigner().PresignHTTP(bg, e.RootCredentials(), req, emptySHA256, "sts", "us-east-1", time.Now().Add(-tc.age))
		must(t, err)
		if strings.Contains(uri, "X-Amz-Expires") {
			t.Fatalf("the presigned URL names an expiry: %s", uri)
		}
		req, err = http.NewRequest(http.MethodGet, uri, nil)
		must(t, err)
		for k, v := range hdr {
			if !strings.EqualFold(k, "host") {
				req.Header[k] = v
			}
		}
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
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
	e, _ := newTestEmu(t, Options{})
	root := ssmClient(e, e.RootCredentials())
	for _, name := range []string{"/app/open", "/app/protected"} {
		in := &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString}
		if name == "/app/protected" {
			in.Tags = []ssmtypes.Tag{{Key: aws.String("protected"), Value: aws.String("true")}}
		}
		_, err := root.PutParameter(bg, in)
		must(t, err)
	}
	protect := stmt{Effect: "Deny", Action: "ssm:*", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/protected": "true"}}}
	creds, _ := roleSession(t, e, "ssm-user", doc(allow("ssm:*", "*"), protect), "")
	c := ssmClient(e, creds)

	_, err := c.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String("/app/protected")})
	wantCode(t, err, "AccessDeniedException")
	_, err = c.GetParameters(bg, &ssm.GetParametersInput{Names: []string{"/app/open", "/app/protected"}})
	if err == nil {
		t.Fatal("GetParameters read a parameter its tag denies")
	}
	wantCode(t, err, "AccessDeniedException")
	_, err = c.DeleteParameters(bg, &ssm.DeleteParametersInput{Names: []string{"/app/protected"}})
	wantCode(t, err, "AccessDeniedException")
	if _, err := root.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String("/app/protected")}); err != nil {
		t.Fatalf("the protected parameter is gone: %v", err)
	}
	_, err = c.GetParameters(bg, &ssm.GetParametersInput{Names: []string{"/app/open"}})
	must(t, err)
}

// A session policy passed to AssumeRoleWithWebIdentity limits the session, as it does for
// AssumeRole.
func TestEmuWebIdentitySessionPolicyLimits(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	admin := iamClient(e, e.RootCredentials())
	issuer := "https://oidc.eks.us-east-1.amazonaws.com/id/" + strings.ToUpper(core.NewSecret()[:32])
	provider, err := admin.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}})
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + aws.ToString(provider.OpenIDConnectProviderArn) +
		`"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	role := createRole(t, admin, &iam.CreateRoleInput{RoleName: aws.String("irsa"), AssumeRolePolicyDocument: aws.String(trust)},
		doc(allow("iam:ListRoles", "*"), allow("iam:GetRole", "*")))
	now := e.Now()
	token, err := emueks.MintToken(issuer, "system:serviceaccount:ns:sa", "sts.amazonaws.com", now, time.Hour)
	must(t, err)
	anon := sts.NewFromConfig(e.AWSConfig(aws.AnonymousCredentials{}), func(o *sts.Options) { o.Retryer = fastRetry() })
	out, err := anon.AssumeRoleWithWebIdentity(bg, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Arn, RoleSessionName: aws.String("pod"),
		WebIdentityToken: aws.String(token), Policy: aws.String(doc(allow("iam:GetRole", "*")))})
	must(t, err)
	c := iamClient(e, aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)})
	_, err = c.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("irsa")})
	must(t, err)
	_, err = c.ListRoles(bg, &iam.ListRolesInput{})
	if err == nil {
		t.Fatal("the session policy did not limit the web-identity session")
	}
	wantCode(t, err, "AccessDenied")
}

// IAM creates with Tags need the tagging permission on the new resource too: iam:TagRole for
// CreateRole, iam:TagPolicy for CreatePolicy, iam:TagOpenIDConnectProvider for
// CreateOpenIDConnectProvider. Without tags the create permission suffices.
func TestEmuIAMCreateWithTagsNeedsTagPermission(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	s := sessionFor(t, e, "creator", doc(allow([]string{"iam:CreateRole", "iam:CreatePolicy", "iam:CreateOpenIDConnectProvider"}, "*")), "")
	tags := []iamtypes.Tag{{Key: aws.String("LakeSail-Connection"), Value: aws.String("abc")}}
	trust := aws.String(trustDoc(rootOf(DefaultAccountID), ""))
	pdoc := aws.String(doc(allow("s3:GetObject", "*")))
	issuer := "https://oidc.eks.us-east-1.amazonaws.com/id/"

	_, err := s.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("tagged"), AssumeRolePolicyDocument: trust, Tags: tags})
	if err == nil {
		t.Fatal("CreateRole with tags succeeded without iam:TagRole")
	}
	wantContains(t, errMessage(err), "iam:TagRole")
	_, err = s.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String("tagged"), PolicyDocument: pdoc, Tags: tags})
	wantContains(t, errMessage(err), "iam:TagPolicy")
	_, err = s.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer + "AAAA"), ClientIDList: []string{"sts.amazonaws.com"}, Tags: tags})
	wantContains(t, errMessage(err), "iam:TagOpenIDConnectProvider")

	_, err = s.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("untagged"), AssumeRolePolicyDocument: trust})
	must(t, err)
	_, err = s.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String("untagged"), PolicyDocument: pdoc})
	must(t, err)
	_, err = s.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer + "BBBB"), ClientIDList: []string{"sts.amazonaws.com"}})
	must(t, err)
}
