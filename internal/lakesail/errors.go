package lakesail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// AWSError is a failed AWS call, with the operation in IAM action form and the service's error
// code, so the provider can say what failed and what to do.
type AWSError struct {
	Action  string // e.g. "iam:CreateRole"
	Code    string // e.g. "AccessDenied"; empty when the answer carried no AWS error code
	Message string
	// HTTPStatus is the status of the endpoint's answer; 0 when no answer came (a network failure).
	HTTPStatus int
	// ContentType and Body describe an answer that is not an AWS error (a proxy's error page,
	// another product's API): its Content-Type and a short excerpt of its body, with control
	// characters replaced and whitespace collapsed. Both are empty for an AWS error.
	ContentType string
	Body        string
	Err         error

	emptyBody bool // the answer was seen to have no body
}

func (e *AWSError) Error() string {
	if e.Code == "" && e.HTTPStatus == 0 {
		return fmt.Sprintf("%s: %v", e.Action, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Action, e.Answer())
}

func (e *AWSError) Unwrap() error { return e.Err }

// Answer says what the endpoint answered: the AWS error code and message, or, for an answer that
// is not an AWS error, its HTTP status and the start of its body.
func (e *AWSError) Answer() string {
	switch {
	case e.Code != "" && e.codeFromStatus():
		// S3 names a bodyless answer (a HEAD request) by its status: say the status.
	case e.Code != "" && e.Message != "":
		return e.Code + ": " + e.Message
	case e.Code != "":
		return e.Code
	case e.HTTPStatus == 0:
		return fmt.Sprint(e.Err)
	}
	answer := fmt.Sprintf("HTTP %d", e.HTTPStatus)
	if text := http.StatusText(e.HTTPStatus); text != "" {
		answer += " " + text
	}
	if e.Code == "" {
		answer += " without an AWS error code"
	}
	switch {
	case e.Body != "" && e.ContentType != "":
		answer += fmt.Sprintf("; body (%s): %s", e.ContentType, e.Body)
	case e.Body != "":
		answer += "; body: " + e.Body
	case e.Message != "" && !e.codeFromStatus():
		answer += "; message: " + e.Message
	case e.emptyBody:
		answer += " and an empty body"
	}
	return answer
}

// codeFromStatus reports whether the code is the SDK's rendering of the HTTP status (S3 does
// this for answers without an error body) rather than a code the endpoint sent.
func (e *AWSError) codeFromStatus() bool {
	text := http.StatusText(e.HTTPStatus)
	return text != "" && e.Code == strings.ReplaceAll(text, " ", "") && e.Message == text
}

// IsAccessDenied reports whether the call was refused by IAM policy evaluation.
func (e *AWSError) IsAccessDenied() bool {
	switch e.Code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException",
		"Forbidden": // a refused HEAD request (S3 HeadBucket) has no body, only its status
		return true
	}
	return false
}

// IsNotFound reports whether the call named an object that does not exist.
func (e *AWSError) IsNotFound() bool {
	switch e.Code {
	case "NoSuchEntity", "ResourceNotFoundException", "NotFoundException", "NoSuchBucket", "NatGatewayNotFound",
		"EntityNotFoundException",                                         // Glue
		"ParameterNotFound",                                               // SSM
		"LoadBalancerNotFound", "TargetGroupNotFound", "ListenerNotFound": // Elastic Load Balancing
		return true
	}
	return strings.HasSuffix(e.Code, ".NotFound")
}

// sdkPlaceholderCode is the code the SDK gives an error answer whose body names none.
const sdkPlaceholderCode = "UnknownError"

// wrapAWSError turns an SDK error into an *AWSError naming the action; nil stays nil. An answer
// that is not an AWS error (no code in it, or a body the SDK could not decode) keeps Code empty
// and records the HTTP status and an excerpt of the body instead.
func WrapAWSError(action string, err error) error {
	if err == nil {
		return nil
	}
	wrapped := &AWSError{Action: action, Err: err}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		wrapped.Code = apiErr.ErrorCode()
		wrapped.Message = apiErr.ErrorMessage()
	}
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &respErr) || respErr.Response == nil || respErr.Response.Response == nil {
		return wrapped
	}
	wrapped.HTTPStatus = respErr.HTTPStatusCode()
	body, recorded := answerBody(err)
	wrapped.emptyBody = recorded && len(body) == 0
	if !notAnAWSError(wrapped, body) {
		return wrapped
	}
	wrapped.Code = "" // no code came: the SDK's placeholder or one it made up from the status
	if wrapped.Message == sdkPlaceholderCode || wrapped.Message == http.StatusText(wrapped.HTTPStatus) {
		wrapped.Message = "" // the SDK's filler, not the endpoint's words
	}
	wrapped.ContentType = bodyExcerpt([]byte(respErr.Response.Header.Get("Content-Type")), 80)
	wrapped.Body = bodyExcerpt(body, bodyExcerptRunes)
	return wrapped
}

