package iampolicy

// Policy types as AWS names them in AccessDenied messages.
const (
	identityPolicy      = "identity-based policy"
	permissionsBoundary = "permissions boundary"
	resourcePolicy      = "resource-based policy"
)

// env is what evaluating one document against one request needs.
type env struct {
	req *Request
	// variables is set for Version 2012-10-17 documents, the only ones with policy variables.
	variables bool
	// trust requires an Allow statement to name the caller in Principal or NotPrincipal.
	trust bool
}

// Match evaluates one document: ExplicitDeny when a Deny statement applies, Allowed when an Allow
// statement applies and no Deny does, ImplicitDeny otherwise. Principal is checked only for
// statements that carry one (trust and other resource-based policies). DeniedBy is left empty;
// Evaluate and EvaluateTrust fill it in.
func (d *Document) Match(req Request) Result {
	return d.match(&req, false)
}

func (d *Document) match(req *Request, trust bool) Result {
	res := Result{Decision: ImplicitDeny}
	if d == nil {
		return res
	}
	e := env{req: req, variables: d.Version == Version, trust: trust}
	for i := range d.Statement {
		s := &d.Statement[i]
		if !e.applies(s) {
			continue
		}
		switch {
		case s.Effect == Deny:
			return Result{Decision: ExplicitDeny, Statement: s.Sid}
		case s.Effect == Allow && res.Decision == ImplicitDeny:
			res = Result{Decision: Allowed, Statement: s.Sid}
		}
	}
	return res
}

// applies reports whether a statement covers the request, ignoring its effect.
func (e *env) applies(s *Statement) bool {
	return e.principalApplies(s) &&
		actionApplies(s, e.req.Action) &&
		e.resourceApplies(s) &&
		e.conditionsHold(s.Condition)
}

func (e *env) principalApplies(s *Statement) bool {
	switch {
	case s.Principal != nil:
		return s.Principal.matches(e.req.Caller)
	case s.NotPrincipal != nil:
		return !s.NotPrincipal.matches(e.req.Caller)
	}
	// A trust policy Allow must name who it admits; a Deny without a principal denies everyone.
	return !e.trust || s.Effect != Allow
}

func actionApplies(s *Statement, action string) bool {
	switch {
	case len(s.Action) > 0:
		return anyAction(s.Action, action)
	case len(s.NotAction) > 0:
		return !anyAction(s.NotAction, action)
	}
	return false
}

func anyAction(policy Values, action string) bool {
	for _, p := range policy {
		if matchAction(p, action) {
			return true
		}
	}
	return false
}

// resourceApplies matches Resource/NotResource; a statement with neither (as in trust
// policies, whose resource is the policy's owner) covers any resource.
func (e *env) resourceApplies(s *Statement) bool {
	switch {
	case len(s.Resource) > 0:
		return e.anyResource(s.Resource)
	case len(s.NotResource) > 0:
		return !e.anyResource(s.NotResource)
	}
	return true
}

func (e *env) anyResource(policy Values) bool {
	for _, v := range policy {
		if v == "*" {
			return true
		}
		if p, ok := e.expand(v, true); ok && p.match(e.req.Resource, false) {
			return true
		}
	}
	return false
}

// Evaluate decides a request made by a principal with the given identity policies (inline and
// attached managed) and permissions boundary (nil when none). An explicit deny in any of them
// wins; otherwise an identity policy must allow and, when there is a boundary, so must it.
func Evaluate(req Request, identity []*Document, boundary *Document) Result {
	var allow *Result
	for _, d := range identity {
		r := d.match(&req, false)
		if r.Decision == ExplicitDeny {
			r.DeniedBy = identityPolicy
			return r
		}
		if r.Decision == Allowed && allow == nil {
			allow = &r
		}
	}
	if boundary != nil {
		r := boundary.match(&req, false)
		switch {
		case r.Decision == ExplicitDeny:
			r.DeniedBy = permissionsBoundary
			return r
		case allow != nil && r.Decision != Allowed:
			return Result{Decision: ImplicitDeny, DeniedBy: permissionsBoundary}
		}
	}
	if allow == nil {
		return Result{Decision: ImplicitDeny, DeniedBy: identityPolicy}
	}
	return *allow
}

// EvaluateTrust decides whether a role's trust policy admits req.Caller for req.Action
// (sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:TagSession, ...). The trust policy is a
// resource-based policy: a Deny that applies wins, otherwise an Allow statement whose Principal
// names the caller and whose conditions hold is needed.
func EvaluateTrust(req Request, trust *Document) Result {
	r := trust.match(&req, true)
	if r.Decision != Allowed {
		r.DeniedBy = resourcePolicy
	}
	return r
}
