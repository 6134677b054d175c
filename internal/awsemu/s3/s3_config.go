package s3

import (
	"encoding/xml"
	"strings"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func s3ConfigOps() []*core.Operation {
	return []*core.Operation{
		{Name: "PutBucketEncryption", HTTP: "PUT /{Bucket}?encryption", Action: "s3:PutEncryptionConfiguration", Resources: bucketResource, Handle: s3PutBucketEncryption},
		{Name: "GetBucketEncryption", HTTP: "GET /{Bucket}?encryption", Action: "s3:GetEncryptionConfiguration", Resources: bucketResource, Handle: s3GetBucketEncryption},
		{Name: "DeleteBucketEncryption", HTTP: "DELETE /{Bucket}?encryption", Action: "s3:PutEncryptionConfiguration", Resources: bucketResource, Handle: s3DeleteBucketEncryption},
		{Name: "PutPublicAccessBlock", HTTP: "PUT /{Bucket}?publicAccessBlock", Action: "s3:PutBucketPublicAccessBlock", Resources: bucketResource, Handle: s3PutPublicAccessBlock},
		{Name: "GetPublicAccessBlock", HTTP: "GET /{Bucket}?publicAccessBlock", Action: "s3:GetBucketPublicAccessBlock", Resources: bucketResource, Handle: s3GetPublicAccessBlock},
		{Name: "DeletePublicAccessBlock", HTTP: "DELETE /{Bucket}?publicAccessBlock", Action: "s3:PutBucketPublicAccessBlock", Resources: bucketResource, Handle: s3DeletePublicAccessBlock},
		{Name: "PutBucketOwnershipControls", HTTP: "PUT /{Bucket}?ownershipControls", Action: "s3:PutBucketOwnershipControls", Resources: bucketResource, Handle: s3PutBucketOwnershipControls},
		{Name: "GetBucketOwnershipControls", HTTP: "GET /{Bucket}?ownershipControls", Action: "s3:GetBucketOwnershipControls", Resources: bucketResource, Handle: s3GetBucketOwnershipControls},
		{Name: "DeleteBucketOwnershipControls", HTTP: "DELETE /{Bucket}?ownershipControls", Action: "s3:PutBucketOwnershipControls", Resources: bucketResource, Handle: s3DeleteBucketOwnershipControls},
		{Name: "PutBucketVersioning", HTTP: "PUT /{Bucket}?versioning", Action: "s3:PutBucketVersioning", Resources: bucketResource, Handle: s3PutBucketVersioning},
		{Name: "GetBucketVersioning", HTTP: "GET /{Bucket}?versioning", Action: "s3:GetBucketVersioning", Resources: bucketResource, Handle: s3GetBucketVersioning},
		{Name: "PutBucketTagging", HTTP: "PUT /{Bucket}?tagging", Action: "s3:PutBucketTagging", Resources: bucketResource, Handle: s3PutBucketTagging},
		{Name: "GetBucketTagging", HTTP: "GET /{Bucket}?tagging", Action: "s3:GetBucketTagging", Resources: bucketResource, Handle: s3GetBucketTagging},
		{Name: "DeleteBucketTagging", HTTP: "DELETE /{Bucket}?tagging", Action: "s3:PutBucketTagging", Resources: bucketResource, Handle: s3DeleteBucketTagging},
		{Name: "PutBucketPolicy", HTTP: "PUT /{Bucket}?policy", Action: "s3:PutBucketPolicy", Resources: bucketResource, Handle: s3PutBucketPolicy},
		{Name: "GetBucketPolicy", HTTP: "GET /{Bucket}?policy", Action: "s3:GetBucketPolicy", Resources: bucketResource, Handle: s3GetBucketPolicy},
		{Name: "DeleteBucketPolicy", HTTP: "DELETE /{Bucket}?policy", Action: "s3:DeleteBucketPolicy", Resources: bucketResource, Handle: s3DeleteBucketPolicy},
		{Name: "GetBucketPolicyStatus", HTTP: "GET /{Bucket}?policyStatus", Action: "s3:GetBucketPolicyStatus", Resources: bucketResource, Handle: s3GetBucketPolicyStatus},
		{Name: "PutBucketAcl", HTTP: "PUT /{Bucket}?acl", Action: "s3:PutBucketAcl", Resources: bucketResource, Context: aclContext, Handle: s3PutBucketAcl},
		{Name: "PutObjectAcl", HTTP: "PUT /{Bucket}/{Key+}?acl", Action: "s3:PutObjectAcl", Resources: objectResource, Context: aclContext, Handle: s3PutObjectAcl},
	}
}

// --- ACLs ---

// aclHeaders are the request headers that set an ACL; each is also a condition key (s3:x-amz-acl,
// s3:x-amz-grant-read, ...).
var aclHeaders = []string{"x-amz-acl", "x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp"}

var aclContext = headerContext(aclHeaders...)

// ownerOnlyACL reports whether the request sets no ACL beyond the owner's full control: no
// grant header, and a canned ACL (if any) of private or bucket-owner-full-control. An ACL in the
// body is taken as granting others (the emulator does not read grants).
func ownerOnlyACL(c *core.Req) bool {
	for _, h := range aclHeaders[1:] {
		if c.HTTP.Header.Get(h) != "" {
			return false
		}
	}
	switch c.HTTP.Header.Get("x-amz-acl") {
	case "", "private", "bucket-owner-full-control":
		return len(c.Body) == 0
	}
	return false
}

// s3PutBucketAcl: with ACLs disabled (BucketOwnerEnforced, every new bucket's setting) S3 accepts
// only an ACL that gives the owner full control, and refuses any other with
// AccessControlListNotSupported. The emulator keeps no ACLs, so it serves only that case.
func s3PutBucketAcl(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	return nil, aclOnBucket(c, b)
}

// s3PutObjectAcl is PutBucketAcl for one object, which must exist.
func s3PutObjectAcl(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	if c.Param("versionId") != "" {
		return nil, core.ServiceError("s3", core.ErrUnknownOperation, "The emulator does not serve PutObjectAcl on a version (s3:PutObjectVersionAcl)")
	}
	if v := b.latest(c.In.Labels["Key"]); v == nil || v.deleteMarker {
		return nil, noSuchKey()
	}
	return nil, aclOnBucket(c, b)
}

func aclOnBucket(c *core.Req, b *s3Bucket) *core.APIError {
	if b.ownership != "BucketOwnerEnforced" {
		return core.ServiceError("s3", core.ErrUnknownOperation, "The emulator models ACLs only on buckets whose ACLs are disabled (BucketOwnerEnforced)")
	}
	if !ownerOnlyACL(c) {
		return core.NewError("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
	}
	return nil
}

// --- default encryption ---

type sseByDefault struct {
	SSEAlgorithm   string
	KMSMasterKeyID string `xml:",omitempty"`
}

type sseRule struct {
	ApplyServerSideEncryptionByDefault *sseByDefault
	BucketKeyEnabled                   *bool `xml:",omitempty"`
}

type sseConfiguration struct {
	XMLName xml.Name  `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ServerSideEncryptionConfiguration"`
	Rules   []sseRule `xml:"Rule"`
}

var sseAlgorithms = map[string]bool{"AES256": true, "aws:kms": true, "aws:kms:dsse": true}

func s3PutBucketEncryption(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	var cfg sseConfiguration
	if err := core.DecodeXML(c.Body, &cfg); err != nil {
		return nil, err
	}
	if len(cfg.Rules) != 1 || cfg.Rules[0].ApplyServerSideEncryptionByDefault == nil {
		return nil, core.MalformedXML()
	}
	def := cfg.Rules[0].ApplyServerSideEncryptionByDefault
	if !sseAlgorithms[def.SSEAlgorithm] {
		return nil, core.MalformedXML()
	}
	if def.KMSMasterKeyID != "" && def.SSEAlgorithm == "AES256" {
		return nil, s3InvalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
	}
	rule := s3EncryptionRule{algorithm: def.SSEAlgorithm, kmsKeyID: def.KMSMasterKeyID, configured: true}
	if bk := cfg.Rules[0].BucketKeyEnabled; bk != nil {
		rule.bucketKey = *bk
	}
	b.encryption = rule
	return nil, nil
}

// s3GetBucketEncryption returns the bucket's rule; a bucket without one has SSE-S3, as every
// bucket has had since January 2023.
func s3GetBucketEncryption(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	bk := b.encryption.bucketKey
	return sseConfiguration{Rules: []sseRule{{
		ApplyServerSideEncryptionByDefault: &sseByDefault{SSEAlgorithm: b.encryption.algorithm, KMSMasterKeyID: b.encryption.kmsKeyID},
		BucketKeyEnabled:                   &bk,
	}}}, nil
}

// s3DeleteBucketEncryption resets default encryption to SSE-S3 (S3 no longer lets a bucket
// have none, so ServerSideEncryptionConfigurationNotFoundError is not returned any more).
func s3DeleteBucketEncryption(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	b.encryption = s3EncryptionRule{algorithm: "AES256"}
	return noContent(), nil
}

// --- public access block ---

type publicAccessBlockConfiguration struct {
	XMLName               xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ PublicAccessBlockConfiguration"`
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

func s3PutPublicAccessBlock(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	var cfg publicAccessBlockConfiguration
	if err := core.DecodeXML(c.Body, &cfg); err != nil {
		return nil, err
	}
	b.publicAccessBlock = &s3PublicAccessBlock{cfg.BlockPublicAcls, cfg.IgnorePublicAcls, cfg.BlockPublicPolicy, cfg.RestrictPublicBuckets}
	return nil, nil
}

func s3GetPublicAccessBlock(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	p := b.publicAccessBlock
	if p == nil {
		return nil, core.NewError("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found")
	}
	return publicAccessBlockConfiguration{BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}, nil
}

func s3DeletePublicAccessBlock(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	b.publicAccessBlock = nil
	return noContent(), nil
}

// --- ownership controls ---

type ownershipControls struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ OwnershipControls"`
	Rules   []struct {
		ObjectOwnership string
	} `xml:"Rule"`
}

func s3PutBucketOwnershipControls(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	var cfg ownershipControls
	if err := core.DecodeXML(c.Body, &cfg); err != nil {
		return nil, err
	}
	if len(cfg.Rules) != 1 || !objectOwnerships[cfg.Rules[0].ObjectOwnership] {
		return nil, core.MalformedXML()
	}
	b.ownership = cfg.Rules[0].ObjectOwnership
	return nil, nil
}

func s3GetBucketOwnershipControls(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	if b.ownership == "" {
		return nil, core.NewError("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found")
	}
	out := ownershipControls{}
	out.Rules = append(out.Rules, struct{ ObjectOwnership string }{b.ownership})
	return out, nil
}

func s3DeleteBucketOwnershipControls(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	b.ownership = ""
	return noContent(), nil
}

// --- versioning ---

type versioningConfiguration struct {
	XMLName   xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ VersioningConfiguration"`
	Status    string   `xml:",omitempty"`
	MfaDelete string   `xml:",omitempty"`
}

func s3PutBucketVersioning(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	var cfg versioningConfiguration
	if err := core.DecodeXML(c.Body, &cfg); err != nil {
		return nil, err
	}
	if cfg.Status != "Enabled" && cfg.Status != "Suspended" {
		return nil, core.MalformedXML()
	}
	if cfg.MfaDelete == "Enabled" {
		return nil, core.NewError("InvalidRequest", 400, "MFA delete requires the x-amz-mfa header, which the emulator does not support")
	}
	b.versioning = cfg.Status
	return nil, nil
}

func s3GetBucketVersioning(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	return versioningConfiguration{Status: b.versioning}, nil
}

// --- tagging ---

type s3XMLTag struct {
	Key   string
	Value string
}

type tagging struct {
	XMLName xml.Name   `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Tagging"`
	TagSet  []s3XMLTag `xml:"TagSet>Tag"`
}

func tagsFromXML(x []s3XMLTag) []core.Tag {
	var out []core.Tag
	for _, t := range x {
		out = append(out, core.Tag(t))
	}
	return out
}

// checkS3Tags applies S3's tag rules (InvalidTag).
func checkS3Tags(tags []core.Tag) *core.APIError {
	if len(tags) > 50 {
		return core.NewError("BadRequest", 400, "Bucket tag count cannot be greater than 50")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > 128:
			return core.NewError("InvalidTag", 400, "The TagKey you have provided is invalid")
		case utf8.RuneCountInString(t.Value) > 256:
			return core.NewError("InvalidTag", 400, "The TagValue you have provided is invalid")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return core.NewError("InvalidTag", 400, "System tags cannot be added/updated by requester")
		case seen[t.Key]:
			return core.NewError("InvalidTag", 400, "Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	return nil
}

func s3PutBucketTagging(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	var cfg tagging
	if err := core.DecodeXML(c.Body, &cfg); err != nil {
		return nil, err
	}
	tags := tagsFromXML(cfg.TagSet)
	if err := checkS3Tags(tags); err != nil {
		return nil, err
	}
	b.tags = tags
	return noContent(), nil
}

func s3GetBucketTagging(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	if len(b.tags) == 0 {
		return nil, core.NewError("NoSuchTagSet", 404, "The TagSet does not exist")
	}
	out := tagging{TagSet: []s3XMLTag{}}
	for _, t := range b.tags {
		out.TagSet = append(out.TagSet, s3XMLTag(t))
	}
	return out, nil
}

func s3DeleteBucketTagging(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	b.tags = nil
	return noContent(), nil
}
