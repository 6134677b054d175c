package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	testresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Security rule: the external ID is a secret, so no diagnostic may quote it. Each bad value
// below carries secretMarker; the tests fail if the marker shows up anywhere a user would see it.

const secretMarker = "QZ7K9JXW" // all runes different: see matchingWithout

// badSecrets break the external ID rules in different ways, each carrying the marker.
var badSecrets = []string{
	"not-a-uuid-" + secretMarker,                          // passes the library's character rule, fails the UUID rule
	secretMarker + " with spaces and ünïcödé",             // fails every rule
	strings.Repeat(secretMarker, 160),                     // longer than STS's 1,224 characters
	"6f1c2a3b-4d5e-4f60-8a7b-" + secretMarker + "ab",      // almost a UUID
	`"` + secretMarker + `"` + "\n" + `\u0000` + "\u0000", // quoting and control characters
}

// assertNoSecret fails when any diagnostic's summary or detail contains the marker.
func assertNoSecret(t *testing.T, context string, diags []string) {
	t.Helper()
	for _, d := range diags {
		if strings.Contains(d, secretMarker) {
			t.Errorf("%s: a diagnostic quotes the sensitive value: %s", context, d)
		}
	}
}

func frameworkDiagText(diags diag.Diagnostics) []string {
	out := make([]string, 0, len(diags))
	for _, d := range diags {
		out = append(out, d.Summary()+"\n"+d.Detail())
	}
	return out
}

func protocolDiagText(diags []*tfprotov6.Diagnostic) []string {
	out := make([]string, 0, len(diags))
	for _, d := range diags {
		out = append(out, d.Summary+"\n"+d.Detail)
	}
	return out
}

// validateConnectionConfig runs the provider's whole config validation of lakesail_connection
// (schema validators and ValidateConfig) through the protocol, as Terraform calls it.
func validateConnectionConfig(t *testing.T, set map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	objectType := connectionSchema(ctx).Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range objectType.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	values["connection_id"] = tftypes.NewValue(tftypes.String, "AB12CD34EF")
	values["tenant_id"] = tftypes.NewValue(tftypes.String, "TENANT0001")
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
		TypeName:           "lakesail_connection",
		Config:             &config,
		ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// TestUnitConnectionExternalIDNeverEchoed: a bad external_id or external_id_wo is an error on
// that attribute naming the rule, and no diagnostic quotes the value.
func TestUnitConnectionExternalIDNeverEchoed(t *testing.T) {
	for _, attribute := range []string{"external_id", "external_id_wo"} {
		for i, secret := range badSecrets {
			t.Run(fmt.Sprintf("%s/%d", attribute, i), func(t *testing.T) {
				set := map[string]tftypes.Value{attribute: tftypes.NewValue(tftypes.String, secret)}
				if attribute == "external_id_wo" {
					set["external_id_wo_version"] = tftypes.NewValue(tftypes.Number, 1)
				}
				diags := validateConnectionConfig(t, set)
				assertNoSecret(t, attribute, protocolDiagText(diags))
				found := false
				for _, d := range diags {
					if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute != nil && d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(attribute)) {
						found = true
						if !strings.Contains(d.Detail, attribute) || !strings.Contains(d.Detail, "(a UUID)") || !strings.Contains(d.Detail, "sensitive") {
							t.Errorf("the error should name %s and the rule and say the value is hidden: %q", attribute, d.Detail)
						}
					}
				}
				if !found {
					t.Errorf("no error on %s for a bad value; diagnostics: %v", attribute, protocolDiagText(diags))
				}
			})
		}
	}
	// A valid value still passes.
	valid := validateConnectionConfig(t, map[string]tftypes.Value{"external_id": tftypes.NewValue(tftypes.String, accExternalID)})
	for _, d := range valid {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Errorf("a valid external ID was refused: %s: %s", d.Summary, d.Detail)
		}
	}
}

