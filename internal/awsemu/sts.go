package awsemu

import (
	"regexp"

	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// stsService is STS (awsquery).
func stsService() *Service {
	s := &Service{Name: "sts", Protocol: queryProtocol{}, Namespace: "https://sts.amazonaws.com/doc/2011-06-15/", Version: "2011-06-15"}
	return s.Add(
		&Operation{Name: "AssumeRole", Action: "sts:AssumeRole", Resources: assumeRoleResource, SelfAuthorized: true, Handle: stsAssumeRole},
		&Operation{Name: "GetCallerIdentity", Action: "sts:GetCallerIdentity", AlwaysAllowed: true, Handle: stsGetCallerIdentity},
		stsWebIdentityOp(),
	)
}

const (
	maxChainedSession = 3600
	maxSessionPolicy  = 2048 // packed session policy size
)

var (
	reSessionName = regexp.MustCompile(`^[\w+=,.@-]*$`)
	reExternalID  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	reRoleARN     = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role(/(?:[\x21-\x7E]+/)?)?([\w+=,.@-]+)$`)
)

func assumeRoleResource(c *Req) []string { return []string{c.Param("RoleArn")} }

type assumedRoleUser struct {
	Arn           string
	AssumedRoleId string
}

type stsCredentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      xmlTime
}

type assumeRoleResult struct {
	Credentials      stsCredentials
	AssumedRoleUser  assumedRoleUser
	PackedPolicySize int `xml:",omitempty"`
}

// stsAssumeRole mints a role session. It authorizes itself: the role's trust policy must admit
// the caller (with sts:ExternalId and friends as context) and, when the caller is a role session
// that the trust admits only through its account, or from another account, the caller's own
// policies must allow sts:AssumeRole on the role too.
func stsAssumeRole(c *Req) (any, error) {
	if err := required(c, "RoleArn", "RoleSessionName"); err != nil {
		return nil, err
	}
	roleArn, name, extID := c.Param("RoleArn"), c.Param("RoleSessionName"), c.Param("ExternalId")
	if err := checkLen("RoleArn", roleArn, 20, 2048); err != nil {
		return nil, err
	}
	if err := checkLen("RoleSessionName", name, 2, 64); err != nil {
		return nil, err
	}
	if err := checkPattern("RoleSessionName", name, reSessionName); err != nil {
		return nil, err
	}
	if c.HasParam("ExternalId") {
		if err := checkLen("ExternalId", extID, 2, 1224); err != nil {
			return nil, err
		}
		if err := checkPattern("ExternalId", extID, reExternalID); err != nil {
			return nil, err
		}
	}
	duration := 3600
	if n, ok, err := c.ParamInt("DurationSeconds"); err != nil {
		return nil, err
	} else if ok {
		if n < 900 {
			return nil, validationError("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", n)
		}
		if n > maxSessionDuration {
			return nil, validationError("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", n, maxSessionDuration)
		}
		duration = n
	}
	tags := c.ParamTags("Tags")
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	m := reRoleARN.FindStringSubmatch(roleArn)
	if m == nil {
		return nil, validationError("Value '%s' at 'roleArn' failed to satisfy constraint: Member must be a valid role ARN", roleArn)
	}
	caller := c.Caller
	denied := func(res *iampolicy.Result) error {
		c.Deny()
		return accessDenied("sts", caller.ARN, "sts:AssumeRole", roleArn, res)
	}
	acct := c.accountByID(m[1])
	var r *role
	if acct != nil {
		r = iamOf(acct).role(m[3])
	}
	if r == nil || r.arn(acct.id) != roleArn {
		return nil, denied(nil) // AWS does not say whether the role exists
	}
	if c.Now.Before(r.created.Add(c.e.opts.PropagationDelay)) {
		return nil, denied(nil) // IAM has not propagated the new role to STS yet
	}

	// The request context of sts:AssumeRole (Service Authorization Reference), used for the
	// trust policy and the caller's own policies alike.
	opCtx := mergeContext(resourceTagContext(r.tags, "iam"), map[string][]string{"sts:RoleSessionName": {name}})
	if c.HasParam("ExternalId") {
		opCtx["sts:ExternalId"] = []string{extID}
	}
	if len(tags) > 0 {
		opCtx = mergeContext(opCtx, requestTagContext(tags))
	}
	if src := c.Param("SourceIdentity"); src != "" {
		opCtx["sts:SourceIdentity"] = []string{src}
	}
	req := iampolicy.Request{Caller: caller.caller(), Action: "sts:AssumeRole", Resource: roleArn, Context: mergeContext(c.globalContext(caller), opCtx)}
	if res := iampolicy.EvaluateTrust(req, r.trust); res.Decision != iampolicy.Allowed {
		if res.Decision != iampolicy.ExplicitDeny {
			res.DeniedBy = "" // AWS does not explain trust-policy denials
		}
		return nil, denied(&res)
	}
	if caller.Session != nil {
		specific := req
		specific.Caller.Account = ""
		viaAccountOnly := iampolicy.EvaluateTrust(specific, r.trust).Decision != iampolicy.Allowed
		res := c.evaluate(caller, "sts:AssumeRole", roleArn, opCtx)
		switch {
		case caller.Account != acct.id || viaAccountOnly:
			if res.Decision != iampolicy.Allowed {
				return nil, denied(&res)
			}
		case res.Decision == iampolicy.ExplicitDeny:
			// A trust policy naming the caller suffices in its own account, but an explicit deny
			// in the caller's own policies still wins, as anywhere.
			return nil, denied(&res)
		case res.Decision != iampolicy.Allowed:
			// Allowed by the trust policy alone: still capped by the caller's permissions
			// boundary and session policies.
			if capped := c.sessionCap(caller, req); capped.Decision != iampolicy.Allowed {
				return nil, denied(&capped)
			}
		}
	}
	// Session tags and a source identity need their own permission, in the trust policy and,
	// for role sessions, in the caller's policies.
	var extra []string
	if len(tags) > 0 {
		extra = append(extra, "sts:TagSession")
	}
	if c.Param("SourceIdentity") != "" {
		extra = append(extra, "sts:SetSourceIdentity")
	}
	for _, action := range extra {
		x := req
		x.Action = action
		res := iampolicy.EvaluateTrust(x, r.trust)
		if res.Decision == iampolicy.Allowed && caller.Session != nil {
			res = c.evaluate(caller, action, roleArn, opCtx)
		} else if res.Decision != iampolicy.ExplicitDeny {
			res.DeniedBy = ""
		}
		if res.Decision != iampolicy.Allowed {
			c.Deny()
			c.action = action
			return nil, accessDenied("sts", caller.ARN, action, roleArn, &res)
		}
	}

	chained := caller.Session != nil
	if duration > r.maxSession {
		return nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if chained && duration > maxChainedSession {
		return nil, apiError("ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	lifetime := time.Duration(duration) * time.Second
	if limit := c.e.opts.SessionDuration; limit > 0 && limit < lifetime {
		lifetime = limit // the -session-duration knob: sessions end early so refreshes are exercised
	}
	s := &session{
		AccessKeyID: newID("ASIA", 16), SecretAccessKey: newSecret(), SessionToken: newSessionToken(),
		Account: acct.id, RoleName: r.name, RoleID: r.id, RoleARN: r.arn(acct.id), Name: name,
		Issued: c.Now, Expires: c.Now.Add(lifetime), Chained: chained,
		Tags: tags,
	}
	packed, err := sessionPolicies(c, acct, s)
	if err != nil {
		return nil, err
	}
	c.addSession(s)
	r.lastUsed, r.lastRegion = c.Now, c.Region
	return assumeRoleResult{
		Credentials:      stsCredentials{AccessKeyId: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expiration: xmlTime(s.Expires)},
		AssumedRoleUser:  assumedRoleUser{Arn: sessionARN(acct.id, r.name, name), AssumedRoleId: r.id + ":" + name},
		PackedPolicySize: packed,
	}, nil
}

// sessionPolicies applies the Policy and PolicyArns parameters: the session can then do only
// what they allow as well. It returns the packed size percentage AWS reports.
func sessionPolicies(c *Req, acct *account, s *session) (int, *APIError) {
	text := c.Param("Policy")
	arns := c.ParamStructs("PolicyArns", "arn")
	if text == "" && len(arns) == 0 {
		return 0, nil
	}
	if len(arns) > 10 {
		return 0, validationError("Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	s.HasPolicies = true
	size := 0
	if text != "" {
		size = iampolicy.Size(text)
		if size > maxSessionPolicy {
			return 0, apiError("PackedPolicyTooLarge", 400, "Packed size of consumed session policies exceeds 100%% of allowed value.")
		}
		doc, err := parseIdentityPolicy(text, 0, "")
		if err != nil {
			return 0, err
		}
		s.Policies = append(s.Policies, doc)
	}
	for _, m := range arns {
		if p := iamOf(acct).policy(m["arn"]); p != nil {
			if d := p.defaultDoc(); d != nil {
				s.Policies = append(s.Policies, d)
			}
		}
	}
	return (size*100 + maxSessionPolicy - 1) / maxSessionPolicy, nil
}

type callerIdentityResult struct {
	UserId  string
	Account string
	Arn     string
}

func stsGetCallerIdentity(c *Req) (any, error) {
	p := c.Caller
	return callerIdentityResult{UserId: p.UserID, Account: p.Account, Arn: p.ARN}, nil
}
