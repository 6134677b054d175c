package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

// Environment variables the platform block falls back to, attribute by attribute.
const (
	envPlatformURL   = "LAKESAIL_PLATFORM_URL"
	envPlatformToken = "LAKESAIL_TOKEN"
)

// platformProductName leads the User-Agent of platform calls, so LakeSail's logs say which tool made them.
const platformProductName = "terraform-provider-lakesail"

// platformModel is the provider's optional platform block.
type platformModel struct {
	URL   types.String `tfsdk:"url"`
	Token types.String `tfsdk:"token"`
}

func platformBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "LakeSail platform API access. When a token is set here or in `" + envPlatformToken + "`, " +
			"`lakesail_connection`, `lakesail_network` and `lakesail_workspace` register themselves with LakeSail once " +
			"their AWS side is built (so LakeSail's console shows them) and deregister on destroy, and the " +
			"`lakesail_connections` data source can list the organisation's connections. Without a token nothing calls " +
			"the platform.\n\n" +
			"A plan that creates or updates any of these resources first asks the platform, once per provider " +
			"configuration, whether it accepts the token. A token it refuses (HTTP 401 or 403) or a URL that certainly " +
			"does not reach its API (a host name that does not exist, nothing listening on a loopback port, an answer " +
			"that is not the API) fails the plan, before anything changes in AWS. A platform that is down or slow does " +
			"not: the plan warns, apply builds in AWS and records what it could not register, and the next apply " +
			"registers it.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{platformURLValidator{}},
				MarkdownDescription: "Base URL of the platform API. Falls back to `" + envPlatformURL + "`, then `" +
					platform.DefaultBaseURL + "`. It must use `https://`, since every request carries the token; `http://` " +
					"is accepted only for a loopback address (`127.0.0.0/8`, `::1`, `localhost`), such as a local test " +
					"server. The same rule applies to `" + envPlatformURL + "`.",
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "API token (a service-account API key), sent as a Bearer token. Falls back to `" +
					envPlatformToken + "`; prefer the environment variable to a token in configuration. A token the " +
					"platform refuses fails the plan (see above).",
			},
		},
	}
}

// platformURLRule says what a platform URL must be, for diagnostics.
const platformURLRule = "Every platform request carries the API token, so the URL must use https://; plain http:// is " +
	"accepted only for a loopback address (127.0.0.0/8, ::1, localhost), such as a local test server."

// platformURLValidator checks platform.url as the platform client will: https, or http to a
// loopback host, with a host and no user information, query or fragment.
type platformURLValidator struct{}

var _ validator.String = platformURLValidator{}

func (platformURLValidator) Description(context.Context) string {
	return "must be an https:// URL (http:// only for a loopback address)"
}

func (v platformURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (platformURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := strings.TrimSpace(req.ConfigValue.ValueString())
	if raw == "" {
		return // blank falls back to the environment, then the default
	}
	if err := platform.ValidateBaseURL(raw); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid LakeSail Platform URL", invalidPlatformURLDetail("platform.url", err))
	}
}

func invalidPlatformURLDetail(source string, err error) string {
	return "The platform URL set in " + source + " cannot be used: " + strings.TrimPrefix(err.Error(), "platform: ") +
		".\n\n" + platformURLRule + " Correct " + source + ", or unset it to use " + platform.DefaultBaseURL + "."
}

// known reports whether Configure can read the block; a nil block (absent) is known.
func (m *platformModel) known() bool {
	return m == nil || (!m.URL.IsUnknown() && !m.Token.IsUnknown())
}

// platformSettings is the platform configuration after the environment fallbacks.
type platformSettings struct {
	baseURL string // empty means platform.DefaultBaseURL
	token   platform.Token
	sources platformSources
}

// platformSources name where each setting came from, for diagnostics that say what to change.
type platformSources struct {
	url   string // "platform.url", envPlatformURL, or "" for the default
	token string // "platform.token" or envPlatformToken
}

// sourceOf names the setting a value came from: the block's attribute when set there.
func sourceOf(blockValue, attribute, envName string) string {
	if strings.TrimSpace(blockValue) != "" {
		return "platform." + attribute
	}
	return envName
}

// urlSetting names the URL's setting for a diagnostic.
func (s platformSources) urlSetting() string {
	if s.url == "" {
		return "the default URL (neither platform.url nor " + envPlatformURL + " is set)"
	}
	return s.url
}

// tokenSetting names the token's setting for a diagnostic.
func (s platformSources) tokenSetting() string {
	if s.token == "" {
		return "platform.token or " + envPlatformToken
	}
	return s.token
}

