package sts

import (
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// STS reaches IAM (roles, OIDC providers, managed and session policies) and EKS (service-account
// tokens) only through the interfaces below, which the iam and eks services' Impls answer.
//
// The structs those answers carry are aliases of unnamed struct types with exported fields: Go
// treats an unnamed struct type spelled the same way in two packages as one type, so the
// answering service can declare the same shape and satisfy these method signatures without
// either package importing the other. A mismatch makes the Impl fail the interface, which
// stsIAMOf and stsEKSOf report by panicking.

// stsRole is a role as STS sees it. The iam package's stsRole spells the same type.
type stsRole = struct {
	Name, ARN, ID string
	Trust         *iampolicy.Document // the trust policy; read only
	MaxSession    int                 // MaxSessionDuration in seconds
	Created       time.Time           // STS sees the role once IAM has propagated it
	Tags          []core.Tag          // the role's tags (a copy)
}

// stsOIDCProvider is an IAM OIDC identity provider as STS sees it. The iam package's
// stsOIDCProvider spells the same type.
type stsOIDCProvider = struct {
	ARN       string
	URL       string   // the issuer URL as IAM keeps it: without https:// or a trailing slash
	ClientIDs []string // the audiences the provider accepts (a copy)
}

// stsTokenClaims are the claims of a verified service-account token. The eks package's
// serviceAccountClaims spells the same type.
type stsTokenClaims = struct {
	Issuer, Subject string
	Audience        []string
	Expires         int64 // Unix seconds
}

// stsIAM is what STS asks of IAM; the iam service's Impl answers it. STS never reads or writes
// IAM's state itself.
type stsIAM interface {
	// SessionRole looks up the role named name in account a; ok is false when it does not exist.
	SessionRole(a *core.Account, name string) (r stsRole, ok bool)
	// RecordRoleUse notes that a session of the role named name in account a was issued at at in
	// region (the role's RoleLastUsed).
	RecordRoleUse(a *core.Account, name string, at time.Time, region string)
	// OIDCProvider finds account a's IAM OIDC provider for the token issuer URL issuer; ok is
	// false when the account has none.
	OIDCProvider(a *core.Account, issuer string) (p stsOIDCProvider, ok bool)
	// ParseSessionPolicy parses a session policy (the Policy parameter) as IAM parses identity
	// policies, with IAM's errors.
	ParseSessionPolicy(text string) (*iampolicy.Document, *core.APIError)
	// ManagedPolicyDocument is the default version of the managed policy arn as account a sees
	// it (its own or an AWS managed one); nil when there is no such policy or version.
	ManagedPolicyDocument(a *core.Account, arn string) *iampolicy.Document
	// CheckSessionTags validates session tags by IAM's tag rules, with IAM's errors.
	CheckSessionTags(tags []core.Tag) *core.APIError
}

// stsIAMOf is IAM as STS sees it.
func stsIAMOf(c *core.Req) stsIAM {
	v, ok := core.Peer[stsIAM](c, "iam")
	if !ok {
		panic("awsemu: STS needs the iam service")
	}
	return v
}

// stsEKS is what STS asks of EKS; the eks service's Impl answers it.
type stsEKS interface {
	// VerifyServiceAccountToken checks a service-account token's signature against the key of
	// the issuer it names and returns its claims; a token no emulated cluster signed is refused.
	VerifyServiceAccountToken(token string) (stsTokenClaims, error)
}

// stsEKSOf is EKS as STS sees it.
func stsEKSOf(c *core.Req) stsEKS {
	v, ok := core.Peer[stsEKS](c, "eks")
	if !ok {
		panic("awsemu: STS needs the eks service")
	}
	return v
}
