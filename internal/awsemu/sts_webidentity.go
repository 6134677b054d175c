package awsemu

import (
	"slices"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// stsWebIdentityOp is sts:AssumeRoleWithWebIdentity for IRSA: an unsigned call carrying a
// service-account token that an emulated EKS cluster signed. STS checks the signature, finds the
// IAM OIDC provider of the token's issuer in the role's account, requires the audience to be one
// of the provider's client ids, and evaluates the role's trust policy for the provider as the
// federated principal with <issuer>:sub and <issuer>:aud.
func stsWebIdentityOp() *Operation {
	return &Operation{Name: "AssumeRoleWithWebIdentity", Action: "sts:AssumeRoleWithWebIdentity", Resources: assumeRoleResource,
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

func invalidIdentityToken(format string, args ...any) *APIError {
	return apiError("InvalidIdentityToken", 400, format, args...)
}

func stsAssumeRoleWithWebIdentity(c *Req) (any, error) {
	if err := required(c, "RoleArn", "RoleSessionName", "WebIdentityToken"); err != nil {
		return nil, err
	}
	roleArn, name := c.Param("RoleArn"), c.Param("RoleSessionName")
	if err := checkLen("RoleSessionName", name, 2, 64); err != nil {
		return nil, err
	}
	if err := checkPattern("RoleSessionName", name, reSessionName); err != nil {
		return nil, err
	}
	m := reRoleARN.FindStringSubmatch(roleArn)
	if m == nil {
		return nil, validationError("Value '%s' at 'roleArn' failed to satisfy constraint: Member must be a valid role ARN", roleArn)
	}
	claims, err := verifyServiceAccountToken(c.Param("WebIdentityToken"))
	if err != nil {
		return nil, invalidIdentityToken("%s", err.Error())
	}
	if c.Now.Unix() >= claims.Expires {
		return nil, apiError("ExpiredTokenException", 400, "Token expired: current date/time %d must be before the expiration date/time %d", c.Now.Unix(), claims.Expires)
	}
	acct := c.accountByID(m[1])
	if acct == nil {
		return nil, invalidIdentityToken("No OpenIDConnect provider found in your account for %s", claims.Issuer)
	}
	host := oidcHost(claims.Issuer)
	providerARN := "arn:aws:iam::" + acct.id + ":oidc-provider/" + host
	provider := iamOf(acct).oidc[providerARN]
	if provider == nil {
		return nil, invalidIdentityToken("No OpenIDConnect provider found in your account for %s", claims.Issuer)
	}
	audience := ""
	for _, aud := range claims.Audience {
		if slices.Contains(provider.clientIDs, aud) {
			audience = aud
		}
	}
	if audience == "" {
		return nil, invalidIdentityToken("Incorrect token audience")
	}
	denied := func() error {
		c.Deny()
		return apiError("AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	r := iamOf(acct).role(m[3])
	if r == nil || r.arn(acct.id) != roleArn || c.Now.Before(r.created.Add(c.e.opts.PropagationDelay)) {
		return nil, denied()
	}
	req := iampolicy.Request{
		Caller: iampolicy.Caller{Federated: providerARN}, Action: "sts:AssumeRoleWithWebIdentity", Resource: roleArn,
		Context: map[string][]string{host + ":sub": {claims.Subject}, host + ":aud": {audience}, "aws:FederatedProvider": {providerARN},
			"sts:RoleSessionName": {name}},
	}
	if res := iampolicy.EvaluateTrust(req, r.trust); res.Decision != iampolicy.Allowed {
		return nil, denied()
	}
	duration := 3600
	if n, ok, err := c.ParamInt("DurationSeconds"); err != nil {
		return nil, err
	} else if ok {
		if n < 900 || n > r.maxSession {
			return nil, validationError("The requested DurationSeconds must be between 900 and the role's MaxSessionDuration.")
		}
		duration = n
	}
	lifetime := time.Duration(duration) * time.Second
	if limit := c.e.opts.SessionDuration; limit > 0 && limit < lifetime {
		lifetime = limit
	}
	s := &session{
		AccessKeyID: newID("ASIA", 16), SecretAccessKey: newSecret(), SessionToken: newSessionToken(),
		Account: acct.id, RoleName: r.name, RoleID: r.id, RoleARN: r.arn(acct.id), Name: name,
		Issued: c.Now, Expires: c.Now.Add(lifetime),
	}
	packed, perr := sessionPolicies(c, acct, s) // Policy and PolicyArns limit this session too
	if perr != nil {
		return nil, perr
	}
	c.addSession(s)
	r.lastUsed, r.lastRegion = c.Now, c.Region
	return webIdentityResult{
		Credentials:                 stsCredentials{AccessKeyId: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expiration: xmlTime(s.Expires)},
		AssumedRoleUser:             assumedRoleUser{Arn: sessionARN(acct.id, r.name, name), AssumedRoleId: r.id + ":" + name},
		SubjectFromWebIdentityToken: claims.Subject, Audience: audience, Provider: providerARN,
		PackedPolicySize: packed,
	}, nil
}
