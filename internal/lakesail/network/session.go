package network

import (
	"context"
	"errors"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// networkRun is one network operation acting as the connection role.
type networkRun struct {
	spec      Spec
	tenantID  string
	accountID string // the connection's account (from the role ARN)
	partition string
	region    string
	waits     lakesail.WaitOptions
	inv       *ec2Inventory // what a delete found, to explain a refusal

	ec2 lakesail.EC2API
	s3  lakesail.S3API
	kms lakesail.KMSAPI

	// owner acts with the client's own credentials, only to restore what the connection role
	// is denied changing (see ownerAccess).
	owner *lakesail.OwnerAccess
}

// SessionName names the role session of a network's operations in CloudTrail:
// lakesail-network-<NET>.
func SessionName(networkID string) string {
	return lakesail.SessionNamePrefix + "network-" + networkID
}

// startNetwork validates the spec and acts as the connection role (see networkSession).
// waitForPropagation retries a refused AssumeRole for PropagationWindow (a role created in the
// same apply); otherwise a refusal is final.
func (c *Client) startNetwork(ctx context.Context, spec Spec, waitForPropagation bool) (*networkRun, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return c.networkSession(ctx, spec, waitForPropagation)
}

// networkSession acts as the connection role for spec, which must name a valid role: through
// spec.Session when the caller opened one, else through a session opened here
// (OpenConnectionSession, which finds the external ID and the tenant when they are not given).
func (c *Client) networkSession(ctx context.Context, spec Spec, waitForPropagation bool) (*networkRun, error) {
	sess := spec.Session
	if sess == nil {
		var err error
		sess, err = c.OpenConnectionSession(ctx, lakesail.ConnectionAccess{
			RoleARN: spec.RoleARN, ExternalID: spec.ExternalID, TenantID: spec.TenantID,
			SessionName: SessionName(spec.NetworkID), WaitForPropagation: waitForPropagation,
		})
		if err != nil {
			return nil, networkSessionError(err)
		}
	} else if sess.Role == nil || sess.RoleARN != spec.RoleARN {
		return nil, specError("Session", "must be a session opened on the connection role %s", spec.RoleARN)
	}
	spec.ExternalID, spec.TenantID = sess.ExternalID, sess.TenantID
	role := sess.Role
	return &networkRun{
		spec: spec, tenantID: sess.TenantID, accountID: sess.AccountID, partition: sess.Partition,
		region: role.Cfg.Region, waits: c.WaitOptions(),
		ec2: role.EC2(), s3: role.S3(), kms: role.KMS(),
		owner: &lakesail.OwnerAccess{Base: c.Client, AccountID: sess.AccountID},
	}, nil
}

// networkSessionError keeps the errors of a NetworkSpec whose external ID or tenant the
// connection role does not settle: a *NetworkSpecError naming the field to give.
func networkSessionError(err error) error {
	var needed *lakesail.ExternalIDNeededError
	var untagged *lakesail.TenantTagError
	var badARN *lakesail.RoleARNError
	switch {
	case errors.As(err, &badARN):
		return specError("RoleARN", "%v", badARN)
	case errors.As(err, &needed):
		return specError("ExternalID", "must be given: the trust policy of %s has %d different external IDs", needed.RoleName, needed.Count)
	case errors.As(err, &untagged):
		return specError("TenantID", "must be given: the connection role %s has no valid %s tag", untagged.RoleName, untagged.Tag)
	}
	return err
}

// ownerS3 is the account's own S3 client for restoring setting of the bucket, or an
// *OwnerCredentialsRequiredError when the client has no credentials of the account.
func (r *networkRun) ownerS3(ctx context.Context, setting string) (lakesail.S3API, error) {
	s3c, _, ok, err := r.owner.Clients(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &lakesail.OwnerCredentialsRequiredError{Resource: "bucket " + r.spec.BucketName(), Setting: setting}
	}
	return s3c, nil
}

// ownerKMS is the account's own KMS client for restoring setting of the network's key, or an
// *OwnerCredentialsRequiredError when the client has no credentials of the account.
func (r *networkRun) ownerKMS(ctx context.Context, keyARN, setting string) (lakesail.KMSAPI, error) {
	_, kmsc, ok, err := r.owner.Clients(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &lakesail.OwnerCredentialsRequiredError{Resource: "KMS key " + keyARN, Setting: setting}
	}
	return kmsc, nil
}
