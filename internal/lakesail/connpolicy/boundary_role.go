package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// RoleBoundaryNamespaces are the service namespaces the connection role can ever use. A call in
// any other namespace (DynamoDB, RDS, SageMaker, IAM Identity Center, Organizations, ...) is
// outside the boundary even if a scoped policy were miswritten.
func RoleBoundaryNamespaces() []string {
	return []string{
		"acm", "autoscaling", "cloudformation", "cloudwatch", "ec2", "ec2messages", "ecr",
		"eks", "eks-auth", "elasticloadbalancing", "glue", "iam", "kms", "lambda", "logs",
		"pricing", "s3", "s3express", "s3tables", "s3vectors", "servicequotas", "ssm",
		"ssmmessages", "sts",
	}
}

const SidRoleBoundaryNamespaces = "AllowOnlyLakeSailServiceNamespaces"

// roleBoundary caps the connection role to the listed namespaces. It grants nothing by itself:
// the scoped policies do, and the explicit deny removes the dangerous parts of iam.
func roleBoundary() iampolicy.Document {
	var actions []string
	for _, ns := range RoleBoundaryNamespaces() {
		actions = append(actions, ns+":*")
	}
	return document(allow(SidRoleBoundaryNamespaces, actions, list("*")))
}
