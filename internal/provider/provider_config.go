package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	awsbase "github.com/hashicorp/aws-sdk-go-base/v2"
	basediag "github.com/hashicorp/aws-sdk-go-base/v2/diag"
	"github.com/hashicorp/aws-sdk-go-base/v2/endpoints"
	"github.com/hashicorp/aws-sdk-go-base/v2/logging"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// defaultMaxRetries matches the AWS provider: AWS throttles bursts of calls, and a create that
// gives up after the SDK's default of three attempts leaves work for the next apply. Like the AWS
// provider, max_retries goes to aws-sdk-go-base unchanged, which makes it the SDK's maximum
// attempts (the first call included), so the same number behaves the same in both providers.
const defaultMaxRetries = 25

type providerModel struct {
	Region                    types.String                     `tfsdk:"region"`
	Profile                   types.String                     `tfsdk:"profile"`
	AccessKey                 types.String                     `tfsdk:"access_key"`
	SecretKey                 types.String                     `tfsdk:"secret_key"`
	Token                     types.String                     `tfsdk:"token"`
	SharedConfigFiles         []types.String                   `tfsdk:"shared_config_files"`
	SharedCredentialsFiles    []types.String                   `tfsdk:"shared_credentials_files"`
	MaxRetries                types.Int64                      `tfsdk:"max_retries"`
	RetryMode                 types.String                     `tfsdk:"retry_mode"`
	CustomCABundle            types.String                     `tfsdk:"custom_ca_bundle"`
	SkipCredentialsValidation types.Bool                       `tfsdk:"skip_credentials_validation"`
	SkipRequestingAccountID   types.Bool                       `tfsdk:"skip_requesting_account_id"`
	SkipMetadataAPICheck      types.Bool                       `tfsdk:"skip_metadata_api_check"`
	LakeSailPrincipal         types.String                     `tfsdk:"lakesail_principal"`
	AssumeRole                []assumeRoleModel                `tfsdk:"assume_role"`
	AssumeRoleWithWebIdentity []assumeRoleWithWebIdentityModel `tfsdk:"assume_role_with_web_identity"`
	Endpoints                 *endpointsModel                  `tfsdk:"endpoints"`
	DefaultTags               *defaultTagsModel                `tfsdk:"default_tags"`
	Platform                  *platformModel                   `tfsdk:"platform"`
}

type assumeRoleModel struct {
	RoleARN           types.String            `tfsdk:"role_arn"`
	SessionName       types.String            `tfsdk:"session_name"`
	ExternalID        types.String            `tfsdk:"external_id"`
	Duration          types.String            `tfsdk:"duration"`
	Policy            types.String            `tfsdk:"policy"`
	PolicyARNs        []types.String          `tfsdk:"policy_arns"`
	SourceIdentity    types.String            `tfsdk:"source_identity"`
	Tags              map[string]types.String `tfsdk:"tags"`
	TransitiveTagKeys []types.String          `tfsdk:"transitive_tag_keys"`
}

type assumeRoleWithWebIdentityModel struct {
	RoleARN              types.String   `tfsdk:"role_arn"`
	SessionName          types.String   `tfsdk:"session_name"`
	WebIdentityToken     types.String   `tfsdk:"web_identity_token"`
	WebIdentityTokenFile types.String   `tfsdk:"web_identity_token_file"`
	Duration             types.String   `tfsdk:"duration"`
	Policy               types.String   `tfsdk:"policy"`
	PolicyARNs           []types.String `tfsdk:"policy_arns"`
}

type endpointsModel struct {
	ACM  types.String `tfsdk:"acm"`
	EC2  types.String `tfsdk:"ec2"`
	EKS  types.String `tfsdk:"eks"`
	ELB  types.String `tfsdk:"elbv2"`
	Glue types.String `tfsdk:"glue"`
	IAM  types.String `tfsdk:"iam"`
	KMS  types.String `tfsdk:"kms"`
	Logs types.String `tfsdk:"logs"`
	S3   types.String `tfsdk:"s3"`
	SSM  types.String `tfsdk:"ssm"`
	STS  types.String `tfsdk:"sts"`
}

type defaultTagsModel struct {
	Tags map[string]types.String `tfsdk:"tags"`
}

