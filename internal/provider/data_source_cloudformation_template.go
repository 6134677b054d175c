package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

type cloudFormationTemplateDataSource struct{}

type cloudFormationTemplateModel struct {
	ID                types.String `tfsdk:"id"`
	ConnectionID      types.String `tfsdk:"connection_id"`
	TenantID          types.String `tfsdk:"tenant_id"`
	LakeSailPrincipal types.String `tfsdk:"lakesail_principal"`
	CallbackURL       types.String `tfsdk:"callback_url"`
	RoleName          types.String `tfsdk:"role_name"`
	RolePath          types.String `tfsdk:"role_path"`
	Indent            types.Bool   `tfsdk:"indent"`
	TemplateBody      types.String `tfsdk:"template_body"`
}

func newCloudFormationTemplateDataSource() datasource.DataSource {
	return &cloudFormationTemplateDataSource{}
}

func (d *cloudFormationTemplateDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cloudformation_template"
}

func (d *cloudFormationTemplateDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The CloudFormation template that connects an account to LakeSail without Terraform managing the " +
			"role: the role, both boundaries, the explicit deny, the managed policies, the callback role and the lifecycle " +
			"Lambda that notifies LakeSail (signing its HTTPS call with HMAC-SHA256 keyed on the external ID). Its IAM " +
			"documents are the ones `lakesail_connection` creates. The external ID is a `NoEcho` parameter the person " +
			"deploying the stack enters; it is never part of the template.",
		Attributes: map[string]schema.Attribute{
			"id":                 schema.StringAttribute{Computed: true, MarkdownDescription: "The connection id."},
			"connection_id":      schema.StringAttribute{Required: true, Validators: []validator.String{lakeSailIDValidator("connection id")}, MarkdownDescription: "LakeSail's connection id."},
			"tenant_id":          schema.StringAttribute{Required: true, Validators: []validator.String{lakeSailIDValidator("tenant id")}, MarkdownDescription: "Your LakeSail tenant id."},
			"lakesail_principal": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.RegexMatches(iamPrincipalARN, "must be an IAM principal ARN")}, MarkdownDescription: "Default of the `LakeSailPrincipal` parameter."},
			"callback_url": schema.StringAttribute{Optional: true,
				Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^https://`), "must be an https:// URL")},
				MarkdownDescription: "HTTPS endpoint the lifecycle Lambda notifies (LakeSail gives it with the connection)."},
			"role_name":     schema.StringAttribute{Optional: true, MarkdownDescription: "Default of the `IamRoleName` parameter."},
			"role_path":     schema.StringAttribute{Optional: true, MarkdownDescription: "Path of the connection role; defaults to `/`."},
			"indent":        schema.BoolAttribute{Optional: true, MarkdownDescription: "Indent the JSON for reading. The compact default fits CloudFormation's 51,200-byte limit for an inline template."},
			"template_body": schema.StringAttribute{Computed: true, MarkdownDescription: "The template, as JSON."},
		},
	}
}

func (d *cloudFormationTemplateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m cloudFormationTemplateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, err := connpolicy.CloudFormationTemplate(connpolicy.TemplateOptions{
		ConnectionID:      m.ConnectionID.ValueString(),
		TenantID:          m.TenantID.ValueString(),
		LakeSailPrincipal: m.LakeSailPrincipal.ValueString(),
		CallbackURL:       m.CallbackURL.ValueString(),
		RoleName:          m.RoleName.ValueString(),
		RolePath:          m.RolePath.ValueString(),
		Indent:            m.Indent.ValueBool(),
	})
	if err != nil {
		addSpecError(&resp.Diagnostics, err)
		return
	}
	m.ID = m.ConnectionID
	m.TemplateBody = types.StringValue(body)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
