package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

const (
	defaultWorkspaceCreateTimeout = 30 * time.Minute
	defaultWorkspaceUpdateTimeout = 60 * time.Minute
	defaultWorkspaceDeleteTimeout = 20 * time.Minute
	// workspaceSessionName marks the provider's workspace calls in CloudTrail.
	workspaceSessionName = lakesail.SessionNamePrefix + "terraform-workspace"
)

var (
	_ resource.ResourceWithConfigure   = (*workspaceResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*workspaceResource)(nil)
	_ resource.ResourceWithImportState = (*workspaceResource)(nil)
)

type workspaceResource struct {
	data *providerData
}

func newWorkspaceResource() resource.Resource { return &workspaceResource{} }

func (r *workspaceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace"
}

func (r *workspaceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = workspaceSchema(ctx)
}

func (r *workspaceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// session acts as the connection role through the library's connection session and returns
// it with the connection's tenant and the external ID it used, which callers redact from their
// diagnostics. Without an external ID (neither argument set, or a refresh or destroy of a
// workspace applied with external_id_wo, which only the configuration holds) the library reads
// it from the role's trust policy with the provider's own credentials: the one whose digest
// private state recorded (digest), else the only one. waitForPropagation waits for a role
// created in the same apply. refresh (Read only) reads the trust policy through the client's
// cache of connection roles, which the connection's own refresh has usually filled; anything
// that changes AWS reads it afresh.
func (r *workspaceResource) session(ctx context.Context, m workspaceModel, externalID string, digest []byte, waitForPropagation, refresh bool,
	diags *diag.Diagnostics) (*lakesail.Client, string, string, bool) {
	roleARN := m.RoleARN.ValueString()
	sess, err := r.data.client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{
		RoleARN: roleARN, ExternalID: externalID, ConnectionID: m.ConnectionID.ValueString(), ExternalIDDigest: privateDigest(digest),
		SessionName: workspaceSessionName, WaitForPropagation: waitForPropagation, Cached: refresh,
	})
	if sess != nil {
		externalID = sess.ExternalID
	}
	if err != nil {
		// The ID may come from the trust policy rather than the configuration: redact it here.
		var local diag.Diagnostics
		addWorkspaceSessionError(&local, roleARN, err)
		diags.Append(redactSecrets(local, externalID)...)
		return nil, "", externalID, false
	}
	if sess.ExternalIDStale {
		addStaleExternalIDWarning(diags, "workspace", roleARN)
	}
	return sess.Role, sess.TenantID, sess.ExternalID, true
}

// addWorkspaceSessionError explains why the workspace cannot act as the connection role.
func addWorkspaceSessionError(diags *diag.Diagnostics, roleARN string, err error) {
	var needed *lakesail.ExternalIDNeededError
	var disconnected *lakesail.DisconnectedError
	var awsErr *lakesail.AWSError
	switch {
	case errors.As(err, &needed) && needed.Digest:
		diags.AddAttributeError(path.Root("external_id_wo"), "External ID Needed", fmt.Sprintf("The trust policy of %s has %d different "+
			"external IDs and none is the external_id_wo the workspace was last applied with, so the provider cannot tell which to use. "+
			"Restore the connection's trust policy (apply lakesail_connection).", roleARN, needed.Count))
	case errors.As(err, &needed):
		diags.AddAttributeError(path.Root("external_id"), "External ID Needed", fmt.Sprintf("The trust policy of %s has %d different "+
			"external IDs, so the provider cannot tell which to use: set external_id.", roleARN, needed.Count))
	case errors.As(err, &disconnected):
		diags.AddError("LakeSail Connection Disconnected",
			fmt.Sprintf("The connection role %s can no longer be assumed: %s. The workspace stays in Terraform state; nothing was "+
				"changed. Restore the connection (apply lakesail_connection, or redeploy its CloudFormation stack) and run Terraform "+
				"again.\n\n%v", disconnected.RoleARN, disconnected.Reason, disconnected.Err))
	case errors.As(err, &awsErr) && awsErr.Action == "iam:GetRole":
		addAWSError(diags, "Cannot Read the Connection Role", err)
	default:
		addAWSError(diags, "Cannot Act as the Connection Role", err)
	}
}

