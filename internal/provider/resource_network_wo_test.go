package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// rotatedExternalID is the connection's external ID after a rotation in the write-only tests.
const rotatedExternalID = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"

// writeOnlyConnectionConfig is a connection that takes its external ID write-only.
func writeOnlyConnectionConfig(connectionID, externalID string, version int) string {
	return fmt.Sprintf(`
resource "lakesail_connection" "test" {
  connection_id          = %q
  tenant_id              = %q
  external_id_wo         = %q
  external_id_wo_version = %d
}
`, connectionID, accTenantID, externalID, version)
}

// writeOnlyConfig is the provider, a connection and a network, both given the external ID
// write-only only.
func (n *networkTarget) writeOnlyConfig(externalID string, version int) string {
	return n.providerBlock() + writeOnlyConnectionConfig(n.connectionID, externalID, version) + fmt.Sprintf(`
resource "lakesail_network" "test" {
  connection_id          = lakesail_connection.test.connection_id
  role_arn               = lakesail_connection.test.role_arn
  external_id_wo         = %q
  external_id_wo_version = %d
  network_id             = %q
  cidr_block             = "10.50.0.0/16"
  force_destroy          = true
}
`, externalID, version, accNetworkID)
}

// TestAccNetwork_externalIDWriteOnly: a network given only external_id_wo is created, keeps no
// external ID in plan or state, refreshes and destroys (reading the external ID from the trust
// policy), and a new external_id_wo with a bumped version (the connection's ID rotated) updates
// it in place.
func TestAccNetwork_externalIDWriteOnly(t *testing.T) {
	n := newNetworkTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             n.checkNetworkDestroyed(true),
		Steps: []resource.TestStep{
			{
				Config: n.writeOnlyConfig(accExternalID, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionCreate),
						planNeverHolds(accExternalID),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: writeOnlyStateChecks(networkAddress, accExternalID, 1),
			},
			{
				// Refresh has no configuration: the external ID comes from the trust policy.
				RefreshState:      true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:             legacyStateNeverHolds(accExternalID),
			},
			{
				Config: n.writeOnlyConfig(rotatedExternalID, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionUpdate),
						planNeverHolds(accExternalID),
						planNeverHolds(rotatedExternalID),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(writeOnlyStateChecks(networkAddress, rotatedExternalID, 2), stateNeverHolds(accExternalID)),
			},
		},
	})
}

// writeOnlyStateChecks: neither form of the external ID is in the resource's state, the version
// is, and the value appears nowhere in the state.
func writeOnlyStateChecks(address, externalID string, version int64) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("external_id"), knownvalue.Null()),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("external_id_wo"), knownvalue.Null()),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("external_id_wo_version"), knownvalue.Int64Exact(version)),
		statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("external_id"), knownvalue.Null()),
		stateNeverHolds(externalID),
	}
}

// stateNeverHolds fails when the value appears anywhere in the state (sensitive values included).
type stateNeverHolds string

func (s stateNeverHolds) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(raw), string(s)) {
		resp.Error = fmt.Errorf("the state holds the write-only external ID")
	}
}

// legacyStateNeverHolds is stateNeverHolds for steps that run only legacy checks (refresh).
func legacyStateNeverHolds(value string) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		for _, module := range state.Modules {
			for address, r := range module.Resources {
				for name, v := range r.Primary.Attributes {
					if strings.Contains(v, value) {
						return fmt.Errorf("%s.%s holds the write-only external ID", address, name)
					}
				}
			}
		}
		return nil
	}
}

// planNeverHolds fails when the value appears in the plan's values (prior state, planned values,
// changes); its configuration section, which quotes literals, is not looked at.
type planNeverHolds string

func (s planNeverHolds) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal([]any{req.Plan.PriorState, req.Plan.PlannedValues, req.Plan.ResourceChanges, req.Plan.OutputChanges})
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(raw), string(s)) {
		resp.Error = fmt.Errorf("the plan holds the write-only external ID")
	}
}

// validateResourceConfigOf runs the provider's whole config validation of a resource (schema
// validators and ValidateConfig) through the protocol, as Terraform 1.11 calls it.
func validateResourceConfigOf(t *testing.T, r fwresource.Resource, typeName string, set map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	var s fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &s)
	objectType := s.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range objectType.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	for name, v := range set {
		values[name] = v
	}
	config, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, values))
	if err != nil {
		t.Fatal(err)
	}
	server, err := providerserver.NewProtocol6WithError(newTestProvider())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
		TypeName:           typeName,
		Config:             &config,
		ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// externalIDErrors are the errors about external_id, external_id_wo or external_id_wo_version.
func externalIDErrors(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityError {
			continue
		}
		onAttribute := false
		if d.Attribute != nil && len(d.Attribute.Steps()) > 0 {
			if name, ok := d.Attribute.Steps()[0].(tftypes.AttributeName); ok && strings.HasPrefix(string(name), "external_id") {
				onAttribute = true
			}
		}
		if onAttribute || strings.Contains(d.Summary+d.Detail, "external_id") {
			out = append(out, d.Summary+": "+d.Detail)
		}
	}
	return out
}

