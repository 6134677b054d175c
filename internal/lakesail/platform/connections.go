package platform

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// ProviderAWS is the cloud provider of the connections this client registers.
const ProviderAWS = "aws"

// Connection statuses the platform is known to report; others may appear.
const (
	ConnectionStatusActive       = "active"
	ConnectionStatusDisconnected = "disconnected"
	ConnectionStatusFailed       = "failed"
)

// connectionIDPattern is the platform's id format: 10 upper-case letters or digits.
var connectionIDPattern = regexp.MustCompile(`^[A-Z0-9]{10}$`)

// Connection is a cloud account connected to LakeSail. Timestamps are zero when absent.
type Connection struct {
	ID                  string                   `json:"id"`
	Name                string                   `json:"name"`
	Provider            string                   `json:"provider"`
	ProviderConfig      ConnectionProviderConfig `json:"providerConfig"`
	Status              string                   `json:"status"`
	StatusMessage       string                   `json:"statusMessage"`
	LastUsedAt          time.Time                `json:"lastUsedAt"`
	TemplateSyncedAt    time.Time                `json:"templateSyncedAt"`
	TemplateSyncMessage string                   `json:"templateSyncMessage"`
	CreatedAt           time.Time                `json:"createdAt"`
	CreatedBy           string                   `json:"createdBy"`
	UpdatedAt           time.Time                `json:"updatedAt"`
	UpdatedBy           string                   `json:"updatedBy"`
}

func (c *Connection) objectID() string { return c.ID }

// ConnectionProviderConfig locates the connection's role in the customer's account.
type ConnectionProviderConfig struct {
	AccountID           string `json:"accountId"`
	Region              string `json:"region"`
	RoleARN             string `json:"roleArn"`
	ExternalIDSecretARN string `json:"externalIdSecretArn"`
	StackARN            string `json:"stackArn"`
}

// CreateConnectionInput registers a connection role that Terraform made.
type CreateConnectionInput struct {
	ID             string                    `json:"id"`
	Name           string                    `json:"name"`
	Provider       string                    `json:"provider"` // ProviderAWS when empty
	ProviderConfig CreateConnectionAWSConfig `json:"providerConfig"`
}

// CreateConnectionAWSConfig is the role to record: the platform assumes it with the external ID
// it already holds for the connection.
type CreateConnectionAWSConfig struct {
	AccountID string `json:"accountId"`
	Region    string `json:"region"`
	RoleARN   string `json:"roleArn"`
}

// ListConnections returns every connection of the organisation, reading all pages.
func (c *Client) ListConnections(ctx context.Context) ([]Connection, error) {
	return listAll[Connection](ctx, c, listConnectionsRoute())
}

// GetConnection returns one connection; a missing one is an *APIError with IsNotFound.
func (c *Client) GetConnection(ctx context.Context, id string) (*Connection, error) {
	r, err := getConnectionRoute(id)
	if err != nil {
		return nil, err
	}
	answer, err := c.send(ctx, r, nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeObject[Connection](answer)
}

// CreateConnection registers a connection. It is not retried after an ambiguous failure (a 5xx
// from a gateway, a broken connection): the caller knows the id and can ask GetConnection.
func (c *Client) CreateConnection(ctx context.Context, in CreateConnectionInput) (*Connection, error) {
	r := createConnectionRoute()
	if in.Provider == "" {
		in.Provider = ProviderAWS
	}
	if err := in.validate(); err != nil {
		return nil, fmt.Errorf("platform: %s: %w", r.operation, err)
	}
	answer, err := c.send(ctx, r, nil, in)
	if err != nil {
		return nil, err
	}
	return decodeObject[Connection](answer)
}

func (in CreateConnectionInput) validate() error {
	if !connectionIDPattern.MatchString(in.ID) {
		return fmt.Errorf("id %q is not 10 upper-case letters or digits", in.ID)
	}
	if in.Name == "" || in.ProviderConfig.AccountID == "" || in.ProviderConfig.Region == "" || in.ProviderConfig.RoleARN == "" {
		return errors.New("name, providerConfig.accountId, providerConfig.region and providerConfig.roleArn are required")
	}
	return nil
}

// VerifyConnection asks the platform to assume the connection's role now and returns the
// connection with the resulting status. When the platform answers without a body (202, 204),
// the connection is read back with GetConnection.
func (c *Client) VerifyConnection(ctx context.Context, id string) (*Connection, error) {
	r, err := verifyConnectionRoute(id)
	if err != nil {
		return nil, err
	}
	answer, err := c.send(ctx, r, nil, nil)
	if err != nil {
		return nil, err
	}
	if answer.empty() {
		return c.GetConnection(ctx, id)
	}
	return decodeObject[Connection](answer)
}

// DeleteConnection deregisters a connection. An absent one is an *APIError with IsNotFound,
// which a caller deleting it can treat as done.
func (c *Client) DeleteConnection(ctx context.Context, id string) error {
	r, err := deleteConnectionRoute(id)
	if err != nil {
		return err
	}
	_, err = c.send(ctx, r, nil, nil)
	return err
}
