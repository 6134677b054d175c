package s3_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuS3RoleScopedToPrefix(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	emutest.CreateBucket(t, root, "other-bucket")
	creds, _ := emutest.RoleSession(t, e, "conn", emutest.Doc(emutest.Allow("s3:*", []string{"arn:aws:s3:::lakesail-abc-*", "arn:aws:s3:::lakesail-abc-*/*"})), "")
	c := emutest.S3Client(e, creds)

	emutest.CreateBucket(t, c, "lakesail-abc-ws")
	emutest.PutObject(t, c, "lakesail-abc-ws", "k", "v")
	if _, err := c.ListObjectsV2(emutest.Bg, &s3.ListObjectsV2Input{Bucket: aws.String("lakesail-abc-ws")}); err != nil {
		t.Fatal(err)
	}

	_, err := c.CreateBucket(emutest.Bg, &s3.CreateBucketInput{Bucket: aws.String("other-new-bucket")})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "is not authorized to perform: s3:CreateBucket on resource: arn:aws:s3:::other-new-bucket because no identity-based policy allows")
	_, err = c.ListObjectsV2(emutest.Bg, &s3.ListObjectsV2Input{Bucket: aws.String("other-bucket")})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "s3:ListBucket on resource: arn:aws:s3:::other-bucket")
	_, err = c.HeadBucket(emutest.Bg, &s3.HeadBucketInput{Bucket: aws.String("other-bucket")})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("HeadBucket(other) = %v, want 403", err)
	}
	_, err = c.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: aws.String("other-bucket"), Key: aws.String("k"), Body: strings.NewReader("x")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = c.ListBuckets(emutest.Bg, &s3.ListBucketsInput{}) // s3:ListAllMyBuckets has resource "*"
	emutest.WantCode(t, err, "AccessDenied")

	var denied []awsemu.Call
	for _, call := range e.Calls() {
		if call.Service == "s3" && call.Decision == "deny" {
			denied = append(denied, call)
		}
	}
	if len(denied) != 5 || denied[0].Action != "s3:CreateBucket" || denied[0].Resources[0] != "arn:aws:s3:::other-new-bucket" ||
		denied[1].Action != "s3:ListBucket" || denied[4].Action != "s3:ListAllMyBuckets" {
		t.Fatalf("denied calls = %+v", denied)
	}
}

func TestEmuS3TLSOnlyBucketPolicy(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, root, *b)
	emutest.PutObject(t, root, *b, "data.txt", "payload")
	creds, _ := emutest.RoleSession(t, e, "conn", emutest.Doc(emutest.Allow("s3:*", "*")), "")
	role := emutest.S3Client(e, creds)
	_, err := root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(tlsOnlyPolicy(*b))})
	emutest.Must(t, err)

	// The emulator's endpoint is plain HTTP, so every request there has aws:SecureTransport =
	// false and the policy's Deny applies, to the role and to the account's root user alike.
	for who, c := range map[string]*s3.Client{"root": root, "role": role} {
		_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("data.txt")})
		emutest.WantCode(t, err, "AccessDenied")
		emutest.WantContains(t, emutest.ErrMessage(err), "with an explicit deny in a resource-based policy")
		_, err = c.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("new.txt"), Body: strings.NewReader("x")})
		emutest.WantCode(t, err, "AccessDenied")
		_, err = c.ListObjectsV2(emutest.Bg, &s3.ListObjectsV2Input{Bucket: b})
		emutest.WantCode(t, err, "AccessDenied")
		if who == "role" {
			_, err = c.GetBucketPolicy(emutest.Bg, &s3.GetBucketPolicyInput{Bucket: b})
			emutest.WantCode(t, err, "AccessDenied")
		}
	}
	// The bucket owner's root user keeps the bucket-policy calls, so it cannot lock itself out.
	_, err = root.GetBucketPolicy(emutest.Bg, &s3.GetBucketPolicyInput{Bucket: b})
	emutest.Must(t, err)

	// Over TLS the same calls succeed. Asked for a checksum, the SDK then streams PutObject as
	// aws-chunked with a trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER), which the
	// emulator decodes and verifies.
	emutest.Must(t, e.ListenTLS("127.0.0.1:0"))
	tlsRole := s3.NewFromConfig(e.TLSAWSConfig(emutest.Static(creds)), func(o *s3.Options) { o.UsePathStyle = true; o.Retryer = emutest.FastRetry() })
	if got := emutest.GetObject(t, tlsRole, *b, "data.txt"); got != "payload" {
		t.Fatalf("GetObject over TLS = %q", got)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 10000)
	put, err := tlsRole.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("big.bin"), Body: bytes.NewReader(big), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	emutest.Must(t, err)
	if aws.ToString(put.ChecksumCRC32) == "" {
		t.Fatal("PutObject over TLS sent no CRC32 trailer")
	}
	out, err := tlsRole.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("big.bin"), ChecksumMode: s3types.ChecksumModeEnabled})
	emutest.Must(t, err)
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(got, big) {
		t.Fatalf("round trip over TLS: %d bytes back of %d", len(got), len(big))
	}
	// The plain-HTTP endpoint still refuses.
	_, err = role.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("big.bin")})
	emutest.WantCode(t, err, "AccessDenied")
	// And the root user can always remove the policy, even over HTTP.
	_, err = root.DeleteBucketPolicy(emutest.Bg, &s3.DeleteBucketPolicyInput{Bucket: b})
	emutest.Must(t, err)
	if emutest.GetObject(t, role, *b, "data.txt") != "payload" {
		t.Fatal("GetObject after the policy is gone")
	}
}

