package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// ec2CreateActions are the create calls whose TagSpecifications the role may use to tag what
// it creates (ec2:CreateAction on ec2:CreateTags).
func ec2CreateActions() []string {
	return []string{
		"AllocateAddress", "AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress",
		"CreateInternetGateway", "CreateLaunchTemplate", "CreateNatGateway", "CreateRouteTable",
		"CreateSecurityGroup", "CreateSubnet", "CreateVpc", "CreateVpcEndpoint", "RunInstances",
	}
}

// ec2TaggedTypes are the EC2 resource types the connection creates and tags.
func ec2TaggedTypes() []string {
	return []string{
		"elastic-ip", "instance", "internet-gateway", "launch-template", "natgateway",
		"network-interface", "route-table", "security-group", "security-group-rule", "subnet",
		"volume", "vpc", "vpc-endpoint",
	}
}

// adoptedNetworkTagKeys are the only tags the role may put on a bring-your-own VPC or subnet.
// LakeSail-Connection is deliberately not among them: it is the key every tag-scoped permission
// checks, so adding it would hand the role the customer's network.
func (n names) adoptedNetworkTagKeys() []string {
	return []string{
		TagService, TagTenant, TagNetwork,
		"kubernetes.io/role/elb", "kubernetes.io/role/internal-elb",
		"kubernetes.io/cluster/" + n.prefix() + "*",
	}
}

// policyNetworkReadAndTag: reading the account's network state and tagging.
func policyNetworkReadAndTag(n names) iampolicy.Document {
	return document(
		// EC2 Describe calls have no resource-level permissions; the library filters them by
		// tag or id.
		allow("Ec2DescribeNetworkHasNoResourceScope",
			withPrefix("ec2", "DescribeAvailabilityZones", "DescribeVpcs", "DescribeVpcAttribute",
				"DescribeSubnets", "DescribeInternetGateways", "DescribeAddresses", "DescribeNatGateways",
				"DescribeRouteTables", "DescribeSecurityGroups", "DescribeSecurityGroupRules",
				"DescribeVpcEndpoints", "DescribeNetworkInterfaces"),
			list("*")),
		// Tags only as part of a create call the role is allowed to make (each of which
		// requires the LakeSail-Connection request tag).
		allow("Ec2TagOnlyWhileCreating",
			list("ec2:CreateTags"),
			n.ec2All(ec2TaggedTypes()...),
			cond("StringEquals", "ec2:CreateAction", ec2CreateActions()...)),
		// Re-tagging what already belongs to the connection; the connection tag itself can
		// only keep its value.
		allow("Ec2RetagConnectionResources",
			withPrefix("ec2", "CreateTags", "DeleteTags"),
			n.ec2All(ec2TaggedTypes()...),
			n.resourceTagged(),
			cond("StringEqualsIfExists", "aws:RequestTag/"+TagConnection, n.id)),
		// ELB Describe calls have no resource-level permissions.
		allow("ElbDescribeHasNoResourceScope",
			withPrefix("elasticloadbalancing", "DescribeLoadBalancers", "DescribeListeners", "DescribeTargetGroups", "DescribeTags"),
			list("*")),
		// Tags only in the create calls above (each requires the connection's tag or load balancer).
		allow("ElbTagOnlyWhileCreating",
			list("elasticloadbalancing:AddTags"),
			n.elb("loadbalancer/net", "targetgroup", "listener/net"),
			cond("StringEquals", "elasticloadbalancing:CreateAction", "CreateListener", "CreateLoadBalancer", "CreateTargetGroup")),
		// Re-tagging what already belongs to the connection when the workspace's tags change;
		// the connection tag (in any case) is never in the request, so it cannot be changed or
		// removed.
		allow("ElbRetagConnectionResources",
			withPrefix("elasticloadbalancing", "AddTags", "RemoveTags"),
			n.elb("loadbalancer/net", "targetgroup", "listener/net"),
			n.resourceTagged(),
			cond("ForAllValues:StringNotEqualsIgnoreCase", "aws:TagKeys", TagConnection)),
		// Adopting a bring-your-own VPC and its subnets: marker tags only, and only on what
		// the account itself marked LakeSail-Adoptable-By=<ID> (a tag the role cannot set).
		allow("Ec2MarkAdoptedNetworkWithoutConnectionTag",
			withPrefix("ec2", "CreateTags", "DeleteTags"),
			n.ec2All("vpc", "subnet"),
			cond("StringEquals", "aws:ResourceTag/"+TagAdoptableBy, n.id),
			cond("ForAllValues:StringLike", "aws:TagKeys", n.adoptedNetworkTagKeys()...),
			cond("Null", "aws:TagKeys", "false")),
	)
}
