package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// workspacePlanConfig is a workspace whose inputs are literals, so that the plan needs no
// connection or network: what these tests check is decided before anything exists.
func workspacePlanConfig(target *accTarget, providerExtra, body string) string {
	return target.configWith(providerExtra, fmt.Sprintf(`
resource "lakesail_workspace" "test" {
  connection_id      = "AB12CD34EF"
  role_arn           = "arn:aws:iam::123456789012:role/lakesail-AB12CD34EF-LakeSailRole"
  external_id        = %q
  workspace_id       = %q
  vpc_id             = "vpc-0123456789abcdef0"
  private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  security_group_id  = "sg-0123456789abcdef0"
  kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  bucket_name        = "lakesail-ab12cd34ef-net0000001-ws"
%s
}
`, accExternalID, accWorkspaceID, body))
}

// Each input that plans cleanly but can only fail at apply fails the plan, naming the attribute.
func TestAccWorkspace_invalidInputFailsPlan(t *testing.T) {
	target := newAccTarget(t)
	cases := []struct{ name, providerExtra, body, error string }{
		{"retired Kubernetes version", "", `  kubernetes_version = "1.20"`,
			`(?s)Unsupported Kubernetes Version.*kubernetes_version.*EKS does not offer\s+Kubernetes\s+1.20`},
		{"garbage instance type", "", `  kubernetes_version = "1.32"
  system_node_group = { instance_types = ["m6i.nonexistent"] }`,
			`(?s)Invalid Instance Type.*system_node_group.instance_types\[0\] is\s+"m6i.nonexistent",\s+which\s+is\s+not\s+an\s+EC2\s+instance\s+type`},
		{"instance type without a size", "", `  kubernetes_version = "1.32"
  system_node_group = { instance_types = ["m6i"] }`, `(?s)Invalid Instance Type`},
		{"reserved tag", "", `  kubernetes_version = "1.32"
  tags = { "aws:cost" = "1" }`, `(?s)Reserved Tag Key.*aws:cost`},
		{"too many tags with default_tags", "  default_tags {\n    tags = " + hclTags(numberedTags("d", 40)) + "\n  }\n",
			`  kubernetes_version = "1.32"
  tags = ` + hclTags(numberedTags("t", 7)), `(?s)Too Many Tags.*7 from tags,\s+40\s+from\s+the\s+provider's\s+default_tags\s+and\s+4`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:   workspacePlanConfig(target, tc.providerExtra, tc.body),
					PlanOnly: true, ExpectError: regexp.MustCompile(tc.error),
				}},
			})
		})
	}
}

// Well-formed instance types of every shape EC2 names pass; garbage does not.
func TestUnitInstanceTypeForm(t *testing.T) {
	for _, good := range []string{"m6i.large", "m7g.2xlarge", "c6in.metal-24xl", "u-6tb1.112xlarge", "t3.micro", "t4g.nano",
		"x2iedn.32xlarge", "m7i-flex.large", "mac2-m2pro.metal", "u7i-12tb.224xlarge", "p6-b200.48xlarge", "i4i.metal", "r8gd.medium"} {
		if !instanceTypePattern.MatchString(good) {
			t.Errorf("%s refused", good)
		}
	}
	for _, bad := range []string{"m6i.nonexistent", "m6i", "large", "M6i.large", "m6i.large ", "6i.large", "m.large", "m6i..large",
		"m6i.2large", "m6i.metal-", "m6i.large.x", ""} {
		if instanceTypePattern.MatchString(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

// planRecorder keeps the diagnostics of every plan, so a test can see warnings (terraform-plugin-
// testing has no ExpectWarning).
type planRecorder struct{ diagnosticsRecorder }

func (p *planRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"lakesail": func() (tfprotov6.ProviderServer, error) {
			server, err := providerserver.NewProtocol6WithError(newTestProvider())()
			return &planRecordingServer{ProviderServer: server, recorder: &p.diagnosticsRecorder}, err
		},
	}
}

type planRecordingServer struct {
	tfprotov6.ProviderServer
	recorder *diagnosticsRecorder
}

func (s *planRecordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.recorder.add(resp.Diagnostics)
	}
	return resp, err
}

// attributeWarning reports whether a plan warned on the attribute with a text containing all parts.
func (p *planRecorder) attributeWarning(attribute string, parts ...string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range p.diags {
		if d.Severity != tfprotov6.DiagnosticSeverityWarning || d.Attribute == nil || d.Attribute.String() != attribute {
			continue
		}
		matched := true
		for _, part := range parts {
			matched = matched && strings.Contains(d.Summary+" "+d.Detail, part)
		}
		if matched {
			return true
		}
	}
	return false
}

// A public endpoint open to 0.0.0.0/0 plans, with a warning naming the attribute and the risk.
func TestAccWorkspace_openPublicEndpointWarns(t *testing.T) {
	target := newAccTarget(t)
	plans := &planRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: plans.factories(),
		Steps: []resource.TestStep{{
			Config: workspacePlanConfig(target, "", `  kubernetes_version     = "1.32"
  endpoint_public_access = true
  public_access_cidrs    = ["0.0.0.0/0"]`),
			PlanOnly: true, ExpectNonEmptyPlan: true,
		}},
	})
	if !plans.attributeWarning("AttributeName(\"public_access_cidrs\")", "Open to the Internet", "anyone on the internet can reach") {
		t.Errorf("no warning on public_access_cidrs; plan diagnostics: %v", plans.diags)
	}
}

