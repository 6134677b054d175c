package kms_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// symmetricOnly is an identity statement allowing kms:CreateKey for single-region symmetric
// keys with KMS-made key material, as the connection role has it.
func symmetricOnly() emutest.Stmt {
	s := emutest.Allow("kms:CreateKey", "*")
	s.Condition = map[string]any{
		"StringEquals": map[string]any{"kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT", "kms:KeyOrigin": "AWS_KMS"},
		"Bool":         map[string]any{"kms:MultiRegion": "false"},
	}
	return s
}

// TestEmuKMSCreateKeyConditionKeys: CreateKey carries the new key's properties (with KMS's
// defaults for what the request leaves out) and the lockout bypass as condition keys, and the
// request-tag keys only when it carries tags, which also need kms:TagResource.
func TestEmuKMSCreateKeyConditionKeys(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	bypass := emutest.Deny("kms:CreateKey", "*")
	bypass.Condition = map[string]any{"Bool": map[string]any{"kms:BypassPolicyLockoutSafetyCheck": "true"}}
	untaggedOnly := emutest.Deny("kms:CreateKey", "*")
	untaggedOnly.Condition = map[string]any{"Null": map[string]any{"aws:TagKeys": "false"}}
	creds, _ := emutest.RoleSession(t, e, "creator", emutest.Doc(symmetricOnly(), bypass), "")
	creator := emutest.KmsClient(e, creds)

	// What the network asks for, spelled out, and the same left to the defaults.
	emutest.CreateKey(t, creator, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt,
		Origin: kmstypes.OriginTypeAwsKms, MultiRegion: aws.Bool(false)})
	emutest.CreateKey(t, creator, nil)

	for name, in := range map[string]*kms.CreateKeyInput{
		"multi-Region":          {MultiRegion: aws.Bool(true)},
		"asymmetric":            {KeySpec: kmstypes.KeySpecRsa2048, KeyUsage: kmstypes.KeyUsageTypeSignVerify},
		"HMAC":                  {KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac},
		"lockout check skipped": {BypassPolicyLockoutSafetyCheck: true},
	} {
		_, err := creator.CreateKey(emutest.Bg, in)
		if emutest.ErrCode(err) != "AccessDeniedException" {
			t.Errorf("%s: CreateKey = %v, want AccessDeniedException", name, err)
		}
	}
	// Tags at creation are checked as kms:TagResource too, which the role is not granted.
	_, err := creator.CreateKey(emutest.Bg, &kms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("LakeSail-Connection"), TagValue: aws.String("AB12CD34EF")}}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "kms:TagResource")

	// aws:TagKeys is absent from an untagged CreateKey: a deny on tagged requests leaves it be.
	tagger, _ := emutest.RoleSession(t, e, "tagger", emutest.Doc(symmetricOnly(), untaggedOnly, emutest.Allow("kms:TagResource", "*")), "")
	emutest.CreateKey(t, emutest.KmsClient(e, tagger), nil)
	_, err = emutest.KmsClient(e, tagger).CreateKey(emutest.Bg, &kms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "explicit deny in an identity-based policy")
}

