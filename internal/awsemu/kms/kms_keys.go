package kms

import (
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

func kmsKeyOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateKey", Action: "kms:CreateKey", Context: createKeyContext, Also: createKeyAlso, Handle: kmsCreateKey},
		{Name: "DescribeKey", Action: "kms:DescribeKey", Resources: keyResource, Context: requestAliasContext, Handle: kmsDescribeKey},
		{Name: "ListKeys", Action: "kms:ListKeys", Handle: kmsListKeys},
		{Name: "EnableKey", Action: "kms:EnableKey", Resources: keyResource, Handle: kmsEnableKey},
		{Name: "DisableKey", Action: "kms:DisableKey", Resources: keyResource, Handle: kmsDisableKey},
		{Name: "UpdateKeyDescription", Action: "kms:UpdateKeyDescription", Resources: keyResource, Handle: kmsUpdateKeyDescription},
		{Name: "TagResource", Action: "kms:TagResource", Resources: keyResource, Context: tagResourceContext, Handle: kmsTagResource},
		{Name: "UntagResource", Action: "kms:UntagResource", Resources: keyResource, Context: untagResourceContext, Handle: kmsUntagResource},
		{Name: "ListResourceTags", Action: "kms:ListResourceTags", Resources: keyResource, Handle: kmsListResourceTags},
		{Name: "EnableKeyRotation", Action: "kms:EnableKeyRotation", Resources: keyResource, Context: rotationContext, Handle: kmsEnableKeyRotation},
		{Name: "DisableKeyRotation", Action: "kms:DisableKeyRotation", Resources: keyResource, Handle: kmsDisableKeyRotation},
		{Name: "GetKeyRotationStatus", Action: "kms:GetKeyRotationStatus", Resources: keyResource, Handle: kmsGetKeyRotationStatus},
		{Name: "GetKeyPolicy", Action: "kms:GetKeyPolicy", Resources: keyResource, Handle: kmsGetKeyPolicy},
		{Name: "PutKeyPolicy", Action: "kms:PutKeyPolicy", Resources: keyResource, Context: bypassContext, Handle: kmsPutKeyPolicy},
		{Name: "ListKeyPolicies", Action: "kms:ListKeyPolicies", Resources: keyResource, Handle: kmsListKeyPolicies},
		{Name: "ScheduleKeyDeletion", Action: "kms:ScheduleKeyDeletion", Resources: keyResource, Context: scheduleContext, Handle: kmsScheduleKeyDeletion},
		{Name: "CancelKeyDeletion", Action: "kms:CancelKeyDeletion", Resources: keyResource, Handle: kmsCancelKeyDeletion},
	}
}

// keyUsages lists, per key spec, the key usages it allows.
var keyUsages = map[string][]string{
	"SYMMETRIC_DEFAULT": {"ENCRYPT_DECRYPT"},
	"RSA_2048":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"}, "RSA_3072": {"ENCRYPT_DECRYPT", "SIGN_VERIFY"}, "RSA_4096": {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"ECC_NIST_P256": {"SIGN_VERIFY", "KEY_AGREEMENT"}, "ECC_NIST_P384": {"SIGN_VERIFY", "KEY_AGREEMENT"}, "ECC_NIST_P521": {"SIGN_VERIFY", "KEY_AGREEMENT"},
	"ECC_SECG_P256K1": {"SIGN_VERIFY"},
	"HMAC_224":        {"GENERATE_VERIFY_MAC"}, "HMAC_256": {"GENERATE_VERIFY_MAC"}, "HMAC_384": {"GENERATE_VERIFY_MAC"}, "HMAC_512": {"GENERATE_VERIFY_MAC"},
	"ML_DSA_44": {"SIGN_VERIFY"}, "ML_DSA_65": {"SIGN_VERIFY"}, "ML_DSA_87": {"SIGN_VERIFY"},
}

// keySpecAndUsage applies CreateKey's defaults and checks the pair.
func keySpecAndUsage(in *kmsInput) (spec, usage string, err *core.APIError) {
	if in.KeySpec != "" && in.CustomerMasterKeySpec != "" {
		return "", "", kmsValidation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.")
	}
	spec = in.KeySpec
	if spec == "" {
		spec = in.CustomerMasterKeySpec
	}
	if spec == "" {
		spec = "SYMMETRIC_DEFAULT"
	}
	usages, ok := keyUsages[spec]
	if !ok {
		return "", "", kmsValidation("Value '%s' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set", spec)
	}
	usage = in.KeyUsage
	if usage == "" {
		usage = "ENCRYPT_DECRYPT" // KMS's default whatever the spec: HMAC and ECC keys must say theirs
	}
	if !containsString(usages, usage) {
		return "", "", core.NewError("ValidationException", 400, "KeyUsage %s is not compatible with KeySpec %s", usage, spec)
	}
	return spec, usage, nil
}

