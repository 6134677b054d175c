package lakesail

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// A proxy's error page, as nginx serves it (not well-formed XML: <hr> is never closed).
const proxyErrorPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// answering is an endpoint that answers every request with status, contentType and body.
func answering(t *testing.T, status int, contentType, body string) string {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(server.Close)
	return server.URL
}

// errorTestClient is a library client whose KMS and S3 calls go to endpoint, attempting each once.
func errorTestClient(t *testing.T, endpoint string, recordBodies bool) *Client {
	t.Helper()
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
	}
	client, err := NewClient(cfg, Options{AccountID: "123456789012", Partition: "aws",
		Endpoints: map[string]string{"kms": endpoint, "s3": endpoint}})
	if err != nil {
		t.Fatal(err)
	}
	if !recordBodies {
		// NewClient records error bodies; this client shows what the SDK alone keeps.
		client.Cfg.APIOptions = nil
		client.clients = newClientSet(client.Cfg, client.opts) // clients built for this Cfg
	}
	return client
}

func scheduleKeyDeletion(t *testing.T, c *Client) *AWSError {
	t.Helper()
	_, err := c.KMS().ScheduleKeyDeletion(context.Background(),
		&kms.ScheduleKeyDeletionInput{KeyId: aws.String("alias/lakesail-demo"), PendingWindowInDays: aws.Int32(7)})
	return asAWSError(t, WrapAWSError("kms:ScheduleKeyDeletion", err))
}

func getBucketPolicy(t *testing.T, c *Client) *AWSError {
	t.Helper()
	_, err := c.S3().GetBucketPolicy(context.Background(),
		&s3.GetBucketPolicyInput{Bucket: aws.String("lakesail-demo-ws")})
	return asAWSError(t, WrapAWSError("s3:GetBucketPolicy", err))
}

func headBucket(t *testing.T, c *Client) *AWSError {
	t.Helper()
	_, err := c.S3().HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("lakesail-demo-ws")})
	return asAWSError(t, WrapAWSError("s3:HeadBucket", err))
}

func asAWSError(t *testing.T, err error) *AWSError {
	t.Helper()
	var awsErr *AWSError
	if !errors.As(err, &awsErr) {
		t.Fatalf("want an *AWSError, got %T: %v", err, err)
	}
	return awsErr
}

// An answer that is not an AWS error is described by its status and body, never by an empty code.
func TestUnitAWSErrorNotAnAWSAnswer(t *testing.T) {
	cases := []struct {
		name         string
		status       int
		contentType  string
		body         string
		call         func(*testing.T, *Client) *AWSError
		recordBodies bool
		want         []string
	}{
		{"kms html 502", http.StatusBadGateway, "text/html", proxyErrorPage, scheduleKeyDeletion, true,
			[]string{"kms:ScheduleKeyDeletion: HTTP 502 Bad Gateway without an AWS error code; body (text/html): ",
				"<title>502 Bad Gateway</title>", "<center>nginx</center>"}},
		{"kms json without code 400", http.StatusBadRequest, "application/json", `{"message":"nope"}`, scheduleKeyDeletion, true,
			[]string{`kms:ScheduleKeyDeletion: HTTP 400 Bad Request without an AWS error code; body (application/json): {"message":"nope"}`}},
		{"s3 html 502", http.StatusBadGateway, "text/html", proxyErrorPage, getBucketPolicy, true,
			[]string{"s3:GetBucketPolicy: HTTP 502 Bad Gateway without an AWS error code; body (text/html): ",
				"<title>502 Bad Gateway</title>"}},
		{"s3 json 400", http.StatusBadRequest, "application/json", `{"message":"nope"}`, getBucketPolicy, true,
			[]string{`s3:GetBucketPolicy: HTTP 400 Bad Request without an AWS error code; body (application/json): {"message":"nope"}`}},
		// Without the recorder the SDK's own snapshot of an undecodable body still gives the excerpt,
		{"kms html 502, snapshot only", http.StatusBadGateway, "text/html", proxyErrorPage, scheduleKeyDeletion, false,
			[]string{"HTTP 502 Bad Gateway without an AWS error code; body (text/html): ", "<title>502 Bad Gateway</title>"}},
		// and a body that decodes but names no code still gives its message.
		{"kms json 400, message only", http.StatusBadRequest, "application/json", `{"message":"nope"}`, scheduleKeyDeletion, false,
			[]string{"HTTP 400 Bad Request without an AWS error code; message: nope"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := errorTestClient(t, answering(t, tc.status, tc.contentType, tc.body), tc.recordBodies)
			awsErr := tc.call(t, client)
			if awsErr.Code != "" || awsErr.HTTPStatus != tc.status {
				t.Errorf("code %q, status %d; want no code and status %d", awsErr.Code, awsErr.HTTPStatus, tc.status)
			}
			text := awsErr.Error()
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("error text lacks %q:\n%s", want, text)
				}
			}
			for _, emptyCode := range []string{" with .", ": : ", "UnknownError", "\r", "\n"} {
				if strings.Contains(text, emptyCode) {
					t.Errorf("error text contains %q:\n%s", emptyCode, text)
				}
			}
		})
	}
}

