package connpolicy

import "strings"

// Tag keys every object of a connection carries.
const (
	TagService    = "Service"
	TagConnection = "LakeSail-Connection"
	TagTenant     = "LakeSail-Tenant"
	// TagNetwork marks the bring-your-own VPC and subnets a network adopts. It confers no
	// permission: only TagConnection does, and the role cannot add it to what it did not create.
	TagNetwork = "LakeSail-Network"
	// TagAdoptableBy=<ID> is put on a bring-your-own VPC and its subnets by the account itself
	// (the provider's own credentials, or the customer by hand): only then may the connection
	// role mark them and launch into them. The role can never add or remove it.
	TagAdoptableBy = "LakeSail-Adoptable-By"

	// ServiceTagValue is the value of the Service tag.
	ServiceTagValue = "LakeSail"
)

// Tags are the tags every object of the connection carries.
func Tags(spec Spec) map[string]string {
	return map[string]string{
		TagService:    ServiceTagValue,
		TagConnection: spec.ConnectionID,
		TagTenant:     spec.TenantID,
	}
}

// CallbackRoleNameFor is the callback role's name for a connection id.
func CallbackRoleNameFor(connectionID string) string {
	return "lakesail-" + connectionID + "-CallbackRole"
}

// Naming helpers. They apply the defaults (see Normalized) but do not validate.

// ConnectionRoleName is the connection role's name.
func (s Spec) ConnectionRoleName() string { return s.withDefaults().RoleName }

// ConnectionRoleARN is the connection role's ARN, including its path.
func (s Spec) ConnectionRoleARN() string { return namesFor(s).roleARN() }

// LowerID is the connection id in lower case, used where AWS names must be lower case (S3).
func (s Spec) LowerID() string { return strings.ToLower(s.ConnectionID) }

// PolicyName is the IAM name of a managed policy: lakesail-<ID>-<kind>.
func (s Spec) PolicyName(kind PolicyKind) string { return namesFor(s).policyName(kind) }

// PolicyARN is the ARN of a managed policy (path "/").
func (s Spec) PolicyARN(kind PolicyKind) string { return namesFor(s).policyARN(kind) }

// CallbackRoleName is lakesail-<ID>-CallbackRole.
func (s Spec) CallbackRoleName() string { return CallbackRoleNameFor(s.ConnectionID) }

// CallbackRoleARN is the callback role's ARN (path "/").
func (s Spec) CallbackRoleARN() string { return namesFor(s).callbackRoleARN() }

// CallbackPolicyName is the name of the callback role's inline policy.
func (s Spec) CallbackPolicyName() string { return "lakesail-" + s.ConnectionID + "-CallbackPolicy" }

// CallbackFunctionName is the lifecycle-notification Lambda's name.
func (s Spec) CallbackFunctionName() string { return namesFor(s).callbackFunction() }

// StackName is the CloudFormation stack name the one-click link uses, lakesail-<ID>.
func (s Spec) StackName() string { return "lakesail-" + s.ConnectionID }

// NamePrefix is the prefix of every IAM role, EKS cluster, log group and KMS alias the
// connection creates: lakesail-<ID>-.
func (s Spec) NamePrefix() string { return "lakesail-" + s.ConnectionID + "-" }

// BucketPrefix is the prefix of the connection's S3 buckets: lakesail-<id-lower>- (S3 names
// are lower case).
func (s Spec) BucketPrefix() string { return "lakesail-" + s.LowerID() + "-" }

// GlueDatabasePrefix is the prefix of the connection's Glue databases: lakesail_<id-lower>_
// (Glue stores names in lower case, and Hive-compatible engines reject hyphens).
func (s Spec) GlueDatabasePrefix() string { return "lakesail_" + s.LowerID() + "_" }

// SSMParameterPath is the path under which the connection keeps SSM parameters:
// /lakesail/<ID>/.
func (s Spec) SSMParameterPath() string { return "/lakesail/" + s.ConnectionID + "/" }

// ClusterLogGroupName is the control-plane log group EKS writes for a cluster name.
func ClusterLogGroupName(clusterName string) string { return "/aws/eks/" + clusterName + "/cluster" }

// WorkloadLogGroupPrefix is the prefix of log groups the connection's pods may write:
// /lakesail/<ID>/.
func (s Spec) WorkloadLogGroupPrefix() string { return "/lakesail/" + s.ConnectionID + "/" }

