package emutest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

var Bg = context.Background()

// t0 is the emulator clock's start in tests that move time.
var T0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// newTestEmu starts an emulator on a settable clock.
func NewTestEmu(t *testing.T, opts awsemu.Options) (*awsemu.Emulator, *awsemu.Clock) {
	t.Helper()
	clock := awsemu.NewClock(T0)
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	return awsemu.Test(t, opts), clock
}

func Static(c aws.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })
}

// fastRetry retries like the SDK's standard retryer but without backoff sleeps.
func FastRetry() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func IamClient(e *awsemu.Emulator, creds aws.Credentials) *iam.Client {
	return iam.NewFromConfig(e.AWSConfig(Static(creds)), func(o *iam.Options) { o.Retryer = FastRetry() })
}

func StsClient(e *awsemu.Emulator, creds aws.Credentials) *sts.Client {
	return sts.NewFromConfig(e.AWSConfig(Static(creds)), func(o *sts.Options) { o.Retryer = FastRetry() })
}

// errCode is the AWS error code of err ("" for nil).
func ErrCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "not-an-api-error: " + err.Error()
}

func ErrMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

func WantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := ErrCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

func Must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type Stmt struct {
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal,omitempty"`
	Action    any            `json:"Action,omitempty"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func Doc(stmts ...Stmt) string {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		panic(err)
	}
	return string(b)
}

func Allow(action any, resource any) Stmt {
	return Stmt{Effect: "Allow", Action: action, Resource: resource}
}

func Deny(action any, resource any) Stmt {
	return Stmt{Effect: "Deny", Action: action, Resource: resource}
}

// trustDoc trusts principal (an account or ARN) for sts:AssumeRole, with an external ID when set.
func TrustDoc(principal, externalID string) string {
	s := Stmt{Effect: "Allow", Principal: map[string]any{"AWS": principal}, Action: "sts:AssumeRole"}
	if externalID != "" {
		s.Condition = map[string]any{"StringEquals": map[string]any{"sts:ExternalId": externalID}}
	}
	return Doc(s)
}

func RootOf(acct string) string { return "arn:aws:iam::" + acct + ":root" }

// createRole creates a role trusting the default account root, optionally with inline policy.
func CreateRole(t *testing.T, c *iam.Client, in *iam.CreateRoleInput, inline string) *iamtypes.Role {
	t.Helper()
	if in.AssumeRolePolicyDocument == nil {
		in.AssumeRolePolicyDocument = aws.String(TrustDoc(RootOf(awsemu.DefaultAccountID), ""))
	}
	out, err := c.CreateRole(Bg, in)
	Must(t, err)
	if inline != "" {
		_, err = c.PutRolePolicy(Bg, &iam.PutRolePolicyInput{RoleName: in.RoleName, PolicyName: aws.String("inline"), PolicyDocument: aws.String(inline)})
		Must(t, err)
	}
	return out.Role
}

func CreatePolicy(t *testing.T, c *iam.Client, name, document string) string {
	t.Helper()
	out, err := c.CreatePolicy(Bg, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(document)})
	Must(t, err)
	return *out.Policy.Arn
}

// assume assumes roleArn with creds and returns the session credentials.
func Assume(t *testing.T, e *awsemu.Emulator, creds aws.Credentials, roleArn, externalID string) aws.Credentials {
	t.Helper()
	c, err := TryAssume(e, creds, roleArn, externalID)
	Must(t, err)
	return c
}

func TryAssume(e *awsemu.Emulator, creds aws.Credentials, roleArn, externalID string) (aws.Credentials, error) {
	in := &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("test-session")}
	if externalID != "" {
		in.ExternalId = aws.String(externalID)
	}
	out, err := StsClient(e, creds).AssumeRole(Bg, in)
	if err != nil {
		return aws.Credentials{}, err
	}
	return aws.Credentials{
		AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey,
		SessionToken: *out.Credentials.SessionToken, Expires: *out.Credentials.Expiration, CanExpire: true,
	}, nil
}

// sessionFor creates a role with the given inline policy (and boundary) and returns an IAM client
// acting as a session of it.
func SessionFor(t *testing.T, e *awsemu.Emulator, name, inline, boundary string) *iam.Client {
	t.Helper()
	root := IamClient(e, e.RootCredentials())
	in := &iam.CreateRoleInput{RoleName: aws.String(name)}
	if boundary != "" {
		in.PermissionsBoundary = aws.String(boundary)
	}
	r := CreateRole(t, root, in, inline)
	return IamClient(e, Assume(t, e, e.RootCredentials(), *r.Arn, ""))
}

// decodeDoc undoes IAM's URL encoding of returned documents.
func DecodeDoc(t *testing.T, s *string) string {
	t.Helper()
	if s == nil {
		t.Fatal("document missing")
	}
	d, err := url.QueryUnescape(*s)
	Must(t, err)
	return d
}

func WantContains(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q does not contain %q", s, sub)
	}
}

func CreateKey(t *testing.T, c *kms.Client, in *kms.CreateKeyInput) *kmstypes.KeyMetadata {
	t.Helper()
	if in == nil {
		in = &kms.CreateKeyInput{}
	}
	out, err := c.CreateKey(Bg, in)
	Must(t, err)
	return out.KeyMetadata
}

func SsmClient(e *awsemu.Emulator, creds aws.Credentials) *ssm.Client {
	return ssm.NewFromConfig(e.AWSConfig(Static(creds)), func(o *ssm.Options) { o.Retryer = FastRetry() })
}

func SsmPut(t *testing.T, c *ssm.Client, name, value string, typ ssmtypes.ParameterType) {
	t.Helper()
	_, err := c.PutParameter(Bg, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value), Type: typ})
	Must(t, err)
}

func GlueClient(e *awsemu.Emulator, creds aws.Credentials) *glue.Client {
	return glue.NewFromConfig(e.AWSConfig(Static(creds)), func(o *glue.Options) { o.Retryer = FastRetry() })
}

func AcmClient(e *awsemu.Emulator, creds aws.Credentials) *acm.Client {
	return acm.NewFromConfig(e.AWSConfig(Static(creds)), func(o *acm.Options) { o.Retryer = FastRetry() })
}

// testPKI is a CA and a server certificate it issued, as PEM, valid around the test clock's t0.
type testPKI struct {
	CaPEM, CertPEM, KeyPEM []byte
	Cert                   *x509.Certificate
}

// newTestPKI issues a server certificate for the names with a key of the given kind ("rsa" or
// "ec"), signed by a fresh ECDSA CA.
func NewTestPKI(t *testing.T, kind string, names ...string) testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Must(t, err)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "LakeSail Konnectivity CA", Organization: []string{"LakeSail"}},
		NotBefore: T0.Add(-time.Hour), NotAfter: T0.AddDate(5, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	Must(t, err)
	ca, err := x509.ParseCertificate(caDER)
	Must(t, err)
	var key crypto.Signer
	if kind == "rsa" {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	Must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x0a1b2c), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: T0.Add(-time.Hour), NotAfter: T0.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	Must(t, err)
	cert, err := x509.ParseCertificate(der)
	Must(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	Must(t, err)
	return testPKI{CaPEM: PemOf("CERTIFICATE", caDER), CertPEM: PemOf("CERTIFICATE", der), KeyPEM: PemOf("PRIVATE KEY", keyDER), Cert: cert}
}

func Do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	Must(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func PemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
