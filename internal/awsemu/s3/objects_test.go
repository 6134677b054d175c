package s3_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuS3ObjectRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, c, *b)

	// A key with spaces, slashes and symbols survives S3's unescaped-path signing. Over plain
	// HTTP the SDK signs the payload's SHA-256 and sends no checksum; S3 adds its CRC64NVME.
	key := aws.String("dir/sub dir/file+name=1&x.txt")
	put, err := c.PutObject(emutest.Bg, &s3.PutObjectInput{
		Bucket: b, Key: key, Body: strings.NewReader("hello world"),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"owner": "lakesail"},
		CacheControl: aws.String("no-cache"),
	})
	emutest.Must(t, err)
	if aws.ToString(put.ETag) != `"5eb63bbbe01eeed093cb22bb8f5acdc3"` || put.ServerSideEncryption != s3types.ServerSideEncryptionAes256 ||
		aws.ToString(put.ChecksumCRC64NVME) == "" || put.VersionId != nil {
		t.Fatalf("PutObject = etag %s sse %s crc64nvme %s version %v", aws.ToString(put.ETag), put.ServerSideEncryption, aws.ToString(put.ChecksumCRC64NVME), put.VersionId)
	}
	got, err := c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: key, ChecksumMode: s3types.ChecksumModeEnabled})
	emutest.Must(t, err)
	body, err := io.ReadAll(got.Body)
	emutest.Must(t, err)
	got.Body.Close()
	if string(body) != "hello world" || aws.ToString(got.ContentType) != "text/plain" || got.Metadata["owner"] != "lakesail" ||
		aws.ToString(got.CacheControl) != "no-cache" || aws.ToInt64(got.ContentLength) != 11 || got.LastModified == nil ||
		aws.ToString(got.ChecksumCRC64NVME) != aws.ToString(put.ChecksumCRC64NVME) {
		t.Fatalf("GetObject = %q %+v", body, got)
	}
	head, err := c.HeadObject(emutest.Bg, &s3.HeadObjectInput{Bucket: b, Key: key})
	emutest.Must(t, err)
	if aws.ToInt64(head.ContentLength) != 11 || aws.ToString(head.ETag) != aws.ToString(put.ETag) {
		t.Fatalf("HeadObject = %+v", head)
	}
	rng, err := c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: key, Range: aws.String("bytes=6-")})
	emutest.Must(t, err)
	body, _ = io.ReadAll(rng.Body)
	rng.Body.Close()
	if string(body) != "world" || aws.ToString(rng.ContentRange) != "bytes 6-10/11" {
		t.Fatalf("range read = %q %s", body, aws.ToString(rng.ContentRange))
	}
	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: key, IfNoneMatch: put.ETag})
	if err == nil || !strings.Contains(err.Error(), "304") {
		t.Fatalf("If-None-Match = %v, want 304", err)
	}
	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: key, IfMatch: aws.String(`"nope"`)})
	emutest.WantCode(t, err, "PreconditionFailed")

	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("missing")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("GetObject(missing) = %v, want NoSuchKey", err)
	}
	_, err = c.HeadObject(emutest.Bg, &s3.HeadObjectInput{Bucket: b, Key: aws.String("missing")})
	var nf *s3types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("HeadObject(missing) = %v, want NotFound", err)
	}
	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: aws.String("missing-bucket"), Key: key})
	emutest.WantCode(t, err, "NoSuchBucket")
	_, err = c.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("acl"), Body: strings.NewReader("x"), ACL: s3types.ObjectCannedACLPublicRead})
	emutest.WantCode(t, err, "AccessControlListNotSupported")

	// Listing: prefix, delimiter, pagination.
	for _, k := range []string{"a/1", "a/2", "b/1", "c", "d"} {
		emutest.PutObject(t, c, *b, k, k)
	}
	list, err := c.ListObjectsV2(emutest.Bg, &s3.ListObjectsV2Input{Bucket: b, Delimiter: aws.String("/")})
	emutest.Must(t, err)
	var names []string
	for _, p := range list.CommonPrefixes {
		names = append(names, "P:"+*p.Prefix)
	}
	for _, o := range list.Contents {
		names = append(names, *o.Key)
	}
	if fmt.Sprint(names) != "[P:a/ P:b/ P:dir/ c d]" || aws.ToInt32(list.KeyCount) != 5 {
		t.Fatalf("delimited listing = %v (KeyCount %d)", names, aws.ToInt32(list.KeyCount))
	}
	names = nil
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: b, MaxKeys: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(emutest.Bg)
		emutest.Must(t, err)
		pages++
		for _, o := range page.Contents {
			names = append(names, *o.Key)
		}
	}
	if pages != 3 || fmt.Sprint(names) != "[a/1 a/2 b/1 c d dir/sub dir/file+name=1&x.txt]" {
		t.Fatalf("paginated listing: %d pages %v", pages, names)
	}
	pre, err := c.ListObjectsV2(emutest.Bg, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("a/"), StartAfter: aws.String("a/1")})
	emutest.Must(t, err)
	if len(pre.Contents) != 1 || *pre.Contents[0].Key != "a/2" || *pre.Contents[0].Size != 3 || pre.Contents[0].StorageClass != "STANDARD" {
		t.Fatalf("prefix listing = %+v", pre.Contents)
	}

	// Deletes: single, batch (quiet and not), missing keys are fine.
	_, err = c.DeleteObject(emutest.Bg, &s3.DeleteObjectInput{Bucket: b, Key: key})
	emutest.Must(t, err)
	_, err = c.DeleteObject(emutest.Bg, &s3.DeleteObjectInput{Bucket: b, Key: key})
	emutest.Must(t, err)
	del, err := c.DeleteObjects(emutest.Bg, &s3.DeleteObjectsInput{Bucket: b, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("a/1")}, {Key: aws.String("never-existed")}}}})
	emutest.Must(t, err)
	if len(del.Deleted) != 2 || len(del.Errors) != 0 {
		t.Fatalf("DeleteObjects = %+v", del)
	}
	list, err = c.ListObjectsV2(emutest.Bg, &s3.ListObjectsV2Input{Bucket: b})
	emutest.Must(t, err)
	if aws.ToInt32(list.KeyCount) != 4 {
		t.Fatalf("after deletes %d keys remain, want 4", aws.ToInt32(list.KeyCount))
	}
}