// TestUnitSensitiveValueValidator: the wrapper keeps the inner rule's verdict and description
// and drops the value from what it reports, for warnings too.
func TestUnitSensitiveValueValidator(t *testing.T) {
	ctx := context.Background()
	v := sensitiveValue(stringValidatorFunc{description: "must be a UUID", severity: diag.SeverityError},
		stringValidatorFunc{description: "should not be reused", severity: diag.SeverityWarning})
	if got := v.Description(ctx); got != "must be a UUID; should not be reused" {
		t.Errorf("description = %q", got)
	}
	req := validator.StringRequest{Path: path.Root("external_id"), ConfigValue: types.StringValue("bad-" + secretMarker)}
	var resp validator.StringResponse
	v.ValidateString(ctx, req, &resp)
	assertNoSecret(t, "wrapper", frameworkDiagText(resp.Diagnostics))
	if resp.Diagnostics.ErrorsCount() != 1 || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one error and one warning, got %v", resp.Diagnostics)
	}
	if d := resp.Diagnostics.Errors()[0]; !strings.Contains(d.Detail(), "external_id must be a UUID") {
		t.Errorf("error detail = %q, want the attribute and the rule", d.Detail())
	}
	for _, null := range []types.String{types.StringNull(), types.StringUnknown()} {
		var resp validator.StringResponse
		sensitiveValue(stringValidatorFunc{description: "x", severity: diag.SeverityError}).
			ValidateString(ctx, validator.StringRequest{Path: path.Root("external_id"), ConfigValue: null}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("a %s value was reported", null)
		}
	}
}

// stringValidatorFunc fails every known value, quoting it the way the framework's validators do.
type stringValidatorFunc struct {
	description string
	severity    diag.Severity
}

func (v stringValidatorFunc) Description(context.Context) string         { return v.description }
func (v stringValidatorFunc) MarkdownDescription(context.Context) string { return v.description }
func (v stringValidatorFunc) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	detail := fmt.Sprintf("Attribute %s %s, got: %s", req.Path, v.description, req.ConfigValue)
	if v.severity == diag.SeverityWarning {
		resp.Diagnostics.AddAttributeWarning(req.Path, "Questionable", detail)
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid", detail)
}

// TestUnitConnectionLibraryErrorsNeverEchoSecret: the library's own errors about the external
// ID, turned into diagnostics the way the resource does, never carry it; and an AWS error that
// echoes it (STS quotes a rejected ExternalId) is redacted before Terraform sees it.
func TestUnitConnectionLibraryErrorsNeverEchoSecret(t *testing.T) {
	for i, secret := range badSecrets {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			spec := connpolicy.Spec{ConnectionID: "AB12CD34EF", TenantID: "TENANT0001", AccountID: "111122223333",
				Partition: "aws", LakeSailPrincipal: connpolicy.DefaultLakeSailPrincipal, ExternalID: secret}
			var diags diag.Diagnostics
			// Some of the values pass the library's character rule (only the schema insists on a
			// UUID); the others are its errors, which must sit on external_id.
			if err := spec.Validate(); err != nil {
				addSpecError(&diags, err)
				if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "external_id") {
					t.Errorf("spec error not on external_id: %v", diags)
				}
			} else if strings.ContainsAny(secret, " \"\x00") || len(secret) > 1224 {
				t.Fatal("the library accepted an external ID STS would refuse")
			}
			if _, err := connpolicy.Build(spec); err != nil {
				addSpecError(&diags, err)
			}

			// What AWS says about a rejected parameter, through each of the resource's error paths.
			echoed := &lakesail.AWSError{Action: "sts:AssumeRole", Code: "ValidationError",
				Message: fmt.Sprintf("1 validation error detected: Value '%s' at 'externalId' failed to satisfy constraint", secret)}
			addConnectionError(&diags, "Cannot Assume the Connection Role", echoed)
			addConnectionError(&diags, "Cannot Assume the Connection Role", &connection.TrustError{RoleARN: "arn:aws:iam::111122223333:role/r", CallerARN: "arn:aws:iam::111122223333:root", Err: echoed})
			addAWSError(&diags, "Cannot Read LakeSail Connection", fmt.Errorf("wrapped: %w", echoed))
			diags.AddAttributeWarning(path.Root("external_id"), "Echo "+secret, "detail "+secret)
			redacted := redactSecrets(diags, secret)
			assertNoSecret(t, "redacted diagnostics", frameworkDiagText(redacted))
			if len(redacted) != len(diags) {
				t.Errorf("redaction dropped diagnostics: %d of %d left", len(redacted), len(diags))
			}
			for j := range diags {
				if redacted[j].Severity() != diags[j].Severity() {
					t.Errorf("diagnostic %d changed severity", j)
				}
				if withPath, ok := diags[j].(diag.DiagnosticWithPath); ok {
					if got, ok := redacted[j].(diag.DiagnosticWithPath); !ok || !got.Path().Equal(withPath.Path()) {
						t.Errorf("diagnostic %d lost its attribute path", j)
					}
				}
			}
			if last := redacted[len(redacted)-1]; !strings.Contains(last.Detail(), redactedValue) {
				t.Errorf("redacted detail = %q, want the placeholder", last.Detail())
			}
		})
	}
}

