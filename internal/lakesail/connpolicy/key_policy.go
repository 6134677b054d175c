package connpolicy

// SidKeyPolicyConnectionRoleManagesTheKey is the statement of a network key's own policy that
// grants the connection role what it does to that key (and to no other key).
const SidKeyPolicyConnectionRoleManagesTheKey = "ConnectionRoleManagesTheKey"

// KeyPolicyRoleActions are what the connection role may do to a KMS key the connection created,
// granted by the key's own policy (SidKeyPolicyConnectionRoleManagesTheKey): the role's IAM
// policies grant no kms:TagResource or kms:UntagResource at all (a role that may tag keys could
// tag a customer's untagged key as the connection's and take it over), and kms:PutKeyPolicy is
// never among them (the explicit deny refuses it even where a key policy grants it).
func KeyPolicyRoleActions() []string {
	return withPrefix("kms", "DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "EnableKeyRotation",
		"ListResourceTags", "TagResource", "UntagResource", "CreateAlias", "DeleteAlias", "ScheduleKeyDeletion")
}
