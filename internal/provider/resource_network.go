package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	lsnetwork "github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

const (
	defaultNetworkCreateTimeout = 30 * time.Minute
	defaultNetworkReadTimeout   = 5 * time.Minute
	defaultNetworkUpdateTimeout = 30 * time.Minute
	defaultNetworkDeleteTimeout = 30 * time.Minute
	// privateNetworkImported marks a state made by ImportState, whose arguments Read fills in.
	privateNetworkImported = "network_imported"
)

var (
	_ resource.ResourceWithConfigure      = (*networkResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*networkResource)(nil)
	_ resource.ResourceWithImportState    = (*networkResource)(nil)
	_ resource.ResourceWithValidateConfig = (*networkResource)(nil)
)

type networkResource struct {
	data *providerData
}

func newNetworkResource() resource.Resource { return &networkResource{} }

func (r *networkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_network"
}

func (r *networkResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	s := networkSchema(ctx)
	for name, a := range platformStatusAttributes("network") {
		s.Attributes[name] = a
	}
	s.Attributes["platform_id"] = computedString("The network's id on the LakeSail platform; empty when it is not registered.")
	resp.Schema = s
}

func (r *networkResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan shows what follows from the configuration (the id, bucket and alias names) and
// marks unknown what apply will make anew: objects found missing at the last refresh, and the
// NAT gateways when their layout changes.
func (r *networkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		if req.Plan.Raw.IsNull() && !req.State.Raw.IsNull() && r.data != nil {
			r.warnRetainedOnPlan(ctx, req, resp)
		}
		return
	}
	r.data.checkPlatformAccess(ctx, &resp.Diagnostics) // once per provider configuration
	var plan, config networkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *networkModel
	if !req.State.Raw.IsNull() {
		state = &networkModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if !plan.ConnectionID.IsUnknown() && !plan.NetworkID.IsUnknown() {
		names := lsnetwork.Spec{ConnectionID: plan.ConnectionID.ValueString(), NetworkID: plan.NetworkID.ValueString()}
		plan.ID = types.StringValue(plan.networkID())
		plan.BucketName = types.StringValue(names.BucketName())
		if !plan.RoleARN.IsUnknown() {
			partition, _ := roleAccount(plan.RoleARN.ValueString())
			plan.BucketARN = types.StringValue("arn:" + partition + ":s3:::" + names.BucketName())
		}
		plan.KMSAlias = types.StringValue("")
		if config.KMSKeyARN.IsNull() {
			plan.KMSAlias = types.StringValue(names.KMSAlias())
		}
	}
	if plan.bringsOwnVPC() {
		plan.NATGatewayIDs = stringListValue(nil)
		plan.SecurityGroupID, plan.S3EndpointID = types.StringValue(""), types.StringValue("")
		if n := len(plan.PrivateSubnetIDs.Elements()); !plan.PrivateSubnetIDs.IsUnknown() && n > 0 {
			plan.AvailabilityZoneCount = types.Int64Value(int64(n))
		}
	} else if plan.AvailabilityZoneCount.IsUnknown() {
		if !plan.AvailabilityZones.IsUnknown() && !plan.AvailabilityZones.IsNull() {
			plan.AvailabilityZoneCount = types.Int64Value(int64(len(plan.AvailabilityZones.Elements())))
		} else if config.AvailabilityZoneCount.IsNull() && config.AvailabilityZones.IsNull() {
			plan.AvailabilityZoneCount = types.Int64Value(lsnetwork.DefaultZoneCount)
		}
	}
	awsChanges := state == nil
	if state != nil {
		awsChanges = r.planRepairs(ctx, &plan, *state)
	}
	plan.Drift = stringListValue(nil)
	r.planPlatform(&plan, state, awsChanges)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planRepairs marks unknown the ids an update will replace: of objects the last refresh found
// missing, and the NAT gateways when nat_gateways changes. It reports whether apply changes AWS.
func (r *networkResource) planRepairs(ctx context.Context, plan *networkModel, state networkModel) bool {
	changes := len(state.Drift.Elements()) > 0 || !plan.Tags.Equal(state.Tags) || !plan.NATGateways.Equal(state.NATGateways)
	// kms_key_arn no longer configured after a brought key: apply makes the network's own key, so
	// UseStateForUnknown's copy of the brought key's ARN would not be what apply returns.
	if state.bringsOwnKey(nil) && plan.KMSAlias.ValueString() != "" {
		plan.KMSKeyARN = types.StringUnknown()
	}
	if plan.bringsOwnVPC() {
		return changes
	}
	zones := int(state.AvailabilityZoneCount.ValueInt64())
	natCount := 1
	if plan.NATGateways.ValueString() == string(lsnetwork.NATPerAZ) {
		natCount = zones
	}
	if !plan.NATGateways.Equal(state.NATGateways) || len(state.NATGatewayIDs.Elements()) != natCount {
		plan.NATGatewayIDs = types.ListUnknown(types.StringType)
	}
	missing := func(s types.String) bool { return s.ValueString() == "" }
	for _, attr := range []struct {
		gone  bool
		value *types.String
	}{
		{missing(state.SecurityGroupID), &plan.SecurityGroupID},
		{missing(state.S3EndpointID), &plan.S3EndpointID},
		{missing(state.KMSKeyARN), &plan.KMSKeyARN},
	} {
		if attr.gone {
			*attr.value = types.StringUnknown()
		}
	}
	for _, list := range []struct {
		state types.List
		plan  *types.List
	}{{state.PrivateSubnetIDs, &plan.PrivateSubnetIDs}, {state.PublicSubnetIDs, &plan.PublicSubnetIDs}} {
		if len(list.state.Elements()) != zones {
			*list.plan = types.ListUnknown(types.StringType)
		}
	}
	return changes
}

// networkSubject names the network in platform diagnostics.
func (m networkModel) platformSubject() platformSubject {
	return platformSubject{Kind: "network", Name: m.networkID(), AWS: "VPC " + m.VPCID.ValueString()}
}

func (r *networkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan, config networkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	defer func() { resp.Diagnostics = redactSecrets(resp.Diagnostics, config.externalID()) }() // an AWS error may echo it
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultNetworkCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	spec := plan.spec(ctx, &config, r.data.defaultTags, &resp.Diagnostics)
	recordExternalIDDigest(ctx, plan.ConnectionID.ValueString(), config.ExternalIDWO, resp.Private.SetKey, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// Save the network's identity before the first AWS call and every object as it is made:
	// whatever a failed create leaves is in state, and destroy (which finds everything by tag)
	// removes it.
	saved := plan
	saved.settle()
	save := func(n *lsnetwork.Network) {
		m := saved
		if n != nil {
			m.flatten(n)
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateNetworkRecord, privateRecordOf(n))...)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
	network, err := lsnetwork.New(r.data.client).Create(ctx, spec, func() { save(nil) }, func(n lsnetwork.Network) { save(&n) })
	if err != nil {
		addNetworkError(&resp.Diagnostics, "Cannot Create LakeSail Network", err)
		return
	}
	plan.flatten(network)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateNetworkRecord, privateRecordOf(network))...)
	r.registerOnPlatform(ctx, &plan, &resp.Diagnostics, false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *networkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state networkModel
	var trustExternalID string // read from the trust policy for a network applied with external_id_wo
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	defer func() { // an AWS error may echo it
		resp.Diagnostics = redactSecrets(resp.Diagnostics, state.ExternalID.ValueString(), trustExternalID)
	}()
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultNetworkReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	imported, diags := req.Private.GetKey(ctx, privateNetworkImported)
	resp.Diagnostics.Append(diags...)
	if len(imported) > 0 {
		r.readImported(ctx, &state, resp)
		return
	}
	private, diags := req.Private.GetKey(ctx, privateNetworkRecord)
	resp.Diagnostics.Append(diags...)
	spec := state.spec(ctx, nil, r.data.defaultTags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	trustExternalID = r.openSession(ctx, "Cannot Read LakeSail Network", &spec, req.Private.GetKey, true, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	network, err := lsnetwork.New(r.data.client).Read(ctx, spec, state.recorded(ctx, private))
	if errors.Is(err, lakesail.ErrNotFound) {
		tflog.Warn(ctx, "the network's VPC (or, for a brought VPC, its bucket) is gone; removing the network from state", map[string]any{"network": state.networkID()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addNetworkError(&resp.Diagnostics, "Cannot Read LakeSail Network", err)
		return
	}
	state.flatten(network)
	if len(network.Drift) > 0 {
		resp.Diagnostics.AddWarning("LakeSail Network Changed Outside Terraform",
			"The next apply puts it back: "+strings.Join(network.Drift, "; ")+".")
	}
	r.refreshPlatform(ctx, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *networkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan, config, state networkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	defer func() { // an AWS error may echo it
		resp.Diagnostics = redactSecrets(resp.Diagnostics, state.ExternalID.ValueString(), config.externalID())
	}()
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultNetworkUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	private, diags := req.Private.GetKey(ctx, privateNetworkRecord)
	resp.Diagnostics.Append(diags...)
	spec := plan.spec(ctx, &config, r.data.defaultTags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	network, err := lsnetwork.New(r.data.client).Update(ctx, spec, state.recorded(ctx, private), nil)
	if err != nil {
		addNetworkError(&resp.Diagnostics, "Cannot Update LakeSail Network", err)
		return
	}
	recordExternalIDDigest(ctx, plan.ConnectionID.ValueString(), config.ExternalIDWO, resp.Private.SetKey, &resp.Diagnostics)
	plan.flatten(network)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateNetworkRecord, privateRecordOf(network))...)
	if len(network.Drift) > 0 {
		resp.Diagnostics.AddError("LakeSail Network Did Not Converge",
			"After apply the network still differs from its configuration: "+strings.Join(network.Drift, "; ")+
				". Something outside Terraform may be changing it; check CloudTrail for calls on the network's objects.")
	}
	if !plan.platformStatus().registered() {
		r.registerOnPlatform(ctx, &plan, &resp.Diagnostics, true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *networkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state networkModel
	var trustExternalID string // read from the trust policy for a network applied with external_id_wo
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	defer func() { // an AWS error may echo it
		resp.Diagnostics = redactSecrets(resp.Diagnostics, state.ExternalID.ValueString(), trustExternalID)
	}()
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultNetworkDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if !r.deregisterFromPlatform(ctx, state, &resp.Diagnostics) {
		return
	}
	private, diags := req.Private.GetKey(ctx, privateNetworkRecord)
	resp.Diagnostics.Append(diags...)
	spec := state.spec(ctx, nil, r.data.defaultTags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	trustExternalID = r.openSession(ctx, "Cannot Delete LakeSail Network", &spec, req.Private.GetKey, false, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	retained, err := lsnetwork.New(r.data.client).Delete(ctx, spec, state.recorded(ctx, private))
	if err != nil {
		addNetworkError(&resp.Diagnostics, "Cannot Delete LakeSail Network", err)
		return
	}
	addRetainedWarning(&resp.Diagnostics, state.networkID(), retained)
}

// openSession acts as the connection role for a refresh or destroy through the library's
// connection session and hands it to the operation in spec. Without external_id in state (a
// network applied with external_id_wo, which only the configuration holds, or with neither) the
// library reads the external ID from the trust policy with the provider's own credentials,
// choosing the one whose digest the last apply recorded; it returns that ID, which the caller
// redacts from its diagnostics. A failure is reported under summary. refresh (Read only) reads
// the trust policy through the client's cache of connection roles, which the connection's own
// refresh has usually filled; a destroy reads it afresh.
func (r *networkResource) openSession(ctx context.Context, summary string, spec *lsnetwork.Spec,
	getPrivate func(context.Context, string) ([]byte, diag.Diagnostics), refresh bool, diags *diag.Diagnostics) string {
	digest, getDiags := getPrivate(ctx, privateExternalIDDigest)
	diags.Append(getDiags...)
	sess, err := r.data.client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{
		RoleARN: spec.RoleARN, ExternalID: spec.ExternalID, TenantID: spec.TenantID,
		ConnectionID: spec.ConnectionID, ExternalIDDigest: privateDigest(digest),
		SessionName: lsnetwork.SessionName(spec.NetworkID), Cached: refresh,
	})
	trustExternalID := ""
	if sess != nil && sess.ExternalID != spec.ExternalID {
		trustExternalID = sess.ExternalID
	}
	if err != nil {
		addNetworkError(diags, summary, err)
		return trustExternalID
	}
	if sess.ExternalIDStale {
		addStaleExternalIDWarning(diags, "network", spec.RoleARN)
	}
	spec.Session = sess
	return trustExternalID
}

// addRetainedWarning names what a destroy without force_destroy kept.
func addRetainedWarning(diags *diag.Diagnostics, network string, retained lsnetwork.Retained) {
	var kept []string
	if retained.BucketName != "" {
		kept = append(kept, "the workspace bucket "+retained.BucketName)
	}
	if retained.KMSKeyARN != "" {
		kept = append(kept, "the KMS key "+retained.KMSKeyARN+" that encrypts it")
	}
	if len(kept) == 0 {
		return
	}
	diags.AddWarning("LakeSail Network Data Retained",
		fmt.Sprintf("Network %s was destroyed, but %s were kept so that no data is lost (force_destroy is false). "+
			"Creating the network again with the same ids picks them up. To delete them, set force_destroy = true and apply "+
			"before destroying, or delete them yourself (the key with a waiting period, after the bucket).", network, strings.Join(kept, " and ")))
}

// warnRetainedOnPlan tells, at plan time, what a destroy of this network will keep.
func (r *networkResource) warnRetainedOnPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state networkModel
	if diags := req.State.Get(ctx, &state); diags.HasError() || state.ForceDestroy.ValueBool() {
		return
	}
	kept := lsnetwork.Retained{BucketName: state.BucketName.ValueString()}
	if !state.bringsOwnKey(nil) {
		kept.KMSKeyARN = state.KMSKeyARN.ValueString()
	}
	if kept.BucketName != "" || kept.KMSKeyARN != "" {
		resp.Diagnostics.AddWarning("LakeSail Network Data Will Be Retained",
			fmt.Sprintf("Destroying network %s keeps %s and %s (force_destroy is false), so no data is lost.",
				state.networkID(), orNone(kept.BucketName), orNone(kept.KMSKeyARN)))
	}
}

func orNone(s string) string {
	if s == "" {
		return "nothing else"
	}
	return s
}

// ImportState takes `<connection_id>/<network_id>` (the role is then the connection's default
// role, lakesail-<connection_id>-LakeSailRole, in the provider's account) or
// `<connection_id>/<network_id>/<role_arn>`; Read then fills every argument from AWS.
func (r *networkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	parts := strings.SplitN(req.ID, "/", 3)
	if len(parts) < 2 || !lakeSailIDPattern.MatchString(parts[0]) || !lakeSailIDPattern.MatchString(parts[1]) {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q is not <connection_id>/<network_id> or <connection_id>/<network_id>/<role_arn> "+
			"(ids are 10 upper-case letters or digits, e.g. AB12CD34EF/NET0000001).", req.ID))
		return
	}
	roleARN := ""
	if len(parts) == 3 {
		roleARN = parts[2]
		if !networkRoleARNPattern.MatchString(roleARN) {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q is not an IAM role ARN.", roleARN))
			return
		}
	} else {
		account, err := r.data.client.AccountID(ctx)
		if err != nil {
			addAWSError(&resp.Diagnostics, "Cannot Find the Connection Role", err)
			return
		}
		roleARN = "arn:" + r.data.client.Partition() + ":iam::" + account + ":role/lakesail-" + parts[0] + "-LakeSailRole"
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[0]+"/"+parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connection_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("network_id"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("role_arn"), roleARN)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateNetworkImported, []byte(`true`))...)
}

// readImported fills the arguments of an imported network from what AWS has.
func (r *networkResource) readImported(ctx context.Context, state *networkModel, resp *resource.ReadResponse) {
	spec, network, err := lsnetwork.New(r.data.client).Import(ctx, lsnetwork.Spec{
		ConnectionID: state.ConnectionID.ValueString(), NetworkID: state.NetworkID.ValueString(), RoleARN: state.RoleARN.ValueString(),
	})
	if err != nil {
		addNetworkError(&resp.Diagnostics, "Cannot Import LakeSail Network", err)
		return
	}
	state.ExternalID = types.StringNull()
	state.ForceDestroy = types.BoolValue(false)
	state.CIDRBlock, state.NATGateways, state.AvailabilityZoneCount = types.StringNull(), types.StringNull(), types.Int64Null()
	if spec.BringsOwnVPC() {
		state.AvailabilityZones = types.ListNull(types.StringType)
	} else {
		state.CIDRBlock = types.StringValue(spec.CIDRBlock)
		if spec.NATGateways == lsnetwork.NATPerAZ {
			state.NATGateways = types.StringValue(string(spec.NATGateways))
		}
	}
	own := map[string]string{}
	for k, v := range spec.Tags {
		if r.data.defaultTags[k] != v {
			own[k] = v
		}
	}
	state.Tags = types.MapNull(types.StringType)
	if len(own) > 0 {
		state.Tags = stringMapValue(own)
	}
	state.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType})
	state.flatten(network)
	state.PlatformID, state.PlatformStatus, state.PlatformStatusMessage = types.StringValue(""), types.StringValue(""), types.StringValue("")
	r.refreshPlatform(ctx, state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateNetworkImported, nil)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateNetworkRecord, privateRecordOf(network))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// addNetworkError explains library errors in the user's terms.
func addNetworkError(diags *diag.Diagnostics, summary string, err error) {
	var disconnected *lakesail.DisconnectedError
	var specErr *lsnetwork.SpecError
	var conflict *lakesail.ConflictError
	var unusable *lsnetwork.KeyUnusableError
	var natFailed *lsnetwork.NATGatewayFailedError
	var dependency *lsnetwork.DependencyError
	var ownerNeeded *lakesail.OwnerCredentialsRequiredError
	var adoptable *lsnetwork.AdoptableTagError
	var needed *lakesail.ExternalIDNeededError
	var untagged *lakesail.TenantTagError
	var awsErr *lakesail.AWSError
	switch {
	case errors.As(err, &needed):
		diags.AddAttributeError(path.Root("external_id"), summary, fmt.Sprintf("external_id must be given: the trust policy of %s has %d "+
			"different external IDs.", needed.RoleName, needed.Count))
	case errors.As(err, &untagged):
		diags.AddError(summary, fmt.Sprintf("invalid network: TenantID must be given: the connection role %s has no valid %s tag",
			untagged.RoleName, untagged.Tag))
	case errors.As(err, &adoptable):
		// Only the account may mark a brought VPC or subnet adoptable (or unmark it); the error names the ids and the fix.
		diags.AddAttributeError(path.Root("vpc_id"), summary, err.Error()+".")
	case errors.As(err, &ownerNeeded) && ownerNeeded.Err == nil:
		diags.AddError(summary, fmt.Sprintf("%v\n\nThe connection role is denied changing the settings that keep the network's data in the "+
			"account, so that LakeSail can never widen access to it; they are restored with the provider's own credentials, and those "+
			"belong to another account. Run terraform apply with credentials of the connection's account.", err))
	case errors.As(err, &ownerNeeded):
		diags.AddError(summary, fmt.Sprintf("%v\n\nThe provider's own credentials restore the %s of %s (the connection role may not). "+
			"Give them the permission AWS names above, or restore the setting yourself, and apply again.", err, ownerNeeded.Setting, ownerNeeded.Resource))
	case errors.As(err, &disconnected):
		diags.AddError("LakeSail Connection Disconnected",
			fmt.Sprintf("The connection role %s can no longer be assumed: %s. The network still exists in AWS and stays in "+
				"Terraform state; nothing was changed. Restore the connection (apply lakesail_connection, or redeploy its "+
				"CloudFormation stack) and run Terraform again. If you mean to abandon the network, remove it from state with "+
				"`terraform state rm`; its objects then stay in the account.\n\n%v", disconnected.RoleARN, disconnected.Reason, disconnected.Err))
	case errors.As(err, &specErr):
		if attribute := networkSpecAttributes[specErr.Field]; attribute != "" {
			diags.AddAttributeError(path.Root(attribute), summary, fmt.Sprintf("%s %s.", attribute, specErr.Problem))
			return
		}
		diags.AddError(summary, err.Error())
	case errors.As(err, &conflict):
		diags.AddError(summary, err.Error())
	case errors.As(err, &unusable):
		diags.AddError(summary, err.Error()+". The network will not replace the key on its own: every object in the bucket needs it.")
	case errors.As(err, &natFailed):
		diags.AddError(summary, err.Error()+"\n\nAWS accepted the NAT gateway but could not start it. The failed gateway is "+
			"recorded; apply again to replace it, after fixing what the code above names (e.g. an elastic IP quota).")
	case errors.As(err, &dependency):
		diags.AddError(summary, err.Error()+"\n\nEC2 keeps refusing because something the network did not create is still in "+
			"its VPC: usually load balancers or nodes of a workspace (destroy the workspaces first), or objects made by hand. "+
			"Delete them and destroy again; everything the network made that is already gone stays gone.")
	case errors.As(err, &awsErr) && awsErr.IsAccessDenied() && strings.Contains(awsErr.Message, "resource-based policy"):
		diags.AddError(summary, fmt.Sprintf("%s\n\nThe object's own policy refuses %s. The workspace bucket's policy denies every "+
			"request made without TLS: if the provider's S3 endpoint is plain http (an endpoints override), point it at https.", err, awsErr.Action))
	case errors.As(err, &awsErr) && awsErr.IsAccessDenied():
		diags.AddError(summary, fmt.Sprintf("%s\n\nThe connection role may not perform %s. Its policies may be out of date or "+
			"changed outside Terraform: apply lakesail_connection to restore them (its plan shows any drift in policy_sha256).", err, awsErr.Action))
	case errors.As(err, &awsErr):
		diags.AddError(summary, fmt.Sprintf("%s\n\n%s answered %s. What was made so far is saved in state; apply again "+
			"once the cause is fixed, or destroy to remove it.", err, awsErr.Action, awsErr.Answer()))
	default:
		diags.AddError(summary, err.Error())
	}
}

// networkSpecAttributes maps NetworkSpec fields to the attributes they come from.
var networkSpecAttributes = map[string]string{
	"ConnectionID": "connection_id", "NetworkID": "network_id", "RoleARN": "role_arn", "ExternalID": "external_id",
	"CIDRBlock": "cidr_block", "AvailabilityZones": "availability_zones", "AvailabilityZoneCount": "availability_zone_count",
	"NATGateways": "nat_gateways", "VPCID": "vpc_id", "PrivateSubnetIDs": "private_subnet_ids", "PublicSubnetIDs": "public_subnet_ids",
	"KMSKeyARN": "kms_key_arn", "Tags": "tags",
}
