package network

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Client is the library's client for networks: the shared client's credentials, SDK clients,
// waits and logger, with the network operations.
type Client struct {
	*lakesail.Client
}

// New is c's network operations.
func New(c *lakesail.Client) *Client { return &Client{Client: c} }
