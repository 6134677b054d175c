package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// privateNetworkRecord is the private-state key of what the network added to a brought VPC.
const privateNetworkRecord = "network_record"

type networkModel struct {
	ID                    types.String   `tfsdk:"id"`
	ConnectionID          types.String   `tfsdk:"connection_id"`
	RoleARN               types.String   `tfsdk:"role_arn"`
	ExternalID            types.String   `tfsdk:"external_id"`
	ExternalIDWO          types.String   `tfsdk:"external_id_wo"`
	ExternalIDWOVersion   types.Int64    `tfsdk:"external_id_wo_version"`
	NetworkID             types.String   `tfsdk:"network_id"`
	CIDRBlock             types.String   `tfsdk:"cidr_block"`
	AvailabilityZones     types.List     `tfsdk:"availability_zones"`
	AvailabilityZoneCount types.Int64    `tfsdk:"availability_zone_count"`
	NATGateways           types.String   `tfsdk:"nat_gateways"`
	VPCID                 types.String   `tfsdk:"vpc_id"`
	PrivateSubnetIDs      types.List     `tfsdk:"private_subnet_ids"`
	PublicSubnetIDs       types.List     `tfsdk:"public_subnet_ids"`
	KMSKeyARN             types.String   `tfsdk:"kms_key_arn"`
	ForceDestroy          types.Bool     `tfsdk:"force_destroy"`
	Tags                  types.Map      `tfsdk:"tags"`
	SecurityGroupID       types.String   `tfsdk:"security_group_id"`
	NATGatewayIDs         types.List     `tfsdk:"nat_gateway_ids"`
	S3EndpointID          types.String   `tfsdk:"s3_endpoint_id"`
	BucketName            types.String   `tfsdk:"bucket_name"`
	BucketARN             types.String   `tfsdk:"bucket_arn"`
	KMSAlias              types.String   `tfsdk:"kms_alias"`
	Drift                 types.List     `tfsdk:"drift"`
	PlatformID            types.String   `tfsdk:"platform_id"`
	PlatformStatus        types.String   `tfsdk:"platform_status"`
	PlatformStatusMessage types.String   `tfsdk:"platform_status_message"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

// bringsOwnVPC: a network without cidr_block adopts vpc_id (the schema makes them exclusive).
func (m networkModel) bringsOwnVPC() bool { return m.CIDRBlock.IsNull() }

// bringsOwnKey reports a brought key: configured, or (in state) a key without the network's alias.
func (m networkModel) bringsOwnKey(config *networkModel) bool {
	if config != nil {
		return !config.KMSKeyARN.IsNull()
	}
	return m.KMSAlias.ValueString() == "" && m.KMSKeyARN.ValueString() != ""
}

func (m networkModel) networkID() string {
	return m.ConnectionID.ValueString() + "/" + m.NetworkID.ValueString()
}

// externalID is the external ID the configuration gives, in whichever form ("" for neither).
func (m networkModel) externalID() string { return configuredExternalID(m.ExternalID, m.ExternalIDWO) }

// configuredExternalID is the external ID a configuration of lakesail_network or
// lakesail_workspace gives, in whichever form ("" for neither: the trust policy's is used).
func configuredExternalID(externalID, externalIDWO types.String) string {
	if v := externalIDWO.ValueString(); v != "" {
		return v
	}
	return externalID.ValueString()
}

// spec is the library's desired state. config is the configuration when there is one (create,
// update), which says whether the key is brought and holds external_id_wo; without it (refresh,
// destroy) the spec has external_id, and the caller may fill in one read from the trust policy.
func (m networkModel) spec(ctx context.Context, config *networkModel, defaultTags map[string]string, diags *diag.Diagnostics) network.Spec {
	tags := maps.Clone(defaultTags)
	if tags == nil {
		tags = map[string]string{}
	}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		var own map[string]string
		diags.Append(m.Tags.ElementsAs(ctx, &own, false)...)
		maps.Copy(tags, own)
	}
	spec := network.Spec{
		ConnectionID: m.ConnectionID.ValueString(),
		RoleARN:      m.RoleARN.ValueString(),
		ExternalID:   m.ExternalID.ValueString(),
		NetworkID:    m.NetworkID.ValueString(),
		ForceDestroy: m.ForceDestroy.ValueBool(),
		Tags:         tags,
	}
	if m.bringsOwnVPC() {
		spec.VPCID = m.VPCID.ValueString()
		spec.PrivateSubnetIDs, _ = knownStrings(ctx, m.PrivateSubnetIDs, diags)
		spec.PublicSubnetIDs, _ = knownStrings(ctx, m.PublicSubnetIDs, diags)
	} else {
		spec.CIDRBlock = m.CIDRBlock.ValueString()
		spec.AvailabilityZones, _ = knownStrings(ctx, m.AvailabilityZones, diags)
		if !m.AvailabilityZoneCount.IsUnknown() {
			spec.AvailabilityZoneCount = int(m.AvailabilityZoneCount.ValueInt64())
		}
		spec.NATGateways = network.NATMode(m.NATGateways.ValueString())
	}
	if m.bringsOwnKey(config) {
		spec.KMSKeyARN = m.KMSKeyARN.ValueString()
	}
	if config != nil {
		spec.ExternalID = config.externalID() // a write-only value is only in the configuration
	}
	return spec
}

// recordExternalIDDigest keeps in private state the digest of the external_id_wo an apply used
// (never the value), so refresh and destroy pick the same one from the trust policy; without
// external_id_wo it removes a digest an earlier apply left.
func recordExternalIDDigest(ctx context.Context, connectionID string, externalIDWO types.String,
	set func(context.Context, string, []byte) diag.Diagnostics, diags *diag.Diagnostics) {
	var value []byte
	if externalIDWO.ValueString() != "" {
		value = []byte(fmt.Sprintf("%q", externalIDDigest(connectionID, externalIDWO.ValueString())))
	}
	diags.Append(set(ctx, privateExternalIDDigest, value)...)
}

// addStaleExternalIDWarning tells that the external_id_wo applied last is no longer the
// connection's: the operation used the trust policy's, and the next apply should record it.
func addStaleExternalIDWarning(diags *diag.Diagnostics, kind, roleARN string) {
	diags.AddAttributeWarning(path.Root("external_id_wo"), "Connection External ID Changed",
		fmt.Sprintf("The external_id_wo this %s was last applied with is no longer in the trust policy of %s; the provider "+
			"used the external ID the trust policy has. Set external_id_wo to the connection's current external ID and "+
			"increase external_id_wo_version, so that the next apply records it.", kind, roleARN))
}

// recorded is what state (and private state) says the network made.
func (m networkModel) recorded(ctx context.Context, private []byte) *network.Network {
	n := &network.Network{
		ConnectionID: m.ConnectionID.ValueString(), NetworkID: m.NetworkID.ValueString(),
		VPCID: m.VPCID.ValueString(), SecurityGroupID: m.SecurityGroupID.ValueString(), S3EndpointID: m.S3EndpointID.ValueString(),
		BucketName: m.BucketName.ValueString(), BucketARN: m.BucketARN.ValueString(),
		KMSKeyARN: m.KMSKeyARN.ValueString(), KMSAlias: m.KMSAlias.ValueString(),
	}
	var ignored diag.Diagnostics
	n.AvailabilityZones, _ = knownStrings(ctx, m.AvailabilityZones, &ignored)
	n.PrivateSubnetIDs, _ = knownStrings(ctx, m.PrivateSubnetIDs, &ignored)
	n.PublicSubnetIDs, _ = knownStrings(ctx, m.PublicSubnetIDs, &ignored)
	n.NATGatewayIDs, _ = knownStrings(ctx, m.NATGatewayIDs, &ignored)
	if len(private) > 0 {
		var rec networkPrivateRecord
		if json.Unmarshal(private, &rec) == nil {
			n.AdoptedTagKeys = rec.AdoptedTagKeys
		}
	}
	return n
}

// networkPrivateRecord is what private state keeps: the tag keys added to a brought VPC and its
// subnets, so destroy removes exactly those.
type networkPrivateRecord struct {
	AdoptedTagKeys map[string][]string `json:"adopted_tag_keys,omitempty"`
}

func privateRecordOf(n *network.Network) []byte {
	out, _ := json.Marshal(networkPrivateRecord{AdoptedTagKeys: n.AdoptedTagKeys})
	return out
}

// flatten records what the library found or made. Arguments stay as configured; only the
// computed attributes (and, for a created network, its zones) come from AWS.
func (m *networkModel) flatten(n *network.Network) {
	m.ID = types.StringValue(m.networkID())
	if len(n.AvailabilityZones) > 0 {
		m.AvailabilityZones = stringListValue(n.AvailabilityZones)
		m.AvailabilityZoneCount = types.Int64Value(int64(len(n.AvailabilityZones)))
	}
	m.VPCID = types.StringValue(n.VPCID)
	m.PrivateSubnetIDs = stringListValue(compact(n.PrivateSubnetIDs))
	m.PublicSubnetIDs = stringListValue(compact(n.PublicSubnetIDs))
	m.SecurityGroupID = types.StringValue(n.SecurityGroupID)
	m.NATGatewayIDs = stringListValue(n.NATGatewayIDs)
	m.S3EndpointID = types.StringValue(n.S3EndpointID)
	m.BucketName = types.StringValue(n.BucketName)
	m.BucketARN = types.StringValue(n.BucketARN)
	m.KMSKeyARN = types.StringValue(n.KMSKeyARN)
	m.KMSAlias = types.StringValue(n.KMSAlias)
	m.Drift = stringListValue(n.Drift)
}

// settle replaces what is still unknown after a failed create with empty values, so the state
// saved for destroy is complete.
func (m *networkModel) settle() {
	for _, s := range []*types.String{&m.VPCID, &m.SecurityGroupID, &m.S3EndpointID, &m.BucketName, &m.BucketARN, &m.KMSKeyARN,
		&m.KMSAlias, &m.ID, &m.PlatformID, &m.PlatformStatus, &m.PlatformStatusMessage} {
		if s.IsUnknown() {
			*s = types.StringValue("")
		}
	}
	for _, l := range []*types.List{&m.AvailabilityZones, &m.PrivateSubnetIDs, &m.PublicSubnetIDs, &m.NATGatewayIDs, &m.Drift} {
		if l.IsUnknown() {
			*l = types.ListValueMust(types.StringType, []attr.Value{})
		}
	}
	if m.AvailabilityZoneCount.IsUnknown() {
		m.AvailabilityZoneCount = types.Int64Null()
	}
}

func compact(values []string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func stringListValue(values []string) types.List {
	elements := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elements = append(elements, types.StringValue(v))
	}
	return types.ListValueMust(types.StringType, elements)
}
