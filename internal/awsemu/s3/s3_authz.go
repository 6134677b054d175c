package s3

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// rootPolicyActions are the calls the bucket owner's root user can always make, whatever the
// bucket policy says, so that an account cannot lock itself out of its bucket for good.
var rootPolicyActions = map[string]bool{
	"s3:GetBucketPolicy": true, "s3:PutBucketPolicy": true, "s3:DeleteBucketPolicy": true,
}

// s3Decide decides one S3 action on one bucket or object ARN the way S3 does for general
// purpose buckets:
//
//   - an explicit deny in the bucket policy denies everyone, the owner's root user included
//     (except the bucket-policy calls above), as do denies in the caller's identity policies,
//     permissions boundary and session policies;
//   - within the bucket owner's account, either the identity policies (within the boundary) or
//     a bucket policy statement naming the caller allows (one naming only the account delegates
//     to its identity policies); an allow that comes from the bucket
//     policy alone is still capped by the session's boundary and session policies;
//   - across accounts both the caller's identity policies and the bucket policy must allow;
//     RestrictPublicBuckets drops what a public bucket policy grants to other accounts;
//   - the owner's root user is allowed unless denied; another account's root needs the bucket
//     policy.
//
// Buckets do not expose aws:ResourceTag: S3 only evaluates bucket tags in policies when ABAC
// is enabled on the bucket (PutBucketAbac, off by default), which the emulator does not serve.
// kms: actions (SSE-KMS on PutObject and GetObject) are decided by the key's policy.
func s3Decide(c *core.Req, action, resource string, ctx map[string][]string) iampolicy.Result {
	if strings.HasPrefix(action, "kms:") {
		return s3KMSOf(c).Decide(c, action, resource, ctx)
	}
	p := c.Caller
	var b *s3Bucket
	if name, _, ok := parseS3ARN(resource); ok && action != "s3:CreateBucket" {
		b = findBucket(c, name) // CreateBucket concerns the caller's account, not a taken name's owner
	}
	opCtx := core.MergeContext(s3RequestContext(c, b), ctx)
	req := iampolicy.Request{Caller: p.Caller(), Action: action, Resource: resource, Context: core.MergeContext(c.GlobalContext(p), opCtx)}
	rp := iampolicy.Result{Decision: iampolicy.ImplicitDeny}
	if b != nil && b.policy != nil {
		rp = b.policy.Match(req)
	}
	owner := b == nil || b.owner == p.Account
	rootExempt := p.IsRoot() && owner && rootPolicyActions[action]
	if rp.Decision == iampolicy.ExplicitDeny && !rootExempt {
		return iampolicy.Result{Decision: iampolicy.ExplicitDeny, DeniedBy: core.ResourceBasedPolicy, Statement: rp.Statement}
	}
	if rp.Decision == iampolicy.Allowed && !owner && b.publicAccessBlock != nil &&
		b.publicAccessBlock.RestrictPublicBuckets && policyIsPublic(b.policy) {
		rp = iampolicy.Result{Decision: iampolicy.ImplicitDeny}
	}
	allowed := iampolicy.Result{Decision: iampolicy.Allowed}
	if p.IsRoot() {
		if owner || rp.Decision == iampolicy.Allowed {
			return allowed
		}
		return iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: core.ResourceBasedPolicy}
	}
	id := c.Evaluate(p, action, resource, opCtx)
	switch {
	case id.Decision == iampolicy.ExplicitDeny:
		return id
	case owner && id.Decision == iampolicy.Allowed:
		return allowed
	case owner && rp.Decision == iampolicy.Allowed && b.policy.Match(specificCaller(req)).Decision == iampolicy.Allowed:
		// A statement naming the account (its root ARN or id) delegates to the account's IAM
		// policies, which did not allow: only one naming the caller (or everyone) grants by itself.
		return c.SessionCap(p, req)
	case !owner && id.Decision == iampolicy.Allowed && rp.Decision == iampolicy.Allowed:
		return allowed
	case !owner && id.Decision == iampolicy.Allowed:
		return iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: core.ResourceBasedPolicy}
	}
	return id
}

