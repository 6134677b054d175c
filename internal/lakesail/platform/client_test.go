package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestUnitNewAppliesDefaults(t *testing.T) {
	client, err := New(Options{Token: testToken})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if client.BaseURL() != DefaultBaseURL || client.UserAgent() != "lakesail-platform-go/dev" {
		t.Errorf("defaults: %s %s", client.BaseURL(), client.UserAgent())
	}
	got := client.policy
	if got.maxAttempts != 5 || got.minBackoff != time.Second || got.maxBackoff != 30*time.Second || got.budget != 2*time.Minute {
		t.Errorf("policy %+v, want 5 attempts, 1s to 30s, 2m budget", got)
	}
	if client.http.Timeout != DefaultAttemptTimeout || client.http.CheckRedirect == nil {
		t.Errorf("the HTTP client lacks the attempt timeout or the redirect guard")
	}
}

func TestUnitNewLeavesTheCallersHTTPClientAlone(t *testing.T) {
	given := &http.Client{}
	client, err := New(Options{Token: testToken, HTTPClient: given, BaseURL: "https://platform.example.com/api/v1/"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if given.Timeout != 0 || given.CheckRedirect != nil || client.http == given {
		t.Errorf("New changed or kept the caller's *http.Client instead of a copy")
	}
	if client.BaseURL() != "https://platform.example.com/api/v1" {
		t.Errorf("trailing slash kept: %s", client.BaseURL())
	}
}

func TestUnitNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"no token", Options{}, "a token is required"},
		{"blank token", Options{Token: "  \n"}, "a token is required"},
		{"token with a newline inside", Options{Token: "abc\ndef"}, "white space or control characters"},
		{"plain http off this host", Options{Token: testToken, BaseURL: "http://platform.lakesail.com/api/v1"}, "only https may carry the token"},
		{"user information", Options{Token: testToken, BaseURL: "https://me:" + testToken + "@platform.lakesail.com/api/v1"}, "must not carry user information"},
		{"query", Options{Token: testToken, BaseURL: "https://platform.lakesail.com/api/v1?x=1"}, "must not have a query"},
		{"no host", Options{Token: testToken, BaseURL: "/api/v1"}, "has no host"},
		{"other scheme", Options{Token: testToken, BaseURL: "ftp://platform.lakesail.com/"}, "must use https"},
		{"negative attempts", Options{Token: testToken, MaxAttempts: -1}, "must not be negative"},
		{"min above max", Options{Token: testToken, MinBackoff: time.Minute, MaxBackoff: time.Second}, "is longer than MaxBackoff"},
		{"negative attempt timeout", Options{Token: testToken, AttemptTimeout: -time.Second}, "AttemptTimeout must not be negative"},
		{"product with a space", Options{Token: testToken, ProductName: "my tool"}, "printable ASCII without spaces"},
	}
	for _, test := range tests {
		_, err := New(test.opts)
		if err == nil || !strings.Contains(err.Error(), test.wantErr) {
			t.Errorf("%s: got %v, want an error containing %q", test.name, err, test.wantErr)
		}
		checkNoToken(t, err)
	}
	for _, loopback := range []string{"http://127.0.0.1:8080/api/v1", "http://localhost/api/v1", "http://[::1]:9/api/v1"} {
		if _, err := New(Options{Token: testToken, BaseURL: loopback}); err != nil {
			t.Errorf("%s: loopback http should be allowed: %v", loopback, err)
		}
	}
}

func TestUnitTokenIsNeverPrinted(t *testing.T) {
	opts := Options{Token: testToken, BaseURL: "https://platform.example.com/api/v1"}
	client, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	wrapper := struct {
		Opts   Options
		Client *Client
		Inner  Client
	}{opts, client, *client}
	var printed []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
		for _, value := range []any{opts, &opts, opts.Token, client, *client, wrapper, &wrapper} {
			printed = append(printed, fmt.Sprintf(verb, value))
		}
	}
	encoded, err := json.Marshal(map[string]any{"token": opts.Token, "tokens": []Token{opts.Token}})
	if err != nil {
		t.Fatal(err)
	}
	var slogged bytes.Buffer
	slog.New(slog.NewTextHandler(&slogged, nil)).Info("options", "token", opts.Token, "opts", opts)
	printed = append(printed, string(encoded), slogged.String(), opts.Token.String(), opts.Token.GoString())
	for _, text := range printed {
		if strings.Contains(text, testToken) || strings.Contains(text, fmt.Sprintf("%x", testToken)) {
			t.Errorf("the token leaked: %s", text)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", opts), "Token:[REDACTED]") {
		t.Errorf("%%+v of Options should show the token as redacted: %+v", opts)
	}
}

func TestUnitTokenEchoedByTheServerIsScrubbed(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, number int) {
		if number == 1 {
			// A misbehaving gateway that echoes the request headers in its error.
			writeJSON(w, http.StatusServiceUnavailable, `{"message":"upstream down; got header `+r.Header.Get("Authorization")+`"}`)
			return
		}
		writeJSON(w, http.StatusUnauthorized, `{"code":"invalid_token","message":"bad token `+r.Header.Get("Authorization")+`"}`)
	})
	client, logs := newTestClient(t, fake.url(), nil)

	_, err := client.GetConnection(t.Context(), "A1B2C3D4E5")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.IsUnauthorized() {
		t.Fatalf("want a 401, got %v", err)
	}
	checkNoToken(t, err)
	if strings.Contains(apiErr.Body, testToken) || !strings.Contains(apiErr.Message, "Bearer [REDACTED]") {
		t.Errorf("body or message not scrubbed: %+v", apiErr)
	}
	if len(logs.all()) == 0 {
		t.Errorf("expected log lines to check")
	}
}

func TestUnitRedactingLoggerScrubsAnyValue(t *testing.T) {
	inner := &recordingLogger{}
	logger := redactingLogger{next: inner, secret: newSecret(testToken)}
	logger.Error(t.Context(), "saw "+testToken, "error", errors.New("header Bearer "+testToken), "count", 3,
		"stringer", Token(testToken))
	for _, line := range inner.all() {
		if strings.Contains(line, testToken) {
			t.Errorf("leaked: %s", line)
		}
		if !strings.Contains(line, "count 3") {
			t.Errorf("plain values should pass through: %s", line)
		}
	}
}
