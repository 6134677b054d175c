package sts

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// maxSessionDuration is the largest DurationSeconds STS accepts (a role's MaxSessionDuration
// can be at most this too).
const maxSessionDuration = 43200

// required rejects a missing parameter the way the service model does.
func required(c *core.Req, params ...string) *core.APIError {
	for _, p := range params {
		if c.Param(p) == "" {
			return core.ValidationError("Value null at '%s' failed to satisfy constraint: Member must not be null", core.LowerFirst(p))
		}
	}
	return nil
}

// checkLen enforces a length range (in characters) on a parameter value.
func checkLen(param, v string, min, max int) *core.APIError {
	n := utf8.RuneCountInString(v)
	if n < min {
		return core.ValidationError("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", v, core.LowerFirst(param), min)
	}
	if n > max {
		return core.ValidationError("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", v, core.LowerFirst(param), max)
	}
	return nil
}

// checkPattern enforces the service model's pattern on a parameter value.
func checkPattern(param, v string, re *regexp.Regexp) *core.APIError {
	if !re.MatchString(v) {
		return core.ValidationError("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, core.LowerFirst(param), strings.Trim(re.String(), "^$"))
	}
	return nil
}
