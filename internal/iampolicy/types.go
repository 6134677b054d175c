// Package iampolicy is the typed model of an IAM policy document and an evaluator that decides
// requests the way AWS does for a single account: an explicit deny anywhere wins, otherwise an
// identity-policy allow is needed and, where a permissions boundary is set, the boundary must
// allow too.
//
// It belongs to neither the product nor the emulator: the library (internal/lakesail: plan-time
// checks, the connection's documents in connpolicy, the closure check) and the emulator
// (internal/awsemu: authorizing every call) both import it, and it imports nothing of the
// project, so the emulator judges the product with an evaluator the product does not own. Its
// tests' tables of AWS's documented decisions are the reference both are held to.
package iampolicy

// Version is the only policy language version this package writes.
const Version = "2012-10-17"

// Effect is a statement's effect.
type Effect string

const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is an IAM policy document (identity policy, permissions boundary or trust policy).
type Document struct {
	Version   string      `json:"Version,omitempty"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement. Exactly one of Action/NotAction and, outside trust policies, one of
// Resource/NotResource is set.
type Statement struct {
	Sid          string     `json:"Sid,omitempty"`
	Effect       Effect     `json:"Effect"`
	Principal    *Principal `json:"Principal,omitempty"`
	NotPrincipal *Principal `json:"NotPrincipal,omitempty"`
	Action       Values     `json:"Action,omitempty"`
	NotAction    Values     `json:"NotAction,omitempty"`
	Resource     Values     `json:"Resource,omitempty"`
	NotResource  Values     `json:"NotResource,omitempty"`
	Condition    Conditions `json:"Condition,omitempty"`
}

// Values is a JSON string or list of strings. One value renders as a string, more as a list.
type Values []string

// Principal is "*" (Wildcard) or a map of principal types to values.
type Principal struct {
	Wildcard  bool
	AWS       Values
	Service   Values
	Federated Values
}

// Conditions maps a condition operator (with any ForAllValues:/ForAnyValue: prefix and IfExists
// suffix, e.g. "StringEquals", "ForAllValues:StringLike", "ArnLikeIfExists") to condition keys
// and their values.
type Conditions map[string]map[string]Values

// Caller identifies who makes a request, for Principal matching in trust policies and for the
// aws:Principal* global keys.
type Caller struct {
	// ARN is the caller's own ARN: arn:aws:iam::123456789012:root, an IAM user ARN, or for a role
	// session arn:aws:sts::123456789012:assumed-role/RoleName/SessionName.
	ARN string
	// Account is the caller's account id.
	Account string
	// RoleARN is the IAM role ARN (with path) behind a role session; empty otherwise.
	RoleARN string
	// Service is set instead of the above when an AWS service principal calls
	// (e.g. "eks.amazonaws.com").
	Service string
	// Federated is set for AssumeRoleWithWebIdentity callers: the OIDC provider ARN.
	Federated string
}

// Request is one authorization question.
type Request struct {
	Caller   Caller
	Action   string // "service:Operation", matched case-insensitively
	Resource string // the resource ARN, matched case-sensitively; "*" when the action has none
	// Context holds condition keys and their values. Key names are matched case-insensitively
	// (aws:RequestTag/LakeSail-Connection, iam:PermissionsBoundary, sts:ExternalId, ...).
	Context map[string][]string
}

// Decision is the outcome of an evaluation.
type Decision int

const (
	// ImplicitDeny: nothing allowed the request.
	ImplicitDeny Decision = iota
	// Allowed: the request is allowed.
	Allowed
	// ExplicitDeny: a Deny statement matched.
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allow"
	case ExplicitDeny:
		return "explicit-deny"
	default:
		return "implicit-deny"
	}
}

// Result explains a decision.
type Result struct {
	Decision Decision
	// DeniedBy says which policy type decided a denial, in AWS's words for AccessDenied messages:
	// "identity-based policy", "permissions boundary", "resource-based policy".
	DeniedBy string
	// Statement is the Sid of the statement that decided (may be empty).
	Statement string
}
