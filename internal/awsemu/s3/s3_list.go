package s3

import (
	"encoding/base64"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// listParams are the parameters ListObjectsV2 and ListObjectVersions share.
type listParams struct {
	prefix, delimiter string
	maxKeys           int
	urlEncode         bool
}

func readListParams(c *core.Req) (listParams, *core.APIError) {
	p := listParams{prefix: c.Param("prefix"), delimiter: c.Param("delimiter"), maxKeys: 1000}
	if v := c.Param("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, s3InvalidArgument("Provided max-keys not an integer or within integer range")
		}
		p.maxKeys = min(n, 1000)
	}
	switch c.Param("encoding-type") {
	case "":
	case "url":
		p.urlEncode = true
	default:
		return p, s3InvalidArgument("Invalid Encoding Method specified in Request")
	}
	return p, nil
}

// encode applies encoding-type=url to a key or prefix in a listing.
func (p listParams) encode(s string) string {
	if p.urlEncode {
		return core.QueryEscape(s)
	}
	return s
}

// rollUp returns the common prefix key falls under (prefix + up to the first delimiter after
// it), or "" when the key is listed itself.
func (p listParams) rollUp(key string) string {
	if p.delimiter == "" {
		return ""
	}
	rest := key[len(p.prefix):]
	if i := strings.Index(rest, p.delimiter); i >= 0 {
		return p.prefix + rest[:i+len(p.delimiter)]
	}
	return ""
}

type listedObject struct {
	Key               string
	LastModified      core.S3Time
	ETag              string
	ChecksumAlgorithm string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
	Size              int
	StorageClass      string
	Owner             *s3Owner `xml:",omitempty"`
}

type commonPrefix struct {
	Prefix string
}

type listBucketResult struct {
	XMLName               xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Delimiter             string         `xml:",omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	KeyCount              int            `xml:"KeyCount"`
	IsTruncated           bool           `xml:"IsTruncated"`
	EncodingType          string         `xml:",omitempty"`
	ContinuationToken     string         `xml:",omitempty"`
	NextContinuationToken string         `xml:",omitempty"`
	StartAfter            string         `xml:",omitempty"`
	Contents              []listedObject `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

// continuation tokens are opaque: "k:<key>" resumes after a key, "p:<prefix>" after
// everything under a common prefix.
func encodeToken(kind, s string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + s))
}

func decodeToken(tok string) (kind, s string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", "", false
	}
	kind, s, ok = strings.Cut(string(raw), ":")
	return kind, s, ok && (kind == "k" || kind == "p")
}

// s3ListObjectsV2 lists the keys whose latest version is not a delete marker.
func s3ListObjectsV2(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	p, err := readListParams(c)
	if err != nil {
		return nil, err
	}
	after, afterPrefix := c.Param("start-after"), ""
	if tok := c.Param("continuation-token"); tok != "" {
		kind, s, ok := decodeToken(tok)
		if !ok {
			return nil, s3InvalidArgument("The continuation token provided is incorrect")
		}
		if kind == "p" {
			afterPrefix = s
		}
		after = s
	}
	out := listBucketResult{Name: b.name, Prefix: p.encode(p.prefix), Delimiter: p.encode(p.delimiter), MaxKeys: p.maxKeys,
		ContinuationToken: c.Param("continuation-token"), StartAfter: p.encode(c.Param("start-after"))}
	if p.urlEncode {
		out.EncodingType = "url"
	}
	owner := &s3Owner{ID: canonicalUserID(b.owner)}
	lastPrefix := ""
	for _, k := range b.sortedKeys() {
		v := b.latest(k)
		if v.deleteMarker || !strings.HasPrefix(k, p.prefix) || k <= after ||
			(afterPrefix != "" && strings.HasPrefix(k, afterPrefix)) {
			continue
		}
		cp := p.rollUp(k)
		if cp != "" && cp == lastPrefix {
			continue
		}
		if out.KeyCount == p.maxKeys {
			out.IsTruncated = p.maxKeys > 0
			break
		}
		out.KeyCount++
		if cp != "" {
			lastPrefix = cp
			out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{p.encode(cp)})
			out.NextContinuationToken = encodeToken("p", cp)
			continue
		}
		o := listedObject{Key: p.encode(k), LastModified: core.S3Time(v.modified), ETag: v.etag, Size: len(v.data), StorageClass: "STANDARD"}
		for name := range v.checksums {
			o.ChecksumAlgorithm, o.ChecksumType = strings.ToUpper(name), v.checksumType
		}
		if c.Param("fetch-owner") == "true" {
			o.Owner = owner
		}
		out.Contents = append(out.Contents, o)
		out.NextContinuationToken = encodeToken("k", k)
	}
	if !out.IsTruncated {
		out.NextContinuationToken = ""
	}
	return out, nil
}

