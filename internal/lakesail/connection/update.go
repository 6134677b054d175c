package connection

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Update brings AWS back in line with spec: it restores or updates documents (through
// new policy versions), the boundary, attachments, the trust policy, the session length and the
// role's tags, and removes policies on the role that the connection does not own.
func (c *Client) Update(ctx context.Context, spec Spec) (*Connection, error) {
	bundle, err := c.Bundle(ctx, spec)
	if err != nil {
		return nil, err
	}
	// The role changes here: what a refresh read of it is stale from now on.
	defer c.ForgetConnectionRole(bundle.RoleARN)

	current, err := c.Read(ctx, spec)
	if err != nil {
		return nil, err
	}
	api := c.IAM()
	tags := spec.ConnectionTags()
	expected := ExpectedFingerprints(bundle)

	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(lakesail.IAMConcurrency)
	for _, p := range bundle.Managed() {
		switch current.Fingerprints[string(p.Kind)] {
		case expected[string(p.Kind)], FingerprintDetached:
			continue // the document is right; attachments are restored below
		case FingerprintMissing:
			group.Go(func() error {
				return lakesail.CreateManagedPolicy(gctx, api, p.ARN, lakesail.ManagedPolicy{Name: p.Name, Path: p.Path, Description: p.Description, Document: p.JSON, Tags: tags})
			})
		default:
			group.Go(func() error { return lakesail.SetPolicyDocument(gctx, api, p.ARN, p.JSON) })
		}
	}
	if err := group.Wait(); err != nil {
		return nil, err
	}

	if current.Fingerprints[string(connpolicy.KindTrust)] != expected[string(connpolicy.KindTrust)] {
		_, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(bundle.RoleName), PolicyDocument: aws.String(bundle.Trust.JSON)})
		if err != nil {
			return nil, lakesail.Classify("iam:UpdateAssumeRolePolicy", err)
		}
	}
	if current.RoleBoundaryARN != bundle.RoleBoundary.ARN {
		_, err := api.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(bundle.RoleName), PermissionsBoundary: aws.String(bundle.RoleBoundary.ARN)})
		if err != nil {
			return nil, lakesail.Classify("iam:PutRolePermissionsBoundary", err)
		}
	}
	if err := c.reconcileAttachments(ctx, api, bundle); err != nil {
		return nil, err
	}
	if current.MaxSessionDuration != spec.maxSession() {
		_, err := api.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(bundle.RoleName), MaxSessionDuration: aws.Int32(int32(spec.maxSession() / time.Second))})
		if err != nil {
			return nil, lakesail.Classify("iam:UpdateRole", err)
		}
	}
	if err := lakesail.ReconcileRoleTags(ctx, api, bundle.RoleName, current.Tags, tags); err != nil {
		return nil, err
	}
	return c.Read(ctx, spec)
}

// reconcileAttachments attaches the connection's policies and removes anything else on the role.
func (c *Client) reconcileAttachments(ctx context.Context, api lakesail.IAMAPI, bundle *connpolicy.Bundle) error {
	attached, err := lakesail.FindAttachedPolicyARNs(ctx, api, bundle.RoleName)
	if err != nil {
		return err
	}
	var missing []string
	for _, policyARN := range bundle.AttachedPolicyARNs() {
		if !slices.Contains(attached, policyARN) {
			missing = append(missing, policyARN)
		}
	}
	// Remove what the connection does not own first: IAM allows ten attachments per role.
	for _, policyARN := range attached {
		if slices.Contains(bundle.AttachedPolicyARNs(), policyARN) {
			continue
		}
		_, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(bundle.RoleName), PolicyArn: aws.String(policyARN)})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:DetachRolePolicy", err)); err != nil {
			return err
		}
	}
	inline, err := lakesail.FindInlinePolicyNames(ctx, api, bundle.RoleName)
	if err != nil {
		return err
	}
	for _, name := range inline {
		_, err := api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(bundle.RoleName), PolicyName: aws.String(name)})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:DeleteRolePolicy", err)); err != nil {
			return err
		}
	}
	return attachPolicies(ctx, api, bundle.RoleName, missing)
}
