package awsemu

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
	if c.Caller.isRoot() && c.Service.Decide == nil {
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
				return accessDenied(c.Service.Name, c.Caller.ARN, ch.Action, res, &r)
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
	return e.evaluate(c, c.Caller, action, resource, ctx)
}

// evaluate decides one request made by principal p: root is allowed; a session is decided by
// its role's inline and attached policies, its permissions boundary and any session policies.
// Called with e.mu held.
func (e *Emulator) evaluate(c *Req, p *principal, action, resource string, ctx map[string][]string) iampolicy.Result {
	if p.isRoot() {
		return iampolicy.Result{Decision: iampolicy.Allowed}
	}
	denied := iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: "identity-based policy"}
	s := p.Session
	if s == nil {
		return denied
	}
	r := e.sessionRole(s)
	if r == nil {
		return denied // a deleted (or deleted and recreated) role grants its old sessions nothing
	}
	acct := e.st.accounts[s.Account]
	req := iampolicy.Request{
		Caller:   p.caller(),
		Action:   action,
		Resource: resource,
		Context:  mergeContext(e.globalContext(c, p), ctx),
	}
	var identity []*iampolicy.Document
	for _, name := range sortedKeys(r.inline) {
		identity = append(identity, r.inline[name].doc)
	}
	for _, arn := range r.attached {
		if pol := e.st.policy(acct, arn); pol != nil {
			if d := pol.defaultDoc(); d != nil {
				identity = append(identity, d)
			}
		}
	}
	var boundary *iampolicy.Document
	if r.boundary != "" {
		pol := e.st.policy(acct, r.boundary)
		if pol == nil || pol.defaultDoc() == nil {
			return iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: "permissions boundary"}
		}
		boundary = pol.defaultDoc()
	}
	res := iampolicy.Evaluate(req, identity, boundary)
	if res.Decision != iampolicy.Allowed || !s.HasPolicies {
		return res
	}
	sres := iampolicy.Evaluate(req, s.Policies, nil)
	if sres.Decision != iampolicy.Allowed {
		sres.DeniedBy = "session policy"
	}
	return sres
}

// globalContext holds the global condition keys AWS adds to every request.
// Called with e.mu held.
func (e *Emulator) globalContext(c *Req, p *principal) map[string][]string {
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
		if r := e.sessionRole(s); r != nil {
			for _, t := range r.tags {
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

// sessionRole is the role behind a session, or nil when it was deleted (even if recreated).
func (e *Emulator) sessionRole(s *session) *role {
	acct := e.st.accounts[s.Account]
	if acct == nil {
		return nil
	}
	if r := acct.role(s.RoleName); r != nil && r.id == s.RoleID {
		return r
	}
	return nil
}