// expandPlatformSettings merges the block with the environment, a value in the block winning.
// configured is false when no token is set anywhere: the platform is then left alone entirely.
func expandPlatformSettings(m *platformModel, getenv func(string) string) (settings platformSettings, configured bool, diags diag.Diagnostics) {
	var blockURL, blockToken string
	if m != nil {
		blockURL, blockToken = m.URL.ValueString(), m.Token.ValueString()
	}
	settings.baseURL = firstNonBlank(blockURL, getenv(envPlatformURL))
	settings.token = platform.Token(firstNonBlank(blockToken, getenv(envPlatformToken)))
	if settings.baseURL != "" {
		settings.sources.url = sourceOf(blockURL, "url", envPlatformURL)
		if err := platform.ValidateBaseURL(settings.baseURL); err != nil {
			addInvalidPlatformURL(&diags, settings.sources.url, err)
		}
	}
	if settings.token != "" {
		settings.sources.token = sourceOf(blockToken, "token", envPlatformToken)
		return settings, true, diags
	}
	if settings.baseURL != "" {
		diags.AddAttributeError(path.Root("platform").AtName("token"), "Missing LakeSail Platform Token",
			"A platform URL is set (in the platform block or "+envPlatformURL+") but no token. Set platform.token or "+
				envPlatformToken+" to a LakeSail API key, or remove the URL to use the provider without the platform.")
	}
	return settings, false, diags
}

// addInvalidPlatformURL reports a URL the client would refuse, on the attribute when it came from
// the block (the schema's validator normally catches that first) and by name from the environment.
func addInvalidPlatformURL(diags *diag.Diagnostics, source string, err error) {
	if source == envPlatformURL {
		diags.AddError("Invalid LakeSail Platform URL", invalidPlatformURLDetail(envPlatformURL, err))
		return
	}
	diags.AddAttributeError(path.Root("platform").AtName("url"), "Invalid LakeSail Platform URL", invalidPlatformURLDetail(source, err))
}

// configurePlatform builds the platform client, or returns nil when no token is configured.
// tune lets tests shorten the retry policy; it is nil in production.
func configurePlatform(ctx context.Context, m *platformModel, getenv func(string) string, version string, tune func(*platform.Options)) (*platform.Client, diag.Diagnostics) {
	settings, configured, diags := expandPlatformSettings(m, getenv)
	if !configured || diags.HasError() {
		if !diags.HasError() {
			tflog.Debug(ctx, "no LakeSail platform token configured; the platform will not be called")
		}
		return nil, diags
	}
	opts := platform.Options{
		BaseURL:        settings.baseURL,
		Token:          settings.token,
		ProductName:    platformProductName,
		ProductVersion: version,
		Logger:         tflogPlatformLogger{},
	}
	if tune != nil {
		tune(&opts)
	}
	client, err := platform.New(opts)
	if err != nil {
		// The client's errors never contain the token.
		diags.AddAttributeError(path.Root("platform").AtName("url"), "Invalid LakeSail Platform Configuration",
			"Check "+settings.sources.urlSetting()+" and "+settings.sources.tokenSetting()+".\n\n"+err.Error())
		return nil, diags
	}
	trackPlatformCheck(client, settings.sources)
	tflog.Info(ctx, "LakeSail platform configured", map[string]any{"platform_url": client.BaseURL()})
	return client, diags
}

func firstNonBlank(values ...string) string {
	for _, v := range values {
		if trimmed := strings.TrimSpace(v); trimmed != "" {
			return trimmed
		}
	}
	return ""
}

// The plan-time access check. It runs from ModifyPlan of the resources that register (connection,
// network, workspace) rather than from Configure: Configure also runs for commands that never
// register anything (import, refresh-only plans, destroy, configurations with only data sources),
// and a network call there would make each of them depend on the platform. It runs at most once
// per provider configuration, however many resources plan, and whatever it finds: the client that
// Configure built for the configuration keys it.

// platformChecks holds the access check of every client configurePlatform built. The key is weak
// so that an entry goes with its client.
var platformChecks sync.Map // weak.Pointer[platform.Client] -> *platformCheck

// platformCheck is the access check of one provider configuration.
type platformCheck struct {
	sources platformSources
	mu      sync.Mutex // held while checking, so concurrent plans wait for the one answer
	done    bool
}

// trackPlatformCheck records where client's settings came from, for its check's diagnostics.
func trackPlatformCheck(client *platform.Client, sources platformSources) {
	platformCheckFor(client, sources)
}

