package connection

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Revocation: what the connection role made in IAM, found with the account's own credentials so
// that a destroy removes all of it and a read can say which of it trusts someone else.

// namespace is where the connection role may create roles. Its policy grants iam:CreateRole on
// role/lakesail-<ID>-*, and an ARN pattern matches path and name together: a name lakesail-<ID>-…
// under path "/", and also any name under a path that starts with /lakesail-<ID>-.
type namespace string

func namespaceOf(bundle *connpolicy.Bundle) namespace {
	return namespace("/" + bundle.Spec.NamePrefix())
}

func (n namespace) contains(path, name string) bool {
	return strings.HasPrefix(path+name, string(n))
}

// workloadRole is a role the connection made: one in its namespace other than the connection
// role and the callback role (which the CloudFormation template creates and the connection role
// may not touch), or any role, wherever it is named, whose permissions boundary is
// WorkloadBoundary (the connection role can only create roles that carry it, and cannot remove it).
type workloadRole struct {
	Name, ARN string
	Trust     string // the decoded trust policy
}

// findWorkloadRoles lists the connection's workload roles, by name.
func findWorkloadRoles(ctx context.Context, api lakesail.IAMAPI, bundle *connpolicy.Bundle) ([]workloadRole, error) {
	var all []iamtypes.Role
	var bounded lakesail.PolicyEntities
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() (err error) { all, err = lakesail.FindRoles(gctx, api); return err })
	group.Go(func() (err error) {
		bounded, err = lakesail.FindPolicyEntities(gctx, api, bundle.WorkloadBoundary.ARN, iamtypes.PolicyUsageTypePermissionsBoundary)
		return lakesail.IgnoreNotFound(err)
	})
	if err := group.Wait(); err != nil {
		return nil, err
	}
	ns := namespaceOf(bundle)
	byName := map[string]iamtypes.Role{}
	found := map[string]workloadRole{}
	add := func(r iamtypes.Role) error {
		trust, err := lakesail.DecodePolicyDocument(aws.ToString(r.AssumeRolePolicyDocument))
		if err != nil {
			return err
		}
		found[strings.ToLower(aws.ToString(r.RoleName))] = workloadRole{Name: aws.ToString(r.RoleName), ARN: aws.ToString(r.Arn), Trust: trust}
		return nil
	}
	for _, r := range all {
		name := aws.ToString(r.RoleName)
		byName[strings.ToLower(name)] = r
		if ns.contains(aws.ToString(r.Path), name) && !strings.EqualFold(name, bundle.RoleName) && !strings.EqualFold(name, bundle.CallbackRoleName) {
			if err := add(r); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range bounded.Roles {
		key := strings.ToLower(name)
		if strings.EqualFold(name, bundle.RoleName) || found[key].Name != "" {
			continue
		}
		r, listed := byName[key]
		if !listed { // created after ListRoles ran
			role, err := lakesail.FindRole(ctx, api, name)
			if errors.Is(err, lakesail.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			r = *role
		}
		if err := add(r); err != nil {
			return nil, err
		}
	}
	out := make([]workloadRole, 0, len(found))
	for _, r := range found {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// connectionCreated is when the connection's first object was made (WorkloadBoundary, or the
// role when the policy is gone); ok is false when neither exists.
func connectionCreated(ctx context.Context, api lakesail.IAMAPI, bundle *connpolicy.Bundle) (created time.Time, ok bool, err error) {
	policy, err := lakesail.FindPolicy(ctx, api, bundle.WorkloadBoundary.ARN)
	if err == nil {
		return aws.ToTime(policy.CreateDate), true, nil
	}
	if !errors.Is(err, lakesail.ErrNotFound) {
		return time.Time{}, false, err
	}
	role, err := lakesail.FindRole(ctx, api, bundle.RoleName)
	if err == nil {
		return aws.ToTime(role.CreateDate), true, nil
	}
	return time.Time{}, false, lakesail.IgnoreNotFound(err)
}

// findConnectionOIDCProviders lists the IAM OIDC providers the connection made: tagged
// LakeSail-Connection=<ID> and created after the connection (created). The tag alone is not
// proof: IAM cannot stop the connection role from adding it to a provider it did not create, but
// a provider older than the connection cannot be one it made, and a destroy run with the
// account's credentials must not delete the account's own providers.
func findConnectionOIDCProviders(ctx context.Context, api lakesail.IAMAPI, connectionID string, created time.Time) ([]string, error) {
	arns, err := lakesail.FindOIDCProviderARNs(ctx, api)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var owned []string
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(lakesail.IAMConcurrency)
	for _, providerARN := range arns {
		group.Go(func() error {
			provider, err := lakesail.FindOIDCProvider(gctx, api, providerARN)
			if err != nil {
				return lakesail.IgnoreNotFound(err)
			}
			if lakesail.TagMap(provider.Tags)[connpolicy.TagConnection] != connectionID ||
				aws.ToTime(provider.CreateDate).Before(created.Truncate(time.Second)) {
				return nil
			}
			mu.Lock()
			owned = append(owned, providerARN)
			mu.Unlock()
			return nil
		})
	}
	if err := group.Wait(); err != nil {
		return nil, err
	}
	sort.Strings(owned)
	return owned, nil
}

// revokeWorkloadIAM deletes the workload roles, the instance profiles of the namespace and the
// connection's OIDC providers, and returns the tagged providers it kept (keepOthersOIDCProviders).
// Objects already gone count as deleted.
func (c *Client) revokeWorkloadIAM(ctx context.Context, api lakesail.IAMAPI, bundle *connpolicy.Bundle, roles []workloadRole, created time.Time, haveCreated bool) (kept []string, err error) {
	ns := namespaceOf(bundle)
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(lakesail.IAMConcurrency)
	for _, r := range roles {
		group.Go(func() error { return deleteRoleIn(gctx, api, r.Name, ns) })
	}
	if err := group.Wait(); err != nil {
		return nil, err
	}
	if err := deleteNamespaceInstanceProfiles(ctx, api, ns); err != nil {
		return nil, err
	}
	if !haveCreated {
		return nil, nil // neither WorkloadBoundary nor the role exists: an earlier destroy got past this
	}
	tagged, err := findConnectionOIDCProviders(ctx, api, bundle.Spec.ConnectionID, created)
	if err != nil {
		return nil, err
	}
	providers, kept := c.keepOthersOIDCProviders(ctx, ns, tagged)
	group, gctx = errgroup.WithContext(ctx)
	group.SetLimit(lakesail.IAMConcurrency)
	for _, providerARN := range providers {
		group.Go(func() error {
			_, err := api.DeleteOpenIDConnectProvider(gctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
			return lakesail.IgnoreNotFound(lakesail.Classify("iam:DeleteOpenIDConnectProvider", err))
		})
	}
	return kept, group.Wait()
}

// deleteNamespaceInstanceProfiles empties and deletes every instance profile named in the
// namespace, whichever roles it holds.
func deleteNamespaceInstanceProfiles(ctx context.Context, api lakesail.IAMAPI, ns namespace) error {
	profiles, err := lakesail.FindInstanceProfiles(ctx, api)
	if err != nil {
		return err
	}
	for _, p := range profiles {
		if !ns.contains(aws.ToString(p.Path), aws.ToString(p.InstanceProfileName)) {
			continue
		}
		for _, r := range p.Roles {
			if err := removeRoleFromInstanceProfile(ctx, api, aws.ToString(p.InstanceProfileName), aws.ToString(r.RoleName)); err != nil {
				return err
			}
		}
		if err := deleteInstanceProfile(ctx, api, aws.ToString(p.InstanceProfileName)); err != nil {
			return err
		}
	}
	return nil
}

func removeRoleFromInstanceProfile(ctx context.Context, api lakesail.IAMAPI, profileName, roleName string) error {
	_, err := api.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
		InstanceProfileName: aws.String(profileName), RoleName: aws.String(roleName),
	})
	return lakesail.IgnoreNotFound(lakesail.Classify("iam:RemoveRoleFromInstanceProfile", err))
}

func deleteInstanceProfile(ctx context.Context, api lakesail.IAMAPI, profileName string) error {
	_, err := api.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String(profileName)})
	err = lakesail.IgnoreNotFound(lakesail.Classify("iam:DeleteInstanceProfile", err))
	if lakesail.IsDeleteConflict(err) {
		var blockers []string
		if profile, ferr := api.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(profileName)}); ferr == nil {
			for _, r := range profile.InstanceProfile.Roles {
				blockers = append(blockers, "role "+aws.ToString(r.RoleName)+" (in the profile)")
			}
		}
		return &lakesail.DeleteBlockedError{Object: "IAM instance profile " + profileName, BlockedBy: blockers,
			Fix: "a role was added to it while destroy ran; run destroy again", Err: err}
	}
	return err
}
