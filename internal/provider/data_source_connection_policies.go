package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// reviewExternalID stands in for the external ID when none is given: the documents are for review.
const reviewExternalID = "EXTERNAL-ID"

type connectionPoliciesDataSource struct {
	data *providerData
}

type connectionPoliciesModel struct {
	ID                    types.String `tfsdk:"id"`
	ConnectionID          types.String `tfsdk:"connection_id"`
	TenantID              types.String `tfsdk:"tenant_id"`
	AccountID             types.String `tfsdk:"account_id"`
	Partition             types.String `tfsdk:"partition"`
	ExternalID            types.String `tfsdk:"external_id"`
	LakeSailPrincipal     types.String `tfsdk:"lakesail_principal"`
	ProvisionerPrincipals types.List   `tfsdk:"provisioner_principal_arns"`
	RoleName              types.String `tfsdk:"role_name"`
	RolePath              types.String `tfsdk:"role_path"`
	RoleARN               types.String `tfsdk:"role_arn"`
	TrustPolicy           types.String `tfsdk:"trust_policy"`
	TrustPolicyRedacted   types.String `tfsdk:"trust_policy_redacted"`
	RoleBoundary          types.String `tfsdk:"role_boundary"`
	WorkloadBoundary      types.String `tfsdk:"workload_boundary"`
	ExplicitDeny          types.String `tfsdk:"explicit_deny"`
	ManagedPolicies       types.Map    `tfsdk:"managed_policies"`
	PolicyNames           types.Map    `tfsdk:"policy_names"`
	PolicyARNs            types.Map    `tfsdk:"policy_arns"`
	AttachedPolicyARNs    types.List   `tfsdk:"attached_policy_arns"`
	Tags                  types.Map    `tfsdk:"tags"`
	BundleVersion         types.String `tfsdk:"policy_bundle_version"`
}

func newConnectionPoliciesDataSource() datasource.DataSource { return &connectionPoliciesDataSource{} }

func (d *connectionPoliciesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_policies"
}

func (d *connectionPoliciesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	json := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every IAM document of a LakeSail connection, exactly as `lakesail_connection` creates them, as " +
			"indented JSON: for review before apply, or to create the role with your own `aws_iam_*` resources. Nothing is " +
			"created or read in AWS (beyond the account id when `account_id` is not given).",
		Attributes: map[string]schema.Attribute{
			"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "The connection id."},
			"connection_id": schema.StringAttribute{Required: true, Validators: []validator.String{lakeSailIDValidator("connection id")}, MarkdownDescription: "LakeSail's connection id."},
			"tenant_id":     schema.StringAttribute{Required: true, Validators: []validator.String{lakeSailIDValidator("tenant id")}, MarkdownDescription: "Your LakeSail tenant id."},
			"account_id": schema.StringAttribute{Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.RegexMatches(accountIDPattern, "must be a 12-digit AWS account id")}, MarkdownDescription: "Account the documents are for; defaults to the provider's."},
			"partition": schema.StringAttribute{Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf("aws", "aws-cn", "aws-us-gov")}, MarkdownDescription: "AWS partition; defaults to the provider's."},
			"external_id": schema.StringAttribute{Optional: true, Sensitive: true,
				Validators:          []validator.String{sensitiveValue(stringvalidator.RegexMatches(uuidPattern, "must be the connection's external ID (a UUID)"))},
				MarkdownDescription: "The connection's external ID. Without it the trust policy shows `" + reviewExternalID + "` in its place."},
			"lakesail_principal": schema.StringAttribute{Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.RegexMatches(iamPrincipalARN, "must be an IAM principal ARN")}, MarkdownDescription: "LakeSail's principal; defaults to the provider's `lakesail_principal`."},
			"provisioner_principal_arns": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.List{listvalidator.ValueStringsAre(stringvalidator.RegexMatches(iamPrincipalARN, "must be an IAM principal ARN"))},
				MarkdownDescription: "Principals trusted in the provisioner statement (as `lakesail_connection` does for whoever runs Terraform)."},
			"role_name":             schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Connection role name; defaults to `lakesail-<connection_id>-LakeSailRole`."},
			"role_path":             schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Connection role path; defaults to `/`."},
			"role_arn":              schema.StringAttribute{Computed: true, MarkdownDescription: "ARN the connection role will have."},
			"trust_policy":          schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The trust policy, with the external ID."},
			"trust_policy_redacted": json("The trust policy with `" + reviewExternalID + "` in place of the external ID, for review."),
			"role_boundary":         json("`RoleBoundary`: the connection role's permissions boundary."),
			"workload_boundary":     json("`WorkloadBoundary`: the boundary every role the connection creates must carry."),
			"explicit_deny":         json("The explicit-deny policy attached to the connection role."),
			"managed_policies":      schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "All ten managed policy documents by kind."},
			"policy_names":          schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "IAM names of the managed policies by kind."},
			"policy_arns":           schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "ARNs of the managed policies by kind."},
			"attached_policy_arns":  schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Policies attached to the role (the deny and the seven scoped policies); `RoleBoundary` is its boundary instead."},
			"tags":                  schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The LakeSail tags every object carries."},
			"policy_bundle_version": json("Version of the provider's set of IAM documents."),
		},
	}
}

