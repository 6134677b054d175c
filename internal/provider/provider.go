// Package provider adapts the lakesail library to Terraform: schemas, validators, plan
// modifiers, conversions between plan/state and library structs, and diagnostics. It makes no
// AWS SDK service calls itself.
package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/lakehq/lakesail"

// lakesailProvider is the provider implementation; version is set at build time.
type lakesailProvider struct {
	version string
	// tunePlatform adjusts the platform client's options; tests use it to shrink retries.
	tunePlatform func(*platform.Options)
	// tuneLibrary adjusts the library client's options; tests use it to shorten the waits
	// (WaitMinDelay, WaitMaxDelay) against the emulator, where transitions take milliseconds.
	tuneLibrary func(*lakesail.Options)
}

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client      *lakesail.Client
	defaultTags map[string]string
	version     string
	// platform is the LakeSail platform API client, nil when no platform token is configured.
	platform *platform.Client
}

var _ provider.Provider = (*lakesailProvider)(nil)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &lakesailProvider{version: version} }
}

func (p *lakesailProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "lakesail"
	resp.Version = p.version
}

func (p *lakesailProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func (p *lakesailProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !config.complete() {
		// Values that are unknown until apply (e.g. a role ARN from another resource): Terraform
		// calls Configure again once they are known.
		tflog.Debug(ctx, "provider configuration has unknown values; deferring AWS configuration")
		return
	}
	client, diags := configureClient(ctx, config, p.version, p.tuneLibrary)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	platformClient, diags := configurePlatform(ctx, config.Platform, os.Getenv, p.version, p.tunePlatform)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{client: client, defaultTags: config.defaultTags(), version: p.version, platform: platformClient}
	resp.DataSourceData = data
	resp.ResourceData = data
}

func (p *lakesailProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newConnectionResource,
		newWorkspaceResource,
		newNetworkResource,
	}
}

func (p *lakesailProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newCallerIdentityDataSource,
		newCloudFormationTemplateDataSource,
		newConnectionPoliciesDataSource,
		newConnectionsDataSource,
	}
}
