package s3

import (
	"net"
	"regexp"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// s3Namespace is the XML namespace of S3 documents.
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// Service is S3 (REST-XML, path-style). Bucket policies are resource-based policies that
// s3Decide weighs with the caller's identity policies (s3_authz.go).
func Service() *core.Service {
	s := &core.Service{Name: "s3", Protocol: core.RestXMLProtocol{}, Namespace: s3Namespace, Decide: s3Decide}
	return s.Add(s3BucketOps()...).Add(s3ConfigOps()...).Add(s3ObjectOps()...)
}

// bucketResource is the bucket ARN of a bucket-level call.
func bucketResource(c *core.Req) []string { return []string{bucketARN(c.In.Labels["Bucket"])} }

// objectResource is the object ARN of an object-level call.
func objectResource(c *core.Req) []string {
	return []string{objectARN(c.In.Labels["Bucket"], c.In.Labels["Key"])}
}

// headerContext yields S3 condition keys from request headers that were sent:
// s3:x-amz-acl, s3:x-amz-server-side-encryption, ...
func headerContext(headers ...string) func(c *core.Req) map[string][]string {
	return func(c *core.Req) map[string][]string {
		m := map[string][]string{}
		for _, h := range headers {
			if v := c.HTTP.Header.Get(h); v != "" {
				m["s3:"+h] = []string{v}
			}
		}
		return m
	}
}

// listContext yields s3:prefix, s3:delimiter and s3:max-keys for list calls.
func listContext(c *core.Req) map[string][]string {
	m := map[string][]string{}
	for _, p := range []string{"prefix", "delimiter", "max-keys"} {
		if c.In.Params.Has(p) {
			m["s3:"+p] = []string{c.Param(p)}
		}
	}
	return m
}

var (
	reBucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// Prefixes and suffixes AWS reserves for other bucket types and features.
	reservedBucketPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedBucketSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
)

// checkBucketName applies the general purpose bucket naming rules.
func checkBucketName(name string) *core.APIError {
	bad := !reBucketName.MatchString(name) || strings.Contains(name, "..") || net.ParseIP(name) != nil
	for _, p := range reservedBucketPrefixes {
		bad = bad || strings.HasPrefix(name, p)
	}
	for _, s := range reservedBucketSuffixes {
		bad = bad || strings.HasSuffix(name, s)
	}
	if bad {
		return core.NewError("InvalidBucketName", 400, "The specified bucket is not valid.")
	}
	return nil
}

func noSuchBucket() *core.APIError {
	return core.NewError("NoSuchBucket", 404, "The specified bucket does not exist")
}

func noSuchKey() *core.APIError {
	return core.NewError("NoSuchKey", 404, "The specified key does not exist.")
}

func s3InvalidArgument(format string, args ...any) *core.APIError {
	return core.NewError("InvalidArgument", 400, format, args...)
}

// existingBucket is the call's bucket, NoSuchBucket when there is none, S3's answer to a
// request signed for another region than the bucket's, and AccessDenied when the request's
// x-amz-expected-bucket-owner names another account.
func existingBucket(c *core.Req) (*s3Bucket, *core.APIError) {
	b := findBucket(c, c.In.Labels["Bucket"])
	if b == nil {
		return nil, noSuchBucket()
	}
	if c.Region != b.region {
		return nil, core.NewError("AuthorizationHeaderMalformed", 400,
			"The authorization header is malformed; the region '%s' is wrong; expecting '%s'", c.Region, b.region)
	}
	if owner := c.HTTP.Header.Get("x-amz-expected-bucket-owner"); owner != "" && owner != b.owner {
		return nil, core.ServiceError("s3", core.ErrAccessDenied, "Access Denied") // ExpectedBucketOwner does not match
	}
	return b, nil
}

// noContent is the empty 204 answer of S3's DELETE calls.
func noContent() *core.RestResult { return &core.RestResult{Status: 204} }
