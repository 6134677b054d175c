package connection

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// fixPolicyBlocked is the advice for a connection policy used outside the connection.
const fixPolicyBlocked = "detach the policy from them (or give them another permissions boundary) and destroy again; " +
	"destroy never changes IAM identities the connection did not create"

// Delete revokes everything the connection can do and everything its role made, with
// the caller's (the account's) credentials:
//
//  1. it refuses, before changing anything, when a connection policy is used by an identity the
//     destroy would not delete (a *DeleteBlockedError naming each), rather than detach it;
//  2. it disarms the role: every policy but the explicit deny is detached and every inline
//     policy deleted, so a live session can no longer make anything while the rest runs;
//  3. it deletes the workload roles (the namespace lakesail-<ID>-*, and every role bounded by
//     WorkloadBoundary) with their policies and instance profiles, the namespace's instance
//     profiles, and the OIDC providers the connection made;
//  4. it deletes the scoped policies, WorkloadBoundary, the explicit deny and RoleBoundary, and
//     the role last: until then a failed destroy leaves the connection readable (and in state),
//     never a policy without the role that records it.
//
// Objects already gone count as deleted, so a repeated or resumed destroy finishes the job.
func (c *Client) Delete(ctx context.Context, spec Spec) error {
	bundle, err := c.Bundle(ctx, spec)
	if err != nil {
		return err
	}
	// The role changes here: what a refresh read of it is stale from now on.
	defer c.ForgetConnectionRole(bundle.RoleARN)

	api := c.IAM()
	ns := namespaceOf(bundle)
	created, haveCreated, err := connectionCreated(ctx, api, bundle)
	if err != nil {
		return err
	}
	roles, err := findWorkloadRoles(ctx, api, bundle)
	if err != nil {
		return err
	}
	removed := map[string]bool{strings.ToLower(bundle.RoleName): true}
	for _, r := range roles {
		removed[strings.ToLower(r.Name)] = true
	}
	if err := checkDeleteBlockers(ctx, api, bundle, removed); err != nil {
		return err
	}
	if err := disarmConnectionRole(ctx, api, bundle); err != nil {
		return err
	}
	// Listed again: until the role was disarmed, a session of it could still create roles.
	if roles, err = findWorkloadRoles(ctx, api, bundle); err != nil {
		return err
	}
	keptProviders, err := c.revokeWorkloadIAM(ctx, api, bundle, roles, created, haveCreated)
	if err != nil {
		return err
	}

	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(lakesail.IAMConcurrency)
	for _, p := range bundle.Managed() {
		switch p.Kind {
		case connpolicy.KindRoleBoundary, connpolicy.KindWorkloadBoundary, connpolicy.KindExplicitDeny:
			continue // deleted below, in order
		}
		group.Go(func() error { return deleteConnectionPolicy(gctx, api, p) })
	}
	if err := group.Wait(); err != nil {
		return err
	}
	if err := deleteConnectionPolicy(ctx, api, bundle.WorkloadBoundary); err != nil {
		return err
	}
	// The role now has no permissions; the deny and its boundary come off so that they can go.
	_, err = api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(bundle.RoleName), PolicyArn: aws.String(bundle.ExplicitDeny.ARN)})
	if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:DetachRolePolicy", err)); err != nil {
		return err
	}
	if err := deleteConnectionPolicy(ctx, api, bundle.ExplicitDeny); err != nil {
		return err
	}
	_, err = api.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(bundle.RoleName)})
	if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:DeleteRolePermissionsBoundary", err)); err != nil {
		return err
	}
	if err := deleteConnectionPolicy(ctx, api, bundle.RoleBoundary); err != nil {
		return err
	}
	if err := deleteRoleIn(ctx, api, bundle.RoleName, ns); err != nil {
		return err
	}
	if len(keptProviders) > 0 {
		return &KeptOIDCProvidersError{Kept: keptProviders}
	}
	return nil
}

