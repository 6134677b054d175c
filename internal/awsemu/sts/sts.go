package sts

import (
	"regexp"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// stsService is STS (awsquery).
func Service() *core.Service {
	s := &core.Service{Name: "sts", Protocol: core.QueryProtocol{}, Namespace: "https://sts.amazonaws.com/doc/2011-06-15/", Version: "2011-06-15"}
	return s.Add(
		&core.Operation{Name: "AssumeRole", Action: "sts:AssumeRole", Resources: assumeRoleResource, SelfAuthorized: true, Handle: stsAssumeRole},
		&core.Operation{Name: "GetCallerIdentity", Action: "sts:GetCallerIdentity", AlwaysAllowed: true, Handle: stsGetCallerIdentity},
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

func assumeRoleResource(c *core.Req) []string { return []string{c.Param("RoleArn")} }

type assumedRoleUser struct {
	Arn           string
	AssumedRoleId string
}

type stsCredentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      core.XMLTime
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
func stsAssumeRole(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "RoleArn", "RoleSessionName"); err != nil {
		return nil, err
	}
	roleArn, name, extID := c.Param("RoleArn"), c.Param("RoleSessionName"), c.Param("ExternalId")
	if err := core.CheckLength("RoleArn", roleArn, 20, 2048); err != nil {
		return nil, err
	}
	if err := core.CheckLength("RoleSessionName", name, 2, 64); err != nil {
		return nil, err
	}
	if err := core.CheckPattern("RoleSessionName", name, reSessionName); err != nil {
		return nil, err
	}
	if c.HasParam("ExternalId") {
		if err := core.CheckLength("ExternalId", extID, 2, 1224); err != nil {
			return nil, err
		}
		if err := core.CheckPattern("ExternalId", extID, reExternalID); err != nil {
			return nil, err
		}
	}
	duration := 3600
	if n, ok, err := c.ParamInt("DurationSeconds"); err != nil {
		return nil, err
	} else if ok {
		if n < 900 {
			return nil, core.ValidationError("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", n)
		}
		if n > maxSessionDuration {
			return nil, core.ValidationError("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", n, maxSessionDuration)
		}
		duration = n
	}
	iam := stsIAMOf(c)
	tags := c.ParamTags("Tags")
	if err := iam.CheckSessionTags(tags); err != nil {
		return nil, err
	}
	m := reRoleARN.FindStringSubmatch(roleArn)
	if m == nil {
		return nil, core.ValidationError("Value '%s' at 'roleArn' failed to satisfy constraint: Member must be a valid role ARN", roleArn)
	}
	caller := c.Caller
	denied := func(res *iampolicy.Result) error {
		c.Deny()
		return core.AccessDenied("sts", caller.ARN, "sts:AssumeRole", roleArn, res)
	}
	acct := c.AccountByID(m[1])
	var r stsRole
	found := false
	if acct != nil {
		r, found = iam.SessionRole(acct, m[3])
	}
	if !found || r.ARN != roleArn {
		return nil, denied(nil) // AWS does not say whether the role exists
	}
	if c.Now.Before(r.Created.Add(c.PropagationDelay())) {
		return nil, denied(nil) // IAM has not propagated the new role to STS yet
	}

	// The request context of sts:AssumeRole (Service Authorization Reference), used for the
	// trust policy and the caller's own policies alike.
	opCtx := core.MergeContext(core.ResourceTagContext(r.Tags, "iam"), map[string][]string{"sts:RoleSessionName": {name}})
	if c.HasParam("ExternalId") {
		opCtx["sts:ExternalId"] = []string{extID}
	}
	if len(tags) > 0 {
		opCtx = core.MergeContext(opCtx, core.RequestTagContext(tags))
	}
	if src := c.Param("SourceIdentity"); src != "" {
		opCtx["sts:SourceIdentity"] = []string{src}
	}
	req := iampolicy.Request{Caller: caller.Caller(), Action: "sts:AssumeRole", Resource: roleArn, Context: core.MergeContext(c.GlobalContext(caller), opCtx)}
	if res := iampolicy.EvaluateTrust(req, r.Trust); res.Decision != iampolicy.Allowed {
		if res.Decision != iampolicy.ExplicitDeny {
			res.DeniedBy = "" // AWS does not explain trust-policy denials
		}
		return nil, denied(&res)
	}
	if caller.Session != nil {
		specific := req
		specific.Caller.Account = ""
		viaAccountOnly := iampolicy.EvaluateTrust(specific, r.Trust).Decision != iampolicy.Allowed
		res := c.Evaluate(caller, "sts:AssumeRole", roleArn, opCtx)
		switch {
		case caller.Account != acct.Id || viaAccountOnly:
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
			if capped := c.SessionCap(caller, req); capped.Decision != iampolicy.Allowed {
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
		res := iampolicy.EvaluateTrust(x, r.Trust)
		if res.Decision == iampolicy.Allowed && caller.Session != nil {
			res = c.Evaluate(caller, action, roleArn, opCtx)
		} else if res.Decision != iampolicy.ExplicitDeny {
			res.DeniedBy = ""
		}
		if res.Decision != iampolicy.Allowed {
			c.Deny()
			c.Action = action
			return nil, core.AccessDenied("sts", caller.ARN, action, roleArn, &res)
		}
	}

	chained := caller.Session != nil
	if duration > r.MaxSession {
		return nil, core.ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if chained && duration > maxChainedSession {
		return nil, core.NewError("ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	lifetime := time.Duration(duration) * time.Second
	if limit := c.SessionDuration(); limit > 0 && limit < lifetime {
		lifetime = limit // the -session-duration knob: sessions end early so refreshes are exercised
	}
	s := &core.Session{
		AccessKeyID: core.NewID("ASIA", 16), SecretAccessKey: core.NewSecret(), SessionToken: core.NewSessionToken(),
		Account: acct.Id, RoleName: r.Name, RoleID: r.ID, RoleARN: r.ARN, Name: name,
		Issued: c.Now, Expires: c.Now.Add(lifetime), Chained: chained,
		Tags: tags,
	}
	packed, err := sessionPolicies(c, acct, s)
	if err != nil {
		return nil, err
	}
	c.AddSession(s)
	iam.RecordRoleUse(acct, r.Name, c.Now, c.Region)
	return assumeRoleResult{
		Credentials:      stsCredentials{AccessKeyId: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expiration: core.XMLTime(s.Expires)},
		AssumedRoleUser:  assumedRoleUser{Arn: core.SessionARN(acct.Id, r.Name, name), AssumedRoleId: r.ID + ":" + name},
		PackedPolicySize: packed,
	}, nil
}

// sessionPolicies applies the Policy and PolicyArns parameters: the session can then do only
// what they allow as well. It returns the packed size percentage AWS reports.
func sessionPolicies(c *core.Req, acct *core.Account, s *core.Session) (int, *core.APIError) {
	text := c.Param("Policy")
	arns := c.ParamStructs("PolicyArns", "arn")
	if text == "" && len(arns) == 0 {
		return 0, nil
	}
	if len(arns) > 10 {
		return 0, core.ValidationError("Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	s.HasPolicies = true
	iam := stsIAMOf(c)
	size := 0
	if text != "" {
		size = iampolicy.Size(text)
		if size > maxSessionPolicy {
			return 0, core.NewError("PackedPolicyTooLarge", 400, "Packed size of consumed session policies exceeds 100%% of allowed value.")
		}
		doc, err := iam.ParseSessionPolicy(text)
		if err != nil {
			return 0, err
		}
		s.Policies = append(s.Policies, doc)
	}
	for _, m := range arns {
		if d := iam.ManagedPolicyDocument(acct, m["arn"]); d != nil {
			s.Policies = append(s.Policies, d)
		}
	}
	return (size*100 + maxSessionPolicy - 1) / maxSessionPolicy, nil
}

type callerIdentityResult struct {
	UserId  string
	Account string
	Arn     string
}

func stsGetCallerIdentity(c *core.Req) (any, error) {
	p := c.Caller
	return callerIdentityResult{UserId: p.UserID, Account: p.Account, Arn: p.ARN}, nil
}
