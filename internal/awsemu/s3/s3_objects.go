package s3

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

func s3ObjectOps() []*core.Operation {
	return []*core.Operation{
		{Name: "PutObject", HTTP: "PUT /{Bucket}/{Key+}", Action: "s3:PutObject", Resources: objectResource,
			Context: headerContext("x-amz-acl", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-storage-class"),
			Also:    putObjectAlso, Handle: s3PutObject},
		// Reads and deletes name s3:GetObjectVersion / s3:DeleteObjectVersion when they carry a
		// versionId, and S3's answer for a missing key depends on s3:ListBucket: they authorize
		// themselves.
		{Name: "GetObject", HTTP: "GET /{Bucket}/{Key+}", Action: "s3:GetObject", Resources: objectResource, SelfAuthorized: true, Handle: s3GetObject},
		{Name: "HeadObject", HTTP: "HEAD /{Bucket}/{Key+}", Action: "s3:GetObject", Resources: objectResource, SelfAuthorized: true, Handle: s3HeadObject},
		{Name: "DeleteObject", HTTP: "DELETE /{Bucket}/{Key+}", Action: "s3:DeleteObject", Resources: objectResource, SelfAuthorized: true, Handle: s3DeleteObject},
		{Name: "DeleteObjects", HTTP: "POST /{Bucket}?delete", Action: "s3:DeleteObject", Resources: bucketResource, SelfAuthorized: true, Handle: s3DeleteObjects},
		{Name: "ListObjectsV2", HTTP: "GET /{Bucket}?list-type=2", Action: "s3:ListBucket", Resources: bucketResource, Context: listContext, Handle: s3ListObjectsV2},
		{Name: "ListObjectVersions", HTTP: "GET /{Bucket}?versions", Action: "s3:ListBucketVersions", Resources: bucketResource, Context: listContext, Handle: s3ListObjectVersions},
	}
}

// versionedAction is the IAM action of a read or delete: the ...Version form with a versionId.
func versionedAction(c *core.Req, base string) (string, map[string][]string) {
	if v := c.Param("versionId"); v != "" {
		return base + "Version", map[string][]string{"s3:VersionId": {v}}
	}
	return base, nil
}

// storedHeaders are the request headers S3 keeps with an object and returns on reads.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Language", "Expires"}

func s3PutObject(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	key := c.In.Labels["Key"]
	if len(key) > 1024 {
		return nil, core.NewError("KeyTooLongError", 400, "Your key is too long")
	}
	data, trailers, err := s3Payload(c)
	if err != nil {
		return nil, err
	}
	sums, err := checkIntegrity(c, data, trailers)
	if err != nil {
		return nil, err
	}
	h := c.HTTP.Header
	if acl := h.Get("x-amz-acl"); acl != "" && acl != "bucket-owner-full-control" && acl != "private" && b.ownership == "BucketOwnerEnforced" {
		return nil, core.NewError("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
	}
	sse, err := objectEncryption(c, b)
	if err != nil {
		return nil, err
	}
	v := &s3Version{
		key: key, versionID: "null", data: data, etag: md5ETag(data), modified: c.Now,
		contentType: h.Get("Content-Type"), metadata: map[string]string{}, headers: map[string]string{},
		sse: sse.algorithm, kmsKeyARN: sse.kmsKeyID, bucketKey: sse.bucketKey,
		checksums: sums, checksumType: "FULL_OBJECT",
	}
	if v.contentType == "" {
		v.contentType = "binary/octet-stream"
	}
	for name, vals := range h {
		if m, ok := strings.CutPrefix(strings.ToLower(name), "x-amz-meta-"); ok {
			v.metadata[m] = vals[0]
		}
	}
	for _, name := range storedHeaders {
		if val := h.Get(name); val != "" {
			v.headers[name] = val
		}
	}
	if enc := strings.TrimPrefix(strings.TrimPrefix(h.Get("Content-Encoding"), "aws-chunked"), ","); enc != "" {
		v.headers["Content-Encoding"] = enc
	}
	if b.versioning == "Enabled" {
		v.versionID = newVersionID()
	}
	b.addVersion(v)
	out := http.Header{"Etag": {v.etag}}
	if b.versioning == "Enabled" {
		out.Set("x-amz-version-id", v.versionID)
	}
	setSSEHeaders(out, v)
	for name, sum := range sums {
		out.Set("x-amz-checksum-"+name, sum)
	}
	out.Set("x-amz-checksum-type", v.checksumType)
	return &core.RestResult{Header: out}, nil
}

// objectEncryption decides how a new object is encrypted: the request's SSE headers, else the
// bucket's default rule. SSE-KMS keys must exist in the bucket's region and be usable (the
// caller's kms:GenerateDataKey permission was checked with the call, see putObjectAlso).
func objectEncryption(c *core.Req, b *s3Bucket) (s3EncryptionRule, *core.APIError) {
	h := c.HTTP.Header
	rule := b.encryption
	if alg := h.Get("x-amz-server-side-encryption"); alg != "" {
		if !sseAlgorithms[alg] {
			return rule, s3InvalidArgument("The encryption method specified is not supported")
		}
		rule = s3EncryptionRule{algorithm: alg, kmsKeyID: h.Get("x-amz-server-side-encryption-aws-kms-key-id"), bucketKey: b.encryption.bucketKey}
	} else if h.Get("x-amz-server-side-encryption-aws-kms-key-id") != "" {
		return rule, s3InvalidArgument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms")
	}
	if v := h.Get("x-amz-server-side-encryption-bucket-key-enabled"); v != "" {
		rule.bucketKey = strings.EqualFold(v, "true")
	}
	if !strings.HasPrefix(rule.algorithm, "aws:kms") {
		rule.kmsKeyID, rule.bucketKey = "", false
		return rule, nil
	}
	key, err := sseKMSKey(c, b, rule.kmsKeyID)
	if err != nil {
		return rule, err
	}
	rule.kmsKeyID = key
	return rule, nil
}

// sseKMSKey resolves an SSE-KMS key reference to its ARN; an empty reference is the account's
// AWS managed key for S3 (aws/s3), which the emulator does not model beyond its ARN.
func sseKMSKey(c *core.Req, b *s3Bucket, ref string) (string, *core.APIError) {
	kms := s3KMSOf(c)
	if ref == "" {
		return kms.AWSManagedS3KeyARN(b.region, c.Caller.Account), nil
	}
	arn, err := kms.ResolveKey(c, b.region, ref)
	if err != nil {
		return "", core.NewError("KMS."+err.Code, 400, "%s", err.Message)
	}
	if _, _, unusable, _ := kms.KeyByARN(c, arn); unusable != nil {
		return "", core.NewError("KMS."+unusable.Code, 400, "%s", unusable.Message)
	}
	return arn, nil
}

// putObjectAlso: SSE-KMS needs kms:GenerateDataKey on the key, asked through S3.
func putObjectAlso(c *core.Req) []core.Check {
	b := findBucket(c, c.In.Labels["Bucket"])
	if b == nil {
		return nil
	}
	h := c.HTTP.Header
	alg, ref := b.encryption.algorithm, b.encryption.kmsKeyID
	if v := h.Get("x-amz-server-side-encryption"); v != "" {
		alg, ref = v, h.Get("x-amz-server-side-encryption-aws-kms-key-id")
	}
	if !strings.HasPrefix(alg, "aws:kms") || ref == "" {
		return nil
	}
	arn, err := s3KMSOf(c).ResolveKey(c, b.region, ref)
	if err != nil {
		return nil // the handler reports the missing key
	}
	return []core.Check{{Action: "kms:GenerateDataKey", Resources: []string{arn}, Context: viaS3Context(c, b, c.In.Labels["Key"])}}
}

// viaS3Context is the KMS request context of a call S3 makes on the caller's behalf.
func viaS3Context(c *core.Req, b *s3Bucket, key string) map[string][]string {
	arn := objectARN(b.name, key)
	if b.encryption.bucketKey {
		arn = bucketARN(b.name)
	}
	return map[string][]string{
		"kms:ViaService":                   {"s3." + b.region + ".amazonaws.com"},
		"kms:CallerAccount":                {c.Caller.Account},
		"kms:EncryptionContext:aws:s3:arn": {arn},
		"kms:EncryptionContextKeys":        {"aws:s3:arn"},
		"aws:ViaAWSService":                {"true"},
	}
}

func setSSEHeaders(h http.Header, v *s3Version) {
	if v.sse == "" {
		return
	}
	h.Set("x-amz-server-side-encryption", v.sse)
	if v.kmsKeyARN != "" {
		h.Set("x-amz-server-side-encryption-aws-kms-key-id", v.kmsKeyARN)
	}
	if v.bucketKey {
		h.Set("x-amz-server-side-encryption-bucket-key-enabled", "true")
	}
}

func s3GetObject(c *core.Req) (any, error)  { return readObject(c, false) }
func s3HeadObject(c *core.Req) (any, error) { return readObject(c, true) }

// readObject serves GetObject and HeadObject: the latest version or the one asked for,
// conditional requests, a single byte range, and the stored checksum when asked for.
func readObject(c *core.Req, head bool) (any, error) {
	bucket, key := c.In.Labels["Bucket"], c.In.Labels["Key"]
	action, vctx := versionedAction(c, "s3:GetObject")
	if err := s3Authorize(c, action, objectARN(bucket, key), vctx); err != nil {
		return nil, err
	}
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	var v *s3Version
	if id := c.Param("versionId"); id != "" {
		if v = b.version(key, id); v == nil {
			return nil, core.NewError("NoSuchVersion", 404, "The specified version does not exist.")
		}
		if v.deleteMarker {
			return nil, core.NewError("MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
		}
	} else if v = b.latest(key); v == nil || v.deleteMarker {
		if !s3Allowed(c, "s3:ListBucket", bucketARN(bucket)) {
			return nil, core.ServiceError("s3", core.ErrAccessDenied, "Access Denied") // S3 hides what does not exist from who cannot list
		}
		return nil, noSuchKey()
	}
	if kms := s3KMSOf(c); strings.HasPrefix(v.sse, "aws:kms") && v.kmsKeyARN != "" && !kms.IsAWSManagedS3Key(v.kmsKeyARN) {
		if err := s3Authorize(c, "kms:Decrypt", v.kmsKeyARN, viaS3Context(c, b, key)); err != nil {
			return nil, err
		}
		if _, _, unusable, exists := kms.KeyByARN(c, v.kmsKeyARN); !exists {
			return nil, core.NewError("KMS.NotFoundException", 400, "Key '%s' does not exist", v.kmsKeyARN)
		} else if unusable != nil {
			return nil, core.NewError("KMS."+unusable.Code, 400, "%s", unusable.Message)
		}
	}
	if status := preconditions(c.HTTP, v); status != 0 {
		if status == http.StatusPreconditionFailed {
			return nil, core.NewError("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
		}
		return &core.RestResult{Status: status, Header: http.Header{"Etag": {v.etag}, "Last-Modified": {core.HTTPDate(v.modified)}}}, nil
	}
	h := http.Header{
		"Content-Type":  {v.contentType},
		"Etag":          {v.etag},
		"Last-Modified": {core.HTTPDate(v.modified)},
		"Accept-Ranges": {"bytes"},
	}
	if b.versioning != "" || v.versionID != "null" {
		h.Set("x-amz-version-id", v.versionID)
	}
	for k, val := range v.headers {
		h.Set(k, val)
	}
	for k, val := range v.metadata {
		h["X-Amz-Meta-"+k] = []string{val}
	}
	setSSEHeaders(h, v)
	body, status := v.data, http.StatusOK
	if r := c.HTTP.Header.Get("Range"); r != "" {
		start, end, ok := parseRange(r, len(v.data))
		if !ok {
			return nil, core.NewError("InvalidRange", 416, "The requested range is not satisfiable")
		}
		body, status = v.data[start:end+1], http.StatusPartialContent
		h.Set("Content-Range", "bytes "+strconv.Itoa(start)+"-"+strconv.Itoa(end)+"/"+strconv.Itoa(len(v.data)))
	} else if strings.EqualFold(c.HTTP.Header.Get("x-amz-checksum-mode"), "ENABLED") {
		for name, sum := range v.checksums {
			h.Set("x-amz-checksum-"+name, sum)
		}
		h.Set("x-amz-checksum-type", v.checksumType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if head {
		body = nil
	}
	return &core.RestResult{Status: status, Header: h, Body: body}, nil
}

// preconditions evaluates If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since:
// 412, 304 or 0 when the read goes ahead.
func preconditions(r *http.Request, v *s3Version) int {
	h := r.Header
	if m := h.Get("If-Match"); m != "" && m != "*" && strings.Trim(m, `"`) != strings.Trim(v.etag, `"`) {
		return http.StatusPreconditionFailed
	}
	if s := h.Get("If-Unmodified-Since"); s != "" && h.Get("If-Match") == "" {
		if t, err := http.ParseTime(s); err == nil && v.modified.Truncate(time.Second).After(t) {
			return http.StatusPreconditionFailed
		}
	}
	if m := h.Get("If-None-Match"); m != "" && (m == "*" || strings.Trim(m, `"`) == strings.Trim(v.etag, `"`)) {
		return http.StatusNotModified
	}
	if s := h.Get("If-Modified-Since"); s != "" && h.Get("If-None-Match") == "" {
		if t, err := http.ParseTime(s); err == nil && !v.modified.Truncate(time.Second).After(t) {
			return http.StatusNotModified
		}
	}
	return 0
}

// parseRange reads a single "bytes=a-b", "bytes=a-" or "bytes=-n" range of an object of size n.
func parseRange(r string, size int) (start, end int, ok bool) {
	spec, found := strings.CutPrefix(r, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, z, _ := strings.Cut(spec, "-")
	switch a {
	case "":
		n, err := strconv.Atoi(z)
		if err != nil || n <= 0 || size == 0 {
			return 0, 0, false
		}
		start, end = max(size-n, 0), size-1
	default:
		s, err := strconv.Atoi(a)
		if err != nil || s >= size {
			return 0, 0, false
		}
		start, end = s, size-1
		if z != "" {
			e, err := strconv.Atoi(z)
			if err != nil || e < s {
				return 0, 0, false
			}
			end = min(e, size-1)
		}
	}
	return start, end, true
}

// removeObject applies a delete of key: with a version id that version goes for good; without
// one, a bucket that never had versioning drops the object, an enabled one gets a new delete
// marker and a suspended one a "null" marker in place of the null version. It returns the
// version removed or the marker added (nil when nothing changed).
func (b *s3Bucket) removeObject(key, versionID string, now time.Time) (removed, marker *s3Version) {
	switch {
	case versionID != "":
		return b.deleteVersion(key, versionID), nil
	case b.versioning == "":
		return b.deleteVersion(key, "null"), nil
	}
	m := &s3Version{key: key, versionID: "null", deleteMarker: true, modified: now}
	if b.versioning == "Enabled" {
		m.versionID = newVersionID()
	}
	b.addVersion(m)
	return nil, m
}

func s3DeleteObject(c *core.Req) (any, error) {
	bucket, key := c.In.Labels["Bucket"], c.In.Labels["Key"]
	action, vctx := versionedAction(c, "s3:DeleteObject")
	if err := s3Authorize(c, action, objectARN(bucket, key), vctx); err != nil {
		return nil, err
	}
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	vid := c.Param("versionId")
	removed, marker := b.removeObject(key, vid, c.Now)
	h := http.Header{}
	switch {
	case vid != "":
		h.Set("x-amz-version-id", vid)
		if removed != nil && removed.deleteMarker {
			h.Set("x-amz-delete-marker", "true")
		}
	case marker != nil:
		h.Set("x-amz-version-id", marker.versionID)
		h.Set("x-amz-delete-marker", "true")
	}
	return &core.RestResult{Status: http.StatusNoContent, Header: h}, nil
}

type deleteRequest struct {
	Quiet   bool
	Objects []struct {
		Key       string
		VersionId string
	} `xml:"Object"`
}

type deletedObject struct {
	Key                   string
	VersionId             string `xml:",omitempty"`
	DeleteMarker          bool   `xml:",omitempty"`
	DeleteMarkerVersionId string `xml:",omitempty"`
}

type deleteObjectError struct {
	Key       string
	VersionId string `xml:",omitempty"`
	Code      string
	Message   string
}

type deleteResult struct {
	XMLName xml.Name            `xml:"http://s3.amazonaws.com/doc/2006-03-01/ DeleteResult"`
	Deleted []deletedObject     `xml:"Deleted"`
	Errors  []deleteObjectError `xml:"Error"`
}

// s3DeleteObjects deletes up to 1000 keys, each authorized on its own (s3:DeleteObject or
// s3:DeleteObjectVersion); a key the caller may not delete is reported in the result.
func s3DeleteObjects(c *core.Req) (any, error) {
	bucket := c.In.Labels["Bucket"]
	if err := requireDeleteDigest(c.HTTP); err != nil {
		return nil, err
	}
	if _, err := checkIntegrity(c, c.Body, nil); err != nil {
		return nil, err
	}
	var in deleteRequest
	if err := core.DecodeXML(c.Body, &in); err != nil {
		return nil, err
	}
	if len(in.Objects) == 0 || len(in.Objects) > 1000 {
		return nil, core.MalformedXML()
	}
	b := findBucket(c, bucket)
	if b == nil {
		// Without a bucket there is nothing to authorize against but the first key.
		if err := s3Authorize(c, "s3:DeleteObject", objectARN(bucket, in.Objects[0].Key), nil); err != nil {
			return nil, err
		}
		return nil, noSuchBucket()
	}
	if _, err := existingBucket(c); err != nil {
		return nil, err
	}
	out := deleteResult{}
	var resources []string
	for _, o := range in.Objects {
		action, vctx := "s3:DeleteObject", map[string][]string(nil)
		if o.VersionId != "" {
			action, vctx = "s3:DeleteObjectVersion", map[string][]string{"s3:VersionId": {o.VersionId}}
		}
		arn := objectARN(bucket, o.Key)
		resources = append(resources, arn)
		if s3Decide(c, action, arn, vctx).Decision != iampolicy.Allowed {
			out.Errors = append(out.Errors, deleteObjectError{Key: o.Key, VersionId: o.VersionId, Code: "AccessDenied", Message: "Access Denied"})
			continue
		}
		removed, marker := b.removeObject(o.Key, o.VersionId, c.Now)
		if in.Quiet {
			continue
		}
		d := deletedObject{Key: o.Key, VersionId: o.VersionId}
		if removed != nil && removed.deleteMarker {
			d.DeleteMarker, d.DeleteMarkerVersionId = true, removed.versionID
		}
		if marker != nil {
			d.DeleteMarker, d.DeleteMarkerVersionId = true, marker.versionID
		}
		out.Deleted = append(out.Deleted, d)
	}
	c.SetResources(resources...)
	return out, nil
}
