package awsemu

import (
	"bytes"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3Client is a real SDK S3 client, path-style, aimed at the emulator's plain-HTTP endpoint.
func s3Client(e *Emulator, creds aws.Credentials) *s3.Client {
	return s3.NewFromConfig(e.AWSConfig(static(creds)), func(o *s3.Options) {
		o.UsePathStyle = true
		o.Retryer = fastRetry()
	})
}

// s3ClientIn is s3Client signing for another region.
func s3ClientIn(e *Emulator, creds aws.Credentials, region string) *s3.Client {
	return s3.NewFromConfig(e.AWSConfig(static(creds)), func(o *s3.Options) {
		o.UsePathStyle = true
		o.Retryer = fastRetry()
		o.Region = region
	})
}

func kmsClient(e *Emulator, creds aws.Credentials) *kms.Client {
	return kms.NewFromConfig(e.AWSConfig(static(creds)), func(o *kms.Options) { o.Retryer = fastRetry() })
}

// roleSession creates a role (trusting the account) with an inline policy and optional
// boundary, and returns credentials of a session of it.
func roleSession(t *testing.T, e *Emulator, name, inline, boundary string) (aws.Credentials, string) {
	t.Helper()
	root := iamClient(e, e.RootCredentials())
	in := &iam.CreateRoleInput{RoleName: aws.String(name)}
	if boundary != "" {
		in.PermissionsBoundary = aws.String(boundary)
	}
	r := createRole(t, root, in, inline)
	return assume(t, e, e.RootCredentials(), *r.Arn, ""), *r.Arn
}

func createBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	_, err := c.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String(name)})
	must(t, err)
}

func putObject(t *testing.T, c *s3.Client, bucket, key, body string) *s3.PutObjectOutput {
	t.Helper()
	out, err := c.PutObject(bg, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader([]byte(body))})
	must(t, err)
	return out
}

func getObject(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(bg, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	must(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	must(t, err)
	return string(b)
}

func bucketARN(name string) string { return "arn:aws:s3:::" + name }
