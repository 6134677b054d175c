package ssm

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/kms"
)

import (
	"encoding/base64"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// SecureString encryption through KMS, as Parameter Store does it: SSM calls KMS Encrypt and
// Decrypt with the caller's identity, kms:ViaService ssm.<region>.amazonaws.com and the
// encryption context {"PARAMETER_ARN": <parameter ARN>}, so the key policy and the caller's
// kms:Encrypt / kms:Decrypt permissions decide, and the stored value is a real ciphertext blob
// of the emulator's KMS that kms:Decrypt with that context opens.
//
// The AWS managed key alias/aws/ssm is not modelled by the emulator's KMS; its key policy lets
// every principal of the account use it through SSM, so it needs no check, and its values are
// sealed under a throwaway key.

const ssmDefaultKey = "alias/aws/ssm"

// ssmKMSContext is what KMS sees when SSM calls it for a parameter.
func ssmKMSContext(c *core.Req, paramARN string) map[string][]string {
	return map[string][]string{
		"kms:ViaService":                      {"ssm." + c.Region + ".amazonaws.com"},
		"kms:EncryptionContext:PARAMETER_ARN": {paramARN},
		"kms:EncryptionContextKeys":           {"PARAMETER_ARN"},
		"aws:ViaAWSService":                   {"true"},
	}
}

// ssmUsesManagedKey reports whether a key reference is the AWS managed key for SSM.
func ssmUsesManagedKey(c *core.Req, ref string) bool {
	return ref == ssmDefaultKey || ref == kms.KmsAliasARN(c.Region, c.Account.Id, ssmDefaultKey)
}

// ssmKey resolves a customer key for a SecureString and checks it can encrypt, in SSM's error
// spelling (InvalidKeyId).
func ssmKey(c *core.Req, ref string) (*kms.KmsKey, *core.APIError) {
	k, err := kms.ResolveKMSKey(c, c.Account, c.Region, ref, c.Now)
	if err != nil {
		return nil, core.ApiError("InvalidKeyId", 400, "Invalid keyId %s: %s", ref, err.Message)
	}
	if err := k.Usable(); err != nil {
		return nil, core.ApiError("InvalidKeyId", 400, "%s", err.Message)
	}
	if k.KeyUsage != "ENCRYPT_DECRYPT" || k.KeySpec != "SYMMETRIC_DEFAULT" {
		return nil, core.ApiError("InvalidKeyId", 400, "The key %s can't encrypt parameters: it must be a symmetric encryption key", k.Arn)
	}
	return k, nil
}

// ssmKMSAuthorize decides SSM's KMS call for the caller; a denial is KMS's AccessDeniedException,
// which SSM passes on.
func ssmKMSAuthorize(c *core.Req, action string, k *kms.KmsKey, paramARN string) *core.APIError {
	if r := kms.KmsDecide(c, action, k.Arn, ssmKMSContext(c, paramARN)); r.Decision != iampolicy.Allowed {
		c.Deny()
		return core.AccessDenied(c.Service.Name, c.Caller.ARN, action, k.Arn, &r)
	}
	return nil
}

// ssmEncrypt turns a SecureString value into the ciphertext Parameter Store keeps. Standard
// parameters are encrypted with kms:Encrypt; advanced ones with envelope encryption, which needs
// kms:GenerateDataKey.
func ssmEncrypt(c *core.Req, name, ref, tier, value string) (string, *core.APIError) {
	if ssmUsesManagedKey(c, ref) {
		return ssmSeal(value), nil
	}
	k, err := ssmKey(c, ref)
	if err != nil {
		return "", err
	}
	arn := ssmParamARN(c, name)
	action := "kms:Encrypt"
	if tier == "Advanced" {
		action = "kms:GenerateDataKey"
	}
	if err := ssmKMSAuthorize(c, action, k, arn); err != nil {
		return "", err
	}
	blob, sealErr := kms.SealBlob(k, []byte(value), map[string]string{"PARAMETER_ARN": arn})
	if sealErr != nil {
		return "", core.ServiceError(c.Service.Name, core.ErrInternal, sealErr.Error())
	}
	return base64.StdEncoding.EncodeToString(blob), nil
}

// ssmDecrypt reads a SecureString's plaintext back through KMS.
func ssmDecrypt(c *core.Req, p *ssmParam, v *ssmVersion) (string, *core.APIError) {
	if ssmUsesManagedKey(c, v.keyID) {
		return v.value, nil
	}
	blob, _ := base64.StdEncoding.DecodeString(v.ciphertext)
	arn := kms.BlobKeyARN(blob)
	k := kms.KmsKeyByARN(c, arn, c.Now)
	if k == nil {
		return "", core.ApiError("InvalidKeyId", 400, "Invalid keyId %s: the key no longer exists", strings.TrimSpace(v.keyID))
	}
	if err := k.Usable(); err != nil {
		return "", core.ApiError("InvalidKeyId", 400, "%s", err.Message)
	}
	paramARN := ssmParamARN(c, p.name)
	if err := ssmKMSAuthorize(c, "kms:Decrypt", k, paramARN); err != nil {
		return "", err
	}
	pt, ok := kms.OpenBlob(k, blob, map[string]string{"PARAMETER_ARN": paramARN})
	if !ok {
		return "", core.ApiError("InvalidKeyId", 400, "The ciphertext of %s can't be decrypted with %s", p.name, k.Arn)
	}
	return string(pt), nil
}
