package core

import (
	"errors"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// ParsePolicy parses a document with the shared evaluator, turning its *ParseError into IAM's
// MalformedPolicyDocument.
func ParsePolicy(text string) (*iampolicy.Document, *APIError) {
	doc, err := iampolicy.Parse(text)
	if err != nil {
		var pe *iampolicy.ParseError
		if errors.As(err, &pe) {
			return nil, MalformedPolicy("%s", pe.Reason)
		}
		return nil, MalformedPolicy("%s", err.Error())
	}
	return doc, nil
}

func MalformedPolicy(format string, args ...any) *APIError {
	return NewError("MalformedPolicyDocument", 400, format, args...)
}
