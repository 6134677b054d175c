package awsemu

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestEmuBadSignature(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	wrong := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "not-the-secret"}
	_, err := stsClient(e, wrong).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "SignatureDoesNotMatch")
	_, err = iamClient(e, wrong).ListRoles(bg, &iam.ListRolesInput{})
	wantCode(t, err, "SignatureDoesNotMatch")
	calls := e.Calls()
	if last := calls[len(calls)-1]; last.Decision != "deny" || last.ErrorCode != "SignatureDoesNotMatch" || last.Operation != "ListRoles" {
		t.Fatalf("call log = %+v", last)
	}
}

func TestEmuUnknownAccessKey(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	_, err := stsClient(e, aws.Credentials{AccessKeyID: "AKIANOTAREALKEY00000", SecretAccessKey: "x"}).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	wantContains(t, errMessage(err), "The security token included in the request is invalid")
}

func TestEmuSessionNeedsItsToken(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	r := createRole(t, iamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("tok")}, "")
	creds := assume(t, e, e.RootCredentials(), *r.Arn, "")
	noToken := creds
	noToken.SessionToken = ""
	_, err := stsClient(e, noToken).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	otherToken := creds
	otherToken.SessionToken = "forged"
	_, err = stsClient(e, otherToken).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	// A root key must not come with a session token.
	root := e.RootCredentials()
	root.SessionToken = "anything"
	_, err = stsClient(e, root).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
}

func TestEmuExpiredSession(t *testing.T) {
	e, clock := newTestEmu(t, Options{})
	r := createRole(t, iamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("short")}, "")
	out, err := stsClient(e, e.RootCredentials()).AssumeRole(bg, &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String("short"), DurationSeconds: aws.Int32(900)})
	must(t, err)
	creds := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
	_, err = stsClient(e, creds).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	must(t, err)
	clock.Advance(15 * time.Minute)
	_, err = stsClient(e, creds).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "ExpiredToken")
}

// rawRequest signs a request by hand, to tamper with it after signing.
func rawRequest(t *testing.T, e *Emulator, creds aws.Credentials, service, body string, signedAt time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.Endpoint()+"/", strings.NewReader(body))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	must(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", signedAt))
	return req
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEmuSignatureCoversBodyAndTime(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	status, out := do(t, rawRequest(t, e, e.RootCredentials(), "sts", body, time.Now()))
	if status != 200 || !strings.Contains(out, "<Arn>arn:aws:iam::123456789012:root</Arn>") {
		t.Fatalf("signed request: %d %s", status, out)
	}
	// A body changed after signing no longer matches.
	req := rawRequest(t, e, e.RootCredentials(), "iam", "Action=ListRoles&Version=2010-05-08", time.Now())
	req.Body = io.NopCloser(strings.NewReader("Action=ListRoles&Version=2010-05-09"))
	status, out = do(t, req)
	if status != 403 || !strings.Contains(out, "<Code>SignatureDoesNotMatch</Code>") || !strings.Contains(out, "<Type>Sender</Type>") {
		t.Fatalf("tampered body: %d %s", status, out)
	}
	// A signature older than 15 minutes is refused.
	status, out = do(t, rawRequest(t, e, e.RootCredentials(), "sts", body, time.Now().Add(-20*time.Minute)))
	if status != 403 || !strings.Contains(out, "Signature expired") {
		t.Fatalf("stale signature: %d %s", status, out)
	}
	// Unsigned requests are refused.
	req, _ = http.NewRequest(http.MethodPost, e.Endpoint()+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, out = do(t, req)
	if status != 403 || !strings.Contains(out, "<Code>MissingAuthenticationToken</Code>") {
		t.Fatalf("unsigned: %d %s", status, out)
	}
}

func TestEmuPresignedURL(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	presigned, err := sts.NewPresignClient(stsClient(e, e.RootCredentials())).PresignGetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	must(t, err)
	req, err := http.NewRequest(presigned.Method, presigned.URL, nil)
	must(t, err)
	for k, v := range presigned.SignedHeader {
		if !strings.EqualFold(k, "host") {
			req.Header[k] = v
		}
	}
	status, out := do(t, req)
	if status != 200 || !strings.Contains(out, "arn:aws:iam::123456789012:root") {
		t.Fatalf("presigned: %d %s", status, out)
	}
	req, _ = http.NewRequest(presigned.Method, strings.Replace(presigned.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1), nil)
	if status, out = do(t, req); status != 403 {
		t.Fatalf("tampered presigned URL: %d %s", status, out)
	}
}
