package ssm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Service is AWS Systems Manager Parameter Store (JSON 1.1, X-Amz-Target AmazonSSM.<Operation>).
func Service() *core.Service {
	s := &core.Service{Name: "ssm", Protocol: core.JSONProtocol{}, Target: "AmazonSSM"}
	s.Add(ssmParameterOps()...)
	s.Add(ssmTagOps()...)
	return s
}

// ssmState is one account's Parameter Store in one region.
type ssmState struct {
	params map[string]*ssmParam // by name
}

type ssmParam struct {
	name, description, allowedPattern, dataType, tier string
	tags                                              []core.Tag
	versions                                          []*ssmVersion // oldest first; the last is current
}

// ssmVersion is one value of a parameter. A SecureString keeps its plaintext for decryption and
// an opaque ciphertext for reads without it.
type ssmVersion struct {
	version           int
	typ, value, keyID string
	ciphertext        string
	modified          time.Time
	modifiedUser      string
}

func (p *ssmParam) current() *ssmVersion { return p.versions[len(p.versions)-1] }

// ssmOf is the caller's Parameter Store in the request's region.
func ssmOf(c *core.Req) *ssmState {
	return core.RegionalStateOf(c.Account, "ssm", c.Region, func() *ssmState { return &ssmState{params: map[string]*ssmParam{}} })
}

func (st *ssmState) sorted() []*ssmParam {
	out := make([]*ssmParam, 0, len(st.params))
	for _, p := range st.params {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// ssmParamARN is a parameter's ARN: "parameter/" then the name without its leading slash, in the
// caller's account, or in none for a public parameter (ssm_public.go).
func ssmParamARN(c *core.Req, name string) string {
	account := c.Account.Id
	if ssmIsPublic(name) {
		account = ""
	}
	return "arn:aws:ssm:" + c.Region + ":" + account + ":parameter/" + strings.TrimPrefix(name, "/")
}

// ssmNameOf strips a ":version" or ":label" selector, and accepts a parameter ARN as a name (a
// public parameter's has no account).
func ssmNameOf(c *core.Req, name string) (base, selector string) {
	if rest, ok := strings.CutPrefix(name, "arn:aws:ssm:"+c.Region+":"+c.Account.Id+":parameter"); ok {
		name = rest
	} else if rest, ok := strings.CutPrefix(name, "arn:aws:ssm:"+c.Region+"::parameter"); ok && ssmIsPublic(rest) {
		name = rest
	}
	if i := strings.LastIndex(name, ":"); i >= 0 {
		return name[:i], name[i+1:]
	}
	return name, ""
}

func ssmValidation(format string, args ...any) *core.APIError {
	return core.NewError("ValidationException", 400, format, args...)
}

func ssmNotFound(name string) *core.APIError {
	return core.NewError("ParameterNotFound", 400, "Parameter %s not found.", name)
}

var reSSMName = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)

// checkSSMName validates a parameter name as Parameter Store does.
func checkSSMName(name string) *core.APIError {
	if name == "" || len(name) > 2048 {
		return ssmValidation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must have length between 1 and 2048", name)
	}
	if !reSSMName.MatchString(name) {
		return ssmValidation("Parameter name: can't contain characters other than a-z, A-Z, 0-9, _, ., - and /")
	}
	if strings.Contains(name, "/") && !strings.HasPrefix(name, "/") {
		return ssmValidation("Parameter name must be a fully qualified name.")
	}
	if err := ssmReservedName(name); err != nil {
		return err
	}
	if strings.Count(name, "/") > 15 {
		return core.NewError("HierarchyLevelLimitExceededException", 400, "A hierarchy can have a maximum of 15 levels.")
	}
	return nil
}

// ssmReservedName refuses a name prefixed "aws" or "ssm" (case-insensitive), which AWS keeps
// for its own (public) parameters: no account may create, overwrite or delete one.
func ssmReservedName(name string) *core.APIError {
	first := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm") {
		return ssmValidation(`No access to reserved parameter name: %s. Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`, name)
	}
	return nil
}

// ssmTagList is SSM's Key/Value tag list.
type ssmTagList []struct{ Key, Value string }

func (l ssmTagList) tags() []core.Tag {
	out := make([]core.Tag, 0, len(l))
	for _, t := range l {
		out = append(out, core.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// checkSSMTags validates tags a request sets.
func checkSSMTags(tags []core.Tag) *core.APIError {
	if len(tags) > core.MaxTags {
		return core.NewError("TooManyTagsError", 400, "The Targets parameter includes too many tags. Remove one or more tags and try the command again.")
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return ssmValidation("1 validation error detected: tag keys must be 1 to 128 and values at most 256 characters (tag %q)", t.Key)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return ssmValidation("Tag keys can't start with \"aws:\": %s", t.Key)
		}
	}
	return nil
}

// ssmSeal makes the opaque ciphertext a SecureString returns without decryption: a fresh AES-GCM
// encryption under a throwaway key (the emulator decrypts from the stored plaintext).
func ssmSeal(plaintext string) string {
	key := make([]byte, 32)
	nonce := make([]byte, 12)
	_, _ = rand.Read(key)
	_, _ = rand.Read(nonce)
	block, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(block)
	blob := append([]byte{1, 2, 2, 0}, nonce...)
	return base64.StdEncoding.EncodeToString(gcm.Seal(blob, nonce, []byte(plaintext), nil))
}
