package workspace

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Client is the library's client for workspaces: the shared client's credentials, SDK clients,
// waits and logger, with the workspace operations.
type Client struct {
	*lakesail.Client
}

// New is c's workspace operations.
func New(c *lakesail.Client) *Client { return &Client{Client: c} }
