package lakesail

// NetworkClient is the library's client for networks: the shared client's credentials, SDK clients,
// waits and logger, with the network operations.
type NetworkClient struct {
	*Client
}

// NewNetworkClient is c's network operations.
func NewNetworkClient(c *Client) *NetworkClient { return &NetworkClient{Client: c} }
