package connpolicy

import (
	"fmt"
	"slices"
	"strings"
)

// Call is one authorization check AWS makes for a call the library (or an AWS component it
// runs) makes: an API operation can check several actions and resources, each a Call. The
// tables below are the yardstick of the policies: every Call must be allowed, by the statement
// named in Sid, and every action and resource of every statement must be used by some Call.
type Call struct {
	// Operation is the API operation, e.g. "ec2:CreateSubnet".
	Operation string
	// Action is the IAM action checked, e.g. "ec2:CreateSubnet" or "ec2:CreateTags".
	Action string
	// Resource is the ARN checked, "*" when the action has no resource.
	Resource string
	// Context holds the condition keys AWS supplies with this check.
	Context map[string][]string
	// Policy and Sid name the statement that exists for this check.
	Policy PolicyKind
	Sid    string
	// ResourcePolicy, when set, names the statement of a resource's own policy (written by
	// LakeSail when it creates the resource) that grants the check instead: the role's IAM
	// policies deliberately do not, and Policy and Sid are empty.
	ResourcePolicy string
	// Purpose says which step makes the call.
	Purpose string
}

// Calls are the checks made while acting as the connection role: the network and workspace
// lifecycles, connection verification and the preflight reads. They must be allowed by the
// scoped policies within RoleBoundary, and not denied by the explicit deny.
func Calls(spec Spec) ([]Call, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return newCallTable(spec).roleCalls(), nil
}

// WorkloadCalls are the checks made by the roles the connection creates (the EKS cluster role,
// the node role, the VPC CNI, the cluster autoscaler and LakeSail's pods). Each must be within
// WorkloadBoundary.
func WorkloadCalls(spec Spec) ([]Call, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return newCallTable(spec).workloadCalls(), nil
}

// callTable builds Calls with example resources of one connection.
type callTable struct {
	n      names
	region string
	calls  []Call
	policy PolicyKind
	sid    string
	// example names
	cluster, bucket, workloadRole, keyARN string
}

type kv map[string][]string

