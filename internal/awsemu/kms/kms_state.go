package kms

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// kmsState is one account's KMS keys and aliases, in every region.
type kmsState struct {
	keys    map[string]*kmsKey   // by key id (ids are unique across regions)
	aliases map[string]*kmsAlias // by region + " " + alias name
	created int                  // keys created so far: orders ListKeys
}

// kmsOf is account a's KMS: keys and aliases of every region.
func kmsOf(a *core.Account) *kmsState { return core.StateOf(a, "kms", newKMSState) }

func newKMSState() *kmsState {
	return &kmsState{keys: map[string]*kmsKey{}, aliases: map[string]*kmsAlias{}}
}

// Key states.
const (
	keyEnabled         = "Enabled"
	keyDisabled        = "Disabled"
	keyPendingDeletion = "PendingDeletion"
)

// kmsKey is one KMS key.
type kmsKey struct {
	id, arn, account, region    string
	seq                         int // creation order in the account
	description                 string
	keyUsage, keySpec, origin   string
	multiRegion                 bool
	policyText                  string
	policy                      *iampolicy.Document
	tags                        []core.Tag
	state                       string
	created, deletionDate       time.Time
	pendingWindow               int
	rotation                    bool
	rotationPeriod              int // days
	rotationStart, nextRotation time.Time
	material                    []byte // AES-256 key for SYMMETRIC_DEFAULT keys
	grants                      []*kmsGrant
}

type kmsAlias struct {
	name, arn, region, targetKeyID string
	created, updated               time.Time
}

type kmsGrant struct {
	id, token, name   string
	grantee, retiring string
	operations        []string
	constraints       *kmsGrantConstraints
	issuingAccount    string
	created           time.Time
}

type kmsGrantConstraints struct {
	EncryptionContextSubset map[string]string `json:"EncryptionContextSubset,omitempty"`
	EncryptionContextEquals map[string]string `json:"EncryptionContextEquals,omitempty"`
}

func kmsKeyARN(region, account, id string) string {
	return "arn:aws:kms:" + region + ":" + account + ":key/" + id
}

// aliasARN is the ARN of the alias name ("alias/...") in an account and region.
func aliasARN(region, account, name string) string {
	return "arn:aws:kms:" + region + ":" + account + ":" + name
}

// newKeyID returns a random UUID, the shape of KMS key ids.
func newKeyID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuidOf(b)
}

