package platform

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testToken is distinctive so a leak anywhere is easy to find.
const testToken = "lsk_test_9f3c1e77d2ab4c8e_SECRET"

const testUserAgent = "terraform-provider-lakesail/1.2.3"

// fakePlatform is a local API server that checks the headers of every request and hands the
// request, its body and its 1-based number to the test's handler.
type fakePlatform struct {
	server   *httptest.Server
	requests atomic.Int32
}

type fakeHandler func(w http.ResponseWriter, r *http.Request, body string, number int)

func newFakePlatform(t *testing.T, handle fakeHandler) *fakePlatform {
	t.Helper()
	fake := &fakePlatform{}
	fake.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		number := int(fake.requests.Add(1))
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		checkHeaders(t, r, len(raw) > 0)
		handle(w, r, string(raw), number)
	}))
	t.Cleanup(fake.server.Close)
	return fake
}

func (f *fakePlatform) url() string { return f.server.URL + "/api/v1" }

func (f *fakePlatform) count() int { return int(f.requests.Load()) }

// checkHeaders asserts what every request must carry, and a JSON content type exactly when
// there is a body.
func checkHeaders(t *testing.T, r *http.Request, hasBody bool) {
	t.Helper()
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("%s %s: Authorization is not the bearer token", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("%s %s: Accept = %q", r.Method, r.URL.Path, got)
	}
	if got := r.Header.Get("User-Agent"); got != testUserAgent {
		t.Errorf("%s %s: User-Agent = %q, want %q", r.Method, r.URL.Path, got, testUserAgent)
	}
	wantType := ""
	if hasBody {
		wantType = "application/json"
	}
	if got := r.Header.Get("Content-Type"); got != wantType {
		t.Errorf("%s %s: Content-Type = %q, want %q", r.Method, r.URL.Path, got, wantType)
	}
	if len(r.TransferEncoding) > 0 {
		t.Errorf("%s %s: Transfer-Encoding = %v, want none", r.Method, r.URL.Path, r.TransferEncoding)
	}
}

// expectRequest asserts the method and the escaped path (under /api/v1) of a request.
func expectRequest(t *testing.T, r *http.Request, method, path string) {
	t.Helper()
	if r.Method != method || r.URL.EscapedPath() != "/api/v1"+path {
		t.Errorf("request %s %s, want %s /api/v1%s", r.Method, r.URL.EscapedPath(), method, path)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// recordingLogger keeps every line so tests can look for the token in them.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) record(level, msg string, kv []any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, kv))
}

func (l *recordingLogger) Debug(_ context.Context, msg string, kv ...any) { l.record("DEBUG", msg, kv) }
func (l *recordingLogger) Info(_ context.Context, msg string, kv ...any)  { l.record("INFO", msg, kv) }
func (l *recordingLogger) Warn(_ context.Context, msg string, kv ...any)  { l.record("WARN", msg, kv) }
func (l *recordingLogger) Error(_ context.Context, msg string, kv ...any) { l.record("ERROR", msg, kv) }

func (l *recordingLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// matching returns the lines containing every one of parts.
func (l *recordingLogger) matching(parts ...string) []string {
	var found []string
	for _, line := range l.all() {
		matched := true
		for _, part := range parts {
			matched = matched && strings.Contains(line, part)
		}
		if matched {
			found = append(found, line)
		}
	}
	return found
}

// newTestClient builds a client with tiny retry values for baseURL, and checks when the test
// ends that no captured log line holds the token.
func newTestClient(t *testing.T, baseURL string, tweak func(*Options)) (*Client, *recordingLogger) {
	t.Helper()
	logger := &recordingLogger{}
	opts := Options{
		BaseURL:        baseURL,
		Token:          testToken,
		ProductName:    "terraform-provider-lakesail",
		ProductVersion: "1.2.3",
		Logger:         logger,
		MaxAttempts:    5,
		MinBackoff:     time.Millisecond,
		MaxBackoff:     20 * time.Millisecond,
		RetryBudget:    2 * time.Second,
		AttemptTimeout: 2 * time.Second,
	}
	if tweak != nil {
		tweak(&opts)
	}
	client, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		for _, line := range logger.all() {
			if strings.Contains(line, testToken) {
				t.Errorf("a log line holds the token: %s", line)
			}
		}
	})
	return client, logger
}

// checkNoToken fails the test if err's message holds the token.
func checkNoToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testToken) {
		t.Errorf("the error holds the token: %v", err)
	}
}
