// Package iam is the emulator's IAM: roles, managed and inline policies, OIDC providers,
// instance profiles and service-linked roles. Its Impl (iamPeer) answers authorization's
// questions about roles (core.Roles) and the interfaces EKS and STS declare.
package iam
