package kms

import (
	"errors"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// kmsPeer is KMS's answer to other services that use keys on a caller's behalf (the small
// interfaces they declare: S3's s3KMS, SSM's ssmKMS, CloudWatch Logs' logsKMS, EKS's eksKMS).
// It hands out plain values, never the key itself.
type kmsPeer struct{}

// ResolveKey implements the consumers' key resolution: the ARN of the key ref names (key id,
// key ARN, alias name or alias ARN) for the caller in region, or KMS's NotFoundException.
func (kmsPeer) ResolveKey(c *core.Req, region, ref string) (string, *core.APIError) {
	k, err := resolveKMSKey(c, c.Account, region, ref, c.Now)
	if err != nil {
		return "", err
	}
	return k.arn, nil
}

// KeyByARN implements the consumers' key lookup: the spec and usage of the key arn names and
// the error a cryptographic operation on it fails with now (nil when it is usable); exists is
// false when there is no such key.
func (kmsPeer) KeyByARN(c *core.Req, arn string) (spec, usage string, unusable *core.APIError, exists bool) {
	k := kmsKeyByARN(c, arn, c.Now)
	if k == nil {
		return "", "", nil, false
	}
	return k.keySpec, k.keyUsage, k.usable(), true
}

// Decide implements the consumers' kms: authorization: action on resource for the caller with
// the calling service's context, as KMS decides it (key policy, grants, identity policies).
func (kmsPeer) Decide(c *core.Req, action, resource string, ctx map[string][]string) iampolicy.Result {
	return decide(c, action, resource, ctx)
}

// AWSManagedS3KeyARN implements s3KMS.
func (kmsPeer) AWSManagedS3KeyARN(region, account string) string {
	return awsManagedS3KeyARN(region, account)
}

// IsAWSManagedS3Key implements s3KMS.
func (kmsPeer) IsAWSManagedS3Key(arn string) bool { return isAWSManagedS3Key(arn) }

// errNoKey is Seal's error for a key that does not exist.
var errNoKey = errors.New("kms: no such key")

// Seal implements ssmKMS: a ciphertext blob of plaintext under the key keyARN with encryption
// context ec, which KMS Decrypt accepts.
func (kmsPeer) Seal(c *core.Req, keyARN string, plaintext []byte, ec map[string]string) ([]byte, error) {
	k := kmsKeyByARN(c, keyARN, c.Now)
	if k == nil {
		return nil, errNoKey
	}
	return sealBlob(k, plaintext, ec)
}

// BlobKeyARN implements ssmKMS: the key ARN a ciphertext blob names ("" when it is not one).
func (kmsPeer) BlobKeyARN(blob []byte) string { return blobKeyARN(blob) }

// Open implements ssmKMS: the plaintext of blob under the key keyARN with encryption context
// ec; ok is false when the key does not exist or the blob does not open.
func (kmsPeer) Open(c *core.Req, keyARN string, blob []byte, ec map[string]string) ([]byte, bool) {
	k := kmsKeyByARN(c, keyARN, c.Now)
	if k == nil {
		return nil, false
	}
	return openBlob(k, blob, ec)
}

// KeyPolicyAllowsService implements logsKMS: whether the key policy of the key keyARN lets the
// service principal service (logs.<region>.amazonaws.com) make action on it with context ctx
// (the key's own condition keys are added). Only the key policy counts, as for any service
// principal; false when there is no such key.
func (kmsPeer) KeyPolicyAllowsService(c *core.Req, keyARN, service, action string, ctx map[string][]string) bool {
	k := kmsKeyByARN(c, keyARN, c.Now)
	if k == nil {
		return false
	}
	req := iampolicy.Request{
		Caller: iampolicy.Caller{Service: service}, Action: action, Resource: k.arn,
		Context: core.MergeContext(keyContext(c, k), ctx),
	}
	return k.policy.Match(req).Decision == iampolicy.Allowed
}
