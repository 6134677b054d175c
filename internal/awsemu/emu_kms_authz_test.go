package awsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// keyPolicy renders a key policy from statements; each names its principal.
func keyPolicy(stmts ...stmt) string { return doc(stmts...) }

func principalAllow(principal string, action any) stmt {
	return stmt{Effect: "Allow", Principal: map[string]any{"AWS": principal}, Action: action, Resource: "*"}
}

// TestEmuKMSKeyPolicyMatrix: the key policy is the primary control; identity policies count
// only where it delegates to the account.
func TestEmuKMSKeyPolicyMatrix(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := kmsClient(e, e.RootCredentials())
	acctRoot := rootOf(DefaultAccountID)
	use := []string{"kms:DescribeKey", "kms:Encrypt", "kms:Decrypt"}

	noIdentityCreds, noIdentityARN := roleSession(t, e, "no-identity", "", "")
	withIdentityCreds, withIdentityARN := roleSession(t, e, "with-identity", doc(allow("kms:*", "*")), "")
	bystanderCreds, bystanderARN := roleSession(t, e, "bystander", "", "")
	noIdentity, withIdentity, bystander := kmsClient(e, noIdentityCreds), kmsClient(e, withIdentityCreds), kmsClient(e, bystanderCreds)
	_ = withIdentityARN

	describe := func(c *kms.Client, key *kmstypes.KeyMetadata) error {
		_, err := c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: key.Arn})
		return err
	}

	// 1. The key policy names the role: allowed with no identity policy at all.
	direct := createKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(
		principalAllow(acctRoot, "kms:*"), principalAllow(noIdentityARN, use)))})
	must(t, describe(noIdentity, direct))
	enc, err := noIdentity.Encrypt(bg, &kms.EncryptInput{KeyId: direct.KeyId, Plaintext: []byte("x")})
	must(t, err)
	_, err = noIdentity.Decrypt(bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	must(t, err)
	_, err = noIdentity.ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: direct.KeyId})
	wantCode(t, err, "AccessDeniedException") // an action the key policy does not give it
	wantContains(t, errMessage(err), "because no identity-based policy allows the kms:ScheduleKeyDeletion action")
	// The account statement delegates kms:* to IAM: the role with an identity policy gets it.
	must(t, describe(withIdentity, direct))

	// 2. The default key policy delegates to the account: the identity policy decides.
	delegated := createKey(t, root, nil)
	err = describe(noIdentity, delegated)
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "because no identity-based policy allows the kms:DescribeKey action")
	must(t, describe(withIdentity, delegated))

	// 3. The key policy allows neither the role nor its account: denied whatever IAM says, and
	// the account's root user is locked out too.
	locked := createKey(t, root, &kms.CreateKeyInput{BypassPolicyLockoutSafetyCheck: true,
		Policy: aws.String(keyPolicy(principalAllow(bystanderARN, "kms:*")))})
	err = describe(withIdentity, locked)
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "because no resource-based policy allows the kms:DescribeKey action")
	err = describe(root, locked)
	wantCode(t, err, "AccessDeniedException")
	must(t, describe(bystander, locked))

	// 4. An explicit deny in the key policy beats an identity allow.
	denying := createKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(
		principalAllow(acctRoot, "kms:*"),
		stmt{Effect: "Deny", Principal: map[string]any{"AWS": withIdentityARN}, Action: "kms:Encrypt", Resource: "*"}))})
	must(t, describe(withIdentity, denying))
	_, err = withIdentity.Encrypt(bg, &kms.EncryptInput{KeyId: denying.KeyId, Plaintext: []byte("x")})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "with an explicit deny in a resource-based policy")

	// 5. An explicit deny in the identity policy beats a key-policy allow.
	denyCreds, denyARN := roleSession(t, e, "deny-identity", doc(deny("kms:Encrypt", "*")), "")
	denyKey := createKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(denyARN, use)))})
	_, err = kmsClient(e, denyCreds).Encrypt(bg, &kms.EncryptInput{KeyId: denyKey.KeyId, Plaintext: []byte("x")})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "with an explicit deny in an identity-based policy")

	// 6. A key-policy allow naming the role is still capped by its permissions boundary.
	boundary := createPolicy(t, iamClient(e, e.RootCredentials()), "no-kms", doc(allow("s3:*", "*")))
	cappedCreds, cappedARN := roleSession(t, e, "capped", "", boundary)
	cappedKey := createKey(t, root, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(acctRoot, "kms:*"), principalAllow(cappedARN, use)))})
	err = describe(kmsClient(e, cappedCreds), cappedKey)
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "permissions boundary")

	// Operations without a key (CreateKey, ListKeys, ListAliases) are IAM-only.
	_, err = noIdentity.ListKeys(bg, &kms.ListKeysInput{})
	wantCode(t, err, "AccessDeniedException")
	_, err = withIdentity.ListKeys(bg, &kms.ListKeysInput{})
	must(t, err)
	_, err = noIdentity.CreateKey(bg, &kms.CreateKeyInput{})
	wantCode(t, err, "AccessDeniedException")

	// The call log records KMS decisions with the key ARN.
	var last Call
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
	e, _ := newTestEmu(t, Options{})
	root := kmsClient(e, e.RootCredentials())
	creds, roleARN := roleSession(t, e, "admin", doc(allow("kms:*", "*")), "")
	admin := kmsClient(e, creds)
	_, otherARN := roleSession(t, e, "other", "", "")

	onlyOther := keyPolicy(principalAllow(otherARN, "kms:*"))
	_, err := admin.CreateKey(bg, &kms.CreateKeyInput{Policy: aws.String(onlyOther)})
	wantCode(t, err, "MalformedPolicyDocumentException")
	wantContains(t, errMessage(err), "will not allow you to update the key policy in the future")
	_, err = root.CreateKey(bg, &kms.CreateKeyInput{Policy: aws.String(onlyOther)})
	wantCode(t, err, "MalformedPolicyDocumentException")

	// Naming the caller, or its account, passes.
	createKey(t, admin, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(roleARN, "kms:*")))})
	k := createKey(t, admin, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(principalAllow(rootOf(DefaultAccountID), "kms:*")))})
	_, err = admin.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(onlyOther)})
	wantCode(t, err, "MalformedPolicyDocumentException")

	// Bypassing the check locks the admin (and root) out for good.
	_, err = admin.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(onlyOther), BypassPolicyLockoutSafetyCheck: true})
	must(t, err)
	_, err = admin.GetKeyPolicy(bg, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	wantCode(t, err, "AccessDeniedException")
	_, err = root.PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(keyPolicy(principalAllow(rootOf(DefaultAccountID), "kms:*")))})
	wantCode(t, err, "AccessDeniedException")
}