func TestEmuS3BucketPolicyGrants(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	iamRoot := emutest.IamClient(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, root, *b)
	emutest.PutObject(t, root, *b, "data.txt", "payload")

	// Roles with no S3 permission of their own; the second has a boundary without S3.
	readerCreds, readerARN := emutest.RoleSession(t, e, "reader", "", "")
	boundary := emutest.CreatePolicy(t, iamRoot, "no-s3", emutest.Doc(emutest.Allow("ec2:*", "*")))
	cappedCreds, cappedARN := emutest.RoleSession(t, e, "capped", "", boundary)
	otherRoot := e.AddAccount("210987654321")

	reader, capped, other := emutest.S3Client(e, readerCreds), emutest.S3Client(e, cappedCreds), emutest.S3Client(e, otherRoot)
	for _, c := range []*s3.Client{reader, capped, other} {
		_, err := c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("data.txt")})
		emutest.WantCode(t, err, "AccessDenied")
	}
	policy := emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": []string{readerARN, cappedARN, emutest.RootOf("210987654321")}},
		Action: []string{"s3:GetObject", "s3:ListBucket"}, Resource: []string{"arn:aws:s3:::lakesail-abc-ws", "arn:aws:s3:::lakesail-abc-ws/*"}})
	_, err := root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)})
	emutest.Must(t, err)

	// Same account: the bucket policy alone allows the reader ...
	if emutest.GetObject(t, reader, *b, "data.txt") != "payload" {
		t.Fatal("reader")
	}
	// ... but not past a permissions boundary.
	_, err = capped.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("data.txt")})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "permissions boundary")
	// Another account's root: the bucket policy names its account, and root has every
	// permission in its own account.
	if emutest.GetObject(t, other, *b, "data.txt") != "payload" {
		t.Fatal("other account")
	}
	// Nothing grants writes.
	_, err = reader.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("w"), Body: strings.NewReader("x")})
	emutest.WantCode(t, err, "AccessDenied")

	// A missing key is NoSuchKey for who may list the bucket, AccessDenied for who may not.
	_, err = reader.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("missing")})
	emutest.WantCode(t, err, "NoSuchKey")
	getOnly := emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": readerARN}, Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"})
	_, err = root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(getOnly)})
	emutest.Must(t, err)
	_, err = reader.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("missing")})
	emutest.WantCode(t, err, "AccessDenied")
}