func kmsTags(in []kmsTag) []core.Tag {
	var out []core.Tag
	for _, t := range in {
		out = append(out, core.Tag{Key: t.TagKey, Value: t.TagValue})
	}
	return out
}

// checkKMSTags applies KMS's tag rules (TagException).
func checkKMSTags(tags []core.Tag) *core.APIError {
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > 128 || utf8.RuneCountInString(t.Value) > 256:
			return core.NewError("TagException", 400, "Tag keys must be 1 to 128 characters and tag values 0 to 256 characters")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return core.NewError("TagException", 400, "Tags beginning with aws: are reserved")
		case seen[t.Key]:
			return core.NewError("TagException", 400, "Duplicate tag keys")
		}
		seen[t.Key] = true
	}
	if len(tags) > 50 {
		return core.NewError("LimitExceededException", 400, "Tag limit exceeded: a KMS key can have at most 50 tags")
	}
	return nil
}

// createKeyContext: the new key's properties (kms:KeySpec, kms:KeyUsage, kms:KeyOrigin and
// kms:MultiRegion, with CreateKey's defaults for what the request leaves out), whether it skips
// the lockout safety check, and aws:RequestTag/* and aws:TagKeys only when it carries tags.
func createKeyContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	m := core.MergeContext(core.RequestTagContext(kmsTags(in.Tags)))
	spec, usage, err := keySpecAndUsage(in)
	if err == nil {
		m["kms:KeySpec"], m["kms:KeyUsage"] = []string{spec}, []string{usage}
	}
	origin := in.Origin
	if origin == "" {
		origin = "AWS_KMS"
	}
	m["kms:KeyOrigin"] = []string{origin}
	m["kms:MultiRegion"] = []string{strconv.FormatBool(in.MultiRegion)}
	if in.MultiRegion {
		m["kms:MultiRegionKeyType"] = []string{"PRIMARY"} // CreateKey makes primaries; ReplicateKey (not served) replicas
	}
	m["kms:BypassPolicyLockoutSafetyCheck"] = []string{strconv.FormatBool(in.BypassPolicyLockoutSafetyCheck)}
	return m
}

// createKeyAlso: tagging a key at creation needs kms:TagResource as well.
func createKeyAlso(c *core.Req) []core.Check {
	in, _ := kmsIn(c)
	if len(in.Tags) == 0 {
		return nil
	}
	return []core.Check{{Action: "kms:TagResource", Context: core.RequestTagContext(kmsTags(in.Tags))}}
}

func tagResourceContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	return core.RequestTagContext(kmsTags(in.Tags))
}

func untagResourceContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	if len(in.TagKeys) == 0 {
		return nil
	}
	return map[string][]string{"aws:TagKeys": in.TagKeys}
}

func rotationContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	if in.RotationPeriodInDays == nil {
		return nil
	}
	return map[string][]string{"kms:RotationPeriodInDays": {strconv.Itoa(*in.RotationPeriodInDays)}}
}

func bypassContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	return map[string][]string{"kms:BypassPolicyLockoutSafetyCheck": {strconv.FormatBool(in.BypassPolicyLockoutSafetyCheck)}}
}

func scheduleContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	days := 30
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
	}
	return map[string][]string{"kms:ScheduleKeyDeletionPendingWindowInDays": {strconv.Itoa(days)}}
}

const maxKeyPolicySize = 32768

func malformedKeyPolicy(format string, args ...any) *core.APIError {
	return core.NewError("MalformedPolicyDocumentException", 400, format, args...)
}

