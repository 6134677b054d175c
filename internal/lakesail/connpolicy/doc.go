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
//     tag, later calls require it as a resource tag. On EC2 the role can never put that key on
//     a resource it did not create (tagging is limited to create time via ec2:CreateAction, or
//     to resources already carrying the key; an adopted VPC gets marker tags only). KMS, ACM and
//     IAM OIDC providers have no ec2:CreateAction: tagging at create time needs a tag permission
//     that also covers existing untagged resources of the account; the statements say so, and
//     narrow what they can (OIDC providers to EKS issuers, a resource tag of another connection
//     is never overwritten);
//   - wildcards: "*" only where AWS has no resource-level permission for the action; each such
//     statement says so in a comment.
//
// Calls (calls.go) lists every authorization check the library makes through the role and the
// statement that exists for it, so tests can prove "every call allowed, nothing unused".
//
// The package imports no Terraform package.
package connpolicy
