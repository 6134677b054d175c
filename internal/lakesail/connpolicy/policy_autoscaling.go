package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// policyAutoScaling: the launch template every managed node group of the connection scales
// from. The template puts Tags(spec) on the instances, their volumes and network interfaces
// (managed node groups do not propagate node group tags), and enforces IMDSv2.
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
			withPrefix("ec2", "DescribeLaunchTemplates", "DescribeLaunchTemplateVersions"),
			list("*")),
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
