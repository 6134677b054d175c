package lakesail

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// networkRun is one network operation acting as the connection role.
type networkRun struct {
	spec      NetworkSpec
	tenantID  string
	accountID string // the connection's account (from the role ARN)
	partition string
	region    string
	waits     waitOptions
	inv       *ec2Inventory // what a delete found, to explain a refusal

	ec2 ec2API
	s3  s3API
	kms kmsAPI

	// owner acts with the client's own credentials, only to restore what the connection role
	// is denied changing (see ownerAccess).
	owner *ownerAccess
}

// NetworkSessionName names the role session of a network's operations in CloudTrail:
// lakesail-network-<NET>.
func NetworkSessionName(networkID string) string { return SessionNamePrefix + "network-" + networkID }

// startNetwork validates the spec and acts as the connection role (see networkSession).
// waitForPropagation retries a refused AssumeRole for PropagationWindow (a role created in the
// same apply); otherwise a refusal is final.
func (c *Client) startNetwork(ctx context.Context, spec NetworkSpec, waitForPropagation bool) (*networkRun, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return c.networkSession(ctx, spec, waitForPropagation)
}

// networkSession acts as the connection role for spec, which must name a valid role: through
// spec.Session when the caller opened one, else through a session opened here
// (OpenConnectionSession, which finds the external ID and the tenant when they are not given).
func (c *Client) networkSession(ctx context.Context, spec NetworkSpec, waitForPropagation bool) (*networkRun, error) {
	sess := spec.Session
	if sess == nil {
		var err error
		sess, err = c.OpenConnectionSession(ctx, ConnectionAccess{
			RoleARN: spec.RoleARN, ExternalID: spec.ExternalID, TenantID: spec.TenantID,
			SessionName: NetworkSessionName(spec.NetworkID), WaitForPropagation: waitForPropagation,
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
		region: role.cfg.Region, waits: c.waitOptions(),
		ec2: role.ec2(), s3: role.s3(), kms: role.kms(),
		owner: &ownerAccess{base: c, accountID: sess.AccountID},
	}, nil
}

// networkSessionError keeps the errors of a NetworkSpec whose external ID or tenant the
// connection role does not settle: a *NetworkSpecError naming the field to give.
func networkSessionError(err error) error {
	var needed *ExternalIDNeededError
	var untagged *TenantTagError
	switch {
	case errors.As(err, &needed):
		return specError("ExternalID", "must be given: the trust policy of %s has %d different external IDs", needed.RoleName, needed.Count)
	case errors.As(err, &untagged):
		return specError("TenantID", "must be given: the connection role %s has no valid %s tag", untagged.RoleName, untagged.Tag)
	}
	return err
}

// openSession assumes the role now, so a revoked connection is reported as such before any
// network call. waitForPropagation retries a refusal within PropagationWindow (a role created in
// the same apply); otherwise a refusal is final.
func (c *Client) openSession(ctx context.Context, role *Client, roleARN string, waitForPropagation bool) error {
	assume := func() error {
		_, err := role.cfg.Credentials.Retrieve(ctx)
		return classify("sts:AssumeRole", err)
	}
	var err error
	if waitForPropagation {
		err = retryWhen(ctx, c.propagationWaits(), isAccessDenied, assume)
	} else {
		err = assume()
	}
	var stopped *retryStopped
	switch {
	case err == nil:
		return nil
	case errors.As(err, &stopped) && stopped.Cause != nil:
		return fmt.Errorf("waiting for the connection role %s to become assumable: %w", roleARN, stopped.Cause)
	case isAccessDenied(err):
		if stopped != nil {
			err = stopped.Last
		}
		return &DisconnectedError{RoleARN: roleARN,
			Reason: "STS refuses to let the caller assume the connection role with the external ID (the role was deleted, or its trust policy no longer admits the caller)",
			Err:    err}
	}
	return fmt.Errorf("assuming the connection role %s: %w", roleARN, err)
}

// isAccessDenied: AWS refused the call (STS refuses to assume a role IAM has not propagated yet).
func isAccessDenied(err error) bool {
	var awsErr *AWSError
	return errors.As(err, &awsErr) && awsErr.IsAccessDenied()
}

// tenantFromRole reads the LakeSail-Tenant tag of the connection role, as the role itself.
func tenantFromRole(ctx context.Context, api iamAPI, roleName string) (string, error) {
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		return "", step(classify("iam:GetRole", err), "reading the tenant from the connection role's %s tag", connpolicy.TagTenant)
	}
	tenant := tagMap(out.Role.Tags)[connpolicy.TagTenant]
	if !lakeSailID.MatchString(tenant) {
		return "", &TenantTagError{RoleName: roleName, Tag: connpolicy.TagTenant}
	}
	return tenant, nil
}

// ownerAccess is the client's own credentials, used for nothing but restoring the settings that
// keep the network's data in the account and that the connection role is denied changing once
// they are set: the workspace bucket's policy, public access block, default encryption and object
// ownership, and the network key's policy. They stand for the account only when they belong to
// the connection's account: LakeSail's control plane uses the library with credentials of its own
// account, and those must never stand in for the customer's. Resolved on first use, so a network
// without such drift makes no call with them.
type ownerAccess struct {
	base      *Client
	accountID string // the connection's

	mu       sync.Mutex
	resolved bool
	s3       s3API // nil when the client's credentials are not the account's
	kms      kmsAPI
}

// clients returns the S3 and KMS clients acting with the account's own credentials, or
// ok == false when the client's credentials belong to another account.
func (o *ownerAccess) clients(ctx context.Context) (s3c s3API, kmsc kmsAPI, ok bool, err error) {
	if o == nil || o.base == nil {
		return nil, nil, false, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.resolved {
		account, err := o.base.AccountID(ctx)
		if err != nil {
			return nil, nil, false, fmt.Errorf("finding the account of the client's own credentials: %w", err)
		}
		if account == o.accountID {
			o.s3, o.kms = o.base.s3(), o.base.kms()
		}
		o.resolved = true
	}
	return o.s3, o.kms, o.s3 != nil, nil
}

// ownerS3 is the account's own S3 client for restoring setting of the bucket, or an
// *OwnerCredentialsRequiredError when the client has no credentials of the account.
func (r *networkRun) ownerS3(ctx context.Context, setting string) (s3API, error) {
	s3c, _, ok, err := r.owner.clients(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &OwnerCredentialsRequiredError{Resource: "bucket " + r.spec.BucketName(), Setting: setting}
	}
	return s3c, nil
}

// ownerKMS is the account's own KMS client for restoring setting of the network's key, or an
// *OwnerCredentialsRequiredError when the client has no credentials of the account.
func (r *networkRun) ownerKMS(ctx context.Context, keyARN, setting string) (kmsAPI, error) {
	_, kmsc, ok, err := r.owner.clients(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &OwnerCredentialsRequiredError{Resource: "KMS key " + keyARN, Setting: setting}
	}
	return kmsc, nil
}

// OwnerCredentialsRequiredError says a setting that keeps the network's data in the account
// drifted (the workspace bucket's policy, public access block, default encryption or object
// ownership, or the network key's policy) and was not restored. The connection role is denied
// changing these once they are set, so that it can never widen access to the data; only the
// account's own credentials may restore them. Err is nil when the client's credentials are not
// the account's (LakeSail's control plane acts through the role alone), else why the attempt made
// with them failed.
type OwnerCredentialsRequiredError struct {
	Resource string // "bucket lakesail-…-ws" or "KMS key arn:…"
	Setting  string // "bucket policy", "public access block", "default encryption", "object ownership", "key policy"
	Err      error
}

func (e *OwnerCredentialsRequiredError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("the %s of %s drifted and the connection role may not restore it: it must be restored with the "+
			"account's own credentials (terraform apply with the account's credentials does it)", e.Setting, e.Resource)
	}
	return fmt.Sprintf("the %s of %s drifted; restoring it with the account's own credentials failed: %v", e.Setting, e.Resource, e.Err)
}

func (e *OwnerCredentialsRequiredError) Unwrap() error { return e.Err }
