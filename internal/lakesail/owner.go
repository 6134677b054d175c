package lakesail

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// The account's own credentials (ownerAccess): for the network's bucket and key, and beyond them
// the few changes the connection role may not make because IAM cannot tie
// them to what LakeSail created. The role may create a cluster's OIDC provider and import the
// session certificate, but their tags prove nothing (the role can add the connection's tags to
// ones it did not create), so deleting or replacing them is the account's. Likewise only the
// account may mark a bring-your-own VPC and subnets LakeSail-Adoptable-By=<ID>, the tag that lets
// the role mark and launch into them. Each is done with the client's own credentials, after the
// same account check, and only once the object is shown to be the workspace's or network's by
// something the role cannot forge.

// newOwnerAccess is the account's own credentials for the connection's account accountID, as
// far as base has them; nil base means none (every use then reports that the account must act).
func NewOwnerAccess(base *Client, accountID string) *OwnerAccess {
	if base == nil {
		return nil
	}
	return &OwnerAccess{Base: base, AccountID: accountID}
}

// usable reports whether the client's credentials are the account's (asked of STS once).
func (o *OwnerAccess) usable(ctx context.Context) (bool, error) {
	if o == nil || o.Base == nil {
		return false, nil
	}
	_, _, ok, err := o.Clients(ctx)
	return ok, err
}

// iam is the account's own IAM client, or ok == false when the client has no credentials of it.
func (o *OwnerAccess) IAM(ctx context.Context) (api IAMAPI, ok bool, err error) {
	if ok, err = o.usable(ctx); !ok || err != nil {
		return nil, ok, err
	}
	return o.Base.IAM(), true, nil
}

// acm is the account's own ACM client, or ok == false when the client has no credentials of it.
func (o *OwnerAccess) ACM(ctx context.Context) (api ACMAPI, ok bool, err error) {
	if ok, err = o.usable(ctx); !ok || err != nil {
		return nil, ok, err
	}
	return o.Base.ACM(), true, nil
}

// ec2 is the account's own EC2 client, or ok == false when the client has no credentials of it.
func (o *OwnerAccess) EC2(ctx context.Context) (api EC2API, ok bool, err error) {
	if ok, err = o.usable(ctx); !ok || err != nil {
		return nil, ok, err
	}
	return o.Base.EC2(), true, nil
}

// unavailable says why the account's own credentials were not used; call it after usable
// reported false.
func (o *OwnerAccess) Unavailable(ctx context.Context) string {
	if o == nil || o.Base == nil {
		return "no client with the account's own credentials was given"
	}
	account, err := o.Base.AccountID(ctx)
	if err != nil {
		return "the account of the client's own credentials is unknown"
	}
	return fmt.Sprintf("the client's own credentials belong to account %s, not to the connection's account %s", account, o.AccountID)
}

// AccountAction is one change that only the account's own credentials may make and that was
// left undone: the object stays in the account until someone makes it.
type AccountAction struct {
	// Object names it: "IAM OIDC provider arn:…", "ACM certificate arn:…", "VPC vpc-…".
	Object string
	// Action is what is left to do, in words ("delete it").
	Action string
	// Command does it with the AWS CLI, run with the account's own credentials.
	Command string
}

func (a AccountAction) String() string {
	return a.Object + ": " + a.Action + " (`" + a.Command + "`)"
}

// AccountActionRequiredError says an operation finished everything it could, but left Actions
// to the account's own credentials, which the client does not have (Reason says why): the
// connection role is denied them, and credentials of another account (LakeSail's control plane)
// never stand in for the account's. It is a warning, not a failure: nothing else is left undone,
// and nothing is left without being named here. Running the same operation with the account's
// own credentials (terraform apply or destroy with the customer's AWS configuration) makes them.
type AccountActionRequiredError struct {
	Operation string // "workspace lakesail-…-WS… destroy", "network … destroy"
	Reason    string
	Actions   []AccountAction
}

func (e *AccountActionRequiredError) Error() string {
	parts := make([]string, len(e.Actions))
	for i, a := range e.Actions {
		parts[i] = a.String()
	}
	return fmt.Sprintf("%s left what the connection role may not change to the account's own credentials (%s): %s",
		e.Operation, e.Reason, strings.Join(parts, "; "))
}

// ownerAccess is the client's own credentials, used for nothing but restoring the settings that
// keep the network's data in the account and that the connection role is denied changing once
// they are set: the workspace bucket's policy, public access block, default encryption and object
// ownership, and the network key's policy. They stand for the account only when they belong to
// the connection's account: LakeSail's control plane uses the library with credentials of its own
// account, and those must never stand in for the customer's. Resolved on first use, so a network
// without such drift makes no call with them.
type OwnerAccess struct {
	Base      *Client
	AccountID string // the connection's

	mu       sync.Mutex
	resolved bool
	s3       S3API // nil when the client's credentials are not the account's
	kms      KMSAPI
}

// OwnerCredentialsRequiredError says a setting that keeps the network's data in the account
// drifted (the workspace bucket's policy, public access block, default encryption or object
// ownership, or the network key's policy) and was not restored. The connection role is denied
// changing these once they are set, so that it can never widen access to the data; only the
// account's own credentials may restore them. Err is nil when the client's credentials are not
// the account's (LakeSail's control plane acts through the role alone), else why the attempt made
// with them failed.
type OwnerCredentialsRequiredError struct {
	Resource string // "bucket lakesail-…-ws" or "KMS key arn:…"
	Setting  string // "bucket policy", "public access block", "default encryption", "object ownership", "key policy"
	Err      error
}

// clients returns the S3 and KMS clients acting with the account's own credentials, or
// ok == false when the client's credentials belong to another account.
func (o *OwnerAccess) Clients(ctx context.Context) (s3c S3API, kmsc KMSAPI, ok bool, err error) {
	if o == nil || o.Base == nil {
		return nil, nil, false, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.resolved {
		account, err := o.Base.AccountID(ctx)
		if err != nil {
			return nil, nil, false, fmt.Errorf("finding the account of the client's own credentials: %w", err)
		}
		if account == o.AccountID {
			o.s3, o.kms = o.Base.S3(), o.Base.KMS()
		}
		o.resolved = true
	}
	return o.s3, o.kms, o.s3 != nil, nil
}

func (e *OwnerCredentialsRequiredError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("the %s of %s drifted and the connection role may not restore it: it must be restored with the "+
			"account's own credentials (terraform apply with the account's credentials does it)", e.Setting, e.Resource)
	}
	return fmt.Sprintf("the %s of %s drifted; restoring it with the account's own credentials failed: %v", e.Setting, e.Resource, e.Err)
}

func (e *OwnerCredentialsRequiredError) Unwrap() error { return e.Err }
