package connpolicy

import (
	"testing"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// TestUnitGuardrailsActingAsRole checks, with the evaluator, what the connection role can and
// cannot do to IAM and outside its namespaces.
func TestUnitGuardrailsActingAsRole(t *testing.T) {
	b := mustBuild(t, testSpec())
	n := namesFor(b.Spec)
	workloadBoundary := b.WorkloadBoundary.ARN
	newRole := n.iam("role/lakesail-" + testConnection + "-x")
	tagged := map[string][]string{"aws:RequestTag/" + TagConnection: {testConnection}}
	with := func(extra map[string][]string) map[string][]string {
		out := map[string][]string{}
		for k, v := range tagged {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	cases := []struct {
		name        string
		action      string
		resource    string
		ctx         map[string][]string
		want        iampolicy.Decision
		wantDenySid string
	}{
		{"create lakesail-<ID>-x with WorkloadBoundary", "iam:CreateRole", newRole,
			with(map[string][]string{"iam:PermissionsBoundary": {workloadBoundary}}), iampolicy.Allowed, ""},
		{"create lakesail-<ID>-x without a boundary", "iam:CreateRole", newRole,
			tagged, iampolicy.ExplicitDeny, SidDenyRoleWithoutWorkloadBoundary},
		{"create lakesail-<ID>-x with RoleBoundary", "iam:CreateRole", newRole,
			with(map[string][]string{"iam:PermissionsBoundary": {b.RoleBoundary.ARN}}), iampolicy.ExplicitDeny, SidDenyRoleWithoutWorkloadBoundary},
		{"create lakesail-<ID>-x with AdministratorAccess as boundary", "iam:CreateRole", newRole,
			with(map[string][]string{"iam:PermissionsBoundary": {admin}}), iampolicy.ExplicitDeny, SidDenyRoleWithoutWorkloadBoundary},
		{"create a role under another name", "iam:CreateRole", n.iam("role/backdoor"),
			with(map[string][]string{"iam:PermissionsBoundary": {workloadBoundary}}), iampolicy.ImplicitDeny, ""},
		{"create a lakesail role of another connection", "iam:CreateRole", n.iam("role/lakesail-ZZ99ZZ99ZZ-x"),
			with(map[string][]string{"iam:PermissionsBoundary": {workloadBoundary}}), iampolicy.ImplicitDeny, ""},
		{"create lakesail-<ID>-x untagged", "iam:CreateRole", newRole,
			map[string][]string{"iam:PermissionsBoundary": {workloadBoundary}}, iampolicy.ImplicitDeny, ""},
		{"remove its own boundary", "iam:DeleteRolePermissionsBoundary", b.RoleARN,
			map[string][]string{"iam:PermissionsBoundary": {b.RoleBoundary.ARN}}, iampolicy.ExplicitDeny, SidDenyConnectionRoleBoundaryChange},
		{"swap its own boundary for WorkloadBoundary", "iam:PutRolePermissionsBoundary", b.RoleARN,
			map[string][]string{"iam:PermissionsBoundary": {workloadBoundary}}, iampolicy.ExplicitDeny, SidDenyConnectionRoleBoundaryChange},
		{"remove a workload role's boundary", "iam:DeleteRolePermissionsBoundary", newRole,
			map[string][]string{"iam:PermissionsBoundary": {workloadBoundary}}, iampolicy.ExplicitDeny, SidDenyOnAnyResource},
		{"give a workload role another boundary", "iam:PutRolePermissionsBoundary", newRole,
			map[string][]string{"iam:PermissionsBoundary": {admin}}, iampolicy.ExplicitDeny, SidDenyRoleWithoutWorkloadBoundary},
		{"new version of its own policy", "iam:CreatePolicyVersion", b.Policy(KindEKS).ARN, nil, iampolicy.ExplicitDeny, SidDenyConnectionPolicyEdits},
		{"new default version of the deny", "iam:SetDefaultPolicyVersion", b.ExplicitDeny.ARN, nil, iampolicy.ExplicitDeny, SidDenyConnectionPolicyEdits},
		{"delete RoleBoundary", "iam:DeletePolicy", b.RoleBoundary.ARN, nil, iampolicy.ExplicitDeny, SidDenyConnectionPolicyEdits},
		{"inline policy on itself", "iam:PutRolePolicy", b.RoleARN,
			map[string][]string{"iam:PermissionsBoundary": {b.RoleBoundary.ARN}}, iampolicy.ExplicitDeny, SidDenyProtectedRoleChanges},
		{"detach the deny from itself", "iam:DetachRolePolicy", b.RoleARN,
			map[string][]string{"iam:PolicyARN": {b.ExplicitDeny.ARN}}, iampolicy.ExplicitDeny, SidDenyProtectedRoleChanges},
		{"change its own trust", "iam:UpdateAssumeRolePolicy", b.RoleARN, nil, iampolicy.ExplicitDeny, SidDenyProtectedRoleChanges},
		{"change the callback role's trust", "iam:UpdateAssumeRolePolicy", b.CallbackRoleARN, nil, iampolicy.ExplicitDeny, SidDenyProtectedRoleChanges},
		{"inline policy on the callback role", "iam:PutRolePolicy", b.CallbackRoleARN, nil, iampolicy.ExplicitDeny, SidDenyProtectedRoleChanges},
		{"delete the callback role", "iam:DeleteRole", b.CallbackRoleARN, nil, iampolicy.ExplicitDeny, SidDenyProtectedRoleChanges},
		{"pass itself to EC2", "iam:PassRole", b.RoleARN,
			map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, iampolicy.ExplicitDeny, SidDenyProtectedRoleChanges},
		{"attach AdministratorAccess to a workload role", "iam:AttachRolePolicy", newRole,
			map[string][]string{"iam:PolicyARN": {admin}, "iam:PermissionsBoundary": {workloadBoundary}}, iampolicy.ExplicitDeny, SidDenyUnlistedManagedPolicies},
		{"attach AdministratorAccess to itself", "iam:AttachRolePolicy", b.RoleARN,
			map[string][]string{"iam:PolicyARN": {admin}, "iam:PermissionsBoundary": {b.RoleBoundary.ARN}}, iampolicy.ExplicitDeny, ""},
		{"attach its own PolicyIAMAndCloudwatch to a workload role", "iam:AttachRolePolicy", newRole,
			map[string][]string{"iam:PolicyARN": {b.Policy(KindIAMAndCloudwatch).ARN}, "iam:PermissionsBoundary": {workloadBoundary}}, iampolicy.ExplicitDeny, SidDenyUnlistedManagedPolicies},
		{"attach an allow-listed policy to a role without WorkloadBoundary", "iam:AttachRolePolicy", n.iam("role/lakesail-" + testConnection + "-legacy"),
			map[string][]string{"iam:PolicyARN": {"arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"}}, iampolicy.ImplicitDeny, ""},
		{"create an IAM user", "iam:CreateUser", n.iam("user/lakesail"), nil, iampolicy.ExplicitDeny, SidDenyOnAnyResource},
		{"create an access key", "iam:CreateAccessKey", n.iam("user/admin"), nil, iampolicy.ExplicitDeny, SidDenyOnAnyResource},
		{"create a login profile", "iam:CreateLoginProfile", n.iam("user/admin"), nil, iampolicy.ExplicitDeny, SidDenyOnAnyResource},
		{"key policy without the lockout check", "kms:PutKeyPolicy", "arn:aws:kms:us-east-1:111122223333:key/k",
			map[string][]string{"aws:ResourceTag/" + TagConnection: {testConnection}, "kms:BypassPolicyLockoutSafetyCheck": {"true"}}, iampolicy.ExplicitDeny, SidDenyKeyPolicyLockout},
		{"DynamoDB", "dynamodb:Scan", "arn:aws:dynamodb:us-east-1:111122223333:table/orders", nil, iampolicy.ImplicitDeny, ""},
		{"RDS", "rds:CreateDBInstance", "arn:aws:rds:us-east-1:111122223333:db:lakesail-" + testConnection + "-x", tagged, iampolicy.ImplicitDeny, ""},
		{"Organizations", "organizations:LeaveOrganization", "*", nil, iampolicy.ImplicitDeny, ""},
		{"SageMaker", "sagemaker:CreateNotebookInstance", "*", tagged, iampolicy.ImplicitDeny, ""},
		{"delete a customer VPC", "ec2:DeleteVpc", "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-customer", nil, iampolicy.ImplicitDeny, ""},
		{"claim a customer VPC with the connection tag", "ec2:CreateTags", "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-customer",
			map[string][]string{"aws:RequestTag/" + TagConnection: {testConnection}, "aws:TagKeys": {TagConnection}}, iampolicy.ImplicitDeny, ""},
		{"claim a customer subnet alongside marker tags", "ec2:CreateTags", "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-customer",
			map[string][]string{"aws:RequestTag/" + TagConnection: {testConnection}, "aws:TagKeys": {TagNetwork, TagConnection}}, iampolicy.ImplicitDeny, ""},
		{"read workspace data", "s3:GetObject", "arn:aws:s3:::lakesail-ab12cd34ef-net0000001-ws/warehouse/x", nil, iampolicy.ImplicitDeny, ""},
		{"touch a customer bucket", "s3:PutBucketPolicy", "arn:aws:s3:::customer-data", nil, iampolicy.ImplicitDeny, ""},
		{"legacy upper-case bucket pattern", "s3:PutBucketPolicy", "arn:aws:s3:::lakesail-" + testConnection + "-x", nil, iampolicy.ImplicitDeny, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := asRole(b, tc.action, tc.resource, tc.ctx)
			if got.Decision != tc.want {
				t.Fatalf("%s on %s: got %s (%s %q), want %s", tc.action, tc.resource, got.Decision, got.DeniedBy, got.Statement, tc.want)
			}
			if tc.wantDenySid != "" && got.Statement != tc.wantDenySid {
				t.Errorf("denied by %q, want %q", got.Statement, tc.wantDenySid)
			}
		})
	}
}

// TestUnitRoleBoundaryNamespaces: the boundary alone admits the listed namespaces and nothing
// else.
func TestUnitRoleBoundaryNamespaces(t *testing.T) {
	b := mustBuild(t, testSpec())
	for _, ns := range RoleBoundaryNamespaces() {
		req := iampolicy.Request{Action: ns + ":AnyOperation", Resource: "*"}
		if got := b.RoleBoundary.Document.Match(req); got.Decision != iampolicy.Allowed {
			t.Errorf("%s: %s", ns, got.Decision)
		}
	}
	for _, ns := range []string{"dynamodb", "rds", "organizations", "sagemaker", "sso", "identitystore", "secretsmanager", "route53", "ram", "account"} {
		req := iampolicy.Request{Action: ns + ":AnyOperation", Resource: "*"}
		if got := b.RoleBoundary.Document.Match(req); got.Decision == iampolicy.Allowed {
			t.Errorf("%s is inside RoleBoundary", ns)
		}
	}
}

// TestUnitTrustPolicy: the LakeSail principal and the provisioners get in only with the right
// external ID; nobody else does.
func TestUnitTrustPolicy(t *testing.T) {
	b := mustBuild(t, testSpec())
	lakesail := iampolicy.Caller{ARN: "arn:aws:sts::921150455437:assumed-role/control-plane/s", Account: "921150455437",
		RoleARN: "arn:aws:iam::921150455437:role/control-plane"}
	provisioner := iampolicy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/terraform-ci/s", Account: testAccount,
		RoleARN: "arn:aws:iam::111122223333:role/terraform-ci"}
	otherRole := iampolicy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/developer/s", Account: testAccount,
		RoleARN: "arn:aws:iam::111122223333:role/developer"}
	stranger := iampolicy.Caller{ARN: "arn:aws:sts::444455556666:assumed-role/x/s", Account: "444455556666",
		RoleARN: "arn:aws:iam::444455556666:role/x"}
	ext := func(id string) map[string][]string { return map[string][]string{"sts:ExternalId": {id}} }
	cases := []struct {
		name   string
		caller iampolicy.Caller
		action string
		ctx    map[string][]string
		want   iampolicy.Decision
	}{
		{"LakeSail with the external ID", lakesail, "sts:AssumeRole", ext(testExternalID), iampolicy.Allowed},
		{"LakeSail with a wrong external ID", lakesail, "sts:AssumeRole", ext("6f1c2e1a-0000-4c1e-9d3a-52b0c7e8a9f1"), iampolicy.ImplicitDeny},
		{"LakeSail without an external ID", lakesail, "sts:AssumeRole", nil, iampolicy.ImplicitDeny},
		{"LakeSail tagging its session", lakesail, "sts:TagSession", ext(testExternalID), iampolicy.ImplicitDeny},
		{"the provisioner with the external ID", provisioner, "sts:AssumeRole", ext(testExternalID), iampolicy.Allowed},
		{"the provisioner without the external ID", provisioner, "sts:AssumeRole", nil, iampolicy.ImplicitDeny},
		{"another role of the account", otherRole, "sts:AssumeRole", ext(testExternalID), iampolicy.ImplicitDeny},
		{"another account", stranger, "sts:AssumeRole", ext(testExternalID), iampolicy.ImplicitDeny},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := iampolicy.Request{Caller: tc.caller, Action: tc.action, Context: tc.ctx}
			if got := iampolicy.EvaluateTrust(req, &b.Trust.Document); got.Decision != tc.want {
				t.Errorf("got %s, want %s", got.Decision, tc.want)
			}
		})
	}

	spec := testSpec()
	spec.ProvisionerPrincipals = nil
	alone := mustBuild(t, spec)
	if len(alone.Trust.Document.Statement) != 1 {
		t.Fatalf("without provisioners the trust policy has %d statements", len(alone.Trust.Document.Statement))
	}
	req := iampolicy.Request{Caller: provisioner, Action: "sts:AssumeRole", Context: ext(testExternalID)}
	if got := iampolicy.EvaluateTrust(req, &alone.Trust.Document); got.Decision == iampolicy.Allowed {
		t.Error("the provisioner is trusted although ProvisionerPrincipals is empty")
	}
}

