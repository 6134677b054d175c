// Package lakesailtest holds test support shared by the library's tests and the provider's
// acceptance tests: ways to tamper with a connection as the account's administrator would.
package lakesailtest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Target names the connection being tampered with.
type Target struct {
	ConnectionID string
	AccountID    string
	RoleName     string
}

func (t Target) policyARN(kind connpolicy.PolicyKind) *string {
	return aws.String("arn:aws:iam::" + t.AccountID + ":policy/lakesail-" + t.ConnectionID + "-" + string(kind))
}

// Tampering is one change made outside Terraform that the connection must notice and undo.
type Tampering struct {
	Name string
	// Fingerprint is the policy_sha256 key the change shows under ("" when it shows in tags).
	Fingerprint string
	Apply       func(ctx context.Context, api *iam.Client, t Target) error
}

// ConnectionTamperings lists every kind of tampering the connection resource detects.
func ConnectionTamperings() []Tampering {
	allowAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	return []Tampering{
		{"boundary removed", string(connpolicy.KindRoleBoundary), func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(t.RoleName)})
			return err
		}},
		{"boundary swapped", string(connpolicy.KindRoleBoundary), func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(t.RoleName),
				PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		}},
		{"deny detached", string(connpolicy.KindExplicitDeny), func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(t.RoleName), PolicyArn: t.policyARN(connpolicy.KindExplicitDeny)})
			return err
		}},
		{"managed policy detached", string(connpolicy.KindEKS), func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(t.RoleName), PolicyArn: t.policyARN(connpolicy.KindEKS)})
			return err
		}},
		{"deny edited through a new default version", string(connpolicy.KindExplicitDeny), func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: t.policyARN(connpolicy.KindExplicitDeny), SetAsDefault: true,
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`)})
			return err
		}},
		{"older version made default", string(connpolicy.KindNetworkManage), func(ctx context.Context, api *iam.Client, t Target) error {
			arn := t.policyARN(connpolicy.KindNetworkManage)
			if _, err := api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allowAll)}); err != nil {
				return err
			}
			versions, err := api.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
			if err != nil {
				return err
			}
			for _, v := range versions.Versions {
				if !v.IsDefaultVersion {
					_, err = api.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: v.VersionId})
					return err
				}
			}
			return nil
		}},
		{"workload boundary edited", string(connpolicy.KindWorkloadBoundary), func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: t.policyARN(connpolicy.KindWorkloadBoundary), SetAsDefault: true,
				PolicyDocument: aws.String(allowAll)})
			return err
		}},
		{"trust policy changed", string(connpolicy.KindTrust), func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(t.RoleName),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::921150455437:root"},"Action":"sts:AssumeRole"}]}`)})
			return err
		}},
		{"administrator access attached", connection.UnmanagedPermissionsKey, func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(t.RoleName), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		}},
		{"inline policy added", connection.UnmanagedPermissionsKey, func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(t.RoleName), PolicyName: aws.String("extra"),
				PolicyDocument: aws.String(allowAll)})
			return err
		}},
		{"policy deleted", string(connpolicy.KindAutoScaling), func(ctx context.Context, api *iam.Client, t Target) error {
			arn := t.policyARN(connpolicy.KindAutoScaling)
			if _, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(t.RoleName), PolicyArn: arn}); err != nil {
				return err
			}
			_, err := api.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
			return err
		}},
		{"connection tag removed", "", func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(t.RoleName), TagKeys: []string{connpolicy.TagConnection}})
			return err
		}},
		{"tag added", "", func(ctx context.Context, api *iam.Client, t Target) error {
			_, err := api.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(t.RoleName), Tags: iamTag("owner", "mallory")})
			return err
		}},
	}
}

// Tamper applies a tampering with the given (administrator) AWS configuration.
func Tamper(ctx context.Context, cfg aws.Config, tampering Tampering, t Target) error {
	return tampering.Apply(ctx, iam.NewFromConfig(cfg), t)
}

func iamTag(key, value string) []iamtypes.Tag {
	return []iamtypes.Tag{{Key: aws.String(key), Value: aws.String(value)}}
}
