package sts

import (
	"slices"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// stsWebIdentityOp is sts:AssumeRoleWithWebIdentity for IRSA: an unsigned call carrying a
// service-account token that an emulated EKS cluster signed. STS checks the signature, finds the
// IAM OIDC provider of the token's issuer in the role's account, requires the audience to be one
// of the provider's client ids, and evaluates the role's trust policy for the provider as the
// federated principal with <issuer>:sub and <issuer>:aud.
func stsWebIdentityOp() *core.Operation {
	return &core.Operation{Name: "AssumeRoleWithWebIdentity", Action: "sts:AssumeRoleWithWebIdentity", Resources: assumeRoleResource,
		SelfAuthorized: true, Anonymous: true, Handle: stsAssumeRoleWithWebIdentity}
}

type webIdentityResult struct {
	Credentials                 stsCredentials
	AssumedRoleUser             assumedRoleUser
	SubjectFromWebIdentityToken string
	Audience                    string
	Provider                    string
	PackedPolicySize            int `xml:",omitempty"`
}

func invalidIdentityToken(format string, args ...any) *core.APIError {
	return core.NewError("InvalidIdentityToken", 400, format, args...)
}

func stsAssumeRoleWithWebIdentity(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "RoleArn", "RoleSessionName", "WebIdentityToken"); err != nil {
		return nil, err
	}
	roleArn, name := c.Param("RoleArn"), c.Param("RoleSessionName")
	if err := core.CheckLength("RoleSessionName", name, 2, 64); err != nil {
		return nil, err
	}
	if err := core.CheckPattern("RoleSessionName", name, reSessionName); err != nil {
		return nil, err
	}
	m := reRoleARN.FindStringSubmatch(roleArn)
	if m == nil {
		return nil, core.ValidationError("Value '%s' at 'roleArn' failed to satisfy constraint: Member must be a valid role ARN", roleArn)
	}
	claims, err := stsEKSOf(c).VerifyServiceAccountToken(c.Param("WebIdentityToken"))
	if err != nil {
		return nil, invalidIdentityToken("%s", err.Error())
	}
	if c.Now.Unix() >= claims.Expires {
		return nil, core.NewError("ExpiredTokenException", 400, "Token expired: current date/time %d must be before the expiration date/time %d", c.Now.Unix(), claims.Expires)
	}
	acct := c.AccountByID(m[1])
	if acct == nil {
		return nil, invalidIdentityToken("No OpenIDConnect provider found in your account for %s", claims.Issuer)
	}
	iam := stsIAMOf(c)
	provider, found := iam.OIDCProvider(acct, claims.Issuer)
	if !found {
		return nil, invalidIdentityToken("No OpenIDConnect provider found in your account for %s", claims.Issuer)
	}
	audience := ""
	for _, aud := range claims.Audience {
		if slices.Contains(provider.ClientIDs, aud) {
			audience = aud
		}
	}
	if audience == "" {
		return nil, invalidIdentityToken("Incorrect token audience")
	}
	denied := func() error {
		c.Deny()
		return core.NewError("AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	r, found := iam.SessionRole(acct, m[3])
	if !found || r.ARN != roleArn || c.Now.Before(r.Created.Add(c.PropagationDelay())) {
		return nil, denied()
	}
	host, providerARN := provider.URL, provider.ARN
	req := iampolicy.Request{
		Caller: iampolicy.Caller{Federated: providerARN}, Action: "sts:AssumeRoleWithWebIdentity", Resource: roleArn,
		Context: map[string][]string{host + ":sub": {claims.Subject}, host + ":aud": {audience}, "aws:FederatedProvider": {providerARN},
			"sts:RoleSessionName": {name}},
	}
	if res := iampolicy.EvaluateTrust(req, r.Trust); res.Decision != iampolicy.Allowed {
		return nil, denied()
	}
	duration := 3600
	if n, ok, err := c.ParamInt("DurationSeconds"); err != nil {
		return nil, err
	} else if ok {
		if n < 900 || n > r.MaxSession {
			return nil, core.ValidationError("The requested DurationSeconds must be between 900 and the role's MaxSessionDuration.")
		}
		duration = n
	}
	lifetime := time.Duration(duration) * time.Second
	if limit := c.SessionDuration(); limit > 0 && limit < lifetime {
		lifetime = limit
	}
	s := &core.Session{
		AccessKeyID: core.NewID("ASIA", 16), SecretAccessKey: core.NewSecret(), SessionToken: core.NewSessionToken(),
		Account: acct.Id, RoleName: r.Name, RoleID: r.ID, RoleARN: r.ARN, Name: name,
		Issued: c.Now, Expires: c.Now.Add(lifetime),
	}
	packed, perr := sessionPolicies(c, acct, s) // Policy and PolicyArns limit this session too
	if perr != nil {
		return nil, perr
	}
	c.AddSession(s)
	iam.RecordRoleUse(acct, r.Name, c.Now, c.Region)
	return webIdentityResult{
		Credentials:                 stsCredentials{AccessKeyId: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expiration: core.XMLTime(s.Expires)},
		AssumedRoleUser:             assumedRoleUser{Arn: core.SessionARN(acct.Id, r.Name, name), AssumedRoleId: r.ID + ":" + name},
		SubjectFromWebIdentityToken: claims.Subject, Audience: audience, Provider: providerARN,
		PackedPolicySize: packed,
	}, nil
}
