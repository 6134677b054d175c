// Package lakesail is the shared library behind the Terraform provider: the IAM documents of a
// connection, and the create/read/update/delete logic for connections, networks and workspaces.
// It imports no Terraform package, so LakeSail's own control plane can use it as is.
package lakesail

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultLakeSailPrincipal is LakeSail's production control-plane account.
const DefaultLakeSailPrincipal = "arn:aws:iam::921150455437:root"

// Options configure a Client beyond what the aws.Config carries.
type Options struct {
	// AccountID of the credentials in the aws.Config; when empty it is asked of STS on first use.
	AccountID string
	// Partition of the region ("aws", "aws-cn", "aws-us-gov"); required.
	Partition string
	// Endpoints overrides service endpoints by service id ("iam", "sts", "ec2", "eks", "s3",
	// "kms", "logs", "ssm", "acm", "glue"). Unknown ids are rejected by NewClient.
	Endpoints map[string]string
	// LakeSailPrincipal is trusted by every connection role (DefaultLakeSailPrincipal when empty).
	LakeSailPrincipal string
	// WaitMinDelay and WaitMaxDelay bound the polling of waiters (NAT gateways, dependency
	// retries); zero keeps AWS's recommended delays. Tests shrink them instead of sleeping.
	WaitMinDelay time.Duration
	WaitMaxDelay time.Duration
	// Logger hears the progress of long operations (creates, deletes, waits); nil discards it.
	Logger Logger
	// Now is the clock certificates are issued by and their renewal is judged against; nil is
	// time.Now. Tests set the emulator's clock, which they move forward.
	Now func() time.Time
}

// Client is the library's entry point, built once from the customer's AWS configuration.
type Client struct {
	Cfg  aws.Config
	opts Options

	accountMu sync.Mutex // guards opts.AccountID while it is resolved lazily

	// caller is who cfg's credentials are, asked of STS once: the account, ARN and principal of
	// a set of credentials do not change. Copies with the same credentials share it
	// (WithWaitDelays); a client from AssumeRole acts with other credentials and has its own.
	caller *callerCache

	// clients are the SDK clients of cfg, built once each (see clientSet); shared by copies that
	// keep cfg.
	clients *clientSet

	// roles are the connection roles read for a refresh or plan (ObserveConnectionRoleCached);
	// shared by copies that keep cfg, like caller.
	roles *roleCache
}

// callerCache holds the answers about the client's own credentials; failures are not kept.
type callerCache struct {
	mu        sync.Mutex // held across the lookups, so concurrent callers wait for one answer
	identity  *Identity  // GetCallerIdentity's answer (PrincipalARN unset)
	principal string     // the trustable principal, once resolved
}

// NewClient returns a Client that acts with the credentials in cfg.
func NewClient(cfg aws.Config, opts Options) (*Client, error) {
	if opts.Partition == "" {
		return nil, fmt.Errorf("lakesail: the partition is required")
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("lakesail: the AWS configuration has no region")
	}
	opts.Endpoints = maps.Clone(opts.Endpoints) // the caller's map stays as it was
	for id, url := range opts.Endpoints {
		if !IsService(id) {
			return nil, fmt.Errorf("lakesail: unknown endpoint service %q (known: %v)", id, Services())
		}
		if url == "" {
			delete(opts.Endpoints, id)
		}
	}
	if opts.LakeSailPrincipal == "" {
		opts.LakeSailPrincipal = DefaultLakeSailPrincipal
	}
	cfg = cfg.Copy()
	// Keep the start of error bodies, so an answer that is not an AWS error can be quoted.
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), recordErrorBodies)
	return &Client{Cfg: cfg, opts: opts, caller: &callerCache{}, clients: newClientSet(cfg, opts), roles: &roleCache{}}, nil
}

// AccountID is the account the client's credentials belong to: the one given in Options, or
// asked of STS (once per client: see CallerIdentity).
func (c *Client) AccountID(ctx context.Context) (string, error) {
	c.accountMu.Lock()
	defer c.accountMu.Unlock()
	if c.opts.AccountID != "" {
		return c.opts.AccountID, nil
	}
	id, err := c.stsIdentity(ctx)
	if err != nil {
		return "", err
	}
	c.opts.AccountID = id.AccountID
	return c.opts.AccountID, nil
}

// stsIdentity is GetCallerIdentity's answer for the client's credentials, asked at most once
// successfully.
func (c *Client) stsIdentity(ctx context.Context) (Identity, error) {
	c.caller.mu.Lock()
	defer c.caller.mu.Unlock()
	return c.stsIdentityLocked(ctx)
}

func (c *Client) stsIdentityLocked(ctx context.Context) (Identity, error) {
	if c.caller.identity != nil {
		return *c.caller.identity, nil
	}
	out, err := c.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, WrapAWSError("sts:GetCallerIdentity", err)
	}
	c.caller.identity = &Identity{
		AccountID: aws.ToString(out.Account),
		ARN:       aws.ToString(out.Arn),
		UserID:    aws.ToString(out.UserId),
	}
	return *c.caller.identity, nil
}

// Partition is the AWS partition of the client's account ("aws", "aws-cn", "aws-us-gov").
func (c *Client) Partition() string { return c.opts.Partition }

// Now is the time on the client's clock (Options.Now, else the system's).
func (c *Client) Now() time.Time {
	if now := c.options().Now; now != nil {
		return now()
	}
	return time.Now()
}

// Region is the region the client works in.
func (c *Client) Region() string { return c.Cfg.Region }

// LakeSailPrincipal is the principal connection roles trust.
func (c *Client) LakeSailPrincipal() string { return c.opts.LakeSailPrincipal }

// options is a snapshot of the client's options (AccountID may be filled in lazily).
func (c *Client) options() Options {
	c.accountMu.Lock()
	defer c.accountMu.Unlock()
	return c.opts
}

// AWSConfig is a copy of the configuration the client acts with (for a client from AssumeRole,
// the connection role's refreshing credentials), for callers that need other AWS calls.
func (c *Client) AWSConfig() aws.Config { return c.Cfg.Copy() }
