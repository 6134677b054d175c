package lakesail

// ConnectionClient is the library's client for connections: the shared client's credentials, SDK clients,
// waits and logger, with the connection operations.
type ConnectionClient struct {
	*Client
}

// NewConnectionClient is c's connection operations.
func NewConnectionClient(c *Client) *ConnectionClient { return &ConnectionClient{Client: c} }