// TestEmuKMSRoleManagesItsKeyThroughKeyPolicy: a key policy statement naming the role grants
// it management of that key alone, with no IAM grant, within its permissions boundary and under
// any explicit deny in its identity policies; keys whose policy only delegates to the account
// stay out of its reach.
func TestEmuKMSRoleManagesItsKeyThroughKeyPolicy(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	iamRoot := emutest.IamClient(e, e.RootCredentials())
	root := emutest.KmsClient(e, e.RootCredentials())
	acctRoot := emutest.RootOf(awsemu.DefaultAccountID)
	manage := []string{"kms:DescribeKey", "kms:GetKeyPolicy", "kms:TagResource", "kms:UntagResource", "kms:EnableKeyRotation",
		"kms:ListResourceTags", "kms:CreateAlias", "kms:ScheduleKeyDeletion"}
	// The role's identity policy: no tagging, no key policy changes, aliases of its own prefix.
	identity := emutest.Doc(symmetricOnly(), emutest.Allow([]string{"kms:CreateAlias", "kms:DeleteAlias"}, "arn:aws:kms:us-east-1:"+awsemu.DefaultAccountID+":alias/lakesail-*"),
		emutest.Deny("kms:PutKeyPolicy", "*"))
	boundary := emutest.CreatePolicy(t, iamRoot, "role-boundary", emutest.Doc(emutest.Allow("kms:*", "*")))
	creds, roleARN := emutest.RoleSession(t, e, "conn", identity, boundary)
	role := emutest.KmsClient(e, creds)
	ownPolicy := keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(roleARN, manage))

	// The role creates its key with the policy naming it, then tags and aliases it.
	own := emutest.CreateKey(t, role, &kms.CreateKeyInput{Policy: aws.String(ownPolicy)})
	_, err := role.TagResource(emutest.Bg, &kms.TagResourceInput{KeyId: own.Arn, Tags: []kmstypes.Tag{{TagKey: aws.String("LakeSail-Connection"), TagValue: aws.String("AB12CD34EF")}}})
	emutest.Must(t, err)
	_, err = role.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/lakesail-own"), TargetKeyId: own.Arn})
	emutest.Must(t, err)
	_, err = role.EnableKeyRotation(emutest.Bg, &kms.EnableKeyRotationInput{KeyId: own.Arn})
	emutest.Must(t, err)
	_, err = role.UntagResource(emutest.Bg, &kms.UntagResourceInput{KeyId: own.Arn, TagKeys: []string{"LakeSail-Connection"}})
	emutest.Must(t, err)

	// kms:PutKeyPolicy: explicitly denied in IAM, so not even a key policy naming the role for
	// it (nor the account statement) lets it through.
	_, err = role.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: own.Arn, PolicyName: aws.String("default"), Policy: aws.String(ownPolicy)})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "explicit deny in an identity-based policy")
	lenient := emutest.CreateKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(roleARN, "kms:*")))})
	_, err = role.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: lenient.Arn, PolicyName: aws.String("default"), Policy: aws.String(ownPolicy)})
	emutest.WantCode(t, err, "AccessDeniedException")
	// The account's root restores it (the key policy delegates to the account).
	_, err = root.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: own.Arn, PolicyName: aws.String("default"), Policy: aws.String(ownPolicy)})
	emutest.Must(t, err)

	// A customer's key with the default policy (delegating to the account's IAM): the role
	// may not tag it, so it cannot make it look like the connection's and take it over.
	customer := emutest.CreateKey(t, root, nil)
	_, err = role.TagResource(emutest.Bg, &kms.TagResourceInput{KeyId: customer.Arn, Tags: []kmstypes.Tag{{TagKey: aws.String("LakeSail-Connection"), TagValue: aws.String("AB12CD34EF")}}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "no identity-based policy allows the kms:TagResource action")
	_, err = role.ScheduleKeyDeletion(emutest.Bg, &kms.ScheduleKeyDeletionInput{KeyId: customer.Arn})
	emutest.WantCode(t, err, "AccessDeniedException")

	// The permissions boundary still caps what the key policy grants the role.
	narrow := emutest.CreatePolicy(t, iamRoot, "narrow-boundary", emutest.Doc(emutest.Allow([]string{"kms:CreateKey", "kms:DescribeKey"}, "*")))
	cappedCreds, cappedARN := emutest.RoleSession(t, e, "capped", emutest.Doc(symmetricOnly()), narrow)
	capped := emutest.KmsClient(e, cappedCreds)
	cappedKey := emutest.CreateKey(t, capped, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(cappedARN, manage)))})
	_, err = capped.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: cappedKey.Arn})
	emutest.Must(t, err)
	_, err = capped.TagResource(emutest.Bg, &kms.TagResourceInput{KeyId: cappedKey.Arn, Tags: []kmstypes.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "permissions boundary")

	// Once its statement is gone from the key policy, the role's rights over the key are gone:
	// what is left delegates to IAM, which grants it nothing on untagged keys.
	_, err = root.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: own.Arn, PolicyName: aws.String("default"), Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*")))})
	emutest.Must(t, err)
	_, err = role.TagResource(emutest.Bg, &kms.TagResourceInput{KeyId: own.Arn, Tags: []kmstypes.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
	emutest.WantCode(t, err, "AccessDeniedException")
}
