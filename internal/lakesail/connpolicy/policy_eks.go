package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// policyEKS: the workspace's EKS cluster with its node groups, add-ons, access entries and Pod
// Identity associations,
// and the cluster's satellites: the Konnectivity TLS material in SSM, the session NLB's ACM
// certificate and the workspace's Glue database.
func policyEKS(n names) iampolicy.Document {
	nodegroups := n.own("eks", "nodegroup/"+n.prefix()+"*/*/*")
	addons := n.own("eks", "addon/"+n.prefix()+"*/*/*")
	accessEntries := n.own("eks", "access-entry/"+n.prefix()+"*/*")
	podIdentityAssociations := n.own("eks", "podidentityassociation/"+n.prefix()+"*/*")
	certificate := n.own("acm", "certificate/*")
	glueDatabase := n.own("glue", "database/lakesail_"+n.idLower+"_*")
	return document(
		// eks:CreateCluster has no resource-level permission; the request tag is the scope.
		allow("EksCreateTaggedClusters",
			list("eks:CreateCluster"),
			list("*"),
			n.requestTagged()),
		allow("EksManageClusters",
			withPrefix("eks", "DescribeCluster", "UpdateClusterConfig", "UpdateClusterVersion",
				"DescribeUpdate", "DeleteCluster", "TagResource", "UntagResource",
				"CreateNodegroup", "CreateAddon", "CreateAccessEntry",
				"CreatePodIdentityAssociation", "ListPodIdentityAssociations"),
			list(n.clusterARN())),
		// The clusters' node groups, add-ons and Pod Identity associations (an association's
		// role is passed under IamPassWorkloadRolesToPodIdentity).
		allow("EksManageNodegroupsAndAddons",
			withPrefix("eks", "DescribeNodegroup", "UpdateNodegroupConfig", "UpdateNodegroupVersion",
				"DeleteNodegroup", "DescribeAddon", "UpdateAddon", "DeleteAddon",
				"DescribeUpdate", "TagResource", "UntagResource",
				"DescribePodIdentityAssociation", "UpdatePodIdentityAssociation", "DeletePodIdentityAssociation"),
			list(nodegroups, addons, podIdentityAssociations)),
		// Access entries of the connection's clusters (associating an access policy is
		// authorized on the entry alone): the connection role's own, and the EC2_LINUX entry
		// of Karpenter's node role.
		allow("EksManageAccessEntries",
			withPrefix("eks", "DescribeAccessEntry", "DeleteAccessEntry", "AssociateAccessPolicy",
				"DisassociateAccessPolicy", "ListAssociatedAccessPolicies", "TagResource"),
			list(accessEntries)),
		// DescribeAddonVersions and ListCertificates have no resource-level permission (whether
		// a certificate still exists, and its metadata, are public by nature).
		allow("ReadsHaveNoResourceScope",
			list("eks:DescribeAddonVersions", "acm:ListCertificates"),
			list("*")),
		allow("SsmManageParameters",
			withPrefix("ssm", "PutParameter", "GetParameter", "GetParameters", "DeleteParameter", "AddTagsToResource"),
			list(n.own("ssm", "parameter/lakesail/"+n.id+"/*"))),
		// A certificate is imported with its tags (acm:AddTagsToCertificate is checked on the
		// new certificate, whose ARN is random: the request tag is the scope). A re-import cannot
		// carry tags, so this never replaces an existing certificate. IAM cannot tell that
		// tag check from a later AddTagsToCertificate on an existing certificate: the role can
		// add the connection's tags to a certificate it did not import, which is why no
		// permission depends on a certificate's tags beyond reading its metadata. Re-import
		// and deletion are the account's (the explicit deny refuses them to the role).
		allow("AcmImportTaggedCertificates",
			withPrefix("acm", "ImportCertificate", "AddTagsToCertificate"),
			list(certificate),
			n.requestTagged(),
			cond("StringEqualsIfExists", "aws:ResourceTag/"+TagConnection, n.id)),
		allow("AcmReadCertificates",
			list("acm:DescribeCertificate"),
			list(certificate),
			n.resourceTagged()),
		// Glue authorizes database calls on the catalog and the database; deleting a database
		// also on the tables and functions in it. The catalog is named only with these three
		// database actions, each of which is also checked on the database itself.
		allow("GlueManageDatabases",
			withPrefix("glue", "CreateDatabase", "GetDatabase", "DeleteDatabase"),
			list(n.own("glue", "catalog"), glueDatabase,
				n.own("glue", "table/lakesail_"+n.idLower+"_*/*"),
				n.own("glue", "userDefinedFunction/lakesail_"+n.idLower+"_*/*"))),
		allow("GlueTagDatabases",
			list("glue:TagResource"),
			list(glueDatabase)),
	)
}
