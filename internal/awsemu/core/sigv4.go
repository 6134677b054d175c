package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	sigV4Algorithm = "AWS4-HMAC-SHA256"
	sigV4Time      = "20060102T150405Z"
	maxClockSkew   = 15 * time.Minute
)

// sigV4 is what a request's SigV4 signature claims.
type sigV4 struct {
	AccessKey     string
	Date          string // credential scope date, YYYYMMDD
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
	Time          time.Time // X-Amz-Date
	Token         string    // X-Amz-Security-Token
	Presigned     bool
	Expires       time.Duration // presigned URLs only
}

// parseSigV4 reads the Authorization header or presigned query. It returns nil, nil for an
// unsigned request and an errIncompleteSignature message for a malformed one.
func parseSigV4(r *http.Request) (*sigV4, string) {
	q := r.URL.Query()
	if auth := r.Header.Get("Authorization"); auth != "" {
		algo, rest, _ := strings.Cut(auth, " ")
		if algo != sigV4Algorithm {
			return nil, "Unsupported AWS 'algorithm': '" + algo + "'"
		}
		s := &sigV4{Token: r.Header.Get("X-Amz-Security-Token")}
		for _, part := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				if !s.setCredential(v) {
					return nil, "Authorization header requires 'Credential' parameter of the form AKID/DATE/REGION/SERVICE/aws4_request."
				}
			case "SignedHeaders":
				s.SignedHeaders = strings.Split(v, ";")
			case "Signature":
				s.Signature = v
			}
		}
		if s.AccessKey == "" || len(s.SignedHeaders) == 0 || s.Signature == "" {
			return nil, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=" + algo
		}
		amzDate := r.Header.Get("X-Amz-Date")
		t, err := time.Parse(sigV4Time, amzDate)
		if err != nil {
			return nil, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + algo
		}
		s.Time = t
		return s, ""
	}
	if q.Get("X-Amz-Signature") == "" && q.Get("X-Amz-Credential") == "" {
		return nil, ""
	}
	if q.Get("X-Amz-Algorithm") != sigV4Algorithm {
		return nil, "Unsupported AWS 'algorithm': '" + q.Get("X-Amz-Algorithm") + "'"
	}
	s := &sigV4{Presigned: true, Token: q.Get("X-Amz-Security-Token"), Signature: q.Get("X-Amz-Signature")}
	if !s.setCredential(q.Get("X-Amz-Credential")) || s.Signature == "" || q.Get("X-Amz-SignedHeaders") == "" {
		return nil, "Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date and X-Amz-SignedHeaders parameters."
	}
	s.SignedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	t, err := time.Parse(sigV4Time, q.Get("X-Amz-Date"))
	if err != nil {
		return nil, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
	}
	s.Time = t
	if v := q.Get("X-Amz-Expires"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 604800 {
			return nil, "X-Amz-Expires must be between 1 and 604800 seconds"
		}
		s.Expires = time.Duration(n) * time.Second
	}
	return s, ""
}

// setCredential splits AKID/DATE/REGION/SERVICE/aws4_request.
func (s *sigV4) setCredential(v string) bool {
	parts := strings.Split(v, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" || parts[3] == "" {
		return false
	}
	s.AccessKey, s.Date, s.Region, s.Service = parts[0], parts[1], parts[2], parts[3]
	return true
}

// checkTime rejects signatures outside AWS's window, against the wall clock the SDK signs with
// (not Options.Now, which tests move). It returns an errSignatureDoesNotMatch message or "".
func (s *sigV4) checkTime(wall time.Time) string {
	if s.Presigned {
		expires := s.Expires
		if expires == 0 {
			expires = maxClockSkew // without X-Amz-Expires a presigned URL lives 15 minutes, not forever
		}
		if wall.After(s.Time.Add(expires)) {
			return "Signature expired: " + s.Time.Add(expires).Format(sigV4Time) + " is now earlier than " + wall.UTC().Format(sigV4Time)
		}
		return ""
	}
	if s.Time.Before(wall.Add(-maxClockSkew)) {
		return "Signature expired: " + s.Time.Format(sigV4Time) + " is now earlier than " +
			wall.Add(-maxClockSkew).UTC().Format(sigV4Time) + " (" + wall.UTC().Format(sigV4Time) + " - 15 min.)"
	}
	if s.Time.After(wall.Add(maxClockSkew)) {
		return "Signature not yet current: " + s.Time.Format(sigV4Time) + " is still later than " +
			wall.Add(maxClockSkew).UTC().Format(sigV4Time) + " (" + wall.UTC().Format(sigV4Time) + " + 15 min.)"
	}
	return ""
}

// verify recomputes the signature with the SDK's own signer over a copy of the request that
// carries only the signed headers, and compares it with the one sent.
func (s *sigV4) verify(r *http.Request, body []byte, creds aws.Credentials) bool {
	if s.Date != s.Time.Format("20060102") {
		return false
	}
	rr := &http.Request{
		Method: r.Method,
		URL:    &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
		Host:   r.Host,
		Header: http.Header{},
	}
	tokenSigned := false
	for _, h := range s.SignedHeaders {
		switch h {
		case "host", "x-amz-date":
			// the signer writes these itself
		case "content-length":
			rr.ContentLength = int64(len(body))
		case "x-amz-security-token":
			tokenSigned = true
			rr.Header[textproto.CanonicalMIMEHeaderKey(h)] = r.Header.Values(h)
		default:
			rr.Header[textproto.CanonicalMIMEHeaderKey(h)] = r.Header.Values(h)
		}
	}
	opts := func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = s.Service == "s3" // S3 signs the path as sent; others escape it again
		o.DisableSessionToken = !tokenSigned && !s.Presigned
	}
	signer := v4.NewSigner()
	if s.Presigned {
		q := rr.URL.Query()
		q.Del("X-Amz-Signature")
		rr.URL.RawQuery = q.Encode()
		uri, _, err := signer.PresignHTTP(context.Background(), creds, rr, s.payloadHash(r, body), s.Service, s.Region, s.Time, opts)
		if err != nil {
			return false
		}
		u, err := url.Parse(uri)
		if err != nil {
			return false
		}
		return hmac.Equal([]byte(u.Query().Get("X-Amz-Signature")), []byte(s.Signature))
	}
	if err := signer.SignHTTP(context.Background(), creds, rr, s.payloadHash(r, body), s.Service, s.Region, s.Time, opts); err != nil {
		return false
	}
	_, got, _ := strings.Cut(rr.Header.Get("Authorization"), "Signature=")
	return hmac.Equal([]byte(got), []byte(s.Signature))
}

// payloadHash is, for S3, X-Amz-Content-Sha256 when sent (S3 checks it against the body, see
// checkContentSHA256) and UNSIGNED-PAYLOAD for presigned URLs; for every other service it is the
// body's SHA-256, which they compute themselves: a declared UNSIGNED-PAYLOAD must not leave the
// body of an IAM or KMS call unsigned.
func (s *sigV4) payloadHash(r *http.Request, body []byte) string {
	if s.Service != "s3" {
		sum := sha256.Sum256(body)
		return hex.EncodeToString(sum[:])
	}
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		return h
	}
	if s.Presigned {
		if h := r.URL.Query().Get("X-Amz-Content-Sha256"); h != "" {
			return h
		}
		return "UNSIGNED-PAYLOAD"
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
