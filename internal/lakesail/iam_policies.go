package lakesail

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	awspolicy "github.com/hashicorp/awspolicyequivalence"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// maxPolicyVersions is IAM's limit of stored versions per managed policy.
const maxPolicyVersions = 5

// managedPolicy is one managed policy the library owns.
type ManagedPolicy struct {
	Name        string
	Path        string
	Description string
	Document    string
	Tags        map[string]string
}

// createManagedPolicy creates the policy, or adopts one of the same name left by an earlier
// failed attempt by bringing its document up to date.
func CreateManagedPolicy(ctx context.Context, api IAMAPI, arn string, p ManagedPolicy) error {
	_, err := api.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String(p.Name),
		Path:           aws.String(p.Path),
		Description:    aws.String(p.Description),
		PolicyDocument: aws.String(p.Document),
		Tags:           IAMTags(p.Tags),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		return SetPolicyDocument(ctx, api, arn, p.Document)
	}
	return Classify("iam:CreatePolicy", err)
}

// setPolicyDocument makes document the policy's default version, deleting the oldest
// non-default version first when IAM's five-version limit is reached.
func SetPolicyDocument(ctx context.Context, api IAMAPI, arn, document string) error {
	out, err := api.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return Classify("iam:ListPolicyVersions", err)
	}
	if len(out.Versions) >= maxPolicyVersions {
		if oldest := oldestNonDefaultVersion(out.Versions); oldest != "" {
			_, err := api.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(oldest)})
			if err != nil {
				return Classify("iam:DeletePolicyVersion", err)
			}
		}
	}
	_, err = api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{
		PolicyArn:      aws.String(arn),
		PolicyDocument: aws.String(document),
		SetAsDefault:   true,
	})
	return Classify("iam:CreatePolicyVersion", err)
}

// versionNumber reads IAM's "v<N>" version ids.
func versionNumber(id *string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(aws.ToString(id), "v"))
	return n
}

func oldestNonDefaultVersion(versions []iamtypes.PolicyVersion) string {
	candidates := make([]iamtypes.PolicyVersion, 0, len(versions))
	for _, v := range versions {
		if !v.IsDefaultVersion {
			candidates = append(candidates, v)
		}
	}
	if len(candidates) == 0 {
		return ""
	}
	// Versions created within the same second share a CreateDate; IAM numbers them in order.
	sort.Slice(candidates, func(i, j int) bool {
		ti, tj := aws.ToTime(candidates[i].CreateDate), aws.ToTime(candidates[j].CreateDate)
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return versionNumber(candidates[i].VersionId) < versionNumber(candidates[j].VersionId)
	})
	return aws.ToString(candidates[0].VersionId)
}

// deleteManagedPolicy detaches nothing: callers detach first. It removes the non-default
// versions IAM requires gone, then the policy; not-found is done.
func DeleteManagedPolicy(ctx context.Context, api IAMAPI, arn string) error {
	out, err := api.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return IgnoreNotFound(Classify("iam:ListPolicyVersions", err))
	}
	for _, v := range out.Versions {
		if v.IsDefaultVersion {
			continue
		}
		_, err := api.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: v.VersionId})
		if err := IgnoreNotFound(Classify("iam:DeletePolicyVersion", err)); err != nil {
			return err
		}
	}
	_, err = api.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	return IgnoreNotFound(Classify("iam:DeletePolicy", err))
}

// iamTags converts a map to IAM tags in a stable order.
func IAMTags(tags map[string]string) []iamtypes.Tag {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]iamtypes.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func TagMap(tags []iamtypes.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// equivalent compares two policy documents semantically (order, single values vs lists).
func EquivalentPolicies(actual, expected string) bool {
	same, err := awspolicy.PoliciesAreEquivalent(actual, expected)
	return err == nil && same
}
