package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// numberedTags are n tags named <prefix>00, <prefix>01, ...
func numberedTags(prefix string, n int) map[string]string {
	out := map[string]string{}
	for i := range n {
		out[fmt.Sprintf("%s%02d", prefix, i)] = "x"
	}
	return out
}

func tagMapValue(tags map[string]string) types.Map {
	elems := map[string]attr.Value{}
	for k, v := range tags {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

// hclTags writes tags as an HCL map.
func hclTags(tags map[string]string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for k, v := range tags {
		fmt.Fprintf(&b, "    %q = %q\n", k, v)
	}
	b.WriteString("  }")
	return b.String()
}

func TestUnitTagRules(t *testing.T) {
	long := strings.Repeat("k", 129)
	for _, tc := range []struct {
		name        string
		rules       tagRules
		tags        map[string]string
		defaults    map[string]string
		summary     string // empty: no error
		atAttribute string // the path the error names, when it names one
	}{
		{"plain", connectionTagRules, map[string]string{"team": "data", "cost center": "4 2"}, nil, "", ""},
		{"reserved prefix", connectionTagRules, map[string]string{"AWS:owner": "me"}, nil, "Reserved Tag Key", `tags["AWS:owner"]`},
		{"long key", networkTagRules, map[string]string{long: "x"}, nil, "Invalid Tag Key", `tags["` + long + `"]`},
		{"128-character key", workspaceTagRules, map[string]string{long[:128]: "x"}, nil, "", ""},
		{"long value", workspaceTagRules, map[string]string{"team": strings.Repeat("v", 257)}, nil, "Invalid Tag Value", `tags["team"]`},
		{"characters IAM refuses", connectionTagRules, map[string]string{"team#1": "x"}, nil, "Invalid Tag Key", `tags["team#1"]`},
		{"value IAM refuses", connectionTagRules, map[string]string{"team": "a,b"}, nil, "Invalid Tag Value", `tags["team"]`},
		{"unicode letters", connectionTagRules, map[string]string{"équipe": "données"}, nil, "", ""},
		// 47 + the 3 LakeSail tags is the limit; 48 is one too many.
		{"47 tags on a connection", connectionTagRules, numberedTags("t", 47), nil, "", ""},
		{"48 tags on a connection", connectionTagRules, numberedTags("t", 48), nil, "Too Many Tags", "tags"},
		// The network adds 6 to a subnet (LakeSail's 4, Name and the load balancer role).
		{"44 tags on a network", networkTagRules, numberedTags("t", 44), nil, "", ""},
		{"45 tags on a network", networkTagRules, numberedTags("t", 45), nil, "Too Many Tags", "tags"},
		{"46 tags on a workspace", workspaceTagRules, numberedTags("t", 46), nil, "", ""},
		{"default_tags count", workspaceTagRules, numberedTags("t", 20), numberedTags("d", 27), "Too Many Tags", "tags"},
		{"a default tag overridden counts once", workspaceTagRules, numberedTags("t", 20), numberedTags("t", 26), "", ""},
		{"a LakeSail key in tags counts once", connectionTagRules, mergeTags(numberedTags("t", 47), map[string]string{"Service": "mine"}), nil, "", ""},
		{"keys differing in case on IAM", connectionTagRules, map[string]string{"Team": "a", "team": "b"}, nil, "Tag Keys Differ Only in Case", `tags["team"]`},
		{"a key differing from LakeSail's in case", workspaceTagRules, map[string]string{"service": "x"}, nil, "Tag Keys Differ Only in Case", `tags["service"]`},
		{"a key differing from a default tag in case", connectionTagRules, map[string]string{"Team": "a"}, map[string]string{"team": "b"}, "Tag Keys Differ Only in Case", `tags["Team"]`},
		{"keys differing in case outside IAM", networkTagRules, map[string]string{"Team": "a", "team": "b"}, nil, "", ""},
		{"default_tags with a reserved key", networkTagRules, nil, map[string]string{"aws:team": "x"}, "Reserved Tag Key in default_tags", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tags := types.MapNull(types.StringType)
			if tc.tags != nil {
				tags = tagMapValue(tc.tags)
			}
			var diags diag.Diagnostics
			tc.rules.check(path.Root("tags"), tags, tc.defaults, &diags)
			if tc.summary == "" {
				if diags.HasError() {
					t.Fatalf("unexpected errors: %v", diags)
				}
				return
			}
			if len(diags.Errors()) == 0 {
				t.Fatalf("no error, want %q", tc.summary)
			}
			got := diags.Errors()[0]
			if got.Summary() != tc.summary {
				t.Fatalf("summary %q (%s), want %q", got.Summary(), got.Detail(), tc.summary)
			}
			withPath, hasPath := got.(diag.DiagnosticWithPath)
			switch {
			case tc.atAttribute == "" && hasPath:
				t.Errorf("error names %s, want no attribute", withPath.Path())
			case tc.atAttribute != "" && (!hasPath || withPath.Path().String() != tc.atAttribute):
				t.Errorf("error path %v, want %s", got, tc.atAttribute)
			}
		})
	}
}

func mergeTags(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// The count message says where the tags come from and how many to remove.
func TestUnitTagRulesCountDetail(t *testing.T) {
	var diags diag.Diagnostics
	workspaceTagRules.check(path.Root("tags"), tagMapValue(numberedTags("t", 30)), numberedTags("d", 20), &diags)
	detail := diags.Errors()[0].Detail()
	for _, want := range []string{"would carry 54", "30 from tags", "20 from the provider's default_tags", "4 that LakeSail sets", "Remove at least 4"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail %q lacks %q", detail, want)
		}
	}
}

// Each tag the connection's schema accepted would fail at apply; the plan refuses it, naming
// the attribute, and counts the provider's default_tags.
func TestAccConnection_tagRules(t *testing.T) {
	target := newAccTarget(t)
	id := accConnectionID(t)
	cases := []struct {
		name, providerExtra, tags, error string
	}{
		{"reserved", "", `{ "aws:owner" = "me" }`, `(?s)Reserved Tag Key.*aws:owner`},
		{"sixty", "", hclTags(numberedTags("t", 60)), `(?s)Too Many Tags.*would carry 63`},
		{"long key", "", fmt.Sprintf(`{ %q = "x" }`, strings.Repeat("k", 200)), `(?s)Invalid Tag Key.*200 characters`},
		{"case", "", `{ Team = "a", team = "b" }`, `(?s)Tag Keys Differ Only in Case`},
		{"default_tags", "  default_tags {\n    tags = " + hclTags(numberedTags("d", 46)) + "\n  }\n", `{ team = "a", cost = "b" }`,
			`(?s)Too Many Tags.*46 from the provider's\s+default_tags`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:   target.configWith(tc.providerExtra, connectionConfig(id, "  tags = "+tc.tags)),
					PlanOnly: true, ExpectError: regexp.MustCompile(tc.error),
				}},
			})
		})
	}
}

// The network counts the provider's default_tags too (in ValidateConfig, which Terraform calls
// again once the provider is configured).
func TestAccNetwork_tagRulesCountDefaultTags(t *testing.T) {
	n := newNetworkTarget(t)
	defaults := "  default_tags {\n    tags = " + hclTags(numberedTags("d", 44)) + "\n  }\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: n.configWith(defaults, `  cidr_block = "10.0.0.0/16"
  tags       = { team = "data" }`),
			PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Too Many Tags.*44 from the provider's\s+default_tags`),
		}},
	})
}