// TestEmuKMSAliasAuthorization: alias calls need the action on the alias and on the key.
func TestEmuKMSAliasAuthorization(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := kmsClient(e, e.RootCredentials())
	k := createKey(t, root, nil) // delegates to IAM
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
		creds, _ := roleSession(t, e, "alias-"+string(rune('a'+i)), doc(allow([]string{"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"}, tc.resources)), "")
		c := kmsClient(e, creds)
		_, err := c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String(tc.alias), TargetKeyId: k.KeyId})
		if tc.wantDeny == "" {
			must(t, err)
			_, err = c.DeleteAlias(bg, &kms.DeleteAliasInput{AliasName: aws.String(tc.alias)})
			must(t, err)
			continue
		}
		wantCode(t, err, "AccessDeniedException")
		wantContains(t, errMessage(err), "kms:CreateAlias on resource: "+tc.wantDeny)
	}

	// UpdateAlias needs the action on the alias, the current key and the new key.
	k2 := createKey(t, root, nil)
	_, err := root.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/lakesail-u"), TargetKeyId: k.KeyId})
	must(t, err)
	creds, _ := roleSession(t, e, "updater", doc(allow("kms:UpdateAlias", []string{aliasARN, *k.Arn})), "")
	_, err = kmsClient(e, creds).UpdateAlias(bg, &kms.UpdateAliasInput{AliasName: aws.String("alias/lakesail-u"), TargetKeyId: k2.KeyId})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), *k2.Arn)
}

