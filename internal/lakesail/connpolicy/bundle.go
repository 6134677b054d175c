package connpolicy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// BundleVersion identifies the set of documents this package renders. Bump it whenever any
// document changes; TestUnitBundleVersionBumped refuses a changed document under an old version.
const BundleVersion = "7"

// Policy is one rendered document of a connection.
type Policy struct {
	Kind PolicyKind
	// Name is the IAM name of a managed or inline policy; empty for trust policies.
	Name string
	// ARN is set for managed policies.
	ARN string
	// Path is the IAM path of a managed policy ("/").
	Path string
	// Description is the managed policy's IAM description.
	Description string
	Document    iampolicy.Document
	// JSON is the canonical compact rendering; SHA256 is its hex digest.
	JSON   string
	SHA256 string
	// Size is the length IAM counts against SizeLimit (characters other than white space).
	Size int
}

// Bundle is every document of one connection.
type Bundle struct {
	Version string
	// Spec is the input with defaults applied.
	Spec Spec

	RoleName, RolePath, RoleARN string
	CallbackRoleName            string
	CallbackRoleARN             string
	Tags                        map[string]string

	Trust            *Policy
	RoleBoundary     *Policy
	WorkloadBoundary *Policy
	ExplicitDeny     *Policy
	// Scoped are the seven scoped managed policies in ScopedPolicyKinds order.
	Scoped         []*Policy
	CallbackTrust  *Policy
	CallbackPolicy *Policy
}

// SizeError says a document exceeds its IAM quota (for example too many provisioner principals
// for the trust policy).
type SizeError struct {
	Kind  PolicyKind
	Size  int
	Limit int
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("connpolicy: the %s document has %d characters, over the IAM limit of %d", e.Kind, e.Size, e.Limit)
}

var descriptions = map[PolicyKind]string{
	KindRoleBoundary:      "LakeSail connection: permissions boundary of the connection role (service namespaces LakeSail may use).",
	KindWorkloadBoundary:  "LakeSail connection: permissions boundary every role the connection creates must carry.",
	KindExplicitDeny:      "LakeSail connection: explicit deny protecting the connection's boundaries, roles and policies.",
	KindEKS:               "LakeSail connection: EKS clusters, node groups, add-ons and access entries; SSM parameters, ACM certificate and Glue database of a workspace.",
	KindAutoScaling:       "LakeSail connection: launch templates of the connection's managed node groups.",
	KindNetworkReadAndTag: "LakeSail connection: read EC2 network state; tag what the connection creates.",
	KindNetworkCompute:    "LakeSail connection: elastic IPs, NAT gateways, security groups, and the KMS keys of networks and workspaces.",
	KindNetworkManage:     "LakeSail connection: VPC, subnets, internet gateway, route tables, S3 gateway endpoint and the workspace bucket.",
	KindIAMAndCloudwatch:  "LakeSail connection: workload roles bounded by WorkloadBoundary, EKS OIDC providers and service-linked roles, cluster log groups.",
	KindCloudFormationAndObservabilityAndIdentity: "LakeSail connection: caller identity, quota and price reads, metrics in its own namespace, read-only inspection of the connection.",
}

