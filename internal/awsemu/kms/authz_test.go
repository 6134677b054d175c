package kms_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// keyPolicy renders a key policy from statements; each names its principal.
func keyPolicy(stmts ...emutest.Stmt) string { return emutest.Doc(stmts...) }

func principalAllow(principal string, action any) emutest.Stmt {
	return emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": principal}, Action: action, Resource: "*"}
}

// TestEmuKMSKeyPolicyMatrix: the key policy is the primary control; identity policies count
// only where it delegates to the account.
func TestEmuKMSKeyPolicyMatrix(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.KmsClient(e, e.RootCredentials())
	acctRoot := emutest.RootOf(awsemu.DefaultAccountID)
	use := []string{"kms:DescribeKey", "kms:Encrypt", "kms:Decrypt"}

	noIdentityCreds, noIdentityARN := emutest.RoleSession(t, e, "no-identity", "", "")
	withIdentityCreds, withIdentityARN := emutest.RoleSession(t, e, "with-identity", emutest.Doc(emutest.Allow("kms:*", "*")), "")
	bystanderCreds, bystanderARN := emutest.RoleSession(t, e, "bystander", "", "")
	noIdentity, withIdentity, bystander := emutest.KmsClient(e, noIdentityCreds), emutest.KmsClient(e, withIdentityCreds), emutest.KmsClient(e, bystanderCreds)
	_ = withIdentityARN

	describe := func(c *kms.Client, key *kmstypes.KeyMetadata) error {
		_, err := c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: key.Arn})
		return err
	}

	// 1. The key policy names the role: allowed with no identity policy at all.
	direct := emutest.CreateKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(
		principalAllow(acctRoot, "kms:*"), principalAllow(noIdentityARN, use)))})
	emutest.Must(t, describe(noIdentity, direct))
	enc, err := noIdentity.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: direct.KeyId, Plaintext: []byte("x")})
	emutest.Must(t, err)
	_, err = noIdentity.Decrypt(emutest.Bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	emutest.Must(t, err)
	_, err = noIdentity.ScheduleKeyDeletion(emutest.Bg, &kms.ScheduleKeyDeletionInput{KeyId: direct.KeyId})
	emutest.WantCode(t, err, "AccessDeniedException") // an action the key policy does not give it
	emutest.WantContains(t, emutest.ErrMessage(err), "because no identity-based policy allows the kms:ScheduleKeyDeletion action")
	// The account statement delegates kms:* to IAM: the role with an identity policy gets it.
	emutest.Must(t, describe(withIdentity, direct))

	// 2. The default key policy delegates to the account: the identity policy decides.
	delegated := emutest.CreateKey(t, root, nil)
	err = describe(noIdentity, delegated)
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "because no identity-based policy allows the kms:DescribeKey action")
	emutest.Must(t, describe(withIdentity, delegated))

	// 3. The key policy allows neither the role nor its account: denied whatever IAM says, and
	// the account's root user is locked out too.
	locked := emutest.CreateKey(t, root, &kms.CreateKeyInput{BypassPolicyLockoutSafetyCheck: true,
		Policy: aws.String(keyPolicy(principalAllow(bystanderARN, "kms:*")))})
	err = describe(withIdentity, locked)
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "because no resource-based policy allows the kms:DescribeKey action")
	err = describe(root, locked)
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.Must(t, describe(bystander, locked))

	// 4. An explicit deny in the key policy beats an identity allow.
	denying := emutest.CreateKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(
		principalAllow(acctRoot, "kms:*"),
		emutest.Stmt{Effect: "Deny", Principal: map[string]any{"AWS": withIdentityARN}, Action: "kms:Encrypt", Resource: "*"}))})
	emutest.Must(t, describe(withIdentity, denying))
	_, err = withIdentity.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: denying.KeyId, Plaintext: []byte("x")})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "with an explicit deny in a resource-based policy")

	// 5. An explicit deny in the identity policy beats a key-policy allow.
	denyCreds, denyARN := emutest.RoleSession(t, e, "deny-identity", emutest.Doc(emutest.Deny("kms:Encrypt", "*")), "")
	denyKey := emutest.CreateKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(denyARN, use)))})
	_, err = emutest.KmsClient(e, denyCreds).Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: denyKey.KeyId, Plaintext: []byte("x")})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "with an explicit deny in an identity-based policy")

	// 6. A key-policy allow naming the role is still capped by its permissions boundary.
	boundary := emutest.CreatePolicy(t, emutest.IamClient(e, e.RootCredentials()), "no-kms", emutest.Doc(emutest.Allow("s3:*", "*")))
	cappedCreds, cappedARN := emutest.RoleSession(t, e, "capped", "", boundary)
	cappedKey := emutest.CreateKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(cappedARN, use)))})
	err = describe(emutest.KmsClient(e, cappedCreds), cappedKey)
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "permissions boundary")

	// Operations without a key (CreateKey, ListKeys, ListAliases) are IAM-only.
	_, err = noIdentity.ListKeys(emutest.Bg, &kms.ListKeysInput{})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = withIdentity.ListKeys(emutest.Bg, &kms.ListKeysInput{})
	emutest.Must(t, err)
	_, err = noIdentity.CreateKey(emutest.Bg, &kms.CreateKeyInput{})
	emutest.WantCode(t, err, "AccessDeniedException")

	// The call log records KMS decisions with the key ARN.
	var last awsemu.Call
	for _, c := range e.Calls() {
		if c.Service == "kms" && c.Operation == "DescribeKey" && c.Decision == "deny" {
			last = c
		}
	}
	if last.Resources[0] != *cappedKey.Arn || last.Action != "kms:DescribeKey" {
		t.Fatalf("last denied DescribeKey = %+v", last)
	}
}

