package lakesailtest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// The connection the library's tests make (and the values its policies carry).
const (
	ConnectionID = "AB12CD34EF"
	TenantID     = "TENANT0001"
	ExternalID   = "0f8fad5b-d9cb-469f-a165-70867728950e"
	// OtherAccountID is an account other than the connection's, as LakeSail's control
	// plane's is.
	OtherAccountID = "210987654321"
)

// ConnectionSpec is the tests' connection in accountID, trusting the account's root as
// provisioner, as the provider does by default.
func ConnectionSpec(accountID string) connection.Spec {
	return connection.Spec{
		Policy: connpolicy.Spec{
			ConnectionID:          ConnectionID,
			TenantID:              TenantID,
			ExternalID:            ExternalID,
			ProvisionerPrincipals: []string{"arn:aws:iam::" + accountID + ":root"},
		},
		Tags: map[string]string{"team": "data"},
	}
}

// CreateConnection creates the connection spec describes with client, failing the test on error.
func CreateConnection(t testing.TB, client *lakesail.Client, spec connection.Spec) *connection.Connection {
	t.Helper()
	conn, err := connection.New(client).Create(context.Background(), spec, nil)
	if err != nil {
		t.Fatalf("CreateConnection: %v", err)
	}
	return conn
}

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// FastRetryer keeps SDK retries (throttling, 5xx) but without multi-second backoffs or the
// client-side rate limit, so fault tests run quickly.
func FastRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 12 // (1/3)^12 per call: the throttling test never fails by chance
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
		o.RateLimiter = ratelimit.None
	})
}
