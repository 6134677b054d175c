package lakesail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// ConnectionAccess says how to act as a connection's role: what a caller passes to
// OpenConnectionSession. Only RoleARN is required.
type ConnectionAccess struct {
	RoleARN string
	// ExternalID to assume the role with; when empty it is read from the role's trust policy with
	// the client's own credentials.
	ExternalID string
	// ConnectionID and ExternalIDDigest choose, when ExternalID is empty and the trust policy has
	// several external IDs, the one whose ExternalIDDigest(ConnectionID, id) is ExternalIDDigest
	// (a caller that keeps only the digest of a write-only external ID).
	ConnectionID     string
	ExternalIDDigest string
	// Cached reads the trust policy, when the external ID is not given, through the client's
	// cache of connection roles (ObserveConnectionRoleCached), so that the resources of one
	// refresh or plan read the role once. Only a refresh or a plan may set it: anything that
	// changes AWS reads the trust policy afresh.
	Cached bool
	// TenantID of the connection; when empty it is the role's LakeSail-Tenant tag.
	TenantID string
	// SessionName names the role session in CloudTrail; it should start with SessionNamePrefix.
	SessionName string
	// Duration of each role session; one hour when zero.
	Duration time.Duration
	// WaitForPropagation retries a refused AssumeRole for PropagationWindow (a role created in
	// the same apply); otherwise a refusal is final (a *DisconnectedError).
	WaitForPropagation bool
}

// ConnectionSession is a connection role assumed: a Client that acts as the role (its
// credentials refresh ahead of expiry) and what was learnt while assuming it.
type ConnectionSession struct {
	// Role acts as the connection role, with the options of the client that opened the session.
	Role      *Client
	RoleARN   string
	RoleName  string
	AccountID string // the connection's account, from the role ARN
	Partition string
	// ExternalID is the one the role was assumed with (a secret: keep it out of what is shown).
	ExternalID string
	// ExternalIDFromTrust says ExternalID was read from the trust policy, not given.
	ExternalIDFromTrust bool
	// ExternalIDStale says a digest was given, matched none of the trust policy's external IDs,
	// and the trust policy's only one was used: the connection's external ID changed since the
	// digest was taken.
	ExternalIDStale bool
	// TenantID is the connection's tenant: given, or the role's LakeSail-Tenant tag.
	TenantID string
}

// ExternalIDNeededError says the external ID was not given and the role's trust policy has
// several, none of them chosen by the digest: the caller must give it. It never holds the IDs.
type ExternalIDNeededError struct {
	RoleARN  string
	RoleName string
	Count    int  // different external IDs in the trust policy
	Digest   bool // a digest was given and matched none of them
}

func (e *ExternalIDNeededError) Error() string {
	if e.Digest {
		return fmt.Sprintf("the external ID must be given: the trust policy of %s has %d different external IDs and none is the one "+
			"whose digest was given", e.RoleName, e.Count)
	}
	return fmt.Sprintf("the external ID must be given: the trust policy of %s has %d different external IDs", e.RoleName, e.Count)
}

// TenantTagError says the tenant was not given and the connection role has no valid
// LakeSail-Tenant tag to read it from.
type TenantTagError struct {
	RoleName string
	Tag      string
}

func (e *TenantTagError) Error() string {
	return fmt.Sprintf("the tenant must be given: the connection role %s has no valid %s tag", e.RoleName, e.Tag)
}

// ExternalIDDigest is what a caller may keep of a write-only external ID: enough to pick it out
// of a trust policy (ConnectionAccess.ExternalIDDigest), useless for recovering it.
func ExternalIDDigest(connectionID, externalID string) string {
	sum := sha256.Sum256([]byte("lakesail-external-id:" + connectionID + ":" + externalID))
	return hex.EncodeToString(sum[:])
}

// ChooseExternalID picks, from the external IDs of a connection role's trust policy, the one to
// act with when none is given: the one whose ExternalIDDigest is digest, else the only one.
// stale reports a digest that matches none of them (the connection's external ID changed since
// it was taken). It returns "" when the trust policy does not settle it (none, or several).
func ChooseExternalID(trustIDs []string, connectionID, digest string) (externalID string, stale bool) {
	ids := slices.Compact(slices.Sorted(slices.Values(trustIDs)))
	if digest != "" {
		for _, id := range ids {
			if ExternalIDDigest(connectionID, id) == digest {
				return id, false
			}
		}
	}
	if len(ids) == 1 {
		return ids[0], digest != ""
	}
	return "", digest != ""
}

