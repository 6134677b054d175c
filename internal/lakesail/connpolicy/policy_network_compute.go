package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/lakesail/iampolicy"

// policyNetworkCompute: the network pieces compute traffic flows through (elastic IPs, NAT
// gateways, the nodes' security group and its rules) and the KMS key that encrypts the
// network's bucket and the workspace's secrets.
func policyNetworkCompute(n names) iampolicy.Document {
	key := n.own("kms", "key/*")
	return document(
		// Kept apart from the NAT gateway statement, whose request tag must not stand in for
		// the tag of the elastic IP it uses.
		allow("Ec2AllocateTaggedElasticIps",
			list("ec2:AllocateAddress"),
			list(n.ec2("elastic-ip")),
			n.requestTagged()),
		allow("Ec2CreateTaggedNatGatewaysAndSecurityGroups",
			withPrefix("ec2", "CreateNatGateway", "CreateSecurityGroup"),
			n.ec2All("natgateway", "security-group"),
			n.requestTagged()),
		allow("Ec2ManageConnectionComputeNetwork",
			withPrefix("ec2", "CreateNatGateway", "DeleteNatGateway", "ReleaseAddress",
				"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
				"RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "DeleteSecurityGroup"),
			n.ec2All("elastic-ip", "natgateway", "security-group", "subnet"),
			n.resourceTagged()),
		// A rule is checked as a resource of its own and is new (untagged) when authorized;
		// the security group it belongs to is checked by the statement above.
		allow("Ec2RulesOfConnectionSecurityGroups",
			withPrefix("ec2", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
				"RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress"),
			list(n.ec2("security-group-rule"))),
		// kms:CreateKey has no resource: the new key's request tag is the scope.
		allow("KmsCreateTaggedKeys",
			list("kms:CreateKey"),
			list("*"),
			n.requestTagged()),
		// When CreateKey carries tags, KMS checks kms:TagResource with no particular key as the
		// resource ("*"), so this cannot be narrowed to the new key (nor to key/*). The request
		// must set the connection tag, and a key of another connection cannot be re-tagged.
		allow("KmsTagKeysWithConnectionTagHasNoResourceScope",
			list("kms:TagResource"),
			list("*"),
			n.requestTagged(),
			cond("StringEqualsIfExists", "aws:ResourceTag/"+TagConnection, n.id)),
		allow("KmsManageConnectionKeys",
			withPrefix("kms", "DescribeKey", "EnableKeyRotation", "GetKeyRotationStatus", "GetKeyPolicy",
				"PutKeyPolicy", "ListResourceTags", "UntagResource", "CreateAlias", "DeleteAlias",
				"ScheduleKeyDeletion"),
			list(key),
			n.resourceTagged()),
		// An alias is authorized on the alias and on the key (above).
		allow("KmsManageConnectionAliases",
			withPrefix("kms", "CreateAlias", "DeleteAlias"),
			list(n.own("kms", "alias/"+n.prefix()+"*"))),
		// ListAliases has no resource-level permission.
		allow("KmsListAliasesHasNoResourceScope",
			list("kms:ListAliases"),
			list("*")),
		// CreateCluster with secrets encryption: EKS creates a grant for its own use with the
		// caller's permission.
		allow("KmsGrantConnectionKeysToEks",
			list("kms:CreateGrant"),
			list(key),
			n.resourceTagged(),
			cond("StringLike", "kms:ViaService", n.viaService("eks")),
			cond("Bool", "kms:GrantIsForAWSResource", "true")),
		// SecureString parameters encrypted with a connection key.
		allow("KmsUseConnectionKeysThroughSsm",
			withPrefix("kms", "Encrypt", "Decrypt", "GenerateDataKey"),
			list(key),
			n.resourceTagged(),
			cond("StringLike", "kms:ViaService", n.viaService("ssm"))),
	)
}