// TestEmuKMSTagConditions: aws:RequestTag/aws:TagKeys on CreateKey and TagResource (CreateKey
// with tags needs kms:TagResource too), aws:ResourceTag on calls on a key.
func TestEmuKMSTagConditions(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := kmsClient(e, e.RootCredentials())
	onlyABC := map[string]any{
		"StringEquals":              map[string]any{"aws:RequestTag/LakeSail-Connection": "ABC"},
		"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []string{"LakeSail-Connection", "LakeSail-Network"}},
	}
	creds, _ := roleSession(t, e, "creator", doc(
		stmt{Effect: "Allow", Action: []string{"kms:CreateKey", "kms:TagResource"}, Resource: "*", Condition: onlyABC},
		stmt{Effect: "Allow", Action: "kms:DescribeKey", Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/LakeSail-Connection": "ABC"}}},
	), "")
	c := kmsClient(e, creds)
	tag := func(k, v string) kmstypes.Tag { return kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(v)} }

	// Allowed: the tag the condition asks for.
	k := createKey(t, c, &kms.CreateKeyInput{Tags: []kmstypes.Tag{tag("LakeSail-Connection", "ABC"), tag("LakeSail-Network", "NET1")}})
	// Denied: another value, an extra key, no tags at all.
	for _, tags := range [][]kmstypes.Tag{
		{tag("LakeSail-Connection", "XYZ")},
		{tag("LakeSail-Connection", "ABC"), tag("Owner", "me")},
		nil,
	} {
		_, err := c.CreateKey(bg, &kms.CreateKeyInput{Tags: tags})
		wantCode(t, err, "AccessDeniedException")
	}
	// aws:ResourceTag: the tagged key can be described, an untagged one cannot.
	_, err := c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	must(t, err)
	untagged := createKey(t, root, nil)
	_, err = c.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: untagged.KeyId})
	wantCode(t, err, "AccessDeniedException")

	// CreateKey with tags needs kms:TagResource as well.
	creds, _ = roleSession(t, e, "no-tagging", doc(allow("kms:CreateKey", "*")), "")
	c = kmsClient(e, creds)
	_, err = c.CreateKey(bg, &kms.CreateKeyInput{Tags: []kmstypes.Tag{tag("a", "b")}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "kms:TagResource")
	createKey(t, c, nil)

	// kms:KeySpec on CreateKey.
	creds, _ = roleSession(t, e, "symmetric-only", doc(stmt{Effect: "Allow", Action: "kms:CreateKey", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"kms:KeySpec": "SYMMETRIC_DEFAULT"}}}), "")
	c = kmsClient(e, creds)
	createKey(t, c, nil)
	_, err = c.CreateKey(bg, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac})
	wantCode(t, err, "AccessDeniedException")
}

