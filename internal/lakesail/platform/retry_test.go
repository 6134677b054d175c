package platform

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const oneConnection = `{"id":"A1B2C3D4E5","name":"prod","provider":"aws","status":"active"}`

func TestUnitRetryAfterIsWaitedOut(t *testing.T) {
	const cappedWait = 150 * time.Millisecond
	var mu sync.Mutex
	var arrivals []time.Time
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, number int) {
		expectRequest(t, r, http.MethodGet, "/infra/connections/A1B2C3D4E5")
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		if number == 1 {
			// One second, capped by MaxBackoff to cappedWait; without Retry-After the wait would be ~1ms.
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, `{"message":"slow down"}`)
			return
		}
		writeJSON(w, http.StatusOK, oneConnection)
	})
	client, logs := newTestClient(t, fake.url(), func(o *Options) { o.MaxBackoff = cappedWait })

	connection, err := client.GetConnection(context.Background(), "A1B2C3D4E5")
	if err != nil {
		t.Fatalf("GetConnection: %v", err)
	}
	if connection.ID != "A1B2C3D4E5" || fake.count() != 2 {
		t.Fatalf("got %+v after %d requests, want the connection after 2", connection, fake.count())
	}
	if gap := arrivals[1].Sub(arrivals[0]); gap < cappedWait {
		t.Errorf("the retry came %s after the 429, want at least %s", gap, cappedWait)
	}
	if lines := logs.matching("WARN", "failed; retrying", "HTTP 429", "wait "+cappedWait.String()); len(lines) != 1 {
		t.Errorf("want one retry warning with wait %s, got %q", cappedWait, logs.all())
	}
}

func TestUnitServiceUnavailableTwiceThenSucceeds(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, number int) {
		expectRequest(t, r, http.MethodGet, "/infra/connections/A1B2C3D4E5")
		if number <= 2 {
			writeJSON(w, http.StatusServiceUnavailable, `{"message":"try later"}`)
			return
		}
		writeJSON(w, http.StatusOK, oneConnection)
	})
	client, logs := newTestClient(t, fake.url(), nil)

	connection, err := client.GetConnection(context.Background(), "A1B2C3D4E5")
	if err != nil {
		t.Fatalf("GetConnection: %v", err)
	}
	if connection.Name != "prod" || fake.count() != 3 {
		t.Errorf("got %+v after %d requests, want prod after 3", connection, fake.count())
	}
	if lines := logs.matching("failed; retrying", "HTTP 503"); len(lines) != 2 {
		t.Errorf("want 2 retry warnings, got %q", logs.all())
	}
}

func TestUnitBadRequestFailsAtOnce(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, _ int) {
		expectRequest(t, r, http.MethodPost, "/infra/connections")
		w.Header().Set("X-Request-Id", "req-400-abc")
		writeJSON(w, http.StatusBadRequest, `{"error":{"code":"invalid_role_arn","message":"roleArn must be an IAM role ARN"}}`)
	})
	client, _ := newTestClient(t, fake.url(), nil)

	_, err := client.CreateConnection(context.Background(), validConnectionInput())
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *APIError, got %T %v", err, err)
	}
	if fake.count() != 1 || apiErr.Attempts != 1 {
		t.Errorf("400 was tried %d times, want once", fake.count())
	}
	if !apiErr.IsBadRequest() || apiErr.Code != "invalid_role_arn" || apiErr.Message != "roleArn must be an IAM role ARN" || apiErr.RequestID != "req-400-abc" {
		t.Errorf("unexpected fields: %+v", apiErr)
	}
	want := "platform: CreateConnection (POST /infra/connections): HTTP 400 invalid_role_arn: roleArn must be an IAM role ARN [request id req-400-abc]"
	if err.Error() != want {
		t.Errorf("error\n got %s\nwant %s", err, want)
	}
}

func TestUnitHungServerHitsContextDeadline(t *testing.T) {
	fake := newFakePlatform(t, func(_ http.ResponseWriter, r *http.Request, _ string, _ int) {
		<-r.Context().Done() // never answers; returns when the client gives up
	})
	client, _ := newTestClient(t, fake.url(), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := client.ListConnections(ctx)
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want context.DeadlineExceeded, got %v", err)
	}
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || transportErr.Operation != "ListConnections" {
		t.Errorf("want a *TransportError for ListConnections, got %T %v", err, err)
	}
	if elapsed > time.Second || fake.count() != 1 {
		t.Errorf("returned after %s and %d requests, want about 150ms and 1", elapsed, fake.count())
	}
	checkNoToken(t, err)
}

