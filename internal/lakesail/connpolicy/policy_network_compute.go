package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

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
		// A new rule is checked as a resource of its own (untagged when authorized); the
		// security group it belongs to is checked by the statement above. Revoking is
		// authorized on the group alone.
		allow("Ec2RulesOfConnectionSecurityGroups",
			withPrefix("ec2", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"),
			list(n.ec2("security-group-rule"))),
		// The workspaces' session load balancers: named lakesail-<ID>-* and created tagged.
		allow("ElbCreateTaggedNlbsAndTargetGroups",
			withPrefix("elasticloadbalancing", "CreateLoadBalancer", "CreateTargetGroup"),
			n.elb("loadbalancer/net", "targetgroup"),
			n.requestTagged()),
		// CreateListener is authorized on the load balancer; the rest on what they change.
		allow("ElbManageConnectionNlbs",
			withPrefix("elasticloadbalancing", "CreateListener", "ModifyListener", "DeleteListener",
				"DeleteLoadBalancer", "DeleteTargetGroup", "SetSecurityGroups"),
			n.elb("loadbalancer/net", "targetgroup", "listener/net"),
			n.resourceTagged()),
		// kms:CreateKey has no resource-level permission. Keys are created without tags (a tag in
		// CreateKey needs kms:TagResource on every key of the account, which would let the role
		// tag, and so take over, a key the customer made): the new key's own policy grants the
		// role what it needs on that key alone, including the tags it then adds
		// (ConnectionRoleManagesTheKey in the network's key policy). The conditions keep the key
		// an ordinary single-region symmetric key with key material KMS generated.
		allow("KmsCreateSymmetricKeysHasNoResourceScope",
			list("kms:CreateKey"),
			list("*"),
			cond("StringEquals", "kms:KeySpec", "SYMMETRIC_DEFAULT"),
			cond("StringEquals", "kms:KeyUsage", "ENCRYPT_DECRYPT"),
			cond("StringEquals", "kms:KeyOrigin", "AWS_KMS"),
			cond("Bool", "kms:MultiRegion", "false")),
		// Keys carrying the connection tag: only keys the connection created can carry it, since
		// the role has no kms:TagResource of its own (its keys' policies grant it for themselves).
		// No kms:PutKeyPolicy (explicitly denied: a key's policy is written when LakeSail creates
		// the key, and repaired with the account's own credentials), no tag changes here.
		allow("KmsManageConnectionKeys",
			withPrefix("kms", "DescribeKey", "EnableKeyRotation", "GetKeyRotationStatus", "GetKeyPolicy",
				"ListResourceTags", "CreateAlias", "DeleteAlias", "ScheduleKeyDeletion"),
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

// elb are the connection's load balancer resources of each type: <type>/lakesail-<ID>-*.
func (n names) elb(types ...string) []string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = n.own("elasticloadbalancing", t+"/"+n.prefix()+"*")
	}
	return out
}
