package ssm

import (
	"encoding/base64"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
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

// ssmKMS is what SSM asks of KMS; the kms service's Impl answers it. SSM never reads KMS's
// state or key material itself.
type ssmKMS interface {
	// ResolveKey is the ARN of the key ref names for the caller in region, or KMS's error when
	// there is none.
	ResolveKey(c *core.Req, region, ref string) (arn string, err *core.APIError)
	// KeyByARN is the spec and usage of the key arn names and KMS's error for using it now
	// (nil when it is usable); exists is false when there is no such key.
	KeyByARN(c *core.Req, arn string) (spec, usage string, unusable *core.APIError, exists bool)
	// Decide decides a kms: action on resource for the caller with the context SSM adds, as
	// KMS decides it.
	Decide(c *core.Req, action, resource string, ctx map[string][]string) iampolicy.Result
	// Seal is a ciphertext blob of plaintext under the key keyARN with encryption context ec,
	// as KMS Encrypt makes it.
	Seal(c *core.Req, keyARN string, plaintext []byte, ec map[string]string) ([]byte, error)
	// BlobKeyARN is the key ARN a ciphertext blob names ("" when it is not a KMS blob).
	BlobKeyARN(blob []byte) string
	// Open is the plaintext of blob under the key keyARN with encryption context ec; ok is
	// false when the key does not exist or the blob does not open with it.
	Open(c *core.Req, keyARN string, blob []byte, ec map[string]string) (plaintext []byte, ok bool)
}

// ssmKMSOf is KMS as SSM sees it.
func ssmKMSOf(c *core.Req) ssmKMS {
	v, ok := core.Peer[ssmKMS](c, "kms")
	if !ok {
		panic("awsemu: SSM needs the kms service")
	}
	return v
}

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
	return ref == ssmDefaultKey || ref == "arn:aws:kms:"+c.Region+":"+c.Account.Id+":"+ssmDefaultKey
}

// ssmKey resolves a customer key for a SecureString to its ARN and checks it can encrypt, in
// SSM's error spelling (InvalidKeyId).
func ssmKey(c *core.Req, ref string) (string, *core.APIError) {
	kms := ssmKMSOf(c)
	arn, err := kms.ResolveKey(c, c.Region, ref)
	if err != nil {
		return "", core.NewError("InvalidKeyId", 400, "Invalid keyId %s: %s", ref, err.Message)
	}
	spec, usage, unusable, _ := kms.KeyByARN(c, arn)
	if unusable != nil {
		return "", core.NewError("InvalidKeyId", 400, "%s", unusable.Message)
	}
	if usage != "ENCRYPT_DECRYPT" || spec != "SYMMETRIC_DEFAULT" {
		return "", core.NewError("InvalidKeyId", 400, "The key %s can't encrypt parameters: it must be a symmetric encryption key", arn)
	}
	return arn, nil
}

// ssmKMSAuthorize decides SSM's KMS call for the caller on the key keyARN; a denial is KMS's
// AccessDeniedException, which SSM passes on.
func ssmKMSAuthorize(c *core.Req, action, keyARN, paramARN string) *core.APIError {
	if r := ssmKMSOf(c).Decide(c, action, keyARN, ssmKMSContext(c, paramARN)); r.Decision != iampolicy.Allowed {
		c.Deny()
		return core.AccessDenied(c.Service.Name, c.Caller.ARN, action, keyARN, &r)
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
	keyARN, err := ssmKey(c, ref)
	if err != nil {
		return "", err
	}
	arn := ssmParamARN(c, name)
	action := "kms:Encrypt"
	if tier == "Advanced" {
		action = "kms:GenerateDataKey"
	}
	if err := ssmKMSAuthorize(c, action, keyARN, arn); err != nil {
		return "", err
	}
	blob, sealErr := ssmKMSOf(c).Seal(c, keyARN, []byte(value), map[string]string{"PARAMETER_ARN": arn})
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
	kms := ssmKMSOf(c)
	blob, _ := base64.StdEncoding.DecodeString(v.ciphertext)
	keyARN := kms.BlobKeyARN(blob)
	_, _, unusable, exists := kms.KeyByARN(c, keyARN)
	if !exists {
		return "", core.NewError("InvalidKeyId", 400, "Invalid keyId %s: the key no longer exists", strings.TrimSpace(v.keyID))
	}
	if unusable != nil {
		return "", core.NewError("InvalidKeyId", 400, "%s", unusable.Message)
	}
	paramARN := ssmParamARN(c, p.name)
	if err := ssmKMSAuthorize(c, "kms:Decrypt", keyARN, paramARN); err != nil {
		return "", err
	}
	pt, ok := kms.Open(c, keyARN, blob, map[string]string{"PARAMETER_ARN": paramARN})
	if !ok {
		return "", core.NewError("InvalidKeyId", 400, "The ciphertext of %s can't be decrypted with %s", p.name, keyARN)
	}
	return string(pt), nil
}
