package platform

import (
	"context"
	"fmt"
	"time"
)

// Cluster is a Kubernetes cluster registered with the platform (a workspace's EKS cluster).
type Cluster struct {
	ID                string    `json:"id"`
	Name              string    `json:"name"`
	ExternalClusterID string    `json:"externalClusterId"`
	Region            string    `json:"region"`
	ConnectionID      string    `json:"connectionId"`
	NetworkID         string    `json:"networkId"`
	ExternalStatus    string    `json:"externalStatus"`
	OperationID       string    `json:"operationId"`
	CreatedAt         time.Time `json:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt"`
}

func (c *Cluster) objectID() string { return c.ID }

// CreateClusterInput registers a cluster that Terraform made in a connection's account.
type CreateClusterInput struct {
	Name              string `json:"name"`
	Region            string `json:"region"`
	ConnectionID      string `json:"connectionId"`
	NetworkID         string `json:"networkId,omitempty"`
	ExternalClusterID string `json:"externalClusterId,omitempty"` // the EKS cluster name
}

// ListClusters returns every cluster visible to the token's user, reading all pages.
func (c *Client) ListClusters(ctx context.Context) ([]Cluster, error) {
	return listAll[Cluster](ctx, c, listClustersRoute())
}

// CreateCluster registers a cluster. The platform picks its id, so it is not retried after an
// ambiguous failure; the caller can look for it with ListClusters.
func (c *Client) CreateCluster(ctx context.Context, in CreateClusterInput) (*Cluster, error) {
	r := createClusterRoute()
	if in.Name == "" || in.Region == "" || in.ConnectionID == "" {
		return nil, fmt.Errorf("platform: %s: name, region and connectionId are required", r.operation)
	}
	answer, err := c.send(ctx, r, nil, in)
	if err != nil {
		return nil, err
	}
	return decodeObject[Cluster](answer)
}

// DeleteCluster deregisters a cluster; an absent one is an *APIError with IsNotFound.
func (c *Client) DeleteCluster(ctx context.Context, id string) error {
	r, err := deleteClusterRoute(id)
	if err != nil {
		return err
	}
	_, err = c.send(ctx, r, nil, nil)
	return err
}
