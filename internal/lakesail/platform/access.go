package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// AccessProblem says what a failed CheckAccess means for a caller deciding whether to stop before
// doing work that will need the platform, or to go ahead and register later.
type AccessProblem int

const (
	// AccessUnavailable is an outage, or anything not certainly the caller's configuration: a 5xx
	// or 429, a timeout, a broken or refused connection to a remote host, an answer that is not
	// the expected JSON. It may go away by itself; the caller can go ahead and register later.
	AccessUnavailable AccessProblem = iota + 1
	// AccessTokenRefused is a 401: the token is wrong, expired or revoked.
	AccessTokenRefused
	// AccessTokenForbidden is a 403: the token is valid but may not manage connections.
	AccessTokenForbidden
	// AccessWrongURL is a base URL that certainly does not reach the API: the name does not
	// exist, nothing listens on the loopback port it names, or what answers is not the API (a 404
	// on the collection of connections, a redirect).
	AccessWrongURL
)

func (p AccessProblem) String() string {
	switch p {
	case AccessUnavailable:
		return "unavailable"
	case AccessTokenRefused:
		return "token refused"
	case AccessTokenForbidden:
		return "token forbidden"
	case AccessWrongURL:
		return "wrong URL"
	default:
		return fmt.Sprintf("AccessProblem(%d)", int(p))
	}
}

// AccessError is a failed CheckAccess: what it means, and the call's own error (*APIError,
// *TransportError or *DecodeError), which errors.As still finds.
type AccessError struct {
	Problem AccessProblem
	BaseURL string
	Err     error
}

func (e *AccessError) Error() string {
	return fmt.Sprintf("platform: checking access to %s (%s): %v", e.BaseURL, e.Problem, e.Err)
}

func (e *AccessError) Unwrap() error { return e.Err }

// Outage reports whether the problem may go away without a change of configuration.
func (e *AccessError) Outage() bool { return e.Problem == AccessUnavailable }

// CheckAccess asks the platform for one connection, the cheapest call that needs a valid token,
// to learn before any other work whether the base URL reaches the API and the token is
// accepted. It returns nil or an *AccessError. It retries as every request does, so bound ctx.
func (c *Client) CheckAccess(ctx context.Context) error {
	answer, err := c.send(ctx, listConnectionsRoute(), url.Values{"limit": {"1"}}, nil)
	if err == nil {
		var first page
		err = answer.decode(&first)
		if err == nil && len(first.Items) == 0 {
			err = answer.decodeError(errors.New(`the list has no "items"`))
		}
	}
	if err == nil {
		return nil
	}
	return &AccessError{Problem: c.accessProblem(err), BaseURL: c.baseURL, Err: err}
}

// accessProblem classifies a failed request; only what is certain leaves AccessUnavailable.
func (c *Client) accessProblem(err error) AccessProblem {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.IsUnauthorized():
			return AccessTokenRefused
		case apiErr.IsForbidden():
			return AccessTokenForbidden
		case apiErr.StatusCode == http.StatusNotFound, apiErr.StatusCode >= 300 && apiErr.StatusCode <= 399:
			return AccessWrongURL
		default:
			return AccessUnavailable
		}
	}
	var transportErr *TransportError
	if !errors.As(err, &transportErr) {
		return AccessUnavailable
	}
	host := c.host()
	switch {
	case isUnknownHost(err) && !strings.EqualFold(host, defaultHost()):
		// The resolver says the configured name does not exist: a typo. For LakeSail's own name
		// it says more about this machine's resolver than about the URL.
		return AccessWrongURL
	case isLoopback(host) && errors.Is(err, syscall.ECONNREFUSED):
		// Nothing listens on this machine's port; no remote outage can explain that.
		return AccessWrongURL
	default:
		return AccessUnavailable
	}
}

// host is the base URL's host name, without port or brackets.
func (c *Client) host() string {
	parsed, err := url.Parse(c.baseURL)
	if err != nil {
		return ""
	}
	return parsed.Hostname()
}

func defaultHost() string {
	parsed, _ := url.Parse(DefaultBaseURL)
	return parsed.Hostname()
}

// IsCredentialRefused reports whether err is, or wraps, a 401 or a 403: a token the platform
// will not take, which retrying cannot fix.
func IsCredentialRefused(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && (apiErr.IsUnauthorized() || apiErr.IsForbidden())
}

// ValidateBaseURL checks a base URL as New does (https, or http to a loopback host; a host; no
// user information, query or fragment) without building a client; errors never echo user
// information.
func ValidateBaseURL(raw string) error {
	_, err := normalizeBaseURL(raw)
	return err
}
