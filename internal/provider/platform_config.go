package provider

import (
	"context"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
			"`lakesail_connection` registers itself with LakeSail after its role is verified (so LakeSail's console shows it " +
			"as connected) and deregisters on destroy, and the `lakesail_connections` data source can list the organisation's " +
			"connections. Without a token nothing calls the platform.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^https?://`),
					"must be an https:// URL (http:// only for a loopback address)")},
				MarkdownDescription: "Base URL of the platform API. Falls back to `" + envPlatformURL + "`, then `" +
					platform.DefaultBaseURL + "`.",
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "API token (a service-account API key), sent as a Bearer token. Falls back to `" +
					envPlatformToken + "`; prefer the environment variable to a token in configuration.",
			},
		},
	}
}

// known reports whether Configure can read the block; a nil block (absent) is known.
func (m *platformModel) known() bool {
	return m == nil || (!m.URL.IsUnknown() && !m.Token.IsUnknown())
}

// platformSettings is the platform configuration after the environment fallbacks.
type platformSettings struct {
	baseURL string // empty means platform.DefaultBaseURL
	token   platform.Token
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
	if settings.token != "" {
		return settings, true, diags
	}
	if settings.baseURL != "" {
		diags.AddAttributeError(path.Root("platform").AtName("token"), "Missing LakeSail Platform Token",
			"A platform URL is set (in the platform block or "+envPlatformURL+") but no token. Set platform.token or "+
				envPlatformToken+" to a LakeSail API key, or remove the URL to use the provider without the platform.")
	}
	return settings, false, diags
}

// configurePlatform builds the platform client, or returns nil when no token is configured.
// tune lets tests shorten the retry policy; it is nil in production.
func configurePlatform(ctx context.Context, m *platformModel, getenv func(string) string, version string, tune func(*platform.Options)) (*platform.Client, diag.Diagnostics) {
	settings, configured, diags := expandPlatformSettings(m, getenv)
	if !configured || diags.HasError() {
		tflog.Debug(ctx, "no LakeSail platform token configured; the platform will not be called")
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
			"Check platform.url and platform.token (or "+envPlatformURL+" and "+envPlatformToken+").\n\n"+err.Error())
		return nil, diags
	}
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
