package kms

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"sort"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func kmsCryptoOps() []*core.Operation {
	return []*core.Operation{
		{Name: "Encrypt", Action: "kms:Encrypt", Resources: keyResource, Context: core.Contexts(requestAliasContext, cryptoContext), Handle: kmsEncrypt},
		{Name: "Decrypt", Action: "kms:Decrypt", Resources: decryptResource, Context: core.Contexts(requestAliasContext, cryptoContext), Handle: kmsDecrypt},
		{Name: "GenerateDataKey", Action: "kms:GenerateDataKey", Resources: keyResource, Context: core.Contexts(requestAliasContext, cryptoContext), Handle: kmsGenerateDataKey},
		{Name: "GenerateDataKeyWithoutPlaintext", Action: "kms:GenerateDataKeyWithoutPlaintext", Resources: keyResource, Context: core.Contexts(requestAliasContext, cryptoContext), Handle: kmsGenerateDataKeyWithoutPlaintext},
	}
}

// cryptoContext: kms:EncryptionContext:<key>, kms:EncryptionContextKeys, kms:EncryptionAlgorithm.
func cryptoContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	m := map[string][]string{}
	keys := make([]string, 0, len(in.EncryptionContext))
	for k, v := range in.EncryptionContext {
		m["kms:EncryptionContext:"+k] = []string{v}
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		m["kms:EncryptionContextKeys"] = keys
	}
	if in.EncryptionAlgorithm != "" {
		m["kms:EncryptionAlgorithm"] = []string{in.EncryptionAlgorithm}
	}
	return m
}

// Ciphertext blobs are the emulator's own: a version byte, the key ARN (length-prefixed), the
// GCM nonce and the sealed plaintext, with the encryption context as additional data.
const blobVersion = 0x01

// sealBlob encrypts plaintext under k with encryption context ec into a ciphertext blob.
func sealBlob(k *kmsKey, plaintext []byte, ec map[string]string) ([]byte, error) {
	gcm, err := keyGCM(k)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	_, _ = rand.Read(nonce)
	blob := []byte{blobVersion, byte(len(k.arn))}
	blob = append(blob, k.arn...)
	blob = append(blob, nonce...)
	return gcm.Seal(blob, nonce, plaintext, contextAAD(ec)), nil
}

// blobKeyARN reads the key ARN a ciphertext blob names ("" when it is not one of ours).
func blobKeyARN(blob []byte) string {
	if len(blob) < 2 || blob[0] != blobVersion || len(blob) < 2+int(blob[1]) {
		return ""
	}
	return string(blob[2 : 2+int(blob[1])])
}

// openBlob decrypts a ciphertext blob under k with encryption context ec; false when it does
// not open.
func openBlob(k *kmsKey, blob []byte, ec map[string]string) ([]byte, bool) {
	gcm, err := keyGCM(k)
	if err != nil {
		return nil, false
	}
	rest := blob[2+int(blob[1]):]
	if len(rest) < gcm.NonceSize() {
		return nil, false
	}
	pt, err := gcm.Open(nil, rest[:gcm.NonceSize()], rest[gcm.NonceSize():], contextAAD(ec))
	return pt, err == nil
}

func keyGCM(k *kmsKey) (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.material)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// contextAAD serializes an encryption context canonically (sorted keys).
func contextAAD(ec map[string]string) []byte {
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(ec[k])
		b.WriteByte(0)
	}
	return b.Bytes()
}

// decryptResource is the key named in the ciphertext (or in KeyId when the blob is not ours).
func decryptResource(c *core.Req) []string {
	in, _ := kmsIn(c)
	if arn := blobKeyARN(in.CiphertextBlob); arn != "" {
		return []string{arn}
	}
	return []string{keyARNFor(c, in.KeyId)}
}