// KMSAliasPrefix is the prefix of the connection's KMS aliases: alias/lakesail-<ID>-.
func (s Spec) KMSAliasPrefix() string { return "alias/lakesail-" + s.ConnectionID + "-" }

// AllowedAWSManagedPolicies are the only AWS-managed policies the connection role may attach,
// and only to roles that carry WorkloadBoundary.
func AllowedAWSManagedPolicies() []string {
	return []string{
		"AmazonEKSClusterPolicy",             // the cluster role
		"AmazonEKSWorkerNodePolicy",          // the node role
		"AmazonEKS_CNI_Policy",               // the node role (VPC CNI)
		"AmazonEC2ContainerRegistryReadOnly", // the node role (image pulls)
		"AmazonEC2ContainerRegistryPullOnly", // the narrower successor AWS now recommends for nodes
	}
}

// names holds every string the documents are built from. Build fills it from a validated Spec;
// the CloudFormation template fills it with ${...} references that Fn::Sub resolves.
type names struct {
	partition string // aws, aws-cn, aws-us-gov
	account   string
	dnsSuffix string // amazonaws.com or amazonaws.com.cn
	id        string
	idLower   string
	roleName  string
	rolePath  string
	principal string
	external  string
	// provisioners are trusted in their own statement; sorted and without duplicates.
	provisioners []string
	stackName    string
}

func namesFor(s Spec) names {
	s = s.withDefaults()
	suffix := "amazonaws.com"
	if s.Partition == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return names{
		partition:    s.Partition,
		account:      s.AccountID,
		dnsSuffix:    suffix,
		id:           s.ConnectionID,
		idLower:      strings.ToLower(s.ConnectionID),
		roleName:     s.RoleName,
		rolePath:     s.RolePath,
		principal:    s.LakeSailPrincipal,
		external:     s.ExternalID,
		provisioners: s.ProvisionerPrincipals,
		stackName:    s.StackName(),
	}
}

// arn builds arn:<partition>:<service>:<region>:<account>:<resource>.
func (n names) arn(service, region, account, resource string) string {
	return "arn:" + n.partition + ":" + service + ":" + region + ":" + account + ":" + resource
}

// own builds an ARN in the connection's account, any region.
func (n names) own(service, resource string) string { return n.arn(service, "*", n.account, resource) }

func (n names) iam(resource string) string { return n.arn("iam", "", n.account, resource) }

func (n names) prefix() string { return "lakesail-" + n.id + "-" }

func (n names) policyName(kind PolicyKind) string { return n.prefix() + string(kind) }

func (n names) policyARN(kind PolicyKind) string { return n.iam("policy/" + n.policyName(kind)) }

func (n names) allPoliciesARN() string { return n.iam("policy/" + n.prefix() + "*") }

func (n names) roleARN() string { return n.iam("role" + n.rolePath + n.roleName) }

func (n names) callbackRoleARN() string { return n.iam("role/" + CallbackRoleNameFor(n.id)) }

func (n names) callbackFunction() string { return n.prefix() + "Callback" }

// workloadRolesARN matches the roles the connection creates: path "/", lakesail-<ID>-*.
func (n names) workloadRolesARN() string { return n.iam("role/" + n.prefix() + "*") }

func (n names) awsManagedPolicyARN(name string) string {
	return n.arn("iam", "", "aws", "policy/"+name)
}

// ec2 is an EC2 resource ARN pattern in the account, e.g. ec2("vpc") = arn:...:vpc/*.
func (n names) ec2(resourceType string) string { return n.own("ec2", resourceType+"/*") }

func (n names) ec2All(resourceTypes ...string) []string {
	out := make([]string, len(resourceTypes))
	for i, t := range resourceTypes {
		out[i] = n.ec2(t)
	}
	return out
}

// bucketARN matches the connection's buckets; with "/*" appended, their objects.
func (n names) bucketARN() string { return "arn:" + n.partition + ":s3:::lakesail-" + n.idLower + "-*" }

func (n names) clusterARN() string { return n.own("eks", "cluster/"+n.prefix()+"*") }

func (n names) servicePrincipal(service string) string { return service + "." + n.dnsSuffix }

// viaService is a kms:ViaService pattern for a service in any region of the partition.
func (n names) viaService(service string) string { return service + ".*." + n.dnsSuffix }
