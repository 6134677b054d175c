package lakesail

import (
	"context"
	"fmt"
	"strings"
)

// The account's own credentials beyond the network's bucket and key (ownerAccess is in
// network_session.go): the few changes the connection role may not make because IAM cannot tie
// them to what LakeSail created. The role may create a cluster's OIDC provider and import the
// session certificate, but their tags prove nothing (the role can add the connection's tags to
// ones it did not create), so deleting or replacing them is the account's. Likewise only the
// account may mark a bring-your-own VPC and subnets LakeSail-Adoptable-By=<ID>, the tag that lets
// the role mark and launch into them. Each is done with the client's own credentials, after the
// same account check, and only once the object is shown to be the workspace's or network's by
// something the role cannot forge.

// newOwnerAccess is the account's own credentials for the connection's account accountID, as
// far as base has them; nil base means none (every use then reports that the account must act).
func newOwnerAccess(base *Client, accountID string) *ownerAccess {
	if base == nil {
		return nil
	}
	return &ownerAccess{base: base, accountID: accountID}
}

// usable reports whether the client's credentials are the account's (asked of STS once).
func (o *ownerAccess) usable(ctx context.Context) (bool, error) {
	if o == nil || o.base == nil {
		return false, nil
	}
	_, _, ok, err := o.clients(ctx)
	return ok, err
}

// iam is the account's own IAM client, or ok == false when the client has no credentials of it.
func (o *ownerAccess) iam(ctx context.Context) (api iamAPI, ok bool, err error) {
	if ok, err = o.usable(ctx); !ok || err != nil {
		return nil, ok, err
	}
	return o.base.iam(), true, nil
}

// acm is the account's own ACM client, or ok == false when the client has no credentials of it.
func (o *ownerAccess) acm(ctx context.Context) (api acmAPI, ok bool, err error) {
	if ok, err = o.usable(ctx); !ok || err != nil {
		return nil, ok, err
	}
	return o.base.acm(), true, nil
}

// ec2 is the account's own EC2 client, or ok == false when the client has no credentials of it.
func (o *ownerAccess) ec2(ctx context.Context) (api ec2API, ok bool, err error) {
	if ok, err = o.usable(ctx); !ok || err != nil {
		return nil, ok, err
	}
	return o.base.ec2(), true, nil
}

// unavailable says why the account's own credentials were not used; call it after usable
// reported false.
func (o *ownerAccess) unavailable(ctx context.Context) string {
	if o == nil || o.base == nil {
		return "no client with the account's own credentials was given"
	}
	account, err := o.base.AccountID(ctx)
	if err != nil {
		return "the account of the client's own credentials is unknown"
	}
	return fmt.Sprintf("the client's own credentials belong to account %s, not to the connection's account %s", account, o.accountID)
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
