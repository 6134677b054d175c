package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

func unitWorkspaceModel() workspaceModel {
	return workspaceModel{
		ConnectionID: types.StringValue("AB12CD34EF"), WorkspaceID: types.StringValue("WS00000001"),
		RoleARN:    types.StringValue("arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-LakeSailRole"),
		VpcID:      types.StringValue("vpc-0a1b2c3d"),
		ExternalID: types.StringNull(), PrivateSubnetIDs: workspaceStringList([]string{"subnet-0a1b2c3d", "subnet-1a1b2c3d"}),
		SecurityGroupID: types.StringValue("sg-0a1b2c3d"), KMSKeyARN: types.StringValue("arn:aws:kms:us-east-1:111122223333:key/k"),
		BucketName: types.StringValue("lakesail-ab12cd34ef-net0000001-ws"), KubernetesVersion: types.StringValue("1.33"),
		EndpointPublicAccess: types.BoolValue(false), PublicAccessCIDRs: types.SetNull(types.StringType),
		LogTypes: workspaceStringSet(workspace.DefaultLogTypes), LogRetentionDays: types.Int64Value(365),
		SystemNodeGroup: defaultNodeGroup(), Addons: defaultAddons(), GlueDatabases: workspaceStringSet([]string{"raw"}),
		Tags: types.MapValueMust(types.StringType, map[string]attr.Value{"team": types.StringValue("data")}),
	}
}