// encryptionKey resolves KeyId for a cryptographic operation: usable, symmetric encryption.
func encryptionKey(c *core.Req, in *kmsInput) (*kmsKey, *core.APIError) {
	k, err := existingKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := k.usable(); err != nil {
		return nil, err
	}
	if k.keyUsage != "ENCRYPT_DECRYPT" {
		return nil, core.NewError("InvalidKeyUsageException", 400, "%s key usage is %s which is not valid for %s.", k.arn, k.keyUsage, c.Op.Name)
	}
	if k.keySpec != "SYMMETRIC_DEFAULT" {
		return nil, core.NewError("UnsupportedOperationException", 400, "The emulator supports only SYMMETRIC_DEFAULT encryption")
	}
	if in.EncryptionAlgorithm != "" && in.EncryptionAlgorithm != "SYMMETRIC_DEFAULT" {
		return nil, core.NewError("InvalidKeyUsageException", 400, "The encryption algorithm %s is not valid for %s.", in.EncryptionAlgorithm, k.arn)
	}
	return k, nil
}

type encryptResult struct {
	CiphertextBlob      []byte
	KeyId               string
	EncryptionAlgorithm string
}

func kmsEncrypt(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	if len(in.Plaintext) == 0 || len(in.Plaintext) > 4096 {
		return nil, kmsValidation("Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096")
	}
	k, err := encryptionKey(c, in)
	if err != nil {
		return nil, err
	}
	blob, sealErr := sealBlob(k, in.Plaintext, in.EncryptionContext)
	if sealErr != nil {
		return nil, sealErr
	}
	return encryptResult{CiphertextBlob: blob, KeyId: k.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT"}, nil
}

type decryptResult struct {
	Plaintext           []byte
	KeyId               string
	EncryptionAlgorithm string
}

func kmsDecrypt(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	if len(in.CiphertextBlob) == 0 {
		return nil, kmsValidation("Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null")
	}
	arn := blobKeyARN(in.CiphertextBlob)
	if arn == "" {
		return nil, core.NewError("InvalidCiphertextException", 400, "")
	}
	k := kmsKeyByARN(c, arn, c.Now)
	if k == nil {
		return nil, kmsNotFound("Key '%s' does not exist", arn)
	}
	if in.KeyId != "" {
		named, err := existingKey(c, in.KeyId)
		if err != nil {
			return nil, err
		}
		if named != k {
			return nil, core.NewError("IncorrectKeyException", 400, "The key ID in the request does not identify a CMK that can perform this operation.")
		}
	}
	in.KeyId = k.arn
	if _, err := encryptionKey(c, in); err != nil {
		return nil, err
	}
	pt, ok := openBlob(k, in.CiphertextBlob, in.EncryptionContext)
	if !ok {
		return nil, core.NewError("InvalidCiphertextException", 400, "")
	}
	return decryptResult{Plaintext: pt, KeyId: k.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT"}, nil
}

type dataKeyResult struct {
	CiphertextBlob []byte
	Plaintext      []byte `json:",omitempty"`
	KeyId          string
}

func generateDataKey(c *core.Req, withPlaintext bool) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	n := 0
	switch {
	case in.NumberOfBytes != nil && in.KeySpec != "":
		return nil, core.NewError("ValidationException", 400, "Please specify either number of bytes or key spec.")
	case in.NumberOfBytes != nil:
		n = *in.NumberOfBytes
		if n < 1 || n > 1024 {
			return nil, kmsValidation("Value '%d' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024", n)
		}
	case in.KeySpec == "AES_256":
		n = 32
	case in.KeySpec == "AES_128":
		n = 16
	case in.KeySpec == "":
		return nil, core.NewError("ValidationException", 400, "Please specify either number of bytes or key spec.")
	default:
		return nil, kmsValidation("Value '%s' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]", in.KeySpec)
	}
	k, err := encryptionKey(c, in)
	if err != nil {
		return nil, err
	}
	pt := make([]byte, n)
	_, _ = rand.Read(pt)
	blob, sealErr := sealBlob(k, pt, in.EncryptionContext)
	if sealErr != nil {
		return nil, sealErr
	}
	out := dataKeyResult{CiphertextBlob: blob, KeyId: k.arn}
	if withPlaintext {
		out.Plaintext = pt
	}
	return out, nil
}

func kmsGenerateDataKey(c *core.Req) (any, error) { return generateDataKey(c, true) }

func kmsGenerateDataKeyWithoutPlaintext(c *core.Req) (any, error) { return generateDataKey(c, false) }
