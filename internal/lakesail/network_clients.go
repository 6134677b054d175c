package lakesail

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

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
