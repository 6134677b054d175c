package lakesail

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// fakeClock is a clock whose timers fire at once, moving its time by what they waited.
type fakeClock struct {
	now   time.Time
	slept []time.Duration
}

// drive returns w timed by the fake clock, with jitter drawn by randN.
func (f *fakeClock) drive(w WaitOptions, randN func(int64) int64) WaitOptions {
	w.randN = randN
	w.now = func() time.Time { return f.now }
	w.after = func(d time.Duration) <-chan time.Time {
		f.slept = append(f.slept, d)
		f.now = f.now.Add(d)
		fired := make(chan time.Time, 1)
		fired <- f.now
		return fired
	}
	return w
}

func highest(n int64) int64 { return n - 1 }
func lowest(int64) int64    { return 0 }

var (
	errThrottled = errors.New("Throttling")
	errDenied    = errors.New("AccessDenied")
)

func TestUnitRetryDelayJitterBounds(t *testing.T) {
	w := WaitOptions{MinDelay: 10 * time.Millisecond, MaxDelay: 70 * time.Millisecond}
	ceilings := []time.Duration{10, 20, 40, 70, 70, 70}
	for attempt, ceiling := range ceilings {
		ceiling *= time.Millisecond
		var asked int64
		w.randN = func(n int64) int64 { asked = n; return n - 1 }
		if got := w.delay(attempt); got != ceiling {
			t.Errorf("attempt %d: highest delay %s, want the ceiling %s", attempt, got, ceiling)
		}
		if attempt > 0 && asked != int64(ceiling-w.MinDelay)+1 {
			t.Errorf("attempt %d: drew from [0, %d), want [0, %d)", attempt, asked, int64(ceiling-w.MinDelay)+1)
		}
		w.randN = lowest
		if got := w.delay(attempt); got != w.MinDelay {
			t.Errorf("attempt %d: lowest delay %s, want the floor %s", attempt, got, w.MinDelay)
		}
	}
	w.randN = nil // the real random source stays within the bounds
	for attempt := range 200 {
		ceiling := min(w.MaxDelay, w.MinDelay<<min(attempt, 10))
		if got := w.delay(attempt); got < w.MinDelay || got > ceiling {
			t.Fatalf("attempt %d: delay %s outside [%s, %s]", attempt, got, w.MinDelay, ceiling)
		}
	}
}

func TestUnitRetryWhenStopsAtTheWindow(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	opts := clock.drive(WaitOptions{MinDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond, Window: 100 * time.Millisecond}, highest)
	calls := 0
	err := RetryWhen(context.Background(), opts, func(err error) bool { return errors.Is(err, errThrottled) }, func() error {
		calls++
		return errThrottled
	})
	var stopped *RetryStopped
	if !errors.As(err, &stopped) || stopped.Cause != nil || !errors.Is(err, errThrottled) {
		t.Fatalf("got %v, want the window to stop the retry with the last error", err)
	}
	// 10+20+40 = 70ms waited; a fourth pause of 40ms would end past the 100ms window.
	if want := []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}; !slices.Equal(clock.slept, want) || calls != 4 {
		t.Errorf("slept %v in %d calls, want %v in 4", clock.slept, calls, want)
	}
	if stopped.Waited != 70*time.Millisecond || err.Error() != errThrottled.Error() {
		t.Errorf("waited %s, error %q; want 70ms and the last error's text", stopped.Waited, err)
	}
}

func TestUnitRetryWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	opts := WaitOptions{MinDelay: time.Hour, MaxDelay: time.Hour, after: func(time.Duration) <-chan time.Time {
		cancel() // the context ends during the pause, whose timer never fires
		return nil
	}}
	calls := 0
	err := RetryWhen(ctx, opts, func(error) bool { return true }, func() error { calls++; return errThrottled })
	var stopped *RetryStopped
	if !errors.As(err, &stopped) || !errors.Is(err, context.Canceled) || !errors.Is(err, errThrottled) || calls != 1 {
		t.Fatalf("got %v after %d calls, want the context's error and the last error after 1 call", err, calls)
	}
}

func TestUnitRetryWhenTheClassifierDecides(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	opts := clock.drive(WaitOptions{MinDelay: time.Millisecond, MaxDelay: time.Millisecond}, lowest)
	retryable := func(err error) bool { return errors.Is(err, errThrottled) }

	answers := []error{errThrottled, errThrottled, errDenied, nil}
	calls := 0
	err := RetryWhen(context.Background(), opts, retryable, func() error { calls++; return answers[calls-1] })
	if err != errDenied || calls != 3 { //nolint:errorlint // the error must come back unchanged, not wrapped
		t.Errorf("got %v after %d calls, want the refused error as is after 3 calls", err, calls)
	}

	answers, calls = []error{errThrottled, errThrottled, nil}, 0
	if err := RetryWhen(context.Background(), opts, retryable, func() error { calls++; return answers[calls-1] }); err != nil || calls != 3 {
		t.Errorf("got %v after %d calls, want success on the third call", err, calls)
	}

	var heard []error
	opts.OnRetry = func(err error) { heard = append(heard, err) }
	answers, calls = []error{errThrottled, nil}, 0
	_ = RetryWhen(context.Background(), opts, retryable, func() error { calls++; return answers[calls-1] })
	if len(heard) != 1 {
		t.Errorf("onRetry heard %v, want the one retried error", heard)
	}
}

