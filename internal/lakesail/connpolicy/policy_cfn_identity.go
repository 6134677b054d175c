package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// MetricNamespace is the CloudWatch namespace LakeSail's control plane publishes the
// connection's cluster metrics to: LakeSail/<ID>, one per connection (workspaces and clusters
// are dimensions of its metrics, not namespaces of their own).
func (s Spec) MetricNamespace() string { return namesFor(s).metricNamespace() }

func (n names) metricNamespace() string { return "LakeSail/" + n.id }

// policyCloudFormationAndObservabilityAndIdentity: who-am-I, preflight reads (quotas and prices),
// read-only inspection of the connection itself (its CloudFormation stack when the connection
// was made with the template, its roles, its policies and the callback Lambda), and the
// clusters' metrics. The only write is metric datapoints, to the connection's own namespace.
func policyCloudFormationAndObservabilityAndIdentity(n names) iampolicy.Document {
	return document(
		// Reads AWS offers no resource-level permission for, in one statement:
		//   - GetCallerIdentity needs no permission (AWS answers it even under a deny); it is
		//     listed so the policy documents every call the connection makes;
		//   - Service Quotas and Price List reads (preflight);
		//   - DescribeStackDriftDetectionStatus (the detection id is its only input);
		//   - the CloudWatch metric reads, which have neither resource types nor a namespace
		//     condition key: IAM cannot keep them to the connection's namespace, so they reach
		//     every metric of the account (a residual the guide lists; metrics hold numbers and
		//     dimension values, no data).
		allow("ReadsHaveNoResourceScope",
			append(list("sts:GetCallerIdentity", "servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota",
				"pricing:GetProducts", "cloudformation:DescribeStackDriftDetectionStatus"),
				withPrefix("cloudwatch", "GetMetricData", "GetMetricStatistics", "ListMetrics")...),
			list("*")),
		allow("CfnReadOwnStack",
			withPrefix("cloudformation", "DescribeStacks", "DescribeStackEvents", "DescribeStackResources",
				"DetectStackDrift", "DescribeStackResourceDrifts"),
			list(n.own("cloudformation", "stack/"+n.stackName+"/*"))),
		// What drift detection and connection verification read.
		allow("IamReadOwnRolesAndPolicies",
			withPrefix("iam", "GetRole", "ListAttachedRolePolicies", "ListRolePolicies", "GetRolePolicy",
				"GetPolicy", "GetPolicyVersion"),
			list(n.roleARN(), n.callbackRoleARN(), n.allPoliciesARN())),
		allow("LambdaReadCallbackFunction",
			list("lambda:GetFunction"),
			list(n.own("lambda", "function:"+n.callbackFunction()))),
		// Cluster metrics, emitted and read by LakeSail's control plane. PutMetricData has no
		// resource type; cloudwatch:namespace (the request's Namespace) is what scopes it, and
		// StringEquals on LakeSail/<ID> admits that namespace alone: not another connection's,
		// not a customer's, not AWS/*. No wildcard: sub-namespaces are not needed (dimensions
		// tell workspaces apart) and "LakeSail/<ID>*" would also match longer lookalikes.
		allow("PutOwnMetricsHasNoResourceScope",
			list("cloudwatch:PutMetricData"),
			list("*"),
			cond("StringEquals", "cloudwatch:namespace", n.metricNamespace())),
	)
}
