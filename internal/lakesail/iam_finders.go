package lakesail

import (
	"context"
	"errors"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// ErrNotFound marks an object that does not exist; match it with errors.Is.
var ErrNotFound = errors.New("not found")

// notFound wraps an AWS not-found error so callers can test errors.Is(err, ErrNotFound).
type notFoundError struct{ *AWSError }

func (e notFoundError) Is(target error) bool { return target == ErrNotFound }
func (e notFoundError) Unwrap() error        { return e.AWSError }

// classify wraps an SDK error as *AWSError and marks not-found errors.
func classify(action string, err error) error {
	if err == nil {
		return nil
	}
	wrapped := wrapAWSError(action, err)
	var awsErr *AWSError
	if errors.As(wrapped, &awsErr) && awsErr.IsNotFound() {
		return notFoundError{awsErr}
	}
	return wrapped
}

func findRole(ctx context.Context, api *iam.Client, name string) (*iamtypes.Role, error) {
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return nil, classify("iam:GetRole", err)
	}
	return out.Role, nil
}

func findPolicy(ctx context.Context, api *iam.Client, policyARN string) (*iamtypes.Policy, error) {
	out, err := api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		return nil, classify("iam:GetPolicy", err)
	}
	return out.Policy, nil
}

// findPolicyDocument returns the document of one version of a managed policy.
func findPolicyDocument(ctx context.Context, api *iam.Client, policyARN, versionID string) (string, error) {
	out, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String(versionID)})
	if err != nil {
		return "", classify("iam:GetPolicyVersion", err)
	}
	return decodePolicyDocument(aws.ToString(out.PolicyVersion.Document))
}

// findAttachedPolicyARNs lists the managed policies attached to a role.
func findAttachedPolicyARNs(ctx context.Context, api *iam.Client, roleName string) ([]string, error) {
	var arns []string
	pages := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify("iam:ListAttachedRolePolicies", err)
		}
		for _, p := range page.AttachedPolicies {
			arns = append(arns, aws.ToString(p.PolicyArn))
		}
	}
	return arns, nil
}

// findInlinePolicyNames lists a role's inline policies.
func findInlinePolicyNames(ctx context.Context, api *iam.Client, roleName string) ([]string, error) {
	var names []string
	pages := iam.NewListRolePoliciesPaginator(api, &iam.ListRolePoliciesInput{RoleName: aws.String(roleName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify("iam:ListRolePolicies", err)
		}
		names = append(names, page.PolicyNames...)
	}
	return names, nil
}

// decodePolicyDocument undoes the URL encoding IAM applies to documents in its responses.
func decodePolicyDocument(encoded string) (string, error) {
	decoded, err := url.QueryUnescape(encoded)
	if err != nil {
		return "", err
	}
	return decoded, nil
}