// TestUnitCallbackRole: only Lambda assumes it; it writes only its own log group and reads
// only its own stack.
func TestUnitCallbackRole(t *testing.T) {
	b := mustBuild(t, testSpec())
	lambda := iampolicy.Request{Caller: iampolicy.Caller{Service: "lambda.amazonaws.com"}, Action: "sts:AssumeRole"}
	if got := iampolicy.EvaluateTrust(lambda, &b.CallbackTrust.Document); got.Decision != iampolicy.Allowed {
		t.Errorf("lambda: %s", got.Decision)
	}
	ec2 := iampolicy.Request{Caller: iampolicy.Caller{Service: "ec2.amazonaws.com"}, Action: "sts:AssumeRole"}
	if got := iampolicy.EvaluateTrust(ec2, &b.CallbackTrust.Document); got.Decision == iampolicy.Allowed {
		t.Error("ec2 may assume the callback role")
	}
	logs := "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/lakesail-" + testConnection + "-Callback:log-stream:2026/01/01/x"
	stack := "arn:aws:cloudformation:us-east-1:111122223333:stack/lakesail-" + testConnection + "/51af3dc0"
	allowed := []iampolicy.Request{
		{Action: "logs:PutLogEvents", Resource: logs},
		{Action: "logs:CreateLogStream", Resource: logs},
		{Action: "cloudformation:DescribeStacks", Resource: stack},
	}
	denied := []iampolicy.Request{
		{Action: "logs:PutLogEvents", Resource: "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/other:log-stream:x"},
		{Action: "cloudformation:DescribeStacks", Resource: "arn:aws:cloudformation:us-east-1:111122223333:stack/other/1"},
		{Action: "cloudformation:UpdateStack", Resource: stack},
		{Action: "iam:PassRole", Resource: b.RoleARN},
	}
	for _, r := range allowed {
		if got := iampolicy.Evaluate(r, []*iampolicy.Document{&b.CallbackPolicy.Document}, nil); got.Decision != iampolicy.Allowed {
			t.Errorf("%s on %s: %s", r.Action, r.Resource, got.Decision)
		}
	}
	for _, r := range denied {
		if got := iampolicy.Evaluate(r, []*iampolicy.Document{&b.CallbackPolicy.Document}, nil); got.Decision == iampolicy.Allowed {
			t.Errorf("%s on %s is allowed", r.Action, r.Resource)
		}
	}
}
