package kms

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Service is KMS (JSON 1.1, X-Amz-Target: TrentService.<Op>). Key policies are decided by
// decide (kms_authz.go).
//
// Other services use KMS as AWS services do on a caller's behalf (S3 SSE-KMS, SSM SecureString,
// EKS secrets encryption, CloudWatch Logs) through kmsPeer (peer.go), the service's Impl, which
// answers the small interfaces they declare: resolveKMSKey or kmsKeyByARN find the key,
// kmsKey.usable checks its state, decide decides the caller's use of it with the service's
// context (kms:ViaService, kms:EncryptionContext:...), and sealBlob/openBlob/blobKeyARN make and
// read ciphertext blobs that KMS Decrypt accepts. Keep kmsPeer's methods stable: they are shared.
func Service() *core.Service {
	s := &core.Service{Name: "kms", Protocol: core.JSONProtocol{}, Target: "TrentService", Decide: decide, Impl: kmsPeer{}}
	return s.Add(kmsKeyOps()...).Add(kmsAliasOps()...).Add(kmsCryptoOps()...).Add(kmsGrantOps()...)
}

// kmsInput is every request member the emulated KMS operations read.
type kmsInput struct {
	KeyId                          string
	Description                    string
	KeyUsage                       string
	KeySpec                        string
	CustomerMasterKeySpec          string
	Origin                         string
	MultiRegion                    bool
	Policy                         string
	PolicyName                     string
	BypassPolicyLockoutSafetyCheck bool
	Tags                           []kmsTag
	TagKeys                        []string
	AliasName                      string
	TargetKeyId                    string
	PendingWindowInDays            *int
	RotationPeriodInDays           *int
	Plaintext                      []byte
	CiphertextBlob                 []byte
	EncryptionContext              map[string]string
	EncryptionAlgorithm            string
	NumberOfBytes                  *int
	GrantTokens                    []string
	GranteePrincipal               string
	RetiringPrincipal              string
	Name                           string
	Operations                     []string
	Constraints                    *kmsGrantConstraints
	GrantId                        string
	GrantToken                     string
	Limit                          *int
	Marker                         string
}

type kmsTag struct {
	TagKey   string
	TagValue string
}

// kmsIn decodes the request (again: Resources, Context and Handle each read it).
func kmsIn(c *core.Req) (*kmsInput, *core.APIError) {
	var in kmsInput
	if err := c.DecodeJSON(&in); err != nil {
		return &in, err
	}
	return &in, nil
}

func kmsValidation(format string, args ...any) *core.APIError {
	return core.NewError("ValidationException", 400, "1 validation error detected: "+format, args...)
}

func kmsRequired(name, v string) *core.APIError {
	if v == "" {
		return kmsValidation("Value null at '%s' failed to satisfy constraint: Member must not be null", core.LowerFirst(name))
	}
	return nil
}

// keyARNFor is the resource a KeyId names: the key's ARN when it resolves (aliases included);
// otherwise a key ARN built from it, or the alias ARN for an alias that does not exist.
func keyARNFor(c *core.Req, ref string) string {
	if k, err := resolveKMSKey(c, c.Account, c.Region, ref, c.Now); err == nil {
		return k.arn
	}
	switch {
	case strings.HasPrefix(ref, "arn:"):
		return ref
	case strings.HasPrefix(ref, "alias/"):
		return aliasARN(c.Region, c.Account.Id, ref)
	}
	return kmsKeyARN(c.Region, c.Account.Id, ref)
}

// keyResource is the key of a call that names one in KeyId.
func keyResource(c *core.Req) []string {
	in, _ := kmsIn(c)
	return []string{keyARNFor(c, in.KeyId)}
}

// requestAliasContext is kms:RequestAlias, when KeyId names the key by an alias.
func requestAliasContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	ref := in.KeyId
	if a, ok := parseKMSARN(ref); ok && a.alias != "" {
		ref = a.alias
	}
	if strings.HasPrefix(ref, "alias/") {
		return map[string][]string{"kms:RequestAlias": {ref}}
	}
	return nil
}

// existingKey resolves the request's KeyId.
func existingKey(c *core.Req, ref string) (*kmsKey, *core.APIError) {
	if err := kmsRequired("KeyId", ref); err != nil {
		return nil, err
	}
	return resolveKMSKey(c, c.Account, c.Region, ref, c.Now)
}

// keyIn decodes the request and resolves the key its KeyId names.
func keyIn(c *core.Req) (*kmsInput, *kmsKey, *core.APIError) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, nil, err
	}
	k, err := existingKey(c, in.KeyId)
	if err != nil {
		return nil, nil, err
	}
	return in, k, nil
}

// undeletedKeyIn is keyIn for the calls a key pending deletion refuses.
func undeletedKeyIn(c *core.Req) (*kmsInput, *kmsKey, *core.APIError) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, nil, err
	}
	if err := k.notPendingDeletion(); err != nil {
		return nil, nil, err
	}
	return in, k, nil
}

// kmsTime renders timestamps as JSON 1.1 does: epoch seconds.
type kmsTime time.Time

func (t kmsTime) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', 3, 64)), nil
}

// kmsPage cuts a listing at Marker and Limit (def by default, at most max).
func kmsPage[T any](items []T, limit *int, marker string, def, max int) ([]T, bool, string, *core.APIError) {
	n := def
	if limit != nil {
		if *limit < 1 || *limit > max {
			return nil, false, "", kmsValidation("Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *limit, max)
		}
		n = *limit
	}
	start := 0
	if marker != "" {
		raw, err := base64.RawURLEncoding.DecodeString(marker)
		i, convErr := strconv.Atoi(string(raw))
		if err != nil || convErr != nil || i < 0 || i > len(items) {
			return nil, false, "", core.NewError("InvalidMarkerException", 400, "Invalid marker")
		}
		start = i
	}
	end := start + n
	if end >= len(items) {
		return items[start:], false, "", nil
	}
	return items[start:end], true, base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))), nil
}

// keysIn lists an account's keys in a region, oldest first.
func (k *kmsState) keysIn(region string) []*kmsKey {
	var out []*kmsKey
	for _, key := range k.keys {
		if key.region == region {
			out = append(out, key)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}
