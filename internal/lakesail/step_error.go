package lakesail

import (
	"errors"
	"fmt"
)

// StepError is the library's one error model for a failed operation: the step that failed (in
// words), the error underneath (an *AWSError with the action and code when AWS refused a call;
// test it with IsNotFound, IsThrottled and IsAccessDenied), and what the operation had recorded
// when it failed, so that the caller can keep it and a later delete removes what was made.
type StepError struct {
	// Step is what was being done, e.g. "creating NAT gateway lakesail-AB12CD34EF-NET0000001-nat-us-east-1a";
	// empty when the error itself says it (the message is then Err's).
	Step string
	// Err is what went wrong.
	Err error
	// Recorded is what the operation had recorded when it failed (a workspace's
	// workspace.Progress, for one); nil when there is nothing to keep. Read it with RecordOf.
	Recorded any
}

func (e *StepError) Error() string {
	if e.Step == "" {
		return e.Err.Error()
	}
	return e.Step + ": " + e.Err.Error()
}

func (e *StepError) Unwrap() error { return e.Err }

// WrapStep wraps err with the step it happened in; nil stays nil, and an error that already
// names its step is left as is, so the innermost step (where AWS refused) is the one reported.
func WrapStep(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var already *StepError
	if errors.As(err, &already) && already.Step != "" {
		return err
	}
	return &StepError{Step: fmt.Sprintf(format, args...), Err: err}
}

// WithRecord wraps err with what the operation had recorded when it failed; nil stays nil.
func WithRecord(err error, recorded any) error {
	if err == nil {
		return nil
	}
	return &StepError{Err: err, Recorded: recorded}
}

// FailedStep is the innermost StepError of err that names its step.
func FailedStep(err error) (*StepError, bool) {
	var found *StepError
	for err != nil {
		var stepErr *StepError
		if !errors.As(err, &stepErr) {
			break
		}
		if stepErr.Step != "" {
			found = stepErr
		}
		err = stepErr.Err
	}
	return found, found != nil
}

// RecordOf is what an operation that failed with err had recorded, when it was a T.
func RecordOf[T any](err error) (recorded T, ok bool) {
	for err != nil {
		var stepErr *StepError
		if !errors.As(err, &stepErr) {
			break
		}
		if recorded, ok = stepErr.Recorded.(T); ok {
			return recorded, true
		}
		err = stepErr.Err
	}
	return recorded, false
}
