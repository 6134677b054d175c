package provider

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestUnitExpandAWSBaseConfig(t *testing.T) {
	model := providerModel{
		Region:               types.StringValue("eu-west-1"),
		Profile:              types.StringValue("prod"),
		MaxRetries:           types.Int64Value(7),
		RetryMode:            types.StringValue("adaptive"),
		SkipMetadataAPICheck: types.BoolValue(true),
		AssumeRole: []assumeRoleModel{{
			RoleARN:     types.StringValue("arn:aws:iam::111122223333:role/terraform"),
			ExternalID:  types.StringValue("ext"),
			Duration:    types.StringValue("30m"),
			SessionName: types.StringValue("ci"),
			Tags:        map[string]types.String{"team": types.StringValue("data")},
		}},
		Endpoints: &endpointsModel{IAM: types.StringValue("http://127.0.0.1:1"), S3: types.StringValue("http://127.0.0.1:2")},
	}
	cfg, err := expandAWSBaseConfig(model, "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" || cfg.Profile != "prod" || cfg.MaxRetries != 7 || cfg.RetryMode != aws.RetryModeAdaptive {
		t.Errorf("basic settings not carried over: %+v", cfg)
	}
	if cfg.EC2MetadataServiceEnableState != imds.ClientDisabled {
		t.Error("skip_metadata_api_check should disable IMDS")
	}
	if len(cfg.AssumeRole) != 1 || cfg.AssumeRole[0].Duration != 30*time.Minute || cfg.AssumeRole[0].ExternalID != "ext" ||
		cfg.AssumeRole[0].Tags["team"] != "data" {
		t.Errorf("assume_role not carried over: %+v", cfg.AssumeRole)
	}
	if cfg.IamEndpoint != "http://127.0.0.1:1" || cfg.StsEndpoint != "" {
		t.Errorf("IAM/STS endpoints: %q %q", cfg.IamEndpoint, cfg.StsEndpoint)
	}
	if got := cfg.UserAgent[0]; got.Name != "terraform-provider-lakesail" || got.Version != "1.2.3" {
		t.Errorf("user agent product = %+v", got)
	}
	if got := model.endpoints(); len(got) != 2 || got["s3"] != "http://127.0.0.1:2" {
		t.Errorf("endpoints() = %v", got)
	}
}

func TestUnitExpandAWSBaseConfigDefaults(t *testing.T) {
	cfg, err := expandAWSBaseConfig(providerModel{}, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxRetries != defaultMaxRetries || len(cfg.AssumeRole) != 0 || cfg.AssumeRoleWithWebIdentity != nil {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestUnitExpandAWSBaseConfigBadDuration(t *testing.T) {
	_, err := expandAWSBaseConfig(providerModel{AssumeRole: []assumeRoleModel{{Duration: types.StringValue("soon")}}}, "dev")
	if err == nil {
		t.Fatal("a malformed duration should be rejected")
	}
}