// parseKeyPolicy validates a key policy: it parses, every statement names a principal, and
// the principals exist.
func parseKeyPolicy(c *core.Req, text string) (*iampolicy.Document, *core.APIError) {
	if len(text) > maxKeyPolicySize {
		return nil, core.NewError("LimitExceededException", 400, "Policy exceeds the maximum size of %d bytes", maxKeyPolicySize)
	}
	doc, err := iampolicy.Parse(text)
	if err != nil {
		var pe *iampolicy.ParseError
		if errors.As(err, &pe) {
			return nil, malformedKeyPolicy("%s", pe.Reason)
		}
		return nil, malformedKeyPolicy("%s", err.Error())
	}
	for _, st := range doc.Statement {
		if st.Principal == nil && st.NotPrincipal == nil {
			return nil, malformedKeyPolicy("Policy contains a statement with no principal.")
		}
		if len(st.Resource) == 0 && len(st.NotResource) == 0 {
			return nil, malformedKeyPolicy("Policy contains a statement with no resource.")
		}
		for _, pr := range []*iampolicy.Principal{st.Principal, st.NotPrincipal} {
			if pr == nil {
				continue
			}
			for _, v := range pr.AWS {
				if !c.PrincipalExists(v) {
					return nil, malformedKeyPolicy("Policy contains a statement with one or more invalid principals.")
				}
			}
		}
	}
	return doc, nil
}

// applyKeyPolicy validates text for key k and, unless the caller bypasses it, runs the
// lockout safety check.
func applyKeyPolicy(c *core.Req, k *kmsKey, text string, bypass bool) *core.APIError {
	doc, err := parseKeyPolicy(c, text)
	if err != nil {
		return err
	}
	if !bypass && !keyPolicyAdmitsPutKeyPolicy(c, k, doc) {
		return malformedKeyPolicy("The new key policy will not allow you to update the key policy in the future.")
	}
	k.policyText, k.policy = text, doc
	return nil
}

type keyMetadata struct {
	AWSAccountId          string
	KeyId                 string
	Arn                   string
	CreationDate          kmsTime
	Enabled               bool
	Description           string
	KeyUsage              string
	KeyState              string
	DeletionDate          *kmsTime `json:",omitempty"`
	Origin                string
	KeyManager            string
	CustomerMasterKeySpec string
	KeySpec               string
	EncryptionAlgorithms  []string `json:",omitempty"`
	SigningAlgorithms     []string `json:",omitempty"`
	MacAlgorithms         []string `json:",omitempty"`
	MultiRegion           bool
}

func metadataOf(k *kmsKey) keyMetadata {
	m := keyMetadata{
		AWSAccountId: k.account, KeyId: k.id, Arn: k.arn, CreationDate: kmsTime(k.created),
		Enabled: k.state == keyEnabled, Description: k.description, KeyUsage: k.keyUsage, KeyState: k.state,
		Origin: k.origin, KeyManager: "CUSTOMER", CustomerMasterKeySpec: k.keySpec, KeySpec: k.keySpec, MultiRegion: k.multiRegion,
	}
	if k.state == keyPendingDeletion {
		d := kmsTime(k.deletionDate)
		m.DeletionDate = &d
	}
	switch {
	case k.keySpec == "SYMMETRIC_DEFAULT":
		m.EncryptionAlgorithms = []string{"SYMMETRIC_DEFAULT"}
	case strings.HasPrefix(k.keySpec, "HMAC_"):
		m.MacAlgorithms = []string{"HMAC_SHA_" + strings.TrimPrefix(k.keySpec, "HMAC_")}
	case k.keyUsage == "ENCRYPT_DECRYPT":
		m.EncryptionAlgorithms = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	case k.keyUsage == "SIGN_VERIFY" && strings.HasPrefix(k.keySpec, "RSA_"):
		m.SigningAlgorithms = []string{"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"}
	case k.keyUsage == "SIGN_VERIFY":
		m.SigningAlgorithms = []string{"ECDSA_SHA_256"}
	}
	return m
}

type keyMetadataResult struct {
	KeyMetadata keyMetadata
}