// complete reports whether every value Configure needs is known.
func (m providerModel) complete() bool {
	for _, v := range []types.String{m.Region, m.Profile, m.AccessKey, m.SecretKey, m.Token, m.CustomCABundle} {
		if v.IsUnknown() {
			return false
		}
	}
	if !m.Platform.known() {
		return false
	}
	for _, r := range m.AssumeRole {
		if r.RoleARN.IsUnknown() || r.ExternalID.IsUnknown() {
			return false
		}
	}
	for _, r := range m.AssumeRoleWithWebIdentity {
		if r.RoleARN.IsUnknown() || r.WebIdentityToken.IsUnknown() {
			return false
		}
	}
	return true
}

func (m providerModel) defaultTags() map[string]string {
	if m.DefaultTags == nil {
		return nil
	}
	return stringMap(m.DefaultTags.Tags)
}

// endpoints returns the overrides by service id.
func (m providerModel) endpoints() map[string]string {
	if m.Endpoints == nil {
		return nil
	}
	e := m.Endpoints
	overrides := map[string]string{}
	for id, v := range map[string]types.String{
		"acm": e.ACM, "ec2": e.EC2, "eks": e.EKS, "glue": e.Glue, "iam": e.IAM,
		"elbv2": e.ELB, "kms": e.KMS, "logs": e.Logs, "s3": e.S3, "ssm": e.SSM, "sts": e.STS,
	} {
		if s := v.ValueString(); s != "" {
			overrides[id] = s
		}
	}
	return overrides
}

// expandAWSBaseConfig maps the provider block onto aws-sdk-go-base, which gives the AWS
// provider's credential chain, assume-role handling and retry semantics.
func expandAWSBaseConfig(m providerModel, version string) (*awsbase.Config, error) {
	endpointOverrides := m.endpoints()
	cfg := &awsbase.Config{
		AccessKey:               m.AccessKey.ValueString(),
		SecretKey:               m.SecretKey.ValueString(),
		Token:                   m.Token.ValueString(),
		Profile:                 m.Profile.ValueString(),
		Region:                  m.Region.ValueString(),
		SharedConfigFiles:       stringList(m.SharedConfigFiles),
		SharedCredentialsFiles:  stringList(m.SharedCredentialsFiles),
		CustomCABundle:          m.CustomCABundle.ValueString(),
		MaxRetries:              defaultMaxRetries,
		SkipCredsValidation:     m.SkipCredentialsValidation.ValueBool(),
		SkipRequestingAccountId: m.SkipRequestingAccountID.ValueBool(),
		IamEndpoint:             endpointOverrides["iam"],
		StsEndpoint:             endpointOverrides["sts"],
		CallerName:              "LakeSail Provider",
		CallerDocumentationURL:  "https://registry.terraform.io/providers/lakehq/lakesail/latest/docs",
		UserAgent: awsbase.UserAgentProducts{
			{Name: "terraform-provider-lakesail", Version: version, Comment: "+https://registry.terraform.io/providers/lakehq/lakesail"},
		},
	}
	if !m.MaxRetries.IsNull() {
		cfg.MaxRetries = int(m.MaxRetries.ValueInt64())
	}
	if mode := m.RetryMode.ValueString(); mode != "" {
		parsed, err := aws.ParseRetryMode(mode)
		if err != nil {
			return nil, fmt.Errorf("retry_mode: %w", err)
		}
		cfg.RetryMode = parsed
	}
	if m.SkipMetadataAPICheck.ValueBool() {
		cfg.EC2MetadataServiceEnableState = imds.ClientDisabled
	}
	for i, r := range m.AssumeRole {
		assume := awsbase.AssumeRole{
			RoleARN:           r.RoleARN.ValueString(),
			SessionName:       r.SessionName.ValueString(),
			ExternalID:        r.ExternalID.ValueString(),
			Policy:            r.Policy.ValueString(),
			PolicyARNs:        stringList(r.PolicyARNs),
			SourceIdentity:    r.SourceIdentity.ValueString(),
			Tags:              stringMap(r.Tags),
			TransitiveTagKeys: stringList(r.TransitiveTagKeys),
		}
		d, err := parseOptionalDuration(r.Duration)
		if err != nil {
			return nil, fmt.Errorf("assume_role[%d].duration: %w", i, err)
		}
		assume.Duration = d
		cfg.AssumeRole = append(cfg.AssumeRole, assume)
	}
	for _, r := range m.AssumeRoleWithWebIdentity {
		web := &awsbase.AssumeRoleWithWebIdentity{
			RoleARN:              r.RoleARN.ValueString(),
			SessionName:          r.SessionName.ValueString(),
			WebIdentityToken:     r.WebIdentityToken.ValueString(),
			WebIdentityTokenFile: r.WebIdentityTokenFile.ValueString(),
			Policy:               r.Policy.ValueString(),
			PolicyARNs:           stringList(r.PolicyARNs),
		}
		d, err := parseOptionalDuration(r.Duration)
		if err != nil {
			return nil, fmt.Errorf("assume_role_with_web_identity.duration: %w", err)
		}
		web.Duration = d
		cfg.AssumeRoleWithWebIdentity = web
	}
	return cfg, nil
}

