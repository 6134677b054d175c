package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Read limits: a page of 100 objects is far below the first; error bodies only feed a message.
const (
	successBodyLimit = 16 << 20
	errorReadLimit   = 64 << 10
)

// response is a 2xx answer, read in full.
type response struct {
	route       route
	status      int
	contentType string
	requestID   string
	body        []byte
	secret      secret // scrubbed from snippets quoted in errors
}

// send makes one operation's request, retrying as retry.go decides, and returns the 2xx answer
// or a typed error: *APIError, *TransportError, or a plain error for a request it cannot build.
func (c *Client) send(ctx context.Context, r route, query url.Values, input any) (*response, error) {
	target := c.baseURL + r.path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var body any // stays an untyped nil without input: a nil []byte would be sent as a chunked empty body
	if input != nil {
		encoded, err := json.Marshal(input)
		if err != nil {
			return nil, fmt.Errorf("platform: %s: encoding the request: %w", r.operation, err)
		}
		body = encoded
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("platform: %s: building the request: %w", r.operation, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if input != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	tries := &tries{client: c, route: r, start: time.Now()}
	retrier := &retryablehttp.Client{
		HTTPClient:     c.http,
		RetryMax:       c.policy.maxAttempts, // a ceiling only: tries.checkRetry stops first
		CheckRetry:     tries.checkRetry,
		Backoff:        tries.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: tries.logAttempt,
	}
	resp, err := retrier.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		transportErr := tries.transportError(err)
		c.log.Debug(ctx, "platform request failed", tries.fields("error", transportErr.Error())...)
		return nil, transportErr
	}
	defer func() { _ = resp.Body.Close() }()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := tries.apiError(resp)
		c.log.Debug(ctx, "platform request failed", tries.fields("status", apiErr.StatusCode, "request_id", apiErr.RequestID)...)
		return nil, apiErr
	}
	answer := &response{
		route:       r,
		status:      resp.StatusCode,
		contentType: resp.Header.Get("Content-Type"),
		requestID:   requestID(resp.Header),
		secret:      c.token,
	}
	answer.body, err = io.ReadAll(io.LimitReader(resp.Body, successBodyLimit+1))
	if err != nil {
		return nil, tries.transportError(err)
	}
	if len(answer.body) > successBodyLimit {
		return nil, answer.decodeError(fmt.Errorf("the body is larger than %d MiB", successBodyLimit>>20))
	}
	c.log.Debug(ctx, "platform request done", tries.fields("status", resp.StatusCode, "request_id", answer.requestID)...)
	return answer, nil
}

// empty reports a 2xx without a body, as a 202 or 204 may have.
func (r *response) empty() bool { return len(bytes.TrimSpace(r.body)) == 0 }

// decode unmarshals the body into out; unknown fields are ignored, a body that is not JSON is a
// *DecodeError naming the operation.
func (r *response) decode(out any) error {
	if r.empty() {
		return r.decodeError(errors.New("the body is empty"))
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		return r.decodeError(err)
	}
	return nil
}

func (r *response) decodeError(err error) *DecodeError {
	return &DecodeError{
		Operation:   r.route.operation,
		Method:      r.route.method,
		Path:        r.route.path,
		StatusCode:  r.status,
		ContentType: r.contentType,
		RequestID:   r.requestID,
		Snippet:     oneLine(redactSecret(string(r.body), r.secret()), snippetLimit),
		Err:         err,
	}
}

// identified is a model with an id, so a decoded object can be checked for one.
type identified interface {
	objectID() string
}

// decodeObject decodes a single object and refuses one without an id: a null or foreign body
// must not pass for the object the operation asked for.
func decodeObject[T any, P interface {
	*T
	identified
}](r *response) (*T, error) {
	var object T
	if err := r.decode(&object); err != nil {
		return nil, err
	}
	if P(&object).objectID() == "" {
		return nil, r.decodeError(errors.New("the object has no id"))
	}
	return &object, nil
}

// tries follows one operation across its attempts; retryablehttp calls its hooks in sequence, so
// it needs no lock.
type tries struct {
	client     *Client
	route      route
	start      time.Time
	count      int
	lastStatus int
	nextWait   time.Duration
}

