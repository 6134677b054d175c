package awsemu_test

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

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuBadSignature(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	wrong := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "not-the-secret"}
	_, err := emutest.StsClient(e, wrong).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.WantCode(t, err, "SignatureDoesNotMatch")
	_, err = emutest.IamClient(e, wrong).ListRoles(emutest.Bg, &iam.ListRolesInput{})
	emutest.WantCode(t, err, "SignatureDoesNotMatch")
	calls := e.Calls()
	if last := calls[len(calls)-1]; last.Decision != "deny" || last.ErrorCode != "SignatureDoesNotMatch" || last.Operation != "ListRoles" {
		t.Fatalf("call log = %+v", last)
	}
}

func TestEmuUnknownAccessKey(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	_, err := emutest.StsClient(e, aws.Credentials{AccessKeyID: "AKIANOTAREALKEY00000", SecretAccessKey: "x"}).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.WantCode(t, err, "InvalidClientTokenId")
	emutest.WantContains(t, emutest.ErrMessage(err), "The security token included in the request is invalid")
}

func TestEmuSessionNeedsItsToken(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("tok")}, "")
	creds := emutest.Assume(t, e, e.RootCredentials(), *r.Arn, "")
	noToken := creds
	noToken.SessionToken = ""
	_, err := emutest.StsClient(e, noToken).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.WantCode(t, err, "InvalidClientTokenId")
	otherToken := creds
	otherToken.SessionToken = "forged"
	_, err = emutest.StsClient(e, otherToken).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.WantCode(t, err, "InvalidClientTokenId")
	// A root key must not come with a session token.
	root := e.RootCredentials()
	root.SessionToken = "anything"
	_, err = emutest.StsClient(e, root).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.WantCode(t, err, "InvalidClientTokenId")
}

func TestEmuExpiredSession(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{})
	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("short")}, "")
	out, err := emutest.StsClient(e, e.RootCredentials()).AssumeRole(emutest.Bg, &sts.AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: aws.String("short"), DurationSeconds: aws.Int32(900)})
	emutest.Must(t, err)
	creds := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
	_, err = emutest.StsClient(e, creds).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.Must(t, err)
	clock.Advance(15 * time.Minute)
	_, err = emutest.StsClient(e, creds).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.WantCode(t, err, "ExpiredToken")
}

// rawRequest signs a request by hand, to tamper with it after signing.
func rawRequest(t *testing.T, e *awsemu.Emulator, creds aws.Credentials, service, body string, signedAt time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.Endpoint()+"/", strings.NewReader(body))
	emutest.Must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	emutest.Must(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", signedAt))
	return req
}

func TestEmuSignatureCoversBodyAndTime(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	status, out := emutest.Do(t, rawRequest(t, e, e.RootCredentials(), "sts", body, time.Now()))
	if status != 200 || !strings.Contains(out, "<Arn>arn:aws:iam::123456789012:root</Arn>") {
		t.Fatalf("signed request: %d %s", status, out)
	}
	// A body changed after signing no longer matches.
	req := rawRequest(t, e, e.RootCredentials(), "iam", "Action=ListRoles&Version=2010-05-08", time.Now())
	req.Body = io.NopCloser(strings.NewReader("Action=ListRoles&Version=2010-05-09"))
	status, out = emutest.Do(t, req)
	if status != 403 || !strings.Contains(out, "<Code>SignatureDoesNotMatch</Code>") || !strings.Contains(out, "<Type>Sender</Type>") {
		t.Fatalf("tampered body: %d %s", status, out)
	}
	// A signature older than 15 minutes is refused.
	status, out = emutest.Do(t, rawRequest(t, e, e.RootCredentials(), "sts", body, time.Now().Add(-20*time.Minute)))
	if status != 403 || !strings.Contains(out, "Signature expired") {
		t.Fatalf("stale signature: %d %s", status, out)
	}
	// Unsigned requests are refused.
	req, _ = http.NewRequest(http.MethodPost, e.Endpoint()+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, out = emutest.Do(t, req)
	if status != 403 || !strings.Contains(out, "<Code>MissingAuthenticationToken</Code>") {
		t.Fatalf("unsigned: %d %s", status, out)
	}
}

func TestEmuPresignedURL(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	presigned, err := sts.NewPresignClient(emutest.StsClient(e, e.RootCredentials())).PresignGetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.Must(t, err)
	req, err := http.NewRequest(presigned.Method, presigned.URL, nil)
	emutest.Must(t, err)
	for k, v := range presigned.SignedHeader {
		if !strings.EqualFold(k, "host") {
			req.Header[k] = v
		}
	}
	status, out := emutest.Do(t, req)
	if status != 200 || !strings.Contains(out, "arn:aws:iam::123456789012:root") {
		t.Fatalf("presigned: %d %s", status, out)
	}
	req, _ = http.NewRequest(presigned.Method, strings.Replace(presigned.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1), nil)
	if status, out = emutest.Do(t, req); status != 403 {
		t.Fatalf("tampered presigned URL: %d %s", status, out)
	}
}
