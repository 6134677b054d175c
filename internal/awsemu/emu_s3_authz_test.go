package awsemu

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestEmuS3RoleScopedToPrefix(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := s3Client(e, e.RootCredentials())
	createBucket(t, root, "other-bucket")
	creds, _ := roleSession(t, e, "conn", doc(allow("s3:*", []string{"arn:aws:s3:::lakesail-abc-*", "arn:aws:s3:::lakesail-abc-*/*"})), "")
	c := s3Client(e, creds)

	createBucket(t, c, "lakesail-abc-ws")
	putObject(t, c, "lakesail-abc-ws", "k", "v")
	if _, err := c.ListObjectsV2(bg, &s3.ListObjectsV2Input{Bucket: aws.String("lakesail-abc-ws")}); err != nil {
		t.Fatal(err)
	}

	_, err := c.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("other-new-bucket")})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "is not authorized to perform: s3:CreateBucket on resource: arn:aws:s3:::other-new-bucket because no identity-based policy allows")
	_, err = c.ListObjectsV2(bg, &s3.ListObjectsV2Input{Bucket: aws.String("other-bucket")})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "s3:ListBucket on resource: arn:aws:s3:::other-bucket")
	_, err = c.HeadBucket(bg, &s3.HeadBucketInput{Bucket: aws.String("other-bucket")})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("HeadBucket(other) = %v, want 403", err)
	}
	_, err = c.PutObject(bg, &s3.PutObjectInput{Bucket: aws.String("other-bucket"), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied")
	_, err = c.ListBuckets(bg, &s3.ListBucketsInput{}) // s3:ListAllMyBuckets has resource "*"
	wantCode(t, err, "AccessDenied")

	var denied []Call
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
	e, _ := newTestEmu(t, Options{})
	root := s3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	createBucket(t, root, *b)
	putObject(t, root, *b, "data.txt", "payload")
	creds, _ := roleSession(t, e, "conn", doc(allow("s3:*", "*")), "")
	role := s3Client(e, creds)
	_, err := root.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(tlsOnlyPolicy(*b))})
	must(t, err)

	// The emulator's endpoint is plain HTTP, so every request there has aws:SecureTransport =
	// false and the policy's Deny applies, to the role and to the account's root user alike.
	for who, c := range map[string]*s3.Client{"root": root, "role": role} {
		_, err = c.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("data.txt")})
		wantCode(t, err, "AccessDenied")
		wantContains(t, errMessage(err), "with an explicit deny in a resource-based policy")
		_, err = c.PutObject(bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("new.txt"), Body: strings.NewReader("x")})
		wantCode(t, err, "AccessDenied")
		_, err = c.ListObjectsV2(bg, &s3.ListObjectsV2Input{Bucket: b})
		wantCode(t, err, "AccessDenied")
		if who == "role" {
			_, err = c.GetBucketPolicy(bg, &s3.GetBucketPolicyInput{Bucket: b})
			wantCode(t, err, "AccessDenied")
		}
	}
	// The bucket owner's root user keeps the bucket-policy calls, so it cannot lock itself out.
	_, err = root.GetBucketPolicy(bg, &s3.GetBucketPolicyInput{Bucket: b})
	must(t, err)

	// Over TLS the same calls succeed. Asked for a checksum, the SDK then streams PutObject as
	// aws-chunked with a trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER), which the
	// emulator decodes and verifies.
	must(t, e.ListenTLS("127.0.0.1:0"))
	tlsRole := s3.NewFromConfig(e.TLSAWSConfig(static(creds)), func(o *s3.Options) { o.UsePathStyle = true; o.Retryer = fastRetry() })
	if got := getObject(t, tlsRole, *b, "data.txt"); got != "payload" {
		t.Fatalf("GetObject over TLS = %q", got)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 10000)
	put, err := tlsRole.PutObject(bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("big.bin"), Body: bytes.NewReader(big), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	must(t, err)
	if aws.ToString(put.ChecksumCRC32) == "" {
		t.Fatal("PutObject over TLS sent no CRC32 trailer")
	}
	out, err := tlsRole.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("big.bin"), ChecksumMode: s3types.ChecksumModeEnabled})
	must(t, err)
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(got, big) {
		t.Fatalf("round trip over TLS: %d bytes back of %d", len(got), len(big))
	}
	// The plain-HTTP endpoint still refuses.
	_, err = role.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("big.bin")})
	wantCode(t, err, "AccessDenied")
	// And the root user can always remove the policy, even over HTTP.
	_, err = root.DeleteBucketPolicy(bg, &s3.DeleteBucketPolicyInput{Bucket: b})
	must(t, err)
	if getObject(t, role, *b, "data.txt") != "payload" {
		t.Fatal("GetObject after the policy is gone")
	}
}

