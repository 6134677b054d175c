package platform

import (
	"net/http"
)

// Client calls LakeSail's platform API. Build it once with New; it is safe for concurrent use.
type Client struct {
	baseURL   string
	token     secret
	userAgent string
	http      *http.Client
	log       Logger
	policy    retryPolicy
}

// secret holds the token in a closure: fmt prints a func as an address under every verb, so no
// way of printing a Client, its logger or an error can reveal what the closure captured.
type secret func() string

func newSecret(value string) secret { return func() string { return value } }

// New validates opts, applies the defaults and returns a Client. No request is made.
func New(opts Options) (*Client, error) {
	s, err := opts.settings()
	if err != nil {
		return nil, err
	}
	return &Client{
		baseURL:   s.baseURL,
		token:     s.token,
		userAgent: s.userAgent,
		http:      s.http,
		log:       s.logger,
		policy:    s.policy,
	}, nil
}

// BaseURL is the API root the client calls, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// UserAgent is the User-Agent header the client sends.
func (c *Client) UserAgent() string { return c.userAgent }

// String describes the client without its token.
func (c *Client) String() string { return "platform.Client(" + c.baseURL + ")" }

// GoString describes the client without its token for %#v.
func (c *Client) GoString() string { return "&platform.Client{BaseURL: " + `"` + c.baseURL + `"}` }
