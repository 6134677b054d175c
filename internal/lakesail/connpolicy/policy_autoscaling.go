package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// policyAutoScaling: the launch template every managed node group of the connection scales
// from (the template puts Tags(spec) on the instances, their volumes and network interfaces,
// since managed node groups do not propagate node group tags, and enforces IMDSv2), and what a
// workspace makes for Karpenter and removes of it: the node role's instance profile, and on
// destroy the nodes Karpenter launched.
func policyAutoScaling(n names) iampolicy.Document {
	template := n.ec2("launch-template")
	return document(
		allow("Ec2CreateTaggedLaunchTemplates",
			list("ec2:CreateLaunchTemplate"),
			list(template),
			n.requestTagged()),
		allow("Ec2ManageLaunchTemplates",
			withPrefix("ec2", "CreateLaunchTemplateVersion", "ModifyLaunchTemplate", "DeleteLaunchTemplate"),
			list(template),
			n.resourceTagged()),
		// Describe calls have no resource-level permissions.
		allow("ReadsHaveNoResourceScope",
			withPrefix("ec2", "DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeInstances"),
			list("*")),
		// The instance profile of Karpenter's node role: the workspace makes it, so Karpenter
		// never manages profiles (its node class names this one). Adding a role also checks
		// iam:PassRole of it to EC2, which only the connection's node roles pass
		// (IamPassNodeRolesToEksAndEc2). Its tags follow the workspace's; no permission depends
		// on an instance profile's tags.
		allow("IamManageOwnInstanceProfiles",
			withPrefix("iam", "CreateInstanceProfile", "TagInstanceProfile", "UntagInstanceProfile", "GetInstanceProfile",
				"AddRoleToInstanceProfile", "RemoveRoleFromInstanceProfile", "DeleteInstanceProfile"),
			list(n.iam("instance-profile/"+n.prefix()+"*"))),
		// Destroying a workspace stops what Karpenter launched for it: the connection's instances
		// that carry Karpenter's node pool tag (a managed node group's instances have none; EKS
		// removes those).
		allow("Ec2TerminateOwnKarpenterNodes",
			list("ec2:TerminateInstances"),
			list(n.ec2("instance")),
			n.resourceTagged(),
			cond("Null", "aws:ResourceTag/"+karpenterNodePoolTag, "false")),
		// eks:CreateNodegroup with a launch template checks that the caller could launch
		// instances from it, and RunInstances checks every resource of a launch. The template,
		// subnet and security groups must be the connection's ...
		allow("Ec2LaunchIntoOwnNetwork",
			list("ec2:RunInstances"),
			n.ec2All("launch-template", "subnet", "security-group"),
			n.resourceTagged()),
		// ... or the subnet one of a bring-your-own network that the account itself marked
		// as the connection's to use (a tag the role can neither add nor remove) ...
		allow("Ec2LaunchIntoAdoptedSubnets",
			list("ec2:RunInstances"),
			list(n.ec2("subnet")),
			cond("StringEquals", "aws:ResourceTag/"+TagAdoptableBy, n.id)),
		// ... and the new instance, its volumes and interfaces, and its image are allowed only
		// when the launch uses such a template.
		allow("Ec2LaunchOnlyFromOwnTemplates",
			list("ec2:RunInstances"),
			append(n.ec2All("instance", "volume", "network-interface"), n.arn("ec2", "*", "", "image/*")),
			cond("ArnLike", "ec2:LaunchTemplate", template)),
	)
}
