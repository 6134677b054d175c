package connpolicy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
)

func testTemplateOptions() TemplateOptions {
	return TemplateOptions{
		ConnectionID: testConnection,
		TenantID:     testTenant,
		CallbackURL:  "https://platform.lakesail.com/api/v1/cloud-accounts/callback",
	}
}

func parseTemplate(t *testing.T, text string) map[string]any {
	t.Helper()
	var tmpl map[string]any
	if err := json.Unmarshal([]byte(text), &tmpl); err != nil {
		t.Fatalf("the template is not JSON: %v", err)
	}
	return tmpl
}

func TestUnitTemplateGolden(t *testing.T) {
	opts := testTemplateOptions()
	opts.Indent = true
	text, err := CloudFormationTemplate(opts)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "cloudformation.json", text)
}

// TestUnitTemplateFitsInline: the compact template can be passed as TemplateBody, for the
// longest inputs, at least 10% under the limit. (It was 15% until Karpenter's statements took
// the template to 86%; beyond 90% the template is to be published to S3 and passed as
// TemplateURL, whose limit is 1 MB.)
func TestUnitTemplateFitsInline(t *testing.T) {
	opts := testTemplateOptions()
	opts.ExternalID = testExternalID
	opts.RoleName = strings.Repeat("r", 64)
	opts.RolePath = "/lakesail/connections/production/"
	text, err := CloudFormationTemplate(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(text) > TemplateBodyLimit*90/100 {
		t.Errorf("compact template is %d bytes, less than 10%% under the %d-byte limit", len(text), TemplateBodyLimit)
	}
	indented := opts
	indented.Indent = true
	pretty, _ := CloudFormationTemplate(indented)
	var a, b any
	if json.Unmarshal([]byte(text), &a) != nil || json.Unmarshal([]byte(pretty), &b) != nil || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("the indented template says something else")
	}
	t.Logf("compact %d bytes, indented %d bytes", len(text), len(pretty))
}

// TestUnitTemplateShape checks the parameters, resources and output the seed describes.
func TestUnitTemplateShape(t *testing.T) {
	opts := testTemplateOptions()
	opts.ExternalID = testExternalID
	text, err := CloudFormationTemplate(opts)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := parseTemplate(t, text)
	params := tmpl["Parameters"].(map[string]any)
	for _, name := range []string{ParamRoleName, ParamConnectionID, ParamTenantID, ParamExternalID, ParamPrincipal, ParamCallbackURL} {
		if params[name] == nil {
			t.Errorf("parameter %s missing", name)
		}
	}
	external := params[ParamExternalID].(map[string]any)
	if external["NoEcho"] != true || external["Default"] != testExternalID {
		t.Errorf("external id parameter: %v", external)
	}
	if params[ParamPrincipal].(map[string]any)["Default"] != DefaultLakeSailPrincipal {
		t.Error("LakeSailPrincipal default")
	}
	resources := tmpl["Resources"].(map[string]any)
	types := map[string]string{
		LogicalRole: "AWS::IAM::Role", LogicalCallbackRole: "AWS::IAM::Role", LogicalCallbackLogGroup: "AWS::Logs::LogGroup",
		LogicalCallbackFunction: "AWS::Lambda::Function", LogicalLifecycle: "Custom::LakeSailLifecycle",
	}
	for _, kind := range ManagedPolicyKinds() {
		types[string(kind)] = "AWS::IAM::ManagedPolicy"
	}
	if len(resources) != len(types) {
		t.Errorf("%d resources, want %d", len(resources), len(types))
	}
	for id, typ := range types {
		r, ok := resources[id].(map[string]any)
		if !ok || r["Type"] != typ {
			t.Errorf("resource %s: %v, want %s", id, r["Type"], typ)
		}
	}
	role := resources[LogicalRole].(map[string]any)["Properties"].(map[string]any)
	if fmt.Sprint(role["PermissionsBoundary"]) != fmt.Sprint(map[string]any{"Ref": "RoleBoundary"}) {
		t.Errorf("role boundary %v", role["PermissionsBoundary"])
	}
	var attached []string
	for _, a := range role["ManagedPolicyArns"].([]any) {
		attached = append(attached, a.(map[string]any)["Ref"].(string))
	}
	want := []string{string(KindExplicitDeny)}
	for _, k := range ScopedPolicyKinds() {
		want = append(want, string(k))
	}
	if strings.Join(attached, ",") != strings.Join(want, ",") {
		t.Errorf("attached %v, want %v", attached, want)
	}
	output := tmpl["Outputs"].(map[string]any)["RoleArn"].(map[string]any)
	if fmt.Sprint(output["Value"]) != fmt.Sprint(map[string]any{"Fn::GetAtt": []any{LogicalRole, "Arn"}}) {
		t.Errorf("RoleArn output %v", output)
	}
	if strings.Count(text, testExternalID) != 1 {
		t.Error("the external id appears outside its parameter default")
	}
	code := resources[LogicalCallbackFunction].(map[string]any)["Properties"].(map[string]any)["Code"].(map[string]any)["ZipFile"].(string)
	if len(code) > 4096 {
		t.Errorf("inline code is %d characters; CloudFormation allows 4,096", len(code))
	}
	lifecycle := resources[LogicalLifecycle].(map[string]any)["Properties"].(map[string]any)
	for _, key := range []string{"ServiceToken", "CallbackURL", "ExternalID", "ConnectionID", "TenantID", "RoleArn", "BundleVersion"} {
		if lifecycle[key] == nil {
			t.Errorf("custom resource property %s missing", key)
		}
	}
	noExternal, _ := CloudFormationTemplate(testTemplateOptions())
	if _, ok := parseTemplate(t, noExternal)["Parameters"].(map[string]any)[ParamExternalID].(map[string]any)["Default"]; ok {
		t.Error("an empty ExternalID still pre-fills the parameter")
	}
}