func (d *connectionPoliciesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionPoliciesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m connectionPoliciesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec := connpolicy.Spec{
		ConnectionID: m.ConnectionID.ValueString(), TenantID: m.TenantID.ValueString(),
		AccountID: m.AccountID.ValueString(), Partition: m.Partition.ValueString(),
		ExternalID: m.ExternalID.ValueString(), LakeSailPrincipal: m.LakeSailPrincipal.ValueString(),
		RoleName: m.RoleName.ValueString(), RolePath: m.RolePath.ValueString(),
	}
	resp.Diagnostics.Append(m.ProvisionerPrincipals.ElementsAs(ctx, &spec.ProvisionerPrincipals, true)...)
	if spec.ExternalID == "" {
		spec.ExternalID = reviewExternalID
	}
	if spec.AccountID == "" || spec.Partition == "" || spec.LakeSailPrincipal == "" {
		if !requireConfigured(d.data, &resp.Diagnostics) {
			return
		}
	}
	var bundle *connpolicy.Bundle
	var err error
	if d.data != nil {
		bundle, err = connection.New(d.data.client).Bundle(ctx, connection.Spec{Policy: spec})
	} else {
		bundle, err = connpolicy.Build(spec)
	}
	if err != nil {
		addSpecError(&resp.Diagnostics, err)
		return
	}
	redactedSpec := bundle.Spec
	redactedSpec.ExternalID = reviewExternalID
	redacted, err := connpolicy.Build(redactedSpec)
	if err != nil {
		addSpecError(&resp.Diagnostics, err)
		return
	}
	documents, names := map[string]string{}, map[string]string{}
	for _, p := range bundle.Managed() {
		documents[string(p.Kind)] = p.Document.Indent()
		names[string(p.Kind)] = p.Name
	}
	m.ID = m.ConnectionID
	m.AccountID = types.StringValue(bundle.Spec.AccountID)
	m.Partition = types.StringValue(bundle.Spec.Partition)
	m.LakeSailPrincipal = types.StringValue(bundle.Spec.LakeSailPrincipal)
	m.RoleName = types.StringValue(bundle.RoleName)
	m.RolePath = types.StringValue(bundle.RolePath)
	m.RoleARN = types.StringValue(bundle.RoleARN)
	m.TrustPolicy = types.StringValue(bundle.Trust.Document.Indent())
	m.TrustPolicyRedacted = types.StringValue(redacted.Trust.Document.Indent())
	m.RoleBoundary = types.StringValue(bundle.RoleBoundary.Document.Indent())
	m.WorkloadBoundary = types.StringValue(bundle.WorkloadBoundary.Document.Indent())
	m.ExplicitDeny = types.StringValue(bundle.ExplicitDeny.Document.Indent())
	m.ManagedPolicies = stringMapValue(documents)
	m.PolicyNames = stringMapValue(names)
	m.PolicyARNs = stringMapValue(bundle.ManagedPolicyARNs())
	m.AttachedPolicyARNs, _ = types.ListValueFrom(ctx, types.StringType, bundle.AttachedPolicyARNs())
	m.Tags = stringMapValue(bundle.Tags)
	m.BundleVersion = types.StringValue(bundle.Version)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
