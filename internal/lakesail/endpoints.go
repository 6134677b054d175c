package lakesail

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// services are the endpoint ids the provider's endpoints block accepts, one per AWS service the
// library calls.
var services = []string{"acm", "ec2", "eks", "glue", "iam", "kms", "logs", "s3", "ssm", "sts"}

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

func orDefault(override, current *string) *string {
	if override != nil {
		return override
	}
	return current
}
