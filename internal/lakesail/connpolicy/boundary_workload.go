package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// eniClusterTag is the tag the Amazon VPC CNI puts on every network interface it creates, with
// the cluster name as value (the EKS add-on sets CLUSTER_NAME).
const eniClusterTag = "cluster.k8s.amazonaws.com/name"

// workloadBoundary is the permissions boundary of every role the connection creates: the EKS
// cluster role, the node role and the IRSA roles of pods. Each role's own policies (AWS-managed
// ones from the allow-list, inline ones the workspace writes) grant; this caps. Beyond the data
// plane LakeSail's workloads use, it admits only what the EKS control plane, the worker nodes,
// the VPC CNI and Karpenter (the node autoscaler) need to run, each scoped to the connection.
//
// Node tagging contract (the workspace's node launch template): instances, their volumes and
// network interfaces are launched with Tags(spec), so node-side permissions below can be
// scoped by LakeSail-Connection; Karpenter's node class carries the same tags.
func workloadBoundary(n names) iampolicy.Document {
	bucket := n.bucketARN()
	return document(append([]iampolicy.Statement{
		// The workspace bucket: object read/write and listing, nothing that changes the
		// bucket's configuration or policy. Only the lower-case pattern: S3 has rejected
		// upper-case bucket names since 2018, so lakesail-<ID>-* could only match a legacy
		// bucket LakeSail never created.
		allow("S3DataPlaneOnOwnBuckets",
			withPrefix("s3", "GetObject", "PutObject", "DeleteObject",
				"AbortMultipartUpload", "ListMultipartUploadParts",
				"ListBucket", "ListBucketMultipartUploads", "GetBucketLocation"),
			list(bucket, bucket+"/*"),
			n.inOwnAccount()),
		// SSE-KMS on the workspace bucket: the key may be LakeSail's or the customer's, so the
		// scope is the use, not the key: only through S3, and only for the connection's
		// buckets (S3 puts the bucket or object ARN in the encryption context).
		allow("KmsOnlyThroughS3ForOwnBuckets",
			withPrefix("kms", "Decrypt", "GenerateDataKey"),
			list(n.own("kms", "key/*")),
			cond("StringLike", "kms:ViaService", n.viaService("s3")),
			cond("StringLike", "kms:EncryptionContext:aws:s3:arn", bucket)),
		// Image pulls. Add-on images live in AWS-owned registries of other accounts (whose
		// repository policies decide), so the scope is "repositories of other accounts": never
		// the customer's own repositories.
		allow("EcrPullImagesFromOtherAccounts",
			withPrefix("ecr", "BatchGetImage", "GetDownloadUrlForLayer", "BatchCheckLayerAvailability"),
			list(n.arn("ecr", "*", "*", "repository/*")),
			cond("StringNotEquals", "aws:ResourceAccount", n.account)),
		allow("LogsUnderOwnPrefix",
			withPrefix("logs", "CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogStreams"),
			list(n.own("logs", "log-group:/lakesail/"+n.id+"/*"))),
		// The Glue Data Catalog of the account, but only the connection's databases and what
		// is inside them, and only the data-plane actions a Hive-compatible engine uses: the
		// catalog is authorized alongside the database of every call, and naming actions
		// (not glue:*) keeps account-wide ones (resource policy, catalog encryption settings,
		// databases of others) out of reach.
		allow("GlueOnOwnDatabases",
			glueDataPlaneActions(),
			list(n.own("glue", "catalog"),
				n.own("glue", "database/lakesail_"+n.idLower+"_*"),
				n.own("glue", "table/lakesail_"+n.idLower+"_*/*"),
				n.own("glue", "userDefinedFunction/lakesail_"+n.idLower+"_*/*"))),
		// Describe calls, ecr:GetAuthorizationToken (image pulls) and pricing:GetProducts have
		// no resource-level permissions. Who uses the describes: the EKS control plane's node
		// lifecycle controller (instances, zones, network), kubelet and nodeadm
		// (AmazonEKSWorkerNodePolicy), the VPC CNI (interfaces, subnets, instance types, tags)
		// and Karpenter, the workspace's node autoscaler (images, templates, instance types and
		// their offerings, Spot and on-demand prices, capacity reservations). EC2 is listed call
		// by call because some EC2 describes expose user data (DescribeInstanceAttribute,
		// DescribeLaunchTemplateVersions): none of those is here.
		allow("ReadsHaveNoResourceScope",
			append(withPrefix("ec2", "DescribeInstances", "DescribeInstanceTypes",
				"DescribeInstanceTopology", "DescribeAvailabilityZones", "DescribeNetworkInterfaces",
				"DescribeSubnets", "DescribeSecurityGroups", "DescribeVpcs", "DescribeRouteTables",
				"DescribeDhcpOptions", "DescribeTags", "DescribeImages",
				"DescribeLaunchTemplates", "DescribeInstanceTypeOfferings", "DescribeSpotPriceHistory",
				"DescribeCapacityReservations"),
				"ecr:GetAuthorizationToken", "pricing:GetProducts"),
			list("*")),
		// Nodes and Karpenter read their cluster (and the EKS Pod Identity agent, as the node
		// role, gets its pods' credentials from it).
		allow("NodesReadOwnClusters",
			list("eks:DescribeCluster", "eks-auth:AssumeRoleForPodIdentity"),
			list(n.clusterARN())),
		// VPC CNI: new pod interfaces must be tagged at creation with one of the connection's
		// cluster names (the CNI tags them itself).
		allow("CniCreatesInterfacesForOwnClusters",
			list("ec2:CreateNetworkInterface"),
			list(n.ec2("network-interface")),
			cond("StringLike", "aws:RequestTag/"+eniClusterTag, n.prefix()+"*")),
		// Subnets: the connection's own are covered by UseConnectionTagged; a bring-your-own
		// subnet does not carry the connection's tag, but the account marked it for the
		// connection (a tag the role can neither add nor remove). Pod interfaces (the VPC CNI)
		// and Karpenter's nodes go into those subnets and no others.
		allow("UseAdoptedSubnets",
			withPrefix("ec2", "CreateNetworkInterface", "RunInstances", "CreateFleet"),
			list(n.ec2("subnet")),
			cond("StringEquals", "aws:ResourceTag/"+TagAdoptableBy, n.id)),
		// Security groups are restricted, so that a node cannot give itself the network access
		// of another workload's group: the connection's own groups (see
		// UseConnectionTagged) and the cluster security group EKS creates, which
		// EKS tags aws:eks:cluster-name.
		allow("CniUsesOwnClusterSecurityGroups",
			withPrefix("ec2", "CreateNetworkInterface", "ModifyNetworkInterfaceAttribute"),
			list(n.ec2("security-group")),
			cond("StringLike", "aws:ResourceTag/aws:eks:cluster-name", n.prefix()+"*")),
		// Tags in the create calls above and below, and only there (each requires the
		// connection's or a cluster's tag in the request), on whatever they create.
		allow("TagOnlyWhileCreating",
			list("ec2:CreateTags"),
			list(n.own("ec2", "*")),
			cond("StringEquals", "ec2:CreateAction", "CreateNetworkInterface", "CreateLaunchTemplate", "CreateFleet", "RunInstances")),
		// Interfaces the CNI created for this connection's clusters; the cluster role also
		// deletes leaked ones (AmazonEKSClusterPolicy).
		allow("CniManagesOwnClusterInterfaces",
			withPrefix("ec2", "AttachNetworkInterface", "DetachNetworkInterface", "DeleteNetworkInterface",
				"AssignPrivateIpAddresses", "UnassignPrivateIpAddresses",
				"ModifyNetworkInterfaceAttribute", "CreateTags"),
			list(n.ec2("network-interface")),
			cond("StringLike", "aws:ResourceTag/"+eniClusterTag, n.prefix()+"*")),
		// What the connection tagged. EC2: the node instances (interfaces are attached to and
		// detached from them; Karpenter terminates its own), their primary interfaces (which
		// receive secondary IPs), the connection's security groups and subnets, and its launch
		// templates (Karpenter launches from and deletes its own, which carry the connection's
		// tag from their creation), and tags added to them (Karpenter names its nodes), which
		// can never change the connection's tag. KMS: Kubernetes secrets envelope encryption, which the EKS
		// control plane does as the cluster role through the grant CreateCluster made. Any EC2
		// type, because the tag is the scope: the role can put the connection's tag only on what
		// it creates (Ec2RetagConnectionResources and tag-on-create), and each action here
		// applies to a few types only.
		allow("UseConnectionTagged",
			append(withPrefix("ec2", "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses",
				"ModifyNetworkInterfaceAttribute", "AttachNetworkInterface", "DetachNetworkInterface",
				"CreateNetworkInterface", "RunInstances", "CreateFleet", "TerminateInstances", "DeleteLaunchTemplate",
				"CreateTags"),
				withPrefix("kms", "Encrypt", "Decrypt", "DescribeKey")...),
			list(n.own("ec2", "*"), n.own("kms", "key/*")),
			n.resourceTagged(),
			cond("StringEqualsIfExists", "aws:RequestTag/"+TagConnection, n.id)),
	}, karpenterStatements(n)...)...)
}