// Build renders every document of a connection. It validates the spec and checks every
// document against its IAM size quota.
func Build(spec Spec) (*Bundle, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec = spec.withDefaults()
	n := namesFor(spec)
	b := &Bundle{
		Version:          BundleVersion,
		Spec:             spec,
		RoleName:         spec.RoleName,
		RolePath:         spec.RolePath,
		RoleARN:          n.roleARN(),
		CallbackRoleName: spec.CallbackRoleName(),
		CallbackRoleARN:  n.callbackRoleARN(),
		Tags:             Tags(spec),
	}
	docs := documents(n)
	rendered := make(map[PolicyKind]*Policy, len(docs))
	for _, kind := range DocumentKinds() {
		p := render(kind, docs[kind])
		if p.Size > kind.SizeLimit() {
			return nil, &SizeError{Kind: kind, Size: p.Size, Limit: kind.SizeLimit()}
		}
		if kind.IsManaged() {
			p.Name, p.ARN, p.Path, p.Description = n.policyName(kind), n.policyARN(kind), "/", descriptions[kind]
		}
		rendered[kind] = p
	}
	rendered[KindCallbackPolicy].Name = spec.CallbackPolicyName()
	b.Trust = rendered[KindTrust]
	b.RoleBoundary = rendered[KindRoleBoundary]
	b.WorkloadBoundary = rendered[KindWorkloadBoundary]
	b.ExplicitDeny = rendered[KindExplicitDeny]
	for _, kind := range ScopedPolicyKinds() {
		b.Scoped = append(b.Scoped, rendered[kind])
	}
	b.CallbackTrust = rendered[KindCallbackTrust]
	b.CallbackPolicy = rendered[KindCallbackPolicy]
	return b, nil
}

// documents builds every document from names; the template calls it with ${...} references.
func documents(n names) map[PolicyKind]iampolicy.Document {
	return map[PolicyKind]iampolicy.Document{
		KindTrust:             trustPolicy(n),
		KindRoleBoundary:      roleBoundary(),
		KindWorkloadBoundary:  workloadBoundary(n),
		KindExplicitDeny:      explicitDeny(n),
		KindEKS:               policyEKS(n),
		KindAutoScaling:       policyAutoScaling(n),
		KindNetworkReadAndTag: policyNetworkReadAndTag(n),
		KindNetworkCompute:    policyNetworkCompute(n),
		KindNetworkManage:     policyNetworkManage(n),
		KindIAMAndCloudwatch:  policyIAMAndCloudwatch(n),
		KindCloudFormationAndObservabilityAndIdentity: policyCloudFormationAndObservabilityAndIdentity(n),
		KindCallbackTrust:  callbackTrust(n),
		KindCallbackPolicy: callbackPolicy(n),
	}
}

func render(kind PolicyKind, doc iampolicy.Document) *Policy {
	text := doc.JSON()
	sum := sha256.Sum256([]byte(text))
	return &Policy{Kind: kind, Document: doc, JSON: text, SHA256: hex.EncodeToString(sum[:]), Size: iampolicy.Size(text)}
}

// Documents returns every document in DocumentKinds order.
func (b *Bundle) Documents() []*Policy {
	out := []*Policy{b.Trust, b.RoleBoundary, b.WorkloadBoundary, b.ExplicitDeny}
	out = append(out, b.Scoped...)
	return append(out, b.CallbackTrust, b.CallbackPolicy)
}

// Managed returns the ten managed policies in creation order.
func (b *Bundle) Managed() []*Policy {
	return append([]*Policy{b.RoleBoundary, b.WorkloadBoundary, b.ExplicitDeny}, b.Scoped...)
}

// Policy returns the document of a kind, or nil.
func (b *Bundle) Policy(kind PolicyKind) *Policy {
	for _, p := range b.Documents() {
		if p.Kind == kind {
			return p
		}
	}
	return nil
}

// AttachedPolicyARNs are the managed policies attached to the connection role: the explicit
// deny and the seven scoped policies (RoleBoundary is its boundary, not an attachment).
func (b *Bundle) AttachedPolicyARNs() []string {
	out := []string{b.ExplicitDeny.ARN}
	for _, p := range b.Scoped {
		out = append(out, p.ARN)
	}
	return out
}

// ManagedPolicyARNs maps each managed policy's kind to its ARN.
func (b *Bundle) ManagedPolicyARNs() map[string]string {
	out := make(map[string]string, 10)
	for _, p := range b.Managed() {
		out[string(p.Kind)] = p.ARN
	}
	return out
}

// SHA256 maps each document's kind to the SHA-256 of its canonical JSON.
func (b *Bundle) SHA256() map[string]string {
	out := make(map[string]string, len(DocumentKinds()))
	for _, p := range b.Documents() {
		out[string(p.Kind)] = p.SHA256
	}
	return maps.Clone(out)
}
