package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/lakesail/iampolicy"

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
		allow("Ec2ManageConnectionLaunchTemplates",
			withPrefix("ec2", "CreateLaunchTemplateVersion", "ModifyLaunchTemplate", "DeleteLaunchTemplate"),
			list(template),
			n.resourceTagged()),
		// Describe calls have no resource-level permissions.
		allow("Ec2DescribeLaunchTemplatesHasNoResourceScope",
			withPrefix("ec2", "DescribeLaunchTemplates", "DescribeLaunchTemplateVersions"),
			list("*")),
		// eks:CreateNodegroup with a launch template checks that the caller could launch
		// instances from it. Only from the connection's templates ...
		allow("Ec2LaunchCheckFromConnectionTemplates",
			list("ec2:RunInstances"),
			list(template),
			n.resourceTagged()),
		// ... and the other resources of such a launch only when it uses a launch template
		// (every resource of RunInstances is checked, the template above among them).
		allow("Ec2LaunchCheckResourcesOnlyWithTemplate",
			list("ec2:RunInstances"),
			append(n.ec2All("instance", "volume", "network-interface", "subnet", "security-group"),
				n.arn("ec2", "*", "", "image/*")),
			cond("ArnLike", "ec2:LaunchTemplate", template)),
	)
}