func newCallTable(spec Spec) *callTable {
	spec = spec.withDefaults()
	region := map[string]string{"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}[spec.Partition]
	t := &callTable{n: namesFor(spec), region: region}
	t.cluster = t.n.prefix() + "ws00000001"
	t.bucket = "arn:" + t.n.partition + ":s3:::lakesail-" + t.n.idLower + "-net0000001-ws"
	t.workloadRole = t.n.iam("role/" + t.cluster + "-node")
	t.keyARN = t.arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab")
	return t
}

func (t *callTable) arn(service, resource string) string {
	return t.n.arn(service, t.region, t.n.account, resource)
}

func (t *callTable) ec2(resource string) string { return t.arn("ec2", resource) }

// in sets the statement the following calls exist for.
func (t *callTable) in(kind PolicyKind, sid string) *callTable {
	t.policy, t.sid = kind, sid
	return t
}

// add records a check of action on resource for operation (the action itself when empty).
func (t *callTable) add(operation, action, resource, purpose string, contexts ...kv) *callTable {
	if operation == "" {
		operation = action
	}
	ctx := map[string][]string{}
	for _, c := range contexts {
		for k, v := range c {
			ctx[k] = v
		}
	}
	t.calls = append(t.calls, Call{Operation: operation, Action: action, Resource: resource, Context: ctx,
		Policy: t.policy, Sid: t.sid, Purpose: purpose})
	return t
}

// each records one check per action, each its own operation.
func (t *callTable) each(service, resource, purpose string, actions []string, contexts ...kv) *callTable {
	for _, a := range actions {
		t.add("", service+":"+a, resource, purpose, contexts...)
	}
	return t
}

// creating is what a create call that carries the connection's tags supplies.
func (t *callTable) creating() kv {
	return kv{"aws:RequestTag/" + TagConnection: {t.n.id}, "aws:TagKeys": {TagService, TagConnection, TagTenant}}
}
func (t *callTable) ownAccount() kv { return kv{"s3:ResourceAccount": {t.n.account}} }
func (t *callTable) tagged() kv     { return kv{"aws:ResourceTag/" + TagConnection: {t.n.id}} }
func (t *callTable) tagging(keys ...string) kv {
	return kv{"aws:TagKeys": keys}
}

func ops(names ...string) []string { return names }

func (t *callTable) roleCalls() []Call {
	t.networkCalls()
	t.workspaceCalls()
	t.sessionLoadBalancerCalls()
	t.identityCalls()
	return t.calls
}

func (t *callTable) networkCalls() {
	vpc, subnet := t.ec2("vpc/vpc-0a1b2c3d4e5f60718"), t.ec2("subnet/subnet-0a1b2c3d4e5f60718")
	igw, rtb := t.ec2("internet-gateway/igw-0a1b2c3d4e5f60718"), t.ec2("route-table/rtb-0a1b2c3d4e5f60718")
	eip, nat := t.ec2("elastic-ip/eipalloc-0a1b2c3d4e5f60718"), t.ec2("natgateway/nat-0a1b2c3d4e5f60718")
	sg, rule := t.ec2("security-group/sg-0a1b2c3d4e5f60718"), t.ec2("security-group-rule/sgr-0a1b2c3d4e5f60718")
	vpce := t.ec2("vpc-endpoint/vpce-0a1b2c3d4e5f60718")
	lt := t.ec2("launch-template/lt-0a1b2c3d4e5f60718")
	instance, volume := t.ec2("instance/i-0a1b2c3d4e5f60718"), t.ec2("volume/vol-0a1b2c3d4e5f60718")
	eni := t.ec2("network-interface/eni-0a1b2c3d4e5f60718")
	serviceName := "com.amazonaws." + t.region + ".s3"
	if t.n.partition == "aws-cn" {
		serviceName = "cn." + serviceName
	}

	t.in(KindNetworkReadAndTag, "Ec2DescribeNetworkHasNoResourceScope").
		each("ec2", "*", "network read: discover zones and existing state by tag; ENIs blocking a delete",
			ops("DescribeAvailabilityZones", "DescribeVpcs", "DescribeVpcAttribute", "DescribeSubnets",
				"DescribeInternetGateways", "DescribeAddresses", "DescribeNatGateways", "DescribeRouteTables",
				"DescribeSecurityGroups", "DescribeSecurityGroupRules", "DescribeVpcEndpoints",
				"DescribeNetworkInterfaces"))
	t.in(KindNetworkReadAndTag, "Ec2TagOnlyWhileCreating")
	for _, c := range []struct{ op, resource string }{
		{"CreateVpc", vpc}, {"CreateSubnet", subnet}, {"CreateInternetGateway", igw},
		{"AllocateAddress", eip}, {"CreateNatGateway", nat}, {"CreateRouteTable", rtb},
		{"CreateSecurityGroup", sg}, {"AuthorizeSecurityGroupIngress", rule}, {"CreateVpcEndpoint", vpce},
		{"CreateLaunchTemplate", lt}, {"RunInstances", instance}, {"RunInstances", volume}, {"RunInstances", eni},
	} {
		t.add("ec2:"+c.op, "ec2:CreateTags", c.resource, "tags in the create call's TagSpecifications",
			t.creating(), kv{"ec2:CreateAction": {c.op}})
	}
	t.in(KindNetworkReadAndTag, "Ec2RetagConnectionResources")
	for _, r := range []string{vpc, subnet, igw, eip, nat, rtb, sg, rule, vpce, lt, instance, volume, eni} {
		t.add("", "ec2:CreateTags", r, "update: tags or default_tags changed", t.tagged(), t.creating())
	}
	t.add("", "ec2:DeleteTags", subnet, "workspace destroy: drop its kubernetes.io/cluster tag", t.tagged(),
		t.tagging("kubernetes.io/cluster/"+t.cluster))
	t.add("", "ec2:DeleteTags", lt, "workspace update: tags removed from the node launch template", t.tagged(), t.tagging("team"))
	adopted := kv{"aws:ResourceTag/" + TagAdoptableBy: {t.n.id}}
	t.in(KindNetworkReadAndTag, "Ec2MarkAdoptedNetworkWithoutConnectionTag").
		add("", "ec2:CreateTags", vpc, "bring-your-own VPC: mark it adopted",
			t.tagging(TagService, TagTenant, TagNetwork), adopted).
		add("", "ec2:CreateTags", subnet, "bring-your-own subnet: mark it for the cluster's load balancers",
			t.tagging(TagNetwork, "kubernetes.io/role/internal-elb", "kubernetes.io/cluster/"+t.cluster), adopted).
		add("", "ec2:DeleteTags", subnet, "workspace destroy on a bring-your-own subnet",
			t.tagging("kubernetes.io/cluster/"+t.cluster), adopted).
		add("", "ec2:CreateTags", subnet, "bring-your-own public subnet: mark it for internet-facing load balancers",
			t.tagging(TagNetwork, "kubernetes.io/role/elb"), adopted).
		add("", "ec2:DeleteTags", vpc, "network destroy: remove the marks it added to a bring-your-own VPC",
			t.tagging(TagService, TagTenant, TagNetwork), adopted).
		add("", "ec2:DeleteTags", subnet, "network destroy: remove the marks it added to a bring-your-own subnet",
			t.tagging(TagNetwork, "kubernetes.io/role/elb", "kubernetes.io/role/internal-elb"), adopted)

	t.in(KindNetworkManage, "Ec2CreateTaggedVpc").
		add("", "ec2:CreateVpc", vpc, "network create", t.creating())
	t.in(KindNetworkManage, "Ec2CreateTaggedSubnetsGatewaysRouteTables").
		add("", "ec2:CreateSubnet", subnet, "network create: public and private subnet per zone", t.creating()).
		add("", "ec2:CreateInternetGateway", igw, "network create", t.creating()).
		add("", "ec2:CreateRouteTable", rtb, "network create: public and private route tables", t.creating())
	t.in(KindNetworkManage, "Ec2CreateTaggedS3GatewayEndpoint").
		add("", "ec2:CreateVpcEndpoint", vpce, "network create: S3 gateway endpoint", t.creating(),
			kv{"ec2:VpceServiceName": {serviceName}})
	t.in(KindNetworkManage, "Ec2ManageNetwork").
		add("ec2:CreateSubnet", "ec2:CreateSubnet", vpc, "network create: the subnet's VPC", t.tagged()).
		add("ec2:CreateRouteTable", "ec2:CreateRouteTable", vpc, "network create: the route table's VPC", t.tagged()).
		add("ec2:CreateVpcEndpoint", "ec2:CreateVpcEndpoint", vpc, "network create: the endpoint's VPC", t.tagged()).
		add("ec2:CreateVpcEndpoint", "ec2:CreateVpcEndpoint", rtb, "network create: the endpoint's route tables", t.tagged()).
		add("ec2:CreateSecurityGroup", "ec2:CreateSecurityGroup", vpc, "network create: the group's VPC", t.tagged()).
		add("", "ec2:ModifyVpcAttribute", vpc, "network create: DNS support and hostnames (private EKS endpoint)", t.tagged()).
		add("", "ec2:AttachInternetGateway", igw, "network create", t.tagged()).
		add("", "ec2:AttachInternetGateway", vpc, "network create", t.tagged()).
		add("", "ec2:DetachInternetGateway", igw, "network destroy", t.tagged()).
		add("", "ec2:DetachInternetGateway", vpc, "network destroy", t.tagged()).
		add("", "ec2:CreateRoute", rtb, "network create: default routes", t.tagged()).
		add("", "ec2:ReplaceRoute", rtb, "network update: NAT mode changed, or a NAT gateway replaced", t.tagged()).
		add("", "ec2:AssociateRouteTable", rtb, "network create", t.tagged()).
		add("", "ec2:AssociateRouteTable", subnet, "network create", t.tagged()).
		add("", "ec2:DisassociateRouteTable", rtb, "network destroy", t.tagged()).
		add("", "ec2:DisassociateRouteTable", subnet, "network destroy", t.tagged()).
		add("", "ec2:ModifyVpcEndpoint", vpce, "network update: route tables changed", t.tagged()).
		add("ec2:ModifyVpcEndpoint", "ec2:ModifyVpcEndpoint", rtb, "network update: route tables changed", t.tagged()).
		add("", "ec2:DeleteVpcEndpoints", vpce, "network destroy", t.tagged()).
		add("", "ec2:DeleteRouteTable", rtb, "network destroy", t.tagged()).
		add("", "ec2:DeleteInternetGateway", igw, "network destroy", t.tagged()).
		add("", "ec2:DeleteSubnet", subnet, "network destroy", t.tagged()).
		add("", "ec2:DeleteVpc", vpc, "network destroy", t.tagged())
	t.in(KindNetworkManage, "S3ManageConnectionBuckets").
		each("s3", t.bucket, "network: workspace bucket create (configuration set once, policy last), read (drift) and destroy",
			ops("CreateBucket", "DeleteBucket", "ListBucket", "ListBucketVersions",
				"PutEncryptionConfiguration", "GetEncryptionConfiguration",
				"PutBucketPublicAccessBlock", "GetBucketPublicAccessBlock",
				"PutBucketOwnershipControls", "GetBucketOwnershipControls",
				"PutBucketPolicy", "GetBucketPolicy", "PutBucketTagging", "GetBucketTagging"), t.ownAccount())
	t.in(KindNetworkManage, "S3EmptyBucketsOnDestroy").
		each("s3", t.bucket+"/warehouse/part-0000.parquet", "network destroy with force_destroy: empty the bucket",
			ops("DeleteObject", "DeleteObjectVersion"), t.ownAccount())

	t.in(KindNetworkCompute, "Ec2AllocateTaggedElasticIps").
		add("", "ec2:AllocateAddress", eip, "network create: one EIP per NAT gateway", t.creating())
	t.in(KindNetworkCompute, "Ec2CreateTaggedNatGatewaysAndSecurityGroups").
		add("", "ec2:CreateNatGateway", nat, "network create: single or per-zone NAT", t.creating()).
		add("", "ec2:CreateSecurityGroup", sg, "network create: the nodes' security group", t.creating())
	t.in(KindNetworkCompute, "Ec2ManageConnectionComputeNetwork").
		add("ec2:CreateNatGateway", "ec2:CreateNatGateway", subnet, "network create: the NAT gateway's public subnet", t.tagged()).
		add("ec2:CreateNatGateway", "ec2:CreateNatGateway", eip, "network create: the NAT gateway's EIP", t.tagged()).
		add("", "ec2:DeleteNatGateway", nat, "network destroy", t.tagged()).
		add("", "ec2:ReleaseAddress", eip, "network destroy", t.tagged()).
		each("ec2", sg, "network create and update: security group rules",
			ops("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
				"RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress"), t.tagged()).
		add("", "ec2:DeleteSecurityGroup", sg, "network destroy", t.tagged())
	t.in(KindNetworkCompute, "Ec2RulesOfConnectionSecurityGroups").
		each("ec2", rule, "network create and update: the new rule itself",
			ops("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"))
	t.in(KindNetworkCompute, "KmsCreateSymmetricKeysHasNoResourceScope").
		add("", "kms:CreateKey", "*", "network create: the workspace bucket's key (untagged; its policy lets the role tag it)",
			kv{"kms:KeySpec": {"SYMMETRIC_DEFAULT"}, "kms:KeyUsage": {"ENCRYPT_DECRYPT"}, "kms:KeyOrigin": {"AWS_KMS"},
				"kms:MultiRegion": {"false"}, "kms:BypassPolicyLockoutSafetyCheck": {"false"}})
	t.in(KindNetworkCompute, "KmsManageConnectionKeys").
		each("kms", t.keyARN, "network: key rotation, policy (read), tags (read), alias; destroy with force_destroy",
			ops("DescribeKey", "EnableKeyRotation", "GetKeyRotationStatus", "GetKeyPolicy",
				"ListResourceTags", "CreateAlias", "DeleteAlias", "ScheduleKeyDeletion"), t.tagged())
	for _, a := range []struct{ action, purpose string }{
		{"kms:TagResource", "network create: tag the new key (it was created untagged); update: tags changed"},
		{"kms:UntagResource", "network update: tags removed"},
	} {
		t.calls = append(t.calls, Call{Operation: a.action, Action: a.action, Resource: t.keyARN,
			Context:        map[string][]string{"aws:RequestTag/" + TagConnection: {t.n.id}},
			ResourcePolicy: "network key policy, statement " + SidKeyPolicyConnectionRoleManagesTheKey, Purpose: a.purpose})
	}
	t.in(KindNetworkCompute, "KmsManageConnectionAliases").
		each("kms", t.arn("kms", "alias/"+t.n.prefix()+"net0000001"), "network: the key's alias",
			ops("CreateAlias", "DeleteAlias"))
	t.in(KindNetworkCompute, "KmsListAliasesHasNoResourceScope").
		add("", "kms:ListAliases", "*", "network read: find the key by alias")
	t.in(KindNetworkCompute, "KmsGrantConnectionKeysToEks").
		add("eks:CreateCluster", "kms:CreateGrant", t.keyARN, "workspace create: secrets encryption", t.tagged(),
			kv{"kms:ViaService": {"eks." + t.region + "." + t.n.dnsSuffix}, "kms:GrantIsForAWSResource": {"true"}})
	t.in(KindNetworkCompute, "KmsUseConnectionKeysThroughSsm")
	for _, a := range []struct{ op, action string }{
		{"ssm:PutParameter", "kms:Encrypt"}, {"ssm:GetParameter", "kms:Decrypt"}, {"ssm:PutParameter", "kms:GenerateDataKey"},
	} {
		t.add(a.op, a.action, t.keyARN, "workspace: SecureString parameters with the connection key", t.tagged(),
			kv{"kms:ViaService": {"ssm." + t.region + "." + t.n.dnsSuffix}})
	}

	t.in(KindAutoScaling, "Ec2CreateTaggedLaunchTemplates").
		add("", "ec2:CreateLaunchTemplate", lt, "workspace create: the system node group's launch template", t.creating())
	t.in(KindAutoScaling, "Ec2ManageLaunchTemplates").
		each("ec2", lt, "workspace update (a new version, made the default) and destroy",
			ops("CreateLaunchTemplateVersion", "ModifyLaunchTemplate", "DeleteLaunchTemplate"), t.tagged())
	t.in(KindAutoScaling, "ReadsHaveNoResourceScope").
		each("ec2", "*", "workspace read: the node launch template by name, its latest version", ops("DescribeLaunchTemplates", "DescribeLaunchTemplateVersions")).
		add("", "ec2:DescribeInstances", "*", "workspace destroy: the nodes Karpenter launched")
	profile := t.n.iam("instance-profile/" + t.cluster + "-karpenter-node")
	t.in(KindAutoScaling, "IamManageOwnInstanceProfiles").
		add("", "iam:CreateInstanceProfile", profile, "workspace with Karpenter: the node role's instance profile", t.creating()).
		add("iam:CreateInstanceProfile", "iam:TagInstanceProfile", profile, "workspace with Karpenter: the profile's tags", t.creating()).
		each("iam", profile, "workspace with Karpenter: read (drift), the node role in it, destroy",
			ops("GetInstanceProfile", "AddRoleToInstanceProfile", "RemoveRoleFromInstanceProfile", "DeleteInstanceProfile")).
		add("", "iam:UntagInstanceProfile", profile, "workspace with Karpenter: a tag the workspace no longer sets", t.tagging("team"))
	t.in(KindAutoScaling, "Ec2TerminateOwnKarpenterNodes").
		add("", "ec2:TerminateInstances", instance, "workspace destroy: the nodes Karpenter launched",
			t.tagged(), kv{"aws:ResourceTag/" + karpenterNodePoolTag: {"default"}})
	// EKS asks whether the caller may launch from the template when the node group is created
	// and when it is rolled to another template version.
	launches := []struct{ op, purpose string }{{"eks:CreateNodegroup", "workspace create"}, {"eks:UpdateNodegroupVersion", "workspace update"}}
	t.in(KindAutoScaling, "Ec2LaunchIntoOwnNetwork")
	for _, l := range launches {
		for _, r := range []string{lt, subnet, sg} {
			t.add(l.op, "ec2:RunInstances", r, l.purpose+": EKS checks the caller may launch from the template into the network",
				kv{"ec2:LaunchTemplate": {lt}}, t.tagged())
		}
	}
	t.in(KindAutoScaling, "Ec2LaunchIntoAdoptedSubnets")
	for _, l := range launches {
		t.add(l.op, "ec2:RunInstances", subnet, l.purpose+" in a bring-your-own network: an adopted subnet",
			kv{"ec2:LaunchTemplate": {lt}, "aws:ResourceTag/" + TagAdoptableBy: {t.n.id}})
	}
	t.in(KindAutoScaling, "Ec2LaunchOnlyFromOwnTemplates")
	for _, l := range launches {
		for _, r := range []string{instance, volume, eni, t.n.arn("ec2", t.region, "", "image/ami-0a1b2c3d4e5f60718")} {
			t.add(l.op, "ec2:RunInstances", r, l.purpose+": EKS's launch check",
				kv{"ec2:LaunchTemplate": {lt}})
		}
	}
}

func (t *callTable) workspaceCalls() {
	cluster := t.arn("eks", "cluster/"+t.cluster)
	nodegroup := t.arn("eks", "nodegroup/"+t.cluster+"/system/7ec5d6a2-1b3c-4d5e-8f90-0a1b2c3d4e5f")
	addon := t.arn("eks", "addon/"+t.cluster+"/vpc-cni/5ac5d6a2-1b3c-4d5e-8f90-0a1b2c3d4e5f")
	accessEntry := t.arn("eks", "access-entry/"+t.cluster+"/role/"+t.n.account+"/"+t.n.roleName+"/9ec5d6a2-1b3c-4d5e-8f90-0a1b2c3d4e5f")
	podIdentity := t.arn("eks", "podidentityassociation/"+t.cluster+"/a-0a1b2c3d4e5f60718")
	certificate := t.arn("acm", "certificate/12345678-1234-1234-1234-123456789012")
	parameter := t.arn("ssm", "parameter/lakesail/"+t.n.id+"/ws00000001/konnectivity/server-key")
	database := "lakesail_" + t.n.idLower + "_ws00000001"
	logGroup := t.arn("logs", "log-group:"+ClusterLogGroupName(t.cluster))
	oidc := t.n.iam("oidc-provider/oidc.eks." + t.region + "." + t.n.dnsSuffix + "/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
	workloadBoundary := kv{"iam:PermissionsBoundary": {t.n.policyARN(KindWorkloadBoundary)}}

	t.in(KindEKS, "EksCreateTaggedClusters").
		add("", "eks:CreateCluster", "*", "workspace create", t.creating())
	t.in(KindEKS, "EksManageClusters").
		each("eks", cluster, "workspace create, read, update and destroy",
			ops("DescribeCluster", "UpdateClusterConfig", "UpdateClusterVersion", "DescribeUpdate",
				"DeleteCluster", "TagResource", "UntagResource", "CreateNodegroup", "CreateAddon", "CreateAccessEntry"))
	t.in(KindEKS, "EksManageNodegroupsAndAddons").
		each("eks", nodegroup, "workspace: the system node group",
			ops("DescribeNodegroup", "UpdateNodegroupConfig", "UpdateNodegroupVersion", "DeleteNodegroup",
				"DescribeUpdate", "TagResource", "UntagResource")).
		each("eks", addon, "workspace: vpc-cni, kube-proxy, coredns",
			ops("DescribeAddon", "UpdateAddon", "DeleteAddon", "DescribeUpdate", "TagResource", "UntagResource"))
	// Pod Identity (workload_identity = "pod_identity"): one association per workload role.
	t.in(KindEKS, "EksManageClusters").
		add("", "eks:CreatePodIdentityAssociation", cluster, "workspace with Pod Identity: each workload role's association", t.creating()).
		add("", "eks:ListPodIdentityAssociations", cluster, "workspace with Pod Identity: find the associations (create, read, destroy)")
	t.in(KindEKS, "EksManageNodegroupsAndAddons").
		add("eks:CreatePodIdentityAssociation", "eks:TagResource", podIdentity, "workspace with Pod Identity: tags in the create call", t.creating()).
		each("eks", podIdentity, "workspace with Pod Identity: read (drift), repair, tags, destroy",
			ops("DescribePodIdentityAssociation", "UpdatePodIdentityAssociation", "DeletePodIdentityAssociation", "TagResource", "UntagResource"))
	t.in(KindEKS, "EksManageAccessEntries").
		each("eks", accessEntry, "workspace: cluster access for the connection role",
			ops("DeleteAccessEntry", "AssociateAccessPolicy", "DisassociateAccessPolicy",
				"ListAssociatedAccessPolicies", "TagResource")).
		add("", "eks:DescribeAccessEntry", t.arn("eks", "access-entry/"+t.cluster+"/role/"+t.n.account+"/"+t.cluster+"-karpenter-node/8ec5d6a2-1b3c-4d5e-8f90-0a1b2c3d4e5f"),
			"workspace with Karpenter: read (drift) of the node role's EC2_LINUX entry")
	t.in(KindEKS, "ReadsHaveNoResourceScope").
		add("", "eks:DescribeAddonVersions", "*", "workspace: resolve the default add-on versions")
	t.in(KindEKS, "SsmManageParameters").
		each("ssm", parameter, "workspace: Konnectivity TLS material",
			ops("PutParameter", "GetParameter", "GetParameters", "DeleteParameter", "AddTagsToResource"))
	t.in(KindEKS, "AcmImportTaggedCertificates").
		add("", "acm:ImportCertificate", certificate, "workspace create: the session NLB's certificate", t.creating()).
		add("acm:ImportCertificate", "acm:AddTagsToCertificate", certificate, "workspace create: tags in ImportCertificate", t.creating())
	t.in(KindEKS, "ReadsHaveNoResourceScope").
		add("", "acm:ListCertificates", "*", "workspace destroy: is the session certificate still there")
	t.in(KindEKS, "AcmImportTaggedCertificates").
		add("", "acm:AddTagsToCertificate", certificate, "workspace update: tags or default_tags changed", t.tagged(), t.creating())
	t.in(KindEKS, "AcmReadCertificates").
		add("", "acm:DescribeCertificate", certificate, "workspace read", t.tagged())
	t.in(KindEKS, "GlueManageDatabases")
	for _, r := range []string{t.arn("glue", "catalog"), t.arn("glue", "database/"+database)} {
		t.each("glue", r, "workspace: the Glue database", ops("CreateDatabase", "GetDatabase", "DeleteDatabase"))
	}
	t.in(KindEKS, "GlueTagDatabases").
		add("", "glue:TagResource", t.arn("glue", "database/"+database), "workspace create: tags")
	t.in(KindEKS, "GlueManageDatabases").
		add("glue:DeleteDatabase", "glue:DeleteDatabase", t.arn("glue", "table/"+database+"/events"), "workspace destroy: the database's tables").
		add("glue:DeleteDatabase", "glue:DeleteDatabase", t.arn("glue", "userDefinedFunction/"+database+"/parse_event"), "workspace destroy: the database's functions")

	t.in(KindIAMAndCloudwatch, "IamCreateBoundedRoles").
		add("", "iam:CreateRole", t.workloadRole, "workspace create: cluster, node and IRSA roles", workloadBoundary, t.creating())
	t.in(KindIAMAndCloudwatch, "IamChangeBoundedRoles").
		each("iam", t.workloadRole, "workspace: inline policies of its roles",
			ops("PutRolePolicy", "DeleteRolePolicy", "DetachRolePolicy"), workloadBoundary)
	t.in(KindIAMAndCloudwatch, "IamAttachAllowListedPolicies").
		add("", "iam:AttachRolePolicy", t.workloadRole, "workspace create: AmazonEKSWorkerNodePolicy on the node role",
			workloadBoundary, kv{"iam:PolicyARN": {t.n.awsManagedPolicyARN("AmazonEKSWorkerNodePolicy")}})
	t.in(KindIAMAndCloudwatch, "IamChangeBoundedRoles").
		add("", "iam:PutRolePermissionsBoundary", t.workloadRole, "workspace update: a workload role stripped of WorkloadBoundary", workloadBoundary)
	t.in(KindIAMAndCloudwatch, "IamReadTagAndDeleteWorkloadRoles").
		each("iam", t.workloadRole, "workspace read (drift), tags, destroy",
			ops("GetRole", "GetRolePolicy", "ListRolePolicies", "ListAttachedRolePolicies", "TagRole", "UntagRole", "DeleteRole"))
	t.in(KindIAMAndCloudwatch, "IamPassClusterRolesToEks").
		add("eks:CreateCluster", "iam:PassRole", t.n.iam("role/"+t.cluster+"-cluster"), "workspace create: the cluster role",
			kv{"iam:PassedToService": {"eks.amazonaws.com"}})
	t.in(KindIAMAndCloudwatch, "IamPassNodeRolesToEksAndEc2").
		add("eks:CreateNodegroup", "iam:PassRole", t.workloadRole, "workspace create: the node role",
			kv{"iam:PassedToService": {"eks.amazonaws.com"}}).
		add("iam:AddRoleToInstanceProfile", "iam:PassRole", t.n.iam("role/"+t.cluster+"-karpenter-node"),
			"workspace with Karpenter: the node role into its instance profile", kv{"iam:PassedToService": {t.n.servicePrincipal("ec2")}})
	t.in(KindIAMAndCloudwatch, "IamPassWorkloadRolesToPodIdentity")
	for _, op := range []string{"eks:CreatePodIdentityAssociation", "eks:UpdatePodIdentityAssociation"} {
		t.add(op, "iam:PassRole", t.n.iam("role/"+t.cluster+"-storage"), "workspace with Pod Identity: the association's workload role",
			kv{"iam:PassedToService": {"pods.eks.amazonaws.com"}, "iam:AssociatedResourceArn": {podIdentity}})
	}
	t.in(KindIAMAndCloudwatch, "IamCreateEksServiceLinkedRoles").
		add("", "iam:CreateServiceLinkedRole", t.n.iam("role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS"),
			"workspace create in a fresh account", kv{"iam:AWSServiceName": {"eks.amazonaws.com"}}).
		add("", "iam:CreateServiceLinkedRole", t.n.iam("role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup"),
			"workspace create in a fresh account", kv{"iam:AWSServiceName": {"eks-nodegroup.amazonaws.com"}})
	t.in(KindIAMAndCloudwatch, "IamCreateTaggedEksOidcProviders").
		add("", "iam:CreateOpenIDConnectProvider", oidc, "workspace create: IRSA", t.creating()).
		add("iam:CreateOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", oidc, "workspace create: tags in the create call", t.creating())
	t.in(KindIAMAndCloudwatch, "IamCreateTaggedEksOidcProviders").
		add("", "iam:TagOpenIDConnectProvider", oidc, "workspace update: tags changed", t.creating(), t.tagged())
	t.in(KindIAMAndCloudwatch, "ReadsHaveNoResourceScope").
		add("", "iam:ListOpenIDConnectProviders", "*", "workspace destroy: is the cluster's provider still there")
	t.in(KindIAMAndCloudwatch, "IamReadOwnOidcProviders").
		add("", "iam:GetOpenIDConnectProvider", oidc, "workspace read", t.tagged())
	t.in(KindIAMAndCloudwatch, "LogsCreateTaggedLogGroups").
		add("", "logs:CreateLogGroup", logGroup, "workspace create: the control-plane log group", t.creating()).
		add("", "logs:CreateLogGroup", logGroup+":*", "workspace create (ARN form with :*)", t.creating())
	t.in(KindIAMAndCloudwatch, "LogsManageLogGroups").
		each("logs", logGroup, "workspace: retention, encryption, tags, destroy",
			ops("PutRetentionPolicy", "AssociateKmsKey", "TagResource", "UntagResource", "ListTagsForResource", "DeleteLogGroup")).
		add("", "logs:PutRetentionPolicy", logGroup+":*", "workspace (ARN form with :*)")
	t.in(KindIAMAndCloudwatch, "ReadsHaveNoResourceScope").
		add("", "logs:DescribeLogGroups", "*", "workspace read: find the log group")
}

// sessionLoadBalancerCalls: the workspace's session NLB, its target group and TLS listener
// (its security group is made by the EC2 calls above).
func (t *callTable) sessionLoadBalancerCalls() {
	lb := t.arn("elasticloadbalancing", "loadbalancer/net/"+t.cluster+"/50dc6c495c0c9188")
	tg := t.arn("elasticloadbalancing", "targetgroup/"+t.cluster+"/73e2d6bc24d8a067")
	listener := t.arn("elasticloadbalancing", "listener/net/"+t.cluster+"/50dc6c495c0c9188/f2f7dc8efc522ab2")
	sg, subnet := t.ec2("security-group/sg-0a1b2c3d4e5f60718"), "subnet-0a1b2c3d4e5f60718"
	tls := kv{"elasticloadbalancing:ListenerProtocol": {"TLS"}, "elasticloadbalancing:SecurityPolicy": {"ELBSecurityPolicy-TLS13-1-2-2021-06"}}
	t.in(KindNetworkCompute, "ElbCreateTaggedNlbsAndTargetGroups").
		add("", "elasticloadbalancing:CreateLoadBalancer", lb, "workspace create: the session load balancer", t.creating(),
			kv{"elasticloadbalancing:Scheme": {"internal"}, "elasticloadbalancing:Subnet": {subnet}, "elasticloadbalancing:SecurityGroup": {sg}}).
		add("", "elasticloadbalancing:CreateTargetGroup", tg, "workspace create: the session proxy's target group", t.creating())
	t.in(KindNetworkCompute, "ElbManageConnectionNlbs").
		add("", "elasticloadbalancing:CreateListener", lb, "workspace create: the TLS listener", t.tagged(), t.creating(), tls).
		add("", "elasticloadbalancing:ModifyListener", listener, "workspace update: certificate, policy or target group repaired", t.tagged(), tls).
		add("", "elasticloadbalancing:SetSecurityGroups", lb, "workspace update: the load balancer's security group restored", t.tagged(),
			kv{"elasticloadbalancing:SecurityGroup": {sg}}).
		each("elasticloadbalancing", listener, "workspace destroy", ops("DeleteListener"), t.tagged()).
		each("elasticloadbalancing", lb, "workspace destroy", ops("DeleteLoadBalancer"), t.tagged()).
		each("elasticloadbalancing", tg, "workspace destroy", ops("DeleteTargetGroup"), t.tagged())
	t.in(KindNetworkReadAndTag, "ElbDescribeHasNoResourceScope").
		each("elasticloadbalancing", "*", "workspace read: the load balancer by name, its listeners, its target group by name, their tags",
			ops("DescribeLoadBalancers", "DescribeListeners", "DescribeTargetGroups", "DescribeTags"))
	t.in(KindNetworkReadAndTag, "ElbTagOnlyWhileCreating")
	for _, c := range []struct{ op, resource string }{{"CreateLoadBalancer", lb}, {"CreateTargetGroup", tg}, {"CreateListener", listener}} {
		t.add("elasticloadbalancing:"+c.op, "elasticloadbalancing:AddTags", c.resource, "tags in the create call",
			t.creating(), kv{"elasticloadbalancing:CreateAction": {c.op}})
	}
	t.in(KindNetworkReadAndTag, "ElbRetagConnectionResources")
	for _, r := range []string{lb, tg, listener} {
		t.add("", "elasticloadbalancing:AddTags", r, "workspace update: tags or default_tags changed", t.tagged(),
			kv{"aws:RequestTag/team": {"data"}, "aws:TagKeys": {"team"}})
		t.add("", "elasticloadbalancing:RemoveTags", r, "workspace update: a tag removed from tags or default_tags", t.tagged(), t.tagging("team"))
	}
}

func (t *callTable) identityCalls() {
	stack := t.arn("cloudformation", "stack/"+t.n.stackName+"/51af3dc0-da77-11e4-872e-1234567db123")
	t.in(KindCloudFormationAndObservabilityAndIdentity, "ReadsHaveNoResourceScope").
		add("", "sts:GetCallerIdentity", "*", "connection verify")
	t.in(KindCloudFormationAndObservabilityAndIdentity, "ReadsHaveNoResourceScope").
		add("", "servicequotas:GetServiceQuota", "*", "preflight: VPC, EIP, NAT and EKS quotas").
		add("", "servicequotas:GetAWSDefaultServiceQuota", "*", "preflight: quota not yet applied in the account").
		add("", "pricing:GetProducts", "*", "cost estimate of a network or workspace")
	t.in(KindCloudFormationAndObservabilityAndIdentity, "CfnReadOwnStack").
		each("cloudformation", stack, "connection verify (template path): stack status and drift",
			ops("DescribeStacks", "DescribeStackEvents", "DescribeStackResources", "DetectStackDrift",
				"DescribeStackResourceDrifts"))
	t.in(KindCloudFormationAndObservabilityAndIdentity, "ReadsHaveNoResourceScope").
		add("", "cloudformation:DescribeStackDriftDetectionStatus", "*", "connection verify (template path): drift detection result")
	t.in(KindCloudFormationAndObservabilityAndIdentity, "IamReadOwnRolesAndPolicies").
		each("iam", t.n.roleARN(), "connection verify: the role, its policies and boundary",
			ops("GetRole", "ListAttachedRolePolicies", "ListRolePolicies")).
		add("", "iam:GetRole", t.n.roleARN(), "network: the tenant from the role's own LakeSail-Tenant tag").
		add("", "iam:GetRolePolicy", t.n.callbackRoleARN(), "connection verify: the callback role").
		each("iam", t.n.policyARN(KindExplicitDeny), "connection verify: the deny's default version",
			ops("GetPolicy", "GetPolicyVersion"))
	t.in(KindCloudFormationAndObservabilityAndIdentity, "LambdaReadCallbackFunction").
		add("", "lambda:GetFunction", t.arn("lambda", "function:"+t.n.callbackFunction()), "connection verify (template path)")
	// Made by LakeSail's control plane through the role, not by this library.
	t.in(KindCloudFormationAndObservabilityAndIdentity, "PutOwnMetricsHasNoResourceScope").
		add("", "cloudwatch:PutMetricData", "*", "LakeSail control plane: emit the clusters' metrics",
			kv{"cloudwatch:namespace": {t.n.metricNamespace()}})
	t.in(KindCloudFormationAndObservabilityAndIdentity, "ReadsHaveNoResourceScope").
		each("cloudwatch", "*", "LakeSail control plane: read the clusters' metrics",
			ops("GetMetricData", "GetMetricStatistics", "ListMetrics"))
}

func (t *callTable) workloadCalls() []Call {
	t.calls = nil
	object := t.bucket + "/warehouse/events/part-00000.parquet"
	cluster := t.arn("eks", "cluster/"+t.cluster)
	eni := t.ec2("network-interface/eni-0a1b2c3d4e5f60718")
	instance := t.ec2("instance/i-0a1b2c3d4e5f60718")
	sg := t.ec2("security-group/sg-0a1b2c3d4e5f60718")
	subnet := t.ec2("subnet/subnet-0a1b2c3d4e5f60718")
	lt := t.ec2("launch-template/lt-0a1b2c3d4e5f60718")
	fleet := t.ec2("fleet/fleet-0a1b2c3d-4e5f-6071-8a9b-0c1d2e3f4a5b")
	// What Karpenter's launches carry: the node class's tags, which include the connection's.
	creating := t.creating()
	database := "lakesail_" + t.n.idLower + "_ws00000001"
	onCluster := kv{"aws:ResourceTag/" + eniClusterTag: {t.cluster}}
	wb := KindWorkloadBoundary

	t.in(wb, "S3DataPlaneOnOwnBuckets").
		each("s3", object, "pods: read and write workspace data",
			ops("GetObject", "PutObject", "DeleteObject", "AbortMultipartUpload", "ListMultipartUploadParts"), t.ownAccount()).
		each("s3", t.bucket, "pods: list workspace data", ops("ListBucket", "ListBucketMultipartUploads", "GetBucketLocation"), t.ownAccount())
	t.in(wb, "KmsOnlyThroughS3ForOwnBuckets")
	for _, a := range []string{"kms:Decrypt", "kms:GenerateDataKey"} {
		t.add("s3:GetObject", a, t.keyARN, "pods: SSE-KMS on the workspace bucket",
			kv{"kms:ViaService": {"s3." + t.region + "." + t.n.dnsSuffix}, "kms:EncryptionContext:aws:s3:arn": {t.bucket}})
	}
	t.in(wb, "EcrPullImagesFromOtherAccounts").
		each("ecr", t.n.arn("ecr", t.region, "602401143452", "repository/amazon-k8s-cni"), "nodes: pull add-on images",
			ops("BatchGetImage", "GetDownloadUrlForLayer", "BatchCheckLayerAvailability"),
			kv{"aws:ResourceAccount": {"602401143452"}})
	t.in(wb, "ReadsHaveNoResourceScope").
		add("", "ecr:GetAuthorizationToken", "*", "nodes: registry login")
	t.in(wb, "LogsUnderOwnPrefix").
		each("logs", t.arn("logs", "log-group:/lakesail/"+t.n.id+"/ws00000001/sessions:log-stream:driver"), "pods: session logs",
			ops("CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogStreams"))
	t.in(wb, "GlueOnOwnDatabases").
		add("", "glue:GetDatabase", t.arn("glue", "catalog"), "pods: the catalog").
		add("", "glue:GetTable", t.arn("glue", "database/"+database), "pods: the workspace database").
		add("", "glue:GetUserDefinedFunction", t.arn("glue", "userDefinedFunction/"+database+"/parse_event"), "pods: functions")
	for _, action := range glueDataPlaneCalls() {
		t.add("", action, t.arn("glue", "table/"+database+"/events"), "pods: Spark's Hive-compatible catalog")
	}
	t.in(wb, "ReadsHaveNoResourceScope").
		each("ec2", "*", "control plane, kubelet, VPC CNI and Karpenter reads",
			ops("DescribeInstances", "DescribeInstanceTypes", "DescribeInstanceTopology", "DescribeAvailabilityZones",
				"DescribeNetworkInterfaces", "DescribeSubnets", "DescribeSecurityGroups", "DescribeVpcs",
				"DescribeRouteTables", "DescribeDhcpOptions", "DescribeTags", "DescribeImages")).
		each("ec2", "*", "Karpenter: templates, instance type offerings, prices, capacity reservations",
			ops("DescribeLaunchTemplates", "DescribeInstanceTypeOfferings", "DescribeSpotPriceHistory", "DescribeCapacityReservations")).
		add("", "pricing:GetProducts", "*", "Karpenter: on-demand prices")
	t.in(wb, "NodesReadOwnClusters").
		add("", "eks:DescribeCluster", cluster, "nodes and Karpenter: the cluster's endpoint").
		add("", "eks-auth:AssumeRoleForPodIdentity", cluster, "EKS Pod Identity agent (node role): credentials of the pods' workload roles", t.tagged())
	t.in(wb, "CniCreatesInterfacesForOwnClusters").
		add("", "ec2:CreateNetworkInterface", eni, "VPC CNI: a pod interface",
			kv{"aws:RequestTag/" + eniClusterTag: {t.cluster}, "aws:RequestTag/eks:eni:owner": {"amazon-vpc-cni"}})
	adopted := kv{"aws:ResourceTag/" + TagAdoptableBy: {t.n.id}}
	t.in(wb, "UseAdoptedSubnets").
		add("", "ec2:CreateNetworkInterface", subnet, "VPC CNI: the node's subnet in a bring-your-own network", adopted).
		add("ec2:CreateFleet", "ec2:RunInstances", subnet, "Karpenter: a launch into a bring-your-own subnet", adopted).
		add("", "ec2:CreateFleet", subnet, "Karpenter: a fleet into a bring-your-own subnet", adopted)
	t.in(wb, "CniUsesOwnClusterSecurityGroups").
		each("ec2", sg, "VPC CNI: the EKS cluster security group", ops("CreateNetworkInterface", "ModifyNetworkInterfaceAttribute"),
			kv{"aws:ResourceTag/aws:eks:cluster-name": {t.cluster}})
	t.in(wb, "TagOnlyWhileCreating").
		add("ec2:CreateNetworkInterface", "ec2:CreateTags", eni, "VPC CNI: tags in the create call",
			kv{"ec2:CreateAction": {"CreateNetworkInterface"}}).
		add("ec2:CreateLaunchTemplate", "ec2:CreateTags", lt, "Karpenter: a node class's launch template, tagged while created",
			kv{"ec2:CreateAction": {"CreateLaunchTemplate"}}, creating).
		add("ec2:CreateFleet", "ec2:CreateTags", fleet, "Karpenter: a fleet and its nodes, tagged while created",
			kv{"ec2:CreateAction": {"CreateFleet"}}, creating).
		add("ec2:RunInstances", "ec2:CreateTags", instance, "Karpenter: the instances a fleet launches, tagged while created",
			kv{"ec2:CreateAction": {"RunInstances"}}, creating)
	t.in(wb, "CniManagesOwnClusterInterfaces").
		each("ec2", eni, "VPC CNI: pod interfaces; the cluster role deletes leaked ones",
			ops("AttachNetworkInterface", "DetachNetworkInterface", "DeleteNetworkInterface",
				"AssignPrivateIpAddresses", "UnassignPrivateIpAddresses", "ModifyNetworkInterfaceAttribute", "CreateTags"), onCluster)
	t.in(wb, "UseConnectionTagged").
		each("ec2", t.ec2("network-interface/eni-0f1e2d3c4b5a69788"), "VPC CNI: the node's primary interface",
			ops("AssignPrivateIpAddresses", "UnassignPrivateIpAddresses", "ModifyNetworkInterfaceAttribute"), t.tagged()).
		each("ec2", instance, "VPC CNI: the node instance",
			ops("AttachNetworkInterface", "DetachNetworkInterface"), t.tagged()).
		add("", "ec2:CreateNetworkInterface", sg, "VPC CNI: the nodes' security group", t.tagged()).
		add("", "ec2:CreateNetworkInterface", t.ec2("subnet/subnet-0f1e2d3c4b5a69788"), "VPC CNI: the node's subnet", t.tagged())
	for _, r := range []string{lt, t.ec2("subnet/subnet-0f1e2d3c4b5a69788")} {
		t.add("ec2:CreateFleet", "ec2:CreateFleet", r, "Karpenter: a fleet from the workspace's template into its network", t.tagged(), creating)
	}
	for _, r := range []string{lt, t.ec2("subnet/subnet-0f1e2d3c4b5a69788"), sg} {
		t.add("ec2:CreateFleet", "ec2:RunInstances", r, "Karpenter: each launch from the workspace's template into its network", t.tagged(), creating)
	}
	t.add("", "ec2:TerminateInstances", instance, "Karpenter: a node it no longer needs", t.tagged(),
		kv{"aws:ResourceTag/" + karpenterNodePoolTag: {"default"}}).
		add("", "ec2:DeleteLaunchTemplate", lt, "Karpenter: a node class's template it replaced", t.tagged()).
		add("", "ec2:CreateTags", instance, "Karpenter: names its node after the launch", t.tagged(),
			kv{"aws:TagKeys": {"Name", "karpenter.sh/nodeclaim", "eks:eks-cluster-name"}})
	t.in(wb, "UseConnectionTagged").
		each("kms", t.keyARN, "EKS control plane: secrets envelope encryption",
			ops("Encrypt", "Decrypt", "DescribeKey"), t.tagged())
	t.in(wb, "LaunchesMakeTaggedNodes")
	for _, r := range []string{fleet, instance, t.ec2("volume/vol-0a1b2c3d4e5f60718")} {
		t.add("ec2:CreateFleet", "ec2:CreateFleet", r, "Karpenter: what a fleet makes, with the connection's tags", creating)
	}
	for _, r := range []string{instance, t.ec2("volume/vol-0a1b2c3d4e5f60718"), eni} {
		t.add("ec2:CreateFleet", "ec2:RunInstances", r, "Karpenter: each launch of the fleet, with the connection's tags", creating)
	}
	t.in(wb, "CreateTaggedTemplates").
		add("", "ec2:CreateLaunchTemplate", lt, "Karpenter: a node class's launch template", creating)
	t.in(wb, "UsePublicImages").
		add("ec2:CreateFleet", "ec2:CreateFleet", t.n.arn("ec2", t.region, "", "image/ami-0a1b2c3d4e5f60718"), "Karpenter: the EKS AMI").
		add("ec2:CreateFleet", "ec2:RunInstances", t.n.arn("ec2", t.region, "", "image/ami-0a1b2c3d4e5f60718"), "Karpenter: the EKS AMI").
		add("ec2:CreateFleet", "ec2:RunInstances", t.n.arn("ec2", t.region, "", "snapshot/snap-0a1b2c3d4e5f60718"), "Karpenter: the AMI's root snapshot").
		add("", "ssm:GetParameter", t.n.arn("ssm", t.region, "", "parameter/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/image_id"),
			"Karpenter: the EKS AMI of an alias")
	t.in(wb, "PassNodeRolesToEc2").
		add("ec2:CreateFleet", "iam:PassRole", t.n.iam("role/"+t.cluster+"-karpenter-node"), "Karpenter: the node role in the instance profile of each launch",
			kv{"iam:PassedToService": {t.n.servicePrincipal("ec2")}})
	return t.calls
}

// String renders a call for test failures.
func (c Call) String() string {
	var ctx []string
	for k, v := range c.Context {
		ctx = append(ctx, k+"="+strings.Join(v, ","))
	}
	slices.Sort(ctx)
	return fmt.Sprintf("%s [%s on %s] %s/%s (%s) %v", c.Operation, c.Action, c.Resource, c.Policy, c.Sid, c.Purpose, ctx)
}
