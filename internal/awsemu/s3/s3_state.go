package s3

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// s3State is the buckets one account owns. Bucket names are global: state.bucket looks in
// every account.
type s3State struct {
	buckets map[string]*s3Bucket // by name
}

// s3Of is the buckets account a owns.
func s3Of(a *core.Account) *s3State { return core.StateOf(a, "s3", newS3State) }

func newS3State() *s3State { return &s3State{buckets: map[string]*s3Bucket{}} }

// s3Bucket is a general purpose bucket with the configuration the emulator serves. New buckets
// get what AWS gives them today: SSE-S3 default encryption, all four public access blocks and
// BucketOwnerEnforced object ownership.
type s3Bucket struct {
	name, region, owner string
	created             time.Time
	versioning          string // "" (never enabled), "Enabled", "Suspended"
	encryption          s3EncryptionRule
	publicAccessBlock   *s3PublicAccessBlock // nil: none configured
	ownership           string               // "" when the ownership controls were deleted
	tags                []core.Tag           // nil: no tag set
	policyText          string
	policy              *iampolicy.Document // nil: no bucket policy
	objects             map[string][]*s3Version
}

type s3EncryptionRule struct {
	algorithm  string // "AES256", "aws:kms", "aws:kms:dsse"
	kmsKeyID   string // as configured (id, ARN or alias)
	bucketKey  bool
	configured bool // false: the default SSE-S3 rule
}

type s3PublicAccessBlock struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// s3Version is one version of an object, or a delete marker.
type s3Version struct {
	key, versionID string // versionID "null" for objects written while versioning was off
	deleteMarker   bool
	data           []byte
	etag           string // quoted MD5
	contentType    string
	metadata       map[string]string // x-amz-meta-* (lower-case names without the prefix)
	headers        map[string]string // Cache-Control, Content-Disposition, ... as sent
	modified       time.Time
	sse            string // AES256 or aws:kms
	kmsKeyARN      string
	bucketKey      bool
	checksums      map[string]string // x-amz-checksum-<algorithm> -> base64 value
	checksumType   string
}

// findBucket finds a bucket by name in any account.
func findBucket(c *core.Req, name string) *s3Bucket {
	for _, a := range c.AllAccounts() {
		if b := s3Of(a).buckets[name]; b != nil {
			return b
		}
	}
	return nil
}

func bucketARN(name string) string        { return "arn:aws:s3:::" + name }
func objectARN(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

// parseS3ARN splits arn:aws:s3:::bucket[/key].
func parseS3ARN(arn string) (bucket, key string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:s3:::")
	if !ok {
		return "", "", false
	}
	bucket, key, _ = strings.Cut(rest, "/")
	return bucket, key, bucket != ""
}

// canonicalUserID is the account's S3 canonical user id (64 hex digits).
func canonicalUserID(account string) string {
	sum := sha256.Sum256([]byte("awsemu-canonical-" + account))
	return hex.EncodeToString(sum[:])
}

// latest is the current version of key, nil when there is none.
func (b *s3Bucket) latest(key string) *s3Version {
	if vs := b.objects[key]; len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// version finds one version of key.
func (b *s3Bucket) version(key, id string) *s3Version {
	for _, v := range b.objects[key] {
		if v.versionID == id {
			return v
		}
	}
	return nil
}

// addVersion makes v the latest version of its key. With versioning never enabled or
// suspended, it replaces the key's "null" version.
func (b *s3Bucket) addVersion(v *s3Version) {
	vs := b.objects[v.key]
	if v.versionID == "null" {
		vs = removeVersion(vs, "null")
	}
	b.objects[v.key] = append([]*s3Version{v}, vs...)
}

// deleteVersion removes one version permanently; it reports whether it existed.
func (b *s3Bucket) deleteVersion(key, id string) *s3Version {
	v := b.version(key, id)
	if v == nil {
		return nil
	}
	if vs := removeVersion(b.objects[key], id); len(vs) > 0 {
		b.objects[key] = vs
	} else {
		delete(b.objects, key)
	}
	return v
}

func removeVersion(vs []*s3Version, id string) []*s3Version {
	out := vs[:0:0]
	for _, v := range vs {
		if v.versionID != id {
			out = append(out, v)
		}
	}
	return out
}

// sortedKeys lists the bucket's keys that have any version, in UTF-8 binary order.
func (b *s3Bucket) sortedKeys() []string {
	keys := make([]string, 0, len(b.objects))
	for k := range b.objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// newVersionID returns a version id for a versioning-enabled bucket.
func newVersionID() string {
	return strings.ReplaceAll(strings.ReplaceAll(core.NewSecret(), "+", "."), "/", "_")[:32]
}