func TestEmuS3VersionedObjects(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, c, *b)
	emutest.PutObject(t, c, *b, "k", "before versioning") // the "null" version
	_, err := c.PutBucketVersioning(emutest.Bg, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	emutest.Must(t, err)
	v1 := emutest.PutObject(t, c, *b, "k", "one")
	v2 := emutest.PutObject(t, c, *b, "k", "two")
	if v1.VersionId == nil || v2.VersionId == nil || *v1.VersionId == *v2.VersionId {
		t.Fatalf("version ids %v %v", v1.VersionId, v2.VersionId)
	}
	if emutest.GetObject(t, c, *b, "k") != "two" {
		t.Fatal("latest is not v2")
	}
	old, err := c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: v1.VersionId})
	emutest.Must(t, err)
	body, _ := io.ReadAll(old.Body)
	old.Body.Close()
	if string(body) != "one" || aws.ToString(old.VersionId) != *v1.VersionId {
		t.Fatalf("GetObject(v1) = %q", body)
	}
	nullV, err := c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String("null")})
	emutest.Must(t, err)
	body, _ = io.ReadAll(nullV.Body)
	nullV.Body.Close()
	if string(body) != "before versioning" {
		t.Fatalf("null version = %q", body)
	}
	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String("nonexistentversion")})
	emutest.WantCode(t, err, "NoSuchVersion")

	// A delete without a version id adds a delete marker; the data stays.
	d, err := c.DeleteObject(emutest.Bg, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k")})
	emutest.Must(t, err)
	if !aws.ToBool(d.DeleteMarker) || d.VersionId == nil {
		t.Fatalf("DeleteObject = %+v", d)
	}
	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	emutest.WantCode(t, err, "NoSuchKey")
	_, err = c.GetObject(emutest.Bg, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: d.VersionId})
	emutest.WantCode(t, err, "MethodNotAllowed")
	vs, err := c.ListObjectVersions(emutest.Bg, &s3.ListObjectVersionsInput{Bucket: b})
	emutest.Must(t, err)
	if len(vs.Versions) != 3 || len(vs.DeleteMarkers) != 1 || !aws.ToBool(vs.DeleteMarkers[0].IsLatest) ||
		*vs.Versions[0].VersionId != *v2.VersionId || *vs.Versions[2].VersionId != "null" || aws.ToBool(vs.Versions[0].IsLatest) {
		t.Fatalf("ListObjectVersions = %d versions %d markers", len(vs.Versions), len(vs.DeleteMarkers))
	}
	page, err := c.ListObjectVersions(emutest.Bg, &s3.ListObjectVersionsInput{Bucket: b, MaxKeys: aws.Int32(2)})
	emutest.Must(t, err)
	if !aws.ToBool(page.IsTruncated) || aws.ToString(page.NextVersionIdMarker) != *v2.VersionId {
		t.Fatalf("first versions page: truncated=%v next=%v", aws.ToBool(page.IsTruncated), aws.ToString(page.NextVersionIdMarker))
	}
	page, err = c.ListObjectVersions(emutest.Bg, &s3.ListObjectVersionsInput{Bucket: b, KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker})
	emutest.Must(t, err)
	if len(page.Versions) != 2 || *page.Versions[0].VersionId != *v1.VersionId || aws.ToBool(page.IsTruncated) {
		t.Fatalf("second versions page = %+v", page.Versions)
	}

	// Deleting the marker by version id brings the object back; deleting a version removes it.
	d2, err := c.DeleteObject(emutest.Bg, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k"), VersionId: d.VersionId})
	emutest.Must(t, err)
	if !aws.ToBool(d2.DeleteMarker) || aws.ToString(d2.VersionId) != *d.VersionId {
		t.Fatalf("delete of marker = %+v", d2)
	}
	if emutest.GetObject(t, c, *b, "k") != "two" {
		t.Fatal("object not restored after removing the delete marker")
	}
	_, err = c.DeleteObject(emutest.Bg, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k"), VersionId: v2.VersionId})
	emutest.Must(t, err)
	if emutest.GetObject(t, c, *b, "k") != "one" {
		t.Fatal("latest after deleting v2 is not v1")
	}

	// Suspended: new writes replace the null version.
	_, err = c.PutBucketVersioning(emutest.Bg, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	emutest.Must(t, err)
	emutest.PutObject(t, c, *b, "k", "suspended")
	vs, err = c.ListObjectVersions(emutest.Bg, &s3.ListObjectVersionsInput{Bucket: b})
	emutest.Must(t, err)
	if len(vs.Versions) != 2 || *vs.Versions[0].VersionId != "null" || *vs.Versions[1].VersionId != *v1.VersionId {
		t.Fatalf("suspended versions = %+v", vs.Versions)
	}
}

func TestEmuS3Integrity(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.S3Client(e, e.RootCredentials())
	b := aws.String("lakesail-abc-ws")
	emutest.CreateBucket(t, c, *b)
	// The SDK's flexible checksums are verified: SHA-256 and CRC32C round trip.
	for _, alg := range []s3types.ChecksumAlgorithm{s3types.ChecksumAlgorithmSha256, s3types.ChecksumAlgorithmCrc32c, s3types.ChecksumAlgorithmCrc64nvme} {
		out, err := c.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String(string(alg)), Body: bytes.NewReader([]byte("data")), ChecksumAlgorithm: alg})
		emutest.Must(t, err)
		if out.ChecksumSHA256 == nil && out.ChecksumCRC32C == nil && out.ChecksumCRC64NVME == nil {
			t.Fatalf("%s: no checksum echoed", alg)
		}
	}
	// A wrong checksum is BadDigest.
	_, err := c.PutObject(emutest.Bg, &s3.PutObjectInput{Bucket: b, Key: aws.String("bad"), Body: bytes.NewReader([]byte("data")), ChecksumCRC32: aws.String("AAAAAA==")})
	emutest.WantCode(t, err, "BadDigest")
}
