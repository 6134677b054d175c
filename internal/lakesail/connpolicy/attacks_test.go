package connpolicy

import (
	"testing"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// attack is one step an attacker holding the connection role (or a workload role) takes;
// after names the step it needs to have succeeded first (a tag-then-own chain).
type attack struct {
	name      string
	workload  bool // made by a workload role (WorkloadBoundary) rather than the connection role
	action    string
	resource  string
	ctx       map[string][]string
	inBundle3 bool // bundle 3 allowed it: the step the envelope issue found
	after     *attack
}

// TestUnitAttacksFoundByHandAreRefused: each take-over found by trying the documents as an
// attacker would is denied by the current documents; the same step was allowed by bundle 3, so
// each case is a real attack and not a request no document ever allowed.
func TestUnitAttacksFoundByHandAreRefused(t *testing.T) {
	spec := testSpec()
	current := bundleDocuments(mustBuild(t, spec))
	previous := bundle3Documents(t)
	acct := testAccount
	ours := map[string][]string{"aws:RequestTag/" + TagConnection: {testConnection}, "aws:TagKeys": {TagConnection}}
	taggedOurs := map[string][]string{"aws:ResourceTag/" + TagConnection: {testConnection}}
	customerKey := "arn:aws:kms:us-east-1:" + acct + ":key/0c0ffee0-0000-4000-8000-000000000001"
	customerCert := "arn:aws:acm:us-east-1:" + acct + ":certificate/0c0ffee0-0000-4000-8000-000000000002"
	customerOIDC := "arn:aws:iam::" + acct + ":oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/C0FFEE"
	bucket := "arn:aws:s3:::lakesail-" + "ab12cd34ef" + "-net0000001-ws"
	inAccount := map[string][]string{"s3:ResourceAccount": {acct}}
	lt := "arn:aws:ec2:us-east-1:" + acct + ":launch-template/lt-0c0ffee"
	tagKey := &attack{"tag a customer's KMS key with the connection tag", false, "kms:TagResource", customerKey, ours, true, nil}
	tagCert := &attack{"tag a customer's certificate", false, "acm:AddTagsToCertificate", customerCert, ours, true, nil}
	tagOIDC := &attack{"tag a customer's OIDC provider", false, "iam:TagOpenIDConnectProvider", customerOIDC, ours, true, nil}
	cases := []attack{
		*tagKey,
		{"tag a customer's KMS key, then rewrite its policy", false, "kms:PutKeyPolicy", customerKey, taggedOurs, true, tagKey},
		{"tag a customer's KMS key, then schedule its deletion", false, "kms:ScheduleKeyDeletion", customerKey, taggedOurs, true, tagKey},
		{"tag a customer's certificate, then delete it", false, "acm:DeleteCertificate", customerCert, taggedOurs, true, tagCert},
		{"tag a customer's certificate, then re-import over it", false, "acm:ImportCertificate", customerCert, taggedOurs, true, tagCert},
		{"tag a customer's OIDC provider, then delete it", false, "iam:DeleteOpenIDConnectProvider", customerOIDC, taggedOurs, true, tagOIDC},
		{"give the workspace bucket an ACL", false, "s3:PutBucketAcl", bucket, inAccount, false, nil},
		{"remove the workspace bucket's policy", false, "s3:DeleteBucketPolicy", bucket, inAccount, false, nil},
		{"replicate the workspace bucket elsewhere", false, "s3:PutReplicationConfiguration", bucket, inAccount, false, nil},
		{"manage a bucket of that name in another account", false, "s3:PutBucketPolicy", bucket, map[string][]string{"s3:ResourceAccount": {otherAccount}}, true, nil},
		{"launch into a customer subnet with some launch template", false, "ec2:RunInstances",
			"arn:aws:ec2:us-east-1:" + acct + ":subnet/subnet-0c0ffee", map[string][]string{"ec2:LaunchTemplate": {lt}}, true, nil},
		{"launch with a customer security group", false, "ec2:RunInstances",
			"arn:aws:ec2:us-east-1:" + acct + ":security-group/sg-0c0ffee", map[string][]string{"ec2:LaunchTemplate": {lt}}, true, nil},
		{"mark a customer VPC it was not given", false, "ec2:CreateTags",
			"arn:aws:ec2:us-east-1:" + acct + ":vpc/vpc-0c0ffee", map[string][]string{"aws:TagKeys": {TagNetwork}}, true, nil},
		{"pass a pod role to EC2", false, "iam:PassRole",
			"arn:aws:iam::" + acct + ":role/lakesail-" + testConnection + "-ws00000001-storage", map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, true, nil},
		{"workload role: replace the catalog's resource policy", true, "glue:PutResourcePolicy", "arn:aws:glue:us-east-1:" + acct + ":catalog", nil, true, nil},
		{"workload role: change the catalog's encryption settings", true, "glue:PutDataCatalogEncryptionSettings", "arn:aws:glue:us-east-1:" + acct + ":catalog", nil, true, nil},
		{"workload role: write into a bucket of that name in another account", true, "s3:PutObject", bucket + "/x", map[string][]string{"s3:ResourceAccount": {otherAccount}}, true, nil},
		{"workload role: pull the customer's own images", true, "ecr:BatchGetImage",
			"arn:aws:ecr:us-east-1:" + acct + ":repository/payroll", map[string][]string{"aws:ResourceAccount": {acct}}, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if chainAllowed(spec, current, &c) {
				t.Errorf("bundle %s allows %s on %s", BundleVersion, c.action, c.resource)
			}
			if chainAllowed(spec, previous, &c) != c.inBundle3 {
				t.Errorf("bundle 3: the case no longer describes the attack found (want allowed=%v)", c.inBundle3)
			}
		})
	}
}

// chainAllowed reports whether every step of an attack chain is allowed.
func chainAllowed(spec Spec, docs map[PolicyKind]*iampolicy.Document, a *attack) bool {
	for step := a; step != nil; step = step.after {
		if attackDecision(spec, docs, *step) != iampolicy.Allowed {
			return false
		}
	}
	return true
}

func attackDecision(spec Spec, docs map[PolicyKind]*iampolicy.Document, a attack) iampolicy.Decision {
	for _, p := range principalsOf(spec, docs) {
		if (p.name == "workload role") != a.workload {
			continue
		}
		req := iampolicy.Request{Caller: p.caller, Action: a.action, Resource: a.resource, Context: a.ctx}
		return iampolicy.Evaluate(req, p.identity, p.boundary).Decision
	}
	return iampolicy.ImplicitDeny
}
