package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

const (
	defaultConnectionTimeout = 10 * time.Minute
	// privateExternalIDDigest is the private-state key for a write-only external ID's digest.
	privateExternalIDDigest = "external_id_digest"
	// placeholderExternalID renders documents when the real external ID is not needed (delete)
	// or not known (a write-only ID no longer in the trust policy: the trust then shows drift).
	placeholderExternalID = "external-id-not-available"
)

var (
	_ resource.ResourceWithConfigure      = (*connectionResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectionResource)(nil)
	_ resource.ResourceWithImportState    = (*connectionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectionResource)(nil)
)

type connectionResource struct {
	data *providerData
}

func newConnectionResource() resource.Resource { return &connectionResource{} }

func (r *connectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (r *connectionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = connectionSchema(ctx)
}

func (r *connectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig rejects what connpolicy would reject, at plan time and naming the attribute.
func (r *connectionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config connectionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.ConnectionID.IsUnknown() || config.RoleName.IsUnknown() {
		return
	}
	if id := config.ConnectionID.ValueString(); id != "" && config.RoleName.ValueString() == connpolicy.CallbackRoleNameFor(id) {
		resp.Diagnostics.AddAttributeError(path.Root("role_name"), "Invalid Role Name",
			"role_name is the name LakeSail's CloudFormation stack gives its callback role; choose another name or leave it unset.")
	}
}

// ModifyPlan computes every document-derived attribute at plan time, so the plan shows exactly
// which ARNs and document fingerprints apply will produce, and drift shows as a change. The one
// exception is what names the provisioner before apply has recorded it (provisionerPrincipalModifier).
func (r *connectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	r.data.checkPlatformAccess(ctx, &resp.Diagnostics) // once per provider configuration
	var plan, config connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if !resp.Diagnostics.HasError() { // the tags with default_tags, which the schema's validator cannot see
		connectionTagRules.check(path.Root("tags"), config.Tags, r.data.defaultTags, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() || !plan.knownForPlanning() || config.ExternalIDWO.IsUnknown() || config.RoleName.IsUnknown() {
		return
	}
	externalID := config.externalID()
	defer func() { resp.Diagnostics = redactSecrets(resp.Diagnostics, config.externalID()) }()
	if externalID == "" {
		externalID = placeholderExternalID // unknown until apply; the fingerprint redacts it anyway
	}
	if _, ok := r.resolve(ctx, &plan, externalID, &resp.Diagnostics); !ok {
		return
	}

	var state *connectionModel
	if !req.State.Raw.IsNull() {
		state = &connectionModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	awsChanges := state == nil || plan.changesFrom(*state)
	if awsChanges {
		plan.Verified = types.BoolUnknown()
	} else {
		plan.Verified = state.Verified // an update that only registers leaves AWS alone
	}
	r.planPlatform(ctx, &plan, config, state, awsChanges, req.Private.GetKey, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planPlatform plans platform_name and platform_status: unknown where apply registers or
// verifies, state's values where it leaves the registration alone.
func (r *connectionResource) planPlatform(ctx context.Context, plan *connectionModel, config connectionModel, state *connectionModel,
	awsChanges bool, getPrivate func(context.Context, string) ([]byte, diag.Diagnostics), diags *diag.Diagnostics) {
	plan.PlatformName = planPlatformName(config, *plan)
	var prior *platformStatusValues
	pendingVerify := false
	if state != nil {
		prior = new(state.platformStatus())
		pending, getDiags := getPrivate(ctx, privatePlatformVerifyPending)
		diags.Append(getDiags...)
		pendingVerify = len(pending) > 0
	}
	plan.setPlatformStatus(planPlatformStatus(r.data.platform != nil, prior, pendingVerify, awsChanges))
	if r.data.platform == nil {
		return
	}
	if prior == nil || !prior.registered() || !plan.ConnectionID.Equal(state.ConnectionID) {
		r.checkConnectionIDFree(ctx, *plan, diags)
	} else if !plan.PlatformName.Equal(state.PlatformName) && !plan.PlatformName.IsUnknown() {
		diags.AddAttributeWarning(path.Root("platform_name"), "Registered LakeSail Connection Keeps Its Name",
			"The connection is already registered with the LakeSail platform, whose API cannot rename it: apply records the "+
				"new platform_name in state only. Rename the connection in LakeSail's console to match.")
	}
}

// resolve fills every attribute that follows from the configuration and the provisioner principal
// (the plan modifier's value, or resolveProvisioner's at apply): everything the documents
// determine, the trust policy's fingerprint unknown while the provisioner is. It returns the
// library spec.
func (r *connectionResource) resolve(ctx context.Context, m *connectionModel, externalID string, diags *diag.Diagnostics) (connection.Spec, bool) {
	if m.RoleName.IsUnknown() {
		m.RoleName = types.StringNull() // unset: the library's default name
	}
	spec := m.spec(ctx, externalID, r.data.defaultTags, diags)
	bundle, err := connection.New(r.data.client).Bundle(ctx, spec)
	if err != nil {
		addSpecError(diags, err)
		return spec, false
	}
	m.setFromBundle(bundle, spec)
	if m.ProvisionerPrincipalARN.IsUnknown() {
		m.leaveTrustFingerprintToApply()
	}
	return spec, !diags.HasError()
}

// provisionerPrincipalModifier plans provisioner_principal_arn without asking who plans: with
// separate plan and apply credentials (HCP Terraform's plan and apply roles, any pipeline with a
// read-only plan job) the planner is not the provisioner, and a value frozen at plan time would
// make apply fail as an inconsistent result. Unknown until apply records the principal that
// applies; kept from state after that, so the next plan is empty whoever makes it.
type provisionerPrincipalModifier struct{}

func (provisionerPrincipalModifier) Description(context.Context) string {
	return "the principal that applied when the provisioner was first trusted; unknown until then"
}

func (m provisionerPrincipalModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (provisionerPrincipalModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var trust, stateTrust types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("trust_provisioner"), &trust)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("trust_provisioner"), &stateTrust)...)
	}
	resp.PlanValue = keptProvisionerPrincipal(trust, stateTrust, req.StateValue)
}

// resolveProvisioner settles provisioner_principal_arn at apply: as planned when the plan knew
// it, otherwise the principal applying now (the role behind an assumed-role session), which is
// also the principal that goes on to build networks and workspaces through the connection role.
// The planner is never trusted for being the planner: a read-only plan role trusted by the
// connection role could change the account through it. It returns the caller's principal
// when it looked it up.
func (r *connectionResource) resolveProvisioner(ctx context.Context, m *connectionModel, state *connectionModel, diags *diag.Diagnostics) (string, bool) {
	if !m.ProvisionerPrincipalARN.IsUnknown() {
		return "", true
	}
	var stateTrust types.Bool
	var statePrincipal types.String
	if state != nil {
		stateTrust, statePrincipal = state.TrustProvisioner, state.ProvisionerPrincipalARN
	}
	if m.ProvisionerPrincipalARN = keptProvisionerPrincipal(m.TrustProvisioner, stateTrust, statePrincipal); !m.ProvisionerPrincipalARN.IsUnknown() {
		return "", true
	}
	identity, err := r.data.client.CallerIdentity(ctx)
	if err != nil {
		addAWSError(diags, "Cannot Identify the Provisioner", err)
		return "", false
	}
	m.ProvisionerPrincipalARN = types.StringValue(identity.PrincipalARN)
	return identity.PrincipalARN, true
}

// knownForPlanning reports whether the values the documents depend on are known.
func (m connectionModel) knownForPlanning() bool {
	for _, v := range []types.String{m.ConnectionID, m.TenantID, m.RolePath, m.ExternalID} {
		if v.IsUnknown() {
			return false
		}
	}
	return !m.TrustedPrincipalARNs.IsUnknown() && !m.Tags.IsUnknown() && !m.TrustProvisioner.IsUnknown() && !m.MaxSessionDuration.IsUnknown()
}

// changesFrom reports whether applying the plan would change anything in AWS.
func (m connectionModel) changesFrom(state connectionModel) bool {
	return !m.PolicySHA256.Equal(state.PolicySHA256) || !m.TagsAll.Equal(state.TagsAll) ||
		!m.MaxSessionDuration.Equal(state.MaxSessionDuration) || !m.ExternalID.Equal(state.ExternalID) ||
		!m.ExternalIDWOVersion.Equal(state.ExternalIDWOVersion) || !m.ProvisionerPrincipalARN.Equal(state.ProvisionerPrincipalARN) ||
		!m.TrustedPrincipalARNs.Equal(state.TrustedPrincipalARNs)
}

func (r *connectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan, config connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultConnectionTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	externalID := config.externalID()
	defer func() { resp.Diagnostics = redactSecrets(resp.Diagnostics, externalID) }() // an AWS error may echo it
	caller, ok := r.resolveProvisioner(ctx, &plan, nil, &resp.Diagnostics)
	if !ok {
		return
	}
	spec, ok := r.resolve(ctx, &plan, externalID, &resp.Diagnostics)
	if !ok {
		return
	}
	// Record the connection before the first AWS call: whatever a failed create leaves behind
	// is then in state, and destroy removes it.
	plan.Verified = types.BoolValue(false)
	if plan.PlatformName.IsUnknown() {
		plan.PlatformName = defaultPlatformName(plan)
	}
	if r.data.platform != nil {
		plan.setPlatformStatus(notYetRegistered(plan.ConnectionID.ValueString()))
	} else {
		plan.setPlatformStatus(noPlatformStatus())
	}
	conn, err := connection.New(r.data.client).Create(ctx, spec, func(string) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
	var conflict *lakesail.ConflictError
	if errors.As(err, &conflict) {
		// What exists belongs to another state or stack, and what this create made is gone again:
		// a record would let destroy, or the replacement of a tainted resource, delete the other
		// owner's connection.
		resp.State.RemoveResource(ctx)
		addConnectionIDInUse(&resp.Diagnostics, plan.ConnectionID.ValueString(), conflict)
		return
	}
	if err != nil {
		addConnectionError(&resp.Diagnostics, "Cannot Create LakeSail Connection", err)
		return
	}
	r.saveExternalIDDigest(ctx, config, plan, resp.Private.SetKey, &resp.Diagnostics)
	r.finishApply(ctx, &plan, conn, externalID, caller, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		// A platform failure is a warning here: an error would taint the resource, and the next
		// apply would replace a role that is fine. platform_status says what is left to do.
		r.registerOnPlatform(ctx, &plan, resp.Private.SetKey, &resp.Diagnostics, false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *connectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan, config, state connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pending, diags := req.Private.GetKey(ctx, privatePlatformVerifyPending)
	resp.Diagnostics.Append(diags...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultConnectionTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	externalID := config.externalID()
	defer func() { resp.Diagnostics = redactSecrets(resp.Diagnostics, externalID) }() // an AWS error may echo it
	caller, ok := r.resolveProvisioner(ctx, &plan, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	spec, ok := r.resolve(ctx, &plan, externalID, &resp.Diagnostics)
	if !ok {
		return
	}
	if plan.PlatformName.IsUnknown() {
		plan.PlatformName = defaultPlatformName(plan)
	}
	plan.setPlatformStatus(state.platformStatus())
	awsChanges := plan.changesFrom(state)
	if awsChanges {
		conn, err := connection.New(r.data.client).Update(ctx, spec)
		if err != nil {
			addConnectionError(&resp.Diagnostics, "Cannot Update LakeSail Connection", err)
			return
		}
		r.saveExternalIDDigest(ctx, config, plan, resp.Private.SetKey, &resp.Diagnostics)
		r.finishApply(ctx, &plan, conn, externalID, caller, &resp.Diagnostics)
	} else {
		plan.Verified = state.Verified
	}
	if !resp.Diagnostics.HasError() {
		r.applyPlatform(ctx, &plan, state, len(pending) > 0, awsChanges, resp.Private.SetKey, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// finishApply checks what create or update left (conn: what create made, or what update read
// back) and verifies the role when the provider's principal is the trusted provisioner; caller is
// that principal when resolveProvisioner looked it up.
func (r *connectionResource) finishApply(ctx context.Context, plan *connectionModel, conn *connection.Connection, externalID, caller string, diags *diag.Diagnostics) {
	if len(conn.Drift) > 0 {
		diags.AddError("LakeSail Connection Did Not Converge",
			"After apply the connection still differs from its configuration: "+strings.Join(conn.Drift, "; ")+
				". Something outside Terraform may be changing it; check CloudTrail for calls on the role and its policies.")
		return
	}
	plan.Verified = types.BoolValue(false)
	if plan.ProvisionerPrincipalARN.ValueString() == "" {
		tflog.Info(ctx, "the provider's principal is not trusted by the connection role; skipping verification")
		return
	}
	if caller == "" {
		identity, err := r.data.client.CallerIdentity(ctx)
		if err != nil {
			tflog.Warn(ctx, "cannot identify the provider's principal; skipping verification", map[string]any{"error": err.Error()})
			return
		}
		caller = identity.PrincipalARN
	}
	if caller != plan.ProvisionerPrincipalARN.ValueString() {
		// Another principal applied this update (a new pipeline role, a person): the trust
		// policy keeps the recorded provisioner, which is not who could verify it now.
		tflog.Info(ctx, "the provider's principal is not the connection's provisioner; skipping verification",
			map[string]any{"caller": caller, "provisioner": plan.ProvisionerPrincipalARN.ValueString()})
		return
	}
	err := connection.New(r.data.client).VerifyRole(ctx, conn.RoleARN, externalID, connection.VerifyOptions{})
	var propagating *connection.PropagationError
	switch {
	case err == nil:
		plan.Verified = types.BoolValue(true)
	case errors.As(err, &propagating):
		diags.AddWarning("Connection Role Still Propagating",
			fmt.Sprintf("Everything was created, but STS kept refusing to let the provider assume %s for %s although its trust policy "+
				"admits it: IAM has not caught up yet. Networks and workspaces retry; `verified` stays false until the next apply.",
				conn.RoleARN, propagating.Waited.Round(time.Second)))
	default:
		addConnectionError(diags, "Cannot Assume the Connection Role", err)
	}
}

func (r *connectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	externalID := state.ExternalID.ValueString()
	var observed *lakesail.RoleObservation // the role as read to find a write-only external ID
	if externalID == "" {
		digest, diags := req.Private.GetKey(ctx, privateExternalIDDigest)
		resp.Diagnostics.Append(diags...)
		externalID, observed = r.writeOnlyExternalID(ctx, state, string(digest), &resp.Diagnostics)
	}
	if externalID != placeholderExternalID {
		defer func() { resp.Diagnostics = redactSecrets(resp.Diagnostics, externalID) }()
	}
	spec := state.spec(ctx, externalID, r.data.defaultTags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	bundle, err := connection.New(r.data.client).Bundle(ctx, spec)
	if err != nil {
		addSpecError(&resp.Diagnostics, err)
		return
	}
	conn, err := connection.New(r.data.client).ReadObserved(ctx, spec, observed)
	if errors.Is(err, lakesail.ErrNotFound) {
		tflog.Warn(ctx, "connection role not found; removing the connection from state", map[string]any{"role": bundle.RoleName})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addConnectionError(&resp.Diagnostics, "Cannot Read LakeSail Connection", err)
		return
	}
	state.setFromBundle(bundle, spec)
	state.setFromObserved(conn)
	r.refreshPlatform(ctx, &state, &resp.Diagnostics)
	if len(conn.Drift) > 0 {
		resp.Diagnostics.AddWarning("LakeSail Connection Changed Outside Terraform",
			"The next apply restores it: "+strings.Join(conn.Drift, "; ")+".")
	}
	if len(conn.OutsideTrust) > 0 {
		addOutsideTrustWarning(&resp.Diagnostics, conn.OutsideTrust)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// writeOnlyExternalID finds, among the trust policy's external IDs, the one whose digest private
// state recorded; without it the trust policy is compared against a placeholder and shows drift.
// It also returns the role as it read it (nil when it did not), so the read that follows does
// not read it again. Only Read calls it.
func (r *connectionResource) writeOnlyExternalID(ctx context.Context, state connectionModel, digest string, diags *diag.Diagnostics) (string, *lakesail.RoleObservation) {
	if digest == "" {
		return placeholderExternalID, nil
	}
	// A refresh: the networks and workspaces of the connection, refreshed after it, find their
	// write-only external ID in the same read of the role (the client's cache, which the
	// connection's create, update and delete clear).
	var obs *lakesail.RoleObservation
	var err error
	if roleARN := state.RoleARN.ValueString(); roleARN != "" {
		obs, err = r.data.client.ObserveConnectionRoleCached(ctx, roleARN)
	} else {
		obs, err = r.data.client.ObserveConnectionRole(ctx, state.RoleName.ValueString())
	}
	if err != nil {
		if !errors.Is(err, lakesail.ErrNotFound) {
			addConnectionError(diags, "Cannot Read LakeSail Connection", err)
		}
		return placeholderExternalID, nil
	}
	for _, candidate := range obs.ExternalIDs {
		if fmt.Sprintf("%q", externalIDDigest(state.ConnectionID.ValueString(), candidate)) == digest {
			return candidate, obs
		}
	}
	return placeholderExternalID, obs
}

func (r *connectionResource) saveExternalIDDigest(ctx context.Context, config, plan connectionModel, set func(context.Context, string, []byte) diag.Diagnostics, diags *diag.Diagnostics) {
	if config.ExternalIDWO.IsNull() {
		return
	}
	value := fmt.Sprintf("%q", externalIDDigest(plan.ConnectionID.ValueString(), config.ExternalIDWO.ValueString()))
	diags.Append(set(ctx, privateExternalIDDigest, []byte(value))...)
}

func (r *connectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultConnectionTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// LakeSail must stop using the role before it goes.
	if !r.deregisterFromPlatform(ctx, state, &resp.Diagnostics) {
		return
	}
	// Names and ARNs do not depend on the external ID.
	spec := state.spec(ctx, placeholderExternalID, r.data.defaultTags, &resp.Diagnostics)
	err := connection.New(r.data.client).Delete(ctx, spec)
	var kept *connection.KeptOIDCProvidersError
	switch {
	case errors.As(err, &kept):
		// The connection is gone; what was kept is the account's to look at.
		resp.Diagnostics.AddWarning("LakeSail Connection Deleted, OIDC Providers Kept",
			"Destroying the connection kept IAM OIDC providers that carry its tag but are not shown to be its own "+
				"(the connection role can add its tag to a provider it did not create):\n  - "+strings.Join(kept.Kept, "\n  - "))
	case err != nil:
		if !addDeleteBlocked(&resp.Diagnostics, err) {
			addConnectionError(&resp.Diagnostics, "Cannot Delete LakeSail Connection", err)
		}
	}
}

// addDeleteBlocked reports each *lakesail.DeleteBlockedError in err (destroy refuses to touch
// identities the connection did not create) with the entities that block it; false when err
// holds none.
func addDeleteBlocked(diags *diag.Diagnostics, err error) bool {
	var blocked []*lakesail.DeleteBlockedError
	var walk func(error)
	walk = func(err error) {
		if joined, ok := err.(interface{ Unwrap() []error }); ok { // errors.As would stop at the first
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		var b *lakesail.DeleteBlockedError
		if errors.As(err, &b) {
			blocked = append(blocked, b)
		}
	}
	walk(err)
	for _, b := range blocked {
		detail := b.Object + " is still used by IAM identities that destroy does not delete:\n"
		for _, who := range b.BlockedBy {
			detail += "  - " + who + "\n"
		}
		if len(b.BlockedBy) == 0 {
			detail += "  (AWS lists none: a change may still be propagating)\n"
		}
		detail += "\nDestroy never detaches, re-bounds or deletes what the connection did not create. " + b.Fix + "."
		if b.Err != nil {
			detail += "\n\nAWS error: " + b.Err.Error()
		}
		diags.AddError("Cannot Delete LakeSail Connection: "+b.Object+" Is In Use", detail)
	}
	return len(blocked) > 0
}

// addOutsideTrustWarning names the roles the connection made that trust principals outside it.
func addOutsideTrustWarning(diags *diag.Diagnostics, roles []connection.OutsideTrust) {
	lines := make([]string, len(roles))
	for i, role := range roles {
		lines[i] = "  - " + role.String()
	}
	diags.AddWarning("LakeSail Workload Roles Trust Principals Outside The Connection",
		"These roles were made through the connection role (they are named lakesail-<connection_id>-… or carry its "+
			"WorkloadBoundary) but trust principals other than LakeSail, the connection's trusted principals, EKS, EC2 "+
			"and the connection's OIDC providers:\n"+strings.Join(lines, "\n")+
			"\n\nApply does not change them. Check CloudTrail for who created them; delete them (or fix their trust policy), "+
			"or destroy the connection, which deletes every role it made.")
}

// ImportState takes "<connection_id>" or "<connection_id>:<role_name>" and reads the rest of the
// configuration back from the role.
func (r *connectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	connectionID, roleName, _ := strings.Cut(req.ID, ":")
	if !lakeSailIDPattern.MatchString(connectionID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("%q is not a connection id. Import with the 10-character connection id, or <connection_id>:<role_name> for a role with a custom name.", req.ID))
		return
	}
	if roleName == "" {
		roleName = connpolicy.DefaultRoleName(connectionID)
	}
	obs, err := r.data.client.ObserveConnectionRole(ctx, roleName)
	if err != nil {
		addConnectionError(&resp.Diagnostics, "Cannot Import LakeSail Connection", err)
		return
	}
	state := importedConnection(ctx, connectionID, obs, r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// importedConnection rebuilds the arguments from the role: the external ID from its trust
// policy, trusted principals from the provisioner statement, tags less the managed ones.
func importedConnection(ctx context.Context, connectionID string, obs *lakesail.RoleObservation, data *providerData, diags *diag.Diagnostics) connectionModel {
	m := connectionModel{
		ID:                    types.StringValue(connectionID),
		ConnectionID:          types.StringValue(connectionID),
		TenantID:              types.StringValue(obs.TenantID),
		RoleName:              types.StringValue(obs.RoleName),
		RolePath:              types.StringValue(obs.RolePath),
		MaxSessionDuration:    types.Int64Value(int64(obs.MaxSessionDuration / time.Second)),
		TrustProvisioner:      types.BoolValue(false),
		ExternalIDWOVersion:   types.Int64Null(),
		ExternalIDWO:          types.StringNull(),
		TrustedPrincipalARNs:  types.SetNull(types.StringType),
		Tags:                  types.MapNull(types.StringType),
		TagsAll:               types.MapNull(types.StringType),
		ManagedPolicyARNs:     types.MapNull(types.StringType),
		PolicySHA256:          types.MapNull(types.StringType),
		Verified:              types.BoolValue(false),
		PlatformStatus:        types.StringValue(""), // Read, which follows import, refreshes both
		PlatformStatusMessage: types.StringValue(""),
	}
	// Empty, as apply leaves it, when the provider's principal is not trusted (set below when it
	// is); null would make ImportStateVerify and the first plan after import differ.
	m.ProvisionerPrincipalARN = types.StringValue("")
	m.PlatformName = defaultPlatformName(m)
	m.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})
	if ids := slices.Compact(slices.Sorted(slices.Values(obs.ExternalIDs))); len(ids) == 1 {
		m.ExternalID = types.StringValue(ids[0])
	} else {
		diags.AddError("Cannot Import LakeSail Connection", fmt.Sprintf(
			"The trust policy of %s has %d distinct external IDs; a connection has exactly one. Fix the trust policy or recreate the connection.",
			obs.RoleName, len(ids)))
		return m
	}
	principals := obs.ProvisionerPrincipals
	if identity, err := data.client.CallerIdentity(ctx); err == nil && slices.Contains(principals, identity.PrincipalARN) {
		m.TrustProvisioner = types.BoolValue(true)
		m.ProvisionerPrincipalARN = types.StringValue(identity.PrincipalARN)
		principals = slices.DeleteFunc(slices.Clone(principals), func(p string) bool { return p == identity.PrincipalARN })
	}
	if len(principals) > 0 {
		m.TrustedPrincipalARNs, _ = types.SetValueFrom(ctx, types.StringType, principals)
	}
	own := map[string]string{}
	for k, v := range obs.Tags {
		_, managed := connpolicy.Tags(connpolicy.Spec{})[k]
		if !managed && data.defaultTags[k] != v {
			own[k] = v
		}
	}
	if len(own) > 0 {
		m.Tags = stringMapValue(own)
	}
	return m
}

// addSpecError reports a document-spec problem on the attribute it concerns.
func addSpecError(diags *diag.Diagnostics, err error) {
	attributes := map[string]string{
		"ConnectionID": "connection_id", "TenantID": "tenant_id", "RoleName": "role_name", "RolePath": "role_path",
		"ExternalID": "external_id", "LakeSailPrincipal": "lakesail_principal",
	}
	var specErr *connpolicy.SpecError
	if errors.As(err, &specErr) {
		name := attributes[specErr.Field]
		if strings.HasPrefix(specErr.Field, "ProvisionerPrincipals") {
			name = "trusted_principal_arns"
		}
		if name != "" {
			diags.AddAttributeError(path.Root(name), "Invalid LakeSail Connection", fmt.Sprintf("%s %s; %s.", name, specErr.Problem, specErr.Fix))
			return
		}
	}
	var sizeErr *connpolicy.SizeError
	if errors.As(err, &sizeErr) && sizeErr.Kind == connpolicy.KindTrust {
		diags.AddAttributeError(path.Root("trusted_principal_arns"), "Trust Policy Too Large",
			err.Error()+". Trust fewer principals (an account root instead of many roles) or ask AWS to raise the role trust policy quota.")
		return
	}
	diags.AddError("Invalid LakeSail Connection", err.Error())
}

// addConnectionError explains library errors in the user's terms.
func addConnectionError(diags *diag.Diagnostics, summary string, err error) {
	var conflict *lakesail.ConflictError
	var trust *connection.TrustError
	switch {
	case errors.As(err, &conflict):
		diags.AddError(summary, err.Error()+"\n\nIt probably belongs to another Terraform state or a CloudFormation stack. "+
			"Import it with `terraform import` if this configuration should manage it; otherwise choose another name. "+
			"Do not delete it unless you know nothing else manages it.")
	case errors.As(err, &trust):
		diags.AddError(summary, err.Error()+"\n\nThe trust policy or the external ID is wrong: check that `external_id` is the one "+
			"LakeSail shows for this connection, and that nobody edited the role's trust policy.")
	default:
		addAWSError(diags, summary, err)
	}
}

// addConnectionIDInUse explains a create that found an object of the connection already there:
// which object, who probably owns it, that this apply recorded and changed nothing, and what to do.
func addConnectionIDInUse(diags *diag.Diagnostics, connectionID string, conflict *lakesail.ConflictError) {
	var detail strings.Builder
	fmt.Fprintf(&detail, "%s already exists, so connection_id %s is most likely owned by another Terraform state or "+
		"a CloudFormation stack (or was left by an interrupted apply). This apply recorded nothing in state and did not "+
		"change or delete anything that already existed; anything it had created itself was deleted again.\n\n", conflict.What, connectionID)
	var rollback *connection.RollbackError
	if errors.As(conflict, &rollback) {
		fmt.Fprintf(&detail, "Except: these objects this apply created could not be deleted, and no state records them. "+
			"Delete them by hand: %s.\n\n", strings.Join(rollback.LeftBehind, ", "))
	}
	fmt.Fprintf(&detail, "To manage the existing connection from this configuration, remove it from the state that owns it "+
		"and import it here: terraform import <address> %s (append :<role_name> for a custom role name). Otherwise choose "+
		"another connection_id. If nothing owns it, delete the role and the lakesail-%s-* managed policies and apply again.\n\n",
		connectionID, connectionID)
	var awsErr *lakesail.AWSError
	if errors.As(conflict, &awsErr) {
		detail.WriteString(awsErr.Error())
	} else {
		detail.WriteString(conflict.Error())
	}
	diags.AddAttributeError(path.Root("connection_id"), "LakeSail Connection ID Already in Use", detail.String())
}
