package workspace

import (
	"encoding/json"
	"slices"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// The tags Karpenter puts on what it launches for a cluster (aws/karpenter-provider-aws,
// pkg/providers/instance and launchtemplate): the cluster's ownership tag with value "owned",
// eks:eks-cluster-name, and the node pool (karpenter.sh/nodepool) on the fleet, instances,
// volumes, interfaces and its launch templates; once a node registers, the controller names the
// instance (Name, karpenter.sh/nodeclaim). The EC2NodeClass's spec.tags (the settings' "tags":
// WorkspaceTags) come on top, so everything carries LakeSail-Connection and LakeSail-Workspace.
const (
	karpenterNodePoolTag  = "karpenter.sh/nodepool"
	karpenterNodeClaimTag = "karpenter.sh/nodeclaim"
	eksClusterNameTag     = "eks:eks-cluster-name"
	// karpenterOwned is the value of the ownership tag (kubernetes.io/cluster/<cluster>) on what
	// Karpenter launches; the discovery tag on subnets and the security group has "shared".
	karpenterOwned = "owned"
	// discoveryShared is the value of the discovery tag (KarpenterDiscoveryTag).
	discoveryShared = "shared"
)

// karpenterServiceAccount is the controller's service account, as the installer deploys it.
func karpenterServiceAccount() string { return WorkloadServiceAccount(PurposeKarpenter) }

// ec2ServicePrincipal is the principal EC2 is in iam:PassedToService: ec2.amazonaws.com.cn in the
// China partition (Karpenter's published AllowPassingInstanceRole lists both).
func (s Spec) ec2ServicePrincipal() string {
	if s.partition() == "aws-cn" {
		return "ec2.amazonaws.com.cn"
	}
	return "ec2.amazonaws.com"
}

// KarpenterInstanceProfileARN is the ARN of KarpenterInstanceProfileName.
func (s Spec) KarpenterInstanceProfileARN() string {
	return "arn:" + s.partition() + ":iam::" + s.AccountID + ":instance-profile/" + s.KarpenterInstanceProfileName()
}

// karpenterNodeRole is the role of Karpenter's nodes: like the system node role (the worker
// node, CNI and image-pull policies EKS documents for nodes, "Amazon EKS node IAM role"), with
// the narrower AmazonEC2ContainerRegistryPullOnly AWS now recommends, and WorkloadBoundary.
func (s Spec) karpenterNodeRole() workspaceRole {
	return workspaceRole{Name: s.KarpenterNodeRoleName(), Purpose: purposeKarpenterNode, Trust: serviceTrust("ec2.amazonaws.com"),
		Managed:  []string{"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"},
		Describe: "nodes Karpenter launches for LakeSail workspace " + s.WorkspaceID}
}

// purposeKarpenterNode is the Purpose of the Karpenter node role among the workspace's roles.
const purposeKarpenterNode = "karpenter-node"

// karpenterControllerPolicy is the controller role's inline policy: Karpenter's published
// controller policy (KarpenterControllerPolicy of its CloudFormation reference, v1), without the
// interruption queue (RoleBoundary admits no SQS) and the instance-profile management and reads
// (the workspace makes the one profile Karpenter uses, and the node class names it, so the
// controller never calls IAM about profiles), and narrowed from "the cluster's" to "this
// workspace's, of this connection": every launch uses a launch template the controller created
// with the workspace's tags, into a subnet and security group that carry the cluster's discovery
// tag, for an instance type of the spec's families with IMDSv2 required. WorkloadBoundary caps
// it again by the connection's tags.
//
// IAM evaluates RunInstances on every resource of a launch, and CreateFleet on the fleet and on
// what each of its launches would make (the Service Authorization Reference's resource types of
// each action), so each statement names the resource types its conditions apply to: a request
// tag condition says nothing about an existing template, subnet or image, which are judged by
// their own tags instead.
func (s Spec) karpenterControllerPolicy() string {
	p, a, cluster := s.partition(), s.AccountID, s.ClusterName()
	ec2ARN := func(types ...string) []string {
		out := make([]string, len(types))
		for i, t := range types {
			out[i] = "arn:" + p + ":ec2:*:" + a + ":" + t + "/*"
		}
		return out
	}
	ownership := "kubernetes.io/cluster/" + cluster
	// requestTags: what a launch or a template creation makes carries the cluster's ownership
	// tag, the connection's and the workspace's tags and a node pool.
	requestTags := func(extra map[string]map[string]any) map[string]any {
		cond := map[string]any{
			"StringEquals": map[string]any{
				"aws:RequestTag/" + ownership:                karpenterOwned,
				"aws:RequestTag/" + eksClusterNameTag:        cluster,
				"aws:RequestTag/" + connpolicy.TagConnection: s.ConnectionID,
				"aws:RequestTag/" + TagWorkspace:             s.WorkspaceID,
			},
			"StringLike": map[string]any{"aws:RequestTag/" + karpenterNodePoolTag: "*"},
		}
		for op, kv := range extra {
			m, ok := cond[op].(map[string]any)
			if !ok {
				m = map[string]any{}
				cond[op] = m
			}
			for k, v := range kv {
				m[k] = v
			}
		}
		return cond
	}
	// ownedByWorkspace: an existing object Karpenter made for this workspace.
	ownedByWorkspace := map[string]any{
		"StringEquals": map[string]any{"aws:ResourceTag/" + ownership: karpenterOwned, "aws:ResourceTag/" + TagWorkspace: s.WorkspaceID},
		"StringLike":   map[string]any{"aws:ResourceTag/" + karpenterNodePoolTag: "*"},
	}
	launch := []string{"ec2:RunInstances", "ec2:CreateFleet"}
	return policyJSON(
		// AWS's images (the EKS AMIs named by the public SSM parameters) and their snapshots:
		// an image is another account's, and launching from one changes nothing of it.
		map[string]any{"Sid": "KarpenterLaunchImages", "Effect": "Allow", "Action": launch,
			"Resource": []string{"arn:" + p + ":ec2:*::image/*", "arn:" + p + ":ec2:*::snapshot/*"}},
		// The private subnets and the network's security group: the workspace tags both with
		// the discovery tag (value "shared") the node class selects them by.
		map[string]any{"Sid": "KarpenterLaunchIntoWorkspaceNetwork", "Effect": "Allow", "Action": launch,
			"Resource":  ec2ARN("subnet", "security-group"),
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/" + s.KarpenterDiscoveryTag(): discoveryShared}}},
		// Launch templates the controller created for this workspace (KarpenterCreateTemplates
		// made them with these tags); never one of the customer's, another workspace's or
		// another connection's.
		map[string]any{"Sid": "KarpenterLaunchFromWorkspaceTemplates", "Effect": "Allow", "Action": launch,
			"Resource": ec2ARN("launch-template"),
			"Condition": map[string]any{
				"StringEquals": map[string]any{"aws:ResourceTag/" + ownership: karpenterOwned,
					"aws:ResourceTag/" + connpolicy.TagConnection: s.ConnectionID, "aws:ResourceTag/" + TagWorkspace: s.WorkspaceID},
				"StringLike": map[string]any{"aws:ResourceTag/" + karpenterNodePoolTag: "*"}}},
		// Templates are created with the workspace's tags. (RunInstances and CreateFleet are not
		// granted on launch-template with request tags: that would admit any template.)
		map[string]any{"Sid": "KarpenterCreateTemplates", "Effect": "Allow", "Action": "ec2:CreateLaunchTemplate",
			"Resource": ec2ARN("launch-template"), "Condition": requestTags(nil)},
		// What a launch makes carries the workspace's tags: the fleet and, through it or
		// RunInstances, the instances and their interfaces (the Service Authorization Reference
		// lists spot-instances-request for neither action, unlike Karpenter's own policy) ...
		map[string]any{"Sid": "KarpenterLaunchTaggedNodes", "Effect": "Allow", "Action": "ec2:CreateFleet",
			"Resource":  ec2ARN("fleet", "instance", "volume"),
			"Condition": requestTags(nil)},
		map[string]any{"Sid": "KarpenterLaunchTaggedInterfaces", "Effect": "Allow", "Action": "ec2:RunInstances",
			"Resource": ec2ARN("network-interface"), "Condition": requestTags(nil)},
		// ... their volumes encrypted (ec2:Encrypted is a key of the volume only) ...
		map[string]any{"Sid": "KarpenterLaunchEncryptedVolumes", "Effect": "Allow", "Action": "ec2:RunInstances",
			"Resource":  ec2ARN("volume"),
			"Condition": requestTags(map[string]map[string]any{"Bool": {"ec2:Encrypted": "true"}})},
		// ... and the instance one of the spec's families, IMDSv2 only, from a launch template
		// (ec2:LaunchTemplate is absent from a launch without one, so ArnLike refuses it).
		map[string]any{"Sid": "KarpenterLaunchAllowedFamilies", "Effect": "Allow", "Action": "ec2:RunInstances",
			"Resource": ec2ARN("instance"),
			"Condition": requestTags(map[string]map[string]any{
				"StringEquals": {"ec2:MetadataHttpTokens": "required"},
				"StringLike":   {"ec2:InstanceType": s.karpenterInstanceTypePatterns()},
				"ArnLike":      {"ec2:LaunchTemplate": ec2ARN("launch-template")[0]},
			})},
		// Tags only in those create calls, and only with the ownership and connection tags.
		map[string]any{"Sid": "KarpenterTagWhileCreating", "Effect": "Allow", "Action": "ec2:CreateTags",
			"Resource": ec2ARN("fleet", "instance", "volume", "network-interface", "launch-template"),
			"Condition": map[string]any{"StringEquals": map[string]any{
				"ec2:CreateAction":                           []string{"RunInstances", "CreateFleet", "CreateLaunchTemplate"},
				"aws:RequestTag/" + ownership:                karpenterOwned,
				"aws:RequestTag/" + connpolicy.TagConnection: s.ConnectionID,
			}}},
		// After a launch, the controller names its own nodes (Name, karpenter.sh/nodeclaim,
		// eks:eks-cluster-name) and nothing else.
		map[string]any{"Sid": "KarpenterNameOwnNodes", "Effect": "Allow", "Action": "ec2:CreateTags",
			"Resource": ec2ARN("instance"),
			"Condition": map[string]any{
				"StringEquals":              ownedByWorkspace["StringEquals"],
				"StringLike":                ownedByWorkspace["StringLike"],
				"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []string{eksClusterNameTag, karpenterNodeClaimTag, "Name"}},
				"StringEqualsIfExists":      map[string]any{"aws:RequestTag/" + eksClusterNameTag: cluster},
			}},
		map[string]any{"Sid": "KarpenterDeleteOwnNodes", "Effect": "Allow", "Action": []string{"ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"},
			"Resource": ec2ARN("instance", "launch-template"), "Condition": ownedByWorkspace},
		// Describe calls and the price list have no resource-level permissions.
		map[string]any{"Sid": "KarpenterReads", "Effect": "Allow", "Resource": "*",
			"Action": []string{"ec2:DescribeAvailabilityZones", "ec2:DescribeCapacityReservations", "ec2:DescribeImages",
				"ec2:DescribeInstances", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates",
				"ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets", "pricing:GetProducts"}},
		// The EKS AMI ids are public parameters under /aws/service/.
		map[string]any{"Sid": "KarpenterPublicImageParameters", "Effect": "Allow", "Action": "ssm:GetParameter",
			"Resource": "arn:" + p + ":ssm:*::parameter/aws/service/*"},
		map[string]any{"Sid": "KarpenterPassNodeRole", "Effect": "Allow", "Action": "iam:PassRole",
			"Resource":  s.roleARN(s.KarpenterNodeRoleName()),
			"Condition": map[string]any{"StringEquals": map[string]any{"iam:PassedToService": s.ec2ServicePrincipal()}}},
		map[string]any{"Sid": "KarpenterDiscoverCluster", "Effect": "Allow", "Action": "eks:DescribeCluster",
			"Resource": "arn:" + p + ":eks:*:" + a + ":cluster/" + cluster},
	)
}

// karpenterSettingsVersion is the version of the settings document's layout.
const karpenterSettingsVersion = 1

// karpenterSettings is the JSON document the installer reads from KarpenterParameterName to
// install Karpenter and write its NodePool and EC2NodeClass: every name it needs, the selectors
// of the subnets and the security group, the tags the node class must give what it launches (the
// controller's policy refuses launches without them), and the limits. Keys are sorted (maps
// marshal so), so the same spec always gives the same bytes and a read compares them as such.
func (s Spec) karpenterSettings(region, endpoint string) string {
	selector := map[string]string{s.KarpenterDiscoveryTag(): discoveryShared}
	families := slices.Clone(s.Karpenter.InstanceFamilies)
	slices.Sort(families)
	doc := map[string]any{
		"version":           karpenterSettingsVersion,
		"region":            region,
		"clusterName":       s.ClusterName(),
		"clusterEndpoint":   endpoint,
		"serviceAccount":    karpenterServiceAccount(),
		"controllerRoleARN": s.roleARN(s.WorkloadRoleName(PurposeKarpenter)),
		"workloadIdentity":  s.workloadIdentity(),
		"nodeRoleName":      s.KarpenterNodeRoleName(),
		"instanceProfile":   s.KarpenterInstanceProfileName(),
		// EC2NodeClass spec.subnetSelectorTerms and spec.securityGroupSelectorTerms.
		"subnetSelector":        selector,
		"securityGroupSelector": selector,
		// EC2NodeClass spec.tags: launch templates, fleets, instances, volumes and interfaces.
		"tags":             s.WorkspaceTags(),
		"limits":           map[string]string{"cpu": s.karpenterLimitCPU()},
		"instanceFamilies": families,
		// EC2NodeClass spec.metadataOptions: the controller may launch nothing else.
		"metadataOptions": map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 1},
		// EC2NodeClass spec.blockDeviceMappings: the controller may launch only encrypted volumes.
		"rootVolume": map[string]any{"encrypted": true, "volumeType": "gp3"},
		// Karpenter's settings.interruptionQueue.
		"interruptionQueue": "",
		"interruptionQueueNote": "there is no interruption queue: RoleBoundary admits no SQS, so Spot interruptions and " +
			"scheduled maintenance reach Karpenter only as node failures",
	}
	out, _ := json.Marshal(doc)
	return string(out)
}
