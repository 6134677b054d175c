package awsemu

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
func ssmKMSContext(c *Req, paramARN string) map[string][]string {
	return map[string][]string{
		"kms:ViaService":                      {"ssm." + c.Region + ".amazonaws.com"},
		"kms:EncryptionContext:PARAMETER_ARN": {paramARN},
		"kms:EncryptionContextKeys":           {"PARAMETER_ARN"},
		"aws:ViaAWSService":                   {"true"},
	}
}

// ssmUsesManagedKey reports whether a key reference is the AWS managed key for SSM.
func ssmUsesManagedKey(c *Req, ref string) bool {
	return ref == ssmDefaultKey || ref == kmsAliasARN(c.Region, c.Account.id, ssmDefaultKey)
}

// ssmKey resolves a customer key for a SecureString and checks it can encrypt, in SSM's error
// spelling (InvalidKeyId).
func ssmKey(c *Req, ref string) (*kmsKey, *APIError) {
	k, err := resolveKMSKey(c, c.Account, c.Region, ref, c.Now)
	if err != nil {
		return nil, apiError("InvalidKeyId", 400, "Invalid keyId %s: %s", ref, err.Message)
	}
	if err := k.usable(); err != nil {
		return nil, apiError("InvalidKeyId", 400, "%s", err.Message)
	}
	if k.keyUsage != "ENCRYPT_DECRYPT" || k.keySpec != "SYMMETRIC_DEFAULT" {
		return nil, apiError("InvalidKeyId", 400, "The key %s can't encrypt parameters: it must be a symmetric encryption key", k.arn)
	}
	return k, nil
}

// ssmKMSAuthorize decides SSM's KMS call for the caller; a denial is KMS's AccessDeniedException,
// which SSM passes on.
func ssmKMSAuthorize(c *Req, action string, k *kmsKey, paramARN string) *APIError {
	if r := kmsDecide(c, action, k.arn, ssmKMSContext(c, paramARN)); r.Decision != iampolicy.Allowed {
		c.Deny()
		return accessDenied(c.Service.Name, c.Caller.ARN, action, k.arn, &r)
	}
	return nil
}

// ssmEncrypt turns a SecureString value into the ciphertext Parameter Store keeps. Standard
// parameters are encrypted with kms:Encrypt; advanced ones with envelope encryption, which needs
// kms:GenerateDataKey.
func ssmEncrypt(c *Req, name, ref, tier, value string) (string, *APIError) {
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
	blob, sealErr := sealBlob(k, []byte(value), map[string]string{"PARAMETER_ARN": arn})
	if sealErr != nil {
		return "", serviceError(c.Service.Name, errInternal, sealErr.Error())
	}
	return base64.StdEncoding.EncodeToString(blob), nil
}

// ssmDecrypt reads a SecureString's plaintext back through KMS.
func ssmDecrypt(c *Req, p *ssmParam, v *ssmVersion) (string, *APIError) {
	if ssmUsesManagedKey(c, v.keyID) {
		return v.value, nil
	}
	blob, _ := base64.StdEncoding.DecodeString(v.ciphertext)
	arn := blobKeyARN(blob)
	k := kmsKeyByARN(c, arn, c.Now)
	if k == nil {
		return "", apiError("InvalidKeyId", 400, "Invalid keyId %s: the key no longer exists", strings.TrimSpace(v.keyID))
	}
	if err := k.usable(); err != nil {
		return "", apiError("InvalidKeyId", 400, "%s", err.Message)
	}
	paramARN := ssmParamARN(c, p.name)
	if err := ssmKMSAuthorize(c, "kms:Decrypt", k, paramARN); err != nil {
		return "", err
	}
	pt, ok := openBlob(k, blob, map[string]string{"PARAMETER_ARN": paramARN})
	if !ok {
		return "", apiError("InvalidKeyId", 400, "The ciphertext of %s can't be decrypted with %s", p.name, k.arn)
	}
	return string(pt), nil
}
