package lakesail

// WorkspaceClient is the library's client for workspaces: the shared client's credentials, SDK clients,
// waits and logger, with the workspace operations.
type WorkspaceClient struct {
	*Client
}

// NewWorkspaceClient is c's workspace operations.
func NewWorkspaceClient(c *Client) *WorkspaceClient { return &WorkspaceClient{Client: c} }
