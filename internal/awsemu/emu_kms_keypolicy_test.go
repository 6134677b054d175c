package awsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// symmetricOnly is an identity statement allowing kms:CreateKey for single-region symmetric
// keys with KMS-made key material, as the connection role has it.
func symmetricOnly() stmt {
	s := allow("kms:CreateKey", "*")
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
	e, _ := newTestEmu(t, Options{})
	bypass := deny("kms:CreateKey", "*")
	bypass.Condition = map[string]any{"Bool": map[string]any{"kms:BypassPolicyLockoutSafetyCheck": "true"}}
	untaggedOnly := deny("kms:CreateKey", "*")
	untaggedOnly.Condition = map[string]any{"Null": map[string]any{"aws:TagKeys": "false"}}
	creds, _ := roleSession(t, e, "creator", doc(symmetricOnly(), bypass), "")
	creator := kmsClient(e, creds)

	// What the network asks for, spelled out, and the same left to the defaults.
	createKey(t, creator, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt,
		Origin: kmstypes.OriginTypeAwsKms, MultiRegion: aws.Bool(false)})
	createKey(t, creator, nil)

	for name, in := range map[string]*kms.CreateKeyInput{
		"multi-Region":          {MultiRegion: aws.Bool(true)},
		"asymmetric":            {KeySpec: kmstypes.KeySpecRsa2048, KeyUsage: kmstypes.KeyUsageTypeSignVerify},
		"HMAC":                  {KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac},
		"lockout check skipped": {BypassPolicyLockoutSafetyCheck: true},
	} {
		_, err := creator.CreateKey(bg, in)
		if errCode(err) != "AccessDeniedException" {
			t.Errorf("%s: CreateKey = %v, want AccessDeniedException", name, err)
		}
	}
	// Tags at creation are checked as kms:TagResource too, which the role is not granted.
	_, err := creator.CreateKey(bg, &kms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("LakeSail-Connection"), TagValue: aws.String("AB12CD34EF")}}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "kms:TagResource")

	// aws:TagKeys is absent from an untagged CreateKey: a deny on tagged requests leaves it be.
	tagger, _ := roleSession(t, e, "tagger", doc(symmetricOnly(), untaggedOnly, allow("kms:TagResource", "*")), "")
	createKey(t, kmsClient(e, tagger), nil)
	_, err = kmsClient(e, tagger).CreateKey(bg, &kms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "explicit deny in an identity-based policy")
}

// TestEmuKMSRoleManagesItsKeyThroughKeyPolicy: a key policy statement naming the role grants
// it management of that key alone, with no IAM grant, within its permissions boundary and under
// any explicit deny in its identity policies; keys whose policy only delegates to the account
// stay out of its reach.
func TestEmuKMSRoleManagesItsKeyThroughKeyPolicy(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	iamRoot := iamClient(e, e.RootCredentials())
	root := kmsClient(e, e.RootCredentials())
	acctRoot := rootOf(DefaultAccountID)
	manage := []string{"kms:DescribeKey", "kms:GetKeyPolicy", "kms:TagResource", "kms:UntagResource", "kms:EnableKeyRotation",
		"kms:ListResourceTags", "kms:CreateAlias", "kms:ScheduleKeyDeletion"}
	// The role's identity policy: no tagging, no key policy changes, aliases of its own prefix.
	identity := doc(symmetricOnly(), allow([]string{"kms:CreateAlias", "kms:DeleteAlias"}, "arn:aws:kms:us-east-1:"+DefaultAccountID+":alias/lakesail-*"),
		deny("kms:PutKeyPolicy", "*"))
	boundary := createPolicy(t, iamRoot, "role-boundary", doc(allow("kms:*", "*")))
	creds, roleARN := roleSession(t, e, "conn", identity, boundary)
	role := kmsClient(e, creds)
	ownPolicy := keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(roleARN, manage))

	// The role creates its key with the policy naming it, then tags and aliases it.
	own := createKey(t, role, &kms.CreateKeyInput{Policy: aws.String(ownPolicy)})
	_, err := role.TagResource(bg, &kms.TagResourceInput{KeyId: own.Arn, Tags: []kmstypes.Tag{{TagKey: aws.String("LakeSail-Connection"), TagValue: aws.String("AB12CD34EF")}}})
	must(t, err)
	_, err = role.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/lakesail-own"), TargetKeyId: own.Arn})
	must(t, err)
	_, err = role.EnableKeyRotation(bg, &kms.EnableKeyRotationInput{KeyId: own.Arn})
	must(t, err)
	_, err = role.UntagResource(bg, &kms.UntagResourceInput{KeyId: own.Arn, TagKeys: []string{"LakeSail-Connection"}})
	must(t, err)

	// kms:PutKeyPolicy: explicitly denied in IAM, so not even a key policy naming the role for
	// it (nor the account statement) lets it through.
	_, err = role.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: own.Arn, PolicyName: aws.String("default"), Policy: aws.String(ownPolicy)})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "explicit deny in an identity-based policy")
	lenient := createKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(roleARN, "kms:*")))})
	_, err = role.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: lenient.Arn, PolicyName: aws.String("default"), Policy: aws.String(ownPolicy)})
	wantCode(t, err, "AccessDeniedException")
	// The account's root restores it (the key policy delegates to the account).
	_, err = root.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: own.Arn, PolicyName: aws.String("default"), Policy: aws.String(ownPolicy)})
	must(t, err)

	// A customer's key with the default policy (delegating to the account's IAM): the role
	// may not tag it, so it cannot make it look like the connection's and take it over.
	customer := createKey(t, root, nil)
	_, err = role.TagResource(bg, &kms.TagResourceInput{KeyId: customer.Arn, Tags: []kmstypes.Tag{{TagKey: aws.String("LakeSail-Connection"), TagValue: aws.String("AB12CD34EF")}}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "no identity-based policy allows the kms:TagResource action")
	_, err = role.ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: customer.Arn})
	wantCode(t, err, "AccessDeniedException")

	// The permissions boundary still caps what the key policy grants the role.
	narrow := createPolicy(t, iamRoot, "narrow-boundary", doc(allow([]string{"kms:CreateKey", "kms:DescribeKey"}, "*")))
	cappedCreds, cappedARN := roleSession(t, e, "capped", doc(symmetricOnly()), narrow)
	capped := kmsClient(e, cappedCreds)
	cappedKey := createKey(t, capped, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(cappedARN, manage)))})
	_, err = capped.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: cappedKey.Arn})
	must(t, err)
	_, err = capped.TagResource(bg, &kms.TagResourceInput{KeyId: cappedKey.Arn, Tags: []kmstypes.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "permissions boundary")

	// Once its statement is gone from the key policy, the role's rights over the key are gone:
	// what is left delegates to IAM, which grants it nothing on untagged keys.
	_, err = root.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: own.Arn, PolicyName: aws.String("default"), Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*")))})
	must(t, err)
	_, err = role.TagResource(bg, &kms.TagResourceInput{KeyId: own.Arn, Tags: []kmstypes.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
	wantCode(t, err, "AccessDeniedException")
}
