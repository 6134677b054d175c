package connection

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Client is the library's client for connections: the shared client's credentials, SDK clients,
// waits and logger, with the connection operations.
type Client struct {
	*lakesail.Client
}

// New is c's connection operations.
func New(c *lakesail.Client) *Client { return &Client{Client: c} }
