package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on how much of a response body an error keeps.
const (
	errorBodyLimit = 1024 // APIError.Body
	snippetLimit   = 200  // bodies quoted inside an error message
)

// requestIDHeaders are the response headers that commonly carry a request id, in order of trust.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Amzn-Requestid", "X-Amz-Request-Id", "X-Trace-Id"}

// APIError is an error status from the platform: what was asked, what it answered and the
// request id its operators need to find the call.
type APIError struct {
	Operation  string // e.g. "CreateConnection"
	Method     string
	Path       string // relative to the base URL, as sent
	StatusCode int
	Code       string // the API's error code, when its body has one
	Message    string // the API's message, when its body has one
	RequestID  string
	Body       string // the raw body, truncated to 1 KiB, for shapes the parser does not know
	Attempts   int    // tries made, retries included
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platform: %s (%s %s): HTTP %d", e.Operation, e.Method, e.Path, e.StatusCode)
	switch {
	case e.Code != "" && e.Message != "":
		fmt.Fprintf(&b, " %s: %s", e.Code, e.Message)
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Message)
	case e.Code != "":
		fmt.Fprintf(&b, " %s", e.Code)
	case e.Body != "":
		fmt.Fprintf(&b, " %s; body: %s", http.StatusText(e.StatusCode), oneLine(e.Body, snippetLimit))
	default:
		fmt.Fprintf(&b, " %s", http.StatusText(e.StatusCode))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

// IsNotFound reports a 404 or 410: for a delete, the object is already gone and the caller can
// treat the delete as done.
func (e *APIError) IsNotFound() bool {
	return e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusGone
}

// IsConflict reports a 409, e.g. a create whose id is taken.
func (e *APIError) IsConflict() bool { return e.StatusCode == http.StatusConflict }

// IsUnauthorized reports a 401: the token is missing, expired or revoked.
func (e *APIError) IsUnauthorized() bool { return e.StatusCode == http.StatusUnauthorized }

// IsForbidden reports a 403: the token is valid but lacks permission.
func (e *APIError) IsForbidden() bool { return e.StatusCode == http.StatusForbidden }

// IsBadRequest reports a 400 or 422: the request itself was refused and retrying cannot help.
func (e *APIError) IsBadRequest() bool {
	return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
}

// IsThrottled reports a 429 that outlasted the retries.
func (e *APIError) IsThrottled() bool { return e.StatusCode == http.StatusTooManyRequests }

// IsServerError reports a 5xx.
func (e *APIError) IsServerError() bool { return e.StatusCode >= 500 && e.StatusCode <= 599 }

// IsNotFound reports whether err is, or wraps, an *APIError for a missing object.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.IsNotFound()
}

// IsConflict reports whether err is, or wraps, an *APIError with status 409.
func IsConflict(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.IsConflict()
}

// TransportError is a request that got no usable answer: the connection was refused or broken,
// the attempt timed out, or the context ended. LastStatus is the last error status seen before
// that, if any, and Err the underlying cause (errors.Is finds context.DeadlineExceeded in it).
type TransportError struct {
	Operation  string
	Method     string
	Path       string
	Attempts   int
	Elapsed    time.Duration
	LastStatus int
	Err        error
}

func (e *TransportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platform: %s (%s %s): no response after %d attempt(s) in %s", e.Operation, e.Method, e.Path, e.Attempts, e.Elapsed.Round(time.Millisecond))
	if e.LastStatus != 0 {
		fmt.Fprintf(&b, " (last status HTTP %d)", e.LastStatus)
	}
	cause := e.Err
	// url.Error repeats the method and full URL already given above.
	var urlErr *url.Error
	if errors.As(cause, &urlErr) {
		cause = urlErr.Err
	}
	fmt.Fprintf(&b, ": %v", cause)
	return b.String()
}

func (e *TransportError) Unwrap() error { return e.Err }

// DecodeError is a success status whose body is not the JSON the operation expects.
type DecodeError struct {
	Operation   string
	Method      string
	Path        string
	StatusCode  int
	ContentType string
	RequestID   string
	Snippet     string // start of the body, for the diagnostic
	Err         error
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platform: %s (%s %s): the HTTP %d response is not the expected JSON", e.Operation, e.Method, e.Path, e.StatusCode)
	if e.ContentType != "" {
		fmt.Fprintf(&b, " (content type %q)", e.ContentType)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.Snippet != "" {
		fmt.Fprintf(&b, "; body starts: %s", e.Snippet)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// requestID finds the request id in the response headers, trying the common names in order.
func requestID(header http.Header) string {
	for _, name := range requestIDHeaders {
		if value := strings.TrimSpace(header.Get(name)); value != "" {
			return value
		}
	}
	return ""
}

// errorFields is what parseErrorBody could find in an error body of unknown shape.
type errorFields struct {
	code, message, requestID string
}

// parseErrorBody reads the common error shapes: {"code","message"}, {"error":{...}},
// {"error":"...","error_description":"..."}, {"errors":[...]} and RFC 7807 problem details.
// Anything else yields empty fields and the caller keeps the raw body.
func parseErrorBody(body []byte) errorFields {
	var object map[string]any
	if json.Unmarshal(body, &object) != nil {
		return errorFields{}
	}
	return fieldsOf(object, 0)
}

func fieldsOf(object map[string]any, depth int) errorFields {
	var fields errorFields
	fields.code = firstString(object, "code", "errorCode", "error_code")
	fields.message = firstString(object, "message", "detail", "error_description", "msg", "title")
	fields.requestID = firstString(object, "requestId", "request_id", "traceId")
	if depth > 2 {
		return fields
	}
	switch inner := object["error"].(type) {
	case map[string]any:
		fields = merge(fields, fieldsOf(inner, depth+1))
	case string:
		// {"error":"invalid_request","error_description":"..."} names a code; alone it is the message.
		if fields.message == "" {
			fields.message = inner
		} else if fields.code == "" {
			fields.code = inner
		}
	}
	if list, ok := object["errors"].([]any); ok && len(list) > 0 {
		var first errorFields
		switch item := list[0].(type) {
		case map[string]any:
			first = fieldsOf(item, depth+1)
		case string:
			first.message = item
		}
		if first.message != "" && len(list) > 1 {
			first.message += fmt.Sprintf(" (and %d more)", len(list)-1)
		}
		fields = merge(fields, first)
	}
	return fields
}

// merge keeps what outer found and fills the rest from inner.
func merge(outer, inner errorFields) errorFields {
	if outer.code == "" {
		outer.code = inner.code
	}
	if outer.message == "" {
		outer.message = inner.message
	}
	if outer.requestID == "" {
		outer.requestID = inner.requestID
	}
	return outer
}

// firstString returns the first key holding a non-empty string (or a number, for numeric codes).
func firstString(object map[string]any, keys ...string) string {
	for _, key := range keys {
		switch value := object[key].(type) {
		case string:
			if value != "" {
				return value
			}
		case float64:
			return strconv.FormatFloat(value, 'f', -1, 64)
		}
	}
	return ""
}

// truncate cuts text to at most limit bytes on a rune boundary and says how much was cut.
func truncate(text string, limit int) string {
	if len(text) <= limit {
		return text
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…(%d more bytes)", text[:cut], len(text)-cut)
}

// oneLine collapses white space so a body fits in a one-line error message.
func oneLine(text string, limit int) string {
	return truncate(strings.Join(strings.Fields(text), " "), limit)
}
