package iam

import (
	"slices"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// What IAM answers STS (sts's stsIAM). The answers are unnamed struct types that must be spelled
// exactly as sts spells them (same fields, names, types and order), so that the method
// signatures are identical without either package importing the other.

// stsRole is a role as STS sees it (sts's stsRole).
type stsRole = struct {
	Name, ARN, ID string
	Trust         *iampolicy.Document // the trust policy; read only
	MaxSession    int                 // MaxSessionDuration in seconds
	Created       time.Time           // STS sees the role once IAM has propagated it
	Tags          []core.Tag          // the role's tags (a copy)
}

// stsOIDCProvider is an IAM OIDC identity provider as STS sees it (sts's stsOIDCProvider).
type stsOIDCProvider = struct {
	ARN       string
	URL       string   // the issuer URL as IAM keeps it: without https:// or a trailing slash
	ClientIDs []string // the audiences the provider accepts (a copy)
}

// SessionRole implements stsIAM.
func (iamPeer) SessionRole(a *core.Account, name string) (stsRole, bool) {
	r := Of(a).Role(name)
	if r == nil {
		return stsRole{}, false
	}
	return stsRole{Name: r.Name, ARN: r.Arn(a.Id), ID: r.Id, Trust: r.Trust, MaxSession: r.MaxSession,
		Created: r.Created, Tags: slices.Clone(r.Tags)}, true
}

// RecordRoleUse implements stsIAM.
func (iamPeer) RecordRoleUse(a *core.Account, name string, at time.Time, region string) {
	if r := Of(a).Role(name); r != nil {
		r.LastUsed, r.LastRegion = at, region
	}
}

// OIDCProvider implements stsIAM.
func (iamPeer) OIDCProvider(a *core.Account, issuer string) (stsOIDCProvider, bool) {
	host := OidcHost(issuer)
	arn := "arn:aws:iam::" + a.Id + ":oidc-provider/" + host
	p := Of(a).Oidc[arn]
	if p == nil {
		return stsOIDCProvider{}, false
	}
	return stsOIDCProvider{ARN: arn, URL: host, ClientIDs: slices.Clone(p.ClientIDs)}, true
}

// ParseSessionPolicy implements stsIAM: a session policy is an identity policy without IAM's
// size quotas (STS bounds its packed size itself).
func (iamPeer) ParseSessionPolicy(text string) (*iampolicy.Document, *core.APIError) {
	return ParseIdentityPolicy(text, 0, "")
}

// ManagedPolicyDocument implements stsIAM.
func (iamPeer) ManagedPolicyDocument(a *core.Account, arn string) *iampolicy.Document {
	if p := Of(a).Policy(arn); p != nil {
		return p.DefaultDoc()
	}
	return nil
}

// CheckSessionTags implements stsIAM.
func (iamPeer) CheckSessionTags(tags []core.Tag) *core.APIError { return CheckTags(tags) }