func uuidOf(b []byte) string {
	h := hex.EncodeToString(b[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

var reKeyID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// awsManagedS3KeyARN is the ARN of an account's AWS managed key for S3 (aws/s3) in a region.
// The emulator does not serve AWS managed keys; S3 records this ARN for SSE-KMS without a key.
func awsManagedS3KeyARN(region, account string) string {
	sum := sha256.Sum256([]byte("aws/s3 " + region + " " + account))
	return kmsKeyARN(region, account, uuidOf(sum[:]))
}

// isAWSManagedS3Key reports whether arn is an account's AWS managed key for S3.
func isAWSManagedS3Key(arn string) bool {
	a, ok := parseKMSARN(arn)
	return ok && arn == awsManagedS3KeyARN(a.region, a.account)
}

// kmsARN is a parsed KMS key or alias ARN.
type kmsARN struct {
	region, account string
	keyID, alias    string // alias as "alias/name"
}

func parseKMSARN(arn string) (kmsARN, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "kms" || parts[3] == "" || !core.IsAccountID(parts[4]) {
		return kmsARN{}, false
	}
	a := kmsARN{region: parts[3], account: parts[4]}
	switch {
	case strings.HasPrefix(parts[5], "key/"):
		a.keyID = strings.TrimPrefix(parts[5], "key/")
	case strings.HasPrefix(parts[5], "alias/"):
		a.alias = parts[5]
	default:
		return kmsARN{}, false
	}
	return a, true
}

func kmsNotFound(format string, args ...any) *core.APIError {
	return core.NewError("NotFoundException", 400, format, args...)
}

func kmsInvalidState(format string, args ...any) *core.APIError {
	return core.NewError("KMSInvalidStateException", 400, format, args...)
}

// purge completes scheduled deletions whose date has passed: the key and its aliases go.
func (k *kmsState) purge(now time.Time) {
	for id, key := range k.keys {
		if key.state == keyPendingDeletion && !now.Before(key.deletionDate) {
			delete(k.keys, id)
			for name, a := range k.aliases {
				if a.targetKeyID == id {
					delete(k.aliases, name)
				}
			}
		}
	}
}

func (k *kmsState) alias(region, name string) *kmsAlias { return k.aliases[region+" "+name] }

// resolveKMSKey finds the key a KeyId names for a caller in account a calling region: a key id,
// key ARN, alias name or alias ARN. ARNs may name keys in other accounts the emulator holds.
func resolveKMSKey(c *core.Req, a *core.Account, region, ref string, now time.Time) (*kmsKey, *core.APIError) {
	acct, name := a, ref
	if strings.HasPrefix(ref, "arn:") {
		p, ok := parseKMSARN(ref)
		if !ok {
			return nil, kmsNotFound("Invalid arn %s", ref)
		}
		if acct = c.AccountByID(p.account); acct == nil {
			return nil, kmsNotFound("Key '%s' does not exist", ref)
		}
		region, name = p.region, p.keyID
		if p.alias != "" {
			name = p.alias
		}
	}
	kmsOf(acct).purge(now)
	if strings.HasPrefix(name, "alias/") {
		al := kmsOf(acct).alias(region, name)
		if al == nil {
			return nil, kmsNotFound("Alias %s is not found.", aliasARN(region, acct.Id, name))
		}
		name = al.targetKeyID
	}
	k := kmsOf(acct).keys[name]
	if k == nil || k.region != region {
		if !reKeyID.MatchString(name) {
			return nil, kmsNotFound("Invalid keyId '%s'", ref)
		}
		return nil, kmsNotFound("Key '%s' does not exist", kmsKeyARN(region, acct.Id, name))
	}
	return k, nil
}

// kmsKeyByARN finds a key by its ARN (nil when there is none).
func kmsKeyByARN(c *core.Req, arn string, now time.Time) *kmsKey {
	p, ok := parseKMSARN(arn)
	if !ok || p.keyID == "" {
		return nil
	}
	a := c.AccountByID(p.account)
	if a == nil {
		return nil
	}
	kmsOf(a).purge(now)
	if k := kmsOf(a).keys[p.keyID]; k != nil && k.region == p.region {
		return k
	}
	return nil
}

// usable is the key-state check of cryptographic operations.
func (k *kmsKey) usable() *core.APIError {
	switch k.state {
	case keyDisabled:
		return core.NewError("DisabledException", 400, "%s is disabled.", k.arn)
	case keyPendingDeletion:
		return kmsInvalidState("%s is pending deletion.", k.arn)
	}
	return nil
}

// notPendingDeletion is the key-state check of management operations that a key pending
// deletion refuses (tagging, aliases, rotation, ...).
func (k *kmsKey) notPendingDeletion() *core.APIError {
	if k.state == keyPendingDeletion {
		return kmsInvalidState("%s is pending deletion.", k.arn)
	}
	return nil
}

// aliasesOf lists the alias names that point at key, sorted.
func (k *kmsState) aliasesOf(key *kmsKey) []string {
	var out []string
	for _, a := range k.aliases {
		if a.targetKeyID == key.id {
			out = append(out, a.name)
		}
	}
	sort.Strings(out)
	return out
}

// defaultKeyPolicy is the policy CreateKey gives a key when none is supplied: the account
// (its root, and through it IAM policies) may do anything with the key.
func defaultKeyPolicy(account string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}
