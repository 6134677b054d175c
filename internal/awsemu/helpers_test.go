package awsemu

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

var bg = context.Background()

// t0 is the emulator clock's start in tests that move time.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// newTestEmu starts an emulator on a settable clock.
func newTestEmu(t *testing.T, opts Options) (*Emulator, *Clock) {
	t.Helper()
	clock := NewClock(t0)
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	return Test(t, opts), clock
}

func static(c aws.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })
}

// fastRetry retries like the SDK's standard retryer but without backoff sleeps.
func fastRetry() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func iamClient(e *Emulator, creds aws.Credentials) *iam.Client {
	return iam.NewFromConfig(e.AWSConfig(static(creds)), func(o *iam.Options) { o.Retryer = fastRetry() })
}

func stsClient(e *Emulator, creds aws.Credentials) *sts.Client {
	return sts.NewFromConfig(e.AWSConfig(static(creds)), func(o *sts.Options) { o.Retryer = fastRetry() })
}

// errCode is the AWS error code of err ("" for nil).
func errCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "not-an-api-error: " + err.Error()
}

func errMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := errCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type stmt struct {
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal,omitempty"`
	Action    any            `json:"Action,omitempty"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func doc(stmts ...stmt) string {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		panic(err)
	}
	return string(b)
}

func allow(action any, resource any) stmt {
	return stmt{Effect: "Allow", Action: action, Resource: resource}
}

func deny(action any, resource any) stmt {
	return stmt{Effect: "Deny", Action: action, Resource: resource}
}

// trustDoc trusts principal (an account or ARN) for sts:AssumeRole, with an external ID when set.
func trustDoc(principal, externalID string) string {
	s := stmt{Effect: "Allow", Principal: map[string]any{"AWS": principal}, Action: "sts:AssumeRole"}
	if externalID != "" {
		s.Condition = map[string]any{"StringEquals": map[string]any{"sts:ExternalId": externalID}}
	}
	return doc(s)
}

func rootOf(acct string) string { return "arn:aws:iam::" + acct + ":root" }

// createRole creates a role trusting the default account root, optionally with inline policy.
func createRole(t *testing.T, c *iam.Client, in *iam.CreateRoleInput, inline string) *iamtypes.Role {
	t.Helper()
	if in.AssumeRolePolicyDocument == nil {
		in.AssumeRolePolicyDocument = aws.String(trustDoc(rootOf(DefaultAccountID), ""))
	}
	out, err := c.CreateRole(bg, in)
	must(t, err)
	if inline != "" {
		_, err = c.PutRolePolicy(bg, &iam.PutRolePolicyInput{RoleName: in.RoleName, PolicyName: aws.String("inline"), PolicyDocument: aws.String(inline)})
		must(t, err)
	}
	return out.Role
}

func createPolicy(t *testing.T, c *iam.Client, name, document string) string {
	t.Helper()
	out, err := c.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(document)})
	must(t, err)
	return *out.Policy.Arn
}

// assume assumes roleArn with creds and returns the session credentials.
func assume(t *testing.T, e *Emulator, creds aws.Credentials, roleArn, externalID string) aws.Credentials {
	t.Helper()
	c, err := tryAssume(e, creds, roleArn, externalID)
	must(t, err)
	return c
}

func tryAssume(e *Emulator, creds aws.Credentials, roleArn, externalID string) (aws.Credentials, error) {
	in := &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("test-session")}
	if externalID != "" {
		in.ExternalId = aws.String(externalID)
	}
	out, err := stsClient(e, creds).AssumeRole(bg, in)
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
func sessionFor(t *testing.T, e *Emulator, name, inline, boundary string) *iam.Client {
	t.Helper()
	root := iamClient(e, e.RootCredentials())
	in := &iam.CreateRoleInput{RoleName: aws.String(name)}
	if boundary != "" {
		in.PermissionsBoundary = aws.String(boundary)
	}
	r := createRole(t, root, in, inline)
	return iamClient(e, assume(t, e, e.RootCredentials(), *r.Arn, ""))
}

// decodeDoc undoes IAM's URL encoding of returned documents.
func decodeDoc(t *testing.T, s *string) string {
	t.Helper()
	if s == nil {
		t.Fatal("document missing")
	}
	d, err := url.QueryUnescape(*s)
	must(t, err)
	return d
}

func wantContains(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q does not contain %q", s, sub)
	}
}
