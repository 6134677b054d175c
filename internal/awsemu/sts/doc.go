// Package sts is the emulator's STS: AssumeRole, AssumeRoleWithWebIdentity and
// GetCallerIdentity; it mints the sessions core authenticates and asks IAM and EKS through the
// interfaces it declares.
package sts
