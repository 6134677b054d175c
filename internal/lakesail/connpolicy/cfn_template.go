package connpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// TemplateOptions pre-fill the CloudFormation template for one connection.
type TemplateOptions struct {
	// ConnectionID and TenantID become read-only parameters (a single allowed value each): the
	// template's S3 and Glue patterns carry the lower-case connection id literally, because
	// CloudFormation cannot lower-case a parameter.
	ConnectionID string
	TenantID     string
	// ExternalID pre-fills the NoEcho LakeSailExternalID parameter; leave it empty to have the
	// person deploying the stack paste it.
	ExternalID string
	// LakeSailPrincipal pre-fills LakeSailPrincipal (DefaultLakeSailPrincipal when empty).
	LakeSailPrincipal string
	// CallbackURL is the HTTPS endpoint the lifecycle Lambda notifies (LakeSailCallbackURL).
	CallbackURL string
	// RoleName pre-fills IamRoleName (DefaultRoleName when empty).
	RoleName string
	// RolePath is the connection role's path ("/" when empty).
	RolePath string
	// Indent renders the template indented for reading. The compact form (the default) stays
	// under CloudFormation's 51,200-byte limit for a template passed inline (TemplateBody,
	// aws cloudformation deploy without an S3 bucket); the indented one does not.
	Indent bool
}

// TemplateBodyLimit is CloudFormation's size limit, in bytes, of a template passed inline.
const TemplateBodyLimit = 51200

// Template parameter names.
const (
	ParamRoleName     = "IamRoleName"
	ParamConnectionID = "LakeSailConnectionID"
	ParamTenantID     = "LakeSailTenantID"
	ParamExternalID   = "LakeSailExternalID"
	ParamPrincipal    = "LakeSailPrincipal"
	ParamCallbackURL  = "LakeSailCallbackURL"
)

// Logical ids of the template's resources that are not policies (policies use their kind).
const (
	LogicalRole             = "LakeSailRole"
	LogicalCallbackRole     = "CallbackRole"
	LogicalCallbackLogGroup = "CallbackLogGroup"
	LogicalCallbackFunction = "CallbackFunction"
	LogicalLifecycle        = "LifecycleNotification"
)

// templateNames are the documents' strings as CloudFormation references: Fn::Sub resolves
// them from the parameters and pseudo parameters when the stack is deployed. The connection id
// is spelled out, as its lower-case form is: the template is rendered for one connection and its
// parameter admits that id alone (AllowedValues), so a reference would only cost the documents
// 13 to 19 characters at each of its ~80 uses, against TemplateBodyLimit.
func templateNames(opts TemplateOptions) names {
	return names{
		partition: "${AWS::Partition}",
		account:   "${AWS::AccountId}",
		dnsSuffix: "${AWS::URLSuffix}",
		id:        opts.ConnectionID,
		idLower:   strings.ToLower(opts.ConnectionID),
		roleName:  "${" + ParamRoleName + "}",
		rolePath:  opts.RolePath,
		principal: "${" + ParamPrincipal + "}",
		external:  "${" + ParamExternalID + "}",
		stackName: "${AWS::StackName}",
	}
}

func (o TemplateOptions) withDefaults() TemplateOptions {
	if o.LakeSailPrincipal == "" {
		o.LakeSailPrincipal = DefaultLakeSailPrincipal
	}
	if o.RoleName == "" {
		o.RoleName = DefaultRoleName(o.ConnectionID)
	}
	if o.RolePath == "" {
		o.RolePath = "/"
	}
	return o
}

// validate reuses Spec's rules; the account and partition are the deployer's, so stand-ins
// take their place.
func (o TemplateOptions) validate() error {
	partition := "aws"
	if m := iamPrincipalPattern.FindStringSubmatch(o.LakeSailPrincipal); m != nil {
		partition = m[1]
	}
	external := o.ExternalID
	if external == "" {
		external = "supplied-when-deploying"
	}
	spec := Spec{
		ConnectionID: o.ConnectionID, TenantID: o.TenantID, AccountID: "000000000000", Partition: partition,
		LakeSailPrincipal: o.LakeSailPrincipal, ExternalID: external, RoleName: o.RoleName, RolePath: o.RolePath,
	}
	errs := []error{spec.Validate()}
	if u, err := url.Parse(o.CallbackURL); err != nil || u.Scheme != "https" || u.Host == "" {
		errs = append(errs, &SpecError{Field: "CallbackURL", Problem: fmt.Sprintf("is %q, not an https URL", o.CallbackURL),
			Fix: "use the HTTPS callback endpoint LakeSail gives for the connection"})
	}
	return errors.Join(errs...)
}

