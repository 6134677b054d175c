package lakesail

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
)

// SessionNamePrefix starts the name of every session the library opens on a connection role, so
// CloudTrail shows which calls were LakeSail's.
const SessionNamePrefix = "lakesail-"

// defaultSessionDuration is long enough for most operations; the credentials cache renews the
// session before it expires, so a 20-minute EKS create never meets ExpiredToken.
const defaultSessionDuration = time.Hour

// RoleSession describes how to act as a connection role.
type RoleSession struct {
	RoleARN    string
	ExternalID string
	// SessionName defaults to "lakesail-terraform".
	SessionName string
	// Duration of each session (15m to the role's maximum); defaults to one hour.
	Duration time.Duration
}

// AssumeRole returns a Client that acts as the connection role. Credentials are fetched lazily,
// cached, and refreshed ahead of expiry.
func (c *Client) AssumeRole(session RoleSession) (*Client, error) {
	if session.RoleARN == "" || session.ExternalID == "" {
		return nil, fmt.Errorf("lakesail: acting as a connection role needs its ARN and external ID")
	}
	name := session.SessionName
	if name == "" {
		name = SessionNamePrefix + "terraform"
	}
	duration := session.Duration
	if duration == 0 {
		duration = defaultSessionDuration
	}
	opts := c.options()
	provider := stscreds.NewAssumeRoleProvider(c.STS(), session.RoleARN, func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = aws.String(session.ExternalID)
		o.RoleSessionName = name
		o.Duration = duration
	})
	cfg := c.Cfg.Copy()
	cfg.Credentials = aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
		// Renew well ahead of expiry so no long wait straddles the end of a session.
		o.ExpiryWindow = duration / 4
	})
	// Other credentials: another identity and other SDK clients.
	return &Client{Cfg: cfg, opts: opts, caller: &callerCache{}, clients: newClientSet(cfg, opts), roles: &roleCache{}}, nil
}
