package provider

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// iamPrincipalARN matches the IAM principals a trust policy can name: an account root, a role or
// a user, in any partition.
var iamPrincipalARN = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role/.+|user/.+)$`)

func providerSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "The LakeSail provider connects an AWS account to LakeSail and provisions LakeSail " +
			"networks and workspaces inside it. Its AWS settings mean what they mean in the AWS provider, " +
			"and the standard AWS environment variables (`AWS_REGION`, `AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, " +
			"`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, ...) work as fallbacks.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "AWS region to work in. Falls back to `AWS_REGION`, `AWS_DEFAULT_REGION` and the shared configuration.",
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Named profile of the shared configuration and credentials files. Falls back to `AWS_PROFILE`.",
			},
			"access_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "AWS access key id. Prefer environment variables, a profile or `assume_role` to a key in configuration.",
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "AWS secret access key; must go with `access_key`.",
			},
			"token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Session token for temporary credentials given in `access_key` and `secret_key`.",
			},
			"shared_config_files": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Paths of shared configuration files. Defaults to `~/.aws/config`.",
			},
			"shared_credentials_files": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Paths of shared credentials files. Defaults to `~/.aws/credentials`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
				MarkdownDescription: fmt.Sprintf("Maximum number of times an AWS API call is attempted when AWS throttles it or "+
					"there is a transient failure, the first attempt included (`1` turns retries off); the delay between attempts "+
					"grows exponentially. As in the AWS provider, the number is the AWS SDK's maximum attempts. Defaults to %d; `0` "+
					"leaves it to `AWS_MAX_ATTEMPTS` or `max_attempts` in the shared configuration, or the SDK's default of 3.",
					defaultMaxRetries),
			},
			"retry_mode": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("standard", "adaptive")},
				MarkdownDescription: "The SDK's retry mode: `standard` or `adaptive`. Falls back to `AWS_RETRY_MODE`.",
			},
			"custom_ca_bundle": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path of a PEM bundle of certificate authorities to trust for AWS endpoints. Falls back to `AWS_CA_BUNDLE`.",
			},
			"skip_credentials_validation": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Do not check the credentials with STS `GetCallerIdentity` when the provider is configured.",
			},
			"skip_requesting_account_id": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Do not look up the account id when the provider is configured. Resources that build ARNs " +
					"then ask STS for it when they first need it.",
			},
			"skip_metadata_api_check": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Do not use the EC2 instance metadata service for credentials or region.",
			},
			"lakesail_principal": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{stringvalidator.RegexMatches(iamPrincipalARN,
					"must be an IAM principal ARN such as arn:aws:iam::921150455437:root")},
				MarkdownDescription: "The LakeSail control-plane principal that connection roles trust. Defaults to `" +
					lakesail.DefaultLakeSailPrincipal + "`, LakeSail's production account; change it only when LakeSail tells you to.",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role":                   assumeRoleBlock(),
			"assume_role_with_web_identity": assumeRoleWithWebIdentityBlock(),
			"endpoints":                     endpointsBlock(),
			"platform":                      platformBlock(),
			"default_tags": schema.SingleNestedBlock{
				MarkdownDescription: "Tags added to every AWS object the provider creates. Tags set on a resource win over these; " +
					"the LakeSail tags (`Service`, `LakeSail-*`) win over both.",
				Attributes: map[string]schema.Attribute{
					"tags": schema.MapAttribute{
						ElementType:         types.StringType,
						Optional:            true,
						MarkdownDescription: "Tags to add.",
					},
				},
			},
		},
	}
}

func assumeRoleBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "Assume an IAM role before doing anything. Several blocks form a chain, each assumed with " +
			"the credentials of the one before.",
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"role_arn": schema.StringAttribute{
					Required:            true,
					Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/.+$`), "must be an IAM role ARN")},
					MarkdownDescription: "ARN of the role to assume.",
				},
				"session_name": schema.StringAttribute{
					Optional:            true,
					Validators:          []validator.String{sessionNameValidator()},
					MarkdownDescription: "Session name, visible in CloudTrail.",
				},
				"external_id": schema.StringAttribute{
					Optional:            true,
					Sensitive:           true,
					MarkdownDescription: "External id the role's trust policy requires.",
				},
				"duration": schema.StringAttribute{
					Optional:            true,
					Validators:          []validator.String{durationBetween("15m", "12h")},
					MarkdownDescription: "Session length as a duration such as `1h`; 15m to 12h.",
				},
				"policy": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Session policy (JSON) that narrows the role's permissions further.",
				},
				"policy_arns": schema.ListAttribute{
					ElementType:         types.StringType,
					Optional:            true,
					MarkdownDescription: "Managed policies used as session policies.",
				},
				"source_identity": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Source identity recorded with the session.",
				},
				"tags": schema.MapAttribute{
					ElementType:         types.StringType,
					Optional:            true,
					MarkdownDescription: "Session tags.",
				},
				"transitive_tag_keys": schema.ListAttribute{
					ElementType:         types.StringType,
					Optional:            true,
					MarkdownDescription: "Session tag keys passed on to roles assumed later in a chain.",
				},
			},
		},
	}
}

func assumeRoleWithWebIdentityBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "Assume an IAM role with an OIDC web identity token (for example Terraform Cloud dynamic credentials).",
		Validators:          []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"role_arn": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "ARN of the role to assume. Falls back to `AWS_ROLE_ARN`.",
				},
				"session_name": schema.StringAttribute{
					Optional:            true,
					Validators:          []validator.String{sessionNameValidator()},
					MarkdownDescription: "Session name. Falls back to `AWS_ROLE_SESSION_NAME`.",
				},
				"web_identity_token": schema.StringAttribute{
					Optional:            true,
					Sensitive:           true,
					MarkdownDescription: "The OIDC token itself.",
					Validators: []validator.String{stringvalidator.ConflictsWith(
						path.MatchRelative().AtParent().AtName("web_identity_token_file"))},
				},
				"web_identity_token_file": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Path of a file holding the OIDC token. Falls back to `AWS_WEB_IDENTITY_TOKEN_FILE`.",
				},
				"duration": schema.StringAttribute{
					Optional:            true,
					Validators:          []validator.String{durationBetween("15m", "12h")},
					MarkdownDescription: "Session length as a duration such as `1h`; 15m to 12h.",
				},
				"policy": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Session policy (JSON).",
				},
				"policy_arns": schema.ListAttribute{
					ElementType:         types.StringType,
					Optional:            true,
					MarkdownDescription: "Managed policies used as session policies.",
				},
			},
		},
	}
}

func endpointsBlock() schema.SingleNestedBlock {
	attributes := map[string]schema.Attribute{}
	for _, id := range lakesail.Services() {
		attributes[id] = schema.StringAttribute{
			Optional: true,
			Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^https?://`),
				"must be an http:// or https:// URL")},
			MarkdownDescription: fmt.Sprintf("Endpoint URL for %s. Falls back to `AWS_ENDPOINT_URL_%s`, then `AWS_ENDPOINT_URL`.",
				strings.ToUpper(id), strings.ToUpper(envServiceName(id))),
		}
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Custom endpoints per AWS service, for VPC endpoints, proxies or an emulator. S3 is " +
			"addressed path-style whenever an endpoint is overridden.",
		Attributes: attributes,
	}
}

// envServiceName is the service's name in AWS_ENDPOINT_URL_<SERVICE> (its SDK service id).
func envServiceName(id string) string {
	switch id {
	case "logs":
		return "cloudwatch_logs"
	case "elbv2":
		return "elastic_load_balancing_v2"
	}
	return id
}
