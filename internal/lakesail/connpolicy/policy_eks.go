package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/lakesail/iampolicy"

// policyEKS: the workspace's EKS cluster with its node groups, add-ons and access entries,
// and the cluster's satellites: the Konnectivity TLS material in SSM, the session NLB's ACM
// certificate and the workspace's Glue database.
func policyEKS(n names) iampolicy.Document {
	nodegroups := n.own("eks", "nodegroup/"+n.prefix()+"*/*/*")
	addons := n.own("eks", "addon/"+n.prefix()+"*/*/*")
	accessEntries := n.own("eks", "access-entry/"+n.prefix()+"*/*")
	certificate := n.own("acm", "certificate/*")
	glueDatabase := n.own("glue", "database/lakesail_"+n.idLower+"_*")
	return document(
		// eks:CreateCluster has no resource-level permission; the request tag is the scope.
		allow("EksCreateTaggedClusters",
			list("eks:CreateCluster"),
			list("*"),
			n.requestTagged()),
		allow("EksManageConnectionClusters",
			withPrefix("eks", "DescribeCluster", "UpdateClusterConfig", "UpdateClusterVersion",
				"DescribeUpdate", "DeleteCluster", "TagResource", "UntagResource",
				"CreateNodegroup", "CreateAddon", "CreateAccessEntry"),
			list(n.clusterARN())),
		allow("EksManageConnectionNodegroupsAndAddons",
			withPrefix("eks", "DescribeNodegroup", "UpdateNodegroupConfig", "UpdateNodegroupVersion",
				"DeleteNodegroup", "DescribeAddon", "UpdateAddon", "DeleteAddon",
				"DescribeUpdate", "TagResource", "UntagResource"),
			list(nodegroups, addons)),
		// Access entries of the connection's clusters and the EKS access policies associated
		// with them (access policies are AWS-owned ARNs).
		allow("EksManageConnectionAccessEntries",
			withPrefix("eks", "DescribeAccessEntry", "DeleteAccessEntry", "AssociateAccessPolicy",
				"DisassociateAccessPolicy", "ListAssociatedAccessPolicies", "TagResource"),
			list(accessEntries, n.arn("eks", "", "aws", "cluster-access-policy/*"))),
		// DescribeAddonVersions has no resource-level permission.
		allow("EksDescribeAddonVersionsHasNoResourceScope",
			list("eks:DescribeAddonVersions"),
			list("*")),
		allow("SsmManageConnectionParameters",
			withPrefix("ssm", "PutParameter", "GetParameter", "DeleteParameter", "AddTagsToResource"),
			list(n.own("ssm", "parameter/lakesail/"+n.id+"/*"))),
		// Importing with tags checks acm:AddTagsToCertificate on the new certificate, whose
		// ARN is random: the request tag is the scope.
		allow("AcmImportTaggedCertificates",
			withPrefix("acm", "ImportCertificate", "AddTagsToCertificate"),
			list(certificate),
			n.requestTagged(),
			cond("StringEqualsIfExists", "aws:ResourceTag/"+TagConnection, n.id)),
		// Whether a certificate still exists: the reads and deletes below are conditioned on its
		// connection tag, which a deleted certificate no longer has.
		allow("AcmListCertificatesHasNoResourceScope",
			list("acm:ListCertificates"),
			list("*")),
		allow("AcmManageConnectionCertificates",
			withPrefix("acm", "DescribeCertificate", "DeleteCertificate", "ImportCertificate",
				"AddTagsToCertificate"),
			list(certificate),
			n.resourceTagged()),
		// Glue authorizes database calls on the catalog and the database; deleting a database
		// also on the tables and functions in it.
		allow("GlueManageConnectionDatabases",
			withPrefix("glue", "CreateDatabase", "GetDatabase", "DeleteDatabase", "TagResource"),
			list(n.own("glue", "catalog"), glueDatabase,
				n.own("glue", "table/lakesail_"+n.idLower+"_*/*"),
				n.own("glue", "userDefinedFunction/lakesail_"+n.idLower+"_*/*"))),
	)
}