// TestEmuKMSPolicyLockout: a policy that would keep the caller from changing it again is
// refused unless the caller bypasses the check.
func TestEmuKMSPolicyLockout(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.KmsClient(e, e.RootCredentials())
	creds, roleARN := emutest.RoleSession(t, e, "admin", emutest.Doc(emutest.Allow("kms:*", "*")), "")
	admin := emutest.KmsClient(e, creds)
	_, otherARN := emutest.RoleSession(t, e, "other", "", "")

	onlyOther := keyPolicy(principalAllow(otherARN, "kms:*"))
	_, err := admin.CreateKey(emutest.Bg, &kms.CreateKeyInput{Policy: aws.String(onlyOther)})
	emutest.WantCode(t, err, "MalformedPolicyDocumentException")
	emutest.WantContains(t, emutest.ErrMessage(err), "will not allow you to update the key policy in the future")
	_, err = root.CreateKey(emutest.Bg, &kms.CreateKeyInput{Policy: aws.String(onlyOther)})
	emutest.WantCode(t, err, "MalformedPolicyDocumentException")

	// Naming the caller, or its account, passes.
	emutest.CreateKey(t, admin, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(roleARN, "kms:*")))})
	k := emutest.CreateKey(t, admin, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(emutest.RootOf(awsemu.DefaultAccountID), "kms:*")))})
	_, err = admin.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(onlyOther)})
	emutest.WantCode(t, err, "MalformedPolicyDocumentException")

	// Bypassing the check locks the admin (and root) out for good.
	_, err = admin.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(onlyOther), BypassPolicyLockoutSafetyCheck: true})
	emutest.Must(t, err)
	_, err = admin.GetKeyPolicy(emutest.Bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = root.PutKeyPolicy(emutest.Bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(keyPolicy(principalAllow(emutest.RootOf(awsemu.DefaultAccountID), "kms:*")))})
	emutest.WantCode(t, err, "AccessDeniedException")
}

// TestEmuKMSAliasAuthorization: alias calls need the action on the alias and on the key.
func TestEmuKMSAliasAuthorization(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.KmsClient(e, e.RootCredentials())
	k := emutest.CreateKey(t, root, nil) // delegates to IAM
	aliasARN := "arn:aws:kms:us-east-1:123456789012:alias/lakesail-*"
	cases := []struct {
		name      string
		resources []string
		alias     string
		wantDeny  string // resource named in the denial; "" when allowed
	}{
		{"alias only", []string{aliasARN}, "alias/lakesail-a", *k.Arn},
		{"key only", []string{*k.Arn}, "alias/lakesail-b", "arn:aws:kms:us-east-1:123456789012:alias/lakesail-b"},
		{"both", []string{aliasARN, *k.Arn}, "alias/lakesail-c", ""},
		{"both, alias outside the pattern", []string{aliasARN, *k.Arn}, "alias/other", "arn:aws:kms:us-east-1:123456789012:alias/other"},
	}
	for i, tc := range cases {
		creds, _ := emutest.RoleSession(t, e, "alias-"+string(rune('a'+i)), emutest.Doc(emutest.Allow([]string{"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"}, tc.resources)), "")
		c := emutest.KmsClient(e, creds)
		_, err := c.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String(tc.alias), TargetKeyId: k.KeyId})
		if tc.wantDeny == "" {
			emutest.Must(t, err)
			_, err = c.DeleteAlias(emutest.Bg, &kms.DeleteAliasInput{AliasName: aws.String(tc.alias)})
			emutest.Must(t, err)
			continue
		}
		emutest.WantCode(t, err, "AccessDeniedException")
		emutest.WantContains(t, emutest.ErrMessage(err), "kms:CreateAlias on resource: "+tc.wantDeny)
	}

	// UpdateAlias needs the action on the alias, the current key and the new key.
	k2 := emutest.CreateKey(t, root, nil)
	_, err := root.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/lakesail-u"), TargetKeyId: k.KeyId})
	emutest.Must(t, err)
	creds, _ := emutest.RoleSession(t, e, "updater", emutest.Doc(emutest.Allow("kms:UpdateAlias", []string{aliasARN, *k.Arn})), "")
	_, err = emutest.KmsClient(e, creds).UpdateAlias(emutest.Bg, &kms.UpdateAliasInput{AliasName: aws.String("alias/lakesail-u"), TargetKeyId: k2.KeyId})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), *k2.Arn)
}

