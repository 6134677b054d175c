package lakesail

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// waitUntil polls status until it reports one of target, pausing between polls as opts says and
// logging each change of status. A status in neither pending nor target ends the wait with a
// *StateError; an error from status ends it as is. Past the window (when opts has one) or when the
// context ends, the error names the last status and wraps context.DeadlineExceeded or the
// context's error.
func WaitUntil(ctx context.Context, opts WaitOptions, pending, target []string, status func() (string, error)) error {
	start, last := opts.clock(), ""
	for attempt := 0; ; attempt++ {
		current, err := status()
		if err != nil {
			return err
		}
		if current != last {
			opts.log.Log(ctx, "waiting for "+opts.what, map[string]any{"status": current, "elapsed": opts.clock().Sub(start).Round(time.Second).String()})
			last = current
		}
		if slices.Contains(target, current) {
			return nil
		}
		if !slices.Contains(pending, current) {
			return &StateError{What: opts.what, Status: current}
		}
		delay := opts.delay(attempt)
		waited := opts.clock().Sub(start)
		if opts.Window > 0 && waited+delay > opts.Window {
			return fmt.Errorf("waiting for %s (last status %s after %s): %w", opts.what, last, waited.Round(time.Second), context.DeadlineExceeded)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s (last status %s after %s): %w", opts.what, last, opts.clock().Sub(start).Round(time.Second), ctx.Err())
		case <-opts.timer(delay):
		}
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
