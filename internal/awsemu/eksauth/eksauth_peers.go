package eksauth

import (
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// eks-auth reaches EKS and IAM only through the interfaces below, which the eks and iam
// services' Impls answer. As in sts/sts_peers.go, the structs the answers carry are aliases of
// unnamed struct types that the answering package spells the same way, so neither package
// imports the other; a mismatch makes the Impl fail the interface, which the ...Of functions
// report by panicking.

// eksAuthCluster is a cluster as eks-auth sees it. The eks package's podIdentityCluster spells
// the same type.
type eksAuthCluster = struct {
	ARN    string
	Issuer string     // the OIDC issuer URL its service-account tokens carry
	Tags   []core.Tag // a copy
}

// eksAuthClaims are a verified service-account token's claims. The eks package's
// podIdentityClaims spells the same type.
type eksAuthClaims = struct {
	Issuer, Subject string
	Audience        []string
	Expires         int64 // Unix seconds
	Namespace       string
	ServiceAccount  string
	PodName, PodUID string
}

// eksAuthAssociation is a Pod Identity association. The eks package's podIdentityAssociation
// spells the same type.
type eksAuthAssociation = struct {
	ARN, ID, RoleARN   string
	DisableSessionTags bool
}

// eksAuthEKS is what eks-auth asks of EKS.
type eksAuthEKS interface {
	// PodIdentityCluster finds the cluster name in the caller's account and the request's region.
	PodIdentityCluster(c *core.Req, name string) (cl eksAuthCluster, ok bool)
	// VerifyPodIdentityToken checks a service-account token's signature against the key of the
	// issuer it names and returns its claims; a token no emulated cluster signed is refused.
	VerifyPodIdentityToken(token string) (eksAuthClaims, error)
	// PodIdentityAssociation finds the association of namespace/serviceAccount in the cluster.
	PodIdentityAssociation(c *core.Req, cluster, namespace, serviceAccount string) (a eksAuthAssociation, ok bool)
}

func eksOf(c *core.Req) eksAuthEKS {
	v, ok := core.Peer[eksAuthEKS](c, "eks")
	if !ok {
		panic("awsemu: eks-auth needs the eks service")
	}
	return v
}

// eksAuthRole is a role as eks-auth sees it: the same type as STS's (sts's stsRole), which the
// iam package's Impl answers already.
type eksAuthRole = struct {
	Name, ARN, ID string
	Trust         *iampolicy.Document // the trust policy; read only
	MaxSession    int                 // MaxSessionDuration in seconds
	Created       time.Time           // the role is assumable once IAM has propagated it
	Tags          []core.Tag          // the role's tags (a copy)
}

// eksAuthIAM is what eks-auth asks of IAM (the questions STS asks for AssumeRole).
type eksAuthIAM interface {
	// SessionRole looks up the role named name in account a; ok is false when it does not exist.
	SessionRole(a *core.Account, name string) (r eksAuthRole, ok bool)
	// RecordRoleUse notes that a session of the role named name in account a was issued at at in
	// region (the role's RoleLastUsed).
	RecordRoleUse(a *core.Account, name string, at time.Time, region string)
	// CheckSessionTags validates session tags by IAM's tag rules, with IAM's errors.
	CheckSessionTags(tags []core.Tag) *core.APIError
}

func iamOf(c *core.Req) eksAuthIAM {
	v, ok := core.Peer[eksAuthIAM](c, "iam")
	if !ok {
		panic("awsemu: eks-auth needs the iam service")
	}
	return v
}
