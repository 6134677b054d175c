package platform

import (
	"context"
	"fmt"
	"strings"
)

// Logger receives the client's log lines: a message and alternating keys and values. The
// context is the one passed to the operation, so an adapter for tflog can log into the
// Terraform request that made the call.
type Logger interface {
	Debug(ctx context.Context, msg string, keysAndValues ...any)
	Info(ctx context.Context, msg string, keysAndValues ...any)
	Warn(ctx context.Context, msg string, keysAndValues ...any)
	Error(ctx context.Context, msg string, keysAndValues ...any)
}

// nopLogger is used when Options.Logger is nil.
type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, ...any) {}
func (nopLogger) Info(context.Context, string, ...any)  {}
func (nopLogger) Warn(context.Context, string, ...any)  {}
func (nopLogger) Error(context.Context, string, ...any) {}

// redactingLogger scrubs the token from every message and value before passing them on; the
// client never logs it on purpose, this catches an error or URL that might carry it by accident.
type redactingLogger struct {
	next   Logger
	secret secret
}

func (l redactingLogger) Debug(ctx context.Context, msg string, kv ...any) {
	l.next.Debug(ctx, l.scrub(msg), l.scrubAll(kv)...)
}

func (l redactingLogger) Info(ctx context.Context, msg string, kv ...any) {
	l.next.Info(ctx, l.scrub(msg), l.scrubAll(kv)...)
}

func (l redactingLogger) Warn(ctx context.Context, msg string, kv ...any) {
	l.next.Warn(ctx, l.scrub(msg), l.scrubAll(kv)...)
}

func (l redactingLogger) Error(ctx context.Context, msg string, kv ...any) {
	l.next.Error(ctx, l.scrub(msg), l.scrubAll(kv)...)
}

func (l redactingLogger) scrub(text string) string {
	return redactSecret(text, l.secret())
}

// scrubAll keeps numbers, durations and other plain values as they are and turns any value whose
// printed form contains the token into its scrubbed string.
func (l redactingLogger) scrubAll(keysAndValues []any) []any {
	out := make([]any, len(keysAndValues))
	for i, value := range keysAndValues {
		switch v := value.(type) {
		case nil, bool, int, int64, float64:
			out[i] = v
		case string:
			out[i] = l.scrub(v)
		default:
			if printed := fmt.Sprint(v); strings.Contains(printed, l.secret()) {
				out[i] = l.scrub(printed)
			} else {
				out[i] = v
			}
		}
	}
	return out
}

// redactSecret replaces every occurrence of secret in text.
func redactSecret(text, secret string) string {
	if secret == "" {
		return text
	}
	return strings.ReplaceAll(text, secret, redacted)
}
