package provider

import (
	"context"
	"maps"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	lakeSailIDPattern = regexp.MustCompile(`^[A-Z0-9]{10}$`)
	accountIDPattern  = regexp.MustCompile(`^[0-9]{12}$`)
	uuidPattern       = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

func lakeSailIDValidator(what string) validator.String {
	return stringvalidator.RegexMatches(lakeSailIDPattern, "must be the 10-character "+what+" LakeSail shows (upper-case letters and digits, e.g. AB12CD34EF)")
}

func connectionSchema(ctx context.Context) schema.Schema {
	s := schema.Schema{
		MarkdownDescription: "Connects an AWS account to LakeSail: the cross-account IAM role LakeSail assumes with the " +
			"connection's external ID, its permissions boundary `RoleBoundary`, the `WorkloadBoundary` every role LakeSail " +
			"creates must carry, an explicit-deny policy that protects all of it, and seven scoped managed policies. " +
			"Created with the provider's own credentials. Any later change to these objects made outside Terraform " +
			"(a removed or swapped boundary, a detached or edited policy, a changed trust policy or tags, an extra policy on " +
			"the role) shows in the next plan as a change to `policy_sha256` or `tags_all`, and apply puts it back.\n\n" +
			"Review every document with the `lakesail_connection_policies` data source before you apply.\n\n" +
			"When the provider has a platform token (the `platform` block or `LAKESAIL_TOKEN`), apply also registers the role " +
			"with the LakeSail platform under `connection_id` and asks the platform to verify it, and destroy deregisters it " +
			"before deleting the role. If the platform fails after the AWS side succeeded, the role is kept in state, " +
			"`platform_status` is `unregistered`, and the next apply only registers it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The connection id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connection_id": schema.StringAttribute{
				Required:      true,
				Validators:    []validator.String{lakeSailIDValidator("connection id")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "LakeSail's id for this connection (10 upper-case letters or digits). Every name the connection uses starts `lakesail-<connection_id>-`. " +
					"One state owns a connection id: a create that finds the connection's role or policies already there changes and records nothing.",
			},
			"tenant_id": schema.StringAttribute{
				Required:            true,
				Validators:          []validator.String{lakeSailIDValidator("tenant id")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "Your LakeSail tenant id (10 upper-case letters or digits), recorded in the `LakeSail-Tenant` tag.",
			},
			"role_name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[\w+=,.@-]{1,64}$`),
					"must be 1 to 64 letters, digits or any of _+=,.@-")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace(), stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "Name of the connection role. Defaults to `lakesail-<connection_id>-LakeSailRole`.",
			},
			"role_path": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("/"),
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^/([\x21-\x2E\x30-\x7E]+/)*$`),
					`must start and end with "/", e.g. /lakesail/`), stringvalidator.LengthAtMost(512)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "IAM path of the connection role.",
			},
			"external_id": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					sensitiveValue(stringvalidator.RegexMatches(uuidPattern, "must be the external ID LakeSail generated for this connection (a UUID)")),
					stringvalidator.ExactlyOneOf(path.MatchRoot("external_id"), path.MatchRoot("external_id_wo")),
				},
				MarkdownDescription: "The connection's external ID (a UUID from LakeSail), required by the role's trust policy. " +
					"It is kept in state (marked sensitive); with Terraform 1.11 or later prefer `external_id_wo`.",
			},
			"external_id_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				Validators: []validator.String{
					sensitiveValue(stringvalidator.RegexMatches(uuidPattern, "must be the external ID LakeSail generated for this connection (a UUID)")),
					stringvalidator.AlsoRequires(path.MatchRoot("external_id_wo_version")),
				},
				MarkdownDescription: "Write-only form of `external_id` (Terraform 1.11+): never stored in state or plan. Change " +
					"`external_id_wo_version` to apply a new value.",
			},
			"external_id_wo_version": schema.Int64Attribute{
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("external_id_wo"))},
				MarkdownDescription: "Bump this number to apply a new `external_id_wo`.",
			},
			"trusted_principal_arns": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(iamPrincipalARN,
					"must be an IAM principal ARN (account root, role or user); for an assumed-role session give the role's ARN"))},
				MarkdownDescription: "Further principals (besides LakeSail) allowed to assume the role with the external ID, for " +
					"example the CI role that runs Terraform for networks and workspaces.",
			},
			"trust_provisioner": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Trust the principal that applies the connection (the role behind an assumed-role session) " +
					"to assume the connection role with the external ID, in a separate statement named `" + provisionerSid + "`. " +
					"Networks and workspaces are built through the connection role, so applying them needs this or " +
					"`trusted_principal_arns`. The principal is recorded in `provisioner_principal_arn` by the apply that creates " +
					"the connection (or turns this on) and kept after that, whoever plans or applies later. Where plan and apply run " +
					"with different credentials (HCP Terraform's plan and apply roles), the plan's principal is not trusted: add it " +
					"to `trusted_principal_arns` if plans must read networks and workspaces through the role, knowing that it can " +
					"then change them too. Set false to trust LakeSail alone.",
			},
			"max_session_duration": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(3600),
				Validators:          []validator.Int64{int64validator.Between(3600, 43200)},
				MarkdownDescription: "Longest session, in seconds, that assuming the role may ask for (3600 to 43200).",
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Map{tagsValidator(connectionTagRules)},
				MarkdownDescription: "Tags for the role and policies, on top of the provider's `default_tags`. The LakeSail tags win. " +
					connectionTagRules.markdownDescription(),
			},
			"tags_all":   computedMap("Every tag on the role: `default_tags`, `tags` and the LakeSail tags."),
			"account_id": computedString("The AWS account the connection is in."),
			"role_arn":   computedString("ARN of the connection role: give it to LakeSail, and to `lakesail_network` and `lakesail_workspace`."),
			"provisioner_principal_arn": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The principal trusted in the provisioner statement: the one that applied when it was first " +
					"trusted (known after apply on create and when `trust_provisioner` is turned on; kept, whoever plans or applies, " +
					"until `trust_provisioner` is turned off). Empty when `trust_provisioner` is false. To trust another principal, " +
					"add it to `trusted_principal_arns`, or apply `trust_provisioner = false` and then `true` again with its credentials.",
				PlanModifiers: []planmodifier.String{provisionerPrincipalModifier{}},
			},
			"role_boundary_arn":     computedString("ARN of `RoleBoundary`, the connection role's permissions boundary."),
			"workload_boundary_arn": computedString("ARN of `WorkloadBoundary`, the boundary every role the connection creates must carry."),
			"deny_policy_arn":       computedString("ARN of the explicit-deny policy attached to the role."),
			"managed_policy_arns":   computedMap("ARNs of all ten managed policies by kind."),
			"policy_bundle_version": computedString("Version of the provider's set of IAM documents."),
			"policy_sha256": computedMap("SHA-256 of each document's canonical JSON by kind (the trust policy's with the external ID " +
				"redacted), and `UnmanagedPermissions` = `none`. A value of `missing`, `detached`, `drifted:<sha>` or a list of " +
				"unmanaged policies in the plan means the object was changed outside Terraform; apply restores it."),
			"verified": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether the provider assumed the role with the external ID after the last create or update " +
					"(false when the provider's principal is not trusted).",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
	maps.Copy(s.Attributes, connectionPlatformAttributes())
	return s
}

// connectionPlatformAttributes are the attributes of the registration with the LakeSail platform.
func connectionPlatformAttributes() map[string]schema.Attribute {
	attributes := platformStatusAttributes("connection")
	attributes["platform_name"] = schema.StringAttribute{
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
		MarkdownDescription: "Name LakeSail's console shows for the connection when the provider registers it with the " +
			"platform. Defaults to the role name. The platform API cannot rename a registered connection, so a change " +
			"after registration is recorded here but takes effect only when the connection is registered again.",
	}
	return attributes
}

func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: description}
}

func computedMap(description string) schema.MapAttribute {
	return schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: description}
}
