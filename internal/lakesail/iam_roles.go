package lakesail

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Shared IAM role helpers: what connections and workspaces both do to the roles they own.

// iamConcurrency bounds parallel IAM calls: IAM throttles bursts per account.
const IAMConcurrency = 4

// deleteRole detaches every managed policy, deletes every inline policy and then the role. A
// missing role is done; a DeleteConflict names what still holds the role. Workspaces delete
// their roles with it through the connection role, which may not list instance profiles.
func DeleteRole(ctx context.Context, api IAMAPI, roleName string) error {
	if err := EmptyRole(ctx, api, roleName); err != nil {
		return IgnoreNotFound(err)
	}
	return DeleteEmptiedRole(ctx, api, roleName)
}

// emptyRole detaches a role's managed policies and deletes its inline ones; a missing role
// wraps ErrNotFound.
func EmptyRole(ctx context.Context, api IAMAPI, roleName string) error {
	attached, err := FindAttachedPolicyARNs(ctx, api, roleName)
	if err != nil {
		return err
	}
	if err := DetachRolePolicies(ctx, api, roleName, attached); err != nil {
		return err
	}
	return DeleteInlinePolicies(ctx, api, roleName)
}

func DeleteEmptiedRole(ctx context.Context, api IAMAPI, roleName string) error {
	_, err := api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)})
	err = IgnoreNotFound(Classify("iam:DeleteRole", err))
	if IsDeleteConflict(err) {
		return &DeleteBlockedError{Object: "IAM role " + roleName, BlockedBy: roleHolders(ctx, api, roleName),
			Fix: "they were added while destroy ran; run destroy again", Err: err}
	}
	return err
}

// roleHolders names what still keeps a role from being deleted, as far as it can be listed.
func roleHolders(ctx context.Context, api IAMAPI, roleName string) []string {
	var out []string
	if attached, err := FindAttachedPolicyARNs(ctx, api, roleName); err == nil {
		for _, arn := range attached {
			out = append(out, "managed policy "+arn+" (attached)")
		}
	}
	if inline, err := FindInlinePolicyNames(ctx, api, roleName); err == nil {
		for _, name := range inline {
			out = append(out, "inline policy "+name)
		}
	}
	if profiles, err := FindInstanceProfilesForRole(ctx, api, roleName); err == nil {
		for _, p := range profiles {
			out = append(out, "instance profile "+aws.ToString(p.InstanceProfileName))
		}
	}
	return out
}

func DetachRolePolicies(ctx context.Context, api IAMAPI, roleName string, arns []string) error {
	for _, policyARN := range arns {
		_, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)})
		if err := IgnoreNotFound(Classify("iam:DetachRolePolicy", err)); err != nil {
			return err
		}
	}
	return nil
}

func DeleteInlinePolicies(ctx context.Context, api IAMAPI, roleName string) error {
	inline, err := FindInlinePolicyNames(ctx, api, roleName)
	if err != nil {
		return IgnoreNotFound(err)
	}
	for _, name := range inline {
		_, err := api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(name)})
		if err := IgnoreNotFound(Classify("iam:DeleteRolePolicy", err)); err != nil {
			return err
		}
	}
	return nil
}

// IsDeleteConflict reports IAM's refusal to delete an object something still uses.
func IsDeleteConflict(err error) bool { return ErrorCode(err) == "DeleteConflict" }

func ReconcileRoleTags(ctx context.Context, api IAMAPI, roleName string, current, desired map[string]string) error {
	stale, changed := TagDiff(current, desired)
	if len(stale) > 0 {
		_, err := api.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(roleName), TagKeys: stale})
		if err != nil {
			return Classify("iam:UntagRole", err)
		}
	}
	if len(changed) > 0 {
		_, err := api.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(roleName), Tags: IAMTags(changed)})
		if err != nil {
			return Classify("iam:TagRole", err)
		}
	}
	return nil
}
