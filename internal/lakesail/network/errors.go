package network

import (
	"fmt"
)

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
