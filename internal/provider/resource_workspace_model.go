package provider

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// workspaceModel is lakesail_workspace's plan and state.
type workspaceModel struct {
	ID                    types.String   `tfsdk:"id"`
	ConnectionID          types.String   `tfsdk:"connection_id"`
	RoleARN               types.String   `tfsdk:"role_arn"`
	ExternalID            types.String   `tfsdk:"external_id"`
	ExternalIDWO          types.String   `tfsdk:"external_id_wo"`
	ExternalIDWOVersion   types.Int64    `tfsdk:"external_id_wo_version"`
	WorkspaceID           types.String   `tfsdk:"workspace_id"`
	VpcID                 types.String   `tfsdk:"vpc_id"`
	PrivateSubnetIDs      types.List     `tfsdk:"private_subnet_ids"`
	PublicSubnetIDs       types.List     `tfsdk:"public_subnet_ids"`
	SessionLoadBalancer   types.Object   `tfsdk:"session_load_balancer"`
	Karpenter             types.Object   `tfsdk:"karpenter"`
	SecurityGroupID       types.String   `tfsdk:"security_group_id"`
	KMSKeyARN             types.String   `tfsdk:"kms_key_arn"`
	BucketName            types.String   `tfsdk:"bucket_name"`
	KubernetesVersion     types.String   `tfsdk:"kubernetes_version"`
	EndpointPublicAccess  types.Bool     `tfsdk:"endpoint_public_access"`
	PublicAccessCIDRs     types.Set      `tfsdk:"public_access_cidrs"`
	LogTypes              types.Set      `tfsdk:"log_types"`
	LogRetentionDays      types.Int64    `tfsdk:"log_retention_days"`
	CertificateRenewal    types.Int64    `tfsdk:"certificate_renewal_days"`
	SystemNodeGroup       types.Object   `tfsdk:"system_node_group"`
	Addons                types.Map      `tfsdk:"addons"`
	GlueDatabases         types.Set      `tfsdk:"glue_databases"`
	WorkloadIdentity      types.String   `tfsdk:"workload_identity"`
	Tags                  types.Map      `tfsdk:"tags"`
	ClusterName           types.String   `tfsdk:"cluster_name"`
	ClusterARN            types.String   `tfsdk:"cluster_arn"`
	Endpoint              types.String   `tfsdk:"endpoint"`
	CertificateAuthority  types.String   `tfsdk:"certificate_authority"`
	OIDCIssuerURL         types.String   `tfsdk:"oidc_issuer_url"`
	OIDCProviderARN       types.String   `tfsdk:"oidc_provider_arn"`
	ClusterRoleARN        types.String   `tfsdk:"cluster_role_arn"`
	NodeRoleARN           types.String   `tfsdk:"node_role_arn"`
	WorkloadRoleARNs      types.Map      `tfsdk:"workload_role_arns"`
	LogGroupName          types.String   `tfsdk:"log_group_name"`
	NodeLaunchTemplate    types.String   `tfsdk:"node_launch_template_name"`
	CertificateARN        types.String   `tfsdk:"certificate_arn"`
	SessionLBDNSName      types.String   `tfsdk:"session_load_balancer_dns_name"`
	SessionLBARN          types.String   `tfsdk:"session_load_balancer_arn"`
	SessionListenerARN    types.String   `tfsdk:"session_listener_arn"`
	SessionTargetGroupARN types.String   `tfsdk:"session_target_group_arn"`
	KarpenterNodeRoleARN  types.String   `tfsdk:"karpenter_node_role_arn"`
	KarpenterProfileName  types.String   `tfsdk:"karpenter_instance_profile_name"`
	KarpenterProfileARN   types.String   `tfsdk:"karpenter_instance_profile_arn"`
	KarpenterParameter    types.String   `tfsdk:"karpenter_settings_parameter_name"`
	CertificateNotAfter   types.String   `tfsdk:"certificate_not_after"`
	SSMParameterNames     types.List     `tfsdk:"ssm_parameter_names"`
	GlueDatabaseNames     types.List     `tfsdk:"glue_database_names"`
	PlatformID            types.String   `tfsdk:"platform_id"`
	PlatformStatus        types.String   `tfsdk:"platform_status"`
	PlatformStatusMessage types.String   `tfsdk:"platform_status_message"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

type nodeGroupModel struct {
	InstanceTypes []string `tfsdk:"instance_types"`
	MinSize       int64    `tfsdk:"min_size"`
	DesiredSize   int64    `tfsdk:"desired_size"`
	MaxSize       int64    `tfsdk:"max_size"`
	DiskSize      int64    `tfsdk:"disk_size"`
	AMIType       string   `tfsdk:"ami_type"`
}

type sessionLBModel struct {
	Scheme       types.String `tfsdk:"scheme"`
	AllowedCIDRs types.Set    `tfsdk:"allowed_cidrs"`
}

type karpenterModel struct {
	Enabled          types.Bool  `tfsdk:"enabled"`
	MaxVCPUs         types.Int64 `tfsdk:"max_vcpus"`
	InstanceFamilies types.Set   `tfsdk:"instance_families"`
}

type addonModel struct {
	Version       types.String `tfsdk:"version"`
	Configuration types.String `tfsdk:"configuration"`
}

// roleAccount splits a role ARN into partition and account.
func roleAccount(roleARN string) (partition, account string) {
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) < 6 {
		return "", ""
	}
	return parts[1], parts[4]
}

// spec expands the model into the library's spec (tenant from the connection role's tag).
func (m workspaceModel) spec(ctx context.Context, tenantID string, defaultTags map[string]string, diags *diag.Diagnostics) workspace.Spec {
	partition, account := roleAccount(m.RoleARN.ValueString())
	s := workspace.Spec{
		ConnectionID: m.ConnectionID.ValueString(), TenantID: tenantID, WorkspaceID: m.WorkspaceID.ValueString(),
		AccountID: account, Partition: partition,
		Network: workspace.Network{
			VpcID: m.VpcID.ValueString(), SecurityGroupID: m.SecurityGroupID.ValueString(),
			KMSKeyARN: m.KMSKeyARN.ValueString(), BucketName: m.BucketName.ValueString(),
		},
		KubernetesVersion:    m.KubernetesVersion.ValueString(),
		EndpointPublicAccess: m.EndpointPublicAccess.ValueBool(),
		LogRetentionDays:     int(m.LogRetentionDays.ValueInt64()),
		Addons:               map[string]workspace.AddonSpec{},
		Tags:                 maps.Clone(defaultTags),
		ConnectionRoleARN:    m.RoleARN.ValueString(),
		WorkloadIdentity:     m.WorkloadIdentity.ValueString(),
	}
	diags.Append(m.PrivateSubnetIDs.ElementsAs(ctx, &s.Network.PrivateSubnetIDs, false)...)
	if !m.PublicSubnetIDs.IsNull() && !m.PublicSubnetIDs.IsUnknown() {
		diags.Append(m.PublicSubnetIDs.ElementsAs(ctx, &s.Network.PublicSubnetIDs, false)...)
	}
	if !m.SessionLoadBalancer.IsNull() && !m.SessionLoadBalancer.IsUnknown() {
		var lb sessionLBModel
		diags.Append(m.SessionLoadBalancer.As(ctx, &lb, basetypes.ObjectAsOptions{})...)
		s.SessionLoadBalancer.Scheme = lb.Scheme.ValueString()
		if !lb.AllowedCIDRs.IsNull() && !lb.AllowedCIDRs.IsUnknown() {
			diags.Append(lb.AllowedCIDRs.ElementsAs(ctx, &s.SessionLoadBalancer.AllowedCIDRs, false)...)
		}
	}
	s.Karpenter = m.karpenterSpec(ctx, diags)
	if !m.PublicAccessCIDRs.IsNull() {
		diags.Append(m.PublicAccessCIDRs.ElementsAs(ctx, &s.PublicAccessCIDRs, false)...)
	}
	diags.Append(m.LogTypes.ElementsAs(ctx, &s.LogTypes, false)...)
	if !m.GlueDatabases.IsNull() {
		diags.Append(m.GlueDatabases.ElementsAs(ctx, &s.GlueDatabases, false)...)
	}
	var ng nodeGroupModel
	diags.Append(m.SystemNodeGroup.As(ctx, &ng, basetypes.ObjectAsOptions{})...)
	s.SystemNodeGroup = workspace.NodeGroupSpec{InstanceTypes: ng.InstanceTypes, MinSize: int(ng.MinSize), DesiredSize: int(ng.DesiredSize),
		MaxSize: int(ng.MaxSize), DiskSize: int(ng.DiskSize), AMIType: ng.AMIType}
	if m.Addons.IsNull() || m.Addons.IsUnknown() {
		s.Addons = workspace.DefaultAddons()
	} else {
		addons := map[string]addonModel{}
		diags.Append(m.Addons.ElementsAs(ctx, &addons, false)...)
		for name, a := range addons {
			s.Addons[name] = workspace.AddonSpec{Version: a.Version.ValueString(), Configuration: a.Configuration.ValueString()}
		}
	}
	if s.Tags == nil {
		s.Tags = map[string]string{}
	}
	if !m.Tags.IsNull() {
		var tags map[string]string
		diags.Append(m.Tags.ElementsAs(ctx, &tags, false)...)
		maps.Copy(s.Tags, tags)
	}
	return s
}

// knownForPlanning reports whether every input of the spec is known (a new network's outputs
// are not until it exists).
func (m workspaceModel) knownForPlanning() bool {
	for _, v := range []attr.Value{m.VpcID, m.PrivateSubnetIDs, m.SecurityGroupID, m.KMSKeyARN, m.BucketName, m.KubernetesVersion,
		m.EndpointPublicAccess, m.PublicAccessCIDRs, m.LogTypes, m.LogRetentionDays, m.SystemNodeGroup, m.Addons, m.GlueDatabases, m.Tags,
		m.WorkloadIdentity, m.PublicSubnetIDs, m.SessionLoadBalancer} {
		if v.IsUnknown() {
			return false
		}
	}
	if !m.karpenterKnown() {
		return false
	}
	for _, v := range m.SessionLoadBalancer.Attributes() {
		if v.IsUnknown() {
			return false
		}
	}
	for _, v := range m.PublicSubnetIDs.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	for _, v := range m.SystemNodeGroup.Attributes() {
		if v.IsUnknown() {
			return false
		}
	}
	for _, v := range m.PrivateSubnetIDs.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// namingSpec is the part of the spec every name and ARN follows from.
func (m workspaceModel) namingSpec(ctx context.Context, diags *diag.Diagnostics) workspace.Spec {
	partition, account := roleAccount(m.RoleARN.ValueString())
	s := workspace.Spec{ConnectionID: m.ConnectionID.ValueString(), WorkspaceID: m.WorkspaceID.ValueString(), AccountID: account, Partition: partition}
	if !m.GlueDatabases.IsNull() {
		diags.Append(m.GlueDatabases.ElementsAs(ctx, &s.GlueDatabases, false)...)
	}
	s.Karpenter = m.karpenterSpec(ctx, diags)
	return s
}

// karpenterKnown reports whether the karpenter block is known to its last element.
func (m workspaceModel) karpenterKnown() bool {
	if m.Karpenter.IsUnknown() {
		return false
	}
	for _, v := range m.Karpenter.Attributes() {
		if v.IsUnknown() {
			return false
		}
		if set, ok := v.(types.Set); ok {
			for _, e := range set.Elements() {
				if e.IsUnknown() {
					return false
				}
			}
		}
	}
	return true
}

// karpenterSpec expands the karpenter block (the zero spec while any of it is unknown). A null
// block (an import, or a state written before the attribute existed) asks for Karpenter with the
// defaults, so that a read looks for all of it and flattenKarpenter reports what it found.
func (m workspaceModel) karpenterSpec(ctx context.Context, diags *diag.Diagnostics) workspace.KarpenterSpec {
	if !m.karpenterKnown() {
		return workspace.KarpenterSpec{}
	}
	if m.Karpenter.IsNull() {
		return workspace.KarpenterSpec{Enabled: true, MaxVCPUs: workspace.DefaultKarpenterMaxVCPUs,
			InstanceFamilies: workspace.DefaultKarpenterInstanceFamilies()}
	}
	var km karpenterModel
	diags.Append(m.Karpenter.As(ctx, &km, basetypes.ObjectAsOptions{})...)
	k := workspace.KarpenterSpec{Enabled: km.Enabled.ValueBool(), MaxVCPUs: int(km.MaxVCPUs.ValueInt64())}
	if !km.InstanceFamilies.IsNull() {
		diags.Append(km.InstanceFamilies.ElementsAs(ctx, &k.InstanceFamilies, false)...)
		slices.Sort(k.InstanceFamilies)
	}
	return k
}

// setPlanned fills the computed attributes that follow from the configuration, so the plan shows
// them and a difference from state (an object outside the envelope) shows as a change.
func (m *workspaceModel) setPlanned(s workspace.Spec) {
	m.ID = types.StringValue(s.ID())
	m.ClusterName = types.StringValue(s.ClusterName())
	m.LogGroupName = types.StringValue(s.LogGroupName())
	m.NodeLaunchTemplate = types.StringValue(s.LaunchTemplateName())
	m.ClusterRoleARN = types.StringValue(s.RoleARN(s.ClusterRoleName()))
	m.NodeRoleARN = types.StringValue(s.RoleARN(s.NodeRoleName()))
	roles := map[string]attr.Value{}
	for _, p := range s.WorkloadPurposes() { // with Karpenter's controller while it is on
		roles[p] = types.StringValue(s.RoleARN(s.WorkloadRoleName(p)))
	}
	m.WorkloadRoleARNs = types.MapValueMust(types.StringType, roles)
	m.setPlannedKarpenter(s)
	m.SSMParameterNames = workspaceStringList(s.ParameterNames())
	m.GlueDatabaseNames = workspaceStringList(s.GlueDatabaseNames())
}

// flatten writes what AWS has into the model. prior is the state before (for "latest" add-ons
// and the user's own tags).
func (m *workspaceModel) flatten(ws *workspace.Workspace, s workspace.Spec, defaultTags map[string]string) {
	m.ID = types.StringValue(ws.ID)
	m.ClusterName = types.StringValue(ws.ClusterName)
	m.ClusterARN = types.StringValue(ws.ClusterARN)
	m.Endpoint = types.StringValue(ws.Endpoint)
	m.CertificateAuthority = types.StringValue(ws.CertificateAuthority)
	m.OIDCIssuerURL = types.StringValue(ws.OIDCIssuerURL)
	m.OIDCProviderARN = types.StringValue(ws.OIDCProviderARN)
	m.ClusterRoleARN = types.StringValue(ws.ClusterRoleARN)
	m.NodeRoleARN = types.StringValue(ws.NodeRoleARN)
	m.WorkloadIdentity = types.StringValue(ws.WorkloadIdentity)
	roles := map[string]attr.Value{}
	for p, arn := range ws.WorkloadRoleARNs {
		roles[p] = types.StringValue(arn)
	}
	m.WorkloadRoleARNs = types.MapValueMust(types.StringType, roles)
	m.LogGroupName = types.StringValue(ws.LogGroupName)
	m.NodeLaunchTemplate = types.StringValue(ws.LaunchTemplateName)
	m.CertificateARN = types.StringValue(ws.CertificateARN)
	m.flattenSessionLoadBalancer(ws.SessionLoadBalancer)
	m.flattenKarpenter(ws, s)
	m.CertificateNotAfter = types.StringValue("")
	if !ws.CertificateNotAfter.IsZero() {
		m.CertificateNotAfter = types.StringValue(ws.CertificateNotAfter.UTC().Format(time.RFC3339))
	}
	if m.CertificateRenewal.IsNull() || m.CertificateRenewal.IsUnknown() {
		m.CertificateRenewal = types.Int64Value(workspace.DefaultCertificateRenewalDays)
	}
	m.SSMParameterNames = workspaceStringList(ws.SSMParameterNames)
	m.GlueDatabaseNames = workspaceStringList(ws.GlueDatabaseNames)

	m.VpcID = types.StringValue(ws.Network.VpcID)
	m.PrivateSubnetIDs = workspaceStringList(ws.Network.PrivateSubnetIDs)
	m.SecurityGroupID = types.StringValue(ws.Network.SecurityGroupID)
	m.KMSKeyARN = types.StringValue(ws.Network.KMSKeyARN)
	m.KubernetesVersion = types.StringValue(ws.KubernetesVersion)
	m.EndpointPublicAccess = types.BoolValue(ws.EndpointPublicAccess)
	if ws.EndpointPublicAccess {
		m.PublicAccessCIDRs = workspaceStringSet(ws.PublicAccessCIDRs)
	} else {
		m.PublicAccessCIDRs = types.SetNull(types.StringType)
	}
	m.LogTypes = workspaceStringSet(ws.LogTypes)
	if ws.LogGroupName != "" {
		m.LogRetentionDays = types.Int64Value(int64(ws.LogRetentionDays))
	}
	ng := nodeGroupModel{InstanceTypes: s.SystemNodeGroup.InstanceTypes, DiskSize: int64(s.SystemNodeGroup.DiskSize), AMIType: s.SystemNodeGroup.AMIType}
	if o := ws.SystemNodeGroup; o != nil {
		ng = nodeGroupModel{InstanceTypes: o.InstanceTypes, MinSize: int64(o.MinSize), DesiredSize: int64(o.DesiredSize),
			MaxSize: int64(o.MaxSize), DiskSize: int64(o.DiskSize), AMIType: o.AMIType}
	}
	m.SystemNodeGroup = types.ObjectValueMust(nodeGroupAttrTypes, map[string]attr.Value{
		"instance_types": workspaceStringList(ng.InstanceTypes), "min_size": types.Int64Value(ng.MinSize),
		"desired_size": types.Int64Value(ng.DesiredSize), "max_size": types.Int64Value(ng.MaxSize),
		"disk_size": types.Int64Value(ng.DiskSize), "ami_type": types.StringValue(ng.AMIType),
	})
	addons := map[string]attr.Value{}
	for name, a := range ws.Addons {
		version := a.Version
		if want := s.Addons[name].Version; (want == workspace.AddonLatest || want == "") && a.Version == a.Latest {
			version = workspace.AddonLatest
		}
		configuration := types.StringNull()
		if a.Configuration != "" {
			configuration = types.StringValue(a.Configuration)
			if spec := s.Addons[name].Configuration; spec != "" && workspaceSameJSON(spec, a.Configuration) {
				configuration = types.StringValue(spec) // keep the user's formatting
			}
		}
		addons[name] = types.ObjectValueMust(addonAttrTypes, map[string]attr.Value{"version": types.StringValue(version), "configuration": configuration})
	}
	m.Addons = types.MapValueMust(types.ObjectType{AttrTypes: addonAttrTypes}, addons)
	if m.BucketName.IsNull() || m.BucketName.ValueString() == "" {
		m.BucketName = types.StringValue(ws.Network.BucketName)
		s.GlueDatabases = ws.ImportedGlueDatabases
	}
	if len(s.GlueDatabases) > 0 || m.GlueDatabases.IsNull() {
		var present []string
		for _, c := range s.GlueDatabases {
			if slices.Contains(ws.GlueDatabaseNames, s.GlueDatabaseName(c)) {
				present = append(present, c)
			}
		}
		m.GlueDatabases = workspaceStringSet(present)
	}
	// The user's tags: those the model gives that the cluster still carries (a LakeSail key the
	// LakeSail tags override counts as carried, a key also in default_tags too), plus what the
	// cluster carries beyond the LakeSail tags and default_tags. Dropping a carried tag because
	// it repeats a default or LakeSail key would make apply's result differ from the plan.
	managed := func(k string) bool {
		return k == connpolicy.TagService || k == connpolicy.TagConnection || k == connpolicy.TagTenant || k == workspace.TagWorkspace
	}
	user := map[string]attr.Value{}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		for k, v := range m.Tags.Elements() {
			value, ok := v.(types.String)
			if !ok || value.IsUnknown() || value.IsNull() {
				continue
			}
			if observed, carried := ws.Tags[k]; (carried && observed == value.ValueString()) || managed(k) {
				user[k] = value
			}
		}
	}
	for k, v := range ws.Tags {
		if _, ok := user[k]; ok || managed(k) {
			continue
		}
		if d, ok := defaultTags[k]; ok && d == v {
			continue
		}
		user[k] = types.StringValue(v)
	}
	if len(user) > 0 || !m.Tags.IsNull() {
		m.Tags = types.MapValueMust(types.StringType, user)
	}
}

func workspaceStringList(values []string) types.List {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.ListValueMust(types.StringType, elems)
}

func workspaceStringSet(values []string) types.Set {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.SetValueMust(types.StringType, elems)
}

// workspaceSameJSON compares two JSON documents by value.
func workspaceSameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	return reflect.DeepEqual(x, y)
}

// flattenSessionLoadBalancer writes the session load balancer as found: its scheme and CIDRs (so
// a change outside Terraform shows against the configuration), the load balancer's DNS name and
// ARN and the target group's when they exist, and the listener's only when everything is as the
// configuration says (its absence is the change a plan shows).
func (m *workspaceModel) flattenSessionLoadBalancer(lb *workspace.SessionLoadBalancer) {
	if lb == nil {
		lb = &workspace.SessionLoadBalancer{Scheme: workspace.SchemeInternal}
	}
	cidrs := types.SetNull(types.StringType)
	if len(lb.AllowedCIDRs) > 0 {
		cidrs = workspaceStringSet(lb.AllowedCIDRs)
	}
	m.SessionLoadBalancer = types.ObjectValueMust(sessionLBAttrTypes, map[string]attr.Value{
		"scheme": types.StringValue(lb.Scheme), "allowed_cidrs": cidrs})
	m.SessionLBDNSName = types.StringValue(lb.DNSName)
	m.SessionLBARN = types.StringValue(lb.ARN)
	m.SessionTargetGroupARN = types.StringValue(lb.TargetGroupARN)
	m.SessionListenerARN = types.StringValue("")
	if lb.InSpec {
		m.SessionListenerARN = types.StringValue(lb.ListenerARN)
	}
}

// setPlannedKarpenter fills the Karpenter outputs that follow from the configuration: its names
// while it is on, "" while it is off.
func (m *workspaceModel) setPlannedKarpenter(s workspace.Spec) {
	if !s.Karpenter.Enabled {
		m.KarpenterNodeRoleARN, m.KarpenterProfileName, m.KarpenterProfileARN, m.KarpenterParameter =
			types.StringValue(""), types.StringValue(""), types.StringValue(""), types.StringValue("")
		return
	}
	m.KarpenterNodeRoleARN = types.StringValue(s.RoleARN(s.KarpenterNodeRoleName()))
	m.KarpenterProfileName = types.StringValue(s.KarpenterInstanceProfileName())
	m.KarpenterProfileARN = types.StringValue(s.KarpenterInstanceProfileARN())
	m.KarpenterParameter = types.StringValue(s.KarpenterParameterName())
}

// flattenKarpenter writes the Karpenter objects as found. While Karpenter is on, an output is
// empty when its object is missing or drifted (the node role's also when its access entry is
// gone, the parameter's also when a subnet or the security group lost the discovery tag), so the
// plan shows the change apply makes. While it is off, anything left of it (the read looks for the
// discovery tag on the security group, which turning it off removes last) shows as enabled, so
// the plan shows turning it off and apply removes the rest. A null block (an import, or a state
// written before the attribute existed) becomes what the read found: on when anything of
// Karpenter exists, with the limits an import read from its settings parameter (the defaults
// otherwise).
func (m *workspaceModel) flattenKarpenter(ws *workspace.Workspace, s workspace.Spec) {
	found := ws.Karpenter
	if found == nil {
		found = &workspace.KarpenterState{}
	}
	_, controller := ws.WorkloadRoleARNs[workspace.PurposeKarpenter]
	anything := controller || *found != (workspace.KarpenterState{})
	switch {
	case (m.Karpenter.IsNull() || m.Karpenter.IsUnknown()) && ws.ImportedKarpenter != nil:
		families := slices.Clone(ws.ImportedKarpenter.InstanceFamilies)
		slices.Sort(families)
		m.Karpenter = karpenterObject(true, int64(ws.ImportedKarpenter.MaxVCPUs), workspaceStringSet(slices.Compact(families)))
	case m.Karpenter.IsNull() || m.Karpenter.IsUnknown():
		m.Karpenter = karpenterObject(anything, workspace.DefaultKarpenterMaxVCPUs, defaultKarpenterInstanceFamilies())
	case !s.Karpenter.Enabled && anything:
		attributes := m.Karpenter.Attributes()
		attributes["enabled"] = types.BoolValue(true)
		m.Karpenter = types.ObjectValueMust(karpenterAttrTypes, attributes)
	}
	if !s.Karpenter.Enabled {
		m.setPlannedKarpenter(s) // off: every output is ""
		return
	}
	nodeRole, parameter := found.NodeRoleARN, found.ParameterName
	if !found.AccessEntry {
		nodeRole = ""
	}
	if !found.Discovery {
		parameter = ""
	}
	m.KarpenterNodeRoleARN = types.StringValue(nodeRole)
	m.KarpenterProfileName = types.StringValue(found.InstanceProfileName)
	m.KarpenterProfileARN = types.StringValue(found.InstanceProfileARN)
	m.KarpenterParameter = types.StringValue(parameter)
}
