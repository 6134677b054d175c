package provider

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

const provisionerSid = connpolicy.SidTrustProvisioner

type connectionModel struct {
	ID                      types.String   `tfsdk:"id"`
	ConnectionID            types.String   `tfsdk:"connection_id"`
	TenantID                types.String   `tfsdk:"tenant_id"`
	RoleName                types.String   `tfsdk:"role_name"`
	RolePath                types.String   `tfsdk:"role_path"`
	ExternalID              types.String   `tfsdk:"external_id"`
	ExternalIDWO            types.String   `tfsdk:"external_id_wo"`
	ExternalIDWOVersion     types.Int64    `tfsdk:"external_id_wo_version"`
	TrustedPrincipalARNs    types.Set      `tfsdk:"trusted_principal_arns"`
	TrustProvisioner        types.Bool     `tfsdk:"trust_provisioner"`
	MaxSessionDuration      types.Int64    `tfsdk:"max_session_duration"`
	Tags                    types.Map      `tfsdk:"tags"`
	TagsAll                 types.Map      `tfsdk:"tags_all"`
	AccountID               types.String   `tfsdk:"account_id"`
	RoleARN                 types.String   `tfsdk:"role_arn"`
	ProvisionerPrincipalARN types.String   `tfsdk:"provisioner_principal_arn"`
	RoleBoundaryARN         types.String   `tfsdk:"role_boundary_arn"`
	WorkloadBoundaryARN     types.String   `tfsdk:"workload_boundary_arn"`
	DenyPolicyARN           types.String   `tfsdk:"deny_policy_arn"`
	ManagedPolicyARNs       types.Map      `tfsdk:"managed_policy_arns"`
	PolicyBundleVersion     types.String   `tfsdk:"policy_bundle_version"`
	PolicySHA256            types.Map      `tfsdk:"policy_sha256"`
	Verified                types.Bool     `tfsdk:"verified"`
	PlatformName            types.String   `tfsdk:"platform_name"`
	PlatformStatus          types.String   `tfsdk:"platform_status"`
	PlatformStatusMessage   types.String   `tfsdk:"platform_status_message"`
	Timeouts                timeouts.Value `tfsdk:"timeouts"`
}

// externalID is the external ID the configuration gives, in whichever form.
func (m connectionModel) externalID() string {
	if v := m.ExternalIDWO.ValueString(); v != "" {
		return v
	}
	return m.ExternalID.ValueString()
}

// trustedPrincipals are the provisioner statement's principals: the explicit ones plus the
// recorded provisioner when trusted (none while it is unknown), sorted.
func (m connectionModel) trustedPrincipals(ctx context.Context, diags *diag.Diagnostics) []string {
	var principals []string
	if !m.TrustedPrincipalARNs.IsNull() && !m.TrustedPrincipalARNs.IsUnknown() {
		diags.Append(m.TrustedPrincipalARNs.ElementsAs(ctx, &principals, false)...)
	}
	if p := m.ProvisionerPrincipalARN.ValueString(); p != "" {
		principals = append(principals, p)
	}
	slices.Sort(principals)
	return slices.Compact(principals)
}

// keptProvisionerPrincipal is provisioner_principal_arn as far as it is known without asking who
// runs Terraform, which a pipeline may do with different credentials for plan and for apply: ""
// while the provisioner is not trusted, the recorded principal while it stays trusted (whoever
// plans or applies now), and unknown when apply is to record the principal that applies.
func keptProvisionerPrincipal(trust, stateTrust types.Bool, statePrincipal types.String) types.String {
	switch {
	case trust.IsUnknown():
		return types.StringUnknown()
	case !trust.ValueBool():
		return types.StringValue("")
	case stateTrust.ValueBool() && !statePrincipal.IsUnknown() && statePrincipal.ValueString() != "":
		return statePrincipal
	default:
		return types.StringUnknown()
	}
}

