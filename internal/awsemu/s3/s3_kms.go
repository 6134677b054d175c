package s3

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// s3KMS is what S3 asks of KMS for SSE-KMS; the kms service's Impl answers it. S3 never reads
// KMS's state itself.
type s3KMS interface {
	// ResolveKey is the ARN of the key ref names for the caller in region, or KMS's error when
	// there is none.
	ResolveKey(c *core.Req, region, ref string) (arn string, err *core.APIError)
	// KeyByARN is the spec and usage of the key arn names and KMS's error for using it now
	// (nil when it is usable); exists is false when there is no such key.
	KeyByARN(c *core.Req, arn string) (spec, usage string, unusable *core.APIError, exists bool)
	// Decide decides a kms: action on resource for the caller with the context S3 adds, as KMS
	// decides it (key policy, grants and the caller's policies).
	Decide(c *core.Req, action, resource string, ctx map[string][]string) iampolicy.Result
	// AWSManagedS3KeyARN is the ARN of account's AWS managed key for S3 (aws/s3) in region.
	AWSManagedS3KeyARN(region, account string) string
	// IsAWSManagedS3Key reports whether arn is an account's AWS managed key for S3.
	IsAWSManagedS3Key(arn string) bool
}

// s3KMSOf is KMS as S3 sees it.
func s3KMSOf(c *core.Req) s3KMS {
	v, ok := core.Peer[s3KMS](c, "kms")
	if !ok {
		panic("awsemu: S3 needs the kms service")
	}
	return v
}