// platformCheckFor returns client's check, creating it with sources when there is none yet.
func platformCheckFor(client *platform.Client, sources platformSources) *platformCheck {
	key := weak.Make(client)
	if existing, ok := platformChecks.Load(key); ok {
		return existing.(*platformCheck)
	}
	check, loaded := platformChecks.LoadOrStore(key, &platformCheck{sources: sources})
	if !loaded {
		runtime.AddCleanup(client, func(key weak.Pointer[platform.Client]) { platformChecks.Delete(key) }, key)
	}
	return check.(*platformCheck)
}

// checkPlatformAccess fails the plan when the platform refuses the token or the URL certainly
// does not reach its API, and warns when the platform cannot answer now. Only the first call for
// a provider configuration asks the platform and reports; later ones return at once.
func (d *providerData) checkPlatformAccess(ctx context.Context, diags *diag.Diagnostics) {
	if d == nil || d.platform == nil {
		return
	}
	check := platformCheckFor(d.platform, platformSources{})
	check.mu.Lock()
	defer check.mu.Unlock()
	if check.done {
		return
	}
	check.done = true
	ctx, cancel := context.WithTimeout(ctx, planTimePlatformCheck)
	defer cancel()
	err := d.platform.CheckAccess(ctx)
	if err == nil {
		tflog.Debug(ctx, "the LakeSail platform accepts the token", map[string]any{"platform_url": d.platform.BaseURL()})
		return
	}
	addPlatformAccessProblem(diags, check.sources, d.platform.BaseURL(), err)
}

// addPlatformAccessProblem turns a failed access check into an error that names the setting to
// change, or, for an outage, a warning that the plan goes ahead.
func addPlatformAccessProblem(diags *diag.Diagnostics, sources platformSources, baseURL string, err error) {
	var accessErr *platform.AccessError
	problem := platform.AccessUnavailable
	if errors.As(err, &accessErr) {
		problem = accessErr.Problem
	}
	const nothingChanged = "The plan stops here, before anything changes in AWS: apply could build the objects but " +
		"never register them with LakeSail."
	token, url := sources.tokenSetting(), sources.urlSetting()
	switch problem {
	case platform.AccessTokenRefused:
		diags.AddError("LakeSail Platform Refused the Token",
			fmt.Sprintf("The LakeSail platform at %s answered HTTP 401 to the token set in %s: it is wrong, expired or "+
				"revoked. %s\n\nSet %s to a valid LakeSail API key (a service-account key), or remove the token to use the "+
				"provider without the platform.\n\n%s", baseURL, token, nothingChanged, token, err))
	case platform.AccessTokenForbidden:
		diags.AddError("LakeSail Platform Token Lacks Permission",
			fmt.Sprintf("The LakeSail platform at %s accepted the token set in %s but refused it access to cloud "+
				"connections (HTTP 403). %s\n\nSet %s to the API key of a service account allowed to manage cloud "+
				"connections, networks and clusters.\n\n%s", baseURL, token, nothingChanged, token, err))
	case platform.AccessWrongURL:
		diags.AddError("Cannot Reach the LakeSail Platform API",
			fmt.Sprintf("The platform URL %s, from %s, does not reach LakeSail's platform API: %s. %s\n\nSet %s to the "+
				"API's base URL (LakeSail's is %s), or unset it to use that one.\n\n%s",
				baseURL, url, wrongURLReason(err), nothingChanged, urlSettingToChange(sources), platform.DefaultBaseURL, err))
	default:
		diags.AddWarning("Cannot Check the LakeSail Platform Token",
			fmt.Sprintf("The LakeSail platform at %s could not be asked whether it accepts the token, so the plan goes "+
				"ahead. Apply builds in AWS; whatever it cannot register is kept in state as %q, and the next apply "+
				"registers it.\n\n%s%s", baseURL, platformStatusUnregistered, platformErrorHint(err), err))
	}
}

// wrongURLReason says in a few words why the URL cannot be the API's.
func wrongURLReason(err error) string {
	var apiErr *platform.APIError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 300 && apiErr.StatusCode <= 399:
		return fmt.Sprintf("it redirects (HTTP %d), and the API is never behind a redirect", apiErr.StatusCode)
	case errors.As(err, &apiErr):
		return fmt.Sprintf("what answers there has no collection of connections (HTTP %d)", apiErr.StatusCode)
	case errors.As(err, &dnsErr):
		return "the host name does not exist"
	default:
		return "nothing listens on that address of this machine"
	}
}

// urlSettingToChange names the URL setting to change; with the default URL, the block's.
func urlSettingToChange(sources platformSources) string {
	if sources.url == "" {
		return "platform.url (or " + envPlatformURL + ")"
	}
	return sources.url
}