// s3RequestContext holds the S3 condition keys every request has: s3:ResourceAccount (the
// bucket owner, or the caller for a bucket that does not exist yet), s3:authType,
// s3:signatureversion, s3:x-amz-content-sha256 and, over TLS, s3:TlsVersion.
func s3RequestContext(c *core.Req, b *s3Bucket) map[string][]string {
	m := map[string][]string{"s3:signatureversion": {"AWS4-HMAC-SHA256"}, "s3:authType": {"REST-HEADER"}}
	if c.Caller != nil {
		m["s3:ResourceAccount"] = []string{c.Caller.Account}
	}
	if b != nil {
		m["s3:ResourceAccount"] = []string{b.owner}
	}
	if c.HTTP == nil {
		return m
	}
	if c.HTTP.URL.Query().Get("X-Amz-Signature") != "" {
		m["s3:authType"] = []string{"REST-QUERY-STRING"}
	}
	if h := c.HTTP.Header.Get("X-Amz-Content-Sha256"); h != "" {
		m["s3:x-amz-content-sha256"] = []string{h}
	}
	if c.HTTP.TLS != nil {
		m["s3:TlsVersion"] = []string{core.TLSVersionName(c.HTTP.TLS.Version)}
	}
	return m
}

// specificCaller is req with the caller's account left out, so that account principals no
// longer match: only statements naming the caller itself (or "*").
func specificCaller(req iampolicy.Request) iampolicy.Request {
	req.Caller.Account = ""
	return req
}

// s3Authorize authorizes a self-authorized S3 operation whose IAM action depends on the
// request (s3:GetObjectVersion, s3:DeleteObjectVersion) or that S3 makes to KMS for the caller
// (kms:Decrypt), and records the decision for the call log.
func s3Authorize(c *core.Req, action, resource string, ctx map[string][]string) *core.APIError {
	r := s3Decide(c, action, resource, ctx)
	denied := r.Decision != iampolicy.Allowed
	// The call log names the S3 action asked for, or the KMS action S3 was refused.
	if action != c.Op.Action && (denied || strings.HasPrefix(action, "s3:")) {
		c.Action = action
	}
	if denied {
		c.Deny()
		return core.AccessDenied("s3", c.Caller.ARN, action, resource, &r)
	}
	return nil
}

// s3Allowed reports whether the caller may perform action on resource (no call-log effect).
func s3Allowed(c *core.Req, action, resource string) bool {
	return s3Decide(c, action, resource, nil).Decision == iampolicy.Allowed
}

// narrowingKeys are the condition keys that, compared with fixed values, make an Allow for
// every principal non-public (S3's "public" test for Block Public Access).
var narrowingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourceaccount": true, "aws:sourceowner": true, "aws:sourcevpc": true,
	"aws:sourcevpce": true, "aws:principalaccount": true, "aws:principalorgid": true, "aws:principalarn": true,
	"aws:userid": true, "aws:sourceip": true, "s3:dataaccesspointarn": true, "s3:dataaccesspointaccount": true,
}

// policyIsPublic reports whether a bucket policy grants access to everyone: an Allow statement
// whose principal is "*" that no fixed-value condition on an identifying key narrows.
func policyIsPublic(d *iampolicy.Document) bool {
	if d == nil {
		return false
	}
	for _, st := range d.Statement {
		if st.Effect != iampolicy.Allow {
			continue
		}
		everyone := st.NotPrincipal != nil ||
			st.Principal != nil && (st.Principal.Wildcard || containsValue(st.Principal.AWS, "*"))
		if everyone && !narrowed(st.Condition) {
			return true
		}
	}
	return false
}

func narrowed(conds iampolicy.Conditions) bool {
	for op, keys := range conds {
		lop := strings.ToLower(op)
		if strings.Contains(lop, "not") || strings.HasSuffix(lop, "ifexists") || strings.HasPrefix(lop, "null") {
			continue
		}
		for k, vals := range keys {
			if !narrowingKeys[strings.ToLower(k)] || len(vals) == 0 {
				continue
			}
			fixed := true
			for _, v := range vals {
				if strings.ContainsAny(v, "*?") || v == "0.0.0.0/0" || v == "::/0" {
					fixed = false
				}
			}
			if fixed {
				return true
			}
		}
	}
	return false
}

func containsValue(vs iampolicy.Values, s string) bool {
	for _, v := range vs {
		if v == s {
			return true
		}
	}
	return false
}
