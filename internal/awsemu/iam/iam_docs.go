package iam

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// ParseIdentityPolicy parses an identity policy (managed, inline, session, boundary): no
// Principal, and every statement names resources. limit and quota bound its size (0: none).
func ParseIdentityPolicy(text string, limit int, quota string) (*iampolicy.Document, *core.APIError) {
	if limit > 0 && iampolicy.Size(text) > limit {
		return nil, quotaExceeded(quota, limit)
	}
	doc, err := core.ParsePolicy(text)
	if err != nil {
		return nil, err
	}
	for _, st := range doc.Statement {
		if st.Principal != nil || st.NotPrincipal != nil {
			return nil, core.MalformedPolicy("Policy document should not specify a principal.")
		}
		if len(st.Resource) == 0 && len(st.NotResource) == 0 {
			return nil, core.MalformedPolicy("Policy statement must contain resources.")
		}
	}
	return doc, nil
}

// parseTrustPolicy parses a role trust policy: every statement names a principal, none names
// resources, actions are STS actions, and principals in accounts the emulator knows exist.
func parseTrustPolicy(c *core.Req, text string) (*iampolicy.Document, *core.APIError) {
	if iampolicy.Size(text) > maxTrustPolicySize {
		return nil, quotaExceeded("ACLSizePerRole", maxTrustPolicySize)
	}
	doc, err := core.ParsePolicy(text)
	if err != nil {
		return nil, err
	}
	for _, st := range doc.Statement {
		if st.Principal == nil && st.NotPrincipal == nil {
			return nil, core.MalformedPolicy("Missing required field Principal")
		}
		if len(st.Resource) > 0 || len(st.NotResource) > 0 {
			return nil, core.MalformedPolicy("Has prohibited field Resource")
		}
		for _, a := range append(append(iampolicy.Values{}, st.Action...), st.NotAction...) {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "sts:") {
				return nil, core.MalformedPolicy("AssumeRole policy may only specify STS AssumeRole actions.")
			}
		}
		if st.Principal != nil {
			for _, p := range st.Principal.AWS {
				if !principalExists(c, p) {
					return nil, core.MalformedPolicy("Invalid principal in policy: \"AWS\":\"%s\"", p)
				}
			}
		}
	}
	return doc, nil
}

// principalExists checks an AWS principal of a trust policy: account ids and root ARNs are
// always valid; role ARNs must name an existing role when the emulator knows the account.
func principalExists(c *core.Req, p string) bool {
	if p == "*" || core.IsAccountID(p) {
		return true
	}
	if !strings.HasPrefix(p, "arn:aws:") {
		return false
	}
	parts := strings.SplitN(p, ":", 6)
	if len(parts) != 6 || !core.IsAccountID(parts[4]) {
		return false
	}
	acct, res := c.AccountByID(parts[4]), parts[5]
	if res == "root" || acct == nil || !strings.HasPrefix(res, "role/") || strings.Contains(res, "*") {
		return true
	}
	name := res[strings.LastIndex(res, "/")+1:]
	r := Of(acct).Role(name)
	return r != nil && r.Arn(acct.Id) == p
}

// encodeDoc URL-encodes a policy document as IAM returns it (RFC 3986: everything but
// unreserved characters is percent-encoded); the SDK hands it to callers still encoded.
func encodeDoc(text string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