// glueDataPlaneActions are what Spark's Hive-compatible catalog client does with databases,
// tables, partitions and functions (with their column statistics). The patterns end in a
// noun, so that they cover only calls on one table, partition or function: "*Table" is
// CreateTable, GetTable, UpdateTable, DeleteTable, BatchDeleteTable and the table's column
// statistics; no account-wide action ends in those words (the closure check expands them
// against AWS's action list to prove it).
func glueDataPlaneActions() []string {
	return withPrefix("glue", "GetDatabase", "GetDatabases", "*Table", "GetTables",
		"*Partition", "GetPartitions", "*UserDefinedFunction", "GetUserDefinedFunctions")
}

// glueDataPlaneCalls are the concrete actions glueDataPlaneActions stand for.
func glueDataPlaneCalls() []string {
	return withPrefix("glue", "GetDatabase", "GetDatabases",
		"GetTable", "GetTables", "CreateTable", "UpdateTable", "DeleteTable", "BatchDeleteTable",
		"GetColumnStatisticsForTable", "UpdateColumnStatisticsForTable", "DeleteColumnStatisticsForTable",
		"GetPartition", "GetPartitions", "BatchGetPartition", "CreatePartition", "BatchCreatePartition",
		"UpdatePartition", "BatchUpdatePartition", "DeletePartition", "BatchDeletePartition",
		"GetColumnStatisticsForPartition", "UpdateColumnStatisticsForPartition", "DeleteColumnStatisticsForPartition",
		"GetUserDefinedFunction", "GetUserDefinedFunctions", "CreateUserDefinedFunction",
		"UpdateUserDefinedFunction", "DeleteUserDefinedFunction")
}