type listedVersion struct {
	XMLName      xml.Name `xml:"Version"`
	Key          string
	VersionId    string
	IsLatest     bool
	LastModified core.S3Time
	ETag         string
	Size         int
	StorageClass string
	Owner        s3Owner
}

type listedDeleteMarker struct {
	XMLName      xml.Name `xml:"DeleteMarker"`
	Key          string
	VersionId    string
	IsLatest     bool
	LastModified core.S3Time
	Owner        s3Owner
}

type listVersionsResult struct {
	XMLName             xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListVersionsResult"`
	Name                string         `xml:"Name"`
	Prefix              string         `xml:"Prefix"`
	KeyMarker           string         `xml:"KeyMarker"`
	VersionIdMarker     string         `xml:"VersionIdMarker"`
	NextKeyMarker       string         `xml:",omitempty"`
	NextVersionIdMarker string         `xml:",omitempty"`
	MaxKeys             int            `xml:"MaxKeys"`
	Delimiter           string         `xml:",omitempty"`
	EncodingType        string         `xml:",omitempty"`
	IsTruncated         bool           `xml:"IsTruncated"`
	Entries             []any          // listedVersion and listedDeleteMarker, in key then newest-first order
	CommonPrefixes      []commonPrefix `xml:"CommonPrefixes"`
}

// s3ListObjectVersions lists every version and delete marker, keys in order and each key's
// versions newest first, resuming after key-marker (and version-id-marker).
func s3ListObjectVersions(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	p, err := readListParams(c)
	if err != nil {
		return nil, err
	}
	keyMarker, vidMarker := c.Param("key-marker"), c.Param("version-id-marker")
	if vidMarker != "" && keyMarker == "" {
		return nil, s3InvalidArgument("A version-id marker cannot be specified without a key marker.")
	}
	out := listVersionsResult{Name: b.name, Prefix: p.encode(p.prefix), KeyMarker: p.encode(keyMarker), VersionIdMarker: vidMarker,
		MaxKeys: p.maxKeys, Delimiter: p.encode(p.delimiter)}
	if p.urlEncode {
		out.EncodingType = "url"
	}
	owner := s3Owner{ID: canonicalUserID(b.owner)}
	count, lastPrefix := 0, ""
outer:
	for _, k := range b.sortedKeys() {
		if !strings.HasPrefix(k, p.prefix) || k < keyMarker || (k == keyMarker && vidMarker == "") {
			continue
		}
		if cp := p.rollUp(k); cp != "" {
			if cp == lastPrefix || (keyMarker != "" && strings.HasPrefix(keyMarker, cp)) {
				continue
			}
			if count == p.maxKeys {
				out.IsTruncated = p.maxKeys > 0
				break
			}
			count++
			lastPrefix = cp
			out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{p.encode(cp)})
			out.NextKeyMarker, out.NextVersionIdMarker = p.encode(cp), ""
			continue
		}
		versions := b.objects[k]
		skipping := k == keyMarker && vidMarker != ""
		for i, v := range versions {
			if skipping {
				if v.versionID == vidMarker {
					skipping = false
				}
				continue
			}
			if count == p.maxKeys {
				out.IsTruncated = p.maxKeys > 0
				break outer
			}
			count++
			if v.deleteMarker {
				out.Entries = append(out.Entries, listedDeleteMarker{Key: p.encode(k), VersionId: v.versionID, IsLatest: i == 0, LastModified: core.S3Time(v.modified), Owner: owner})
			} else {
				out.Entries = append(out.Entries, listedVersion{Key: p.encode(k), VersionId: v.versionID, IsLatest: i == 0,
					LastModified: core.S3Time(v.modified), ETag: v.etag, Size: len(v.data), StorageClass: "STANDARD", Owner: owner})
			}
			out.NextKeyMarker, out.NextVersionIdMarker = p.encode(k), v.versionID
		}
	}
	if !out.IsTruncated {
		out.NextKeyMarker, out.NextVersionIdMarker = "", ""
	}
	return out, nil
}
