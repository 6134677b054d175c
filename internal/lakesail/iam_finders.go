package lakesail

import (
	"context"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func FindRole(ctx context.Context, api IAMAPI, name string) (*iamtypes.Role, error) {
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return nil, Classify("iam:GetRole", err)
	}
	return out.Role, nil
}

func FindPolicy(ctx context.Context, api IAMAPI, policyARN string) (*iamtypes.Policy, error) {
	out, err := api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		return nil, Classify("iam:GetPolicy", err)
	}
	return out.Policy, nil
}

// findPolicyDocument returns the document of one version of a managed policy.
func FindPolicyDocument(ctx context.Context, api IAMAPI, policyARN, versionID string) (string, error) {
	out, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String(versionID)})
	if err != nil {
		return "", Classify("iam:GetPolicyVersion", err)
	}
	return DecodePolicyDocument(aws.ToString(out.PolicyVersion.Document))
}

// findAttachedPolicyARNs lists the managed policies attached to a role.
func FindAttachedPolicyARNs(ctx context.Context, api IAMAPI, roleName string) ([]string, error) {
	var arns []string
	pages := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, Classify("iam:ListAttachedRolePolicies", err)
		}
		for _, p := range page.AttachedPolicies {
			arns = append(arns, aws.ToString(p.PolicyArn))
		}
	}
	return arns, nil
}

// findInlinePolicyNames lists a role's inline policies.
func FindInlinePolicyNames(ctx context.Context, api IAMAPI, roleName string) ([]string, error) {
	var names []string
	pages := iam.NewListRolePoliciesPaginator(api, &iam.ListRolePoliciesInput{RoleName: aws.String(roleName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, Classify("iam:ListRolePolicies", err)
		}
		names = append(names, page.PolicyNames...)
	}
	return names, nil
}

// decodePolicyDocument undoes the URL encoding IAM applies to documents in its responses.
func DecodePolicyDocument(encoded string) (string, error) {
	decoded, err := url.QueryUnescape(encoded)
	if err != nil {
		return "", err
	}
	return decoded, nil
}

// findRoles lists every role of the account. ListRoles returns each role's trust policy but
// neither its permissions boundary nor its tags.
func FindRoles(ctx context.Context, api IAMAPI) ([]iamtypes.Role, error) {
	var roles []iamtypes.Role
	pages := iam.NewListRolesPaginator(api, &iam.ListRolesInput{MaxItems: aws.Int32(1000)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, Classify("iam:ListRoles", err)
		}
		roles = append(roles, page.Roles...)
	}
	return roles, nil
}

// policyEntities are the IAM identities a managed policy is used by, by name.
type PolicyEntities struct {
	Roles, Users, Groups []string
}

// findPolicyEntities lists who uses a managed policy, either as a permissions policy or as a
// permissions boundary (usage); a missing policy wraps ErrNotFound.
func FindPolicyEntities(ctx context.Context, api IAMAPI, policyARN string, usage iamtypes.PolicyUsageType) (PolicyEntities, error) {
	var out PolicyEntities
	pages := iam.NewListEntitiesForPolicyPaginator(api, &iam.ListEntitiesForPolicyInput{
		PolicyArn: aws.String(policyARN), PolicyUsageFilter: usage, MaxItems: aws.Int32(1000),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return PolicyEntities{}, Classify("iam:ListEntitiesForPolicy", err)
		}
		for _, r := range page.PolicyRoles {
			out.Roles = append(out.Roles, aws.ToString(r.RoleName))
		}
		for _, u := range page.PolicyUsers {
			out.Users = append(out.Users, aws.ToString(u.UserName))
		}
		for _, g := range page.PolicyGroups {
			out.Groups = append(out.Groups, aws.ToString(g.GroupName))
		}
	}
	return out, nil
}

// findInstanceProfilesForRole lists the instance profiles that contain a role.
func FindInstanceProfilesForRole(ctx context.Context, api IAMAPI, roleName string) ([]iamtypes.InstanceProfile, error) {
	var profiles []iamtypes.InstanceProfile
	pages := iam.NewListInstanceProfilesForRolePaginator(api, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String(roleName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, Classify("iam:ListInstanceProfilesForRole", err)
		}
		profiles = append(profiles, page.InstanceProfiles...)
	}
	return profiles, nil
}

// findInstanceProfiles lists every instance profile of the account, with the roles in each.
func FindInstanceProfiles(ctx context.Context, api IAMAPI) ([]iamtypes.InstanceProfile, error) {
	var profiles []iamtypes.InstanceProfile
	pages := iam.NewListInstanceProfilesPaginator(api, &iam.ListInstanceProfilesInput{MaxItems: aws.Int32(1000)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, Classify("iam:ListInstanceProfiles", err)
		}
		profiles = append(profiles, page.InstanceProfiles...)
	}
	return profiles, nil
}

// findOIDCProviderARNs lists the account's IAM OIDC providers (the API does not paginate).
func FindOIDCProviderARNs(ctx context.Context, api IAMAPI) ([]string, error) {
	out, err := api.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return nil, Classify("iam:ListOpenIDConnectProviders", err)
	}
	arns := make([]string, 0, len(out.OpenIDConnectProviderList))
	for _, p := range out.OpenIDConnectProviderList {
		arns = append(arns, aws.ToString(p.Arn))
	}
	return arns, nil
}

func FindOIDCProvider(ctx context.Context, api IAMAPI, providerARN string) (*iam.GetOpenIDConnectProviderOutput, error) {
	out, err := api.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	if err != nil {
		return nil, Classify("iam:GetOpenIDConnectProvider", err)
	}
	return out, nil
}
