package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// Explicit-deny Sids, referred to by tests and by drift diagnostics.
const (
	SidDenyConnectionRoleBoundaryChange = "DenyChangingOwnBoundary"
	SidDenyProtectedRoleChanges         = "DenyChangingProtectedRoles"
	SidDenyConnectionPolicyEdits        = "DenyEditingOwnPolicies"
	SidDenyRoleWithoutWorkloadBoundary  = "DenyRolesWithoutWorkloadBoundary"
	SidDenyUnlistedManagedPolicies      = "DenyUnlistedManagedPolicies"
	SidDenyKeyPolicyLockout             = "DenyKmsKeyPolicyLockout"
	// SidDenyOnAnyResource is one statement for every unconditional deny on "*" (see
	// anyResourceDenials): removing a boundary, IAM users and long-lived credentials, key
	// policy changes, widening S3 access, changing OIDC providers and certificates.
	SidDenyOnAnyResource = "DenyOnAnyResource"
)

// wideningS3Actions could let a bucket's data or its listing reach other principals: ACLs, a
// removed bucket policy, replication, notifications, inventory exports and access points.
// LakeSail never calls them; the deny holds even where a bucket's own policy grants them.
func wideningS3Actions() []string {
	return withPrefix("s3", "Put*Acl", "DeleteBucketPolicy", "PutReplicationConfiguration",
		"PutBucketNotification", "PutInventoryConfiguration", "*AccessPoint*")
}

// explicitDeny is attached to the connection role. A Deny wins over every Allow, so these hold
// whatever the scoped policies say, including if one of them were miswritten.
func explicitDeny(n names) iampolicy.Document {
	protectedRoles := list(n.roleARN(), n.callbackRoleARN())
	return document(
		// The connection role keeps RoleBoundary: it can neither remove nor replace it.
		deny(SidDenyConnectionRoleBoundaryChange,
			withPrefix("iam", "DeleteRolePermissionsBoundary", "PutRolePermissionsBoundary"),
			list(n.roleARN())),
		// Neither the connection role nor the callback role (which has no boundary and runs
		// code) may be changed, deleted or passed by the role: no new trust, no new policies.
		deny(SidDenyProtectedRoleChanges,
			withPrefix("iam", "UpdateAssumeRolePolicy", "AttachRolePolicy", "DetachRolePolicy",
				"PutRolePolicy", "DeleteRolePolicy", "DeleteRole", "UpdateRole", "UpdateRoleDescription",
				"TagRole", "UntagRole", "PassRole", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary"),
			protectedRoles),
		// The boundaries, this deny and the scoped policies are the connection's own policies:
		// no new default version, no deletion, no tag changes.
		deny(SidDenyConnectionPolicyEdits,
			withPrefix("iam", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
				"DeletePolicy", "TagPolicy", "UntagPolicy"),
			list(n.allPoliciesARN())),
		// Every role the connection creates or re-bounds carries WorkloadBoundary. When
		// CreateRole has no boundary the key is absent, and StringNotEquals on an absent key
		// is true, so a role without a boundary is denied too.
		deny(SidDenyRoleWithoutWorkloadBoundary,
			withPrefix("iam", "CreateRole", "PutRolePermissionsBoundary"),
			list("*"),
			cond("StringNotEquals", "iam:PermissionsBoundary", n.policyARN(KindWorkloadBoundary))),
		// Only the short allow-list of AWS-managed policies may be attached (never
		// AdministratorAccess, PowerUserAccess, IAMFullAccess, ...).
		deny(SidDenyUnlistedManagedPolicies,
			list("iam:AttachRolePolicy"),
			list("*"),
			cond("ArnNotEquals", "iam:PolicyARN", n.allowedManagedPolicyARNs()...)),
		// Keys the connection manages must stay manageable by the account: no key policy that
		// skips KMS's lockout safety check.
		deny(SidDenyKeyPolicyLockout,
			withPrefix("kms", "CreateKey", "PutKeyPolicy"),
			list("*"),
			cond("Bool", "kms:BypassPolicyLockoutSafetyCheck", "true")),
		deny(SidDenyOnAnyResource,
			anyResourceDenials(),
			list("*")),
	)
}

// anyResourceDenials are denied on every resource, unconditionally; they share one statement
// (SidDenyOnAnyResource) to keep the template within its inline size.
func anyResourceDenials() []string {
	var out []string
	// No role's boundary can be removed (the connection role's, a workload role's, anyone's).
	out = append(out, "iam:DeleteRolePermissionsBoundary")
	// No IAM users and no long-lived credentials.
	out = append(out, withPrefix("iam", "CreateUser", "CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile",
		"CreateServiceSpecificCredential")...)
	// A key's policy is written when LakeSail creates the key; nothing the role does
	// afterwards can widen who uses a key, its own keys included (even if a key policy
	// granted it). Key-policy drift is repaired with the account's own credentials.
	out = append(out, "kms:PutKeyPolicy")
	out = append(out, wideningS3Actions()...)
	// OIDC providers and certificates are created with tags, and IAM cannot keep the role
	// from adding those tags to ones it did not create: so their tags grant nothing, and
	// changing or deleting them is left to the account.
	out = append(out, withPrefix("iam", "DeleteOpenIDConnectProvider", "UntagOpenIDConnectProvider",
		"UpdateOpenIDConnectProvider*", "*ClientIDToOpenIDConnectProvider", "*ClientIDFromOpenIDConnectProvider")...)
	return append(out, withPrefix("acm", "DeleteCertificate", "RemoveTagsFromCertificate", "ExportCertificate")...)
}

func (n names) allowedManagedPolicyARNs() []string {
	var out []string
	for _, name := range AllowedAWSManagedPolicies() {
		out = append(out, n.awsManagedPolicyARN(name))
	}
	return out
}
