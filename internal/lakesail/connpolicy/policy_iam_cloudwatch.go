package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// policyIAMAndCloudwatch: the roles a workspace creates (cluster, node, IRSA), the EKS
// service-linked roles, the cluster's OIDC provider, and the cluster's control-plane log group.
//
// Every role-policy change is conditioned on iam:PermissionsBoundary being WorkloadBoundary,
// which is the boundary of the *target* role: the connection role (RoleBoundary) and the
// callback role (no boundary) never qualify, even where their names match lakesail-<ID>-*.
func policyIAMAndCloudwatch(n names) iampolicy.Document {
	roles := n.workloadRolesARN()
	workloadBoundary := cond("StringEquals", "iam:PermissionsBoundary", n.policyARN(KindWorkloadBoundary))
	oidc := n.iam("oidc-provider/oidc.eks.*")
	logGroup := n.own("logs", "log-group:/aws/eks/"+n.prefix()+"*/cluster")
	return document(
		allow("IamCreateBoundedRoles",
			list("iam:CreateRole"),
			list(roles),
			workloadBoundary,
			n.requestTagged()),
		// Inline policies and detachments of bounded roles, and restoring WorkloadBoundary on a
		// workload role an administrator stripped it from: the requested boundary must be
		// WorkloadBoundary, so that can only ever narrow a role (the explicit deny keeps the
		// connection and callback roles out of reach).
		allow("IamChangeBoundedRoles",
			withPrefix("iam", "PutRolePolicy", "DeleteRolePolicy", "DetachRolePolicy", "PutRolePermissionsBoundary"),
			list(roles),
			workloadBoundary),
		allow("IamAttachAllowListedPolicies",
			list("iam:AttachRolePolicy"),
			list(roles),
			workloadBoundary,
			cond("ArnEquals", "iam:PolicyARN", n.allowedManagedPolicyARNs()...)),
		// Reads, tags (CreateRole with tags checks iam:TagRole) and deletion. The explicit
		// deny keeps the connection and callback roles out of reach.
		allow("IamReadTagAndDeleteWorkloadRoles",
			withPrefix("iam", "GetRole", "GetRolePolicy", "ListRolePolicies", "ListAttachedRolePolicies",
				"TagRole", "UntagRole", "DeleteRole"),
			list(roles)),
		// Each role only to the service that runs it: the cluster role to EKS, the node role
		// to EKS (managed node groups) and EC2 (instance profiles).
		allow("IamPassClusterRolesToEks",
			list("iam:PassRole"),
			list(n.iam("role/"+n.prefix()+"*-cluster")),
			cond("StringEquals", "iam:PassedToService", "eks.amazonaws.com")),
		allow("IamPassNodeRolesToEksAndEc2",
			list("iam:PassRole"),
			list(n.iam("role/"+n.prefix()+"*-node")),
			cond("StringEquals", "iam:PassedToService", "eks.amazonaws.com", n.servicePrincipal("ec2"))),
		// Workload roles only to EKS Pod Identity (an association names the role); the explicit
		// deny keeps the connection and callback roles out of reach.
		allow("IamPassWorkloadRolesToPodIdentity",
			list("iam:PassRole"),
			list(roles),
			cond("StringEquals", "iam:PassedToService", "pods.eks.amazonaws.com")),
		allow("IamCreateEksServiceLinkedRoles",
			list("iam:CreateServiceLinkedRole"),
			list(n.iam("role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS"),
				n.iam("role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup")),
			cond("StringEquals", "iam:AWSServiceName", "eks.amazonaws.com", "eks-nodegroup.amazonaws.com")),
		// The issuer URL (and so the provider's ARN) of a cluster is random: creation is
		// scoped to EKS issuers and the request tag (IAM checks iam:TagOpenIDConnectProvider on
		// the new provider as well). IAM cannot tell that tag check from a later tagging of an
		// existing provider, so a provider's tags grant nothing but reading it: deleting or
		// changing a provider is the account's (the explicit deny refuses it to the role), and
		// a workspace's provider is deleted with the account's own credentials.
		allow("IamCreateTaggedEksOidcProviders",
			withPrefix("iam", "CreateOpenIDConnectProvider", "TagOpenIDConnectProvider"),
			list(oidc),
			n.requestTagged(),
			cond("StringEqualsIfExists", "aws:ResourceTag/"+TagConnection, n.id)),
		// Whether a provider still exists (the read below is conditioned on its tag), and
		// DescribeLogGroups (a name prefix in the request does not narrow the check): neither
		// has a resource-level permission.
		allow("ReadsHaveNoResourceScope",
			list("iam:ListOpenIDConnectProviders", "logs:DescribeLogGroups"),
			list("*")),
		allow("IamReadOwnOidcProviders",
			list("iam:GetOpenIDConnectProvider"),
			list(oidc),
			n.resourceTagged()),
		// The control-plane log group EKS writes to, created ahead of the cluster so that it
		// has retention, encryption and tags.
		allow("LogsCreateTaggedLogGroups",
			list("logs:CreateLogGroup"),
			list(logGroup, logGroup+":*"),
			n.requestTagged()),
		allow("LogsManageLogGroups",
			withPrefix("logs", "PutRetentionPolicy", "AssociateKmsKey", "TagResource", "UntagResource",
				"ListTagsForResource", "DeleteLogGroup"),
			list(logGroup, logGroup+":*")),
	)
}
