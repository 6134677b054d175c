package lakesail

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// services are the endpoint ids the provider's endpoints block accepts, one per AWS service the
// library calls.
var services = []string{"acm", "ec2", "eks", "elbv2", "glue", "iam", "kms", "logs", "s3", "ssm", "sts"}

// Services lists the service ids that accept an endpoint override.
func Services() []string { return slices.Clone(services) }

// IsService reports whether id names a service the library calls.
func IsService(id string) bool { return slices.Contains(services, id) }

// endpointFor is the override for a service, or nil for the SDK's own resolution (which also
// honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>).
func endpointFor(opts Options, id string) *string {
	if url, ok := opts.Endpoints[id]; ok {
		return aws.String(url)
	}
	return nil
}

func iamClient(cfg aws.Config, opts Options) *iam.Client {
	return iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = orDefault(endpointFor(opts, "iam"), o.BaseEndpoint) })
}

func stsClient(cfg aws.Config, opts Options) *sts.Client {
	return sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = orDefault(endpointFor(opts, "sts"), o.BaseEndpoint) })
}

func eksClient(cfg aws.Config, opts Options) *eks.Client {
	return eks.NewFromConfig(cfg, func(o *eks.Options) { o.BaseEndpoint = orDefault(endpointFor(opts, "eks"), o.BaseEndpoint) })
}

func logsClient(cfg aws.Config, opts Options) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		o.BaseEndpoint = orDefault(endpointFor(opts, "logs"), o.BaseEndpoint)
	})
}

func ssmClient(cfg aws.Config, opts Options) *ssm.Client {
	return ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = orDefault(endpointFor(opts, "ssm"), o.BaseEndpoint) })
}

func acmClient(cfg aws.Config, opts Options) *acm.Client {
	return acm.NewFromConfig(cfg, func(o *acm.Options) { o.BaseEndpoint = orDefault(endpointFor(opts, "acm"), o.BaseEndpoint) })
}

func glueClient(cfg aws.Config, opts Options) *glue.Client {
	return glue.NewFromConfig(cfg, func(o *glue.Options) { o.BaseEndpoint = orDefault(endpointFor(opts, "glue"), o.BaseEndpoint) })
}

func orDefault(override, current *string) *string {
	if override != nil {
		return override
	}
	return current
}

func ec2Client(cfg aws.Config, opts Options) *ec2.Client {
	return ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = orDefault(endpointFor(opts, "ec2"), o.BaseEndpoint) })
}

func kmsClient(cfg aws.Config, opts Options) *kms.Client {
	return kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = orDefault(endpointFor(opts, "kms"), o.BaseEndpoint) })
}

// s3Client addresses buckets path-style behind an endpoint override: custom endpoints (and the
// emulator) do not serve <bucket>.<host> names.
func s3Client(cfg aws.Config, opts Options) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = orDefault(endpointFor(opts, "s3"), o.BaseEndpoint)
		o.UsePathStyle = o.BaseEndpoint != nil
	})
}

func elbClient(cfg aws.Config, opts Options) *elasticloadbalancingv2.Client {
	return elasticloadbalancingv2.NewFromConfig(cfg, func(o *elasticloadbalancingv2.Options) {
		o.BaseEndpoint = orDefault(endpointFor(opts, "elbv2"), o.BaseEndpoint)
	})
}
