package iam

import (
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// awsManagedPolicyDocs are the AWS managed policies every account sees, with documents that
// follow their published content (trimmed of statements for services the emulator lacks only
// where noted). Paths are "/" unless the name says otherwise.
var awsManagedPolicyDocs = map[string]string{
	"AdministratorAccess": `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
}`,
	"PowerUserAccess": `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
    {"Effect": "Allow", "Action": [
      "account:GetAccountInformation", "account:GetPrimaryEmail", "account:ListRegions",
      "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
      "organizations:DescribeOrganization"
    ], "Resource": "*"}
  ]
}`,
	"IAMFullAccess": `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": [
    "iam:*",
    "organizations:DescribeAccount", "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit",
    "organizations:DescribePolicy", "organizations:ListChildren", "organizations:ListParents",
    "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies",
    "organizations:ListTargetsForPolicy"
  ], "Resource": "*"}]
}`,
	"AmazonEKSClusterPolicy": `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AmazonEKSClusterPolicy", "Effect": "Allow", "Action": [
      "autoscaling:DescribeAutoScalingGroups", "autoscaling:UpdateAutoScalingGroup",
      "ec2:AttachVolume", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateRoute", "ec2:CreateSecurityGroup",
      "ec2:CreateTags", "ec2:CreateVolume", "ec2:DeleteRoute", "ec2:DeleteSecurityGroup", "ec2:DeleteVolume",
      "ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
      "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
      "ec2:DescribeNetworkInterfaces", "ec2:DescribeAvailabilityZones", "ec2:DetachVolume",
      "ec2:ModifyInstanceAttribute", "ec2:ModifyVolume", "ec2:RevokeSecurityGroupIngress",
      "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeInternetGateways",
      "ec2:DescribeInstanceTopology",
      "elasticloadbalancing:AddTags", "elasticloadbalancing:ApplySecurityGroupsToLoadBalancer",
      "elasticloadbalancing:AttachLoadBalancerToSubnets", "elasticloadbalancing:ConfigureHealthCheck",
      "elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:CreateLoadBalancerListeners", "elasticloadbalancing:CreateLoadBalancerPolicy",
      "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteLoadBalancerListeners",
      "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
      "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancerPolicies",
      "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DetachLoadBalancerFromSubnets", "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
      "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:SetLoadBalancerPoliciesForBackendServer",
      "elasticloadbalancing:SetLoadBalancerPoliciesOfListener",
      "kms:DescribeKey"
    ], "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
     "Condition": {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}}
  ]
}`,
	"AmazonEKSWorkerNodePolicy": `{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "WorkerNodePermissions", "Effect": "Allow", "Action": [
    "ec2:DescribeInstances", "ec2:DescribeInstanceTypes", "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVolumes",
    "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs", "eks:DescribeCluster",
    "eks-auth:AssumeRoleForPodIdentity"
  ], "Resource": "*"}]
}`,
	"AmazonEKS_CNI_Policy": `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AmazonEKSCNIPolicy", "Effect": "Allow", "Action": [
      "ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface", "ec2:DescribeInstances", "ec2:DescribeTags",
      "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes", "ec2:DescribeSubnets",
      "ec2:DetachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:UnassignPrivateIpAddresses"
    ], "Resource": "*"},
    {"Sid": "AmazonEKSCNIPolicyENITag", "Effect": "Allow", "Action": "ec2:CreateTags",
     "Resource": "arn:aws:ec2:*:*:network-interface/*"}
  ]
}`,
	"AmazonEC2ContainerRegistryReadOnly": `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": [
    "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
    "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
    "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview",
    "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings"
  ], "Resource": "*"}]
}`,
	// Version v1 (October 2024): image pulls only, including through a pull-through cache.
	"AmazonEC2ContainerRegistryPullOnly": `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": [
    "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage"
  ], "Resource": "*"}]
}`,
	"AmazonSSMManagedInstanceCore": `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": [
      "ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument",
      "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters",
      "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory", "ssm:PutComplianceItems",
      "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus",
      "ssm:UpdateInstanceInformation"
    ], "Resource": "*"},
    {"Effect": "Allow", "Action": [
      "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"
    ], "Resource": "*"},
    {"Effect": "Allow", "Action": [
      "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
      "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"
    ], "Resource": "*"}
  ]
}`,
}

// awsManagedCreated is when the AWS managed policies claim to have been created.
var awsManagedCreated = time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)

// awsManagedPolicies builds the shared AWS managed policies. Documents are parsed on first use
// (policy.defaultDoc), so building an emulator never depends on the evaluator.
func awsManagedPolicies() map[string]*policy {
	out := map[string]*policy{}
	for name, text := range awsManagedPolicyDocs {
		arn := "arn:aws:iam::aws:policy/" + name
		out[arn] = &policy{
			name: name, id: core.NewID("ANPA", 17), path: "/", arn: arn, awsManaged: true,
			versions:       []*policyVersion{{id: "v1", text: text, created: awsManagedCreated}},
			defaultVersion: "v1", nextVersion: 2, created: awsManagedCreated, updated: awsManagedCreated,
		}
	}
	return out
}
