package platform

import (
	"fmt"
	"io"
	"log/slog"
)

// redacted stands in for the token wherever the client could otherwise print it.
const redacted = "[REDACTED]"

// Token is a platform API token: a user session or a service-account API key, sent as
// "Authorization: Bearer <token>". It prints as [REDACTED] under every fmt verb, in JSON and text
// encodings and in slog, so an Options value can be logged or dumped without leaking it.
type Token string

// String hides the token.
func (Token) String() string { return redacted }

// GoString hides the token from %#v.
func (Token) GoString() string { return `platform.Token("` + redacted + `")` }

// Format hides the token from every verb, including %x and %q which would otherwise bypass String.
func (t Token) Format(state fmt.State, verb rune) {
	if verb == 'v' && state.Flag('#') {
		_, _ = io.WriteString(state, t.GoString())
		return
	}
	_, _ = io.WriteString(state, redacted)
}

// MarshalText hides the token from encoding/json and other text encoders.
func (Token) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue hides the token from log/slog.
func (Token) LogValue() slog.Value { return slog.StringValue(redacted) }
