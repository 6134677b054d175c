package platform

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Defaults applied by New to the zero values of Options.
const (
	DefaultBaseURL        = "https://platform.lakesail.com/api/v1"
	DefaultProductName    = "lakesail-platform-go"
	DefaultProductVersion = "dev"
	DefaultMaxAttempts    = 5
	DefaultMinBackoff     = time.Second
	DefaultMaxBackoff     = 30 * time.Second
	DefaultRetryBudget    = 2 * time.Minute
	DefaultAttemptTimeout = time.Minute
)

// Options configure a Client. Zero values take the defaults above; only Token is required.
// Options print safely: the token shows as [REDACTED].
type Options struct {
	// BaseURL of the API, DefaultBaseURL when empty. It must be https, except on a loopback
	// host (tests, the local emulator), so the token never crosses a network in clear text.
	BaseURL string
	// Token is the bearer token; surrounding white space (a file's trailing newline) is ignored.
	Token Token

	// ProductName and ProductVersion lead the User-Agent ("terraform-provider-lakesail/1.2.3"),
	// so the platform's logs say which tool made each call.
	ProductName    string
	ProductVersion string

	// HTTPClient sends the requests; tests pass one with their own transport. The client uses a
	// copy, refusing redirects and bounding each attempt by AttemptTimeout when the copy has none.
	HTTPClient *http.Client
	// Logger receives debug lines for each attempt and a warning for each retry; nil discards them.
	Logger Logger

	// MaxAttempts bounds the tries of one request, the first included (1 disables retries).
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the jittered exponential wait between tries; MaxBackoff
	// also caps a server's Retry-After.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// RetryBudget bounds the time one request may spend, retries and waits included, before the
	// client stops retrying. The context's deadline, when sooner, wins.
	RetryBudget time.Duration
	// AttemptTimeout bounds one try (connect, send, read the response) when the context has no
	// sooner deadline, so a hung server cannot hold a caller that set none.
	AttemptTimeout time.Duration
}

// settings are Options after defaults and validation.
type settings struct {
	baseURL   string // no trailing slash
	token     secret
	userAgent string
	http      *http.Client
	logger    Logger
	policy    retryPolicy
}

func (o Options) settings() (settings, error) {
	baseURL, err := normalizeBaseURL(o.BaseURL)
	if err != nil {
		return settings{}, err
	}
	tokenValue, err := normalizeToken(o.Token)
	if err != nil {
		return settings{}, err
	}
	userAgent, err := buildUserAgent(o.ProductName, o.ProductVersion)
	if err != nil {
		return settings{}, err
	}
	policy, err := o.retryPolicy()
	if err != nil {
		return settings{}, err
	}
	attemptTimeout := o.AttemptTimeout
	switch {
	case attemptTimeout < 0:
		return settings{}, fmt.Errorf("platform: AttemptTimeout must not be negative, got %s", attemptTimeout)
	case attemptTimeout == 0:
		attemptTimeout = DefaultAttemptTimeout
	}
	token := newSecret(tokenValue)
	logger := o.Logger
	if logger == nil {
		logger = nopLogger{}
	}
	return settings{
		baseURL:   baseURL,
		token:     token,
		userAgent: userAgent,
		http:      httpClientFor(o.HTTPClient, attemptTimeout),
		logger:    redactingLogger{next: logger, secret: token},
		policy:    policy,
	}, nil
}

func (o Options) retryPolicy() (retryPolicy, error) {
	policy := retryPolicy{
		maxAttempts: o.MaxAttempts,
		minBackoff:  o.MinBackoff,
		maxBackoff:  o.MaxBackoff,
		budget:      o.RetryBudget,
		jitter:      randomJitter,
	}
	if policy.maxAttempts < 0 || policy.minBackoff < 0 || policy.maxBackoff < 0 || policy.budget < 0 {
		return retryPolicy{}, errors.New("platform: MaxAttempts, MinBackoff, MaxBackoff and RetryBudget must not be negative")
	}
	if policy.maxAttempts == 0 {
		policy.maxAttempts = DefaultMaxAttempts
	}
	// A default never contradicts the bound the caller did set.
	switch {
	case policy.minBackoff == 0 && policy.maxBackoff == 0:
		policy.minBackoff, policy.maxBackoff = DefaultMinBackoff, DefaultMaxBackoff
	case policy.minBackoff == 0:
		policy.minBackoff = min(DefaultMinBackoff, policy.maxBackoff)
	case policy.maxBackoff == 0:
		policy.maxBackoff = max(DefaultMaxBackoff, policy.minBackoff)
	}
	if policy.budget == 0 {
		policy.budget = DefaultRetryBudget
	}
	if policy.minBackoff > policy.maxBackoff {
		return retryPolicy{}, fmt.Errorf("platform: MinBackoff (%s) is longer than MaxBackoff (%s)", policy.minBackoff, policy.maxBackoff)
	}
	return policy, nil
}

// normalizeBaseURL checks the URL and drops a trailing slash; errors never echo user information.
func normalizeBaseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	parsed, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("platform: the base URL is not a valid URL")
	}
	if parsed.User != nil {
		return "", errors.New("platform: the base URL must not carry user information; pass the token in Options.Token")
	}
	if parsed.Host == "" || parsed.Opaque != "" {
		return "", fmt.Errorf("platform: the base URL %q has no host", parsed.Redacted())
	}
	if parsed.RawQuery != "" || parsed.Fragment != "" {
		return "", fmt.Errorf("platform: the base URL %q must not have a query or fragment", parsed.Redacted())
	}
	switch parsed.Scheme {
	case "https":
	case "http":
		if !isLoopback(parsed.Hostname()) {
			return "", fmt.Errorf("platform: the base URL %q uses http; only https may carry the token off this host", parsed.Redacted())
		}
	default:
		return "", fmt.Errorf("platform: the base URL %q must use https", parsed.Redacted())
	}
	return strings.TrimRight(parsed.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// normalizeToken trims and checks the token; errors never include it.
func normalizeToken(token Token) (string, error) {
	trimmed := strings.TrimSpace(string(token))
	if trimmed == "" {
		return "", errors.New("platform: a token is required")
	}
	if strings.IndexFunc(trimmed, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "", errors.New("platform: the token contains white space or control characters")
	}
	return trimmed, nil
}

// buildUserAgent returns "name/version"; both parts must be single header tokens.
func buildUserAgent(name, version string) (string, error) {
	if name == "" {
		name = DefaultProductName
	}
	if version == "" {
		version = DefaultProductVersion
	}
	for _, part := range []string{name, version} {
		if strings.ContainsAny(part, "/ ") || strings.IndexFunc(part, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
			return "", fmt.Errorf("platform: the product name and version must be printable ASCII without spaces or slashes, got %q", part)
		}
	}
	return name + "/" + version, nil
}

// httpClientFor copies the caller's client (or builds one) so the settings below never leak
// into a client the caller shares with other code.
func httpClientFor(given *http.Client, attemptTimeout time.Duration) *http.Client {
	var client http.Client
	if given != nil {
		client = *given
	} else if transport, ok := http.DefaultTransport.(*http.Transport); ok {
		client.Transport = transport.Clone()
	}
	if client.Timeout == 0 {
		client.Timeout = attemptTimeout
	}
	if client.CheckRedirect == nil {
		client.CheckRedirect = refuseRedirect
	}
	return &client
}

// refuseRedirect returns the 3xx itself: following it could turn a POST into a GET or send the
// request somewhere the user did not configure.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
