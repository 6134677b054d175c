package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// A failed AWS call is reported with what the endpoint answered; an answer that is not an AWS
// error is named by its status and body, never as an empty error code.
func TestUnitAddAWSErrorSaysWhatCameBack(t *testing.T) {
	proxyPage := `<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>`
	cases := []struct {
		name    string
		err     *lakesail.AWSError
		want    []string
		wantNot []string
	}{
		{"html page from a proxy", &lakesail.AWSError{Action: "kms:ScheduleKeyDeletion", HTTPStatus: 502, ContentType: "text/html",
			Body: proxyPage, Err: errors.New("deserialization failed")},
			[]string{"kms:ScheduleKeyDeletion got an answer that is not an AWS error: HTTP 502 Bad Gateway without an AWS error code; " +
				"body (text/html): " + proxyPage, "endpoints block"},
			[]string{"AWS refused", "network access"}},
		{"json without a code", &lakesail.AWSError{Action: "s3:GetBucketPolicy", HTTPStatus: 400, ContentType: "application/json",
			Body: `{"message":"nope"}`, Message: "nope"},
			[]string{`HTTP 400 Bad Request without an AWS error code; body (application/json): {"message":"nope"}`},
			[]string{"AWS refused", "network access"}},
		{"no answer at all", &lakesail.AWSError{Action: "kms:ScheduleKeyDeletion", Err: errors.New("dial tcp 127.0.0.1:1: connection refused")},
			[]string{"kms:ScheduleKeyDeletion failed: dial tcp 127.0.0.1:1: connection refused", "Check network access"},
			[]string{"AWS refused"}},
		{"an AWS error", &lakesail.AWSError{Action: "kms:ScheduleKeyDeletion", HTTPStatus: 400, Code: "KMSInvalidStateException",
			Message: "key is pending deletion"},
			[]string{"AWS refused kms:ScheduleKeyDeletion with KMSInvalidStateException: key is pending deletion"},
			[]string{"HTTP 400", "network access"}},
		{"access denied", &lakesail.AWSError{Action: "kms:ScheduleKeyDeletion", HTTPStatus: 400, Code: "AccessDeniedException",
			Message: "not authorized"},
			[]string{"AWS refused kms:ScheduleKeyDeletion with AccessDeniedException: not authorized", "lack permission for kms:ScheduleKeyDeletion"},
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			addAWSError(&diags, "Cannot Delete the Network Key", tc.err)
			if len(diags) != 1 || diags[0].Summary() != "Cannot Delete the Network Key" {
				t.Fatalf("want one diagnostic with the summary, got %v", diags)
			}
			detail := diags[0].Detail()
			for _, want := range tc.want {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
			for _, unwanted := range append(tc.wantNot, " with .", " with :", "with  ") {
				if strings.Contains(detail, unwanted) {
					t.Errorf("detail contains %q:\n%s", unwanted, detail)
				}
			}
		})
	}
}

// Through the library: a call answered by something that is not AWS (here a proxy's page in place
// of STS) reaches the diagnostic with its status, not as an empty error code.
func TestUnitAddAWSErrorFromNonAWSEndpoint(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><hr></body></html>"))
	}))
	defer server.Close()
	client, err := lakesail.NewClient(aws.Config{Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")},
		lakesail.Options{Partition: "aws", Endpoints: map[string]string{"sts": server.URL}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.AccountID(context.Background())
	var diags diag.Diagnostics
	addAWSError(&diags, "Cannot Identify the Account", err)
	detail := diags[0].Detail()
	if !strings.Contains(detail, "sts:GetCallerIdentity got an answer that is not an AWS error: HTTP 502 Bad Gateway without an AWS error code") ||
		strings.Contains(detail, " with .") || strings.Contains(detail, "network access") {
		t.Errorf("detail does not say what came back:\n%s", detail)
	}
}
