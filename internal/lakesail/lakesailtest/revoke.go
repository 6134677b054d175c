package lakesailtest

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Backdoor is a role planted through the connection role.
type Backdoor struct {
	RoleName, RoleARN string
}

// PlantBackdoor acts as the connection role (roleCfg, a session of it) and does what its
// policies allow today: it creates lakesail-<ID>-<suffix> carrying WorkloadBoundary and the
// connection's tags, trusting trustedPrincipal (e.g. another account's root), and gives it an
// inline policy. The connection role may not make instance profiles, so the account (adminCfg)
// makes one of the same name and puts the role in it.
func PlantBackdoor(ctx context.Context, roleCfg, adminCfg aws.Config, connectionID, tenantID, suffix, trustedPrincipal string) (Backdoor, error) {
	asRole := iam.NewFromConfig(roleCfg)
	account, err := accountOf(ctx, adminCfg)
	if err != nil {
		return Backdoor{}, err
	}
	name := "lakesail-" + connectionID + "-" + suffix
	boundary := "arn:aws:iam::" + account + ":policy/lakesail-" + connectionID + "-" + string(connpolicy.KindWorkloadBoundary)
	out, err := asRole.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:            aws.String(name),
		PermissionsBoundary: aws.String(boundary),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` +
			trustedPrincipal + `"},"Action":"sts:AssumeRole"}]}`),
		Tags: []iamtypes.Tag{
			{Key: aws.String(connpolicy.TagConnection), Value: aws.String(connectionID)},
			{Key: aws.String(connpolicy.TagService), Value: aws.String(connpolicy.ServiceTagValue)},
			{Key: aws.String(connpolicy.TagTenant), Value: aws.String(tenantID)},
		},
	})
	if err != nil {
		return Backdoor{}, err
	}
	_, err = asRole.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("read-data"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)})
	if err != nil {
		return Backdoor{}, err
	}
	admin := iam.NewFromConfig(adminCfg)
	if _, err := admin.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name)}); err != nil {
		return Backdoor{}, err
	}
	_, err = admin.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(name), RoleName: aws.String(name)})
	return Backdoor{RoleName: name, RoleARN: aws.ToString(out.Role.Arn)}, err
}

// ConnectionLeftovers lists, as the account (cfg), every IAM object of the connection: roles,
// policies and instance profiles whose path-and-name starts /lakesail-<ID>- (the connection
// role's namespace), roles bounded by one of its policies, and OIDC providers tagged with it
// (except those keep names, such as the account's own provider the connection role tagged).
func ConnectionLeftovers(ctx context.Context, cfg aws.Config, connectionID string, keep ...string) ([]string, error) {
	api := iam.NewFromConfig(cfg)
	prefix := "lakesail-" + connectionID + "-"
	inNamespace := func(path, name string) bool { return strings.HasPrefix(path+name, "/"+prefix) }
	var out []string
	roles := iam.NewListRolesPaginator(api, &iam.ListRolesInput{})
	for roles.HasMorePages() {
		page, err := roles.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Roles {
			if inNamespace(aws.ToString(r.Path), aws.ToString(r.RoleName)) {
				out = append(out, "role "+aws.ToString(r.Arn))
				continue
			}
			full, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: r.RoleName})
			if err != nil {
				return nil, err
			}
			if b := full.Role.PermissionsBoundary; b != nil && strings.Contains(aws.ToString(b.PermissionsBoundaryArn), ":policy/"+prefix) {
				out = append(out, "role "+aws.ToString(r.Arn)+" bounded by "+aws.ToString(b.PermissionsBoundaryArn))
			}
		}
	}
	policies := iam.NewListPoliciesPaginator(api, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
	for policies.HasMorePages() {
		page, err := policies.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Policies {
			if strings.HasPrefix(aws.ToString(p.PolicyName), prefix) {
				out = append(out, "policy "+aws.ToString(p.Arn))
			}
		}
	}
	profiles := iam.NewListInstanceProfilesPaginator(api, &iam.ListInstanceProfilesInput{})
	for profiles.HasMorePages() {
		page, err := profiles.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range page.InstanceProfiles {
			if inNamespace(aws.ToString(p.Path), aws.ToString(p.InstanceProfileName)) {
				out = append(out, "instance profile "+aws.ToString(p.Arn))
			}
		}
	}
	providers, err := api.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return nil, err
	}
	for _, p := range providers.OpenIDConnectProviderList {
		if containsString(keep, aws.ToString(p.Arn)) {
			continue
		}
		got, err := api.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: p.Arn})
		if err != nil {
			return nil, err
		}
		for _, tag := range got.Tags {
			if aws.ToString(tag.Key) == connpolicy.TagConnection && aws.ToString(tag.Value) == connectionID {
				out = append(out, "OIDC provider "+aws.ToString(p.Arn))
			}
		}
	}
	return out, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TryAssumeRole makes one sts:AssumeRole call for roleARN with cfg's credentials (and the
// external ID when set), without retrying.
func TryAssumeRole(ctx context.Context, cfg aws.Config, roleARN, externalID string) error {
	in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("lakesail-revocation-check")}
	if externalID != "" {
		in.ExternalId = aws.String(externalID)
	}
	_, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.RetryMaxAttempts = 1 }).AssumeRole(ctx, in)
	return err
}
