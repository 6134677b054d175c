package s3_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuS3BucketRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.S3Client(e, e.RootCredentials())

	for _, bad := range []string{"ab", "Upper-Case", "bad_name", "-leading", "192.168.1.1", "two..dots", "xn--punycode", "name-s3alias"} {
		_, err := c.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String(bad)})
		emutest.WantCode(t, err, "InvalidBucketName")
	}
	emutest.CreateBucket(t, c, "lakesail-abc-ws")
	// Legacy us-east-1: re-creating your own bucket is a no-op success.
	_, err := c.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String("lakesail-abc-ws")})
	emutest.Must(t, err)
	_, err = c.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String("x-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	emutest.WantCode(t, err, "InvalidLocationConstraint")

	head, err := c.HeadBucket(emutest.Bg, &s3.HeadBucketInput{Bucket: aws.String("lakesail-abc-ws")})
	emutest.Must(t, err)
	if aws.ToString(head.BucketRegion) != "us-east-1" {
		t.Fatalf("HeadBucket region = %v", aws.ToString(head.BucketRegion))
	}
	_, err = c.HeadBucket(emutest.Bg, &s3.HeadBucketInput{Bucket: aws.String("missing-bucket")})
	var nf *s3types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("HeadBucket(missing) = %v, want NotFound", err)
	}
	loc, err := c.GetBucketLocation(emutest.Bg, &s3.GetBucketLocationInput{Bucket: aws.String("lakesail-abc-ws")})
	emutest.Must(t, err)
	if loc.LocationConstraint != "" {
		t.Fatalf("us-east-1 location = %q, want empty", loc.LocationConstraint)
	}
	_, err = c.GetBucketLocation(emutest.Bg, &s3.GetBucketLocationInput{Bucket: aws.String("missing-bucket")})
	emutest.WantCode(t, err, "NoSuchBucket")

	// Another region: the constraint must match the endpoint's region.
	eu := emutest.S3ClientIn(e, e.RootCredentials(), "eu-west-1")
	_, err = eu.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket")})
	emutest.WantCode(t, err, "IllegalLocationConstraintException")
	_, err = eu.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-2"}})
	emutest.WantCode(t, err, "IllegalLocationConstraintException")
	_, err = eu.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	emutest.Must(t, err)
	_, err = eu.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	var owned *s3types.BucketAlreadyOwnedByYou
	if !errors.As(err, &owned) {
		t.Fatalf("re-create in eu-west-1 = %v, want BucketAlreadyOwnedByYou", err)
	}
	loc, err = c.GetBucketLocation(emutest.Bg, &s3.GetBucketLocationInput{Bucket: aws.String("eu-bucket")})
	emutest.Must(t, err)
	if loc.LocationConstraint != "eu-west-1" {
		t.Fatalf("eu location = %q", loc.LocationConstraint)
	}
	_, err = c.GetBucketVersioning(emutest.Bg, &s3.GetBucketVersioningInput{Bucket: aws.String("eu-bucket")})
	emutest.WantCode(t, err, "AuthorizationHeaderMalformed") // signed for us-east-1, bucket in eu-west-1

	// The bucket namespace is global: another account gets BucketAlreadyExists.
	other := emutest.S3Client(e, e.AddAccount("210987654321"))
	_, err = other.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String("lakesail-abc-ws")})
	var exists *s3types.BucketAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("other account create = %v, want BucketAlreadyExists", err)
	}

	list, err := c.ListBuckets(emutest.Bg, &s3.ListBucketsInput{})
	emutest.Must(t, err)
	if len(list.Buckets) != 2 || *list.Buckets[0].Name != "eu-bucket" || *list.Buckets[1].Name != "lakesail-abc-ws" ||
		aws.ToString(list.Buckets[0].BucketRegion) != "eu-west-1" || list.Owner == nil || len(aws.ToString(list.Owner.ID)) != 64 {
		t.Fatalf("ListBuckets = %+v", list)
	}
	page, err := c.ListBuckets(emutest.Bg, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)})
	emutest.Must(t, err)
	if len(page.Buckets) != 1 || page.ContinuationToken == nil {
		t.Fatalf("first page = %+v", page)
	}
	page, err = c.ListBuckets(emutest.Bg, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1), ContinuationToken: page.ContinuationToken})
	emutest.Must(t, err)
	if len(page.Buckets) != 1 || *page.Buckets[0].Name != "lakesail-abc-ws" || page.ContinuationToken != nil {
		t.Fatalf("second page = %+v", page)
	}
	otherList, err := other.ListBuckets(emutest.Bg, &s3.ListBucketsInput{})
	emutest.Must(t, err)
	if len(otherList.Buckets) != 0 {
		t.Fatalf("other account sees %d buckets", len(otherList.Buckets))
	}

	_, err = eu.DeleteBucket(emutest.Bg, &s3.DeleteBucketInput{Bucket: aws.String("eu-bucket")})
	emutest.Must(t, err)
	_, err = eu.DeleteBucket(emutest.Bg, &s3.DeleteBucketInput{Bucket: aws.String("eu-bucket")})
	emutest.WantCode(t, err, "NoSuchBucket")
}

