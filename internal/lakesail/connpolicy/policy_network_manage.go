package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// policyNetworkManage: the VPC skeleton a network creates (VPC, subnets, internet gateway, route
// tables, S3 gateway endpoint) and the network's workspace bucket.
//
// Creates follow the usual EC2 pattern: the new resource needs the LakeSail-Connection request
// tag, and every existing resource the call touches (the parent VPC, route tables, ...) needs it
// as a resource tag. The two are separate statements so that a request tag can never stand in
// for a parent's tag.
func policyNetworkManage(n names) iampolicy.Document {
	bucket := n.bucketARN()
	return document(
		allow("Ec2CreateTaggedVpc",
			list("ec2:CreateVpc"),
			list(n.ec2("vpc")),
			n.requestTagged()),
		allow("Ec2CreateTaggedSubnetsGatewaysRouteTables",
			withPrefix("ec2", "CreateSubnet", "CreateInternetGateway", "CreateRouteTable"),
			n.ec2All("subnet", "internet-gateway", "route-table"),
			n.requestTagged()),
		// Only the S3 gateway endpoint (service com.amazonaws.<region>.s3, or
		// cn.com.amazonaws.<region>.s3 in China).
		allow("Ec2CreateTaggedS3GatewayEndpoint",
			list("ec2:CreateVpcEndpoint"),
			list(n.ec2("vpc-endpoint")),
			n.requestTagged(),
			cond("StringLike", "ec2:VpceServiceName", "*com.amazonaws.*.s3")),
		// Everything afterwards happens on resources that carry the connection tag, including
		// the parents of the creates above. CreateRoute and ReplaceRoute are authorized on the
		// route table alone, whatever gateway they name; a route is replaced in one step (never
		// deleted and re-added, which would leave the private subnets without egress between).
		allow("Ec2ManageNetwork",
			withPrefix("ec2", "CreateSubnet", "CreateRouteTable", "CreateVpcEndpoint", "CreateSecurityGroup",
				"ModifyVpcAttribute", "AttachInternetGateway", "DetachInternetGateway",
				"CreateRoute", "ReplaceRoute", "AssociateRouteTable", "DisassociateRouteTable",
				"ModifyVpcEndpoint", "DeleteVpcEndpoints", "DeleteRouteTable",
				"DeleteInternetGateway", "DeleteSubnet", "DeleteVpc"),
			n.ec2All("vpc", "subnet", "internet-gateway", "route-table", "vpc-endpoint"),
			n.resourceTagged()),
		// The workspace bucket lakesail-<id-lower>-<network>-ws: its configuration, and on
		// destroy with force_destroy, emptying it (every version, whatever versioning the
		// customer chose: LakeSail never configures versioning). No object reads: the role
		// manages the bucket, the workloads use it. Bucket ARNs carry no account, so the
		// account is a condition: a bucket of that name in another account is never reached.
		// The policy, public access block, encryption and ownership are set while the bucket is
		// created: the bucket policy written last denies the role any later change of them
		// (DenyConnectionRoleChangingDataProtection), and the explicit deny refuses ACLs,
		// replication, notifications and other ways data could leave.
		allow("S3ManageConnectionBuckets",
			withPrefix("s3", "CreateBucket", "DeleteBucket", "ListBucket", "ListBucketVersions",
				"PutEncryptionConfiguration", "GetEncryptionConfiguration",
				"PutBucketPublicAccessBlock", "GetBucketPublicAccessBlock",
				"PutBucketOwnershipControls", "GetBucketOwnershipControls",
				"PutBucketPolicy", "GetBucketPolicy", "PutBucketTagging", "GetBucketTagging"),
			list(bucket),
			n.inOwnAccount()),
		allow("S3EmptyBucketsOnDestroy",
			withPrefix("s3", "DeleteObject", "DeleteObjectVersion"),
			list(bucket+"/*"),
			n.inOwnAccount()),
	)
}