// TestEmuKMSTagConditions: aws:RequestTag/aws:TagKeys on CreateKey and TagResource (CreateKey
// with tags needs kms:TagResource too), aws:ResourceTag on calls on a key.
func TestEmuKMSTagConditions(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.KmsClient(e, e.RootCredentials())
	onlyABC := map[string]any{
		"StringEquals":              map[string]any{"aws:RequestTag/LakeSail-Connection": "ABC"},
		"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []string{"LakeSail-Connection", "LakeSail-Network"}},
	}
	creds, _ := emutest.RoleSession(t, e, "creator", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: []string{"kms:CreateKey", "kms:TagResource"}, Resource: "*", Condition: onlyABC},
		emutest.Stmt{Effect: "Allow", Action: "kms:DescribeKey", Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/LakeSail-Connection": "ABC"}}},
	), "")
	c := emutest.KmsClient(e, creds)
	tag := func(k, v string) kmstypes.Tag { return kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(v)} }

	// Allowed: the tag the condition asks for.
	k := emutest.CreateKey(t, c, &kms.CreateKeyInput{Tags: []kmstypes.Tag{tag("LakeSail-Connection", "ABC"), tag("LakeSail-Network", "NET1")}})
	// Denied: another value, an extra key, no tags at all.
	for _, tags := range [][]kmstypes.Tag{
		{tag("LakeSail-Connection", "XYZ")},
		{tag("LakeSail-Connection", "ABC"), tag("Owner", "me")},
		nil,
	} {
		_, err := c.CreateKey(emutest.Bg, &kms.CreateKeyInput{Tags: tags})
		emutest.WantCode(t, err, "AccessDeniedException")
	}
	// aws:ResourceTag: the tagged key can be described, an untagged one cannot.
	_, err := c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	untagged := emutest.CreateKey(t, root, nil)
	_, err = c.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: untagged.KeyId})
	emutest.WantCode(t, err, "AccessDeniedException")

	// CreateKey with tags needs kms:TagResource as well.
	creds, _ = emutest.RoleSession(t, e, "no-tagging", emutest.Doc(emutest.Allow("kms:CreateKey", "*")), "")
	c = emutest.KmsClient(e, creds)
	_, err = c.CreateKey(emutest.Bg, &kms.CreateKeyInput{Tags: []kmstypes.Tag{tag("a", "b")}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "kms:TagResource")
	emutest.CreateKey(t, c, nil)

	// kms:KeySpec on CreateKey.
	creds, _ = emutest.RoleSession(t, e, "symmetric-only", emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "kms:CreateKey", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"kms:KeySpec": "SYMMETRIC_DEFAULT"}}}), "")
	c = emutest.KmsClient(e, creds)
	emutest.CreateKey(t, c, nil)
	_, err = c.CreateKey(emutest.Bg, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac})
	emutest.WantCode(t, err, "AccessDeniedException")
}