// TestUnitSensitiveAttributesNeverEchoed runs every validator of every sensitive string
// attribute of the provider (provider block, resources, data sources) on a marked value.
func TestUnitSensitiveAttributesNeverEchoed(t *testing.T) {
	ctx := context.Background()
	p := newTestProvider()
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	var providerSchema provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &providerSchema)
	schemas := map[string]any{"provider": providerSchema.Schema}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var name resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &name)
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		schemas[name.TypeName] = s.Schema
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var name datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &name)
		var s datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &s)
		schemas["data."+name.TypeName] = s.Schema
	}
	checked := 0
	for owner, s := range schemas {
		// Validators that compare with other attributes read the configuration: an empty one.
		var emptyConfig tfsdk.Config
		reflect.ValueOf(&emptyConfig).Elem().FieldByName("Schema").Set(reflect.ValueOf(s))
		emptyConfig.Raw = tftypes.NewValue(s.(interface{ Type() attr.Type }).Type().TerraformType(ctx), nil)
		walkAttributes(reflect.ValueOf(s), path.Empty(), func(at path.Path, attribute any) {
			sensitive, ok := attribute.(interface{ IsSensitive() bool })
			validated, ok2 := attribute.(interface{ StringValidators() []validator.String })
			if !ok || !ok2 || !sensitive.IsSensitive() {
				return
			}
			name := owner + "." + at.String()
			checked++
			for _, secret := range badSecrets {
				var diags diag.Diagnostics
				for _, v := range validated.StringValidators() {
					var resp validator.StringResponse
					v.ValidateString(ctx, validator.StringRequest{Path: at, PathExpression: at.Expression(), Config: emptyConfig, ConfigValue: types.StringValue(secret)}, &resp)
					diags.Append(resp.Diagnostics...)
				}
				if slices.ContainsFunc(frameworkDiagText(diags), func(d string) bool { return strings.Contains(d, secretMarker) }) {
					t.Errorf("%s quotes its sensitive value in a validation error: %v", name, frameworkDiagText(diags))
				}
			}
		})
	}
	if checked < 5 {
		t.Errorf("only %d sensitive string attributes found: the schema walk is broken", checked)
	}
}

// walkAttributes calls visit for every attribute of a schema, nested attributes and blocks
// included. The framework's schema interfaces are internal, so it goes by method names.
func walkAttributes(node reflect.Value, at path.Path, visit func(path.Path, any)) {
	call := func(v reflect.Value, method string) (reflect.Value, bool) {
		m := v.MethodByName(method)
		if !m.IsValid() {
			return reflect.Value{}, false
		}
		return m.Call(nil)[0], true
	}
	if attributes, ok := call(node, "GetAttributes"); ok {
		for iter := attributes.MapRange(); iter.Next(); {
			child := iter.Value().Elem()
			childPath := at.AtName(iter.Key().String())
			visit(childPath, child.Interface())
			if nested, ok := call(child, "GetNestedObject"); ok {
				walkAttributes(nested.Elem(), childPath, visit)
			}
		}
	}
	if blocks, ok := call(node, "GetBlocks"); ok {
		for iter := blocks.MapRange(); iter.Next(); {
			if nested, ok := call(iter.Value().Elem(), "GetNestedObject"); ok {
				walkAttributes(nested.Elem(), at.AtName(iter.Key().String()), visit)
			}
		}
	}
}

