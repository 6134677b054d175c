package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type callerIdentityDataSource struct {
	data *providerData
}

type callerIdentityModel struct {
	ID           types.String `tfsdk:"id"`
	AccountID    types.String `tfsdk:"account_id"`
	ARN          types.String `tfsdk:"arn"`
	UserID       types.String `tfsdk:"user_id"`
	PrincipalARN types.String `tfsdk:"principal_arn"`
	Partition    types.String `tfsdk:"partition"`
	Region       types.String `tfsdk:"region"`
}

func newCallerIdentityDataSource() datasource.DataSource { return &callerIdentityDataSource{} }

func (d *callerIdentityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_caller_identity"
}

func (d *callerIdentityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who the provider acts as in AWS. `principal_arn` is the principal a connection role's trust " +
			"policy names for whoever runs Terraform (the role, not the session, when the provider works through an assumed role).",
		Attributes: map[string]schema.Attribute{
			"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "The account id."},
			"account_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "AWS account id of the provider's credentials."},
			"arn":           schema.StringAttribute{Computed: true, MarkdownDescription: "ARN of the caller as STS reports it."},
			"user_id":       schema.StringAttribute{Computed: true, MarkdownDescription: "Unique id of the caller."},
			"principal_arn": schema.StringAttribute{Computed: true, MarkdownDescription: "IAM principal ARN to trust for this caller."},
			"partition":     schema.StringAttribute{Computed: true, MarkdownDescription: "AWS partition (`aws`, `aws-cn`, `aws-us-gov`)."},
			"region":        schema.StringAttribute{Computed: true, MarkdownDescription: "Region the provider works in."},
		},
	}
}

func (d *callerIdentityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *callerIdentityDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	identity, err := d.data.client.CallerIdentity(ctx)
	if err != nil {
		addAWSError(&resp.Diagnostics, "Cannot Read Caller Identity", err)
		return
	}
	state := callerIdentityModel{
		ID:           types.StringValue(identity.AccountID),
		AccountID:    types.StringValue(identity.AccountID),
		ARN:          types.StringValue(identity.ARN),
		UserID:       types.StringValue(identity.UserID),
		PrincipalARN: types.StringValue(identity.PrincipalARN),
		Partition:    types.StringValue(d.data.client.Partition()),
		Region:       types.StringValue(d.data.client.Region()),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
