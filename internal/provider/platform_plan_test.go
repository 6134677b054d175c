package provider

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// The plan-time platform check: a refused token or a URL that cannot be the API's fails the plan
// before anything is created in AWS; an outage does not (TestAccConnectionPlatform_outage).

// twoConnectionsConfig is two connections, so a test can see one check serve both.
func twoConnectionsConfig(id, secondID string) string {
	second := strings.Replace(connectionConfig(secondID, ""), `"lakesail_connection" "test"`, `"lakesail_connection" "second"`, 1)
	return connectionConfig(id, "") + second
}

// secondConnectionID is another id for the same test.
func secondConnectionID(id string) string {
	if id[0] == 'Z' {
		return "Y" + id[1:]
	}
	return "Z" + id[1:]
}

// TestAccPlatformPlan_wrongToken: a token the platform refuses fails `terraform plan` with a
// diagnostic naming platform.token; the platform is asked once for both connections, and nothing
// is created in AWS or registered.
func TestAccPlatformPlan_wrongToken(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	secondID := secondConnectionID(id)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		Steps: []resource.TestStep{{
			Config:      target.configWith(fake.providerBlockWithToken("lsk_wrong_token"), twoConnectionsConfig(id, secondID)),
			ExpectError: regexp.MustCompile(`(?s)LakeSail Platform Refused the Token.*HTTP 401.*platform\.token`),
		}},
	})
	target.assertNothingBuilt(t, id, secondID)
	fake.assertNothingRegistered(t)
	if n := fake.accessChecks(); n != 1 {
		t.Errorf("the platform was asked %d times for one plan of two connections; want once per provider configuration", n)
	}
}

// TestAccPlatformPlan_wrongTokenFromEnvironment: the diagnostic names LAKESAIL_TOKEN when the
// token came from there.
func TestAccPlatformPlan_wrongTokenFromEnvironment(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	t.Setenv(envPlatformURL, fake.URL())
	t.Setenv(envPlatformToken, "lsk_wrong_token")
	id := accConnectionID(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		Steps: []resource.TestStep{{
			Config:      target.configWith("  platform {}\n", connectionConfig(id, "")),
			ExpectError: regexp.MustCompile(`(?s)LakeSail Platform Refused the Token.*` + envPlatformToken),
		}},
	})
	target.assertNothingBuilt(t, id)
	fake.assertNothingRegistered(t)
}

// TestAccPlatformPlan_insecureURL: an http:// URL to a host other than this machine fails at
// validation, from the block (on the attribute) and from LAKESAIL_PLATFORM_URL (by name), and the
// platform is never called.
func TestAccPlatformPlan_insecureURL(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	insecure := "http://platform.example.com/api/v1"
	inBlock := fmt.Sprintf("  platform {\n    url   = %q\n    token = %q\n  }\n", insecure, fakePlatformToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		Steps: []resource.TestStep{
			{
				Config:      target.configWith(inBlock, connectionConfig(id, "")),
				ExpectError: regexp.MustCompile(`(?s)Invalid LakeSail Platform URL.*platform\.url.*uses http`),
			},
			{
				PreConfig: func() {
					t.Setenv(envPlatformURL, insecure)
					t.Setenv(envPlatformToken, fakePlatformToken)
				},
				Config:      target.configWith("  platform {}\n", connectionConfig(id, "")),
				ExpectError: regexp.MustCompile(`(?s)Invalid LakeSail Platform URL.*` + envPlatformURL + `.*uses http`),
			},
		},
	})
	target.assertNothingBuilt(t, id)
}

// TestAccPlatformPlan_unreachableURL: nothing listening on the loopback port the URL names is
// certain to be the configuration: the plan fails naming platform.url.
func TestAccPlatformPlan_unreachableURL(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	block := fmt.Sprintf("  platform {\n    url   = %q\n    token = %q\n  }\n", closedLoopbackURL(t), fakePlatformToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		Steps: []resource.TestStep{{
			Config:      target.configWith(block, connectionConfig(id, "")),
			ExpectError: regexp.MustCompile(`(?s)Cannot Reach the LakeSail Platform API.*platform\.url.*nothing listens`),
		}},
	})
	target.assertNothingBuilt(t, id)
}

// closedLoopbackURL is a platform URL on a loopback port nothing listens on.
func closedLoopbackURL(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + listener.Addr().String() + "/api/v1"
	_ = listener.Close()
	return url
}