func TestEmuS3VersionActions(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, root, *b)
	_, err := root.PutBucketVersioning(emutest.Bg, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	emutest.Must(t, err)
	v1 := emutest.PutObject(t, root, *b, "k", "one")
	emutest.PutObject(t, root, *b, "k", "two")
	creds, _ := emutest.RoleSession(t, e, "worker", emutest.Doc(emutest.Allow([]string{"s3:GetObject", "s3:DeleteObject", "s3:ListBucket"}, []string{"arn:aws:s3:::lakesail-abc-ws", "arn:aws:s3:::lakesail-abc-ws/*"})), "")
	c := emutest.S3Client(e, creds)

	if emutest.GetObject(t, c, *b, "k") != "two" {
		t.Fatal("GetObject")
	}
	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: v1.VersionId})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "s3:GetObjectVersion")
	_, err = c.DeleteObject(emutest.Bg, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k"), VersionId: v1.VersionId})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "s3:DeleteObjectVersion")
	_, err = c.ListObjectVersions(emutest.Bg, &s3.ListObjectVersionsInput{Bucket: b})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "s3:ListBucketVersions")

	// DeleteObjects authorizes each key: the versioned one is refused in the result.
	del, err := c.DeleteObjects(emutest.Bg, &s3.DeleteObjectsInput{Bucket: b, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("k")}, {Key: aws.String("k"), VersionId: v1.VersionId}}}})
	emutest.Must(t, err)
	if len(del.Deleted) != 1 || !aws.ToBool(del.Deleted[0].DeleteMarker) || len(del.Errors) != 1 ||
		aws.ToString(del.Errors[0].Code) != "AccessDenied" || aws.ToString(del.Errors[0].VersionId) != *v1.VersionId {
		t.Fatalf("DeleteObjects = %+v", del)
	}
}

func TestEmuS3SSEKMS(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	kc := emutest.KmsClient(e, e.RootCredentials())
	key := emutest.CreateKey(t, kc, nil) // default key policy: delegates to the account's IAM policies
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, root, *b)
	_, err := root.PutBucketEncryption(emutest.Bg, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: key.KeyId},
			BucketKeyEnabled:                   aws.Bool(true),
		}}}})
	emutest.Must(t, err)

	// Root: the key policy allows the account, so S3 may use the key on root's behalf.
	put := emutest.PutObject(t, root, *b, "secret.txt", "s3kr1t")
	if put.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || aws.ToString(put.SSEKMSKeyId) != *key.Arn || !aws.ToBool(put.BucketKeyEnabled) {
		t.Fatalf("PutObject SSE = %s %s %v", put.ServerSideEncryption, aws.ToString(put.SSEKMSKeyId), put.BucketKeyEnabled)
	}
	head, err := root.HeadObject(emutest.Bg, &s3.HeadObjectInput{Bucket: b, Key: aws.String("secret.txt")})
	emutest.Must(t, err)
	if aws.ToString(head.SSEKMSKeyId) != *key.Arn {
		t.Fatalf("HeadObject key = %s", aws.ToString(head.SSEKMSKeyId))
	}

	// A role with S3 permissions but none on the key: S3 cannot call KMS for it.
	s3Only := emutest.Allow("s3:*", []string{"arn:aws:s3:::lakesail-abc-ws", "arn:aws:s3:::lakesail-abc-ws/*"})
	creds, _ := emutest.RoleSession(t, e, "s3only", emutest.Doc(s3Only), "")
	c := emutest.S3Client(e, creds)
	_, err = c.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("x"), Body: strings.NewReader("x")})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "kms:GenerateDataKey on resource: "+*key.Arn)
	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("secret.txt")})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "kms:Decrypt")

	// With the key allowed only through S3 (kms:ViaService), S3 calls work; direct KMS calls do not.
	viaS3 := emutest.Stmt{Effect: "Allow", Action: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resource: *key.Arn,
		Condition: map[string]any{"StringEquals": map[string]any{"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}
	creds, _ = emutest.RoleSession(t, e, "s3kms", emutest.Doc(s3Only, viaS3), "")
	c = emutest.S3Client(e, creds)
	emutest.PutObject(t, c, *b, "y", "why")
	if emutest.GetObject(t, c, *b, "y") != "why" || emutest.GetObject(t, c, *b, "secret.txt") != "s3kr1t" {
		t.Fatal("SSE-KMS round trip through S3")
	}
	_, err = emutest.KmsClient(e, creds).GenerateDataKey(emutest.Bg, &kms.GenerateDataKeyInput{KeyId: key.KeyId, NumberOfBytes: aws.Int32(32)})
	emutest.WantCode(t, err, "AccessDeniedException")
	// The call log names the S3 action of an allowed read, and the KMS action of a refused one.
	var reads []awsemu.Call
	for _, call := range e.Calls() {
		if call.Operation == "GetObject" {
			reads = append(reads, call)
		}
	}
	if len(reads) != 3 || reads[0].Action != "kms:Decrypt" || reads[0].Decision != "deny" ||
		reads[2].Action != "s3:GetObject" || reads[2].Decision != "allow" {
		t.Fatalf("GetObject calls = %+v", reads)
	}

	// Key states and missing keys surface as S3 errors naming KMS.
	_, err = kc.DisableKey(emutest.Bg, &kms.DisableKeyInput{KeyId: key.KeyId})
	emutest.Must(t, err)
	_, err = root.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("z"), Body: strings.NewReader("z")})
	emutest.WantCode(t, err, "KMS.DisabledException")
	_, err = root.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("secret.txt")})
	emutest.WantCode(t, err, "KMS.DisabledException")
	_, err = root.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("z"), Body: strings.NewReader("z"),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/missing")})
	emutest.WantCode(t, err, "KMS.NotFoundException")
	// SSE-S3 by header still works.
	_, err = root.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("z"), Body: strings.NewReader("z"), ServerSideEncryption: s3types.ServerSideEncryptionAes256})
	emutest.Must(t, err)
}

