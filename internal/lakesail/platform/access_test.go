package platform

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestUnitCheckAccessClassifiesAnswers: a 401 or 403 is the token, a 404 or a redirect the URL,
// a 5xx (after its retries) or a body that is not the API's an outage; a list is access.
func TestUnitCheckAccessClassifiesAnswers(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   AccessProblem // 0: no error
	}{
		{"a page of connections", http.StatusOK, `{"items":[{"id":"A1B2C3D4E5"}]}`, 0},
		{"an empty organisation", http.StatusOK, `{"items":[]}`, 0},
		{"refused token", http.StatusUnauthorized, `{"error":{"code":"Unauthorized","message":"invalid token"}}`, AccessTokenRefused},
		{"token without permission", http.StatusForbidden, `{"message":"forbidden"}`, AccessTokenForbidden},
		{"not the API", http.StatusNotFound, `<html>not found</html>`, AccessWrongURL},
		{"a redirect", http.StatusMovedPermanently, ``, AccessWrongURL},
		{"an outage", http.StatusServiceUnavailable, `{"message":"maintenance"}`, AccessUnavailable},
		{"a server error", http.StatusInternalServerError, `{}`, AccessUnavailable},
		{"a page that is not the API's", http.StatusOK, `<html>hello</html>`, AccessUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, _ int) {
				expectRequest(t, r, http.MethodGet, "/infra/connections")
				if got := r.URL.Query().Get("limit"); got != "1" {
					t.Errorf("limit = %q, want 1", got)
				}
				if tc.status >= 300 && tc.status <= 399 {
					w.Header().Set("Location", "https://elsewhere.example.com/")
				}
				writeJSON(w, tc.status, tc.body)
			})
			client, _ := newTestClient(t, fake.url(), func(o *Options) { o.MaxAttempts = 2 })
			err := client.CheckAccess(context.Background())
			checkNoToken(t, err)
			if tc.want == 0 {
				if err != nil {
					t.Fatalf("CheckAccess: %v", err)
				}
				return
			}
			var accessErr *AccessError
			if !errors.As(err, &accessErr) || accessErr.Problem != tc.want {
				t.Fatalf("got %v, want an *AccessError with problem %s", err, tc.want)
			}
			if accessErr.Outage() != (tc.want == AccessUnavailable) {
				t.Errorf("Outage() = %v for %s", accessErr.Outage(), tc.want)
			}
			if !strings.Contains(err.Error(), fake.url()) {
				t.Errorf("the error does not name the base URL: %v", err)
			}
			if got := IsCredentialRefused(err); got != (tc.want == AccessTokenRefused || tc.want == AccessTokenForbidden) {
				t.Errorf("IsCredentialRefused = %v", got)
			}
		})
	}
}

// TestUnitCheckAccessRefusedLoopbackIsTheURL: nothing listening on a loopback port is certain to
// be the configuration, not an outage.
func TestUnitCheckAccessRefusedLoopbackIsTheURL(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + listener.Addr().String() + "/api/v1"
	_ = listener.Close()
	client, _ := newTestClient(t, closedURL, func(o *Options) { o.MaxAttempts = 2 })
	err = client.CheckAccess(context.Background())
	var accessErr *AccessError
	if !errors.As(err, &accessErr) || accessErr.Problem != AccessWrongURL {
		t.Fatalf("got %v, want problem %s", err, AccessWrongURL)
	}
}

// TestUnitCheckAccessTimeoutIsAnOutage: a server that does not answer in time may be slow, not
// misconfigured.
func TestUnitCheckAccessTimeoutIsAnOutage(t *testing.T) {
	release := make(chan struct{})
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	client, _ := newTestClient(t, fake.url(), func(o *Options) { o.MaxAttempts = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := client.CheckAccess(ctx)
	var accessErr *AccessError
	if !errors.As(err, &accessErr) || accessErr.Problem != AccessUnavailable {
		t.Fatalf("got %v, want problem %s", err, AccessUnavailable)
	}
}

// TestUnitAccessProblemOfTransportErrors: a name that does not exist is the URL unless it is
// LakeSail's own; refused connections are the URL only on this machine.
func TestUnitAccessProblemOfTransportErrors(t *testing.T) {
	dial := func(inner error) error {
		return &TransportError{Operation: "ListConnections", Err: &url.Error{Op: "Get", URL: "x",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: inner}}}
	}
	noSuchHost := dial(&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true})
	refused := dial(&os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED})
	dnsTimeout := dial(&net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true})
	cases := []struct {
		baseURL string
		err     error
		want    AccessProblem
	}{
		{"https://platfrom.example.com/api/v1", noSuchHost, AccessWrongURL},
		{DefaultBaseURL, noSuchHost, AccessUnavailable},
		{"https://platform.example.com/api/v1", dnsTimeout, AccessUnavailable},
		{"http://127.0.0.1:9/api/v1", refused, AccessWrongURL},
		{"http://localhost:9/api/v1", refused, AccessWrongURL},
		{"http://[::1]:9/api/v1", refused, AccessWrongURL},
		{"https://platform.example.com/api/v1", refused, AccessUnavailable},
		{"https://platform.example.com/api/v1", &TransportError{Err: context.DeadlineExceeded}, AccessUnavailable},
	}
	for _, tc := range cases {
		client, err := New(Options{BaseURL: tc.baseURL, Token: testToken})
		if err != nil {
			t.Fatal(err)
		}
		if got := client.accessProblem(tc.err); got != tc.want {
			t.Errorf("%s, %v: got %s, want %s", tc.baseURL, tc.err, got, tc.want)
		}
	}
}

func TestUnitValidateBaseURL(t *testing.T) {
	for _, good := range []string{"https://platform.example.com/api/v1", "http://127.0.0.1:8080/api/v1",
		"http://127.9.9.9/api", "http://[::1]:9/api/v1", "http://localhost:3000", ""} {
		if err := ValidateBaseURL(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	for _, bad := range []string{"http://platform.example.com/api/v1", "http://10.0.0.1/api", "ftp://platform.example.com",
		"platform.example.com/api/v1", "https://", "https://user:pw@platform.example.com", "https://x.example.com/?a=b", "://bad"} {
		err := ValidateBaseURL(bad)
		if err == nil {
			t.Errorf("%q: want an error", bad)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("%q: the error echoes user information: %v", bad, err)
		}
	}
}
