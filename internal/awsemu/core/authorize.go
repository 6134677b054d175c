package core

import (
	"strconv"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// authorize decides a call before its handler runs. Root and AlwaysAllowed calls pass; role
// sessions are evaluated for every Check and every resource, and the first denial is returned
// as the service's AccessDenied. Called with e.mu held.
func (e *Emulator) authorize(c *Req) *APIError {
	op := c.Op
	c.resources = []string{"*"}
	if op.Resources != nil {
		c.resources = op.Resources(c)
	}
	checks := []Check{{Action: op.Action, Resources: c.resources}}
	defer e.reportAuthorization(c, &checks) // OnAuthorize (tests): the checks computed, whatever the outcome
	if op.AlwaysAllowed || op.SelfAuthorized || op.Action == "" {
		return nil
	}
	if op.Context != nil {
		checks[0].Context = op.Context(c)
	}
	if op.Also != nil {
		checks = append(checks, op.Also(c)...)
	}
	if c.Caller.IsRoot() && c.Service.Decide == nil {
		return nil
	}
	for _, ch := range checks {
		resources := ch.Resources
		if len(resources) == 0 {
			resources = []string{"*"}
		}
		for _, res := range resources {
			if r := e.decide(c, ch.Action, res, ch.Context); r.Decision != iampolicy.Allowed {
				c.denied = true
				return AccessDenied(c.Service.Name, c.Caller.ARN, ch.Action, res, &r)
			}
		}
	}
	return nil
}

// decide asks the service's Decide when it has one, else the caller's identity policies.
func (e *Emulator) decide(c *Req, action, resource string, ctx map[string][]string) iampolicy.Result {
	if c.Service.Decide != nil {
		return c.Service.Decide(c, action, resource, ctx)
	}
	return c.Evaluate(c.Caller, action, resource, ctx)
}

// RolePolicies is what IAM holds for one role that authorization weighs.
type RolePolicies struct {
	Identity []*iampolicy.Document // inline policies, then attached managed policies
	Boundary *iampolicy.Document   // nil when the role has none
	// BoundaryMissing says the role names a boundary that no longer exists or cannot be
	// parsed: nothing is allowed.
	BoundaryMissing bool
	Tags            []Tag
}

// Roles is what authorization asks of IAM (the iam service's Impl provides it).
type Roles interface {
	// RolePolicies are the policies of the role named roleName in account a whose id is
	// roleID; ok is false when it was deleted (even if recreated: the id differs).
	RolePolicies(a *Account, roleName, roleID string) (p RolePolicies, ok bool)
	// PrincipalExists checks an AWS principal a resource policy or trust policy names:
	// account ids and root ARNs are valid; a role ARN must name an existing role when the
	// emulator holds the account.
	PrincipalExists(c *Req, arn string) bool
}

// PrincipalExists asks IAM whether a policy's AWS principal exists (Roles.PrincipalExists).
func (c *Req) PrincipalExists(arn string) bool {
	return c.e.roles != nil && c.e.roles.PrincipalExists(c, arn)
}

// sessionPolicies are the policies of the role behind session s; ok is false when it was deleted.
func (e *Emulator) sessionPolicies(s *Session) (RolePolicies, bool) {
	acct := e.st.accounts[s.Account]
	if acct == nil || e.roles == nil {
		return RolePolicies{}, false
	}
	return e.roles.RolePolicies(acct, s.RoleName, s.RoleID)
}

// Evaluate decides one request made by principal p: root is allowed; a session is decided by
// its role's inline and attached policies, its permissions boundary and any session policies.
// Called with e.mu held.
func (c *Req) Evaluate(p *Principal, action, resource string, ctx map[string][]string) iampolicy.Result {
	if p.IsRoot() {
		return iampolicy.Result{Decision: iampolicy.Allowed}
	}
	denied := iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: "identity-based policy"}
	s := p.Session
	if s == nil {
		return denied
	}
	rp, ok := c.e.sessionPolicies(s)
	if !ok {
		return denied // a deleted (or deleted and recreated) role grants its old sessions nothing
	}
	if rp.BoundaryMissing {
		return iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: "permissions boundary"}
	}
	req := iampolicy.Request{
		Caller:   p.Caller(),
		Action:   action,
		Resource: resource,
		Context:  MergeContext(c.GlobalContext(p), ctx),
	}
	res := iampolicy.Evaluate(req, rp.Identity, rp.Boundary)
	if res.Decision != iampolicy.Allowed || !s.HasPolicies {
		return res
	}
	sres := iampolicy.Evaluate(req, s.Policies, nil)
	if sres.Decision != iampolicy.Allowed {
		sres.DeniedBy = "session policy"
	}
	return sres
}

// SessionCap is what still limits a role session that a resource-based policy allows: its
// permissions boundary and its session policies. Other principals are not capped.
func (c *Req) SessionCap(p *Principal, req iampolicy.Request) iampolicy.Result {
	s := p.Session
	if s == nil {
		return iampolicy.Result{Decision: iampolicy.Allowed}
	}
	rp, ok := c.e.sessionPolicies(s)
	if !ok {
		return iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: "identity-based policy"}
	}
	if rp.BoundaryMissing {
		return iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: "permissions boundary"}
	}
	if rp.Boundary != nil {
		if res := rp.Boundary.Match(req); res.Decision != iampolicy.Allowed {
			res.DeniedBy = "permissions boundary"
			return res
		}
	}
	if s.HasPolicies {
		if res := iampolicy.Evaluate(req, s.Policies, nil); res.Decision != iampolicy.Allowed {
			res.DeniedBy = "session policy"
			return res
		}
	}
	return iampolicy.Result{Decision: iampolicy.Allowed}
}

// GlobalContext holds the global condition keys AWS adds to every request.
// Called with e.mu held.
func (c *Req) GlobalContext(p *Principal) map[string][]string {
	now := c.Now
	region := c.Region
	if c.Service != nil && c.Service.Global {
		region = "us-east-1"
	}
	m := map[string][]string{
		"aws:PrincipalArn":           {p.ARN},
		"aws:PrincipalAccount":       {p.Account},
		"aws:PrincipalType":          {p.Type()},
		"aws:userid":                 {p.UserID},
		"aws:RequestedRegion":        {region},
		"aws:CurrentTime":            {now.Format(time.RFC3339)},
		"aws:EpochTime":              {strconv.FormatInt(now.Unix(), 10)},
		"aws:SecureTransport":        {strconv.FormatBool(c.HTTP != nil && c.HTTP.TLS != nil)},
		"aws:PrincipalIsAWSService":  {"false"},
		"aws:ViaAWSService":          {"false"},
		"aws:MultiFactorAuthPresent": {"false"},
	}
	if c.HTTP != nil {
		if host, _, ok := cutLast(c.HTTP.RemoteAddr, ":"); ok {
			m["aws:SourceIp"] = []string{host}
		}
	}
	if s := p.Session; s != nil {
		m["aws:PrincipalArn"] = []string{s.RoleARN} // for role sessions, the role's ARN
		if rp, ok := c.e.sessionPolicies(s); ok {
			for _, t := range rp.Tags {
				m["aws:PrincipalTag/"+t.Key] = []string{t.Value}
			}
		}
		for _, t := range s.Tags {
			m["aws:PrincipalTag/"+t.Key] = []string{t.Value}
		}
		m["aws:TokenIssueTime"] = []string{s.Issued.Format(time.RFC3339)}
	}
	return m
}

const ResourceBasedPolicy = "resource-based policy"