// statuses reports each of list in turn, then the last one forever.
func statuses(list ...string) (func() (string, error), *int) {
	polls := 0
	return func() (string, error) {
		polls++
		return list[min(polls, len(list))-1], nil
	}, &polls
}

func TestUnitWaitUntilPendingToTarget(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	opts := clock.drive(WaitOptions{MinDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, what: "EKS cluster c"}, highest)
	status, polls := statuses("CREATING", "UPDATING", "CREATING", "ACTIVE")
	if err := WaitUntil(context.Background(), opts, []string{"CREATING", "UPDATING"}, []string{"ACTIVE"}, status); err != nil || *polls != 4 {
		t.Fatalf("got %v after %d polls, want ACTIVE after 4", err, *polls)
	}
	if want := []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}; !slices.Equal(clock.slept, want) {
		t.Errorf("slept %v, want %v", clock.slept, want)
	}
}

func TestUnitWaitUntilUnexpectedState(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	opts := clock.drive(WaitOptions{MinDelay: time.Millisecond, MaxDelay: time.Millisecond, what: "EKS cluster c"}, lowest)
	status, polls := statuses("CREATING", "FAILED")
	err := WaitUntil(context.Background(), opts, []string{"CREATING"}, []string{"ACTIVE"}, status)
	var stateErr *StateError
	if !errors.As(err, &stateErr) || stateErr.Status != "FAILED" || stateErr.What != "EKS cluster c" || *polls != 2 {
		t.Fatalf("got %v after %d polls, want a StateError for FAILED after 2", err, *polls)
	}

	// An error from the status function ends the wait as is.
	err = WaitUntil(context.Background(), opts, []string{"CREATING"}, []string{"ACTIVE"}, func() (string, error) { return "", errDenied })
	if err != errDenied { //nolint:errorlint // the error must come back unchanged, not wrapped
		t.Errorf("got %v, want the status function's error", err)
	}
}

func TestUnitWaitUntilWindowAndContext(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	opts := clock.drive(WaitOptions{MinDelay: 10 * time.Millisecond, MaxDelay: 10 * time.Millisecond, Window: 35 * time.Millisecond, what: "x"}, lowest)
	status, polls := statuses("CREATING")
	err := WaitUntil(context.Background(), opts, []string{"CREATING"}, []string{"ACTIVE"}, status)
	if !errors.Is(err, context.DeadlineExceeded) || *polls != 4 {
		t.Errorf("got %v after %d polls, want the window to end the wait after 4 polls (30ms + 10ms > 35ms)", err, *polls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	opts.after = func(time.Duration) <-chan time.Time { cancel(); return nil }
	opts.Window = 0
	status, polls = statuses("CREATING")
	err = WaitUntil(ctx, opts, []string{"CREATING"}, []string{"ACTIVE"}, status)
	if !errors.Is(err, context.Canceled) || *polls != 1 {
		t.Errorf("got %v after %d polls, want the context's error after 1 poll", err, *polls)
	}
}

func TestUnitWaitDelaysComeFromOptions(t *testing.T) {
	cfg := aws.Config{Region: "us-east-1"}
	fast, err := NewClient(cfg, Options{Partition: "aws", WaitMinDelay: 5 * time.Millisecond, WaitMaxDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range map[string]WaitOptions{"polling": fast.WaitOptions(), "propagation": fast.PropagationWaits()} {
		if w.MinDelay != 5*time.Millisecond || w.MaxDelay != 20*time.Millisecond {
			t.Errorf("%s: delays %s..%s, want the options' 5ms..20ms", name, w.MinDelay, w.MaxDelay)
		}
	}
	if w := fast.PropagationWaits(); w.Window != PropagationWindow {
		t.Errorf("propagation Window %s, want PropagationWindow", w.Window)
	}
	defaults, err := NewClient(cfg, Options{Partition: "aws"})
	if err != nil {
		t.Fatal(err)
	}
	if w := defaults.WaitOptions(); w.MinDelay != defaultWaitMinDelay || w.MaxDelay != defaultWaitMaxDelay || w.Window != 0 {
		t.Errorf("default polling %+v, want %s..%s without a window", w, defaultWaitMinDelay, defaultWaitMaxDelay)
	}
	if w := defaults.PropagationWaits(); w.MinDelay != defaultPropagationMinDelay || w.MaxDelay != defaultPropagationMaxDelay {
		t.Errorf("default propagation delays %s..%s, want %s..%s", w.MinDelay, w.MaxDelay, defaultPropagationMinDelay, defaultPropagationMaxDelay)
	}
}
