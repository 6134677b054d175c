package connection

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// PropagationError says the role still refused AssumeRole when the propagation window ran out,
// although its trust policy admits the caller with the external ID: IAM had not caught up.
type PropagationError struct {
	RoleARN string
	Waited  time.Duration
	Err     error
}

func (e *PropagationError) Error() string {
	return fmt.Sprintf("role %s is still propagating in IAM after %s: its trust policy admits the caller, but STS still refuses it: %v",
		e.RoleARN, e.Waited.Round(time.Second), e.Err)
}

func (e *PropagationError) Unwrap() error { return e.Err }

// TrustError says the role's trust policy does not admit the caller with the external ID.
type TrustError struct {
	RoleARN   string
	CallerARN string
	Err       error
}

func (e *TrustError) Error() string {
	return fmt.Sprintf("the trust policy of role %s does not let %s assume it with the given external ID: %v", e.RoleARN, e.CallerARN, e.Err)
}

func (e *TrustError) Unwrap() error { return e.Err }

// VerifyOptions tune VerifyRole; zero values take the defaults.
type VerifyOptions struct {
	Window   time.Duration // PropagationWindow when zero
	MinDelay time.Duration // first retry delay, 1s when zero
	MaxDelay time.Duration // longest retry delay, 10s when zero
}

// VerifyRole assumes the role with the external ID as the client's own principal, retrying
// AccessDenied within the propagation window. When the window runs out it tells a role that is
// still propagating (PropagationError) from one whose trust or external ID is wrong (TrustError)
// by evaluating the role's trust policy itself.
func (c *Client) VerifyRole(ctx context.Context, roleARN, externalID string, opts VerifyOptions) error {
	waits := lakesail.WaitOptions{MinDelay: opts.MinDelay, MaxDelay: opts.MaxDelay, Window: opts.Window}
	if waits.Window == 0 {
		waits.Window = lakesail.PropagationWindow
	}
	if waits.MinDelay == 0 {
		waits.MinDelay = time.Second
	}
	if waits.MaxDelay == 0 {
		waits.MaxDelay = 10 * time.Second
	}
	api := c.STS()
	err := lakesail.RetryWhen(ctx, waits, lakesail.IsAccessDenied, func() error {
		_, err := api.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn:         aws.String(roleARN),
			RoleSessionName: aws.String(lakesail.SessionNamePrefix + "verify"),
			ExternalId:      aws.String(externalID),
			DurationSeconds: aws.Int32(900),
		})
		return lakesail.Classify("sts:AssumeRole", err)
	})
	var stopped *lakesail.RetryStopped
	switch {
	case errors.As(err, &stopped) && stopped.Cause != nil:
		return fmt.Errorf("waiting for role %s to become assumable: %w", roleARN, stopped.Cause)
	case stopped != nil:
		return c.explainAssumeRoleDenied(ctx, roleARN, externalID, stopped.Waited, stopped.Last)
	}
	return err
}

// explainAssumeRoleDenied evaluates the role's trust policy for the caller and external ID.
func (c *Client) explainAssumeRoleDenied(ctx context.Context, roleARN, externalID string, waited time.Duration, denied error) error {
	identity, err := c.CallerIdentity(ctx)
	if err != nil {
		return fmt.Errorf("%w (and the caller could not be identified: %w)", denied, err)
	}
	roleName := roleARN[strings.LastIndex(roleARN, "/")+1:]
	role, err := lakesail.FindRole(ctx, c.IAM(), roleName)
	if err != nil {
		return &TrustError{RoleARN: roleARN, CallerARN: identity.ARN, Err: fmt.Errorf("%w (the role could not be read: %w)", denied, err)}
	}
	text, err := lakesail.DecodePolicyDocument(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil {
		return &TrustError{RoleARN: roleARN, CallerARN: identity.ARN, Err: denied}
	}
	trust, err := iampolicy.Parse(text)
	if err != nil {
		return &TrustError{RoleARN: roleARN, CallerARN: identity.ARN, Err: denied}
	}
	caller := iampolicy.Caller{ARN: identity.ARN, Account: identity.AccountID}
	if identity.PrincipalARN != identity.ARN {
		caller.RoleARN = identity.PrincipalARN
	}
	result := iampolicy.EvaluateTrust(iampolicy.Request{
		Caller:   caller,
		Action:   "sts:AssumeRole",
		Resource: roleARN,
		Context:  map[string][]string{"sts:ExternalId": {externalID}},
	}, trust)
	if result.Decision == iampolicy.Allowed {
		return &PropagationError{RoleARN: roleARN, Waited: waited, Err: denied}
	}
	return &TrustError{RoleARN: roleARN, CallerARN: identity.ARN, Err: denied}
}
