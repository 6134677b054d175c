package core

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

func OneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func Unique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// eksBool renders a boolean condition key value.
func BoolValues(b bool) []string {
	if b {
		return []string{"true"}
	}
	return []string{"false"}
}

// MaxTags is how many tags a resource can carry (IAM, EKS, Logs, SSM, ACM, Glue: 50).
const MaxTags = 50

// RequireParams rejects a missing parameter the way the service model does.
func RequireParams(c *Req, params ...string) *APIError {
	for _, p := range params {
		if c.Param(p) == "" {
			return ValidationError("Value null at '%s' failed to satisfy constraint: Member must not be null", LowerFirst(p))
		}
	}
	return nil
}

// CheckLength enforces a length range (in characters) on a parameter value.
func CheckLength(param, v string, min, max int) *APIError {
	n := utf8.RuneCountInString(v)
	if n < min {
		return ValidationError("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", v, LowerFirst(param), min)
	}
	if n > max {
		return ValidationError("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", v, LowerFirst(param), max)
	}
	return nil
}

// CheckPattern enforces the service model's pattern on a parameter value.
func CheckPattern(param, v string, re *regexp.Regexp) *APIError {
	if !re.MatchString(v) {
		return ValidationError("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, LowerFirst(param), strings.Trim(re.String(), "^$"))
	}
	return nil
}