// Against the emulator the version list is EKS's (DescribeClusterVersions, as the provider's own
// principal); without access to it, the plan falls back on the built-in calendar and says so.
func TestAccWorkspace_kubernetesVersionSource(t *testing.T) {
	target := newAccTargetWith(t, awsemu.Options{})
	emu := target.requireEmulator(t)
	plans := &planRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: plans.factories(),
		Steps: []resource.TestStep{{
			Config:   workspacePlanConfig(target, "", `  kubernetes_version = "1.29"`),
			PlanOnly: true, ExpectNonEmptyPlan: true,
		}},
	})
	assertCalled(t, emu, "eks", "DescribeClusterVersions")
	if !plans.attributeWarning(`AttributeName("kubernetes_version")`, "extended support until 2026-03-23") {
		t.Errorf("no extended-support warning for 1.29; plan diagnostics: %v", plans.diags)
	}

	emu.AddFault(awsemu.Fault{Service: "eks", Operation: "DescribeClusterVersions", ErrorCode: "AccessDeniedException", HTTPStatus: 403, Every: true})
	fallback := &planRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: fallback.factories(),
		Steps: []resource.TestStep{{
			Config:   workspacePlanConfig(target, "", `  kubernetes_version = "1.33"`),
			PlanOnly: true, ExpectNonEmptyPlan: true,
		}},
	})
	if !fallback.attributeWarning(`AttributeName("kubernetes_version")`, "Built-In List", "may be stale", "AccessDeniedException") {
		t.Errorf("no built-in list warning; plan diagnostics: %v", fallback.diags)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   workspacePlanConfig(target, "", `  kubernetes_version = "1.20"`),
			PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Unsupported Kubernetes Version.*release\s+calendar\s+built\s+into\s+this\s+provider`),
		}},
	})
}

func TestUnitOpenPublicEndpointWarning(t *testing.T) {
	cidrs := func(values ...string) types.Set {
		out, _ := types.SetValueFrom(context.Background(), types.StringType, values)
		return out
	}
	for _, tc := range []struct {
		public bool
		cidrs  types.Set
		warns  bool
	}{
		{true, cidrs("0.0.0.0/0", "203.0.113.0/24"), true},
		{true, cidrs("203.0.113.0/24"), false},
		{false, cidrs("0.0.0.0/0"), false}, // no public endpoint: the library refuses the CIDRs instead
		{true, types.SetUnknown(types.StringType), false},
	} {
		var diags diag.Diagnostics
		warnOpenPublicEndpoint(context.Background(), workspaceModel{EndpointPublicAccess: types.BoolValue(tc.public), PublicAccessCIDRs: tc.cidrs}, &diags)
		warned := len(diags.Warnings()) == 1 && diags.Warnings()[0].(diag.DiagnosticWithPath).Path().Equal(path.Root("public_access_cidrs"))
		if warned != tc.warns || diags.HasError() {
			t.Errorf("public=%v cidrs=%v: diagnostics %v", tc.public, tc.cidrs, diags)
		}
	}
}
