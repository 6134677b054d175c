package core

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// Principal is who makes a call: an account's root or a role session.
type Principal struct {
	Account   string
	ARN       string // arn:aws:iam::ACCT:root or arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	UserID    string // ACCT for root, AROA...:SESSION for sessions
	AccessKey string
	Session   *Session // nil for root and anonymous callers
	Anonymous bool
}

// Session is a set of temporary credentials minted by AssumeRole.
type Session struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Account                                    string
	RoleName, RoleID, RoleARN                  string
	Name                                       string // RoleSessionName
	Issued, Expires                            time.Time
	Chained                                    bool // assumed by another role session
	// Session policies (AssumeRole Policy and PolicyArns) further limit the session when set.
	HasPolicies bool
	Policies    []*iampolicy.Document
	Tags        []Tag // session tags; they override role tags of the same key
}

func (p *Principal) IsRoot() bool { return p.Session == nil && !p.Anonymous }

// Type is the aws:PrincipalType value.
func (p *Principal) Type() string {
	switch {
	case p.Anonymous:
		return "Anonymous"
	case p.Session != nil:
		return "AssumedRole"
	default:
		return "Account"
	}
}

// Caller is the principal as the evaluator sees it.
func (p *Principal) Caller() iampolicy.Caller {
	c := iampolicy.Caller{ARN: p.ARN, Account: p.Account}
	if p.Session != nil {
		c.RoleARN = p.Session.RoleARN
	}
	return c
}

func SessionARN(acct, roleName, sessionName string) string {
	return "arn:aws:sts::" + acct + ":assumed-role/" + roleName + "/" + sessionName
}

// authenticate resolves the access key in the signature to a principal and verifies the
// signature with that principal's secret. Called with e.mu held.
func (e *Emulator) authenticate(c *Req, sig *sigV4) *APIError {
	svc := c.Service.Name
	var creds aws.Credentials
	p := &Principal{AccessKey: sig.AccessKey}
	if a := e.st.rootKeys[sig.AccessKey]; a != nil {
		if sig.Token != "" {
			return ServiceError(svc, errInvalidClientTokenID, "")
		}
		creds = a.root
		p.Account, p.ARN, p.UserID = a.Id, "arn:aws:iam::"+a.Id+":root", a.Id
		c.Account = a
	} else if s := e.st.sessions[sig.AccessKey]; s != nil {
		if sig.Token != s.SessionToken {
			return ServiceError(svc, errInvalidClientTokenID, "")
		}
		creds = aws.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken}
		p.Account, p.ARN, p.UserID, p.Session = s.Account, SessionARN(s.Account, s.RoleName, s.Name), s.RoleID+":"+s.Name, s
		c.Account = e.st.accounts[s.Account]
	} else {
		return ServiceError(svc, errInvalidClientTokenID, "")
	}
	c.Caller = p
	if msg := sig.checkTime(time.Now()); msg != "" {
		return ServiceError(svc, errSignatureDoesNotMatch, msg)
	}
	if !sig.verify(c.HTTP, c.Body, creds) {
		return ServiceError(svc, errSignatureDoesNotMatch, "")
	}
	if p.Session != nil && !c.Now.Before(p.Session.Expires) {
		return ServiceError(svc, errExpiredToken, "")
	}
	return nil
}

// anonymous is the principal of an unsigned request to an Anonymous operation.
func anonymous() *Principal { return &Principal{ARN: "anonymous", Anonymous: true} }
