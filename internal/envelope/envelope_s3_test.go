package envelope

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func s3Of(p principal) *s3.Client { return s3Client(p.cfg) }

// exposingPolicy grants account 999999999999 the bucket's objects.
func exposingPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Exfil","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},` +
		`"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

func tagBucket(p principal, bucket string) error {
	tags := connTags(connID)
	_, err := s3Of(p).PutBucketTagging(bg, &s3.PutBucketTaggingInput{Bucket: aws.String(bucket), Tagging: s3Tagging(tags)})
	return err
}

// exposureAttacks are the changes that would let data leave a bucket or lose its protection.
func exposureAttacks() []attack {
	return []attack{
		{"s3:PutBucketPolicy-grant-999999999999", func(p principal, b string) error {
			_, err := s3Of(p).PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(exposingPolicy(b))})
			return err
		}},
		{"s3:DeleteBucketPolicy", func(p principal, b string) error {
			_, err := s3Of(p).DeleteBucketPolicy(bg, &s3.DeleteBucketPolicyInput{Bucket: aws.String(b)})
			return err
		}},
		{"s3:PutBucketPublicAccessBlock-all-false", func(p principal, b string) error {
			f := aws.Bool(false)
			_, err := s3Of(p).PutPublicAccessBlock(bg, &s3.PutPublicAccessBlockInput{Bucket: aws.String(b), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: f, BlockPublicPolicy: f, IgnorePublicAcls: f, RestrictPublicBuckets: f}})
			return err
		}},
		{"s3:DeletePublicAccessBlock", func(p principal, b string) error {
			_, err := s3Of(p).DeletePublicAccessBlock(bg, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(b)})
			return err
		}},
		{"s3:PutEncryptionConfiguration-AES256", func(p principal, b string) error {
			_, err := s3Of(p).PutBucketEncryption(bg, &s3.PutBucketEncryptionInput{Bucket: aws.String(b), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
			return err
		}},
		{"s3:DeleteBucketEncryption", func(p principal, b string) error {
			_, err := s3Of(p).DeleteBucketEncryption(bg, &s3.DeleteBucketEncryptionInput{Bucket: aws.String(b)})
			return err
		}},
		{"s3:PutBucketAcl-public-read", func(p principal, b string) error {
			_, err := s3Of(p).PutBucketAcl(bg, &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: s3types.BucketCannedACLPublicRead})
			return err
		}},
		{"s3:PutBucketOwnershipControls-ObjectWriter", func(p principal, b string) error {
			_, err := s3Of(p).PutBucketOwnershipControls(bg, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(b), OwnershipControls: &s3types.OwnershipControls{
				Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}}})
			return err
		}},
		{"s3:DeleteBucketOwnershipControls", func(p principal, b string) error {
			_, err := s3Of(p).DeleteBucketOwnershipControls(bg, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String(b)})
			return err
		}},
	}
}

// TestEnvelopeS3: the customer's and another connection's buckets: no configuration change, no
// tags, no data written or deleted, no deletion.
func TestEnvelopeS3(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	attacks := append(exposureAttacks(),
		attack{"s3:PutBucketTagging", tagBucket},
		attack{"s3:DeleteBucketTagging", func(p principal, b string) error {
			_, err := s3Of(p).DeleteBucketTagging(bg, &s3.DeleteBucketTaggingInput{Bucket: aws.String(b)})
			return err
		}},
		attack{"s3:PutBucketVersioning-suspend", func(p principal, b string) error {
			_, err := s3Of(p).PutBucketVersioning(bg, &s3.PutBucketVersioningInput{Bucket: aws.String(b), VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
			return err
		}},
		attack{"s3:PutObject", func(p principal, b string) error {
			_, err := s3Of(p).PutObject(bg, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("planted"), Body: strings.NewReader("x")})
			return err
		}},
		attack{"s3:DeleteObject", func(p principal, b string) error {
			_, err := s3Of(p).DeleteObject(bg, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("data.parquet")})
			return err
		}},
		attack{"s3:DeleteBucket", func(p principal, b string) error {
			_, err := s3Of(p).DeleteBucket(bg, &s3.DeleteBucketInput{Bucket: aws.String(b)})
			return err
		}},
	)
	w.runEnvelope(t, "bucket", w.buckets.foreign(), tagBucket, attacks)
}