// assertNothingBuilt checks AWS after a failed plan: no connection role, and (against the
// emulator) no call other than a read.
func (a *accTarget) assertNothingBuilt(t *testing.T, connectionIDs ...string) {
	t.Helper()
	for _, id := range connectionIDs {
		if err := a.checkConnectionDestroyed(id)(nil); err != nil {
			t.Errorf("after a failed plan: %v", err)
		}
	}
	if a.emu == nil {
		return
	}
	for _, call := range a.emu.Calls() {
		if !isReadOperation(call.Operation) {
			t.Errorf("after a failed plan the emulator saw %s:%s by %s on %v", call.Service, call.Operation, call.Principal, call.Resources)
		}
	}
	for _, id := range connectionIDs {
		role := connpolicy.DefaultRoleName(id)
		for _, call := range a.emu.Calls() {
			if strings.Contains(strings.Join(call.Resources, " "), role) && call.Operation != "GetRole" {
				t.Errorf("after a failed plan the emulator saw %s:%s on the role %s", call.Service, call.Operation, role)
			}
		}
	}
}

// isReadOperation reports an AWS operation that changes nothing.
func isReadOperation(operation string) bool {
	for _, prefix := range []string{"Get", "List", "Describe", "Head"} {
		if strings.HasPrefix(operation, prefix) {
			return true
		}
	}
	return false
}

// assertNothingRegistered checks the fake received no write.
func (f *fakePlatform) assertNothingRegistered(t *testing.T) {
	t.Helper()
	for _, r := range f.log() {
		if r.Method != http.MethodGet {
			t.Errorf("after a failed plan the platform received %s %s", r.Method, r.Path)
		}
	}
}

// TestUnitPlatformPlanCheckOncePerConfiguration: many resources planning at once share one
// request and one diagnostic; another provider configuration asks again.
func TestUnitPlatformPlanCheckOncePerConfiguration(t *testing.T) {
	fake := newFakePlatform(t)
	configure := func(token string) *providerData {
		t.Helper()
		block := &platformModel{URL: types.StringValue(fake.URL()), Token: types.StringValue(token)}
		client, diags := configurePlatform(context.Background(), block, func(string) string { return "" }, "test", fastPlatformRetries)
		if diags.HasError() {
			t.Fatal(diags)
		}
		return &providerData{platform: client}
	}
	planAll := func(data *providerData) diag.Diagnostics {
		var mu sync.Mutex
		var all diag.Diagnostics
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				var diags diag.Diagnostics
				data.checkPlatformAccess(context.Background(), &diags)
				mu.Lock()
				defer mu.Unlock()
				all.Append(diags...)
			})
		}
		wg.Wait()
		return all
	}

	if diags := planAll(configure(fakePlatformToken)); len(diags) != 0 || fake.accessChecks() != 1 {
		t.Fatalf("a good token: %d checks, diagnostics %v; want one check and none", fake.accessChecks(), diags)
	}
	diags := planAll(configure("lsk_wrong"))
	if fake.accessChecks() != 2 || len(diags) != 1 || diags.ErrorsCount() != 1 {
		t.Fatalf("a wrong token in a second configuration: %d checks in all, diagnostics %v; want one more check and one error", fake.accessChecks(), diags)
	}
	if detail := diags[0].Detail(); !strings.Contains(detail, "platform.token") || strings.Contains(detail, "lsk_wrong") {
		t.Errorf("the error must name platform.token and never the token: %s", detail)
	}
	var none *providerData
	none.checkPlatformAccess(context.Background(), &diags) // no provider data yet: nothing to check
	(&providerData{}).checkPlatformAccess(context.Background(), &diags)
	if fake.accessChecks() != 2 {
		t.Error("a provider without a platform asked it")
	}
}

