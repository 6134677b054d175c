package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

type connectionsDataSource struct {
	data *providerData
}

type connectionsModel struct {
	Connections []platformConnectionModel `tfsdk:"connections"`
}

// platformConnectionModel is one connection as the platform lists it.
type platformConnectionModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	Provider      types.String `tfsdk:"provider"`
	AccountID     types.String `tfsdk:"account_id"`
	Region        types.String `tfsdk:"region"`
	RoleARN       types.String `tfsdk:"role_arn"`
	Status        types.String `tfsdk:"status"`
	StatusMessage types.String `tfsdk:"status_message"`
}

func newConnectionsDataSource() datasource.DataSource { return &connectionsDataSource{} }

func (d *connectionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connections"
}

func (d *connectionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	field := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every cloud connection of your LakeSail organisation, as the LakeSail platform lists them " +
			"(all pages), including connections made with LakeSail's CloudFormation stack or console. Needs the provider's " +
			"platform token (the `platform` block or `" + envPlatformToken + "`).",
		Attributes: map[string]schema.Attribute{
			"connections": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The connections, in the order the platform lists them.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":             field("Connection id (10 upper-case letters or digits)."),
						"name":           field("Name shown in LakeSail's console."),
						"provider":       field("Cloud provider, e.g. `aws`."),
						"account_id":     field("Cloud account id."),
						"region":         field("Home region of the connection."),
						"role_arn":       field("ARN of the role LakeSail assumes."),
						"status":         field("Status on the platform, e.g. `active`, `disconnected`, `failed`."),
						"status_message": field("The platform's explanation of `status`."),
					},
				},
			},
		},
	}
}

func (d *connectionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) || !requirePlatform(d.data, "lakesail_connections", &resp.Diagnostics) {
		return
	}
	connections, err := d.data.platform.ListConnections(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot List LakeSail Connections", platformErrorHint(err)+err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &connectionsModel{Connections: flattenPlatformConnections(connections)})...)
}

// flattenPlatformConnections converts the platform's connections, keeping their order; an
// empty list stays an empty list, not null.
func flattenPlatformConnections(in []platform.Connection) []platformConnectionModel {
	out := make([]platformConnectionModel, 0, len(in))
	for _, c := range in {
		out = append(out, platformConnectionModel{
			ID:            types.StringValue(c.ID),
			Name:          types.StringValue(c.Name),
			Provider:      types.StringValue(c.Provider),
			AccountID:     types.StringValue(c.ProviderConfig.AccountID),
			Region:        types.StringValue(c.ProviderConfig.Region),
			RoleARN:       types.StringValue(c.ProviderConfig.RoleARN),
			Status:        types.StringValue(c.Status),
			StatusMessage: types.StringValue(c.StatusMessage),
		})
	}
	return out
}

// requirePlatform reports an error when what needs the platform runs without a platform token.
func requirePlatform(data *providerData, what string, diags *diag.Diagnostics) bool {
	if data.platform != nil {
		return true
	}
	diags.AddError("LakeSail Platform Not Configured",
		what+" reads from the LakeSail platform API, and the provider has no platform token. Set token in the provider's "+
			"platform block, or the "+envPlatformToken+" environment variable (and "+envPlatformURL+" for a non-default API URL).")
	return false
}
