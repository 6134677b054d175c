package platform

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestUnitErrorBodiesOfManyShapes(t *testing.T) {
	tests := []struct {
		name, body                     string
		wantCode, wantMessage, wantReq string
	}{
		{"flat", `{"code":"conflict","message":"id taken","requestId":"r-1"}`, "conflict", "id taken", "r-1"},
		{"nested", `{"error":{"code":"not_found","message":"no such network"}}`, "not_found", "no such network", ""},
		{"oauth", `{"error":"invalid_token","error_description":"token expired"}`, "invalid_token", "token expired", ""},
		{"bare error string", `{"error":"something broke"}`, "", "something broke", ""},
		{"list", `{"errors":[{"code":"E1","message":"name is required"},{"message":"region is required"}]}`, "E1", "name is required (and 1 more)", ""},
		{"problem details", `{"type":"about:blank","title":"Not Found","status":404,"detail":"connection X is gone"}`, "", "connection X is gone", ""},
		{"numeric code", `{"code":4091,"message":"busy"}`, "4091", "busy", ""},
		{"not json", `<html>502 Bad Gateway</html>`, "", "", ""},
		{"json array", `["?"]`, "", "", ""},
	}
	for _, test := range tests {
		got := parseErrorBody([]byte(test.body))
		if got.code != test.wantCode || got.message != test.wantMessage || got.requestID != test.wantReq {
			t.Errorf("%s: got %+v, want code %q message %q request id %q", test.name, got, test.wantCode, test.wantMessage, test.wantReq)
		}
	}
}

func TestUnitAPIErrorKeepsUnknownBodiesTruncated(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) {
		w.Header().Set("X-Amzn-Requestid", "amzn-7")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("<html>" + strings.Repeat("denied ", 1000) + "</html>"))
	})
	client, _ := newTestClient(t, fake.url(), nil)

	err := client.DeleteCluster(t.Context(), "C1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.IsForbidden() || apiErr.RequestID != "amzn-7" {
		t.Fatalf("want a 403 with the request id, got %v", err)
	}
	if len(apiErr.Body) > errorBodyLimit+40 || !strings.HasPrefix(apiErr.Body, "<html>denied") || !strings.Contains(apiErr.Body, "more bytes)") {
		t.Errorf("body not kept truncated: %d bytes", len(apiErr.Body))
	}
	if msg := err.Error(); len(msg) > 400 || !strings.Contains(msg, "HTTP 403 Forbidden; body: <html>denied denied") {
		t.Errorf("error message should quote a short snippet: %s", msg)
	}
}

func TestUnitTruncateKeepsRunesWhole(t *testing.T) {
	if got := truncate("ééé", 3); got != "é…(4 more bytes)" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("short", 10); got != "short" {
		t.Errorf("truncate = %q", got)
	}
}
