// Package connpolicy is the typed model of every IAM document a LakeSail connection needs: the
// cross-account role's trust policy, its permissions boundary (RoleBoundary), the boundary every
// role the connection later creates must carry (WorkloadBoundary), the explicit-deny guardrail,
// the seven scoped managed policies, and the callback role used by the CloudFormation
// lifecycle Lambda. The same model renders the CloudFormation template (cfn_*.go), so the
// Terraform resource, the template and the documentation never disagree.
//
// Documents render deterministically (iampolicy.Document.JSON): the same Spec always yields
// byte-identical JSON and the same SHA-256, which is what drift detection compares against.
//
// Scoping rules used throughout:
//   - names: everything the connection creates is called lakesail-<ID>-… (S3 buckets
//     lakesail-<id-lower>-…, Glue databases lakesail_<id-lower>_…, SSM parameters
//     /lakesail/<ID>/…), and name-based ARN patterns are preferred where the service has them;
//   - tags: LakeSail-Connection=<ID> is the attribute-based key. Creates require it as a request
//     tag, later calls require it as a resource tag, and the role can only set it on what it
//     creates: on EC2 through ec2:CreateAction (tagging otherwise only resources already carrying
//     the key; a bring-your-own VPC the account marked LakeSail-Adoptable-By=<ID> gets marker
//     tags only); on KMS keys through the key's own policy, which LakeSail writes when it creates
//     the key (the role has no kms:TagResource of its own). IAM OIDC providers and ACM
//     certificates are the exception: creating them with tags checks the same tag action as
//     tagging an existing one, so the role could add the connection's tags to one it did not
//     create. Their tags therefore grant nothing but reads; changing or deleting them is denied
//     to the role and left to the account's own credentials (see the closure check's
//     exceptions and the guide's residual risks);
//   - data: S3 statements carry s3:ResourceAccount (bucket ARNs have no account); the
//     workspace bucket's own policy denies the role later changes to its protection, and the
//     explicit deny refuses ACLs, replication, notifications, access points and
//     kms:PutKeyPolicy;
//   - wildcards: "*" only where AWS has no resource-level permission for the action; each such
//     statement says so in a comment.
//
// Calls (calls.go) lists every authorization check the library makes through the role and the
// statement that exists for it, so tests can prove "every call allowed, nothing unused".
//
// The package imports no Terraform package.
package connpolicy
