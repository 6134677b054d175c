package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// karpenterNodePoolTag is the tag Karpenter puts on every instance it launches (the node pool's
// name).
const karpenterNodePoolTag = "karpenter.sh/nodepool"

// karpenterStatements are WorkloadBoundary's share of Karpenter's controller policy (Karpenter's
// published KarpenterControllerPolicy, without its SQS and instance-profile statements: there is
// no interruption queue, and the workspace makes the node role's instance profile itself; and
// without spot-instances-request, which the Service Authorization Reference lists neither for
// CreateFleet nor for RunInstances). The controller role's own policy narrows each to its
// workspace and cluster; these keep any role the connection creates to the connection's objects:
//
//   - launches use the connection's launch templates, subnets and security groups
//     (UseConnectionTagged, with the other node-side actions on tagged objects) or a
//     bring-your-own subnet the account marked for the connection (UseAdoptedSubnets);
//   - what a launch or a template creation makes carries the connection's tag;
//   - after a launch, tags are added only to what carries the connection's tag, and never
//     change that tag (UseConnectionTagged; the controller's own policy narrows the keys to
//     Karpenter's);
//   - only the connection's node roles may be passed, and only to EC2.
func karpenterStatements(n names) []iampolicy.Statement {
	return []iampolicy.Statement{
		// A launch template is created with the connection's tags (so the statement above
		// covers launching from it); a launch makes only connection-tagged objects. Never
		// RunInstances or CreateFleet on launch-template here: a request tag says nothing about
		// the template a launch uses, which must carry the connection's tag.
		allow("LaunchesMakeTaggedNodes",
			withPrefix("ec2", "CreateFleet", "RunInstances"),
			n.ec2All("fleet", "instance", "volume", "network-interface"),
			n.requestTagged()),
		allow("CreateTaggedTemplates",
			list("ec2:CreateLaunchTemplate"),
			list(n.ec2("launch-template")),
			n.requestTagged()),
		// Images and their snapshots (AWS's EKS AMIs, which Karpenter finds through AWS's public
		// SSM parameters): launching from one reads it and changes nothing of it. Image ARNs
		// carry no account. One statement for both services: neither action applies to the
		// other's resources.
		allow("UsePublicImages",
			append(withPrefix("ec2", "RunInstances", "CreateFleet"), "ssm:GetParameter"),
			list(n.arn("ec2", "*", "", "image/*"), n.arn("ec2", "*", "", "snapshot/*"),
				n.arn("ssm", "*", "", "parameter/aws/service/*"))),
		allow("PassNodeRolesToEc2",
			list("iam:PassRole"),
			list(n.iam("role/"+n.prefix()+"*-node")),
			cond("StringEquals", "iam:PassedToService", n.servicePrincipal("ec2"))),
	}
}