// leaveTrustFingerprintToApply marks the trust policy's fingerprint unknown: it names the
// provisioner, whom only apply learns.
func (m *connectionModel) leaveTrustFingerprintToApply() {
	elements := make(map[string]attr.Value, len(m.PolicySHA256.Elements())+1)
	maps.Copy(elements, m.PolicySHA256.Elements())
	elements[string(connpolicy.KindTrust)] = types.StringUnknown()
	m.PolicySHA256 = types.MapValueMust(types.StringType, elements)
}

// spec builds the library's desired state; externalID is passed separately because a
// write-only value is only in the configuration.
func (m connectionModel) spec(ctx context.Context, externalID string, defaultTags map[string]string, diags *diag.Diagnostics) connection.Spec {
	tags := maps.Clone(defaultTags)
	if tags == nil {
		tags = map[string]string{}
	}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		var own map[string]string
		diags.Append(m.Tags.ElementsAs(ctx, &own, false)...)
		maps.Copy(tags, own)
	}
	return connection.Spec{
		Policy: connpolicy.Spec{
			ConnectionID:          m.ConnectionID.ValueString(),
			TenantID:              m.TenantID.ValueString(),
			AccountID:             m.AccountID.ValueString(),
			ExternalID:            externalID,
			ProvisionerPrincipals: m.trustedPrincipals(ctx, diags),
			RoleName:              m.RoleName.ValueString(),
			RolePath:              m.RolePath.ValueString(),
		},
		MaxSessionDuration: time.Duration(m.MaxSessionDuration.ValueInt64()) * time.Second,
		Tags:               tags,
	}
}

// setFromBundle fills every attribute the documents determine.
func (m *connectionModel) setFromBundle(bundle *connpolicy.Bundle, spec connection.Spec) {
	m.ID = m.ConnectionID
	m.AccountID = types.StringValue(bundle.Spec.AccountID)
	m.RoleName = types.StringValue(bundle.RoleName)
	m.RolePath = types.StringValue(bundle.RolePath)
	m.RoleARN = types.StringValue(bundle.RoleARN)
	m.RoleBoundaryARN = types.StringValue(bundle.RoleBoundary.ARN)
	m.WorkloadBoundaryARN = types.StringValue(bundle.WorkloadBoundary.ARN)
	m.DenyPolicyARN = types.StringValue(bundle.ExplicitDeny.ARN)
	m.ManagedPolicyARNs = stringMapValue(bundle.ManagedPolicyARNs())
	m.PolicyBundleVersion = types.StringValue(bundle.Version)
	m.PolicySHA256 = stringMapValue(connection.ExpectedFingerprints(bundle))
	m.TagsAll = stringMapValue(spec.ConnectionTags())
}

// setFromObserved records what AWS has, so the next plan shows any difference.
func (m *connectionModel) setFromObserved(conn *connection.Connection) {
	m.AccountID = types.StringValue(conn.AccountID)
	m.RoleARN = types.StringValue(conn.RoleARN)
	m.RolePath = types.StringValue(conn.RolePath)
	m.MaxSessionDuration = types.Int64Value(int64(conn.MaxSessionDuration / time.Second))
	m.PolicySHA256 = stringMapValue(conn.Fingerprints)
	m.TagsAll = stringMapValue(conn.Tags)
}

func stringMapValue(in map[string]string) types.Map {
	elements := make(map[string]types.String, len(in))
	for k, v := range in {
		elements[k] = types.StringValue(v)
	}
	value, _ := types.MapValueFrom(context.Background(), types.StringType, elements)
	return value
}

// externalIDDigest is what private state keeps of a write-only external ID (as a JSON string):
// enough to check the trust policy still carries it, useless for recovering a UUID.
func externalIDDigest(connectionID, externalID string) string {
	return lakesail.ExternalIDDigest(connectionID, externalID)
}

// privateDigest is the digest private state recorded (a JSON string), "" when none; a value that
// is not a JSON string is passed on as it is, and matches no external ID.
func privateDigest(recorded []byte) string {
	var digest string
	if err := json.Unmarshal(recorded, &digest); err != nil {
		return string(recorded)
	}
	return digest
}
