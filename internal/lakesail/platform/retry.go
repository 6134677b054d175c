package platform

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter bounds a Retry-After before MaxBackoff caps it, so huge values cannot overflow.
const maxRetryAfter = 24 * time.Hour

// retryPolicy is Options' retry knobs after defaults.
type retryPolicy struct {
	maxAttempts int
	minBackoff  time.Duration
	maxBackoff  time.Duration
	budget      time.Duration
	jitter      func(limit time.Duration) time.Duration // uniform in [0, limit]
}

// shouldRetry decides whether an attempt's outcome is worth another try, and names the outcome.
//
//   - 429 and 503 are retried for every request: the server says it did not do the work.
//   - 500, 502, 504 and broken connections are retried only when the route is replay-safe: the
//     request may have been carried out, and replaying a create could register an object twice.
//   - A connection that was never made (refused, unreachable) is retried for every request.
//   - Other statuses, certificate errors and unknown hosts are final.
//
// The caller checks the context before asking, so its cancellation never reaches here.
func shouldRetry(replaySafe bool, resp *http.Response, err error) (bool, string) {
	if err != nil {
		reason := err.Error()
		switch {
		case isCertificateError(err), isUnknownHost(err):
			return false, reason
		case isDialError(err):
			return true, reason
		default:
			return replaySafe, reason
		}
	}
	reason := "HTTP " + strconv.Itoa(resp.StatusCode)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true, reason
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return replaySafe, reason
	default:
		return false, reason
	}
}

// wait is how long to sleep before retry number retry (1 for the first): the server's
// Retry-After on 429 and 503, else jittered exponential backoff; MaxBackoff caps both.
func (p retryPolicy) wait(retry int, resp *http.Response, now time.Time) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if delay, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			return min(delay, p.maxBackoff)
		}
	}
	return p.exponential(retry)
}

// exponential doubles MinBackoff per retry up to MaxBackoff and keeps a random half of it
// ("equal jitter"), so clients that failed together do not retry together.
func (p retryPolicy) exponential(retry int) time.Duration {
	ceiling := p.minBackoff
	for i := 1; i < retry && ceiling < p.maxBackoff; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.maxBackoff)
	half := ceiling / 2
	return ceiling - half + p.jitter(half)
}

func randomJitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return rand.N(limit + 1)
}

// parseRetryAfter reads delay-seconds or an HTTP-date; a date in the past means "now".
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		if seconds > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(seconds) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil {
		return min(max(at.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}

// isDialError reports a connection that was never established, so no request was sent.
func isDialError(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// isUnknownHost reports a name the resolver says does not exist: a typo, not an outage.
func isUnknownHost(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

// isCertificateError reports a TLS certificate the client refused: retrying cannot fix it.
func isCertificateError(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &authorityErr) || errors.As(err, &hostnameErr) || errors.As(err, &invalidErr)
}
