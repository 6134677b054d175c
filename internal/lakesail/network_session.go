package lakesail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

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

	ec2 *ec2.Client
	s3  *s3.Client
	kms *kms.Client
}

// waitOptions bound the polling of NAT gateways and of retries on eventual consistency.
type waitOptions struct {
	minDelay, maxDelay time.Duration
}

func (c *Client) waitOptions() waitOptions {
	w := waitOptions{minDelay: c.opts.WaitMinDelay, maxDelay: c.opts.WaitMaxDelay}
	if w.minDelay <= 0 {
		w.minDelay = 5 * time.Second
	}
	if w.maxDelay < w.minDelay {
		w.maxDelay = max(w.minDelay, 30*time.Second)
	}
	return w
}

// networkSessionName names the role session in CloudTrail: lakesail-network-<NET>.
func networkSessionName(networkID string) string { return SessionNamePrefix + "network-" + networkID }

// startNetwork validates the spec, finds the external ID when it is not given, assumes the
// connection role and resolves the tenant. waitForPropagation retries a refused AssumeRole for
// PropagationWindow (a role created in the same apply); otherwise a refusal is final.
func (c *Client) startNetwork(ctx context.Context, spec NetworkSpec, waitForPropagation bool) (*networkRun, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return c.networkSession(ctx, spec, waitForPropagation)
}

// networkSession acts as the connection role for spec, which must name a valid role.
func (c *Client) networkSession(ctx context.Context, spec NetworkSpec, waitForPropagation bool) (*networkRun, error) {
	roleName, err := roleNameOf(spec.RoleARN)
	if err != nil {
		return nil, err
	}
	if spec.ExternalID == "" {
		// The one call made with the client's own credentials: the trust policy holds the
		// external ID (and the role's tags the tenant).
		obs, err := c.ObserveConnectionRole(ctx, roleName)
		if errors.Is(err, ErrNotFound) {
			return nil, &DisconnectedError{RoleARN: spec.RoleARN, Reason: "the connection role no longer exists", Err: err}
		}
		if err != nil {
			return nil, fmt.Errorf("reading the external ID from the trust policy of %s: %w", roleName, err)
		}
		ids := slices.Compact(slices.Sorted(slices.Values(obs.ExternalIDs)))
		switch len(ids) {
		case 0:
			return nil, &DisconnectedError{RoleARN: spec.RoleARN, Reason: "the trust policy no longer requires an external ID",
				Err: errors.New("no sts:ExternalId condition in the trust policy")}
		case 1:
			spec.ExternalID = ids[0]
		default:
			return nil, specError("ExternalID", "must be given: the trust policy of %s has %d different external IDs", roleName, len(ids))
		}
		if spec.TenantID == "" {
			spec.TenantID = obs.TenantID
		}
	}
	role, err := c.AssumeRole(RoleSession{RoleARN: spec.RoleARN, ExternalID: spec.ExternalID, SessionName: networkSessionName(spec.NetworkID)})
	if err != nil {
		return nil, err
	}
	if err := c.openSession(ctx, role, spec.RoleARN, waitForPropagation); err != nil {
		return nil, err
	}
	parsed, _ := arn.Parse(spec.RoleARN)
	run := &networkRun{
		spec: spec, tenantID: spec.TenantID, accountID: parsed.AccountID, partition: parsed.Partition,
		region: role.cfg.Region, waits: c.waitOptions(),
		ec2: ec2Client(role.cfg, role.opts), s3: s3Client(role.cfg, role.opts), kms: kmsClient(role.cfg, role.opts),
	}
	if run.tenantID == "" {
		if run.tenantID, err = tenantFromRole(ctx, iamClient(role.cfg, role.opts), roleName); err != nil {
			return nil, err
		}
	}
	return run, nil
}

// openSession assumes the role now, so a revoked connection is reported as such before any
// network call.
func (c *Client) openSession(ctx context.Context, role *Client, roleARN string, waitForPropagation bool) error {
	delay, start := c.waitOptions().minDelay, time.Now()
	for {
		_, err := role.cfg.Credentials.Retrieve(ctx)
		if err == nil {
			return nil
		}
		wrapped := classify("sts:AssumeRole", err)
		var awsErr *AWSError
		if !errors.As(wrapped, &awsErr) || !awsErr.IsAccessDenied() {
			return fmt.Errorf("assuming the connection role %s: %w", roleARN, wrapped)
		}
		if !waitForPropagation || time.Since(start)+delay > PropagationWindow {
			return &DisconnectedError{RoleARN: roleARN,
				Reason: "STS refuses to let the caller assume the connection role with the external ID (the role was deleted, or its trust policy no longer admits the caller)",
				Err:    wrapped}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the connection role %s to become assumable: %w", roleARN, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, c.waitOptions().maxDelay)
	}
}

// tenantFromRole reads the LakeSail-Tenant tag of the connection role, as the role itself.
func tenantFromRole(ctx context.Context, api *iam.Client, roleName string) (string, error) {
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		return "", step(classify("iam:GetRole", err), "reading the tenant from the connection role's %s tag", connpolicy.TagTenant)
	}
	tenant := tagMap(out.Role.Tags)[connpolicy.TagTenant]
	if !lakeSailID.MatchString(tenant) {
		return "", specError("TenantID", "must be given: the connection role %s has no valid %s tag", roleName, connpolicy.TagTenant)
	}
	return tenant, nil
}