// TestEmuKMSGrants: a grant lets its grantee use the key without any policy; retiring and
// revoking end that.
func TestEmuKMSGrants(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.KmsClient(e, e.RootCredentials())
	k := emutest.CreateKey(t, root, nil)
	granteeCreds, granteeARN := emutest.RoleSession(t, e, "grantee", "", "")
	retirerCreds, retirerARN := emutest.RoleSession(t, e, "retirer", "", "")
	grantee := emutest.KmsClient(e, granteeCreds)

	_, err := grantee.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	emutest.WantCode(t, err, "AccessDeniedException")
	g, err := root.CreateGrant(emutest.Bg, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(granteeARN), RetiringPrincipal: aws.String(retirerARN),
		Operations:  []kmstypes.GrantOperation{kmstypes.GrantOperationEncrypt, kmstypes.GrantOperationDecrypt},
		Constraints: &kmstypes.GrantConstraints{EncryptionContextSubset: map[string]string{"app": "lakesail"}}, Name: aws.String("lakesail")})
	emutest.Must(t, err)
	again, err := root.CreateGrant(emutest.Bg, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(granteeARN), RetiringPrincipal: aws.String(retirerARN),
		Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationEncrypt}, Name: aws.String("lakesail")})
	emutest.Must(t, err)
	if *again.GrantId != *g.GrantId {
		t.Fatal("CreateGrant with the same name and parameters is not idempotent")
	}

	ec := map[string]string{"app": "lakesail", "extra": "ok"}
	enc, err := grantee.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionContext: ec})
	emutest.Must(t, err)
	_, err = grantee.Decrypt(emutest.Bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	emutest.Must(t, err)
	_, err = grantee.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")}) // constraint not met
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = grantee.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: k.KeyId}) // not a granted operation
	emutest.WantCode(t, err, "AccessDeniedException")

	list, err := root.ListGrants(emutest.Bg, &kms.ListGrantsInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	if len(list.Grants) != 1 || *list.Grants[0].GranteePrincipal != granteeARN || *list.Grants[0].Name != "lakesail" ||
		*list.Grants[0].IssuingAccount != emutest.RootOf(awsemu.DefaultAccountID) || len(list.Grants[0].Operations) != 2 {
		t.Fatalf("ListGrants = %+v", list.Grants)
	}

	// Only the retiring principal (or the grantee with RetireGrant, or the account) retires it.
	_, err = grantee.RetireGrant(emutest.Bg, &kms.RetireGrantInput{GrantToken: g.GrantToken})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = emutest.KmsClient(e, retirerCreds).RetireGrant(emutest.Bg, &kms.RetireGrantInput{KeyId: k.Arn, GrantId: g.GrantId})
	emutest.Must(t, err)
	_, err = grantee.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionContext: ec})
	emutest.WantCode(t, err, "AccessDeniedException")

	// RevokeGrant is a key-policy action.
	g2, err := root.CreateGrant(emutest.Bg, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(granteeARN), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDescribeKey}})
	emutest.Must(t, err)
	_, err = grantee.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	emutest.Must(t, err)
	_, err = root.RevokeGrant(emutest.Bg, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: g2.GrantId})
	emutest.Must(t, err)
	_, err = root.RevokeGrant(emutest.Bg, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: g2.GrantId})
	emutest.WantCode(t, err, "NotFoundException")
	_, err = grantee.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	emutest.WantCode(t, err, "AccessDeniedException")
}

// TestEmuKMSCrossAccount: a caller from another account needs the key policy (naming its
// account) and its own identity policies.
func TestEmuKMSCrossAccount(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	owner := e.AddAccount("210987654321")
	ownerKMS := emutest.KmsClient(e, owner)
	shared := emutest.CreateKey(t, ownerKMS, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(
		principalAllow(emutest.RootOf("210987654321"), "kms:*"),
		principalAllow(emutest.RootOf(awsemu.DefaultAccountID), []string{"kms:DescribeKey", "kms:Encrypt"})))})
	private := emutest.CreateKey(t, ownerKMS, nil)

	withCreds, _ := emutest.RoleSession(t, e, "user", emutest.Doc(emutest.Allow("kms:*", "*")), "")
	withoutCreds, _ := emutest.RoleSession(t, e, "nobody", "", "")
	with, without := emutest.KmsClient(e, withCreds), emutest.KmsClient(e, withoutCreds)
	_, err := with.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: shared.Arn})
	emutest.Must(t, err)
	_, err = with.Encrypt(emutest.Bg, &kms.EncryptInput{KeyId: shared.Arn, Plaintext: []byte("x")})
	emutest.Must(t, err)
	_, err = with.ScheduleKeyDeletion(emutest.Bg, &kms.ScheduleKeyDeletionInput{KeyId: shared.Arn})
	emutest.WantCode(t, err, "AccessDeniedException") // not in the key policy for this account
	_, err = without.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: shared.Arn})
	emutest.WantCode(t, err, "AccessDeniedException") // no identity policy of its own
	_, err = with.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: private.Arn})
	emutest.WantCode(t, err, "AccessDeniedException") // the key policy names only its own account
	// The root user of the caller's account: allowed where the key policy names the account.
	_, err = emutest.KmsClient(e, e.RootCredentials()).DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: shared.Arn})
	emutest.Must(t, err)
	// A key id alone always means the caller's own account.
	_, err = with.DescribeKey(emutest.Bg, &kms.DescribeKeyInput{KeyId: shared.KeyId})
	emutest.WantCode(t, err, "NotFoundException")
}