// TestEmuKMSGrants: a grant lets its grantee use the key without any policy; retiring and
// revoking end that.
func TestEmuKMSGrants(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := kmsClient(e, e.RootCredentials())
	k := createKey(t, root, nil)
	granteeCreds, granteeARN := roleSession(t, e, "grantee", "", "")
	retirerCreds, retirerARN := roleSession(t, e, "retirer", "", "")
	grantee := kmsClient(e, granteeCreds)

	_, err := grantee.Encrypt(bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	wantCode(t, err, "AccessDeniedException")
	g, err := root.CreateGrant(bg, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(granteeARN), RetiringPrincipal: aws.String(retirerARN),
		Operations:  []kmstypes.GrantOperation{kmstypes.GrantOperationEncrypt, kmstypes.GrantOperationDecrypt},
		Constraints: &kmstypes.GrantConstraints{EncryptionContextSubset: map[string]string{"app": "lakesail"}}, Name: aws.String("lakesail")})
	must(t, err)
	again, err := root.CreateGrant(bg, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(granteeARN), RetiringPrincipal: aws.String(retirerARN),
		Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationEncrypt}, Name: aws.String("lakesail")})
	must(t, err)
	if *again.GrantId != *g.GrantId {
		t.Fatal("CreateGrant with the same name and parameters is not idempotent")
	}

	ec := map[string]string{"app": "lakesail", "extra": "ok"}
	enc, err := grantee.Encrypt(bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionContext: ec})
	must(t, err)
	_, err = grantee.Decrypt(bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	must(t, err)
	_, err = grantee.Encrypt(bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")}) // constraint not met
	wantCode(t, err, "AccessDeniedException")
	_, err = grantee.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyId}) // not a granted operation
	wantCode(t, err, "AccessDeniedException")

	list, err := root.ListGrants(bg, &kms.ListGrantsInput{KeyId: k.KeyId})
	must(t, err)
	if len(list.Grants) != 1 || *list.Grants[0].GranteePrincipal != granteeARN || *list.Grants[0].Name != "lakesail" ||
		*list.Grants[0].IssuingAccount != rootOf(DefaultAccountID) || len(list.Grants[0].Operations) != 2 {
		t.Fatalf("ListGrants = %+v", list.Grants)
	}

	// Only the retiring principal (or the grantee with RetireGrant, or the account) retires it.
	_, err = grantee.RetireGrant(bg, &kms.RetireGrantInput{GrantToken: g.GrantToken})
	wantCode(t, err, "AccessDeniedException")
	_, err = kmsClient(e, retirerCreds).RetireGrant(bg, &kms.RetireGrantInput{KeyId: k.Arn, GrantId: g.GrantId})
	must(t, err)
	_, err = grantee.Encrypt(bg, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionContext: ec})
	wantCode(t, err, "AccessDeniedException")

	// RevokeGrant is a key-policy action.
	g2, err := root.CreateGrant(bg, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(granteeARN), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDescribeKey}})
	must(t, err)
	_, err = grantee.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	must(t, err)
	_, err = root.RevokeGrant(bg, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: g2.GrantId})
	must(t, err)
	_, err = root.RevokeGrant(bg, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: g2.GrantId})
	wantCode(t, err, "NotFoundException")
	_, err = grantee.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyId})
	wantCode(t, err, "AccessDeniedException")
}

// TestEmuKMSCrossAccount: a caller from another account needs the key policy (naming its
// account) and its own identity policies.
func TestEmuKMSCrossAccount(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	owner := e.AddAccount("210987654321")
	ownerKMS := kmsClient(e, owner)
	shared := createKey(t, ownerKMS, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(
		principalAllow(rootOf("210987654321"), "kms:*"),
		principalAllow(rootOf(DefaultAccountID), []string{"kms:DescribeKey", "kms:Encrypt"})))})
	private := createKey(t, ownerKMS, nil)

	withCreds, _ := roleSession(t, e, "user", doc(allow("kms:*", "*")), "")
	withoutCreds, _ := roleSession(t, e, "nobody", "", "")
	with, without := kmsClient(e, withCreds), kmsClient(e, withoutCreds)
	_, err := with.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: shared.Arn})
	must(t, err)
	_, err = with.Encrypt(bg, &kms.EncryptInput{KeyId: shared.Arn, Plaintext: []byte("x")})
	must(t, err)
	_, err = with.ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: shared.Arn})
	wantCode(t, err, "AccessDeniedException") // not in the key policy for this account
	_, err = without.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: shared.Arn})
	wantCode(t, err, "AccessDeniedException") // no identity policy of its own
	_, err = with.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: private.Arn})
	wantCode(t, err, "AccessDeniedException") // the key policy names only its own account
	// The root user of the caller's account: allowed where the key policy names the account.
	_, err = kmsClient(e, e.RootCredentials()).DescribeKey(bg, &kms.DescribeKeyInput{KeyId: shared.Arn})
	must(t, err)
	// A key id alone always means the caller's own account.
	_, err = with.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: shared.KeyId})
	wantCode(t, err, "NotFoundException")
}
