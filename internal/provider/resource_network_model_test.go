package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

func TestUnitNetworkSpecFromModel(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	created := networkModel{
		ConnectionID: types.StringValue("AB12CD34EF"), NetworkID: types.StringValue("NET0000001"),
		RoleARN:   types.StringValue("arn:aws:iam::123456789012:role/lakesail-AB12CD34EF-LakeSailRole"),
		CIDRBlock: types.StringValue("10.0.0.0/16"), AvailabilityZones: types.ListUnknown(types.StringType),
		AvailabilityZoneCount: types.Int64Value(3), NATGateways: types.StringValue("per_az"), ExternalID: types.StringNull(),
		KMSKeyARN: types.StringUnknown(), KMSAlias: types.StringUnknown(), ForceDestroy: types.BoolValue(true),
		Tags: stringMapValue(map[string]string{"team": "data"}), VPCID: types.StringUnknown(),
	}
	config := created
	config.KMSKeyARN = types.StringNull()
	spec := created.spec(ctx, &config, map[string]string{"env": "prod", "team": "default"}, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if spec.BringsOwnVPC() || spec.BringsOwnKey() || spec.ZoneCount() != 3 || spec.NATMode() != network.NATPerAZ || !spec.ForceDestroy ||
		spec.Tags["team"] != "data" || spec.Tags["env"] != "prod" || spec.ExternalID != "" {
		t.Errorf("created spec %+v", spec)
	}
	if err := spec.Validate(); err != nil {
		t.Errorf("spec from a valid plan: %v", err)
	}

	brought := networkModel{
		ConnectionID: created.ConnectionID, NetworkID: created.NetworkID, RoleARN: created.RoleARN, CIDRBlock: types.StringNull(),
		VPCID:            types.StringValue("vpc-0123456789abcdef0"),
		PrivateSubnetIDs: stringListValue([]string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}),
		PublicSubnetIDs:  stringListValue([]string{"subnet-0123456789abcdef2", "subnet-0123456789abcdef3"}),
		KMSKeyARN:        types.StringValue("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
		KMSAlias:         types.StringValue(""), AvailabilityZones: types.ListNull(types.StringType),
	}
	spec = brought.spec(ctx, nil, nil, &diags)
	if !spec.BringsOwnVPC() || !spec.BringsOwnKey() || len(spec.PublicSubnetIDs) != 2 || spec.CIDRBlock != "" {
		t.Errorf("brought spec %+v", spec)
	}
	if err := spec.Validate(); err != nil {
		t.Errorf("spec from a brought network: %v", err)
	}
}

func TestUnitNetworkFlattenAndRecord(t *testing.T) {
	ctx := context.Background()
	n := &network.Network{
		VPCID: "vpc-1", AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
		PublicSubnetIDs: []string{"subnet-1", ""}, PrivateSubnetIDs: []string{"subnet-3", "subnet-4"}, NATGatewayIDs: []string{"nat-1"},
		SecurityGroupID: "sg-1", S3EndpointID: "vpce-1", BucketName: "b", BucketARN: "arn:aws:s3:::b", KMSKeyARN: "arn:k", KMSAlias: "alias/a",
		AdoptedTagKeys: map[string][]string{"vpc-1": {"LakeSail-Network"}},
	}
	m := networkModel{ConnectionID: types.StringValue("AB12CD34EF"), NetworkID: types.StringValue("NET0000001")}
	m.flatten(n)
	if m.ID.ValueString() != "AB12CD34EF/NET0000001" || len(m.PublicSubnetIDs.Elements()) != 1 || m.AvailabilityZoneCount.ValueInt64() != 2 {
		t.Errorf("flattened %+v", m)
	}
	back := m.recorded(ctx, privateRecordOf(n))
	if back.VPCID != "vpc-1" || !slices.Equal(back.NATGatewayIDs, []string{"nat-1"}) || back.AdoptedTagKeys["vpc-1"][0] != "LakeSail-Network" {
		t.Errorf("recorded %+v", back)
	}

	partial := networkModel{VPCID: types.StringUnknown(), NATGatewayIDs: types.ListUnknown(types.StringType), AvailabilityZoneCount: types.Int64Unknown()}
	partial.settle()
	if partial.VPCID.IsUnknown() || partial.NATGatewayIDs.IsUnknown() || partial.AvailabilityZoneCount.IsUnknown() {
		t.Errorf("settle left unknown values: %+v", partial)
	}
}

// TestUnitNetworkPlanStopBringingKey: removing kms_key_arn after bringing a key plans an unknown
// key ARN, since apply creates the network's own key; keeping the brought key's ARN in the plan
// made apply fail with "Provider produced inconsistent result".
func TestUnitNetworkPlanStopBringingKey(t *testing.T) {
	brought := "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	for _, createdVPC := range []bool{true, false} {
		state := networkModel{
			ConnectionID: types.StringValue("AB12CD34EF"), NetworkID: types.StringValue("NET0000001"),
			KMSKeyARN: types.StringValue(brought), KMSAlias: types.StringValue(""),
			CIDRBlock: types.StringNull(), AvailabilityZoneCount: types.Int64Value(2),
			Drift: stringListValue(nil), NATGatewayIDs: stringListValue(nil),
			SecurityGroupID: types.StringValue(""), S3EndpointID: types.StringValue(""),
		}
		if createdVPC {
			state.CIDRBlock = types.StringValue("10.0.0.0/16")
			state.SecurityGroupID, state.S3EndpointID = types.StringValue("sg-0a1b2c3d"), types.StringValue("vpce-0a1b2c3d")
			state.NATGatewayIDs = stringListValue([]string{"nat-0a1b2c3d"})
			state.PrivateSubnetIDs = stringListValue([]string{"subnet-0a", "subnet-0b"})
			state.PublicSubnetIDs = stringListValue([]string{"subnet-1a", "subnet-1b"})
		}
		plan := state
		plan.KMSAlias = types.StringValue("alias/lakesail-AB12CD34EF-NET0000001") // what ModifyPlan sets for a null kms_key_arn
		(&networkResource{}).planRepairs(context.Background(), &plan, state)
		if !plan.KMSKeyARN.IsUnknown() {
			t.Errorf("created VPC %v: kms_key_arn planned %v, want unknown", createdVPC, plan.KMSKeyARN)
		}

		kept := state // still bringing the key: the ARN stays as it is
		(&networkResource{}).planRepairs(context.Background(), &kept, state)
		if kept.KMSKeyARN.ValueString() != brought {
			t.Errorf("created VPC %v: kms_key_arn planned %v for a key still brought", createdVPC, kept.KMSKeyARN)
		}
	}
}