// OpenConnectionSession acts as a connection's role: it finds the external ID when it is not
// given (reading the trust policy with the client's own credentials), assumes the role now (so
// a revoked connection is reported as a *DisconnectedError before any other call, and a new
// role is waited for when access.WaitForPropagation), and finds the tenant. Errors: a
// *DisconnectedError when the role is gone, requires no external ID or refuses the caller; an
// *ExternalIDNeededError when the trust policy has several external IDs and none is chosen; a
// *TenantTagError when the tenant is neither given nor tagged.
//
// When the external ID was read from the trust policy and a later step fails, the returned
// session is not nil: it holds only RoleARN and ExternalID, so that the caller can keep the
// secret out of what it shows (an STS error may quote it).
func (c *Client) OpenConnectionSession(ctx context.Context, access ConnectionAccess) (*ConnectionSession, error) {
	roleName, err := RoleNameOf(access.RoleARN)
	if err != nil {
		return nil, err
	}
	parsed, _ := arn.Parse(access.RoleARN)
	sess := &ConnectionSession{RoleARN: access.RoleARN, RoleName: roleName, AccountID: parsed.AccountID, Partition: parsed.Partition,
		ExternalID: access.ExternalID, TenantID: access.TenantID}
	if sess.ExternalID == "" {
		if err := c.externalIDFromTrust(ctx, access, sess); err != nil {
			return nil, err
		}
	}
	failed := func(err error) (*ConnectionSession, error) {
		if sess.ExternalIDFromTrust {
			return &ConnectionSession{RoleARN: sess.RoleARN, ExternalID: sess.ExternalID}, err
		}
		return nil, err
	}
	role, err := c.AssumeRole(RoleSession{RoleARN: access.RoleARN, ExternalID: sess.ExternalID, SessionName: access.SessionName, Duration: access.Duration})
	if err != nil {
		return failed(err)
	}
	if err := c.openSession(ctx, role, access.RoleARN, access.WaitForPropagation); err != nil {
		return failed(err)
	}
	sess.Role = role
	if sess.TenantID == "" {
		if sess.TenantID, err = tenantFromRole(ctx, role.IAM(), roleName); err != nil {
			return failed(err)
		}
	}
	return sess, nil
}

// externalIDFromTrust fills in the session's external ID (and, when not given, its tenant) from
// the connection role as the client's own credentials read it: the one call made with them.
func (c *Client) externalIDFromTrust(ctx context.Context, access ConnectionAccess, sess *ConnectionSession) error {
	var obs *RoleObservation
	var err error
	if access.Cached {
		obs, err = c.ObserveConnectionRoleCached(ctx, access.RoleARN)
	} else {
		obs, err = c.ObserveConnectionRole(ctx, sess.RoleName)
	}
	if errors.Is(err, ErrNotFound) {
		return &DisconnectedError{RoleARN: access.RoleARN, Reason: "the connection role no longer exists", Err: err}
	}
	if err != nil {
		return fmt.Errorf("reading the external ID from the trust policy of %s: %w", sess.RoleName, err)
	}
	id, stale := ChooseExternalID(obs.ExternalIDs, access.ConnectionID, access.ExternalIDDigest)
	if id == "" {
		count := len(slices.Compact(slices.Sorted(slices.Values(obs.ExternalIDs))))
		if count == 0 {
			return &DisconnectedError{RoleARN: access.RoleARN, Reason: "the trust policy no longer requires an external ID",
				Err: errors.New("no sts:ExternalId condition in the trust policy")}
		}
		return &ExternalIDNeededError{RoleARN: access.RoleARN, RoleName: sess.RoleName, Count: count, Digest: access.ExternalIDDigest != ""}
	}
	sess.ExternalID, sess.ExternalIDFromTrust, sess.ExternalIDStale = id, true, stale
	if sess.TenantID == "" {
		sess.TenantID = obs.TenantID
	}
	return nil
}

// DisconnectedError says the connection role can no longer be used: it was deleted, or its
// trust policy no longer admits the caller with the external ID. Whatever the network owns is
// still in the account; nothing was changed.
type DisconnectedError struct {
	RoleARN string
	Reason  string
	Err     error
}

func (e *DisconnectedError) Error() string {
	return fmt.Sprintf("connection disconnected: %s (%s): %v", e.Reason, e.RoleARN, e.Err)
}

func (e *DisconnectedError) Unwrap() error { return e.Err }

// openSession assumes the role now, so a revoked connection is reported as such before any
// network call. waitForPropagation retries a refusal within PropagationWindow (a role created in
// the same apply); otherwise a refusal is final.
func (c *Client) openSession(ctx context.Context, role *Client, roleARN string, waitForPropagation bool) error {
	assume := func() error {
		_, err := role.Cfg.Credentials.Retrieve(ctx)
		return Classify("sts:AssumeRole", err)
	}
	var err error
	if waitForPropagation {
		err = RetryWhen(ctx, c.PropagationWaits(), IsAccessDenied, assume)
	} else {
		err = assume()
	}
	var stopped *RetryStopped
	switch {
	case err == nil:
		return nil
	case errors.As(err, &stopped) && stopped.Cause != nil:
		return fmt.Errorf("waiting for the connection role %s to become assumable: %w", roleARN, stopped.Cause)
	case IsAccessDenied(err):
		if stopped != nil {
			err = stopped.Last
		}
		return &DisconnectedError{RoleARN: roleARN,
			Reason: "STS refuses to let the caller assume the connection role with the external ID (the role was deleted, or its trust policy no longer admits the caller)",
			Err:    err}
	}
	return fmt.Errorf("assuming the connection role %s: %w", roleARN, err)
}

// tenantFromRole reads the LakeSail-Tenant tag of the connection role, as the role itself.
func tenantFromRole(ctx context.Context, api IAMAPI, roleName string) (string, error) {
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		return "", WrapStep(Classify("iam:GetRole", err), "reading the tenant from the connection role's %s tag", connpolicy.TagTenant)
	}
	tenant := TagMap(out.Role.Tags)[connpolicy.TagTenant]
	if !LakeSailID.MatchString(tenant) {
		return "", &TenantTagError{RoleName: roleName, Tag: connpolicy.TagTenant}
	}
	return tenant, nil
}
