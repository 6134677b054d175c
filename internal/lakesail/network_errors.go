package lakesail

import (
	"errors"
	"fmt"
)

// DisconnectedError says the connection role can no longer be used: it was deleted, or its
// trust policy no longer admits the caller with the external ID. Whatever the network owns is
// still in the account; nothing was changed.
type DisconnectedError struct {
	RoleARN string
	Reason  string
	Err     error
}

func (e *DisconnectedError) Error() string {
	return fmt.Sprintf("connection disconnected: %s (%s): %v", e.Reason, e.RoleARN, e.Err)
}

func (e *DisconnectedError) Unwrap() error { return e.Err }

// NetworkStepError says which step of a network operation failed, keeping the AWS error (an
// *AWSError with the action and code) underneath.
type NetworkStepError struct {
	Step string // e.g. "creating NAT gateway lakesail-AB12CD34EF-NET0000001-nat-us-east-1a"
	Err  error
}

func (e *NetworkStepError) Error() string { return e.Step + ": " + e.Err.Error() }

func (e *NetworkStepError) Unwrap() error { return e.Err }

// step wraps err with the step it happened in; nil stays nil, and a cancellation caused by a
// sibling's failure is left unwrapped so the first real error is the one reported.
func step(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var already *NetworkStepError
	if errors.As(err, &already) {
		return err
	}
	return &NetworkStepError{Step: fmt.Sprintf(format, args...), Err: err}
}

// NATGatewayFailedError says a NAT gateway AWS accepted went to the failed state.
type NATGatewayFailedError struct {
	NATGatewayID string
	Code         string
	Message      string
}

func (e *NATGatewayFailedError) Error() string {
	return fmt.Sprintf("NAT gateway %s failed: %s: %s", e.NATGatewayID, e.Code, e.Message)
}

// KeyUnusableError says the network's key exists but cannot encrypt (disabled or scheduled for
// deletion): the bucket's data depends on it, so the library will not replace it on its own.
type KeyUnusableError struct {
	KeyARN string
	State  string
}

func (e *KeyUnusableError) Error() string {
	return fmt.Sprintf("KMS key %s is %s; cancel its deletion or enable it (the workspace bucket's data is encrypted with it)", e.KeyARN, e.State)
}
