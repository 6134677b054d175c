package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// Families of every shape EC2 names pass; an instance type is refused with its family as the fix.
func TestUnitInstanceFamilyForm(t *testing.T) {
	check := func(value string) diag.Diagnostics {
		resp := &validator.StringResponse{}
		instanceFamilyValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("karpenter").AtName("instance_families"), ConfigValue: types.StringValue(value)}, resp)
		return resp.Diagnostics
	}
	for _, good := range []string{"m7i", "r6i", "c7gn", "m7i-flex", "u-6tb1", "x2iedn", "mac2-m2pro", "p6-b200", "i4i", "t4g"} {
		if d := check(good); d.HasError() {
			t.Errorf("%s refused: %v", good, d)
		}
	}
	for _, bad := range []string{"m7i.large", "m", "M7i", "large", "m7i.", "6i", "m7i ", "", "abcdefghijklmn12345"} {
		if d := check(bad); !d.HasError() {
			t.Errorf("%q accepted", bad)
		}
	}
	d := check("m7i.large")
	if detail := d.Errors()[0].Detail(); !strings.Contains(detail, `write its family, "m7i"`) || !strings.Contains(detail, "karpenter.instance_families") {
		t.Errorf("the error neither names the attribute nor gives the family: %s", detail)
	}
}