func TestEmuS3BucketConfiguration(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, c, *b)

	// Default encryption: SSE-S3 from the start; SSE-KMS with a bucket key; delete resets.
	enc, err := c.GetBucketEncryption(emutest.Bg, &s3.GetBucketEncryptionInput{Bucket: b})
	emutest.Must(t, err)
	if r := enc.ServerSideEncryptionConfiguration.Rules[0]; r.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Fatalf("default encryption = %+v", r.ApplyServerSideEncryptionByDefault)
	}
	keyARN := "arn:aws:kms:us-east-1:123456789012:key/0b1f4a3c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
	_, err = c.PutBucketEncryption(emutest.Bg, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)},
			BucketKeyEnabled:                   aws.Bool(true),
		}}}})
	emutest.Must(t, err)
	enc, err = c.GetBucketEncryption(emutest.Bg, &s3.GetBucketEncryptionInput{Bucket: b})
	emutest.Must(t, err)
	r := enc.ServerSideEncryptionConfiguration.Rules[0]
	if r.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms ||
		aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != keyARN || !aws.ToBool(r.BucketKeyEnabled) {
		t.Fatalf("SSE-KMS rule = %+v %+v", r, r.ApplyServerSideEncryptionByDefault)
	}
	_, err = c.PutBucketEncryption(emutest.Bg, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
			SSEAlgorithm: s3types.ServerSideEncryptionAes256, KMSMasterKeyID: aws.String(keyARN)}}}}})
	emutest.WantCode(t, err, "InvalidArgument")
	_, err = c.DeleteBucketEncryption(emutest.Bg, &s3.DeleteBucketEncryptionInput{Bucket: b})
	emutest.Must(t, err)
	enc, err = c.GetBucketEncryption(emutest.Bg, &s3.GetBucketEncryptionInput{Bucket: b})
	emutest.Must(t, err)
	if enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Fatal("DeleteBucketEncryption did not reset to SSE-S3")
	}

	// Public access block: all four on for a new bucket; delete; NoSuch...; put.
	pab, err := c.GetPublicAccessBlock(emutest.Bg, &s3.GetPublicAccessBlockInput{Bucket: b})
	emutest.Must(t, err)
	if p := pab.PublicAccessBlockConfiguration; !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.BlockPublicPolicy) || !aws.ToBool(p.RestrictPublicBuckets) {
		t.Fatalf("default public access block = %+v", p)
	}
	_, err = c.DeletePublicAccessBlock(emutest.Bg, &s3.DeletePublicAccessBlockInput{Bucket: b})
	emutest.Must(t, err)
	_, err = c.GetPublicAccessBlock(emutest.Bg, &s3.GetPublicAccessBlockInput{Bucket: b})
	emutest.WantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
	_, err = c.PutPublicAccessBlock(emutest.Bg, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true)}})
	emutest.Must(t, err)
	pab, err = c.GetPublicAccessBlock(emutest.Bg, &s3.GetPublicAccessBlockInput{Bucket: b})
	emutest.Must(t, err)
	if p := pab.PublicAccessBlockConfiguration; !aws.ToBool(p.BlockPublicAcls) || aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.BlockPublicPolicy) {
		t.Fatalf("public access block = %+v", p)
	}

	// Ownership controls.
	own, err := c.GetBucketOwnershipControls(emutest.Bg, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	emutest.Must(t, err)
	if own.OwnershipControls.Rules[0].ObjectOwnership != s3types.ObjectOwnershipBucketOwnerEnforced {
		t.Fatalf("default ownership = %v", own.OwnershipControls.Rules[0].ObjectOwnership)
	}
	_, err = c.PutBucketOwnershipControls(emutest.Bg, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerPreferred}}}})
	emutest.Must(t, err)
	own, err = c.GetBucketOwnershipControls(emutest.Bg, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	emutest.Must(t, err)
	if own.OwnershipControls.Rules[0].ObjectOwnership != s3types.ObjectOwnershipBucketOwnerPreferred {
		t.Fatal("ownership not updated")
	}
	_, err = c.DeleteBucketOwnershipControls(emutest.Bg, &s3.DeleteBucketOwnershipControlsInput{Bucket: b})
	emutest.Must(t, err)
	_, err = c.GetBucketOwnershipControls(emutest.Bg, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	emutest.WantCode(t, err, "OwnershipControlsNotFoundError")

	// Versioning.
	v, err := c.GetBucketVersioning(emutest.Bg, &s3.GetBucketVersioningInput{Bucket: b})
	emutest.Must(t, err)
	if v.Status != "" {
		t.Fatalf("new bucket versioning = %q", v.Status)
	}
	_, err = c.PutBucketVersioning(emutest.Bg, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	emutest.Must(t, err)
	v, err = c.GetBucketVersioning(emutest.Bg, &s3.GetBucketVersioningInput{Bucket: b})
	emutest.Must(t, err)
	if v.Status != s3types.BucketVersioningStatusEnabled {
		t.Fatalf("versioning = %q", v.Status)
	}

	// Tagging.
	_, err = c.GetBucketTagging(emutest.Bg, &s3.GetBucketTaggingInput{Bucket: b})
	emutest.WantCode(t, err, "NoSuchTagSet")
	_, err = c.PutBucketTagging(emutest.Bg, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{
		{Key: aws.String("LakeSail-Network"), Value: aws.String("NET1")}, {Key: aws.String("Env"), Value: aws.String("test")}}}})
	emutest.Must(t, err)
	tags, err := c.GetBucketTagging(emutest.Bg, &s3.GetBucketTaggingInput{Bucket: b})
	emutest.Must(t, err)
	if len(tags.TagSet) != 2 || *tags.TagSet[0].Key != "LakeSail-Network" || *tags.TagSet[0].Value != "NET1" {
		t.Fatalf("tags = %+v", tags.TagSet)
	}
	_, err = c.PutBucketTagging(emutest.Bg, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{
		{Key: aws.String("aws:reserved"), Value: aws.String("x")}}}})
	emutest.WantCode(t, err, "InvalidTag")
	_, err = c.DeleteBucketTagging(emutest.Bg, &s3.DeleteBucketTaggingInput{Bucket: b})
	emutest.Must(t, err)
	_, err = c.GetBucketTagging(emutest.Bg, &s3.GetBucketTaggingInput{Bucket: b})
	emutest.WantCode(t, err, "NoSuchTagSet")

	// Bucket policy.
	_, err = c.GetBucketPolicy(emutest.Bg, &s3.GetBucketPolicyInput{Bucket: b})
	emutest.WantCode(t, err, "NoSuchBucketPolicy")
	policy := tlsOnlyPolicy(*b)
	_, err = c.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)})
	emutest.Must(t, err)
	got, err := c.GetBucketPolicy(emutest.Bg, &s3.GetBucketPolicyInput{Bucket: b})
	emutest.Must(t, err)
	if aws.ToString(got.Policy) != policy {
		t.Fatalf("policy = %s", aws.ToString(got.Policy))
	}
	for _, bad := range []string{
		"not json",
		emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"}),                                                                  // no principal
		emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": emutest.RootOf(awsemu.DefaultAccountID)}, Action: "s3:GetObject", Resource: "arn:aws:s3:::other/*"}), // other bucket
		emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": emutest.RootOf(awsemu.DefaultAccountID)}, Action: "ec2:RunInstances", Resource: "arn:aws:s3:::lakesail-abc-ws"}),
		emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws:iam::123456789012:role/missing"}, Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"}),
	} {
		_, err = c.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(bad)})
		emutest.WantCode(t, err, "MalformedPolicy")
	}
	// BlockPublicPolicy (on) refuses a policy that makes the bucket public.
	public := emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"})
	_, err = c.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "BlockPublicPolicy")
	_, err = c.DeleteBucketPolicy(emutest.Bg, &s3.DeleteBucketPolicyInput{Bucket: b})
	emutest.Must(t, err)
	_, err = c.GetBucketPolicy(emutest.Bg, &s3.GetBucketPolicyInput{Bucket: b})
	emutest.WantCode(t, err, "NoSuchBucketPolicy")

	// Every configuration call on a missing bucket is NoSuchBucket.
	missing := aws.String("missing-bucket")
	_, err = c.GetBucketEncryption(emutest.Bg, &s3.GetBucketEncryptionInput{Bucket: missing})
	emutest.WantCode(t, err, "NoSuchBucket")
	_, err = c.PutBucketTagging(emutest.Bg, &s3.PutBucketTaggingInput{Bucket: missing, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{}}})
	emutest.WantCode(t, err, "NoSuchBucket")
}

// tlsOnlyPolicy denies every request to the bucket that does not arrive over TLS.
func tlsOnlyPolicy(bucket string) string {
	return emutest.Doc(emutest.Stmt{
		Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource:  []string{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"},
		Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	})
}

func TestEmuS3DeleteBucketNotEmpty(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, c, *b)
	emutest.PutObject(t, c, *b, "a.txt", "a")
	emutest.PutObject(t, c, *b, "dir/b.txt", "b")
	_, err := c.DeleteBucket(emutest.Bg, &s3.DeleteBucketInput{Bucket: b})
	emutest.WantCode(t, err, "BucketNotEmpty")

	// Empty it as a force-destroy would: list, delete in a batch, then delete the bucket.
	list, err := c.ListObjectsV2(emutest.Bg, &s3.ListObjectsV2Input{Bucket: b})
	emutest.Must(t, err)
	var ids []s3types.ObjectIdentifier
	for _, o := range list.Contents {
		ids = append(ids, s3types.ObjectIdentifier{Key: o.Key})
	}
	del, err := c.DeleteObjects(emutest.Bg, &s3.DeleteObjectsInput{Bucket: b, Delete: &s3types.Delete{Objects: ids}})
	emutest.Must(t, err)
	if len(del.Deleted) != 2 || len(del.Errors) != 0 {
		t.Fatalf("DeleteObjects = %+v", del)
	}
	_, err = c.DeleteBucket(emutest.Bg, &s3.DeleteBucketInput{Bucket: b})
	emutest.Must(t, err)

	// Versioned: deleting objects leaves versions and markers, which still block the delete.
	emutest.CreateBucket(t, c, *b)
	_, err = c.PutBucketVersioning(emutest.Bg, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	emutest.Must(t, err)
	emutest.PutObject(t, c, *b, "a.txt", "v1")
	emutest.PutObject(t, c, *b, "a.txt", "v2")
	_, err = c.DeleteObject(emutest.Bg, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("a.txt")})
	emutest.Must(t, err)
	list, err = c.ListObjectsV2(emutest.Bg, &s3.ListObjectsV2Input{Bucket: b})
	emutest.Must(t, err)
	if len(list.Contents) != 0 {
		t.Fatalf("latest is a delete marker, yet ListObjectsV2 shows %d objects", len(list.Contents))
	}
	_, err = c.DeleteBucket(emutest.Bg, &s3.DeleteBucketInput{Bucket: b})
	emutest.WantCode(t, err, "BucketNotEmpty")
	emutest.WantContains(t, emutest.ErrMessage(err), "versions")
	versions, err := c.ListObjectVersions(emutest.Bg, &s3.ListObjectVersionsInput{Bucket: b})
	emutest.Must(t, err)
	ids = nil
	for _, v := range versions.Versions {
		ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
	}
	for _, m := range versions.DeleteMarkers {
		ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
	}
	if len(ids) != 3 {
		t.Fatalf("versions+markers = %d, want 3", len(ids))
	}
	_, err = c.DeleteObjects(emutest.Bg, &s3.DeleteObjectsInput{Bucket: b, Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
	emutest.Must(t, err)
	_, err = c.DeleteBucket(emutest.Bg, &s3.DeleteBucketInput{Bucket: b})
	emutest.Must(t, err)
	if _, err := c.HeadBucket(emutest.Bg, &s3.HeadBucketInput{Bucket: b}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("HeadBucket after delete = %v", err)
	}
}