// checkDeleteBlockers finds every identity, other than the roles the destroy deletes (removed,
// by lower-case name), that uses one of the connection's policies.
func checkDeleteBlockers(ctx context.Context, api lakesail.IAMAPI, bundle *connpolicy.Bundle, removed map[string]bool) error {
	policies := bundle.Managed()
	blocked := make([]error, len(policies))
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(lakesail.IAMConcurrency)
	for i, p := range policies {
		group.Go(func() error {
			blockers, err := policyBlockers(gctx, api, p.ARN, removed)
			if err != nil {
				return lakesail.IgnoreNotFound(err)
			}
			if len(blockers) > 0 {
				blocked[i] = &lakesail.DeleteBlockedError{Object: "IAM policy " + p.Name, BlockedBy: blockers, Fix: fixPolicyBlocked}
			}
			return nil
		})
	}
	if err := group.Wait(); err != nil {
		return err
	}
	return errors.Join(blocked...)
}

// policyBlockers names the identities that use a managed policy, as a permissions policy or as
// a permissions boundary, except the roles in removed.
func policyBlockers(ctx context.Context, api lakesail.IAMAPI, policyARN string, removed map[string]bool) ([]string, error) {
	var out []string
	for _, usage := range []iamtypes.PolicyUsageType{iamtypes.PolicyUsageTypePermissionsPolicy, iamtypes.PolicyUsageTypePermissionsBoundary} {
		how := "attached"
		if usage == iamtypes.PolicyUsageTypePermissionsBoundary {
			how = "permissions boundary"
		}
		entities, err := lakesail.FindPolicyEntities(ctx, api, policyARN, usage)
		if err != nil {
			return nil, err
		}
		for _, name := range entities.Roles {
			if !removed[strings.ToLower(name)] {
				out = append(out, fmt.Sprintf("role %s (%s)", name, how))
			}
		}
		for _, name := range entities.Users {
			out = append(out, fmt.Sprintf("user %s (%s)", name, how))
		}
		for _, name := range entities.Groups {
			out = append(out, fmt.Sprintf("group %s (%s)", name, how))
		}
	}
	return out, nil
}

// deleteConnectionPolicy deletes one of the connection's policies; when AWS still refuses with
// DeleteConflict, the error names what uses it.
func deleteConnectionPolicy(ctx context.Context, api lakesail.IAMAPI, p *connpolicy.Policy) error {
	err := lakesail.DeleteManagedPolicy(ctx, api, p.ARN)
	if !lakesail.IsDeleteConflict(err) {
		return err
	}
	blockers, lerr := policyBlockers(ctx, api, p.ARN, nil)
	if lerr != nil {
		return errors.Join(err, lerr)
	}
	fix := fixPolicyBlocked
	if len(blockers) == 0 {
		fix = "run destroy again"
	}
	return &lakesail.DeleteBlockedError{Object: "IAM policy " + p.Name, BlockedBy: blockers, Fix: fix, Err: err}
}

// disarmConnectionRole leaves the connection role only its explicit deny (and its boundary):
// every other managed policy is detached and every inline policy deleted. A missing role is done.
func disarmConnectionRole(ctx context.Context, api lakesail.IAMAPI, bundle *connpolicy.Bundle) error {
	attached, err := lakesail.FindAttachedPolicyARNs(ctx, api, bundle.RoleName)
	if err != nil {
		return lakesail.IgnoreNotFound(err)
	}
	attached = slices.DeleteFunc(attached, func(arn string) bool { return arn == bundle.ExplicitDeny.ARN })
	if err := lakesail.DetachRolePolicies(ctx, api, bundle.RoleName, attached); err != nil {
		return err
	}
	return lakesail.DeleteInlinePolicies(ctx, api, bundle.RoleName)
}

// deleteRoleIn is deleteRole, with the account's credentials, for a role that may be in
// instance profiles: it takes the role out of each and deletes those named in ns.
func deleteRoleIn(ctx context.Context, api lakesail.IAMAPI, roleName string, ns namespace) error {
	if err := lakesail.EmptyRole(ctx, api, roleName); err != nil {
		return lakesail.IgnoreNotFound(err)
	}
	profiles, err := lakesail.FindInstanceProfilesForRole(ctx, api, roleName)
	if err := lakesail.IgnoreNotFound(err); err != nil {
		return err
	}
	for _, p := range profiles {
		name := aws.ToString(p.InstanceProfileName)
		if err := removeRoleFromInstanceProfile(ctx, api, name, roleName); err != nil {
			return err
		}
		if ns.contains(aws.ToString(p.Path), name) {
			if err := deleteInstanceProfile(ctx, api, name); err != nil {
				return err
			}
		}
	}
	return lakesail.DeleteEmptiedRole(ctx, api, roleName)
}