// karpenterSchemaDefault is the karpenter block a configuration without one plans.
func karpenterSchemaDefault(t *testing.T) types.Object {
	t.Helper()
	attribute, ok := workspaceSchema(context.Background()).Attributes["karpenter"].(schema.SingleNestedAttribute)
	if !ok {
		t.Fatal("karpenter is not a single nested attribute")
	}
	resp := &defaults.ObjectResponse{}
	attribute.Default.DefaultObject(context.Background(), defaults.ObjectRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.PlanValue
}

// Without a karpenter block a workspace has Karpenter, with the library's default limits, and
// nothing about it (block or outputs) replaces the workspace when it changes.
func TestUnitWorkspaceKarpenterDefaults(t *testing.T) {
	m := unitWorkspaceModel()
	m.Karpenter = karpenterSchemaDefault(t)
	var diags diag.Diagnostics
	s := m.spec(context.Background(), "TENANT0001", nil, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := workspace.DefaultKarpenterInstanceFamilies()
	slices.Sort(want)
	if !s.Karpenter.Enabled || s.Karpenter.MaxVCPUs != workspace.DefaultKarpenterMaxVCPUs || !slices.Equal(s.Karpenter.InstanceFamilies, want) {
		t.Errorf("default Karpenter: %+v", s.Karpenter)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("the default Karpenter is invalid: %v", err)
	}
	ws := workspaceSchema(context.Background())
	nested := ws.Attributes["karpenter"].(schema.SingleNestedAttribute)
	for name, a := range nested.Attributes {
		if a.(interface{ IsRequired() bool }).IsRequired() {
			t.Errorf("karpenter.%s is required: an empty block would not plan", name)
		}
	}
	for _, name := range []string{"karpenter_node_role_arn", "karpenter_instance_profile_name", "karpenter_instance_profile_arn", "karpenter_settings_parameter_name"} {
		a, ok := ws.Attributes[name].(schema.StringAttribute)
		if !ok || !a.Computed || a.Optional {
			t.Errorf("%s is not a computed output", name)
		}
	}
	if len(nested.PlanModifiers) > 0 {
		t.Errorf("karpenter has plan modifiers %v: every change is in place", nested.PlanModifiers)
	}
}

// While Karpenter is on the plan names its objects and the controller's role; off, the outputs
// are empty and the role is not planned; unknown, so are they.
func TestUnitWorkspaceKarpenterPlanned(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	m := unitWorkspaceModel()
	m.Karpenter = defaultKarpenter()
	s := m.spec(ctx, "TENANT0001", nil, &diags)
	m.setPlanned(s)
	m.planKarpenter()
	if m.KarpenterNodeRoleARN.ValueString() != s.RoleARN(s.KarpenterNodeRoleName()) || m.KarpenterProfileName.ValueString() != s.KarpenterInstanceProfileName() ||
		m.KarpenterParameter.ValueString() != s.KarpenterParameterName() ||
		m.KarpenterProfileARN.ValueString() != "arn:aws:iam::111122223333:instance-profile/"+s.KarpenterInstanceProfileName() {
		t.Errorf("planned outputs: %v %v %v %v", m.KarpenterNodeRoleARN, m.KarpenterProfileName, m.KarpenterProfileARN, m.KarpenterParameter)
	}
	controller, ok := m.WorkloadRoleARNs.Elements()[workspace.PurposeKarpenter].(types.String)
	if !ok || !strings.HasSuffix(controller.ValueString(), ":role/"+s.WorkloadRoleName(workspace.PurposeKarpenter)) {
		t.Errorf("the controller's role is not planned: %v", m.WorkloadRoleARNs)
	}

	m.Karpenter = karpenterObject(false, 64, workspaceStringSet([]string{"m7i"}))
	s = m.spec(ctx, "TENANT0001", nil, &diags)
	m.setPlanned(s)
	m.planKarpenter()
	for _, v := range []types.String{m.KarpenterNodeRoleARN, m.KarpenterProfileName, m.KarpenterProfileARN, m.KarpenterParameter} {
		if v.IsUnknown() || v.ValueString() != "" {
			t.Errorf("Karpenter off plans %v", v)
		}
	}
	if _, ok := m.WorkloadRoleARNs.Elements()[workspace.PurposeKarpenter]; ok || len(m.WorkloadRoleARNs.Elements()) != len(workspace.WorkloadPurposes()) {
		t.Errorf("Karpenter off plans the roles %v", m.WorkloadRoleARNs)
	}

	m.Karpenter = types.ObjectUnknown(karpenterAttrTypes)
	if m.knownForPlanning() {
		t.Error("an unknown karpenter block is known for planning")
	}
	m.setPlanned(m.namingSpec(ctx, &diags))
	m.planKarpenter()
	if !m.KarpenterNodeRoleARN.IsUnknown() || !m.WorkloadRoleARNs.IsUnknown() {
		t.Errorf("an unknown karpenter block plans %v and %v", m.KarpenterNodeRoleARN, m.WorkloadRoleARNs)
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
}

// A read's findings become the outputs: each is empty when its object is missing or drifted (the
// node role's also without its access entry, the parameter's also without the discovery tags);
// with Karpenter off, anything left shows as enabled.
func TestUnitWorkspaceKarpenterFlatten(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	m := unitWorkspaceModel()
	m.Karpenter = defaultKarpenter()
	s := m.spec(ctx, "TENANT0001", nil, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	complete := workspace.KarpenterState{NodeRoleARN: s.RoleARN(s.KarpenterNodeRoleName()), InstanceProfileName: s.KarpenterInstanceProfileName(),
		InstanceProfileARN: "arn:aws:iam::111122223333:instance-profile/" + s.KarpenterInstanceProfileName(), AccessEntry: true, Discovery: true,
		ParameterName: s.KarpenterParameterName()}
	flatten := func(found *workspace.KarpenterState, spec workspace.Spec) workspaceModel {
		out := m
		out.flattenKarpenter(&workspace.Workspace{Karpenter: found}, spec)
		return out
	}
	got := flatten(&complete, s)
	if got.KarpenterNodeRoleARN.ValueString() != complete.NodeRoleARN || got.KarpenterProfileName.ValueString() != complete.InstanceProfileName ||
		got.KarpenterProfileARN.ValueString() != complete.InstanceProfileARN || got.KarpenterParameter.ValueString() != complete.ParameterName {
		t.Errorf("a complete Karpenter flattens to %v %v %v %v", got.KarpenterNodeRoleARN, got.KarpenterProfileName, got.KarpenterProfileARN, got.KarpenterParameter)
	}
	if !got.Karpenter.Equal(m.Karpenter) {
		t.Errorf("the configured block changed: %v", got.Karpenter)
	}
	noEntry, noTags := complete, complete
	noEntry.AccessEntry, noTags.Discovery = false, false
	if got := flatten(&noEntry, s); got.KarpenterNodeRoleARN.ValueString() != "" {
		t.Errorf("a node role without its access entry shows as %v", got.KarpenterNodeRoleARN)
	}
	if got := flatten(&noTags, s); got.KarpenterParameter.ValueString() != "" {
		t.Errorf("settings whose discovery tags are gone show as %v", got.KarpenterParameter)
	}
	if got := flatten(nil, s); got.KarpenterNodeRoleARN.ValueString() != "" || got.KarpenterProfileName.ValueString() != "" {
		t.Errorf("nothing found flattens to %v %v", got.KarpenterNodeRoleARN, got.KarpenterProfileName)
	}

	// Off: what the read finds left (the discovery tag) shows as enabled, so the plan turns it off again.
	m.Karpenter = karpenterObject(false, 64, workspaceStringSet([]string{"m7i"}))
	off := m.spec(ctx, "TENANT0001", nil, &diags)
	got = flatten(&workspace.KarpenterState{Discovery: true}, off)
	if !got.Karpenter.Equal(karpenterObject(true, 64, workspaceStringSet([]string{"m7i"}))) {
		t.Errorf("Karpenter left while off reads as %v", got.Karpenter)
	}
	if got.KarpenterNodeRoleARN.ValueString() != "" || got.KarpenterParameter.ValueString() != "" {
		t.Errorf("Karpenter off has outputs %v %v", got.KarpenterNodeRoleARN, got.KarpenterParameter)
	}
	if got := flatten(nil, off); !got.Karpenter.Equal(m.Karpenter) {
		t.Errorf("Karpenter off and gone reads as %v", got.Karpenter)
	}
}

// A state without the karpenter block (an import, or a workspace applied before the attribute
// existed) asks the read for all of Karpenter; the block becomes what was found, so a workspace
// without Karpenter plans it as an in-place update (off in state, the default on in the plan).
func TestUnitWorkspaceKarpenterStateWithoutBlock(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	m := unitWorkspaceModel()
	m.Karpenter = types.ObjectNull(karpenterAttrTypes)
	s := m.spec(ctx, "TENANT0001", nil, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !s.Karpenter.Enabled || s.Karpenter.MaxVCPUs != workspace.DefaultKarpenterMaxVCPUs {
		t.Fatalf("a state without the block reads %+v", s.Karpenter)
	}

	before := m
	before.flatten(&workspace.Workspace{ID: s.ID(), ClusterName: s.ClusterName(), Network: s.Network}, s, nil)
	if !before.Karpenter.Equal(karpenterObject(false, workspace.DefaultKarpenterMaxVCPUs, defaultKarpenterInstanceFamilies())) {
		t.Errorf("a workspace without Karpenter reads as %v", before.Karpenter)
	}
	if before.KarpenterNodeRoleARN.ValueString() != "" || before.KarpenterParameter.ValueString() != "" {
		t.Errorf("a workspace without Karpenter has outputs %v %v", before.KarpenterNodeRoleARN, before.KarpenterParameter)
	}
	plan := before
	plan.Karpenter = karpenterSchemaDefault(t)
	plan.setPlanned(plan.spec(ctx, "TENANT0001", nil, &diags))
	plan.planKarpenter()
	if plan.Karpenter.Equal(before.Karpenter) || plan.KarpenterNodeRoleARN.Equal(before.KarpenterNodeRoleARN) {
		t.Error("the default Karpenter plans no change for a workspace without it")
	}

	imported := m
	imported.flatten(&workspace.Workspace{ID: s.ID(), ClusterName: s.ClusterName(), Network: s.Network,
		WorkloadRoleARNs: map[string]string{workspace.PurposeKarpenter: s.RoleARN(s.WorkloadRoleName(workspace.PurposeKarpenter))},
		Karpenter:        &workspace.KarpenterState{NodeRoleARN: s.RoleARN(s.KarpenterNodeRoleName()), AccessEntry: true}}, s, nil)
	if !imported.Karpenter.Equal(defaultKarpenter()) {
		t.Errorf("an import finding Karpenter's roles reads %v", imported.Karpenter)
	}

	// An import that read the settings parameter takes its limits, not the defaults.
	limited := m
	limited.flatten(&workspace.Workspace{ID: s.ID(), ClusterName: s.ClusterName(), Network: s.Network,
		ImportedKarpenter: &workspace.KarpenterSpec{Enabled: true, MaxVCPUs: 64, InstanceFamilies: []string{"m7i", "c7i", "m7i"}},
		Karpenter:         &workspace.KarpenterState{Discovery: true}}, s, nil)
	if want := karpenterObject(true, 64, workspaceStringSet([]string{"c7i", "m7i"})); !limited.Karpenter.Equal(want) {
		t.Errorf("an import finding Karpenter's settings reads %v, want %v", limited.Karpenter, want)
	}
}

// The library's checks land on the nested attribute they concern.
func TestUnitWorkspaceKarpenterSpecErrors(t *testing.T) {
	var diags diag.Diagnostics
	m := unitWorkspaceModel()
	m.Karpenter = karpenterObject(true, 0, workspaceStringSet([]string{"m7i.large"}))
	s := m.spec(context.Background(), "TENANT0001", nil, &diags)
	(&workspaceResource{}).validate(s, &diags)
	at := map[string]bool{}
	for _, d := range diags.Errors() {
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			at[withPath.Path().String()] = true
		}
	}
	if !at["karpenter.max_vcpus"] || !at["karpenter.instance_families"] {
		t.Errorf("errors at %v: %v", at, diags)
	}
}