// configureClient resolves AWS credentials and builds the library client.
// tune, when set, adjusts the library's options (tests shorten its waits through it).
func configureClient(ctx context.Context, m providerModel, version string, tune func(*lakesail.Options)) (*lakesail.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	baseConfig, err := expandAWSBaseConfig(m, version)
	if err != nil {
		diags.AddError("Invalid Provider Configuration", err.Error())
		return nil, diags
	}
	ctx, logger := logging.NewTfLogger(ctx)
	baseConfig.Logger = logger
	// aws-sdk-go-base would ask STS who the credentials are twice (to validate them, then for the
	// account); the library client asks once below and keeps the answer for the configuration.
	validateCredentials := !baseConfig.SkipCredsValidation
	baseConfig.SkipCredsValidation = true

	ctx, awsConfig, baseDiags := awsbase.GetAwsConfig(ctx, baseConfig)
	diags.Append(fromBaseDiags(baseDiags)...)
	if diags.HasError() {
		return nil, diags
	}
	if awsConfig.Region == "" {
		diags.AddAttributeError(pathRoot("region"), "Missing AWS Region",
			"Set region in the provider block, or the AWS_REGION environment variable, or a region in the shared configuration profile.")
		return nil, diags
	}
	var accountID, partition string
	if !validateCredentials {
		// Without STS: IAM or the credentials' metadata, unless skip_requesting_account_id.
		accountID, partition, baseDiags = awsbase.GetAwsAccountIDAndPartition(ctx, awsConfig, baseConfig)
		diags.Append(fromBaseDiags(baseDiags)...)
		if diags.HasError() {
			return nil, diags
		}
	}
	if partition == "" {
		if p, ok := endpoints.PartitionForRegion(endpoints.DefaultPartitions(), awsConfig.Region); ok {
			partition = p.ID()
		} else {
			partition = "aws"
		}
	}
	opts := lakesail.Options{
		AccountID:         accountID,
		Partition:         partition,
		Endpoints:         m.endpoints(),
		LakeSailPrincipal: m.LakeSailPrincipal.ValueString(),
		Logger:            libraryProgress,
	}
	if tune != nil {
		tune(&opts)
	}
	client, err := lakesail.NewClient(awsConfig, opts)
	if err != nil {
		diags.AddError("Invalid Provider Configuration", err.Error())
		return nil, diags
	}
	if validateCredentials {
		// The client keeps the answer: the resources' identity lookups cost no further call.
		if _, err := client.AccountID(ctx); err != nil {
			diags.AddError("Cannot Configure AWS Access", "validating provider credentials: "+err.Error()+
				"\n\nCheck the provider's credentials (environment, profile, assume_role), region and endpoints.")
			return nil, diags
		}
	}
	return client, diags
}

// fromBaseDiags converts aws-sdk-go-base diagnostics to framework diagnostics.
func fromBaseDiags(in basediag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range in {
		switch d.Severity() {
		case basediag.SeverityError:
			if d.Detail() == "" {
				out.AddError("Cannot Configure AWS Access", d.Summary()+"\n\nCheck the provider's credentials (environment, "+
					"profile, assume_role), region and endpoints.")
				continue
			}
			out.AddError(d.Summary(), d.Detail())
		case basediag.SeverityWarning:
			out.AddWarning(d.Summary(), d.Detail())
		}
	}
	return out
}

func parseOptionalDuration(v types.String) (time.Duration, error) {
	if v.IsNull() || v.ValueString() == "" {
		return 0, nil
	}
	return time.ParseDuration(v.ValueString())
}

// libraryProgress sends the library's progress messages to the Terraform log, under the context
// of the operation that reports them.
func libraryProgress(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(ctx, msg, fields)
}