// AWS's own errors keep their code, and what the library decides on it.
func TestUnitAWSErrorKeepsAWSAnswers(t *testing.T) {
	kmsNotFound := errorTestClient(t, answering(t, http.StatusBadRequest, "application/x-amz-json-1.1",
		`{"__type":"NotFoundException","message":"Alias arn:aws:kms:us-east-1:123456789012:alias/lakesail-demo is not found."}`), true)
	if awsErr := scheduleKeyDeletion(t, kmsNotFound); awsErr.Code != "NotFoundException" || !awsErr.IsNotFound() ||
		awsErr.Body != "" || !strings.Contains(awsErr.Error(), "kms:ScheduleKeyDeletion: NotFoundException: Alias") {
		t.Errorf("KMS NotFoundException: %+v", awsErr)
	}
	s3Denied := errorTestClient(t, answering(t, http.StatusForbidden, "application/xml",
		`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`), true)
	if awsErr := getBucketPolicy(t, s3Denied); awsErr.Code != "AccessDenied" || !awsErr.IsAccessDenied() || awsErr.Body != "" {
		t.Errorf("S3 AccessDenied: %+v", awsErr)
	}
	// A refused HEAD request has no body: its status is its code, as S3 answers it.
	headDenied := errorTestClient(t, answering(t, http.StatusForbidden, "application/xml", ""), true)
	if awsErr := headBucket(t, headDenied); awsErr.Code != "Forbidden" || !awsErr.IsAccessDenied() ||
		awsErr.Error() != "s3:HeadBucket: HTTP 403 Forbidden and an empty body" {
		t.Errorf("S3 HeadBucket 403: %q %+v", awsErr.Error(), awsErr)
	}
}

func TestUnitAWSErrorBodyExcerpt(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"whitespace collapses", "  a \r\n\t b  ", "a b"},
		{"control characters are replaced", "a\x1b[31mred\x00", "a\uFFFD[31mred\uFFFD"},
		{"invalid UTF-8 is replaced", "a\xffb", "a\uFFFDb"},
		{"long bodies are cut", strings.Repeat("x", bodyExcerptRunes+50), strings.Repeat("x", bodyExcerptRunes) + "…"},
		{"exactly the limit is kept whole", strings.Repeat("é", bodyExcerptRunes), strings.Repeat("é", bodyExcerptRunes)},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := bodyExcerpt([]byte(tc.body), bodyExcerptRunes); got != tc.want {
				t.Errorf("bodyExcerpt(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

// The recorder keeps a bounded start of long bodies and may be registered twice.
func TestUnitAWSErrorRecorderBounded(t *testing.T) {
	long := "<html>" + strings.Repeat("lorem ipsum ", errorBodyLimit) + "</html>"
	client := errorTestClient(t, answering(t, http.StatusServiceUnavailable, "text/html", long), true)
	client.Cfg.APIOptions = append(client.Cfg.APIOptions, recordErrorBodies)
	client.clients = newClientSet(client.Cfg, client.opts) // clients built for this Cfg
	_, err := client.S3().GetBucketPolicy(context.Background(),
		&s3.GetBucketPolicyInput{Bucket: aws.String("lakesail-demo-ws")})
	var recorded *answerBodyError
	if !errors.As(err, &recorded) || len(recorded.Body) != errorBodyLimit {
		t.Fatalf("want %d bytes recorded, got %v", errorBodyLimit, err)
	}
	awsErr := asAWSError(t, WrapAWSError("s3:GetBucketPolicy", err))
	if !strings.HasSuffix(awsErr.Body, "…") || len([]rune(awsErr.Body)) != bodyExcerptRunes+1 {
		t.Errorf("excerpt not cut at %d characters: %q", bodyExcerptRunes, awsErr.Body)
	}
}
