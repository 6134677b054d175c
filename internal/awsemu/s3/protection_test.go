package s3_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// protectionChanges are the calls that could open a bucket or weaken its encryption, each with
// the IAM action S3 authorizes it as (the Delete calls of a setting check its Put action, bar
// DeleteBucketPolicy).
func protectionChanges(bucket string) []struct {
	op, action string
	call       func(c *s3.Client) error
} {
	b := aws.String(bucket)
	return []struct {
		op, action string
		call       func(c *s3.Client) error
	}{
		{"PutBucketPolicy", "s3:PutBucketPolicy", func(c *s3.Client) error {
			_, err := c.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(emutest.Doc(emutest.Stmt{Effect: "Deny", Principal: "*",
				Action: "s3:DeleteBucket", Resource: emutest.BucketARN(bucket)}))})
			return err
		}},
		{"DeleteBucketPolicy", "s3:DeleteBucketPolicy", func(c *s3.Client) error {
			_, err := c.DeleteBucketPolicy(emutest.Bg, &s3.DeleteBucketPolicyInput{Bucket: b})
			return err
		}},
		{"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", func(c *s3.Client) error {
			_, err := c.PutPublicAccessBlock(emutest.Bg, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}})
			return err
		}},
		{"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", func(c *s3.Client) error {
			_, err := c.DeletePublicAccessBlock(emutest.Bg, &s3.DeletePublicAccessBlockInput{Bucket: b})
			return err
		}},
		{"PutBucketEncryption", "s3:PutEncryptionConfiguration", func(c *s3.Client) error {
			_, err := c.PutBucketEncryption(emutest.Bg, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
			return err
		}},
		{"DeleteBucketEncryption", "s3:PutEncryptionConfiguration", func(c *s3.Client) error {
			_, err := c.DeleteBucketEncryption(emutest.Bg, &s3.DeleteBucketEncryptionInput{Bucket: b})
			return err
		}},
		{"PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", func(c *s3.Client) error {
			_, err := c.PutBucketOwnershipControls(emutest.Bg, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &s3types.OwnershipControls{
				Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}}})
			return err
		}},
		{"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls", func(c *s3.Client) error {
			_, err := c.DeleteBucketOwnershipControls(emutest.Bg, &s3.DeleteBucketOwnershipControlsInput{Bucket: b})
			return err
		}},
		{"PutBucketAcl", "s3:PutBucketAcl", func(c *s3.Client) error {
			_, err := c.PutBucketAcl(emutest.Bg, &s3.PutBucketAclInput{Bucket: b, ACL: s3types.BucketCannedACLPublicRead})
			return err
		}},
		{"PutObjectAcl", "s3:PutObjectAcl", func(c *s3.Client) error {
			_, err := c.PutObjectAcl(emutest.Bg, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("data.txt"), ACL: s3types.ObjectCannedACLPublicRead})
			return err
		}},
	}
}

// protectingPolicy is the workspace bucket's policy shape: a deny of every protection change for
// one role, matched by aws:PrincipalArn so that it holds for all of the role's sessions.
func protectingPolicy(bucket, roleARN string) string {
	return emutest.Doc(emutest.Stmt{Effect: "Deny", Principal: "*",
		Action: []string{"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
			"s3:PutBucketAcl", "s3:PutObjectAcl", "s3:PutBucketOwnershipControls"},
		Resource:  []string{emutest.BucketARN(bucket), emutest.BucketARN(bucket) + "/*"},
		Condition: map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": roleARN}}})
}

// TestEmuS3BucketPolicyDeniesRoleProtectionChanges: a bucket-policy deny keyed on
// aws:PrincipalArn stops the named role's sessions from every call that changes the bucket's
// protection, Delete calls included (checked as the actions AWS checks), whatever its identity
// policies allow; another role and the account's root are unaffected.
func TestEmuS3BucketPolicyDeniesRoleProtectionChanges(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	const bucket = "lakesail-ab12cd34ef-net0000001-ws"
	emutest.CreateBucket(t, root, bucket)
	emutest.PutObject(t, root, bucket, "data.txt", "payload")
	everything := emutest.Doc(emutest.Allow("s3:*", "*"))
	connCreds, connARN := emutest.RoleSession(t, e, "conn", everything, "")
	otherCreds, _ := emutest.RoleSession(t, e, "other", everything, "")
	conn, other := emutest.S3Client(e, connCreds), emutest.S3Client(e, otherCreds)
	_, err := root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(protectingPolicy(bucket, connARN))})
	emutest.Must(t, err)

	from := len(e.Calls())
	for _, change := range protectionChanges(bucket) {
		err := change.call(conn)
		if emutest.ErrCode(err) != "AccessDenied" || !strings.Contains(emutest.ErrMessage(err), "explicit deny in a resource-based policy") ||
			!strings.Contains(emutest.ErrMessage(err), change.action) {
			t.Errorf("%s by the protected-against role: %v, want AccessDenied for %s by the bucket policy", change.op, err, change.action)
		}
	}
	for _, c := range e.Calls()[from:] {
		want := ""
		for _, change := range protectionChanges(bucket) {
			if change.op == c.Operation {
				want = change.action
			}
		}
		if c.Action != want || c.Decision != "deny" {
			t.Errorf("call log: %s as %s (%s), want %s denied", c.Operation, c.Action, c.Decision, want)
		}
	}
	// The role still reads the settings, and uses the bucket.
	_, err = conn.GetBucketPolicy(emutest.Bg, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	emutest.Must(t, err)
	_, err = conn.GetPublicAccessBlock(emutest.Bg, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	emutest.Must(t, err)
	emutest.PutObject(t, conn, bucket, "written-by-role.txt", "x")

	// Another role of the account is not named: S3 lets it through to the handler (which
	// refuses a public ACL on a bucket with ACLs disabled).
	_, err = other.GetBucketEncryption(emutest.Bg, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	emutest.Must(t, err)
	err = protectionChanges(bucket)[8].call(other) // PutBucketAcl public-read
	emutest.WantCode(t, err, "AccessControlListNotSupported")
	err = protectionChanges(bucket)[9].call(other) // PutObjectAcl public-read
	emutest.WantCode(t, err, "AccessControlListNotSupported")
	_, err = other.PutBucketAcl(emutest.Bg, &s3.PutBucketAclInput{Bucket: aws.String(bucket), ACL: s3types.BucketCannedACLPrivate})
	emutest.Must(t, err)
	_, err = other.PutObjectAcl(emutest.Bg, &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("missing"), ACL: s3types.ObjectCannedACLBucketOwnerFullControl})
	emutest.WantCode(t, err, "NoSuchKey")
	emutest.Must(t, protectionChanges(bucket)[2].call(other)) // PutPublicAccessBlock all false

	// The account's root: denies in the bucket policy bind it too, except for the policy calls.
	rootDenied := emutest.Doc(emutest.Stmt{Effect: "Deny", Principal: "*", Action: []string{"s3:PutBucketPublicAccessBlock", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"},
		Resource: emutest.BucketARN(bucket)})
	_, err = root.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(rootDenied)})
	emutest.Must(t, err)
	_, err = root.DeletePublicAccessBlock(emutest.Bg, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = root.DeleteBucketPolicy(emutest.Bg, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)})
	emutest.Must(t, err)
	_, err = root.DeletePublicAccessBlock(emutest.Bg, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)})
	emutest.Must(t, err)
}

