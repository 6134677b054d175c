package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// policyCloudFormationAndObservabilityAndIdentity: who-am-I, preflight reads (quotas and prices)
// and read-only inspection of the connection itself: its CloudFormation stack (when the
// connection was made with the template), its roles, its policies and the callback Lambda.
// Nothing here writes.
func policyCloudFormationAndObservabilityAndIdentity(n names) iampolicy.Document {
	return document(
		// GetCallerIdentity needs no permission (AWS answers it even under a deny); it is listed
		// so the policy documents every call the connection makes.
		allow("StsGetCallerIdentityHasNoResourceScope",
			list("sts:GetCallerIdentity"),
			list("*")),
		// Service Quotas and Price List reads have no resource-level permissions.
		allow("PreflightQuotaAndPriceReadsHaveNoResourceScope",
			list("servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota", "pricing:GetProducts"),
			list("*")),
		allow("CloudFormationReadConnectionStack",
			withPrefix("cloudformation", "DescribeStacks", "DescribeStackEvents", "DescribeStackResources",
				"DetectStackDrift", "DescribeStackResourceDrifts"),
			list(n.own("cloudformation", "stack/"+n.stackName+"/*"))),
		// DescribeStackDriftDetectionStatus has no resource-level permission (the detection id
		// is its only input).
		allow("CloudFormationDriftStatusHasNoResourceScope",
			list("cloudformation:DescribeStackDriftDetectionStatus"),
			list("*")),
		// What drift detection and connection verification read.
		allow("IamReadConnectionRolesAndPolicies",
			withPrefix("iam", "GetRole", "ListAttachedRolePolicies", "ListRolePolicies", "GetRolePolicy",
				"GetPolicy", "GetPolicyVersion"),
			list(n.roleARN(), n.callbackRoleARN(), n.allPoliciesARN())),
		allow("LambdaReadCallbackFunction",
			list("lambda:GetFunction"),
			list(n.own("lambda", "function:"+n.callbackFunction()))),
	)
}
