package lakesail

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Identity is who the client's credentials are.
type Identity struct {
	AccountID string
	ARN       string
	UserID    string
	// PrincipalARN is the IAM principal to name in a trust policy for this caller: the role ARN
	// (with its path) for an assumed-role session, the caller's own ARN otherwise.
	PrincipalARN string
}

// CallerIdentity is who the client's credentials are, with the trustable principal. STS (and,
// for an assumed-role session, IAM) is asked once per client: the answer cannot change while the
// credentials stay the same.
func (c *Client) CallerIdentity(ctx context.Context) (Identity, error) {
	c.caller.mu.Lock()
	defer c.caller.mu.Unlock()
	id, err := c.stsIdentityLocked(ctx)
	if err != nil {
		return Identity{}, err
	}
	if c.caller.principal == "" {
		principal, err := c.principalARN(ctx, id.ARN)
		if err != nil {
			return Identity{}, err
		}
		c.caller.principal = principal
	}
	id.PrincipalARN = c.caller.principal
	return id, nil
}

// principalARN maps an assumed-role session ARN to its role ARN. The session ARN drops the role's
// path, so the role is looked up; without iam:GetRole the path-less ARN is the best guess.
func (c *Client) principalARN(ctx context.Context, callerARN string) (string, error) {
	roleName, ok := assumedRoleName(callerARN)
	if !ok {
		return callerARN, nil
	}
	parsed, _ := arn.Parse(callerARN)
	fallback := arn.ARN{Partition: parsed.Partition, Service: "iam", AccountID: parsed.AccountID, Resource: "role/" + roleName}.String()
	out, err := c.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		var awsErr *AWSError
		if errors.As(WrapAWSError("iam:GetRole", err), &awsErr) && awsErr.IsAccessDenied() {
			return fallback, nil
		}
		return "", WrapAWSError("iam:GetRole", err)
	}
	return aws.ToString(out.Role.Arn), nil
}

// assumedRoleName returns the role name of an arn:...:sts::ACCOUNT:assumed-role/NAME/SESSION ARN.
func assumedRoleName(callerARN string) (string, bool) {
	parsed, err := arn.Parse(callerARN)
	if err != nil || parsed.Service != "sts" {
		return "", false
	}
	parts := strings.Split(parsed.Resource, "/")
	if len(parts) != 3 || parts[0] != "assumed-role" {
		return "", false
	}
	return parts[1], true
}

// String keeps identities readable in logs and errors.
func (i Identity) String() string { return fmt.Sprintf("%s (account %s)", i.ARN, i.AccountID) }

// RoleNameOf is the role name (without path) of a role ARN, or a *RoleARNError.
func RoleNameOf(roleARN string) (string, error) {
	parsed, err := arn.Parse(roleARN)
	if err != nil || parsed.Service != "iam" || !strings.HasPrefix(parsed.Resource, "role/") {
		return "", &RoleARNError{ARN: roleARN}
	}
	return parsed.Resource[strings.LastIndex(parsed.Resource, "/")+1:], nil
}

// RoleARNError says a connection role ARN is not an IAM role ARN.
type RoleARNError struct{ ARN string }

func (e *RoleARNError) Error() string {
	return fmt.Sprintf("must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), not %q", e.ARN)
}

var LakeSailID = regexp.MustCompile(`^[A-Z0-9]{10}$`)
