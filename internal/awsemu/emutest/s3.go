package emutest

import (
	"bytes"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// s3Client is a real SDK S3 client, path-style, aimed at the emulator's plain-HTTP endpoint.
func S3Client(e *awsemu.Emulator, creds aws.Credentials) *s3.Client {
	return s3.NewFromConfig(e.AWSConfig(Static(creds)), func(o *s3.Options) {
		o.UsePathStyle = true
		o.Retryer = FastRetry()
	})
}

// s3ClientIn is s3Client signing for another region.
func S3ClientIn(e *awsemu.Emulator, creds aws.Credentials, region string) *s3.Client {
	return s3.NewFromConfig(e.AWSConfig(Static(creds)), func(o *s3.Options) {
		o.UsePathStyle = true
		o.Retryer = FastRetry()
		o.Region = region
	})
}

func KmsClient(e *awsemu.Emulator, creds aws.Credentials) *kms.Client {
	return kms.NewFromConfig(e.AWSConfig(Static(creds)), func(o *kms.Options) { o.Retryer = FastRetry() })
}

// roleSession creates a role (trusting the account) with an inline policy and optional
// boundary, and returns credentials of a session of it.
func RoleSession(t *testing.T, e *awsemu.Emulator, name, inline, boundary string) (aws.Credentials, string) {
	t.Helper()
	root := IamClient(e, e.RootCredentials())
	in := &iam.CreateRoleInput{RoleName: aws.String(name)}
	if boundary != "" {
		in.PermissionsBoundary = aws.String(boundary)
	}
	r := CreateRole(t, root, in, inline)
	return Assume(t, e, e.RootCredentials(), *r.Arn, ""), *r.Arn
}

func CreateBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	_, err := c.CreateBucket(Bg, &s3.CreateBucketInput{Bucket: aws.String(name)})
	Must(t, err)
}

func PutObject(t *testing.T, c *s3.Client, bucket, key, body string) *s3.PutObjectOutput {
	t.Helper()
	out, err := c.PutObject(Bg, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader([]byte(body))})
	Must(t, err)
	return out
}

func GetObject(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(Bg, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	Must(t, err)
	defer func() { _ = out.Body.Close() }()
	b, err := io.ReadAll(out.Body)
	Must(t, err)
	return string(b)
}

func BucketARN(name string) string { return "arn:aws:s3:::" + name }
