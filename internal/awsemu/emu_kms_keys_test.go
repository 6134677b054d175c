package awsemu

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func createKey(t *testing.T, c *kms.Client, in *kms.CreateKeyInput) *kmstypes.KeyMetadata {
	t.Helper()
	if in == nil {
		in = &kms.CreateKeyInput{}
	}
	out, err := c.CreateKey(bg, in)
	must(t, err)
	return out.KeyMetadata
}

func TestEmuKMSKeyRoundTrip(t *testing.T) {
	e, clock := newTestEmu(t, Options{})
	c := kmsClient(e, e.RootCredentials())

	k := createKey(t, c, &kms.CreateKeyInput{
		Description: aws.String("lakesail network key"),
		Tags:        []kmstypes.Tag{{TagKey: aws.String("LakeSail-Network"), TagValue: aws.String("NET1")}},
	})
	if k.KeyState != kmstypes.KeyStateEnabled || !k.Enabled || k.KeySpec != kmstypes.KeySpecSymmetricDefault ||
		k.KeyUsage != kmstypes.KeyUsageTypeEncryptDecrypt || k.KeyManager != kmstypes.KeyManagerTypeCustomer ||
		*k.Arn != "arn:aws:kms:us-east-1:123456789012:key/"+*k.KeyId || !k.CreationDate.Equal(t0) || *k.AWSAccountId != DefaultAccountID {
		t.Fatalf("CreateKey = %+v", k)
	}

	// Default key policy: the account root may do anything.
	pol, err := c.GetKeyPolicy(bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	must(t, err)
	wantContains(t, *pol.Policy, `"AWS" : "arn:aws:iam::123456789012:root"`)
	wantContains(t, *pol.Policy, `"Action" : "kms:*"`)
	_, err = c.GetKeyPolicy(bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId, PolicyName: aws.String("other")})
	wantCode(t, err, "NotFoundException")
	names, err := c.ListKeyPolicies(bg, &kms.ListKeyPoliciesInput{KeyId: k.KeyId})
	must(t, err)
	if len(names.PolicyNames) != 1 || names.PolicyNames[0] != "default" {
		t.Fatalf("ListKeyPolicies = %v", names.PolicyNames)
	}

	// DescribeKey by id, ARN, alias name and alias ARN.
	_, err = c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/lakesail-abc-net1"), TargetKeyId: k.KeyId})
	must(t, err)
	for _, ref := range []string{*k.KeyId, *k.Arn, "alias/lakesail-abc-net1", "arn:aws:kms:us-east-1:123456789012:alias/lakesail-abc-net1"} {
		d, err := c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		must(t, err)
		if *d.KeyMetadata.KeyId != *k.KeyId || *d.KeyMetadata.Description != "lakesail network key" {
			t.Fatalf("DescribeKey(%s) = %+v", ref, d.KeyMetadata)
		}
	}
	for _, ref := range []string{"alias/missing", "0b1f4a3c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "arn:aws:kms:us-east-1:123456789012:key/0b1f4a3c-5d6e-4f70-8a9b-0c1d2e3f4a5b"} {
		_, err = c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		var nf *kmstypes.NotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("DescribeKey(%s) = %v, want NotFoundException", ref, err)
		}
	}

	// ListKeys with pagination.
	k2 := createKey(t, c, nil)
	first, err := c.ListKeys(bg, &kms.ListKeysInput{Limit: aws.Int32(1)})
	must(t, err)
	if len(first.Keys) != 1 || !first.Truncated || *first.Keys[0].KeyId != *k.KeyId {
		t.Fatalf("ListKeys page 1 = %+v", first)
	}
	second, err := c.ListKeys(bg, &kms.ListKeysInput{Limit: aws.Int32(1), Marker: first.NextMarker})
	must(t, err)
	if len(second.Keys) != 1 || second.Truncated || *second.Keys[0].KeyArn != *k2.Arn {
		t.Fatalf("ListKeys page 2 = %+v", second)
	}

	// Tags.
	_, err = c.TagResource(bg, &kms.TagResourceInput{KeyId: k.KeyId, Tags: []kmstypes.Tag{
		{TagKey: aws.String("Env"), TagValue: aws.String("test")}, {TagKey: aws.String("LakeSail-Network"), TagValue: aws.String("NET2")}}})
	must(t, err)
	tags, err := c.ListResourceTags(bg, &kms.ListResourceTagsInput{KeyId: k.KeyId})
	must(t, err)
	if len(tags.Tags) != 2 || *tags.Tags[0].TagValue != "NET2" || *tags.Tags[1].TagKey != "Env" {
		t.Fatalf("tags = %+v", tags.Tags)
	}
	_, err = c.TagResource(bg, &kms.TagResourceInput{KeyId: k.KeyId, Tags: []kmstypes.Tag{{TagKey: aws.String("aws:x"), TagValue: aws.String("y")}}})
	wantCode(t, err, "TagException")
	_, err = c.UntagResource(bg, &kms.UntagResourceInput{KeyId: k.KeyId, TagKeys: []string{"Env"}})
	must(t, err)
	tags, err = c.ListResourceTags(bg, &kms.ListResourceTagsInput{KeyId: k.KeyId})
	must(t, err)
	if len(tags.Tags) != 1 || *tags.Tags[0].TagKey != "LakeSail-Network" {
		t.Fatalf("tags after untag = %+v", tags.Tags)
	}

	// Rotation.
	rs, err := c.GetKeyRotationStatus(bg, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	must(t, err)
	if rs.KeyRotationEnabled {
		t.Fatal("rotation on by default")
	}
	_, err = c.EnableKeyRotation(bg, &kms.EnableKeyRotationInput{KeyId: k.KeyId})
	must(t, err)
	rs, err = c.GetKeyRotationStatus(bg, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	must(t, err)
	if !rs.KeyRotationEnabled || aws.ToInt32(rs.RotationPeriodInDays) != 365 || !rs.NextRotationDate.Equal(t0.Add(365*24*time.Hour)) {
		t.Fatalf("rotation status = %+v", rs)
	}
	_, err = c.EnableKeyRotation(bg, &kms.EnableKeyRotationInput{KeyId: k.KeyId, RotationPeriodInDays: aws.Int32(30)})
	wantCode(t, err, "ValidationException")
	_, err = c.DisableKeyRotation(bg, &kms.DisableKeyRotationInput{KeyId: k.KeyId})
	must(t, err)
	rs, err = c.GetKeyRotationStatus(bg, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	must(t, err)
	if rs.KeyRotationEnabled {
		t.Fatal("rotation still on")
	}
	hmac := createKey(t, c, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac})
	_, err = c.EnableKeyRotation(bg, &kms.EnableKeyRotationInput{KeyId: hmac.KeyId})
	wantCode(t, err, "UnsupportedOperationException")
	_, err = c.CreateKey(bg, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256})
	wantCode(t, err, "ValidationException") // HMAC keys need KeyUsage GENERATE_VERIFY_MAC

	// Put a new key policy; a malformed one is refused.
	newPolicy := doc(stmt{Effect: "Allow", Principal: map[string]any{"AWS": rootOf(DefaultAccountID)}, Action: "kms:*", Resource: "*"})
	_, err = c.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(newPolicy)})
	must(t, err)
	pol, err = c.GetKeyPolicy(bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	must(t, err)
	if *pol.Policy != newPolicy {
		t.Fatalf("key policy = %s", *pol.Policy)
	}
	for _, bad := range []string{"{", doc(stmt{Effect: "Allow", Action: "kms:*", Resource: "*"}),
		doc(stmt{Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws:iam::123456789012:role/nobody"}, Action: "kms:*", Resource: "*"})} {
		_, err = c.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(bad)})
		wantCode(t, err, "MalformedPolicyDocumentException")
		_, err = c.CreateKey(bg, &kms.CreateKeyInput{Policy: aws.String(bad)})
		wantCode(t, err, "MalformedPolicyDocumentException")
	}

	// Crypto round trip with an encryption context.
	ec := map[string]string{"purpose": "test"}
	enc, err := c.Encrypt(bg, &kms.EncryptInput{KeyId: aws.String("alias/lakesail-abc-net1"), Plaintext: []byte("secret"), EncryptionContext: ec})
	must(t, err)
	if *enc.KeyId != *k.Arn {
		t.Fatalf("Encrypt KeyId = %s", *enc.KeyId)
	}
	dec, err := c.Decrypt(bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	must(t, err)
	if string(dec.Plaintext) != "secret" || *dec.KeyId != *k.Arn {
		t.Fatalf("Decrypt = %q %s", dec.Plaintext, *dec.KeyId)
	}
	_, err = c.Decrypt(bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	wantCode(t, err, "InvalidCiphertextException")
	_, err = c.Decrypt(bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec, KeyId: k2.KeyId})
	wantCode(t, err, "IncorrectKeyException")
	dk, err := c.GenerateDataKey(bg, &kms.GenerateDataKeyInput{KeyId: k.KeyId, KeySpec: kmstypes.DataKeySpecAes256})
	must(t, err)
	if len(dk.Plaintext) != 32 {
		t.Fatalf("data key length = %d", len(dk.Plaintext))
	}
	dec, err = c.Decrypt(bg, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob})
	must(t, err)
	if !bytes.Equal(dec.Plaintext, dk.Plaintext) {
		t.Fatal("data key does not decrypt to its plaintext")
	}
	_, err = c.GenerateDataKey(bg, &kms.GenerateDataKeyInput{KeyId: k.KeyId})
	wantCode(t, err, "ValidationException")

	// Disabled keys refuse cryptography.
	_, err = c.DisableKey(bg, &kms.DisableKeyInput{KeyId: k2.KeyId})
	must(t, err)
	_, err = c.Encrypt(bg, &kms.EncryptInput{KeyId: k2.KeyId, Plaintext: []byte("x")})
	wantCode(t, err, "DisabledException")
	_, err = c.EnableKey(bg, &kms.EnableKeyInput{KeyId: k2.KeyId})
	must(t, err)

	// Scheduled deletion: 7..30 days, PendingDeletion, later calls refused, cancel, deletion.
	for _, days := range []int32{6, 31} {
		_, err = c.ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId, PendingWindowInDays: aws.Int32(days)})
		wantCode(t, err, "ValidationException")
	}
	sd, err := c.ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId, PendingWindowInDays: aws.Int32(7)})
	must(t, err)
	if sd.KeyState != kmstypes.KeyStatePendingDeletion || aws.ToInt32(sd.PendingWindowInDays) != 7 || !sd.DeletionDate.Equal(t0.Add(7*24*time.Hour)) {
		t.Fatalf("ScheduleKeyDeletion = %+v", sd)
	}
	d, err := c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	must(t, err)
	if d.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion || d.KeyMetadata.Enabled || d.KeyMetadata.DeletionDate == nil {
		t.Fatalf("pending key = %+v", d.KeyMetadata)
	}
	var invalid *kmstypes.KMSInvalidStateException
	for name, call := range map[string]func() error{
		"Encrypt": func() error {
			_, err := c.Encrypt(bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
			return err
		},
		"EnableKeyRotation": func() error {
			_, err := c.EnableKeyRotation(bg, &kms.EnableKeyRotationInput{KeyId: k.KeyId})
			return err
		},
		"TagResource": func() error {
			_, err := c.TagResource(bg, &kms.TagResourceInput{KeyId: k.KeyId, Tags: []kmstypes.Tag{{TagKey: aws.String("a"), TagValue: aws.String("b")}}})
			return err
		},
		"ScheduleKeyDeletion": func() error {
			_, err := c.ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId})
			return err
		},
		"CreateAlias": func() error {
			_, err := c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/late"), TargetKeyId: k.KeyId})
			return err
		},
	} {
		if err := call(); !errors.As(err, &invalid) {
			t.Fatalf("%s on a key pending deletion = %v, want KMSInvalidStateException", name, err)
		}
	}
	_, err = c.GetKeyPolicy(bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	must(t, err) // reading still works
	_, err = c.CancelKeyDeletion(bg, &kms.CancelKeyDeletionInput{KeyId: k.KeyId})
	must(t, err)
	d, err = c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	must(t, err)
	if d.KeyMetadata.KeyState != kmstypes.KeyStateDisabled {
		t.Fatalf("after cancel: %v, want Disabled", d.KeyMetadata.KeyState)
	}
	_, err = c.CancelKeyDeletion(bg, &kms.CancelKeyDeletionInput{KeyId: k.KeyId})
	wantCode(t, err, "KMSInvalidStateException")
	_, err = c.ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId})
	must(t, err)
	clock.Advance(30*24*time.Hour - time.Second)
	_, err = c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	must(t, err)
	clock.Advance(time.Second)
	_, err = c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	wantCode(t, err, "NotFoundException")
	aliases, err := c.ListAliases(bg, &kms.ListAliasesInput{})
	must(t, err)
	if len(aliases.Aliases) != 0 {
		t.Fatalf("aliases of a deleted key remain: %+v", aliases.Aliases)
	}
}