// TestUnitPlatformPlanDiagnostics: what each answer of the platform does to the plan, and which
// setting the diagnostic names.
func TestUnitPlatformPlanDiagnostics(t *testing.T) {
	fake := newFakePlatform(t)
	cases := []struct {
		name     string
		url      string
		env      map[string]string
		token    string
		setup    func()
		summary  string
		severity diag.Severity
		names    []string
	}{
		{name: "accepted", url: fake.URL(), token: fakePlatformToken},
		{name: "refused, from the block", url: fake.URL(), token: "lsk_wrong", summary: "LakeSail Platform Refused the Token",
			severity: diag.SeverityError, names: []string{"platform.token", "HTTP 401", fake.URL()}},
		{name: "refused, from the environment", env: map[string]string{envPlatformURL: fake.URL(), envPlatformToken: "lsk_wrong"},
			summary: "LakeSail Platform Refused the Token", severity: diag.SeverityError, names: []string{envPlatformToken}},
		{name: "forbidden", url: fake.URL(), token: fakePlatformToken,
			setup:   func() { fake.setForbidden(func(*http.Request) bool { return true }) },
			summary: "LakeSail Platform Token Lacks Permission", severity: diag.SeverityError, names: []string{"platform.token", "HTTP 403"}},
		{name: "outage", url: fake.URL(), token: fakePlatformToken,
			setup:   func() { fake.setOutage(true) },
			summary: "Cannot Check the LakeSail Platform Token", severity: diag.SeverityWarning, names: []string{"next apply registers it", "HTTP 503"}},
		{name: "not the API", url: fake.server.URL + "/elsewhere", token: fakePlatformToken,
			summary: "Cannot Reach the LakeSail Platform API", severity: diag.SeverityError, names: []string{"platform.url", "HTTP 404"}},
		{name: "nothing listening, from the environment", env: map[string]string{envPlatformURL: closedLoopbackURL(t)}, token: fakePlatformToken,
			summary: "Cannot Reach the LakeSail Platform API", severity: diag.SeverityError, names: []string{envPlatformURL, "nothing listens"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake.setForbidden(nil)
			fake.setOutage(false)
			if tc.setup != nil {
				tc.setup()
			}
			block := &platformModel{URL: types.StringNull(), Token: types.StringNull()}
			if tc.url != "" {
				block.URL = types.StringValue(tc.url)
			}
			if tc.token != "" {
				block.Token = types.StringValue(tc.token)
			}
			client, diags := configurePlatform(context.Background(), block, func(name string) string { return tc.env[name] }, "test", fastPlatformRetries)
			if diags.HasError() {
				t.Fatal(diags)
			}
			(&providerData{platform: client}).checkPlatformAccess(context.Background(), &diags)
			if tc.summary == "" {
				if len(diags) != 0 {
					t.Fatalf("want no diagnostics, got %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary() != tc.summary || diags[0].Severity() != tc.severity {
				t.Fatalf("want one %v %q, got %v", tc.severity, tc.summary, diags)
			}
			for _, name := range tc.names {
				if !strings.Contains(diags[0].Detail(), name) {
					t.Errorf("the detail does not mention %q: %s", name, diags[0].Detail())
				}
			}
			if strings.Contains(diags[0].Detail(), "lsk_wrong") || strings.Contains(diags[0].Detail(), fakePlatformToken) {
				t.Errorf("the detail shows the token: %s", diags[0].Detail())
			}
		})
	}
	fake.setForbidden(nil)
	fake.setOutage(false)
}

// TestUnitPlatformURLValidator: https anywhere, http only to this machine, and the diagnostic is
// on the attribute.
func TestUnitPlatformURLValidator(t *testing.T) {
	cases := map[string]bool{
		"https://platform.lakesail.com/api/v1":             true,
		"https://10.0.0.8:8443/api/v1":                     true,
		"http://127.0.0.1:8080/api/v1":                     true,
		"http://127.10.0.1/api/v1":                         true,
		"http://[::1]:8080/api/v1":                         true,
		"http://localhost:8080/api/v1":                     true,
		"":                                                 true, // blank: the environment, then the default
		"http://platform.lakesail.com/api/v1":              false,
		"http://10.0.0.8/api/v1":                           false,
		"http://128.0.0.1/api/v1":                          false,
		"http://localhost.example.com/api/v1":              false,
		"ftp://platform.lakesail.com":                      false,
		"platform.lakesail.com/api/v1":                     false,
		"https://user:secret@platform.lakesail.com/api/v1": false,
		"https://platform.lakesail.com/api/v1?token=x":     false,
	}
	attribute := path.Root("platform").AtName("url")
	for raw, valid := range cases {
		resp := &validator.StringResponse{}
		platformURLValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: attribute, ConfigValue: types.StringValue(raw)}, resp)
		if resp.Diagnostics.HasError() == valid {
			t.Errorf("%q: valid=%v, diagnostics %v", raw, valid, resp.Diagnostics)
			continue
		}
		if valid {
			continue
		}
		d := resp.Diagnostics.Errors()[0]
		if withPath, ok := d.(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(attribute) {
			t.Errorf("%q: the error is not on platform.url: %v", raw, d)
		}
		if strings.Contains(d.Detail(), "secret") {
			t.Errorf("%q: the detail echoes user information: %s", raw, d.Detail())
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		platformURLValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: attribute, ConfigValue: v}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: %v", v, resp.Diagnostics)
		}
	}
}