// TestUnitWorkspaceExpand: the model becomes the library spec, with default tags under the
// resource's tags, the account and partition from the role ARN, and the schema's defaults.
func TestUnitWorkspaceExpand(t *testing.T) {
	var diags diag.Diagnostics
	s := unitWorkspaceModel().spec(context.Background(), "TENANT0001", map[string]string{"team": "default", "env": "prod"}, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if s.AccountID != "111122223333" || s.Partition != "aws" || s.Tags["team"] != "data" || s.Tags["env"] != "prod" {
		t.Errorf("spec: %+v", s)
	}
	if s.SystemNodeGroup.DesiredSize != 2 || s.Addons["coredns"].Version != workspace.AddonLatest || len(s.Network.PrivateSubnetIDs) != 2 {
		t.Errorf("defaults: %+v", s)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("a default workspace is invalid: %v", err)
	}
}

// TestUnitWorkspaceFlatten: "latest" stays "latest" while it is the newest version, a pinned or
// older version shows as itself, LakeSail and default tags are not the user's, and roles outside
// the envelope are missing.
func TestUnitWorkspaceFlatten(t *testing.T) {
	var diags diag.Diagnostics
	m := unitWorkspaceModel()
	s := m.spec(context.Background(), "TENANT0001", map[string]string{"env": "prod"}, &diags)
	ws := &workspace.Workspace{
		ID: s.ID(), ClusterName: s.ClusterName(), KubernetesVersion: "1.33", LogTypes: []string{"api", "audit", "authenticator"},
		LogGroupName: s.LogGroupName(), LogRetentionDays: 90, Network: s.Network,
		SystemNodeGroup: &workspace.NodeGroupSpec{InstanceTypes: []string{"m6i.large"}, MinSize: 2, DesiredSize: 3, MaxSize: 3, DiskSize: 50, AMIType: "AL2023_x86_64_STANDARD"},
		Addons: map[string]workspace.AddonState{
			"coredns":    {Version: "v1.12.1-eksbuild.2", Latest: "v1.12.1-eksbuild.2"},
			"kube-proxy": {Version: "v1.32.0-eksbuild.2", Latest: "v1.33.0-eksbuild.2"},
		},
		WorkloadRoleARNs:  map[string]string{"storage": s.RoleARN(s.WorkloadRoleName("storage"))},
		GlueDatabaseNames: s.GlueDatabaseNames(),
		Tags:              map[string]string{"Service": "LakeSail", "LakeSail-Connection": "AB12CD34EF", "LakeSail-Tenant": "TENANT0001", "LakeSail-Workspace": "WS00000001", "env": "prod", "team": "data"},
	}
	m.flatten(ws, s, map[string]string{"env": "prod"})
	addons := map[string]addonModel{}
	diags.Append(m.Addons.ElementsAs(context.Background(), &addons, false)...)
	var tags map[string]string
	diags.Append(m.Tags.ElementsAs(context.Background(), &tags, false)...)
	var ng nodeGroupModel
	diags.Append(m.SystemNodeGroup.As(context.Background(), &ng, basetypes.ObjectAsOptions{})...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if addons["coredns"].Version.ValueString() != "latest" || addons["kube-proxy"].Version.ValueString() != "v1.32.0-eksbuild.2" {
		t.Errorf("add-ons: %v", addons)
	}
	if len(tags) != 1 || tags["team"] != "data" {
		t.Errorf("user tags: %v", tags)
	}
	if ng.DesiredSize != 3 || m.LogRetentionDays.ValueInt64() != 90 {
		t.Errorf("observed sizes and retention not taken: %+v %v", ng, m.LogRetentionDays)
	}
	if len(m.WorkloadRoleARNs.Elements()) != 1 {
		t.Errorf("roles outside the envelope must be missing: %v", m.WorkloadRoleARNs)
	}
	if !m.PublicAccessCIDRs.IsNull() {
		t.Errorf("a private endpoint has no CIDRs: %v", m.PublicAccessCIDRs)
	}
}

// TestUnitWorkspaceVersionStep: one minor version up is an update; skipping one or going back
// is refused.
func TestUnitWorkspaceVersionStep(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{{"1.32", "1.33", true}, {"1.33", "1.33", true}, {"1.31", "1.33", false}, {"1.33", "1.32", false}} {
		if err := workspace.CheckVersionStep(tc.from, tc.to); (err == nil) != tc.ok {
			t.Errorf("%s -> %s: %v", tc.from, tc.to, err)
		}
	}
}

// TestUnitWorkspaceFlattenKeepsConfiguredTags: a configured tag that repeats a default_tags
// entry, or names a LakeSail key the LakeSail tags override, stays in state after apply;
// dropping it made Terraform fail with "Provider produced inconsistent result".
func TestUnitWorkspaceFlattenKeepsConfiguredTags(t *testing.T) {
	var diags diag.Diagnostics
	defaults := map[string]string{"env": "prod"}
	m := unitWorkspaceModel()
	m.Tags = types.MapValueMust(types.StringType, map[string]attr.Value{
		"team": types.StringValue("data"), "env": types.StringValue("prod"), "Service": types.StringValue("mine"),
	})
	s := m.spec(context.Background(), "TENANT0001", defaults, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	ws := &workspace.Workspace{ID: s.ID(), ClusterName: s.ClusterName(), Network: s.Network, Tags: s.WorkspaceTags()}
	planned := m.Tags
	m.flatten(ws, s, defaults)
	if !m.Tags.Equal(planned) {
		t.Errorf("tags after apply %v, planned %v", m.Tags, planned)
	}

	// Changed and added out of band: the state shows what the cluster has, so the plan puts it back.
	ws.Tags["team"], ws.Tags["extra"] = "other", "x"
	m.flatten(ws, s, defaults)
	var tags map[string]string
	diags.Append(m.Tags.ElementsAs(context.Background(), &tags, false)...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if tags["team"] != "other" || tags["extra"] != "x" || tags["env"] != "prod" || tags["Service"] != "mine" || len(tags) != 4 {
		t.Errorf("tags after out-of-band change: %v", tags)
	}
}

// TestUnitWorkspaceImportRejectsBadRoleARN: an import id whose third part is not a role ARN is
// refused, instead of saving a role_arn that the next plan's validator rejects.
func TestUnitWorkspaceImportRejectsBadRoleARN(t *testing.T) {
	ctx := context.Background()
	s := workspaceSchema(ctx)
	for id, wantError := range map[string]bool{
		"AB12CD34EF/WS00000001/not-an-arn": true,
		"AB12CD34EF/WS00000001/arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-LakeSailRole": false,
	} {
		resp := &resource.ImportStateResponse{State: tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}}
		(&workspaceResource{}).ImportState(ctx, resource.ImportStateRequest{ID: id}, resp)
		if resp.Diagnostics.HasError() != wantError {
			t.Errorf("import %q: diagnostics %v, want error %v", id, resp.Diagnostics, wantError)
		}
	}
}

// TestUnitWorkspaceAccountActionsWarning: what a destroy without the account's own credentials
// leaves is a warning (the workspace leaves state) naming each object and the command that
// removes it.
func TestUnitWorkspaceAccountActionsWarning(t *testing.T) {
	var diags diag.Diagnostics
	provider := "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
	certificate := "arn:aws:acm:us-east-1:111122223333:certificate/1"
	addAccountActionsWarning(&diags, "LakeSail Workspace Objects Left in the Account", "the provider's credentials belong to account 444455556666",
		[]lakesail.AccountAction{
			{Object: "IAM OIDC provider " + provider, Action: "delete it", Command: "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn " + provider},
			{Object: "ACM certificate " + certificate, Action: "delete it", Command: "aws acm delete-certificate --certificate-arn " + certificate},
		})
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v: want exactly one warning", diags)
	}
	detail := diags.Warnings()[0].Detail()
	for _, want := range []string{provider, certificate, "delete-open-id-connect-provider", "acm delete-certificate", "444455556666", "lakesail_connection"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the warning does not mention %q:\n%s", want, detail)
		}
	}
}

// TestUnitWorkspaceInstanceTypesReplace: one instance type becoming another rolls a new launch
// template version in place; a list of several (which lives on the node group) replaces.
func TestUnitWorkspaceInstanceTypesReplace(t *testing.T) {
	for _, c := range []struct {
		old, planned []string
		replace      bool
	}{
		{[]string{"t3.medium"}, []string{"t3.large"}, false},
		{[]string{"t3.medium"}, []string{"t3.medium", "t3.large"}, true},
		{[]string{"t3.medium", "t3.large"}, []string{"t3.large"}, true},
		{[]string{"t3.medium", "t3.large"}, []string{"t3.large", "t3.medium"}, true},
	} {
		req := planmodifier.ListRequest{StateValue: workspaceStringList(c.old), PlanValue: workspaceStringList(c.planned)}
		var resp listplanmodifier.RequiresReplaceIfFuncResponse
		instanceTypesNeedReplace(context.Background(), req, &resp)
		if resp.RequiresReplace != c.replace || resp.Diagnostics.HasError() {
			t.Errorf("%v -> %v: replace %t, want %t (%v)", c.old, c.planned, resp.RequiresReplace, c.replace, resp.Diagnostics)
		}
	}
}
