package kms

import (
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// decide decides one KMS action on one resource. The key policy is the primary control of a
// key; IAM policies count only where the key policy lets them:
//
//   - an explicit deny in the key policy, the caller's identity policies, permissions boundary
//     or session policies denies;
//   - the key policy allows the caller itself (a statement naming the role, the session or
//     "*"), or a grant on the key does: allowed, still capped by the session's permissions
//     boundary and session policies;
//   - the key policy allows the caller's account (arn:aws:iam::<acct>:root or the account id):
//     that delegates to IAM, so the identity policies (within the boundary) must allow too;
//   - the key policy allows neither: denied, whatever the identity policies say.
//
// The root user is not special to KMS: it is allowed only when the key policy (or a grant)
// allows it, normally through the account principal. A key whose policy names neither the
// account nor the root user is locked out for root as well, as AWS warns (recovering it takes
// AWS Support). Callers from another account need both the key policy (naming them or their
// account) and their own identity policies.
//
// Resources that are not keys (aliases, "*" for CreateKey, ListKeys, ListAliases) are decided
// by IAM policies alone. A key ARN that names no key is allowed here so that the operation
// answers NotFoundException, as KMS does.
//
// The key's own condition keys are added here: aws:ResourceTag/*, kms:KeySpec, kms:KeyUsage,
// kms:KeyOrigin, kms:MultiRegion, kms:ResourceAliases; kms:CallerAccount is on every call.
func decide(c *core.Req, action, resource string, ctx map[string][]string) iampolicy.Result {
	p := c.Caller
	opCtx := core.MergeContext(map[string][]string{"kms:CallerAccount": {p.Account}}, ctx)
	k := kmsKeyByARN(c, resource, c.Now)
	if k == nil {
		if a, ok := parseKMSARN(resource); ok && a.keyID != "" {
			return iampolicy.Result{Decision: iampolicy.Allowed}
		}
		if p.IsRoot() {
			return iampolicy.Result{Decision: iampolicy.Allowed}
		}
		return c.Evaluate(p, action, resource, opCtx)
	}
	return keyDecision(c, p, k, k.policy, action, opCtx)
}

// keyContext is what a key contributes to the request context of calls on it.
func keyContext(c *core.Req, k *kmsKey) map[string][]string {
	m := core.ResourceTagContext(k.tags)
	if m == nil {
		m = map[string][]string{}
	}
	m["kms:KeySpec"] = []string{k.keySpec}
	m["kms:KeyUsage"] = []string{k.keyUsage}
	m["kms:KeyOrigin"] = []string{k.origin}
	m["kms:MultiRegion"] = []string{strconv.FormatBool(k.multiRegion)}
	if k.multiRegion {
		m["kms:MultiRegionKeyType"] = []string{"PRIMARY"}
	}
	if a := c.AccountByID(k.account); a != nil {
		if names := kmsOf(a).aliasesOf(k); len(names) > 0 {
			m["kms:ResourceAliases"] = names
		}
	}
	return m
}

// keyDecision applies the key-policy model above with policy doc (the key's, or a candidate).
func keyDecision(c *core.Req, p *core.Principal, k *kmsKey, doc *iampolicy.Document, action string, ctx map[string][]string) iampolicy.Result {
	opCtx := core.MergeContext(keyContext(c, k), ctx)
	req := iampolicy.Request{Caller: p.Caller(), Action: action, Resource: k.arn, Context: core.MergeContext(c.GlobalContext(p), opCtx)}
	kp := doc.Match(req)
	if kp.Decision == iampolicy.ExplicitDeny {
		return iampolicy.Result{Decision: iampolicy.ExplicitDeny, DeniedBy: core.ResourceBasedPolicy, Statement: kp.Statement}
	}
	specific := req
	specific.Caller.Account = "" // account principals no longer match: only statements naming the caller
	direct := kp.Decision == iampolicy.Allowed && doc.Match(specific).Decision == iampolicy.Allowed
	granted := k.grantAllows(p, action, opCtx)
	noKeyPolicy := iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: core.ResourceBasedPolicy}
	if p.IsRoot() {
		if kp.Decision == iampolicy.Allowed || granted {
			return iampolicy.Result{Decision: iampolicy.Allowed}
		}
		return noKeyPolicy
	}
	id := c.Evaluate(p, action, k.arn, opCtx)
	switch {
	case id.Decision == iampolicy.ExplicitDeny:
		return id
	case p.Account != k.account:
		if granted {
			return c.SessionCap(p, req)
		}
		if kp.Decision != iampolicy.Allowed {
			return noKeyPolicy
		}
		return id // another account's callers need their own identity policies as well
	case direct || granted:
		return c.SessionCap(p, req)
	case kp.Decision == iampolicy.Allowed:
		return id // the key policy delegates to the account's IAM policies
	}
	return noKeyPolicy
}

// keyPolicyAdmitsPutKeyPolicy is KMS's policy lockout safety check: the new policy must let
// the caller make a later PutKeyPolicy call, by naming it or its account (to whose IAM policies
// it then delegates; IAM policies are not consulted, since the account can change them).
func keyPolicyAdmitsPutKeyPolicy(c *core.Req, k *kmsKey, doc *iampolicy.Document) bool {
	p := c.Caller
	ctx := core.MergeContext(c.GlobalContext(p), keyContext(c, k), map[string][]string{"kms:CallerAccount": {p.Account}})
	req := iampolicy.Request{Caller: p.Caller(), Action: "kms:PutKeyPolicy", Resource: k.arn, Context: ctx}
	return doc.Match(req).Decision == iampolicy.Allowed
}

// grantAllows reports whether a grant on the key lets p perform action: p is the grantee (its
// role or session ARN, or its account's root), the grant lists the operation, and the
// request's encryption context meets the grant's constraints.
func (k *kmsKey) grantAllows(p *core.Principal, action string, ctx map[string][]string) bool {
	op := strings.TrimPrefix(action, "kms:")
	for _, g := range k.grants {
		if !granteeMatches(g.grantee, p) || !containsString(g.operations, op) {
			continue
		}
		if g.constraints == nil || constraintsHold(g.constraints, encryptionContextOf(ctx)) {
			return true
		}
	}
	return false
}

func granteeMatches(grantee string, p *core.Principal) bool {
	if grantee == p.ARN {
		return true
	}
	if p.Session != nil && grantee == p.Session.RoleARN {
		return true
	}
	return p.IsRoot() && grantee == "arn:aws:iam::"+p.Account+":root"
}

// encryptionContextOf rebuilds a request's encryption context from its kms:EncryptionContext:
// condition keys.
func encryptionContextOf(ctx map[string][]string) map[string]string {
	out := map[string]string{}
	for k, v := range ctx {
		if name, ok := strings.CutPrefix(k, "kms:EncryptionContext:"); ok && len(v) > 0 {
			out[name] = v[0]
		}
	}
	return out
}

func constraintsHold(c *kmsGrantConstraints, ec map[string]string) bool {
	if c.EncryptionContextEquals != nil {
		if len(c.EncryptionContextEquals) != len(ec) {
			return false
		}
		for k, v := range c.EncryptionContextEquals {
			if ec[k] != v {
				return false
			}
		}
	}
	for k, v := range c.EncryptionContextSubset {
		if got, ok := ec[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
