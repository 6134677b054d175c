package s3

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// S3 payload handling: the X-Amz-Content-Sha256 a request signs, aws-chunked bodies (the SDK
// streams PutObject over TLS as STREAMING-UNSIGNED-PAYLOAD-TRAILER with its checksum in a
// trailer), Content-MD5 and the flexible checksums (x-amz-checksum-<algorithm>).

// s3Payload is a request body with any aws-chunked encoding removed, and the trailing headers
// the encoding carried (lower-case names).
func s3Payload(c *core.Req) ([]byte, map[string]string, *core.APIError) {
	h := c.HTTP.Header
	chunked := strings.Contains(h.Get("Content-Encoding"), "aws-chunked") || strings.HasPrefix(h.Get("X-Amz-Content-Sha256"), "STREAMING-")
	if !chunked {
		return c.Body, nil, nil
	}
	data, trailers, ok := decodeAWSChunked(c.Body)
	if !ok {
		return nil, nil, core.InvalidRequest("The chunked encoding of the request body is malformed")
	}
	if v := h.Get("X-Amz-Decoded-Content-Length"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n != len(data) {
			return nil, nil, core.NewError("IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header")
		}
	}
	return data, trailers, nil
}

// decodeAWSChunked reads "<hex size>[;chunk-signature=...]\r\n<data>\r\n" chunks up to the
// zero-size one, then "name:value\r\n" trailers up to an empty line. Chunk and trailer
// signatures are not verified.
func decodeAWSChunked(body []byte) ([]byte, map[string]string, bool) {
	var out []byte
	rest := body
	for {
		line, after, ok := bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			return nil, nil, false
		}
		sizeText, _, _ := strings.Cut(string(line), ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeText), 16, 64)
		if err != nil || size < 0 || int64(len(after)) < size {
			return nil, nil, false
		}
		if size == 0 {
			rest = after
			break
		}
		out = append(out, after[:size]...)
		rest = bytes.TrimPrefix(after[size:], []byte("\r\n"))
	}
	trailers := map[string]string{}
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte("\r\n"))
		rest = after
		if len(line) == 0 {
			continue
		}
		k, v, ok := strings.Cut(string(line), ":")
		if !ok {
			return nil, nil, false
		}
		trailers[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	if out == nil {
		out = []byte{}
	}
	return out, trailers, true
}

// crc64NVME is the CRC-64/NVME table S3 uses for its default full-object checksums.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// checksumAlgorithms maps x-amz-checksum-<name> to the hash it carries.
var checksumAlgorithms = map[string]func() hash.Hash{
	"crc32":     func() hash.Hash { return crc32.NewIEEE() },
	"crc32c":    func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	"crc64nvme": func() hash.Hash { return crc64.New(crc64NVME) },
	"sha1":      sha1.New,
	"sha256":    sha256.New,
}

func checksumOf(name string, data []byte) string {
	h := checksumAlgorithms[name]()
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// checkIntegrity verifies Content-MD5 and any x-amz-checksum-* header or trailer against
// data, and returns the checksums to store (S3 adds CRC64NVME when the client sent none).
func checkIntegrity(c *core.Req, data []byte, trailers map[string]string) (map[string]string, *core.APIError) {
	if md := c.HTTP.Header.Get("Content-MD5"); md != "" {
		want, err := base64.StdEncoding.DecodeString(md)
		if err != nil || len(want) != md5.Size {
			return nil, core.NewError("InvalidDigest", 400, "The Content-MD5 you specified was invalid.")
		}
		if got := md5.Sum(data); !bytes.Equal(got[:], want) {
			return nil, core.NewError("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
		}
	}
	sums := map[string]string{}
	for name := range checksumAlgorithms {
		v := c.HTTP.Header.Get("x-amz-checksum-" + name)
		if t, ok := trailers["x-amz-checksum-"+name]; ok {
			v = t
		}
		if v == "" {
			continue
		}
		if got := checksumOf(name, data); got != v {
			return nil, core.NewError("BadDigest", 400, "The %s you specified did not match the calculated checksum.", strings.ToUpper(name))
		}
		sums[name] = v
	}
	if len(sums) > 1 {
		return nil, core.InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
	}
	if len(sums) == 0 {
		sums["crc64nvme"] = checksumOf("crc64nvme", data)
	}
	return sums, nil
}

// md5ETag is the quoted MD5 S3 uses as the ETag of single-part objects.
func md5ETag(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// requireDeleteDigest is S3's rule that DeleteObjects carries Content-MD5 or a checksum.
func requireDeleteDigest(r *http.Request) *core.APIError {
	if r.Header.Get("Content-MD5") != "" {
		return nil
	}
	for name := range checksumAlgorithms {
		if r.Header.Get("x-amz-checksum-"+name) != "" {
			return nil
		}
	}
	return core.InvalidRequest("Missing required header for this request: Content-MD5")
}