// TestEmuS3ResourceAccountOnEveryRequest: s3:ResourceAccount is the bucket owner on bucket and
// object calls, so an identity policy scoped to its own account reaches none of another
// account's buckets, even ones whose policy admits it; bucket-policy calls from another account
// that IAM allowed get 405, as S3 answers.
func TestEmuS3ResourceAccountOnEveryRequest(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.S3Client(e, e.RootCredentials())
	ownAccount := emutest.Allow("s3:*", "*")
	ownAccount.Condition = map[string]any{"StringEquals": map[string]any{"s3:ResourceAccount": awsemu.DefaultAccountID}}
	scopedCreds, scopedARN := emutest.RoleSession(t, e, "scoped", emutest.Doc(ownAccount), "")
	scoped := emutest.S3Client(e, scopedCreds)

	emutest.CreateBucket(t, root, "lakesail-own-ws")
	_, err := scoped.GetBucketEncryption(emutest.Bg, &s3.GetBucketEncryptionInput{Bucket: aws.String("lakesail-own-ws")})
	emutest.Must(t, err)
	emutest.PutObject(t, scoped, "lakesail-own-ws", "k", "v")
	if emutest.GetObject(t, scoped, "lakesail-own-ws", "k") != "v" {
		t.Fatal("object read back wrong")
	}

	// A bucket of the same naming scheme in another account, whose policy admits the role.
	const foreignAccount = "210987654321"
	foreign := emutest.S3Client(e, e.AddAccount(foreignAccount))
	emutest.CreateBucket(t, foreign, "lakesail-foreign-ws")
	emutest.PutObject(t, foreign, "lakesail-foreign-ws", "k", "v")
	_, err = foreign.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: aws.String("lakesail-foreign-ws"), Policy: aws.String(emutest.Doc(emutest.Stmt{Effect: "Allow",
		Principal: map[string]any{"AWS": scopedARN}, Action: "s3:*",
		Resource: []string{emutest.BucketARN("lakesail-foreign-ws"), emutest.BucketARN("lakesail-foreign-ws") + "/*"}}))})
	emutest.Must(t, err)
	_, err = scoped.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: aws.String("lakesail-foreign-ws"), Key: aws.String("k")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = scoped.GetBucketEncryption(emutest.Bg, &s3.GetBucketEncryptionInput{Bucket: aws.String("lakesail-foreign-ws")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = scoped.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: aws.String("lakesail-foreign-ws"), Key: aws.String("w"), Body: strings.NewReader("x")})
	emutest.WantCode(t, err, "AccessDenied")

	// Without the account condition the same role reaches the foreign bucket's objects, but
	// never its policy: that is the owner account's alone (405 once IAM has allowed).
	wideCreds, wideARN := emutest.RoleSession(t, e, "wide", emutest.Doc(emutest.Allow("s3:*", "*")), "")
	wide := emutest.S3Client(e, wideCreds)
	_, err = foreign.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: aws.String("lakesail-foreign-ws"), Policy: aws.String(emutest.Doc(emutest.Stmt{Effect: "Allow",
		Principal: map[string]any{"AWS": wideARN}, Action: "s3:*",
		Resource: []string{emutest.BucketARN("lakesail-foreign-ws"), emutest.BucketARN("lakesail-foreign-ws") + "/*"}}))})
	emutest.Must(t, err)
	if emutest.GetObject(t, wide, "lakesail-foreign-ws", "k") != "v" {
		t.Fatal("cross-account read")
	}
	_, err = wide.GetBucketPolicy(emutest.Bg, &s3.GetBucketPolicyInput{Bucket: aws.String("lakesail-foreign-ws")})
	emutest.WantCode(t, err, "MethodNotAllowed")
	_, err = wide.DeleteBucketPolicy(emutest.Bg, &s3.DeleteBucketPolicyInput{Bucket: aws.String("lakesail-foreign-ws")})
	emutest.WantCode(t, err, "MethodNotAllowed")
}