// TestEnvelopeS3OwnBucketDataProtection: the connection's own workspace bucket keeps its policy,
// public access block, encryption, ACLs and ownership, whoever asks.
func TestEnvelopeS3OwnBucketDataProtection(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.runEnvelope(t, "bucket", []target{{"ours", w.buckets.ours}}, nil, exposureAttacks())
}

// TestEnvelopeAttack_ExposeWorkspaceBucketToAnotherAccount: a bucket policy on the workspace
// bucket granting account 999999999999 the objects.
func TestEnvelopeAttack_ExposeWorkspaceBucketToAnotherAccount(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, p := range w.principals() {
		_, err := s3Of(p).PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: aws.String(w.buckets.ours), Policy: aws.String(exposingPolicy(w.buckets.ours))})
		w.wantRefused(t, p, "s3:PutBucketPolicy granting 999999999999 on the workspace bucket", err)
		_, err = s3Of(p).PutBucketAcl(bg, &s3.PutBucketAclInput{Bucket: aws.String(w.buckets.ours), GrantRead: aws.String("id=999999999999")})
		w.wantRefused(t, p, "s3:PutBucketAcl granting 999999999999 on the workspace bucket", err)
	}
}

// TestEnvelopeAttack_RemovePublicAccessBlock: the workspace bucket's public access block is
// neither deleted nor turned off.
func TestEnvelopeAttack_RemovePublicAccessBlock(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, p := range w.principals() {
		_, err := s3Of(p).DeletePublicAccessBlock(bg, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(w.buckets.ours)})
		w.wantRefused(t, p, "s3:DeletePublicAccessBlock on the workspace bucket", err)
		f := aws.Bool(false)
		_, err = s3Of(p).PutPublicAccessBlock(bg, &s3.PutPublicAccessBlockInput{Bucket: aws.String(w.buckets.ours), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: f, BlockPublicPolicy: f, IgnorePublicAcls: f, RestrictPublicBuckets: f}})
		w.wantRefused(t, p, "s3:PutBucketPublicAccessBlock (all false) on the workspace bucket", err)
	}
}

// TestEnvelopeAttack_ChangeBucketEncryption: the workspace bucket stays SSE-KMS with its key.
func TestEnvelopeAttack_ChangeBucketEncryption(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, p := range w.principals() {
		_, err := s3Of(p).DeleteBucketEncryption(bg, &s3.DeleteBucketEncryptionInput{Bucket: aws.String(w.buckets.ours)})
		w.wantRefused(t, p, "s3:DeleteBucketEncryption on the workspace bucket", err)
		_, err = s3Of(p).PutBucketEncryption(bg, &s3.PutBucketEncryptionInput{Bucket: aws.String(w.buckets.ours), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
		w.wantRefused(t, p, "s3:PutEncryptionConfiguration AES256 on the workspace bucket", err)
	}
}

// TestEnvelopeAttack_WorkloadRoleOtherAccountsBucket: a bucket named lakesail-<id>-… in another
// account (whose owner lets our account in) is not the workspace's bucket: no workload role and
// not the connection role may write to it or configure it.
func TestEnvelopeAttack_WorkloadRoleOtherAccountsBucket(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, p := range w.principals() {
		_, err := s3Of(p).PutObject(bg, &s3.PutObjectInput{Bucket: aws.String(w.foreignBucket), Key: aws.String("exfil.parquet"), Body: strings.NewReader("data")})
		w.wantRefused(t, p, "s3:PutObject into "+w.foreignBucket+" of account "+foreignAccount, err)
		_, err = s3Of(p).ListObjectsV2(bg, &s3.ListObjectsV2Input{Bucket: aws.String(w.foreignBucket)})
		w.wantRefused(t, p, "s3:ListBucket on "+w.foreignBucket+" of account "+foreignAccount, err)
		_, err = s3Of(p).PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: aws.String(w.foreignBucket), Policy: aws.String(exposingPolicy(w.foreignBucket))})
		w.wantRefused(t, p, "s3:PutBucketPolicy on "+w.foreignBucket+" of account "+foreignAccount, err)
	}
}