// CloudFormationTemplate renders the connection's stack: the parameters the seed describes,
// the role (with RoleBoundary as its boundary), both boundaries, the explicit deny, the seven
// scoped policies, the callback role, the lifecycle-notification Lambda and the custom resource
// that invokes it, and the role ARN as output. Every policy document is the Go model's, with
// Fn::Sub standing for the values that come from parameters; the output is deterministic.
func CloudFormationTemplate(opts TemplateOptions) (string, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return "", err
	}
	n := templateNames(opts)
	docs := documents(n)
	resources := map[string]any{}

	var attached []any
	for _, kind := range ManagedPolicyKinds() {
		resources[string(kind)] = resource("AWS::IAM::ManagedPolicy", map[string]any{
			// Path is left to its default, "/" (as for the callback role), to save template size.
			"ManagedPolicyName": sub(n.policyName(kind)),
			"Description":       descriptions[kind],
			"PolicyDocument":    cfnDocument(docs[kind]),
		})
		if kind != KindRoleBoundary && kind != KindWorkloadBoundary {
			attached = append(attached, ref(string(kind)))
		}
	}
	tags := []any{
		map[string]any{"Key": TagService, "Value": ServiceTagValue},
		map[string]any{"Key": TagConnection, "Value": ref(ParamConnectionID)},
		map[string]any{"Key": TagTenant, "Value": ref(ParamTenantID)},
	}
	resources[LogicalRole] = resource("AWS::IAM::Role", map[string]any{
		"RoleName":                 ref(ParamRoleName),
		"Path":                     opts.RolePath,
		"Description":              "LakeSail connection role, assumed by LakeSail with the connection's external ID.",
		"MaxSessionDuration":       3600,
		"AssumeRolePolicyDocument": cfnDocument(docs[KindTrust]),
		"PermissionsBoundary":      ref(string(KindRoleBoundary)),
		"ManagedPolicyArns":        attached,
		"Tags":                     tags,
	})
	resources[LogicalCallbackRole] = resource("AWS::IAM::Role", map[string]any{
		"RoleName":                 sub(CallbackRoleNameFor(n.id)),
		"Description":              "Runs the LakeSail lifecycle-notification function.",
		"AssumeRolePolicyDocument": cfnDocument(docs[KindCallbackTrust]),
		"Policies": []any{map[string]any{
			"PolicyName":     sub(n.prefix() + "CallbackPolicy"),
			"PolicyDocument": cfnDocument(docs[KindCallbackPolicy]),
		}},
		"Tags": tags,
	})
	resources[LogicalCallbackLogGroup] = resource("AWS::Logs::LogGroup", map[string]any{
		"LogGroupName":    sub("/aws/lambda/" + n.callbackFunction()),
		"RetentionInDays": 365,
		"Tags":            tags,
	})
	function := resource("AWS::Lambda::Function", map[string]any{
		"FunctionName": sub(n.callbackFunction()),
		"Description":  "Notifies LakeSail when this stack is created, updated or deleted.",
		"Runtime":      "python3.12",
		"Handler":      "index.handler",
		"Role":         getAtt(LogicalCallbackRole, "Arn"),
		"Timeout":      30,
		"MemorySize":   128,
		"Code":         map[string]any{"ZipFile": callbackSource},
		"Tags":         tags,
	})
	function["DependsOn"] = []string{LogicalCallbackLogGroup}
	resources[LogicalCallbackFunction] = function
	resources[LogicalLifecycle] = resource("Custom::LakeSailLifecycle", map[string]any{
		"ServiceToken":  getAtt(LogicalCallbackFunction, "Arn"),
		"CallbackURL":   ref(ParamCallbackURL),
		"ExternalID":    ref(ParamExternalID),
		"ConnectionID":  ref(ParamConnectionID),
		"TenantID":      ref(ParamTenantID),
		"RoleArn":       getAtt(LogicalRole, "Arn"),
		"BundleVersion": BundleVersion,
	})

	externalID := map[string]any{
		"Type":           "String",
		"NoEcho":         true,
		"MinLength":      2,
		"MaxLength":      1224,
		"AllowedPattern": `[\w+=,.@:/-]+`,
		"Description":    "The connection's external ID, shown once by LakeSail. The trust policy requires it, and it keys the lifecycle notification's signature.",
	}
	if opts.ExternalID != "" {
		externalID["Default"] = opts.ExternalID
	}
	template := map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("LakeSail connection %s: cross-account role, permissions boundaries, guardrails and lifecycle notification (policy bundle %s).",
			opts.ConnectionID, BundleVersion),
		"Metadata": map[string]any{"AWS::CloudFormation::Interface": map[string]any{
			"ParameterGroups": []any{
				map[string]any{"Label": map[string]any{"default": "Role"}, "Parameters": []string{ParamRoleName}},
				map[string]any{"Label": map[string]any{"default": "Pre-filled by LakeSail"},
					"Parameters": []string{ParamConnectionID, ParamTenantID, ParamExternalID, ParamPrincipal, ParamCallbackURL}},
			},
		}},
		"Parameters": map[string]any{
			ParamRoleName: map[string]any{
				"Type": "String", "Default": opts.RoleName, "AllowedPattern": `[\w+=,.@-]{1,64}`,
				"Description": "Name of the IAM role LakeSail assumes.",
			},
			ParamConnectionID: map[string]any{
				"Type": "String", "Default": opts.ConnectionID, "AllowedValues": []string{opts.ConnectionID},
				"Description": "LakeSail connection id (fixed for this template).",
			},
			ParamTenantID: map[string]any{
				"Type": "String", "Default": opts.TenantID, "AllowedValues": []string{opts.TenantID},
				"Description": "LakeSail tenant id (fixed for this template).",
			},
			ParamExternalID: externalID,
			ParamPrincipal: map[string]any{
				"Type": "String", "Default": opts.LakeSailPrincipal,
				"AllowedPattern": `arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)`,
				"Description":    "The LakeSail control-plane principal trusted by the role.",
			},
			ParamCallbackURL: map[string]any{
				"Type": "String", "Default": opts.CallbackURL, "AllowedPattern": `https://.+`,
				"Description": "HTTPS endpoint notified when the stack is created, updated or deleted.",
			},
		},
		"Resources": resources,
		"Outputs": map[string]any{
			"RoleArn": map[string]any{
				"Description": "Paste this ARN into LakeSail to verify the connection.",
				"Value":       getAtt(LogicalRole, "Arn"),
			},
			"PolicyBundleVersion": map[string]any{
				"Description": "Version of the LakeSail policy documents in this stack.",
				"Value":       BundleVersion,
			},
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if opts.Indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(template); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func resource(typ string, properties map[string]any) map[string]any {
	return map[string]any{"Type": typ, "Properties": properties}
}

func ref(name string) map[string]any { return map[string]any{"Ref": name} }

func getAtt(logicalID, attribute string) map[string]any {
	return map[string]any{"Fn::GetAtt": []string{logicalID, attribute}}
}

// sub wraps a string holding ${...} references in Fn::Sub, turns a lone reference into Ref,
// and leaves other strings literal.
func sub(s string) any {
	if name, ok := strings.CutPrefix(s, "${"); ok && strings.HasSuffix(name, "}") && !strings.ContainsAny(name[:len(name)-1], "${}") {
		return ref(name[:len(name)-1])
	}
	if strings.Contains(s, "${") {
		return map[string]any{"Fn::Sub": s}
	}
	return s
}

// cfnStatement mirrors iampolicy.Statement with values that may be Fn::Sub objects, keeping
// the member order of the Go model.
type cfnStatement struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       iampolicy.Effect          `json:"Effect"`
	Principal    any                       `json:"Principal,omitempty"`
	NotPrincipal any                       `json:"NotPrincipal,omitempty"`
	Action       any                       `json:"Action,omitempty"`
	NotAction    any                       `json:"NotAction,omitempty"`
	Resource     any                       `json:"Resource,omitempty"`
	NotResource  any                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
}

