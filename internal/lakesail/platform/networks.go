package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Network is a network the platform manages or knows of in a connection's account.
type Network struct {
	ID                string          `json:"id"`
	ConnectionID      string          `json:"connectionId"`
	Name              string          `json:"name"`
	Region            string          `json:"region"`
	ProviderNetworkID string          `json:"providerNetworkId"` // the VPC id
	Config            NetworkConfig   `json:"config"`
	IaCState          NetworkIaCState `json:"iacState"`
	IaCOutputs        json.RawMessage `json:"iacOutputs"` // shape not public; kept raw
	Status            string          `json:"status"`
	StatusMessage     string          `json:"statusMessage"`
	CreatedAt         time.Time       `json:"createdAt"`
	UpdatedAt         time.Time       `json:"updatedAt"`
}

func (n *Network) objectID() string { return n.ID }

// NetworkConfig is the network's address space.
type NetworkConfig struct {
	CIDR string `json:"cidr,omitempty"`
}

// NetworkIaCState names the infrastructure-as-code project and stack that built the network.
type NetworkIaCState struct {
	ProjectName string `json:"projectName"`
	StackName   string `json:"stackName"`
}

// CreateNetworkInput registers a network that Terraform made.
type CreateNetworkInput struct {
	ConnectionID      string        `json:"connectionId"`
	Name              string        `json:"name"`
	Region            string        `json:"region"`
	ProviderNetworkID string        `json:"providerNetworkId,omitempty"`
	Config            NetworkConfig `json:"config"`
}

// ListNetworks returns every network, reading all pages.
func (c *Client) ListNetworks(ctx context.Context) ([]Network, error) {
	return listAll[Network](ctx, c, listNetworksRoute())
}

// GetNetwork returns one network; a missing one is an *APIError with IsNotFound.
func (c *Client) GetNetwork(ctx context.Context, id string) (*Network, error) {
	r, err := getNetworkRoute(id)
	if err != nil {
		return nil, err
	}
	answer, err := c.send(ctx, r, nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeObject[Network](answer)
}

// CreateNetwork registers a network. The platform picks its id, so it is not retried after an
// ambiguous failure; the caller can look for it with ListNetworks.
func (c *Client) CreateNetwork(ctx context.Context, in CreateNetworkInput) (*Network, error) {
	r := createNetworkRoute()
	if in.ConnectionID == "" || in.Name == "" || in.Region == "" {
		return nil, fmt.Errorf("platform: %s: connectionId, name and region are required", r.operation)
	}
	answer, err := c.send(ctx, r, nil, in)
	if err != nil {
		return nil, err
	}
	return decodeObject[Network](answer)
}

// DeleteNetwork deregisters a network; an absent one is an *APIError with IsNotFound.
func (c *Client) DeleteNetwork(ctx context.Context, id string) error {
	r, err := deleteNetworkRoute(id)
	if err != nil {
		return err
	}
	_, err = c.send(ctx, r, nil, nil)
	return err
}