// notAnAWSError reports whether an error answer carried no AWS error code: the SDK could not
// decode its body, found no code in it, or (S3) made the code up from the HTTP status although
// the answer had a body.
func notAnAWSError(e *AWSError, body []byte) bool {
	switch {
	case e.Code == "", e.Code == sdkPlaceholderCode:
		return true
	case e.codeFromStatus():
		// A bodyless answer (a HEAD request) has only its status, which stays its code.
		return len(bytes.TrimSpace(body)) > 0 && !bytes.Contains(body, []byte("<Code>"))
	}
	return false
}

// answerBody is the start of the body of the error answer behind err, as recorded by
// recordErrorBodies (recorded is then true, even for an empty body), else the snapshot the SDK
// keeps of a body it could not decode.
func answerBody(err error) (body []byte, recorded bool) {
	var recording *answerBodyError
	if errors.As(err, &recording) {
		return recording.Body, true
	}
	var deserialization *smithy.DeserializationError
	if errors.As(err, &deserialization) {
		return deserialization.Snapshot, false
	}
	return nil, false
}

// bodyExcerptRunes bounds the excerpt of a body quoted in an error: enough to recognise a proxy's
// page or another API's message, short enough for a diagnostic.
const bodyExcerptRunes = 200

// bodyExcerpt makes a body safe to print: invalid UTF-8 and control characters become U+FFFD,
// runs of whitespace one space, and more than limit characters are cut with an ellipsis.
func bodyExcerpt(body []byte, limit int) string {
	var excerpt strings.Builder
	runes, pendingSpace := 0, false
	for _, r := range strings.ToValidUTF8(string(body), "\uFFFD") {
		if unicode.IsSpace(r) {
			pendingSpace = excerpt.Len() > 0
			continue
		}
		if runes == limit {
			excerpt.WriteString("…")
			break
		}
		if pendingSpace {
			excerpt.WriteByte(' ')
			runes++
			pendingSpace = false
		}
		if !unicode.IsPrint(r) {
			r = unicode.ReplacementChar
		}
		excerpt.WriteRune(r)
		runes++
	}
	return excerpt.String()
}

// errorBodyLimit is how much of an error answer's body is kept for the message.
const errorBodyLimit = 4096

// answerBodyError carries the start of an error answer's body past the SDK, which reads the body
// to decode it and keeps only a snapshot of bodies it cannot decode (none for S3 or query APIs).
type answerBodyError struct {
	Body []byte
	Err  error
}

func (e *answerBodyError) Error() string { return e.Err.Error() }
func (e *answerBodyError) Unwrap() error { return e.Err }

const (
	errorBodyAttachID   = "lakesail:AttachErrorBody"
	errorBodyRecorderID = "lakesail:RecordErrorBody"
)

// recordErrorBodies is an aws.Config APIOptions function that keeps the start of every error
// answer's body in the error, so that an answer that is not an AWS error can be quoted. Adding it
// twice to a stack is harmless.
func recordErrorBodies(stack *middleware.Stack) error {
	if _, ok := stack.Deserialize.Get(errorBodyAttachID); ok {
		return nil
	}
	// Outermost in the step it sees the decoded error; innermost it sees the raw answer first.
	if err := stack.Deserialize.Add(errorBodyAttach{}, middleware.Before); err != nil {
		return err
	}
	return stack.Deserialize.Add(errorBodyRecorder{}, middleware.After)
}

type errorBodyKey struct{}

// errorBodyRecord is what errorBodyRecorder saw of one attempt's answer.
type errorBodyRecord struct {
	seen bool // the answer was an error status
	body bytes.Buffer
}

// errorBodyAttach gives each attempt a buffer for errorBodyRecorder and wraps the attempt's error
// with what was recorded.
type errorBodyAttach struct{}

func (errorBodyAttach) ID() string { return errorBodyAttachID }

func (errorBodyAttach) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	recorded := &errorBodyRecord{}
	out, metadata, err := next.HandleDeserialize(context.WithValue(ctx, errorBodyKey{}, recorded), in)
	if err != nil && recorded.seen {
		err = &answerBodyError{Body: recorded.body.Bytes(), Err: err}
	}
	return out, metadata, err
}

// errorBodyRecorder copies the start of an error answer's body as the SDK reads it.
type errorBodyRecorder struct{}

func (errorBodyRecorder) ID() string { return errorBodyRecorderID }

func (errorBodyRecorder) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	out, metadata, err := next.HandleDeserialize(ctx, in)
	recorded, _ := ctx.Value(errorBodyKey{}).(*errorBodyRecord)
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if recorded != nil && ok && resp.Response != nil && resp.StatusCode >= 300 {
		recorded.seen = true
		if resp.Body != nil {
			resp.Body = &recordingBody{ReadCloser: resp.Body, recorded: &recorded.body}
		}
	}
	return out, metadata, err
}

// recordingBody copies the first errorBodyLimit bytes read from a body.
type recordingBody struct {
	io.ReadCloser
	recorded *bytes.Buffer
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := errorBodyLimit - b.recorded.Len(); room > 0 {
		b.recorded.Write(p[:min(n, room)])
	}
	return n, err
}