// checkRetry is retryablehttp's CheckRetry: it counts the attempt, asks shouldRetry, and
// refuses a retry that the attempt cap, the budget or the context deadline leaves no room for.
func (t *tries) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	t.count++
	if resp != nil {
		t.lastStatus = resp.StatusCode
	}
	select {
	case <-ctx.Done():
		return false, nil // the caller gave up; the transport error already wraps ctx.Err()
	default:
	}
	retry, outcome := shouldRetry(t.route.replaySafe, resp, err)
	if !retry {
		return false, nil
	}
	wait, stop := t.plan(ctx, resp)
	if stop != "" {
		t.client.log.Warn(ctx, "platform request failed; not retrying", t.fields("outcome", outcome, "reason", stop)...)
		return false, nil
	}
	t.nextWait = wait
	t.client.log.Warn(ctx, "platform request failed; retrying", t.fields("outcome", outcome, "wait", wait.String(), "max_attempts", t.client.policy.maxAttempts)...)
	return true, nil
}

// plan returns the wait before the next attempt, or why there will be none.
func (t *tries) plan(ctx context.Context, resp *http.Response) (time.Duration, string) {
	policy := t.client.policy
	if t.count >= policy.maxAttempts {
		return 0, fmt.Sprintf("all %d attempts used", policy.maxAttempts)
	}
	now := time.Now()
	remaining := policy.budget - now.Sub(t.start)
	if remaining <= 0 {
		return 0, fmt.Sprintf("the retry budget of %s is spent", policy.budget)
	}
	wait := min(policy.wait(t.count, resp, now), remaining)
	if deadline, ok := ctx.Deadline(); ok && deadline.Sub(now) <= wait {
		return 0, fmt.Sprintf("the context deadline comes before the next attempt, due in %s", wait)
	}
	return wait, ""
}

// backoff is retryablehttp's Backoff: the wait checkRetry just planned.
func (t *tries) backoff(time.Duration, time.Duration, int, *http.Response) time.Duration {
	return t.nextWait
}

// logAttempt is retryablehttp's RequestLogHook; it logs the method and path, never headers.
func (t *tries) logAttempt(_ retryablehttp.Logger, req *http.Request, retry int) {
	t.client.log.Debug(req.Context(), "platform request", "operation", t.route.operation, "method", t.route.method, "path", t.route.path, "attempt", retry+1)
}

// fields are the key-value pairs every log line of this operation carries, then extra.
func (t *tries) fields(extra ...any) []any {
	base := []any{"operation", t.route.operation, "method", t.route.method, "path", t.route.path,
		"attempt", t.count, "elapsed", time.Since(t.start).Round(time.Millisecond).String()}
	return append(base, extra...)
}

func (t *tries) transportError(err error) *TransportError {
	return &TransportError{
		Operation:  t.route.operation,
		Method:     t.route.method,
		Path:       t.route.path,
		Attempts:   t.count,
		Elapsed:    time.Since(t.start),
		LastStatus: t.lastStatus,
		Err:        err,
	}
}

// apiError reads an error answer into an *APIError, scrubbing the token in case the server
// echoed the request's headers.
func (t *tries) apiError(resp *http.Response) *APIError {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, errorReadLimit)) // a cut body still makes a message
	body := redactSecret(string(raw), t.client.token())
	fields := parseErrorBody([]byte(body))
	apiErr := &APIError{
		Operation:  t.route.operation,
		Method:     t.route.method,
		Path:       t.route.path,
		StatusCode: resp.StatusCode,
		Code:       fields.code,
		Message:    fields.message,
		RequestID:  requestID(resp.Header),
		Body:       truncate(body, errorBodyLimit),
		Attempts:   t.count,
	}
	if apiErr.RequestID == "" {
		apiErr.RequestID = fields.requestID
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 && apiErr.Message == "" {
		apiErr.Message = fmt.Sprintf("redirected to %q; set the base URL to the final address", resp.Header.Get("Location"))
	}
	return apiErr
}
