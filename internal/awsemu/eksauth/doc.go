// Package eksauth is the emulator's Amazon EKS Auth (signing name "eks-auth"):
// AssumeRoleForPodIdentity, which the EKS Pod Identity agent calls with a pod's service-account
// token to get credentials of the role its Pod Identity association names. It asks EKS (the
// cluster, the token, the association) and IAM (the role) through the interfaces it declares and
// mints the session with core.
package eksauth
