package lakesail

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Default delays when the client's options leave them zero. Polling: EKS and NAT gateways take
// minutes, so polling every few seconds and backing off to 30s keeps the call rate low without
// adding much latency. Propagation: IAM usually catches up within seconds, so retries start
// sooner and back off less, within PropagationWindow.
const (
	defaultWaitMinDelay        = 5 * time.Second
	defaultWaitMaxDelay        = 30 * time.Second
	defaultPropagationMinDelay = 2 * time.Second
	defaultPropagationMaxDelay = 10 * time.Second
)

// waitOptions space the attempts of a retry (retryWhen) or a wait (waitUntil, the SDK's
// waiters): exponential backoff from minDelay to maxDelay with jitter, within window.
type WaitOptions struct {
	MinDelay, MaxDelay time.Duration
	// window bounds the whole retry or wait: no attempt is made once the next delay would end
	// past it. Zero leaves only the context to bound it.
	Window time.Duration
	// what names the awaited object in progress messages and errors ("EKS cluster x").
	what string
	// log hears each change of status of a wait (the client's Logger).
	log Logger
	// onRetry, when set, hears each error that is about to be retried.
	OnRetry func(err error)

	// Tests replace the random source and the clock; nil takes rand.Int64N, time.Now and
	// time.After.
	randN func(n int64) int64
	now   func() time.Time
	after func(d time.Duration) <-chan time.Time
}

// waits are the client's delays (its WaitMinDelay and WaitMaxDelay options), or defaultMin and
// defaultMax where the options leave them zero.
func (c *Client) waits(defaultMin, defaultMax time.Duration) WaitOptions {
	w := WaitOptions{MinDelay: c.opts.WaitMinDelay, MaxDelay: c.opts.WaitMaxDelay, log: c.opts.Logger}
	if w.MinDelay <= 0 {
		w.MinDelay = defaultMin
	}
	if w.MaxDelay <= 0 {
		w.MaxDelay = max(w.MinDelay, defaultMax)
	}
	w.MaxDelay = max(w.MaxDelay, w.MinDelay)
	return w
}

// waitOptions are the delays of polling and of retries on eventual consistency.
func (c *Client) WaitOptions() WaitOptions { return c.waits(defaultWaitMinDelay, defaultWaitMaxDelay) }

// propagationWaits are the delays of retries while IAM propagates a new or changed role, within
// PropagationWindow.
func (c *Client) PropagationWaits() WaitOptions {
	return c.waits(defaultPropagationMinDelay, defaultPropagationMaxDelay).Within(PropagationWindow)
}

// within returns w bounded by window.
func (w WaitOptions) Within(window time.Duration) WaitOptions {
	w.Window = window
	return w
}

// named returns w naming what it waits for.
func (w WaitOptions) Named(what string) WaitOptions {
	w.what = what
	return w
}

// delay is the pause before retry number attempt (0 for the first): drawn uniformly between
// minDelay and a ceiling that doubles from minDelay each attempt up to maxDelay ("full jitter"
// above the floor, as the SDK's waiters do), so concurrent callers spread out.
func (w WaitOptions) delay(attempt int) time.Duration {
	ceiling := w.MaxDelay
	if attempt < 62 && w.MinDelay<<attempt > 0 {
		ceiling = min(w.MinDelay<<attempt, w.MaxDelay)
	}
	if ceiling <= w.MinDelay {
		return w.MinDelay
	}
	randN := w.randN
	if randN == nil {
		randN = rand.Int64N
	}
	return w.MinDelay + time.Duration(randN(int64(ceiling-w.MinDelay)+1))
}

func (w WaitOptions) clock() time.Time {
	if w.now != nil {
		return w.now()
	}
	return time.Now()
}

func (w WaitOptions) timer(d time.Duration) <-chan time.Time {
	if w.after != nil {
		return w.after(d)
	}
	return time.After(d)
}

// retryStopped says a retry ended before its call succeeded, with an error classify retries:
// the window ran out (Cause nil), or the context ended (Cause is the context's error).
type RetryStopped struct {
	Last   error         // the call's last error
	Cause  error         // the context's error, nil when the window ran out
	Waited time.Duration // since the first attempt
}

func (e *RetryStopped) Error() string {
	if e.Cause == nil {
		return e.Last.Error()
	}
	return fmt.Sprintf("%v (last: %v)", e.Cause, e.Last)
}

func (e *RetryStopped) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Last}
	}
	return []error{e.Cause, e.Last}
}

// retryWhen calls call until it succeeds or fails with an error retryable does not accept,
// pausing between attempts as opts says. It returns nil, the error retryable refused as is, or a
// *retryStopped holding the last error when the window runs out or the context ends.
func RetryWhen(ctx context.Context, opts WaitOptions, retryable func(error) bool, call func() error) error {
	start := opts.clock()
	for attempt := 0; ; attempt++ {
		err := call()
		if err == nil || !retryable(err) {
			return err
		}
		delay := opts.delay(attempt)
		waited := opts.clock().Sub(start)
		if opts.Window > 0 && waited+delay > opts.Window {
			return &RetryStopped{Last: err, Waited: waited}
		}
		if opts.OnRetry != nil {
			opts.OnRetry(err)
		}
		select {
		case <-ctx.Done():
			return &RetryStopped{Last: err, Cause: ctx.Err(), Waited: opts.clock().Sub(start)}
		case <-opts.timer(delay):
		}
	}
}

// PropagationWindow is how long a new or changed role may be refused by STS while IAM
// propagates it (the AWS provider waits the same two minutes).
const PropagationWindow = 2 * time.Minute

// rollbackTimeout bounds a rollback that runs after the caller's context has ended.
const RollbackTimeout = 2 * time.Minute

// WithWaitDelays returns a copy of the client whose waiters poll between minDelay and maxDelay
// (tests and demos against the emulator, where transitions take milliseconds).
func (c *Client) WithWaitDelays(minDelay, maxDelay time.Duration) *Client {
	opts := c.options()
	opts.WaitMinDelay, opts.WaitMaxDelay = minDelay, maxDelay
	return &Client{Cfg: c.Cfg, opts: opts, caller: c.caller, clients: c.clients, roles: c.roles} // same cfg and endpoints
}
