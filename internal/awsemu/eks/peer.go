package eks

import (
	"slices"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// eksPeer is EKS's answer to other services (the small interfaces they declare, such as STS's
// stsEKS for AssumeRoleWithWebIdentity).
type eksPeer struct{}

// serviceAccountClaims are a verified service-account token's claims as STS sees them. It must
// spell sts's stsTokenClaims exactly (an unnamed struct type), so that the method signature is
// identical without either package importing the other.
type serviceAccountClaims = struct {
	Issuer, Subject string
	Audience        []string
	Expires         int64 // Unix seconds
}

// VerifyServiceAccountToken implements stsEKS.
func (eksPeer) VerifyServiceAccountToken(token string) (serviceAccountClaims, error) {
	cl, err := VerifyServiceAccountToken(token)
	if err != nil {
		return serviceAccountClaims{}, err
	}
	return serviceAccountClaims{Issuer: cl.Issuer, Subject: cl.Subject, Audience: cl.Audience, Expires: cl.Expires}, nil
}

// What EKS answers eks-auth (eksauth's eksAuthEKS) for eks-auth:AssumeRoleForPodIdentity. The
// answers are unnamed struct types spelled exactly as eksauth spells them, like the answers to
// STS above.

// podIdentityCluster is a cluster as eks-auth sees it (eksauth's eksAuthCluster).
type podIdentityCluster = struct {
	ARN    string
	Issuer string     // the OIDC issuer URL its service-account tokens carry
	Tags   []core.Tag // a copy
}

// podIdentityClaims are a verified service-account token's claims as eks-auth sees them
// (eksauth's eksAuthClaims); the pod fields are empty when the token names no pod.
type podIdentityClaims = struct {
	Issuer, Subject string
	Audience        []string
	Expires         int64 // Unix seconds
	Namespace       string
	ServiceAccount  string
	PodName, PodUID string
}

// podIdentityAssociation is an association as eks-auth sees it (eksauth's eksAuthAssociation).
type podIdentityAssociation = struct {
	ARN, ID, RoleARN   string
	DisableSessionTags bool
}

// PodIdentityCluster implements eksAuthEKS: the cluster name in the caller's account and region.
func (eksPeer) PodIdentityCluster(c *core.Req, name string) (podIdentityCluster, bool) {
	cl, ok := eksPodIdentityCluster(c, name)
	if !ok {
		return podIdentityCluster{}, false
	}
	return podIdentityCluster{ARN: cl.arn, Issuer: cl.issuer, Tags: slices.Clone(cl.tags)}, true
}

// VerifyPodIdentityToken implements eksAuthEKS: the token's signature is checked against the
// key of the issuer it names, so only tokens an emulated cluster signed verify.
func (eksPeer) VerifyPodIdentityToken(token string) (podIdentityClaims, error) {
	cl, err := verifyPodToken(token)
	if err != nil {
		return podIdentityClaims{}, err
	}
	out := podIdentityClaims{Issuer: cl.Issuer, Subject: cl.Subject, Audience: cl.Audience, Expires: cl.Expires}
	if k := cl.Kubernetes; k != nil {
		out.Namespace = k.Namespace
		if k.ServiceAccount != nil {
			out.ServiceAccount = k.ServiceAccount.Name
		}
		if k.Pod != nil {
			out.PodName, out.PodUID = k.Pod.Name, k.Pod.UID
		}
	}
	return out, nil
}

// PodIdentityAssociation implements eksAuthEKS: the association of namespace/serviceAccount in
// the cluster of the caller's account and region.
func (eksPeer) PodIdentityAssociation(c *core.Req, cluster, namespace, serviceAccount string) (podIdentityAssociation, bool) {
	a, ok := eksPodIdentityAssociation(c, cluster, namespace, serviceAccount)
	if !ok {
		return podIdentityAssociation{}, false
	}
	return podIdentityAssociation{ARN: a.arn, ID: a.id, RoleARN: a.roleArn, DisableSessionTags: a.disableSessionTags}, true
}