func TestUnitConnectionRefusedIsRetriedThenFails(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddress := listener.Addr().String()
	_ = listener.Close() // nothing listens there now: every dial is refused
	client, logs := newTestClient(t, "http://"+closedAddress+"/api/v1", func(o *Options) { o.MaxAttempts = 3 })

	_, err = client.ListConnections(context.Background())
	var transportErr *TransportError
	if !errors.As(err, &transportErr) {
		t.Fatalf("want *TransportError, got %T %v", err, err)
	}
	if transportErr.Attempts != 3 || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("want 3 refused attempts, got %d: %v", transportErr.Attempts, err)
	}
	if !strings.Contains(err.Error(), "ListConnections (GET /infra/connections): no response after 3 attempt(s)") ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Errorf("unclear error: %v", err)
	}
	if lines := logs.matching("failed; retrying", "connection refused"); len(lines) != 2 {
		t.Errorf("want 2 retry warnings, got %q", logs.all())
	}
	if lines := logs.matching("not retrying", "all 3 attempts used"); len(lines) != 1 {
		t.Errorf("want the give-up reason logged, got %q", logs.all())
	}
	checkNoToken(t, err)
}

func TestUnitAttemptCapStopsRetries(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) {
		writeJSON(w, http.StatusServiceUnavailable, `{"message":"maintenance"}`)
	})
	client, _ := newTestClient(t, fake.url(), func(o *Options) { o.MaxAttempts = 3 })

	err := client.DeleteConnection(context.Background(), "A1B2C3D4E5")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || apiErr.Attempts != 3 || fake.count() != 3 {
		t.Fatalf("want a 503 after 3 attempts, got %v after %d requests", err, fake.count())
	}
	if !strings.HasSuffix(err.Error(), "HTTP 503: maintenance (after 3 attempts)") {
		t.Errorf("error does not count the attempts: %v", err)
	}
}

func TestUnitRetryBudgetCapsTotalTime(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) {
		writeJSON(w, http.StatusBadGateway, `{}`)
	})
	client, logs := newTestClient(t, fake.url(), func(o *Options) {
		o.MaxAttempts = 1000
		o.MinBackoff, o.MaxBackoff = 10*time.Millisecond, 10*time.Millisecond
		o.RetryBudget = 60 * time.Millisecond
	})

	start := time.Now()
	_, err := client.ListNetworks(context.Background())
	elapsed := time.Since(start)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
		t.Fatalf("want a 502, got %v", err)
	}
	if fake.count() < 3 || fake.count() > 12 || elapsed > time.Second {
		t.Errorf("%d requests in %s, want a handful within about 60ms", fake.count(), elapsed)
	}
	if len(logs.matching("not retrying", "retry budget of 60ms is spent")) != 1 {
		t.Errorf("want the budget named as the reason, got %q", logs.all())
	}
}

func TestUnitNoSleepPastContextDeadline(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusTooManyRequests, `{"message":"slow down"}`)
	})
	client, logs := newTestClient(t, fake.url(), func(o *Options) { o.MaxBackoff = 10 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()

	start := time.Now()
	_, err := client.GetConnection(ctx, "A1B2C3D4E5")
	elapsed := time.Since(start)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.IsThrottled() || fake.count() != 1 {
		t.Fatalf("want the 429 back after one request, got %v after %d", err, fake.count())
	}
	if elapsed > 500*time.Millisecond {
		t.Errorf("returned after %s; it should not wait for a retry the deadline forbids", elapsed)
	}
	if len(logs.matching("not retrying", "context deadline comes before the next attempt")) != 1 {
		t.Errorf("want the deadline named as the reason, got %q", logs.all())
	}
}

func TestUnitCreatesAreNotReplayedAfterAmbiguousFailures(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		call         func(*Client) error
		wantRequests int
	}{
		{"create network after 502", http.StatusBadGateway, createTestNetwork, 1},
		{"create network after 500", http.StatusInternalServerError, createTestNetwork, 1},
		{"create network after 504", http.StatusGatewayTimeout, createTestNetwork, 1},
		{"create network after 503", http.StatusServiceUnavailable, createTestNetwork, 2},
		{"create network after 429", http.StatusTooManyRequests, createTestNetwork, 2},
		{"get network after 502", http.StatusBadGateway, getTestNetwork, 2},
		{"get network after 500", http.StatusInternalServerError, getTestNetwork, 2},
		{"delete network after 504", http.StatusGatewayTimeout, deleteTestNetwork, 2},
		{"verify connection after 502", http.StatusBadGateway, verifyTestConnection, 2},
		{"get network after 404", http.StatusNotFound, getTestNetwork, 1},
		{"get network after 401", http.StatusUnauthorized, getTestNetwork, 1},
		{"get network after 409", http.StatusConflict, getTestNetwork, 1},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			fake := newFakePlatform(t, func(w http.ResponseWriter, _ *http.Request, _ string, number int) {
				if number == 1 {
					writeJSON(w, test.status, `{"message":"first attempt fails"}`)
					return
				}
				writeJSON(w, http.StatusOK, `{"id":"N1","connectionId":"A1B2C3D4E5","name":"main","region":"us-east-1"}`)
			})
			client, _ := newTestClient(t, fake.url(), nil)
			_ = test.call(client)
			if fake.count() != test.wantRequests {
				t.Errorf("%d requests, want %d", fake.count(), test.wantRequests)
			}
		})
	}
}