func TestEmuS3BucketPolicyGrants(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := s3Client(e, e.RootCredentials())
	iamRoot := iamClient(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	createBucket(t, root, *b)
	putObject(t, root, *b, "data.txt", "payload")

	// Roles with no S3 permission of their own; the second has a boundary without S3.
	readerCreds, readerARN := roleSession(t, e, "reader", "", "")
	boundary := createPolicy(t, iamRoot, "no-s3", doc(allow("ec2:*", "*")))
	cappedCreds, cappedARN := roleSession(t, e, "capped", "", boundary)
	otherRoot := e.AddAccount("210987654321")

	reader, capped, other := s3Client(e, readerCreds), s3Client(e, cappedCreds), s3Client(e, otherRoot)
	for _, c := range []*s3.Client{reader, capped, other} {
		_, err := c.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("data.txt")})
		wantCode(t, err, "AccessDenied")
	}
	policy := doc(stmt{Effect: "Allow", Principal: map[string]any{"AWS": []string{readerARN, cappedARN, rootOf("210987654321")}},
		Action: []string{"s3:GetObject", "s3:ListBucket"}, Resource: []string{"arn:aws:s3:::lakesail-abc-ws", "arn:aws:s3:::lakesail-abc-ws/*"}})
	_, err := root.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)})
	must(t, err)

	// Same account: the bucket policy alone allows the reader ...
	if getObject(t, reader, *b, "data.txt") != "payload" {
		t.Fatal("reader")
	}
	// ... but not past a permissions boundary.
	_, err = capped.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("data.txt")})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "permissions boundary")
	// Another account's root: the bucket policy names its account, and root has every
	// permission in its own account.
	if getObject(t, other, *b, "data.txt") != "payload" {
		t.Fatal("other account")
	}
	// Nothing grants writes.
	_, err = reader.PutObject(bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("w"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied")

	// A missing key is NoSuchKey for who may list the bucket, AccessDenied for who may not.
	_, err = reader.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("missing")})
	wantCode(t, err, "NoSuchKey")
	getOnly := doc(stmt{Effect: "Allow", Principal: map[string]any{"AWS": readerARN}, Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"})
	_, err = root.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(getOnly)})
	must(t, err)
	_, err = reader.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("missing")})
	wantCode(t, err, "AccessDenied")
}

func TestEmuS3VersionActions(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := s3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	createBucket(t, root, *b)
	_, err := root.PutBucketVersioning(bg, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	must(t, err)
	v1 := putObject(t, root, *b, "k", "one")
	putObject(t, root, *b, "k", "two")
	creds, _ := roleSession(t, e, "worker", doc(allow([]string{"s3:GetObject", "s3:DeleteObject", "s3:ListBucket"}, []string{"arn:aws:s3:::lakesail-abc-ws", "arn:aws:s3:::lakesail-abc-ws/*"})), "")
	c := s3Client(e, creds)

	if getObject(t, c, *b, "k") != "two" {
		t.Fatal("GetObject")
	}
	_, err = c.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: v1.VersionId})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "s3:GetObjectVersion")
	_, err = c.DeleteObject(bg, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k"), VersionId: v1.VersionId})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "s3:DeleteObjectVersion")
	_, err = c.ListObjectVersions(bg, &s3.ListObjectVersionsInput{Bucket: b})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "s3:ListBucketVersions")

	// DeleteObjects authorizes each key: the versioned one is refused in the result.
	del, err := c.DeleteObjects(bg, &s3.DeleteObjectsInput{Bucket: b, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("k")}, {Key: aws.String("k"), VersionId: v1.VersionId}}}})
	must(t, err)
	if len(del.Deleted) != 1 || !aws.ToBool(del.Deleted[0].DeleteMarker) || len(del.Errors) != 1 ||
		aws.ToString(del.Errors[0].Code) != "AccessDenied" || aws.ToString(del.Errors[0].VersionId) != *v1.VersionId {
		t.Fatalf("DeleteObjects = %+v", del)
	}
}