// TestUnitTemplateDocumentsEqualModel: with the parameters substituted, every document in the
// template equals the model's document for the same connection.
func TestUnitTemplateDocumentsEqualModel(t *testing.T) {
	for _, partition := range partitionsUnderTest {
		t.Run(partition, func(t *testing.T) {
			spec := specIn(partition)
			spec.ProvisionerPrincipals = nil // the template trusts LakeSail only
			spec.RoleName = "customer-chosen-name"
			spec.RolePath = "/lakesail/"
			b := mustBuild(t, spec)
			opts := testTemplateOptions()
			opts.LakeSailPrincipal = spec.LakeSailPrincipal
			opts.RolePath = spec.RolePath
			text, err := CloudFormationTemplate(opts)
			if err != nil {
				t.Fatal(err)
			}
			suffix := "amazonaws.com"
			if partition == "aws-cn" {
				suffix = "amazonaws.com.cn"
			}
			values := map[string]string{
				"AWS::Partition": partition, "AWS::AccountId": spec.AccountID, "AWS::URLSuffix": suffix,
				"AWS::StackName": spec.StackName(), ParamConnectionID: spec.ConnectionID, ParamTenantID: spec.TenantID,
				ParamRoleName: spec.RoleName, ParamPrincipal: spec.LakeSailPrincipal, ParamExternalID: spec.ExternalID,
				ParamCallbackURL: opts.CallbackURL,
			}
			resources := parseTemplate(t, text)["Resources"].(map[string]any)
			property := func(id string, path ...any) any {
				v := resources[id].(map[string]any)["Properties"]
				for _, p := range path {
					switch p := p.(type) {
					case string:
						v = v.(map[string]any)[p]
					case int:
						v = v.([]any)[p]
					}
				}
				return resolve(t, v, values)
			}
			compare := func(what string, templateDoc any, model *Policy) {
				text, _ := json.Marshal(templateDoc)
				equal, err := awspolicy.PoliciesAreEquivalent(string(text), model.JSON)
				if err != nil || !equal {
					t.Errorf("%s differs from the model (%v)\ntemplate: %s\nmodel:    %s", what, err, text, model.JSON)
				}
			}
			for _, kind := range ManagedPolicyKinds() {
				compare(string(kind), property(string(kind), "PolicyDocument"), b.Policy(kind))
				if name := property(string(kind), "ManagedPolicyName"); name != b.Policy(kind).Name {
					t.Errorf("%s is named %v, want %s", kind, name, b.Policy(kind).Name)
				}
			}
			compare("trust policy", property(LogicalRole, "AssumeRolePolicyDocument"), b.Trust)
			compare("callback trust", property(LogicalCallbackRole, "AssumeRolePolicyDocument"), b.CallbackTrust)
			compare("callback policy", property(LogicalCallbackRole, "Policies", 0, "PolicyDocument"), b.CallbackPolicy)
			if got := property(LogicalCallbackRole, "RoleName"); got != b.CallbackRoleName {
				t.Errorf("callback role %v", got)
			}
			if got := property(LogicalRole, "RoleName"); got != b.RoleName {
				t.Errorf("role name %v", got)
			}
			if got := property(LogicalRole, "Path"); got != b.RolePath {
				t.Errorf("role path %v", got)
			}
			if got := property(LogicalCallbackRole, "Policies", 0, "PolicyName"); got != b.CallbackPolicy.Name {
				t.Errorf("callback policy name %v", got)
			}

			// The comparison is not vacuous: a different document is told apart.
			other, _ := json.Marshal(property(string(KindEKS), "PolicyDocument"))
			if same, _ := awspolicy.PoliciesAreEquivalent(string(other), b.Policy(KindIAMAndCloudwatch).JSON); same {
				t.Error("the equivalence check does not tell documents apart")
			}
		})
	}
}

var subReference = regexp.MustCompile(`\$\{([^}]+)\}`)

// resolve substitutes Fn::Sub and Ref the way CloudFormation does for the parameters given.
func resolve(t *testing.T, v any, values map[string]string) any {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v["Fn::Sub"].(string); ok && len(v) == 1 {
			return subReference.ReplaceAllStringFunc(s, func(m string) string {
				name := m[2 : len(m)-1]
				value, ok := values[name]
				if !ok {
					t.Errorf("Fn::Sub references unknown %s", name)
				}
				return value
			})
		}
		if name, ok := v["Ref"].(string); ok && len(v) == 1 {
			value, ok := values[name]
			if !ok {
				t.Errorf("Ref to unknown %s", name)
			}
			return value
		}
		out := map[string]any{}
		for k, e := range v {
			out[k] = resolve(t, e, values)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = resolve(t, e, values)
		}
		return out
	}
	return v
}

func TestUnitTemplateOptionsValidation(t *testing.T) {
	cases := map[string]func(*TemplateOptions){
		"http callback":      func(o *TemplateOptions) { o.CallbackURL = "http://example.com/callback" },
		"no callback":        func(o *TemplateOptions) { o.CallbackURL = "" },
		"bad connection id":  func(o *TemplateOptions) { o.ConnectionID = "abc" },
		"bad tenant id":      func(o *TemplateOptions) { o.TenantID = "" },
		"wildcard principal": func(o *TemplateOptions) { o.LakeSailPrincipal = "*" },
		"bad role path":      func(o *TemplateOptions) { o.RolePath = "lakesail" },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			opts := testTemplateOptions()
			change(&opts)
			if _, err := CloudFormationTemplate(opts); err == nil {
				t.Error("accepted")
			}
		})
	}
}