// configExternalIDWO is external_id_wo, which only the configuration holds (create, update).
func configExternalIDWO(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) types.String {
	var value types.String
	diags.Append(config.GetAttribute(ctx, path.Root("external_id_wo"), &value)...)
	return value
}

// ModifyPlan fills the computed names and ARNs that follow from the configuration and rejects a
// Kubernetes version change EKS cannot make in one step.
func (r *workspaceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	r.data.checkPlatformAccess(ctx, &resp.Diagnostics) // once per provider configuration
	var plan workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *workspaceModel
	if !req.State.Raw.IsNull() {
		state = &workspaceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	r.planPlatform(&plan, state)
	if state != nil && state.clusterMissing() {
		// The cluster is gone (Read kept the workspace for its remnants): replace it, so that
		// Delete removes what remains and Create builds it again.
		plan.ClusterARN = types.StringUnknown()
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("cluster_arn"))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if state != nil && !plan.KubernetesVersion.IsUnknown() {
		if err := workspace.CheckVersionStep(state.KubernetesVersion.ValueString(), plan.KubernetesVersion.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), "Unsupported Kubernetes Version Change", err.Error())
			return
		}
	}
	if r.data != nil { // the tags with default_tags, which the schema's validator cannot see
		workspaceTagRules.check(path.Root("tags"), plan.Tags, r.data.defaultTags, &resp.Diagnostics)
	}
	r.checkKubernetesVersion(ctx, plan, state, &resp.Diagnostics)
	warnOpenPublicEndpoint(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, v := range []types.String{plan.ConnectionID, plan.WorkspaceID, plan.RoleARN} {
		if v.IsUnknown() {
			return
		}
	}
	if plan.GlueDatabases.IsUnknown() {
		return
	}
	var spec workspace.Spec
	if plan.knownForPlanning() {
		spec = plan.spec(ctx, "TENANT0000", nil, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		r.validate(spec, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	} else {
		// The network's outputs are unknown until it exists: the names are known all the same.
		spec = plan.namingSpec(ctx, &resp.Diagnostics)
	}
	plan.setPlanned(spec)
	plan.planKarpenter()
	if state == nil || state.CertificateARN.ValueString() == "" {
		plan.CertificateARN = types.StringUnknown()
	}
	if state == nil || state.OIDCProviderARN.ValueString() == "" {
		plan.OIDCProviderARN = types.StringUnknown()
	}
	// The session load balancer's names come from AWS: unknown until made, or while drifted.
	for _, v := range []struct {
		plan  *types.String
		state func(workspaceModel) types.String
	}{
		{&plan.SessionLBDNSName, func(m workspaceModel) types.String { return m.SessionLBDNSName }},
		{&plan.SessionLBARN, func(m workspaceModel) types.String { return m.SessionLBARN }},
		{&plan.SessionListenerARN, func(m workspaceModel) types.String { return m.SessionListenerARN }},
		{&plan.SessionTargetGroupARN, func(m workspaceModel) types.String { return m.SessionTargetGroupARN }},
	} {
		if state == nil || v.state(*state).ValueString() == "" || state.SessionListenerARN.ValueString() == "" {
			*v.plan = types.StringUnknown()
		}
	}
	if state != nil && sessionLoadBalancerReplaced(*state, plan) {
		// Another scheme or other public subnets: a new load balancer with a new listener.
		plan.SessionLBDNSName, plan.SessionLBARN, plan.SessionListenerARN = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	}
	if state != nil && r.data != nil && certificateRenewalDue(*state, plan, r.data.client.Now()) {
		// The renewal is the change: apply re-imports new material into the same ARN.
		tflog.Info(ctx, "the session certificate is due for renewal", map[string]any{
			"not_after": state.CertificateNotAfter.ValueString(), "renewal_days": plan.CertificateRenewal.ValueInt64()})
		plan.CertificateNotAfter = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// sessionLoadBalancerReplaced tells whether the plan replaces the session load balancer: its
// scheme changes, or an internet-facing one's public subnets do.
func sessionLoadBalancerReplaced(state, plan workspaceModel) bool {
	scheme := func(m workspaceModel) string {
		if v, ok := m.SessionLoadBalancer.Attributes()["scheme"].(types.String); ok && !m.SessionLoadBalancer.IsNull() {
			if v.IsUnknown() {
				return "unknown"
			}
			return v.ValueString()
		}
		return workspace.SchemeInternal
	}
	if scheme(state) != scheme(plan) {
		return true
	}
	return scheme(plan) == workspace.SchemeInternetFacing && !plan.PublicSubnetIDs.Equal(state.PublicSubnetIDs)
}

// certificateRenewalDue tells whether the session certificate recorded in state expires within
// the planned certificate_renewal_days of now (the provider's clock: the library client's).
func certificateRenewalDue(state, plan workspaceModel, now time.Time) bool {
	if plan.CertificateRenewal.IsUnknown() || state.CertificateARN.ValueString() == "" {
		return false
	}
	notAfter, err := time.Parse(time.RFC3339, state.CertificateNotAfter.ValueString())
	if err != nil {
		return false // unknown (e.g. a state written before the attribute existed): the next refresh records it
	}
	days := int(plan.CertificateRenewal.ValueInt64())
	if plan.CertificateRenewal.IsNull() {
		days = workspace.DefaultCertificateRenewalDays
	}
	return workspace.CertificateRenewalDue(notAfter, now, days)
}

// validate reports the library's plan-time checks on the attribute they concern.
func (r *workspaceResource) validate(spec workspace.Spec, diags *diag.Diagnostics) {
	err := spec.Validate()
	if err == nil {
		return
	}
	var joined interface{ Unwrap() []error }
	errs := []error{err}
	if errors.As(err, &joined) {
		errs = joined.Unwrap()
	}
	for _, e := range errs {
		var specErr *workspace.SpecError
		if !errors.As(e, &specErr) || specErr.Field == "tenant_id" || specErr.Field == "account_id" {
			continue
		}
		diags.AddAttributeError(specErrorPath(specErr.Field), "Invalid LakeSail Workspace", specErr.Error())
	}
}

// specErrorPath is the attribute a library SpecError's field names: the nested attribute of a
// single nested attribute (session_load_balancer.scheme, karpenter.max_vcpus), else the root.
func specErrorPath(field string) path.Path {
	attribute := strings.Split(field, ".")
	at := path.Root(attribute[0])
	if (attribute[0] == "session_load_balancer" || attribute[0] == "karpenter") && len(attribute) > 1 {
		at = at.AtName(attribute[1])
	}
	return at
}

// planKarpenter: while the karpenter block is unknown (it refers to something not yet made), so
// are its outputs and the workload roles.
func (m *workspaceModel) planKarpenter() {
	if !m.karpenterKnown() {
		m.KarpenterNodeRoleARN, m.KarpenterProfileName, m.KarpenterProfileARN, m.KarpenterParameter =
			types.StringUnknown(), types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		m.WorkloadRoleARNs = types.MapUnknown(types.StringType)
	}
}

func (r *workspaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan workspaceModel
	var externalID string // the one the role is assumed with
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	externalIDWO := configExternalIDWO(ctx, req.Config, &resp.Diagnostics)
	defer func() { // an AWS error may echo it
		resp.Diagnostics = redactSecrets(resp.Diagnostics, configuredExternalID(plan.ExternalID, externalIDWO), externalID)
	}()
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWorkspaceCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	asRole, tenantID, externalID, ok := r.session(ctx, plan, configuredExternalID(plan.ExternalID, externalIDWO), nil, true, false, &resp.Diagnostics)
	if !ok {
		return
	}
	recordExternalIDDigest(ctx, plan.ConnectionID.ValueString(), externalIDWO, resp.Private.SetKey, &resp.Diagnostics)
	spec := r.withAccount(plan.spec(ctx, tenantID, r.data.defaultTags, &resp.Diagnostics))
	if resp.Diagnostics.HasError() {
		return
	}
	// The id (and every name) is saved before the first AWS call: whatever a failed create
	// leaves is in state, and destroy removes it.
	pending := plan
	pending.setPlanned(spec)
	pending.markUnknownAsEmpty()
	ws, err := workspace.New(asRole).Create(ctx, spec, func() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &pending)...)
	})
	if err != nil {
		if made, ok := lakesail.RecordOf[workspace.Progress](err); ok {
			pending.CertificateARN = types.StringValue(made.Record.CertificateARN)
			pending.OIDCProviderARN = types.StringValue(made.Record.OIDCProviderARN)
			resp.Diagnostics.Append(resp.State.Set(ctx, &pending)...)
		}
		addWorkspaceError(&resp.Diagnostics, "Cannot Create LakeSail Workspace", err,
			"What was created is recorded in state: `terraform destroy` removes it, or fix the cause and apply again (the workspace is replaced).")
		return
	}
	plan.flatten(ws, spec, r.data.defaultTags)
	r.registerOnPlatform(ctx, &plan, &resp.Diagnostics, false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// markUnknownAsEmpty sets computed values AWS has not chosen yet to "" for the saved state.
func (m *workspaceModel) markUnknownAsEmpty() {
	for _, v := range []*types.String{&m.ClusterARN, &m.Endpoint, &m.CertificateAuthority, &m.OIDCIssuerURL, &m.OIDCProviderARN, &m.CertificateARN,
		&m.CertificateNotAfter, &m.PlatformID, &m.PlatformStatus, &m.PlatformStatusMessage, &m.KarpenterProfileARN,
		&m.SessionLBDNSName, &m.SessionLBARN, &m.SessionListenerARN, &m.SessionTargetGroupARN} {
		if v.IsUnknown() {
			*v = types.StringValue("")
		}
	}
}

func (r *workspaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state workspaceModel
	var externalID string // the one the role is assumed with: state's, or the trust policy's
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	defer func() { // an AWS error may echo it
		resp.Diagnostics = redactSecrets(resp.Diagnostics, state.ExternalID.ValueString(), externalID)
	}()
	digest, diags := req.Private.GetKey(ctx, privateExternalIDDigest)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	asRole, tenantID, externalID, ok := r.session(ctx, state, state.ExternalID.ValueString(), digest, false, true, &resp.Diagnostics)
	if !ok {
		return
	}
	spec := state.spec(ctx, tenantID, r.data.defaultTags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ws, err := workspace.New(asRole).Read(ctx, spec, recordOf(state))
	if errors.Is(err, lakesail.ErrNotFound) {
		r.readWithoutCluster(ctx, asRole, spec, &state, resp)
		return
	}
	if err != nil {
		addWorkspaceError(&resp.Diagnostics, "Cannot Read LakeSail Workspace", err, "")
		return
	}
	if len(ws.Drift) > 0 {
		tflog.Warn(ctx, "the workspace differs from its configuration", map[string]any{"drift": ws.Drift})
	}
	state.flatten(ws, spec, r.data.defaultTags)
	r.refreshPlatform(ctx, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readWithoutCluster handles a workspace whose EKS cluster is gone. Only when nothing else of it
// remains is it removed from state; otherwise it stays, with the cluster's values cleared, so
// that the next apply replaces it (ModifyPlan) and the delete removes the remnants instead of
// leaving roles, TLS keys and the rest untracked in the account.
func (r *workspaceResource) readWithoutCluster(ctx context.Context, asRole *lakesail.Client, spec workspace.Spec, state *workspaceModel, resp *resource.ReadResponse) {
	remnants, err := workspace.New(asRole).Remnants(ctx, spec, recordOf(*state))
	if err != nil {
		addWorkspaceError(&resp.Diagnostics, "Cannot Read LakeSail Workspace", err,
			"The workspace's EKS cluster is gone and the provider cannot tell whether anything else of it remains; the workspace stays in state.")
		return
	}
	if len(remnants) == 0 {
		tflog.Warn(ctx, "the workspace's EKS cluster and everything else of it are gone; removing the workspace from state", map[string]any{"cluster": spec.ClusterName()})
		resp.State.RemoveResource(ctx)
		return
	}
	tflog.Warn(ctx, "the workspace's EKS cluster is gone; keeping the workspace in state for replacement", map[string]any{"cluster": spec.ClusterName(), "remnants": remnants})
	state.clusterGone()
	resp.Diagnostics.AddWarning("LakeSail Workspace Cluster Deleted",
		fmt.Sprintf("The EKS cluster %s of workspace %s was deleted outside Terraform. The next apply replaces the workspace: it cleans up what remains (%s) and creates it again.",
			spec.ClusterName(), state.ID.ValueString(), strings.Join(remnants, ", ")))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// clusterGone clears the values that came from the deleted cluster. The OIDC provider and
// certificate ARNs stay: the delete that precedes the replacement needs them.
func (m *workspaceModel) clusterGone() {
	for _, v := range []*types.String{&m.ClusterARN, &m.Endpoint, &m.CertificateAuthority, &m.OIDCIssuerURL} {
		*v = types.StringValue("")
	}
}

// clusterMissing tells whether the state is of a workspace whose cluster does not exist (deleted
// outside Terraform, or never created by a failed create).
func (m *workspaceModel) clusterMissing() bool {
	return !m.ClusterARN.IsUnknown() && m.ClusterARN.ValueString() == ""
}

func recordOf(m workspaceModel) workspace.Record {
	return workspace.Record{CertificateARN: m.CertificateARN.ValueString(), OIDCProviderARN: m.OIDCProviderARN.ValueString()}
}

func (r *workspaceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state workspaceModel
	var externalID string // the one the role is assumed with
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	externalIDWO := configExternalIDWO(ctx, req.Config, &resp.Diagnostics)
	defer func() { // an AWS error may echo it
		resp.Diagnostics = redactSecrets(resp.Diagnostics, state.ExternalID.ValueString(), configuredExternalID(plan.ExternalID, externalIDWO), externalID)
	}()
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultWorkspaceUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	asRole, tenantID, externalID, ok := r.session(ctx, plan, configuredExternalID(plan.ExternalID, externalIDWO), nil, false, false, &resp.Diagnostics)
	if !ok {
		return
	}
	spec := r.withAccount(plan.spec(ctx, tenantID, r.data.defaultTags, &resp.Diagnostics))
	prior := state.spec(ctx, tenantID, r.data.defaultTags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// ModifyPlan left the recorded certificate_not_after unknown: the certificate is due for
	// renewal (a state without the attribute plans it unknown too, and is not renewed).
	spec.RenewCertificate = plan.CertificateNotAfter.IsUnknown() && !state.CertificateNotAfter.IsNull() && state.CertificateNotAfter.ValueString() != ""
	ws, err := workspace.New(asRole).Update(ctx, prior, spec, recordOf(state))
	if err != nil {
		made, ok := lakesail.RecordOf[workspace.Progress](err)
		if ok && made.Record.CertificateARN != state.CertificateARN.ValueString() {
			state.CertificateARN = types.StringValue(made.Record.CertificateARN)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		if len(made.AccountActions) > 0 {
			addAccountActionsWarning(&resp.Diagnostics, "LakeSail Workspace Left Objects in the Account", r.accountReason(ctx, spec), made.AccountActions)
		}
		addWorkspaceError(&resp.Diagnostics, "Cannot Update LakeSail Workspace", err, "")
		return
	}
	recordExternalIDDigest(ctx, plan.ConnectionID.ValueString(), externalIDWO, resp.Private.SetKey, &resp.Diagnostics)
	if len(ws.AccountActions) > 0 {
		addAccountActionsWarning(&resp.Diagnostics, "LakeSail Workspace Left Objects in the Account", r.accountReason(ctx, spec), ws.AccountActions)
	}
	plan.flatten(ws, spec, r.data.defaultTags)
	if plan.PlatformStatus.IsUnknown() || !plan.platformStatus().registered() {
		r.registerOnPlatform(ctx, &plan, &resp.Diagnostics, true)
	}
	if len(ws.Drift) > 0 {
		resp.Diagnostics.AddWarning("LakeSail Workspace Did Not Converge",
			"After apply the workspace still differs from its configuration: "+strings.Join(ws.Drift, "; ")+
				". Something outside Terraform may be changing it; check CloudTrail.")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *workspaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state workspaceModel
	var externalID string // the one the role is assumed with: state's, or the trust policy's
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	defer func() { // an AWS error may echo it
		resp.Diagnostics = redactSecrets(resp.Diagnostics, state.ExternalID.ValueString(), externalID)
	}()
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultWorkspaceDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if !r.deregisterFromPlatform(ctx, state, &resp.Diagnostics) {
		return
	}
	digest, diags := req.Private.GetKey(ctx, privateExternalIDDigest)
	resp.Diagnostics.Append(diags...)
	asRole, tenantID, externalID, ok := r.session(ctx, state, state.ExternalID.ValueString(), digest, false, false, &resp.Diagnostics)
	if !ok {
		return
	}
	spec := r.withAccount(state.spec(ctx, tenantID, r.data.defaultTags, &resp.Diagnostics))
	if resp.Diagnostics.HasError() {
		return
	}
	err := workspace.New(asRole).Delete(ctx, spec, recordOf(state))
	var left *lakesail.AccountActionRequiredError
	if errors.As(err, &left) {
		// Everything else is gone: the workspace leaves state, and the warning names what stays.
		addAccountActionsWarning(&resp.Diagnostics, "LakeSail Workspace Objects Left in the Account", r.accountReason(ctx, spec), left.Actions)
		return
	}
	if err != nil {
		addWorkspaceError(&resp.Diagnostics, "Cannot Delete LakeSail Workspace", err,
			"Nothing was removed from state: fix the cause and run destroy again; finished steps are skipped.")
	}
}

// withAccount gives the library the provider's own client, which acts with the account's own
// credentials: the library deletes (and re-imports) what the connection role may create but not
// delete or replace with it, and only when those credentials belong to the connection's account.
func (r *workspaceResource) withAccount(spec workspace.Spec) workspace.Spec {
	spec.AccountClient = r.data.client
	return spec
}

// accountReason says why the provider's credentials did not stand in for the account's.
func (r *workspaceResource) accountReason(ctx context.Context, spec workspace.Spec) string {
	account, err := r.data.client.AccountID(ctx)
	if err != nil {
		return "the account of the provider's credentials is unknown"
	}
	return fmt.Sprintf("the provider's credentials belong to account %s, not to the connection's account %s", account, spec.AccountID)
}

// addAccountActionsWarning names what a workspace operation left to the account's own
// credentials, and the command that does each.
func addAccountActionsWarning(diags *diag.Diagnostics, summary, reason string, actions []lakesail.AccountAction) {
	lines := make([]string, len(actions))
	for i, a := range actions {
		lines[i] = fmt.Sprintf("- %s: %s\n    %s", a.Object, a.Action, a.Command)
	}
	diags.AddWarning(summary, fmt.Sprintf("The connection role may create these but neither delete nor replace them, and the provider's "+
		"credentials do not stand in for the account's (%s). They were left in the account; nothing else was:\n\n%s\n\n"+
		"Run the commands with the account's own credentials. A workspace destroyed (or updated) by a provider configured with the "+
		"account's own credentials does this itself, and destroying the lakesail_connection also deletes the connection's OIDC providers.",
		reason, strings.Join(lines, "\n")))
}

// ImportState accepts <connection_id>/<workspace_id> (the connection role has its default name
// in the provider's account) or <connection_id>/<workspace_id>/<role_arn>.
func (r *workspaceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.SplitN(req.ID, "/", 3)
	if len(parts) < 2 {
		resp.Diagnostics.AddError("Invalid Import ID", "Use <connection_id>/<workspace_id> or <connection_id>/<workspace_id>/<connection role ARN>.")
		return
	}
	connectionID, workspaceID, err := workspace.ParseWorkspaceID(parts[0] + "/" + parts[1])
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error())
		return
	}
	roleARN := ""
	if len(parts) == 3 {
		roleARN = parts[2]
		if !workspaceRoleARNPattern.MatchString(roleARN) {
			// Caught here, or the state would hold a role_arn its own validator rejects.
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q is not an IAM role ARN: use the connection role's ARN "+
				"(lakesail_connection.role_arn), e.g. arn:aws:iam::123456789012:role/lakesail-%s-LakeSailRole.", roleARN, connectionID))
			return
		}
	} else {
		if !requireConfigured(r.data, &resp.Diagnostics) {
			return
		}
		identity, err := r.data.client.CallerIdentity(ctx)
		if err != nil {
			addAWSError(&resp.Diagnostics, "Cannot Identify the Account", err)
			return
		}
		roleARN = fmt.Sprintf("arn:%s:iam::%s:role/lakesail-%s-LakeSailRole", r.data.client.Partition(), identity.AccountID, connectionID)
	}
	for name, value := range map[string]string{"id": connectionID + "/" + workspaceID, "connection_id": connectionID,
		"workspace_id": workspaceID, "role_arn": roleARN} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), value)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("log_types"), workspaceStringSet(workspace.DefaultLogTypes))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("system_node_group"), defaultNodeGroup())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("addons"), defaultAddons())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("log_retention_days"), int64(365))...)
	// workload_identity stays null: the read finds the mechanism (Pod Identity when the workload
	// service accounts have associations). So does karpenter: the read looks for all of it and
	// finds it on when anything of it exists, with the limits its settings parameter records (the
	// defaults when the parameter is gone).
}

// addWorkspaceError explains library errors in the user's terms.
func addWorkspaceError(diags *diag.Diagnostics, summary string, err error, next string) {
	var step *workspace.VersionStepError
	var stateErr *lakesail.StateError
	var specErr *workspace.SpecError
	var conflict *lakesail.ConflictError
	switch {
	case errors.As(err, &step):
		diags.AddAttributeError(path.Root("kubernetes_version"), summary, err.Error())
	case errors.As(err, &specErr):
		diags.AddAttributeError(specErrorPath(specErr.Field), summary, err.Error())
	case errors.As(err, &conflict):
		diags.AddError(summary, err.Error()+"\n\nAnother workspace (or a manual copy) uses this name: import it or choose another workspace_id.")
	case errors.As(err, &stateErr):
		diags.AddError(summary, err.Error()+"\n\nEKS reports the failure above; see the EKS console or `aws eks describe-*` for details. "+next)
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddError(summary, err.Error()+"\n\nThe operation outlived its timeout; raise it in the `timeouts` block. "+next)
	default:
		addAWSError(diags, summary, err)
		if next != "" {
			diags.AddWarning(summary+": What Next", next)
		}
	}
}