// TestAccConnection_sensitiveExternalIDNotEchoed: Terraform's own output for a bad external ID
// names the attribute and the rule, and never the value. The value comes from a variable, as it
// would in real use (a literal would be in Terraform's quote of the configuration line).
func TestAccConnection_sensitiveExternalIDNotEchoed(t *testing.T) {
	target := newAccTarget(t)
	body := fmt.Sprintf(`
variable "external_id" {
  type = string
}

resource "lakesail_connection" "test" {
  connection_id = %q
  tenant_id     = %q
  external_id   = var.external_id
}
`, accConnectionID(t), accTenantID)
	testresource.Test(t, testresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []testresource.TestStep{{
			Config:          target.config(body),
			ConfigVariables: config.Variables{"external_id": config.StringVariable("not-a-uuid-" + secretMarker)},
			PlanOnly:        true,
			ExpectError: matchingWithout(secretMarker, "Invalid Sensitive Value",
				"external_id must be the external ID LakeSail generated for this connection (a UUID)"),
		}},
	})
}

// matchingWithout matches text that contains the literals in order and never contains marker.
// ExpectError takes one regexp and RE2 has no negative lookahead, but when marker's runes are
// all different (and none is in a literal) "no marker" is a plain regular expression: outside
// an attempt at marker any rune but its first; an attempt is its first rune and a proper prefix
// of the rest, ended by a rune that neither continues it nor starts a new attempt, or by the
// next attempt, or by the end.
func matchingWithout(marker string, literals ...string) *regexp.Regexp {
	runes := []rune(marker)
	if len(runes) < 2 || len(slices.Compact(slices.Sorted(slices.Values(runes)))) != len(runes) {
		panic("matchingWithout: marker needs at least two runes, all different")
	}
	for _, literal := range literals {
		if strings.ContainsAny(literal, marker) {
			panic("matchingWithout: literal " + literal + " shares a rune with the marker")
		}
	}
	quote := func(rs ...rune) string { return regexp.QuoteMeta(string(rs)) }
	var unended, ended []string
	for j := 1; j < len(runes); j++ { // an attempt that has matched runes[:j]
		unended = append(unended, quote(runes[:j]...))
		ended = append(ended, quote(runes[:j]...)+"[^"+quote(runes[j], runes[0])+"]")
	}
	unendedAttempt := "(?:" + strings.Join(unended, "|") + ")"
	noMarker := "(?:[^" + quote(runes[0]) + "]|" + unendedAttempt + "*(?:" + strings.Join(ended, "|") + "))*" + unendedAttempt + "*"
	expr := `\A` + noMarker
	for _, literal := range literals {
		expr += words(literal) + noMarker // words: however Terraform wraps the line
	}
	return regexp.MustCompile(expr + `\z`)
}

// TestUnitMatchingWithout checks the regexp against strings.Contains on every string of up to
// seven runes over an alphabet of the marker's runes and two others.
func TestUnitMatchingWithout(t *testing.T) {
	const marker = "abc"
	re := matchingWithout(marker, "x")
	alphabet := []rune("abcx\n")
	var walk func(prefix []rune)
	walk = func(prefix []rune) {
		text := string(prefix)
		want := strings.Contains(text, "x") && !strings.Contains(text, marker)
		if got := re.MatchString(text); got != want {
			t.Fatalf("matchingWithout(%q, \"x\") on %q = %v, want %v", marker, text, got, want)
		}
		if len(prefix) < 7 {
			for _, r := range alphabet {
				walk(append(prefix, r))
			}
		}
	}
	walk(nil)
	if !matchingWithout(secretMarker, "Invalid").MatchString("Error: Invalid Sensitive Value\n\n  on main.tf line 3") {
		t.Error("a clean error does not match")
	}
	if matchingWithout(secretMarker, "Invalid").MatchString("Error: Invalid value, got: \"x-" + secretMarker + "\"") {
		t.Error("an error quoting the marker matches")
	}
}