func kmsCreateKey(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	spec, usage, err := keySpecAndUsage(in)
	if err != nil {
		return nil, err
	}
	if in.Origin != "" && in.Origin != "AWS_KMS" {
		return nil, core.NewError("UnsupportedOperationException", 400, "The emulator creates only keys with origin AWS_KMS")
	}
	if utf8.RuneCountInString(in.Description) > 8192 {
		return nil, kmsValidation("Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192")
	}
	tags := kmsTags(in.Tags)
	if err := checkKMSTags(tags); err != nil {
		return nil, err
	}
	id := newKeyID()
	if in.MultiRegion {
		id = "mrk-" + strings.ReplaceAll(id, "-", "")
	}
	k := &kmsKey{
		id: id, arn: kmsKeyARN(c.Region, c.Account.Id, id), account: c.Account.Id, region: c.Region,
		description: in.Description, keyUsage: usage, keySpec: spec, origin: "AWS_KMS", multiRegion: in.MultiRegion,
		tags: tags, state: keyEnabled, created: c.Now,
	}
	if in.Policy != "" {
		if err := applyKeyPolicy(c, k, in.Policy, in.BypassPolicyLockoutSafetyCheck); err != nil {
			return nil, err
		}
	} else {
		k.policyText = defaultKeyPolicy(c.Account.Id)
		k.policy, _ = iampolicy.Parse(k.policyText)
	}
	if spec == "SYMMETRIC_DEFAULT" {
		k.material = make([]byte, 32)
		_, _ = rand.Read(k.material)
	}
	kmsOf(c.Account).created++
	k.seq = kmsOf(c.Account).created
	kmsOf(c.Account).keys[id] = k
	return keyMetadataResult{metadataOf(k)}, nil
}

func kmsDescribeKey(c *core.Req) (any, error) {
	_, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	return keyMetadataResult{metadataOf(k)}, nil
}

type keyListEntry struct {
	KeyId  string
	KeyArn string
}

type listKeysResult struct {
	Keys       []keyListEntry
	Truncated  bool
	NextMarker string `json:",omitempty"`
}

func kmsListKeys(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	kmsOf(c.Account).purge(c.Now)
	keys, more, next, err := kmsPage(kmsOf(c.Account).keysIn(c.Region), in.Limit, in.Marker, 100, 1000)
	if err != nil {
		return nil, err
	}
	out := listKeysResult{Keys: []keyListEntry{}, Truncated: more, NextMarker: next}
	for _, k := range keys {
		out.Keys = append(out.Keys, keyListEntry{KeyId: k.id, KeyArn: k.arn})
	}
	return out, nil
}

func kmsEnableKey(c *core.Req) (any, error)  { return kmsSetKeyState(c, keyEnabled) }
func kmsDisableKey(c *core.Req) (any, error) { return kmsSetKeyState(c, keyDisabled) }

// kmsSetKeyState enables or disables a key that is not pending deletion.
func kmsSetKeyState(c *core.Req, to string) (any, error) {
	_, k, err := undeletedKeyIn(c)
	if err != nil {
		return nil, err
	}
	k.state = to
	return nil, nil
}

func kmsUpdateKeyDescription(c *core.Req) (any, error) {
	in, k, err := undeletedKeyIn(c)
	if err != nil {
		return nil, err
	}
	k.description = in.Description
	return nil, nil
}

func kmsTagResource(c *core.Req) (any, error) {
	in, k, err := undeletedKeyIn(c)
	if err != nil {
		return nil, err
	}
	add := kmsTags(in.Tags)
	if err := checkKMSTags(add); err != nil {
		return nil, err
	}
	merged := core.PutTags(k.tags, add)
	if err := checkKMSTags(merged); err != nil {
		return nil, err
	}
	k.tags = merged
	return nil, nil
}

func kmsUntagResource(c *core.Req) (any, error) {
	in, k, err := undeletedKeyIn(c)
	if err != nil {
		return nil, err
	}
	k.tags = core.CutTags(k.tags, in.TagKeys)
	return nil, nil
}

type listResourceTagsResult struct {
	Tags       []kmsTag
	Truncated  bool
	NextMarker string `json:",omitempty"`
}

func kmsListResourceTags(c *core.Req) (any, error) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	tags, more, next, err := kmsPage(k.tags, in.Limit, in.Marker, 50, 50)
	if err != nil {
		return nil, err
	}
	out := listResourceTagsResult{Tags: []kmsTag{}, Truncated: more, NextMarker: next}
	for _, t := range tags {
		out.Tags = append(out.Tags, kmsTag{TagKey: t.Key, TagValue: t.Value})
	}
	return out, nil
}

// rotatable is the key-state and key-type check of the rotation calls.
func rotatable(k *kmsKey) *core.APIError {
	if k.keySpec != "SYMMETRIC_DEFAULT" {
		return core.NewError("UnsupportedOperationException", 400, "%s does not support automatic key rotation. Only symmetric encryption KMS keys support it.", k.arn)
	}
	return k.usable()
}