// testExternalIDArguments checks the rules on external_id, external_id_wo and
// external_id_wo_version of a resource whose other arguments are base: at most one form of the
// external ID, the write-only one with its version, and neither value quoted in an error.
func testExternalIDArguments(t *testing.T, r func() fwresource.Resource, typeName string, base map[string]tftypes.Value) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	num := func(n int) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }
	const conflict = `"external_id_wo" cannot be specified when "external_id" is specified`
	const noVersion = `"external_id_wo_version" must be specified when "external_id_wo" is specified`
	const noValue = `"external_id_wo" must be specified when "external_id_wo_version" is specified`
	cases := []struct {
		name string
		set  map[string]tftypes.Value
		want []string // the errors' details, in any order; none for a valid combination
	}{
		{"neither", nil, nil},
		{"external_id", map[string]tftypes.Value{"external_id": str(accExternalID)}, nil},
		{"external_id_wo", map[string]tftypes.Value{"external_id_wo": str(accExternalID), "external_id_wo_version": num(1)}, nil},
		{"both", map[string]tftypes.Value{"external_id": str(accExternalID), "external_id_wo": str(accExternalID), "external_id_wo_version": num(1)}, []string{conflict}},
		{"both without version", map[string]tftypes.Value{"external_id": str(accExternalID), "external_id_wo": str(rotatedExternalID)}, []string{conflict, noVersion}},
		{"write-only without version", map[string]tftypes.Value{"external_id_wo": str(accExternalID)}, []string{noVersion}},
		{"version without write-only", map[string]tftypes.Value{"external_id_wo_version": num(1)}, []string{noValue}},
		{"version with external_id", map[string]tftypes.Value{"external_id": str(accExternalID), "external_id_wo_version": num(1)}, []string{noValue}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := map[string]tftypes.Value{}
			for k, v := range base {
				set[k] = v
			}
			for k, v := range c.set {
				set[k] = v
			}
			diags := validateResourceConfigOf(t, r(), typeName, set)
			assertNoSecret(t, c.name, protocolDiagText(diags))
			for _, d := range protocolDiagText(diags) {
				if strings.Contains(d, accExternalID) {
					t.Errorf("a diagnostic quotes the external ID: %s", d)
				}
			}
			got := externalIDErrors(diags)
			if len(got) != len(c.want) {
				t.Fatalf("errors on the external ID arguments: %q, want %d: %q", got, len(c.want), c.want)
			}
			for _, want := range c.want {
				if !slices.ContainsFunc(got, func(e string) bool { return strings.Contains(e, want) }) {
					t.Errorf("no error saying %s; got %q", want, got)
				}
			}
		})
	}
	// A bad write-only value is refused naming the rule, never the value.
	for i, secret := range badSecrets {
		diags := validateResourceConfigOf(t, r(), typeName, map[string]tftypes.Value{
			"external_id_wo": str(secret), "external_id_wo_version": num(1),
		})
		assertNoSecret(t, fmt.Sprintf("bad external_id_wo %d", i), protocolDiagText(diags))
		found := false
		for _, d := range diags {
			if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute != nil &&
				d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("external_id_wo")) && strings.Contains(d.Detail, "(a UUID)") {
				found = true
			}
		}
		if !found {
			t.Errorf("bad external_id_wo %d: no error naming the rule; diagnostics: %v", i, protocolDiagText(diags))
		}
	}
}

// TestUnitNetworkExternalIDArguments: external_id and external_id_wo together fail validation,
// as do a write-only value without its version and a version without one.
func TestUnitNetworkExternalIDArguments(t *testing.T) {
	testExternalIDArguments(t, newNetworkResource, "lakesail_network", map[string]tftypes.Value{
		"connection_id": tftypes.NewValue(tftypes.String, "AB12CD34EF"),
		"role_arn":      tftypes.NewValue(tftypes.String, "arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-LakeSailRole"),
		"network_id":    tftypes.NewValue(tftypes.String, "NET0000001"),
		"cidr_block":    tftypes.NewValue(tftypes.String, "10.20.0.0/16"),
	})
}

// TestUnitTrustPolicyExternalID: refresh and destroy pick the trust policy's external ID whose
// digest the last apply recorded, else the only one, and say when the recorded one is gone.
func TestUnitTrustPolicyExternalID(t *testing.T) {
	const connectionID = "AB12CD34EF"
	digest := func(id string) string { return fmt.Sprintf("%q", externalIDDigest(connectionID, id)) }
	cases := []struct {
		name      string
		trust     []string
		digest    string
		want      string
		wantStale bool
	}{
		{"no digest, one ID", []string{accExternalID, accExternalID}, "", accExternalID, false},
		{"no digest, two IDs", []string{accExternalID, rotatedExternalID}, "", "", false},
		{"no digest, none", nil, "", "", false},
		{"digest picks among two", []string{rotatedExternalID, accExternalID}, digest(accExternalID), accExternalID, false},
		{"digest of the only one", []string{rotatedExternalID}, digest(rotatedExternalID), rotatedExternalID, false},
		{"rotated since the last apply", []string{rotatedExternalID}, digest(accExternalID), rotatedExternalID, true},
		{"rotated, two others", []string{rotatedExternalID, "11111111-2222-4333-8444-555555555555"}, digest(accExternalID), "", true},
		{"another connection's digest", []string{accExternalID}, fmt.Sprintf("%q", externalIDDigest("ZZ12CD34EF", accExternalID)), accExternalID, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The library chooses; the provider passes the digest private state recorded.
			got, stale := lakesail.ChooseExternalID(c.trust, connectionID, privateDigest([]byte(c.digest)))
			if got != c.want || stale != c.wantStale {
				t.Errorf("ChooseExternalID = (%q, %v), want (%q, %v)", got, stale, c.want, c.wantStale)
			}
		})
	}
	if d := digest(accExternalID); strings.Contains(d, accExternalID) {
		t.Error("the digest holds the external ID")
	}
}
