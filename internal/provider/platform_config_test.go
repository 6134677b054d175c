package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

func TestUnitExpandPlatformSettings(t *testing.T) {
	block := func(url, token string) *platformModel {
		m := &platformModel{URL: types.StringNull(), Token: types.StringNull()}
		if url != "" {
			m.URL = types.StringValue(url)
		}
		if token != "" {
			m.Token = types.StringValue(token)
		}
		return m
	}
	env := func(values map[string]string) func(string) string {
		return func(name string) string { return values[name] }
	}
	cases := []struct {
		name       string
		block      *platformModel
		env        map[string]string
		configured bool
		url        string
		token      string
		sources    platformSources
		wantError  string
	}{
		{name: "neither block nor environment", block: nil, configured: false},
		{name: "empty block, no environment", block: block("", ""), configured: false},
		{name: "empty block filled by the environment", block: block("", ""),
			env:        map[string]string{envPlatformURL: "http://127.0.0.1:9/api/v1", envPlatformToken: "env-token"},
			configured: true, url: "http://127.0.0.1:9/api/v1", token: "env-token",
			sources: platformSources{url: envPlatformURL, token: envPlatformToken}},
		{name: "environment without a block", block: nil, env: map[string]string{envPlatformToken: "env-token"},
			configured: true, url: "", token: "env-token", sources: platformSources{token: envPlatformToken}},
		{name: "block wins over the environment", block: block("https://platform.example.com/api/v1", "block-token"),
			env:        map[string]string{envPlatformURL: "https://other.example.com", envPlatformToken: "env-token"},
			configured: true, url: "https://platform.example.com/api/v1", token: "block-token",
			sources: platformSources{url: "platform.url", token: "platform.token"}},
		{name: "token from the block, URL from the environment", block: block("", "block-token"),
			env:        map[string]string{envPlatformURL: "https://eu.platform.example.com/api/v1"},
			configured: true, url: "https://eu.platform.example.com/api/v1", token: "block-token",
			sources: platformSources{url: envPlatformURL, token: "platform.token"}},
		{name: "blank token counts as unset", block: block("", "  "), env: map[string]string{envPlatformToken: "\n"}, configured: false},
		{name: "URL without a token", block: block("https://platform.example.com/api/v1", ""), wantError: "Missing LakeSail Platform Token"},
		{name: "URL from the environment without a token", block: nil, env: map[string]string{envPlatformURL: "https://x.example.com"},
			wantError: "Missing LakeSail Platform Token"},
		{name: "plain http to a remote host from the environment", block: nil,
			env:       map[string]string{envPlatformURL: "http://platform.example.com/api/v1", envPlatformToken: "env-token"},
			wantError: "Invalid LakeSail Platform URL"},
		{name: "plain http to a loopback host from the environment", block: nil,
			env:        map[string]string{envPlatformURL: "http://localhost:8080/api/v1", envPlatformToken: "env-token"},
			configured: true, url: "http://localhost:8080/api/v1", token: "env-token",
			sources: platformSources{url: envPlatformURL, token: envPlatformToken}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			settings, configured, diags := expandPlatformSettings(tc.block, env(tc.env))
			if tc.wantError != "" {
				if !diags.HasError() || diags.Errors()[0].Summary() != tc.wantError {
					t.Fatalf("want error %q, got %v", tc.wantError, diags)
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("unexpected error: %v", diags)
			}
			if configured && settings.sources != tc.sources {
				t.Errorf("sources %+v, want %+v", settings.sources, tc.sources)
			}
			if configured != tc.configured || settings.baseURL != tc.url || string(settings.token) != tc.token {
				t.Errorf("got configured=%v url=%q token-matches=%v; want configured=%v url=%q",
					configured, settings.baseURL, string(settings.token) == tc.token, tc.configured, tc.url)
			}
		})
	}
}

func TestUnitConfigurePlatform(t *testing.T) {
	ctx := context.Background()
	noEnv := func(string) string { return "" }

	client, diags := configurePlatform(ctx, nil, noEnv, "1.2.3", nil)
	if client != nil || diags.HasError() {
		t.Fatalf("without a token: client %v, diags %v; want neither", client, diags)
	}

	m := &platformModel{URL: types.StringNull(), Token: types.StringValue("tok_abc")}
	client, diags = configurePlatform(ctx, m, noEnv, "1.2.3", nil)
	if diags.HasError() || client == nil {
		t.Fatalf("with a token: %v", diags)
	}
	if client.BaseURL() != platform.DefaultBaseURL || client.UserAgent() != "terraform-provider-lakesail/1.2.3" {
		t.Errorf("client %s with user agent %q", client.BaseURL(), client.UserAgent())
	}

	tuned := false
	_, diags = configurePlatform(ctx, m, noEnv, "1.2.3", func(o *platform.Options) { tuned = o.Token == "tok_abc" })
	if diags.HasError() || !tuned {
		t.Errorf("the test hook did not see the options: %v", diags)
	}

	const secret = "tok_never_printed"
	insecure := &platformModel{URL: types.StringValue("http://platform.example.com/api/v1"), Token: types.StringValue(secret)}
	_, diags = configurePlatform(ctx, insecure, noEnv, "1.2.3", nil)
	if !diags.HasError() || diags.Errors()[0].Summary() != "Invalid LakeSail Platform URL" {
		t.Fatalf("plain http to a remote host: want an error, got %v", diags)
	}
	if detail := diags.Errors()[0].Detail(); strings.Contains(detail, secret) || !strings.Contains(detail, "https") || !strings.Contains(detail, "platform.url") {
		t.Errorf("detail must name platform.url, explain https and never show the token: %s", detail)
	}
	if withPath, ok := diags.Errors()[0].(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("platform").AtName("url")) {
		t.Errorf("a URL from the block must be reported on platform.url: %v", diags.Errors()[0])
	}

	// The same URL from the environment is named by its variable.
	fromEnv := func(name string) string {
		return map[string]string{envPlatformURL: "http://platform.example.com/api/v1", envPlatformToken: secret}[name]
	}
	_, diags = configurePlatform(ctx, nil, fromEnv, "1.2.3", nil)
	if !diags.HasError() || diags.Errors()[0].Summary() != "Invalid LakeSail Platform URL" ||
		!strings.Contains(diags.Errors()[0].Detail(), envPlatformURL) || strings.Contains(diags.Errors()[0].Detail(), secret) {
		t.Fatalf("plain http from %s: want an error naming it, got %v", envPlatformURL, diags)
	}
}

func TestUnitPlatformModelKnown(t *testing.T) {
	var absent *platformModel
	if !absent.known() {
		t.Error("an absent block is known")
	}
	if (&platformModel{URL: types.StringNull(), Token: types.StringUnknown()}).known() {
		t.Error("a token from another resource is not known yet")
	}
}

func TestUnitPlatformLogFields(t *testing.T) {
	fields := platformLogFields([]any{"operation", "GetConnection", "attempt", 2, 7, "seven", "dangling"})
	want := map[string]any{"component": platformLogComponent, "operation": "GetConnection", "attempt": 2, "7": "seven", "extra": "dangling"}
	if len(fields) != len(want) {
		t.Fatalf("got %v, want %v", fields, want)
	}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("%s = %v, want %v", k, fields[k], v)
		}
	}
}
