package core

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RestXMLProtocol is REST-XML as S3 speaks it, path-style: the bucket is the first path segment
// and the key everything after it (http://host/<bucket>/<key>?<subresource>). Operations declare
// their route in Operation.HTTP as "METHOD /", "METHOD /{Bucket}" or "METHOD /{Bucket}/{Key+}",
// optionally followed by ?key or ?key=value query requirements ("PUT /{Bucket}?encryption",
// "GET /{Bucket}?list-type=2"). A route matches the method, the path's shape and every query
// key it names; among matches the one naming the most query keys wins. The SDK's x-id query
// parameter, when sent, must name the operation. Labels "Bucket" and "Key" carry the path.
//
// Handlers return a struct that marshals to the response document (with its XMLName), a
// *restResult for status codes, headers and raw bodies, or nil for an empty 200. Errors are
// S3's <Error><Code/><Message/><RequestId/><HostId/></Error>; responses to HEAD have no body.
type RestXMLProtocol struct{}

// RestResult is a REST response a handler shapes itself.
type RestResult struct {
	Status int         // default 200
	Header http.Header // added to the response
	Body   []byte      // raw body (GetObject, GetBucketPolicy), or
	XML    any         // a document to marshal
}

type restRoute struct {
	method string
	shape  int               // 0 "/", 1 "/{Bucket}", 2 "/{Bucket}/{Key+}"
	query  map[string]string // required query keys; "" accepts any value
}

func parseRestRoute(tmpl string) restRoute {
	method, rest, _ := strings.Cut(tmpl, " ")
	path, query, _ := strings.Cut(rest, "?")
	rt := restRoute{method: method, query: map[string]string{}}
	switch {
	case strings.Contains(path, "{Key+}"):
		rt.shape = 2
	case strings.Contains(path, "{Bucket}"):
		rt.shape = 1
	}
	if query != "" {
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			rt.query[k] = v
		}
	}
	return rt
}

// splitS3Path splits a path-style request path into bucket and key.
func splitS3Path(p string) (shape int, bucket, key string) {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return 0, "", ""
	}
	bucket, key, _ = strings.Cut(p, "/")
	if key == "" {
		return 1, bucket, ""
	}
	return 2, bucket, key
}

func (RestXMLProtocol) Route(s *Service, r *http.Request, body []byte) (*Operation, Input, *APIError) {
	q := r.URL.Query()
	shape, bucket, key := splitS3Path(r.URL.Path)
	in := Input{Params: q, Labels: map[string]string{}}
	if shape >= 1 {
		in.Labels["Bucket"] = bucket
	}
	if shape == 2 {
		in.Labels["Key"] = key
	}
	var best *Operation
	bestKeys := -1
	for _, op := range s.order {
		if op.HTTP == "" {
			continue
		}
		rt := parseRestRoute(op.HTTP)
		if rt.method != r.Method || rt.shape != shape {
			continue
		}
		if id := q.Get("x-id"); id != "" && id != op.Name {
			continue
		}
		ok := true
		for k, v := range rt.query {
			if !q.Has(k) || (v != "" && q.Get(k) != v) {
				ok = false
				break
			}
		}
		if ok && len(rt.query) > bestKeys {
			best, bestKeys = op, len(rt.query)
		}
	}
	if best == nil {
		return nil, in, ServiceError(s.Name, ErrUnknownOperation, "A header you provided implies functionality that is not implemented")
	}
	if err := checkContentSHA256(r, body); err != nil {
		return best, in, err
	}
	return best, in, nil
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func (p RestXMLProtocol) WriteResult(w http.ResponseWriter, c *Req, out any) {
	res, ok := out.(*RestResult)
	if !ok {
		res = &RestResult{XML: out}
	}
	body := res.Body
	contentType := ""
	if res.XML != nil {
		var buf bytes.Buffer
		buf.WriteString(xmlHeader)
		if err := xml.NewEncoder(&buf).Encode(res.XML); err != nil {
			p.WriteError(w, c, ServiceError(c.Service.Name, ErrInternal, err.Error()))
			return
		}
		body, contentType = buf.Bytes(), "application/xml"
	}
	h := w.Header()
	for k, v := range res.Header {
		h[k] = v
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	status := res.Status
	if status == 0 {
		status = http.StatusOK
	}
	writeRest(w, c, status, body)
}

func (RestXMLProtocol) WriteError(w http.ResponseWriter, c *Req, e *APIError) {
	var buf bytes.Buffer
	buf.WriteString(xmlHeader + "<Error><Code>")
	_ = xml.EscapeText(&buf, []byte(e.Code))
	buf.WriteString("</Code><Message>")
	_ = xml.EscapeText(&buf, []byte(e.Message))
	buf.WriteString("</Message><RequestId>" + c.RequestID + "</RequestId><HostId>" + hostID() + "</HostId></Error>")
	w.Header().Set("Content-Type", "application/xml")
	body := buf.Bytes()
	if c.HTTP != nil && c.HTTP.Method == http.MethodHead {
		body = nil // HEAD responses carry the status alone
	}
	writeRest(w, c, e.Status, body)
}

// writeRest writes S3's request-id headers, the length (unless a HEAD handler set it) and body.
func writeRest(w http.ResponseWriter, c *Req, status int, body []byte) {
	h := w.Header()
	h.Set("X-Amz-Request-Id", c.RequestID)
	h.Set("X-Amz-Id-2", hostID())
	head := c.HTTP != nil && c.HTTP.Method == http.MethodHead
	if !head || h.Get("Content-Length") == "" {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	if status == http.StatusNoContent {
		h.Del("Content-Length")
	}
	w.WriteHeader(status)
	if !head && status != http.StatusNoContent {
		_, _ = w.Write(body)
	}
}

// hostID is an opaque x-amz-id-2 value.
func hostID() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// S3Time renders timestamps in S3 documents (ISO 8601 with milliseconds).
type S3Time time.Time

func (t S3Time) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z")), nil
}

// HTTPDate renders Last-Modified and similar headers.
func HTTPDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// DecodeXML reads a request document; anything that does not parse is MalformedXML.
func DecodeXML(body []byte, v any) *APIError {
	if len(bytes.TrimSpace(body)) == 0 {
		return MalformedXML()
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return MalformedXML()
	}
	return nil
}

func MalformedXML() *APIError {
	return NewError("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema")
}

// QueryEscape encodes list keys for encoding-type=url responses.
func QueryEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// checkContentSHA256 is S3's check of the payload hash a header-signed request declares:
// required, and when it is a hash it must be the body's.
func checkContentSHA256(r *http.Request, body []byte) *APIError {
	if r.Header.Get("Authorization") == "" {
		return nil // presigned URLs sign UNSIGNED-PAYLOAD
	}
	h := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case h == "":
		return InvalidRequest("Missing required header for this request: x-amz-content-sha256")
	case h == "UNSIGNED-PAYLOAD" || strings.HasPrefix(h, "STREAMING-"):
		return nil
	}
	sum := sha256.Sum256(body)
	if !strings.EqualFold(h, hex.EncodeToString(sum[:])) {
		return NewError("XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return nil
}

func InvalidRequest(format string, args ...any) *APIError {
	return NewError("InvalidRequest", 400, format, args...)
}
