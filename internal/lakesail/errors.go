package lakesail

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// AWSError is a failed AWS call, with the operation in IAM action form and the service's error
// code, so the provider can say what failed and what to do.
type AWSError struct {
	Action  string // e.g. "iam:CreateRole"
	Code    string // e.g. "AccessDenied"
	Message string
	Err     error
}

func (e *AWSError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("%s: %v", e.Action, e.Err)
	}
	return fmt.Sprintf("%s: %s: %s", e.Action, e.Code, e.Message)
}

func (e *AWSError) Unwrap() error { return e.Err }

// IsAccessDenied reports whether the call was refused by IAM policy evaluation.
func (e *AWSError) IsAccessDenied() bool {
	switch e.Code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException",
		"Forbidden": // a refused HEAD request (S3 HeadBucket) has no body, only its status
		return true
	}
	return false
}

// IsNotFound reports whether the call named an object that does not exist.
func (e *AWSError) IsNotFound() bool {
	return e.Code == "NoSuchEntity" || e.Code == "ResourceNotFoundException" || e.Code == "NotFoundException" ||
		e.Code == "NoSuchBucket" || e.Code == "NatGatewayNotFound" || strings.HasSuffix(e.Code, ".NotFound")
}

// wrapAWSError turns an SDK error into an *AWSError naming the action; nil stays nil.
func wrapAWSError(action string, err error) error {
	if err == nil {
		return nil
	}
	wrapped := &AWSError{Action: action, Err: err}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		wrapped.Code = apiErr.ErrorCode()
		wrapped.Message = apiErr.ErrorMessage()
	}
	return wrapped
}