func createTestNetwork(c *Client) error {
	_, err := c.CreateNetwork(context.Background(), CreateNetworkInput{ConnectionID: "A1B2C3D4E5", Name: "main", Region: "us-east-1"})
	return err
}

func getTestNetwork(c *Client) error {
	_, err := c.GetNetwork(context.Background(), "N1")
	return err
}

func deleteTestNetwork(c *Client) error { return c.DeleteNetwork(context.Background(), "N1") }

func verifyTestConnection(c *Client) error {
	_, err := c.VerifyConnection(context.Background(), "N1")
	return err
}

func TestUnitShouldRetryClassifiesTransportErrors(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	unknownHost := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Name: "platfrom.lakesail.com", IsNotFound: true}}
	tests := []struct {
		name       string
		replaySafe bool
		err        error
		want       bool
	}{
		{"refused, create", false, refused, true},
		{"refused, get", true, refused, true},
		{"reset, create", false, reset, false},
		{"reset, get", true, reset, true},
		{"unknown host", true, unknownHost, false},
	}
	for _, test := range tests {
		if got, _ := shouldRetry(test.replaySafe, nil, test.err); got != test.want {
			t.Errorf("%s: shouldRetry = %v, want %v", test.name, got, test.want)
		}
	}
}

func TestUnitRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"7", 7 * time.Second, true},
		{" 0 ", 0, true},
		{"Sat, 01 Mar 2025 12:00:09 GMT", 9 * time.Second, true},
		{"Sat, 01 Mar 2025 11:59:00 GMT", 0, true}, // in the past: retry now
		{"99999999999", maxRetryAfter, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, test := range tests {
		got, ok := parseRetryAfter(test.value, now)
		if got != test.want || ok != test.wantOK {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", test.value, got, ok, test.want, test.wantOK)
		}
	}
}

func TestUnitWaitHonoursRetryAfterUpToMaxBackoff(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	policy := retryPolicy{minBackoff: time.Second, maxBackoff: 30 * time.Second, jitter: func(time.Duration) time.Duration { return 0 }}
	answer := func(status int, retryAfter string) *http.Response {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		if retryAfter != "" {
			resp.Header.Set("Retry-After", retryAfter)
		}
		return resp
	}
	tests := []struct {
		name string
		resp *http.Response
		want time.Duration
	}{
		{"429 seconds", answer(429, "7"), 7 * time.Second},
		{"503 date", answer(503, "Sat, 01 Mar 2025 12:00:12 GMT"), 12 * time.Second},
		{"429 beyond the cap", answer(429, "600"), 30 * time.Second},
		{"429 without the header", answer(429, ""), 500 * time.Millisecond},
		{"502 ignores the header", answer(502, "7"), 500 * time.Millisecond},
	}
	for _, test := range tests {
		if got := policy.wait(1, test.resp, now); got != test.want {
			t.Errorf("%s: wait = %s, want %s", test.name, got, test.want)
		}
	}
}

func TestUnitBackoffIsJitteredExponential(t *testing.T) {
	low := retryPolicy{minBackoff: time.Second, maxBackoff: 30 * time.Second, jitter: func(time.Duration) time.Duration { return 0 }}
	high := low
	high.jitter = func(limit time.Duration) time.Duration { return limit }
	wantCeilings := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, ceiling := range wantCeilings {
		retry := i + 1
		if got := low.exponential(retry); got != ceiling-ceiling/2 {
			t.Errorf("retry %d: lowest wait %s, want %s", retry, got, ceiling-ceiling/2)
		}
		if got := high.exponential(retry); got != ceiling {
			t.Errorf("retry %d: highest wait %s, want %s", retry, got, ceiling)
		}
	}
	random := low
	random.jitter = randomJitter
	for range 100 {
		if got := random.exponential(3); got < 2*time.Second || got > 4*time.Second {
			t.Fatalf("retry 3: random wait %s outside [2s, 4s]", got)
		}
	}
}
