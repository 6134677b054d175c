package lakesail

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Logger receives the library's progress messages; the provider adapts it to tflog.
type Logger func(ctx context.Context, msg string, fields map[string]any)

type loggerKey struct{}

// WithLogger returns a context whose long operations report progress to log.
func WithLogger(ctx context.Context, log Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, log)
}

// logf reports progress when the context carries a Logger.
func logf(ctx context.Context, msg string, fields map[string]any) {
	if log, ok := ctx.Value(loggerKey{}).(Logger); ok && log != nil {
		log(ctx, msg, fields)
	}
}

// StateError says an AWS resource reached a state it does not leave by itself.
type StateError struct {
	What   string
	Status string
	Reason string
}

func (e *StateError) Error() string {
	msg := fmt.Sprintf("%s is %s", e.What, e.Status)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// classifyWorkspace is classify that also knows the not-found codes of Glue and SSM.
func classifyWorkspace(action string, err error) error {
	err = classify(action, err)
	var awsErr *AWSError
	if errors.As(err, &awsErr) && !errors.Is(err, ErrNotFound) &&
		(awsErr.Code == "EntityNotFoundException" || awsErr.Code == "ParameterNotFound") {
		return notFoundError{awsErr}
	}
	return err
}

// WithWaitDelays returns a copy of the client whose waiters poll between minDelay and maxDelay
// (tests and demos against the emulator, where transitions take milliseconds).
func (c *Client) WithWaitDelays(minDelay, maxDelay time.Duration) *Client {
	opts := c.options()
	opts.WaitMinDelay, opts.WaitMaxDelay = minDelay, maxDelay
	return &Client{cfg: c.cfg, opts: opts, caller: c.caller, clients: c.clients} // same cfg and endpoints
}