func TestEmuKMSAliases(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := kmsClient(e, e.RootCredentials())
	k1, k2 := createKey(t, c, nil), createKey(t, c, nil)
	_, err := c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/a"), TargetKeyId: k1.KeyId})
	must(t, err)
	_, err = c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: k1.Arn})
	must(t, err)
	_, err = c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/a"), TargetKeyId: k2.KeyId})
	wantCode(t, err, "AlreadyExistsException")
	_, err = c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/aws/s3"), TargetKeyId: k2.KeyId})
	wantCode(t, err, "NotAuthorizedException")
	_, err = c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("no-prefix"), TargetKeyId: k2.KeyId})
	wantCode(t, err, "ValidationException")
	_, err = c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/c"), TargetKeyId: aws.String("alias/a")})
	wantCode(t, err, "ValidationException")

	all, err := c.ListAliases(bg, &kms.ListAliasesInput{})
	must(t, err)
	if len(all.Aliases) != 2 || *all.Aliases[0].AliasName != "alias/a" || *all.Aliases[0].TargetKeyId != *k1.KeyId ||
		*all.Aliases[0].AliasArn != "arn:aws:kms:us-east-1:123456789012:alias/a" {
		t.Fatalf("ListAliases = %+v", all.Aliases)
	}
	_, err = c.UpdateAlias(bg, &kms.UpdateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: k2.KeyId})
	must(t, err)
	byKey, err := c.ListAliases(bg, &kms.ListAliasesInput{KeyId: k2.Arn})
	must(t, err)
	if len(byKey.Aliases) != 1 || *byKey.Aliases[0].AliasName != "alias/b" {
		t.Fatalf("ListAliases(k2) = %+v", byKey.Aliases)
	}
	hmac := createKey(t, c, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac})
	_, err = c.UpdateAlias(bg, &kms.UpdateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: hmac.KeyId})
	wantCode(t, err, "ValidationException")
	_, err = c.DeleteAlias(bg, &kms.DeleteAliasInput{AliasName: aws.String("alias/b")})
	must(t, err)
	_, err = c.DeleteAlias(bg, &kms.DeleteAliasInput{AliasName: aws.String("alias/b")})
	wantCode(t, err, "NotFoundException")
	_, err = c.UpdateAlias(bg, &kms.UpdateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: k2.KeyId})
	wantCode(t, err, "NotFoundException")
}