func kmsEnableKeyRotation(c *core.Req) (any, error) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	period := 365
	if in.RotationPeriodInDays != nil {
		period = *in.RotationPeriodInDays
		if period < 90 || period > 2560 {
			return nil, kmsValidation("Value '%d' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560", period)
		}
	}
	if err := rotatable(k); err != nil {
		return nil, err
	}
	if !k.rotation || k.rotationPeriod != period {
		k.rotationStart = c.Now
	}
	k.rotation, k.rotationPeriod = true, period
	k.nextRotation = k.rotationStart.Add(time.Duration(period) * 24 * time.Hour)
	return nil, nil
}

func kmsDisableKeyRotation(c *core.Req) (any, error) {
	_, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	if err := rotatable(k); err != nil {
		return nil, err
	}
	k.rotation, k.rotationPeriod = false, 0
	return nil, nil
}

type rotationStatus struct {
	KeyRotationEnabled   bool
	KeyId                string
	RotationPeriodInDays *int     `json:",omitempty"`
	NextRotationDate     *kmsTime `json:",omitempty"`
}

func kmsGetKeyRotationStatus(c *core.Req) (any, error) {
	_, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	if k.keySpec != "SYMMETRIC_DEFAULT" {
		return nil, core.NewError("UnsupportedOperationException", 400, "%s does not support automatic key rotation.", k.arn)
	}
	out := rotationStatus{KeyRotationEnabled: k.rotation, KeyId: k.arn}
	if k.rotation {
		period, next := k.rotationPeriod, kmsTime(k.nextRotation)
		out.RotationPeriodInDays, out.NextRotationDate = &period, &next
	}
	return out, nil
}

func policyName(in *kmsInput) *core.APIError {
	if in.PolicyName != "" && in.PolicyName != "default" {
		return kmsNotFound("No such policy exists")
	}
	return nil
}

type keyPolicyResult struct {
	Policy     string
	PolicyName string
}

func kmsGetKeyPolicy(c *core.Req) (any, error) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	if err := policyName(in); err != nil {
		return nil, err
	}
	return keyPolicyResult{Policy: k.policyText, PolicyName: "default"}, nil
}

func kmsPutKeyPolicy(c *core.Req) (any, error) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	if err := kmsRequired("Policy", in.Policy); err != nil {
		return nil, err
	}
	if err := policyName(in); err != nil {
		return nil, err
	}
	return nil, applyKeyPolicy(c, k, in.Policy, in.BypassPolicyLockoutSafetyCheck)
}

type listKeyPoliciesResult struct {
	PolicyNames []string
	Truncated   bool
}

func kmsListKeyPolicies(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	if _, err := existingKey(c, in.KeyId); err != nil {
		return nil, err
	}
	return listKeyPoliciesResult{PolicyNames: []string{"default"}}, nil
}

type scheduleKeyDeletionResult struct {
	KeyId               string
	DeletionDate        kmsTime
	KeyState            string
	PendingWindowInDays int
}

// kmsScheduleKeyDeletion puts the key in PendingDeletion; the emulator deletes it (and its
// aliases) once its clock passes the deletion date.
func kmsScheduleKeyDeletion(c *core.Req) (any, error) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	days := 30
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
		if days < 7 {
			return nil, kmsValidation("Value '%d' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7", days)
		}
		if days > 30 {
			return nil, kmsValidation("Value '%d' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30", days)
		}
	}
	if err := k.notPendingDeletion(); err != nil {
		return nil, err
	}
	k.state, k.pendingWindow = keyPendingDeletion, days
	k.deletionDate = c.Now.Add(time.Duration(days) * 24 * time.Hour)
	return scheduleKeyDeletionResult{KeyId: k.arn, DeletionDate: kmsTime(k.deletionDate), KeyState: k.state, PendingWindowInDays: days}, nil
}

type keyIDResult struct {
	KeyId string
}

// kmsCancelKeyDeletion leaves the key Disabled, as KMS does.
func kmsCancelKeyDeletion(c *core.Req) (any, error) {
	_, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	if k.state != keyPendingDeletion {
		return nil, kmsInvalidState("%s is not pending deletion.", k.arn)
	}
	k.state, k.deletionDate, k.pendingWindow = keyDisabled, time.Time{}, 0
	return keyIDResult{KeyId: k.arn}, nil
}
