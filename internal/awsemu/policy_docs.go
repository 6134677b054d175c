package awsemu

import (
	"errors"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// parsePolicy parses a document with the shared evaluator, turning its *ParseError into IAM's
// MalformedPolicyDocument.
func parsePolicy(text string) (*iampolicy.Document, *APIError) {
	doc, err := iampolicy.Parse(text)
	if err != nil {
		var pe *iampolicy.ParseError
		if errors.As(err, &pe) {
			return nil, malformedPolicy("%s", pe.Reason)
		}
		return nil, malformedPolicy("%s", err.Error())
	}
	return doc, nil
}

func malformedPolicy(format string, args ...any) *APIError {
	return apiError("MalformedPolicyDocument", 400, format, args...)
}