func TestEmuS3SSEKMS(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := s3Client(e, e.RootCredentials())
	kc := kmsClient(e, e.RootCredentials())
	key := createKey(t, kc, nil) // default key policy: delegates to the account's IAM policies
	b := aws.String("lakesail-abc-ws")
	createBucket(t, root, *b)
	_, err := root.PutBucketEncryption(bg, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: key.KeyId},
			BucketKeyEnabled:                   aws.Bool(true),
		}}}})
	must(t, err)

	// Root: the key policy allows the account, so S3 may use the key on root's behalf.
	put := putObject(t, root, *b, "secret.txt", "s3kr1t")
	if put.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || aws.ToString(put.SSEKMSKeyId) != *key.Arn || !aws.ToBool(put.BucketKeyEnabled) {
		t.Fatalf("PutObject SSE = %s %s %v", put.ServerSideEncryption, aws.ToString(put.SSEKMSKeyId), put.BucketKeyEnabled)
	}
	head, err := root.HeadObject(bg, &s3.HeadObjectInput{Bucket: b, Key: aws.String("secret.txt")})
	must(t, err)
	if aws.ToString(head.SSEKMSKeyId) != *key.Arn {
		t.Fatalf("HeadObject key = %s", aws.ToString(head.SSEKMSKeyId))
	}

	// A role with S3 permissions but none on the key: S3 cannot call KMS for it.
	s3Only := allow("s3:*", []string{"arn:aws:s3:::lakesail-abc-ws", "arn:aws:s3:::lakesail-abc-ws/*"})
	creds, _ := roleSession(t, e, "s3only", doc(s3Only), "")
	c := s3Client(e, creds)
	_, err = c.PutObject(bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("x"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "kms:GenerateDataKey on resource: "+*key.Arn)
	_, err = c.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("secret.txt")})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "kms:Decrypt")

	// With the key allowed only through S3 (kms:ViaService), S3 calls work; direct KMS calls do not.
	viaS3 := stmt{Effect: "Allow", Action: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resource: *key.Arn,
		Condition: map[string]any{"StringEquals": map[string]any{"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}
	creds, _ = roleSession(t, e, "s3kms", doc(s3Only, viaS3), "")
	c = s3Client(e, creds)
	putObject(t, c, *b, "y", "why")
	if getObject(t, c, *b, "y") != "why" || getObject(t, c, *b, "secret.txt") != "s3kr1t" {
		t.Fatal("SSE-KMS round trip through S3")
	}
	_, err = kmsClient(e, creds).GenerateDataKey(bg, &kms.GenerateDataKeyInput{KeyId: key.KeyId, NumberOfBytes: aws.Int32(32)})
	wantCode(t, err, "AccessDeniedException")
	// The call log names the S3 action of an allowed read, and the KMS action of a refused one.
	var reads []Call
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
	_, err = kc.DisableKey(bg, &kms.DisableKeyInput{KeyId: key.KeyId})
	must(t, err)
	_, err = root.PutObject(bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("z"), Body: strings.NewReader("z")})
	wantCode(t, err, "KMS.DisabledException")
	_, err = root.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("secret.txt")})
	wantCode(t, err, "KMS.DisabledException")
	_, err = root.PutObject(bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("z"), Body: strings.NewReader("z"),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/missing")})
	wantCode(t, err, "KMS.NotFoundException")
	// SSE-S3 by header still works.
	_, err = root.PutObject(bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("z"), Body: strings.NewReader("z"), ServerSideEncryption: s3types.ServerSideEncryptionAes256})
	must(t, err)
}

// TestEmuS3PublicPolicy: Block Public Access refuses public policies while BlockPublicPolicy is
// on; once it is off, a public policy admits other accounts unless RestrictPublicBuckets is on.
func TestEmuS3PublicPolicy(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := s3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	createBucket(t, root, *b)
	putObject(t, root, *b, "k", "v")
	other := s3Client(e, e.AddAccount("210987654321"))

	noDelete := doc(stmt{Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::lakesail-abc-ws"})
	_, err := root.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(noDelete)})
	must(t, err)
	_, err = root.DeleteBucket(bg, &s3.DeleteBucketInput{Bucket: b})
	wantCode(t, err, "AccessDenied")
	st, err := root.GetBucketPolicyStatus(bg, &s3.GetBucketPolicyStatusInput{Bucket: b})
	must(t, err)
	if aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("a deny-only policy is not public")
	}
	public := doc(stmt{Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*"})
	_, err = root.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)})
	wantCode(t, err, "AccessDenied")
	// A condition on a fixed account makes the same statement non-public.
	scoped := doc(stmt{Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::lakesail-abc-ws/*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "210987654321"}}})
	_, err = root.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(scoped)})
	must(t, err)
	if getObject(t, other, *b, "k") != "v" {
		t.Fatal("scoped policy")
	}

	_, err = root.PutPublicAccessBlock(bg, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		RestrictPublicBuckets: aws.Bool(true)}})
	must(t, err)
	_, err = root.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)})
	must(t, err)
	st, err = root.GetBucketPolicyStatus(bg, &s3.GetBucketPolicyStatusInput{Bucket: b})
	must(t, err)
	if !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("Principal * without conditions is public")
	}
	_, err = other.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	wantCode(t, err, "AccessDenied") // RestrictPublicBuckets
	_, err = root.DeletePublicAccessBlock(bg, &s3.DeletePublicAccessBlockInput{Bucket: b})
	must(t, err)
	if getObject(t, other, *b, "k") != "v" {
		t.Fatal("public policy without Block Public Access")
	}

	// ExpectedBucketOwner must match the owner.
	_, err = root.GetObject(bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), ExpectedBucketOwner: aws.String("210987654321")})
	wantCode(t, err, "AccessDenied")
	_, err = root.GetBucketTagging(bg, &s3.GetBucketTaggingInput{Bucket: b, ExpectedBucketOwner: aws.String(DefaultAccountID)})
	wantCode(t, err, "NoSuchTagSet")
}