// TestEmuS3PublicPolicy: Block Public Access refuses public policies while BlockPublicPolicy is
// on; once it is off, a public policy admits other accounts unless RestrictPublicBuckets is on.
func TestEmuS3PublicPolicy(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, root, *b)
	emutest.PutObject(t, root, *b, "k", "v")
	other := emutest.S3Client(e, e.AddAccount("210987654321"))

	noDelete := emutest.Doc(emutest.Stmt{Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::lakesail-abc-ws"})
	_, err := root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(noDelete)})
	emutest.Must(t, err)
	_, err = root.DeleteBucket(emutest.Bg, &s3.DeleteBucketInput{Bucket: b})
	emutest.WantCode(t, err, "AccessDenied")
	st, err := root.GetBucketPolicyStatus(emutest.Bg, &s3.GetBucketPolicyStatusInput{Bucket: b})
	emutest.Must(t, err)
	if aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("a deny-only policy is not public")
	}
	public := emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"})
	_, err = root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)})
	emutest.WantCode(t, err, "AccessDenied")
	// A condition on a fixed account makes the same statement non-public.
	scoped := emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "210987654321"}}})
	_, err = root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(scoped)})
	emutest.Must(t, err)
	if emutest.GetObject(t, other, *b, "k") != "v" {
		t.Fatal("scoped policy")
	}

	_, err = root.PutPublicAccessBlock(emutest.Bg, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		RestrictPublicBuckets: aws.Bool(true)}})
	emutest.Must(t, err)
	_, err = root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)})
	emutest.Must(t, err)
	st, err = root.GetBucketPolicyStatus(emutest.Bg, &s3.GetBucketPolicyStatusInput{Bucket: b})
	emutest.Must(t, err)
	if !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("Principal * without conditions is public")
	}
	_, err = other.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	emutest.WantCode(t, err, "AccessDenied") // RestrictPublicBuckets
	_, err = root.DeletePublicAccessBlock(emutest.Bg, &s3.DeletePublicAccessBlockInput{Bucket: b})
	emutest.Must(t, err)
	if emutest.GetObject(t, other, *b, "k") != "v" {
		t.Fatal("public policy without Block Public Access")
	}

	// ExpectedBucketOwner must match the owner.
	_, err = root.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), ExpectedBucketOwner: aws.String("210987654321")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = root.GetBucketTagging(emutest.Bg, &s3.GetBucketTaggingInput{Bucket: b, ExpectedBucketOwner: aws.String(awsemu.DefaultAccountID)})
	emutest.WantCode(t, err, "NoSuchTagSet")
}
