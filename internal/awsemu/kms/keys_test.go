package kms_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuKMSKeyRoundTrip(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.KmsClient(e, e.RootCredentials())

	k := emutest.CreateKey(t, c, &kms.CreateKeyInput{
		Description: aws.String("lakesail network key"),
		Tags:        []kmstypes.Tag{{TagKey: aws.String("LakeSail-Network"), TagValue: aws.String("NET1")}},
	})
	if k.KeyState != kmstypes.KeyStateEnabled || !k.Enabled || k.KeySpec != kmstypes.KeySpecSymmetricDefault ||
		k.KeyUsage != kmstypes.KeyUsageTypeEncryptDecrypt || k.KeyManager != kmstypes.KeyManagerTypeCustomer ||
		*k.Arn != "arn:aws:kms:us-east-1:123456789012:key/"+*k.KeyId || !k.CreationDate.Equal(emutest.T0) || *k.AWSAccountId != awsemu.DefaultAccountID {
		t.Fatalf("CreateKey = %+v", k)
	}

	// Default key policy: the account root may do anything.
	pol, err := c.GetKeyPolicy(emutest.Bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	emutest.WantContains(t, *pol.Policy, `"AWS" : "arn:aws:iam::123456789012:root"`)
	emutest.WantContains(t, *pol.Policy, `"Action" : "kms:*"`)
	_, err = c.GetKeyPolicy(emutest.Bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId, PolicyName: aws.String("other")})
	emutest.WantCode(t, err, "NotFoundException")
	names, err := c.ListKeyPolicies(emutest.Bg, &kms.ListKeyPoliciesInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if len(names.PolicyNames) != 1 || names.PolicyNames[0] != "default" {
		t.Fatalf("ListKeyPolicies = %v", names.PolicyNames)
	}

	// DescribeKey by id, ARN, alias name and alias ARN.
	_, err = c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/lakesail-abc-net1"), TargetKeyId: k.KeyId})
	emutest.Must(t, err)
	for _, ref := range []string{*k.KeyId, *k.Arn, "alias/lakesail-abc-net1", "arn:aws:kms:us-east-1:123456789012:alias/lakesail-abc-net1"} {
		d, err := c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		emutest.Must(t, err)
		if *d.KeyMetadata.KeyId != *k.KeyId || *d.KeyMetadata.Description != "lakesail network key" {
			t.Fatalf("DescribeKey(%s) = %+v", ref, d.KeyMetadata)
		}
	}
	for _, ref := range []string{"alias/missing", "0b1f4a3c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "arn:aws:kms:us-east-1:123456789012:key/0b1f4a3c-5d6e-4f70-8a9b-0c1d2e3f4a5b"} {
		_, err = c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		var nf *kmstypes.NotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("DescribeKey(%s) = %v, want NotFoundException", ref, err)
		}
	}

	// ListKeys with pagination.
	k2 := emutest.CreateKey(t, c, nil)
	first, err := c.ListKeys(emutest.Bg, &kms.ListKeysInput{Limit: aws.Int32(1)})
	emutest.Must(t, err)
	if len(first.Keys) != 1 || !first.Truncated || *first.Keys[0].KeyId != *k.KeyId {
		t.Fatalf("ListKeys page 1 = %+v", first)
	}
	second, err := c.ListKeys(emutest.Bg, &kms.ListKeysInput{Limit: aws.Int32(1), Marker: first.NextMarker})
	emutest.Must(t, err)
	if len(second.Keys) != 1 || second.Truncated || *second.Keys[0].KeyArn != *k2.Arn {
		t.Fatalf("ListKeys page 2 = %+v", second)
	}

	// Tags.
	_, err = c.TagResource(emutest.Bg, &kms.TagResourceInput{KeyId: k.KeyId, Tags: []kmstypes.Tag{
		{TagKey: aws.String("Env"), TagValue: aws.String("test")}, {TagKey: aws.String("LakeSail-Network"), TagValue: aws.String("NET2")}}})
	emutest.Must(t, err)
	tags, err := c.ListResourceTags(emutest.Bg, &kms.ListResourceTagsInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if len(tags.Tags) != 2 || *tags.Tags[0].TagValue != "NET2" || *tags.Tags[1].TagKey != "Env" {
		t.Fatalf("tags = %+v", tags.Tags)
	}
	_, err = c.TagResource(emutest.Bg, &kms.TagResourceInput{KeyId: k.KeyId, Tags: []kmstypes.Tag{{TagKey: aws.String("aws:x"), TagValue: aws.String("y")}}})
	emutest.WantCode(t, err, "TagException")
	_, err = c.UntagResource(emutest.Bg, &kms.UntagResourceInput{KeyId: k.KeyId, TagKeys: []string{"Env"}})
	emutest.Must(t, err)
	tags, err = c.ListResourceTags(emutest.Bg, &kms.ListResourceTagsInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if len(tags.Tags) != 1 || *tags.Tags[0].TagKey != "LakeSail-Network" {
		t.Fatalf("tags after untag = %+v", tags.Tags)
	}

	// Rotation.
	rs, err := c.GetKeyRotationStatus(emutest.Bg, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if rs.KeyRotationEnabled {
		t.Fatal("rotation on by default")
	}
	_, err = c.EnableKeyRotation(emutest.Bg, &kms.EnableKeyRotationInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	rs, err = c.GetKeyRotationStatus(emutest.Bg, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if !rs.KeyRotationEnabled || aws.ToInt32(rs.RotationPeriodInDays) != 365 || !rs.NextRotationDate.Equal(emutest.T0.Add(365*24*time.Hour)) {
		t.Fatalf("rotation status = %+v", rs)
	}
	_, err = c.EnableKeyRotation(emutest.Bg, &kms.EnableKeyRotationInput{KeyId: k.KeyId, RotationPeriodInDays: aws.Int32(30)})
	emutest.WantCode(t, err, "ValidationException")
	_, err = c.DisableKeyRotation(emutest.Bg, &kms.DisableKeyRotationInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	rs, err = c.GetKeyRotationStatus(emutest.Bg, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if rs.KeyRotationEnabled {
		t.Fatal("rotation still on")
	}
	hmac := emutest.CreateKey(t, c, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac})
	_, err = c.EnableKeyRotation(emutest.Bg, &kms.EnableKeyRotationInput{KeyId: hmac.KeyId})
	emutest.WantCode(t, err, "UnsupportedOperationException")
	_, err = c.CreateKey(emutest.Bg, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256})
	emutest.WantCode(t, err, "ValidationException") // HMAC keys need KeyUsage GENERATE_VERIFY_MAC

	// Put a new key policy; a malformed one is refused.
	newPolicy := emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": emutest.RootOf(awsemu.DefaultAccountID)}, Action: "kms:*", Resource: "*"})
	_, err = c.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(newPolicy)})
	emutest.Must(t, err)
	pol, err = c.GetKeyPolicy(emutest.Bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if *pol.Policy != newPolicy {
		t.Fatalf("key policy = %s", *pol.Policy)
	}
	for _, bad := range []string{"{", emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "kms:*", Resource: "*"}),
		emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws:iam::123456789012:role/nobody"}, Action: "kms:*", Resource: "*"})} {
		_, err = c.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(bad)})
		emutest.WantCode(t, err, "MalformedPolicyDocumentException")
		_, err = c.CreateKey(emutest.Bg, &kms.CreateKeyInput{Policy: aws.String(bad)})
		emutest.WantCode(t, err, "MalformedPolicyDocumentException")
	}

	// Crypto round trip with an encryption context.
	ec := map[string]string{"purpose": "test"}
	enc, err := c.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: aws.String("alias/lakesail-abc-net1"), Plaintext: []byte("secret"), EncryptionContext: ec})
	emutest.Must(t, err)
	if *enc.KeyId != *k.Arn {
		t.Fatalf("Encrypt KeyId = %s", *enc.KeyId)
	}
	dec, err := c.Decrypt(emutest.Bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	emutest.Must(t, err)
	if string(dec.Plaintext) != "secret" || *dec.KeyId != *k.Arn {
		t.Fatalf("Decrypt = %q %s", dec.Plaintext, *dec.KeyId)
	}
	_, err = c.Decrypt(emutest.Bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	emutest.WantCode(t, err, "InvalidCiphertextException")
	_, err = c.Decrypt(emutest.Bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec, KeyId: k2.KeyId})
	emutest.WantCode(t, err, "IncorrectKeyException")
	dk, err := c.GenerateDataKey(emutest.Bg, &kms.GenerateDataKeyInput{KeyId: k.KeyId, KeySpec: kmstypes.DataKeySpecAes256})
	emutest.Must(t, err)
	if len(dk.Plaintext) != 32 {
		t.Fatalf("data key length = %d", len(dk.Plaintext))
	}
	dec, err = c.Decrypt(emutest.Bg, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob})
	emutest.Must(t, err)
	if !bytes.Equal(dec.Plaintext, dk.Plaintext) {
		t.Fatal("data key does not decrypt to its plaintext")
	}
	_, err = c.GenerateDataKey(emutest.Bg, &kms.GenerateDataKeyInput{KeyId: k.KeyId})
	emutest.WantCode(t, err, "ValidationException")

	// Disabled keys refuse cryptography.
	_, err = c.DisableKey(emutest.Bg, &kms.DisableKeyInput{KeyId: k2.KeyId})
	emutest.Must(t, err)
	_, err = c.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: k2.KeyId, Plaintext: []byte("x")})
	emutest.WantCode(t, err, "DisabledException")
	_, err = c.EnableKey(emutest.Bg, &kms.EnableKeyInput{KeyId: k2.KeyId})
	emutest.Must(t, err)

	// Scheduled deletion: 7..30 days, PendingDeletion, later calls refused, cancel, deletion.
	for _, days := range []int32{6, 31} {
		_, err = c.ScheduleKeyDeletion(emutest.Bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId, PendingWindowInDays: aws.Int32(days)})
		emutest.WantCode(t, err, "ValidationException")
	}
	sd, err := c.ScheduleKeyDeletion(emutest.Bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId, PendingWindowInDays: aws.Int32(7)})
	emutest.Must(t, err)
	if sd.KeyState != kmstypes.KeyStatePendingDeletion || aws.ToInt32(sd.PendingWindowInDays) != 7 || !sd.DeletionDate.Equal(emutest.T0.Add(7*24*time.Hour)) {
		t.Fatalf("ScheduleKeyDeletion = %+v", sd)
	}
	d, err := c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if d.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion || d.KeyMetadata.Enabled || d.KeyMetadata.DeletionDate == nil {
		t.Fatalf("pending key = %+v", d.KeyMetadata)
	}
	var invalid *kmstypes.KMSInvalidStateException
	for name, call := range map[string]func() error{
		"Encrypt": func() error {
			_, err := c.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
			return err
		},
		"EnableKeyRotation": func() error {
			_, err := c.EnableKeyRotation(emutest.Bg, &kms.EnableKeyRotationInput{KeyId: k.KeyId})
			return err
		},
		"TagResource": func() error {
			_, err := c.TagResource(emutest.Bg, &kms.TagResourceInput{KeyId: k.KeyId, Tags: []kmstypes.Tag{{TagKey: aws.String("a"), TagValue: aws.String("b")}}})
			return err
		},
		"ScheduleKeyDeletion": func() error {
			_, err := c.ScheduleKeyDeletion(emutest.Bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId})
			return err
		},
		"CreateAlias": func() error {
			_, err := c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/late"), TargetKeyId: k.KeyId})
			return err
		},
	} {
		if err := call(); !errors.As(err, &invalid) {
			t.Fatalf("%s on a key pending deletion = %v, want KMSInvalidStateException", name, err)
		}
	}
	_, err = c.GetKeyPolicy(emutest.Bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	emutest.Must(t, err) // reading still works
	_, err = c.CancelKeyDeletion(emutest.Bg, &kms.CancelKeyDeletionInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	d, err = c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if d.KeyMetadata.KeyState != kmstypes.KeyStateDisabled {
		t.Fatalf("after cancel: %v, want Disabled", d.KeyMetadata.KeyState)
	}
	_, err = c.CancelKeyDeletion(emutest.Bg, &kms.CancelKeyDeletionInput{KeyId: k.KeyId})
	emutest.WantCode(t, err, "KMSInvalidStateException")
	_, err = c.ScheduleKeyDeletion(emutest.Bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	clock.Advance(30*24*time.Hour - time.Second)
	_, err = c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	clock.Advance(time.Second)
	_, err = c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	emutest.WantCode(t, err, "NotFoundException")
	aliases, err := c.ListAliases(emutest.Bg, &kms.ListAliasesInput{})
	emutest.Must(t, err)
	if len(aliases.Aliases) != 0 {
		t.Fatalf("aliases of a deleted key remain: %+v", aliases.Aliases)
	}
}

func TestEmuKMSAliases(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.KmsClient(e, e.RootCredentials())
	k1, k2 := emutest.CreateKey(t, c, nil), emutest.CreateKey(t, c, nil)
	_, err := c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/a"), TargetKeyId: k1.KeyId})
	emutest.Must(t, err)
	_, err = c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: k1.Arn})
	emutest.Must(t, err)
	_, err = c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/a"), TargetKeyId: k2.KeyId})
	emutest.WantCode(t, err, "AlreadyExistsException")
	_, err = c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/aws/s3"), TargetKeyId: k2.KeyId})
	emutest.WantCode(t, err, "NotAuthorizedException")
	_, err = c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("no-prefix"), TargetKeyId: k2.KeyId})
	emutest.WantCode(t, err, "ValidationException")
	_, err = c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/c"), TargetKeyId: aws.String("alias/a")})
	emutest.WantCode(t, err, "ValidationException")

	all, err := c.ListAliases(emutest.Bg, &kms.ListAliasesInput{})
	emutest.Must(t, err)
	if len(all.Aliases) != 2 || *all.Aliases[0].AliasName != "alias/a" || *all.Aliases[0].TargetKeyId != *k1.KeyId ||
		*all.Aliases[0].AliasArn != "arn:aws:kms:us-east-1:123456789012:alias/a" {
		t.Fatalf("ListAliases = %+v", all.Aliases)
	}
	_, err = c.UpdateAlias(emutest.Bg, &kms.UpdateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: k2.KeyId})
	emutest.Must(t, err)
	byKey, err := c.ListAliases(emutest.Bg, &kms.ListAliasesInput{KeyId: k2.Arn})
	emutest.Must(t, err)
	if len(byKey.Aliases) != 1 || *byKey.Aliases[0].AliasName != "alias/b" {
		t.Fatalf("ListAliases(k2) = %+v", byKey.Aliases)
	}
	hmac := emutest.CreateKey(t, c, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac})
	_, err = c.UpdateAlias(emutest.Bg, &kms.UpdateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: hmac.KeyId})
	emutest.WantCode(t, err, "ValidationException")
	_, err = c.DeleteAlias(emutest.Bg, &kms.DeleteAliasInput{AliasName: aws.String("alias/b")})
	emutest.Must(t, err)
	_, err = c.DeleteAlias(emutest.Bg, &kms.DeleteAliasInput{AliasName: aws.String("alias/b")})
	emutest.WantCode(t, err, "NotFoundException")
	_, err = c.UpdateAlias(emutest.Bg, &kms.UpdateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: k2.KeyId})
	emutest.WantCode(t, err, "NotFoundException")
}