type cfnPolicyDocument struct {
	Version   string         `json:"Version"`
	Statement []cfnStatement `json:"Statement"`
}

func cfnDocument(d iampolicy.Document) cfnPolicyDocument {
	out := cfnPolicyDocument{Version: d.Version}
	for _, s := range d.Statement {
		cs := cfnStatement{
			Sid: s.Sid, Effect: s.Effect,
			Principal: cfnPrincipal(s.Principal), NotPrincipal: cfnPrincipal(s.NotPrincipal),
			Action: cfnValues(s.Action), NotAction: cfnValues(s.NotAction),
			Resource: cfnValues(s.Resource), NotResource: cfnValues(s.NotResource),
		}
		for op, keys := range s.Condition {
			if cs.Condition == nil {
				cs.Condition = map[string]map[string]any{}
			}
			cs.Condition[op] = map[string]any{}
			for k, v := range keys {
				cs.Condition[op][k] = cfnValues(v)
			}
		}
		out.Statement = append(out.Statement, cs)
	}
	return out
}

// cfnValues renders one value as itself and more as a list, as iampolicy does.
func cfnValues(v iampolicy.Values) any {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return sub(v[0])
	}
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = sub(s)
	}
	return out
}

func cfnPrincipal(p *iampolicy.Principal) any {
	if p == nil {
		return nil
	}
	if p.Wildcard {
		return "*"
	}
	out := map[string]any{}
	for kind, v := range map[string]iampolicy.Values{"AWS": p.AWS, "Service": p.Service, "Federated": p.Federated} {
		if len(v) > 0 {
			out[kind] = cfnValues(v)
		}
	}
	return out
}
