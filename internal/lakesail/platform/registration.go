package platform

import (
	"context"
	"errors"
)

// The platform picks network and cluster ids, so a create cannot be retried safely after its
// answer was lost. RegisterNetwork and RegisterCluster settle that themselves: they look for an
// existing registration of the same VPC or EKS cluster (left by an earlier call whose answer was
// lost) and adopt it instead of registering twice, and look again after an ambiguous failure.
// DeregisterNetwork and DeregisterCluster treat a registration that is already gone as done, so
// every one of these is safe to call again after any failure.

// RegisterNetwork registers a network, adopting an existing registration of the same VPC (or,
// without a VPC id, of the same name) in the same connection and region. If the create fails
// ambiguously (see IsAmbiguous) it looks again, since the platform may have carried it out. It is
// safe to call again after any failure.
func (c *Client) RegisterNetwork(ctx context.Context, in CreateNetworkInput) (*Network, error) {
	if existing, err := c.findNetwork(ctx, in); err != nil || existing != nil {
		return existing, err
	}
	created, err := c.CreateNetwork(ctx, in)
	if err == nil || !IsAmbiguous(err) {
		return created, err
	}
	// The create may have been carried out before the answer was lost.
	if existing, findErr := c.findNetwork(ctx, in); findErr == nil && existing != nil {
		return existing, nil
	}
	return nil, err
}

// findNetwork returns the registration of in's VPC (or, without a VPC id, of its name) in in's
// connection and region, or nil.
func (c *Client) findNetwork(ctx context.Context, in CreateNetworkInput) (*Network, error) {
	networks, err := c.ListNetworks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range networks {
		n := &networks[i]
		if n.ConnectionID != in.ConnectionID || n.Region != in.Region {
			continue
		}
		if (in.ProviderNetworkID != "" && n.ProviderNetworkID == in.ProviderNetworkID) ||
			(in.ProviderNetworkID == "" && n.Name == in.Name) {
			return n, nil
		}
	}
	return nil, nil
}

// DeregisterNetwork deregisters a network; an empty id (never registered) or one the platform no
// longer has counts as done.
func (c *Client) DeregisterNetwork(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	if err := c.DeleteNetwork(ctx, id); err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}

// RegisterCluster registers a cluster, adopting an existing registration of the same EKS cluster
// (or, without an ExternalClusterID, of the same name) in the same connection and region. If the
// create fails ambiguously (see IsAmbiguous) it looks again, since the platform may have carried
// it out. It is safe to call again after any failure.
func (c *Client) RegisterCluster(ctx context.Context, in CreateClusterInput) (*Cluster, error) {
	if existing, err := c.findCluster(ctx, in); err != nil || existing != nil {
		return existing, err
	}
	created, err := c.CreateCluster(ctx, in)
	if err == nil || !IsAmbiguous(err) {
		return created, err
	}
	// The create may have been carried out before the answer was lost.
	if existing, findErr := c.findCluster(ctx, in); findErr == nil && existing != nil {
		return existing, nil
	}
	return nil, err
}

// findCluster returns the registration of in's EKS cluster (or, without one, of its name) in in's
// connection and region, or nil.
func (c *Client) findCluster(ctx context.Context, in CreateClusterInput) (*Cluster, error) {
	clusters, err := c.ListClusters(ctx)
	if err != nil {
		return nil, err
	}
	for i := range clusters {
		cl := &clusters[i]
		if cl.ConnectionID != in.ConnectionID || cl.Region != in.Region {
			continue
		}
		if (in.ExternalClusterID != "" && cl.ExternalClusterID == in.ExternalClusterID) ||
			(in.ExternalClusterID == "" && cl.Name == in.Name) {
			return cl, nil
		}
	}
	return nil, nil
}

// DeregisterCluster deregisters a cluster; an empty id (never registered) or one the platform no
// longer has counts as done.
func (c *Client) DeregisterCluster(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	if err := c.DeleteCluster(ctx, id); err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}

// IsAmbiguous reports whether err is, or wraps, a failure after which the platform may or may
// not have done the work: no answer (*TransportError), a server error (an *APIError with a 5xx),
// or an answer that could not be read (*DecodeError). A 4xx is definite: the platform refused.
// After an ambiguous failure of a create, look for the object before creating it again.
func IsAmbiguous(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.IsServerError()
	}
	var transportErr *TransportError
	var decodeErr *DecodeError
	return errors.As(err, &transportErr) || errors.As(err, &decodeErr)
}
