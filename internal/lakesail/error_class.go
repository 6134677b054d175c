package lakesail

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// ErrNotFound marks an object that does not exist; match it with errors.Is (or IsNotFound).
var ErrNotFound = errors.New("not found")

// notFoundError wraps an AWS not-found error so callers can test errors.Is(err, ErrNotFound).
type notFoundError struct{ *AWSError }

func (e notFoundError) Is(target error) bool { return target == ErrNotFound }
func (e notFoundError) Unwrap() error        { return e.AWSError }

// classify wraps an SDK error as *AWSError naming action and marks not-found errors; nil stays nil.
func Classify(action string, err error) error {
	if err == nil {
		return nil
	}
	wrapped := WrapAWSError(action, err)
	var awsErr *AWSError
	if errors.As(wrapped, &awsErr) && awsErr.IsNotFound() {
		return notFoundError{awsErr}
	}
	return wrapped
}

// notFound is an error wrapping ErrNotFound for an object the library looked for and did not
// find, in the words of an AWS answer (action, code and message).
func NewNotFound(action, code, message string) error {
	return notFoundError{&AWSError{Action: action, Code: code, Message: message, Err: ErrNotFound}}
}

// IsNotFound reports whether err says an object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsAccessDenied reports whether AWS refused a call in err by IAM policy evaluation (STS also
// refuses to assume a role IAM has not propagated yet).
func IsAccessDenied(err error) bool {
	var awsErr *AWSError
	return errors.As(err, &awsErr) && awsErr.IsAccessDenied()
}

// IsThrottled reports whether AWS refused a call in err for its rate (the SDK retries these
// before the library sees them, so one that reaches a caller outlasted the SDK's retries).
func IsThrottled(err error) bool {
	var awsErr *AWSError
	if !errors.As(err, &awsErr) {
		return false
	}
	_, throttled := retry.DefaultThrottleErrorCodes[awsErr.Code]
	return throttled
}

// ignoreNotFound drops an error that says the object does not exist.
func IgnoreNotFound(err error) error {
	if IsNotFound(err) {
		return nil
	}
	return err
}

// ErrorCode is the AWS error code of err ("" when it carries none).
func ErrorCode(err error) string {
	var awsErr *AWSError
	if errors.As(WrapAWSError("", err), &awsErr) {
		return awsErr.Code
	}
	return ""
}

// IsDependencyViolation reports EC2's refusal to delete an object something still uses (a
// security group an interface is in, a subnet with interfaces).
func IsDependencyViolation(err error) bool { return ErrorCode(err) == "DependencyViolation" }
