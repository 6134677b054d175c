package ec2

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2Fields answers a describe filter for one resource: its values under a filter name.
type ec2Fields func(name string) []string

// ec2Select keeps the items that pass every filter of the request. known lists the filter names
// the describe call accepts besides tag:<key>, tag-key and tag-value; others are
// InvalidParameterValue, as in EC2. fields gives an item's values; tags its tags.
func ec2Select[T any](c *core.Req, items []T, known []string, fields func(T) ec2Fields, tags func(T) []core.Tag) ([]T, *core.APIError) {
	filters := ec2Filters(c)
	for _, f := range filters {
		if !ec2KnownFilter(f.name, known) {
			return nil, core.NewError("InvalidParameterValue", 400, "The filter '%s' is invalid", f.name)
		}
	}
	var out []T
	for _, it := range items {
		ok := true
		for _, f := range filters {
			if !ec2FilterMatches(f, ec2FilterValues(f.name, fields(it), tags(it))) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

func ec2KnownFilter(name string, known []string) bool {
	if strings.HasPrefix(name, "tag:") || name == "tag-key" || name == "tag-value" {
		return true
	}
	for _, k := range known {
		if k == name {
			return true
		}
	}
	return false
}

// ec2FilterValues is what a resource has under a filter name.
func ec2FilterValues(name string, fields ec2Fields, tags []core.Tag) []string {
	var out []string
	switch {
	case strings.HasPrefix(name, "tag:"):
		for _, t := range tags {
			if t.Key == name[len("tag:"):] {
				out = append(out, t.Value)
			}
		}
	case name == "tag-key":
		for _, t := range tags {
			out = append(out, t.Key)
		}
	case name == "tag-value":
		for _, t := range tags {
			out = append(out, t.Value)
		}
	default:
		out = fields(name)
	}
	return out
}

// ec2FilterMatches: any filter value (with * and ? wildcards) matches any of the resource's values.
func ec2FilterMatches(f ec2Filter, have []string) bool {
	for _, pattern := range f.values {
		for _, v := range have {
			if ec2Wildcard(pattern, v) {
				return true
			}
		}
	}
	return false
}

// ec2Wildcard matches s against an EC2 filter value: * is any run, ? any one character, \ escapes.
func ec2Wildcard(pattern, s string) bool {
	p, v := []rune(pattern), []rune(s)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for i < len(p) {
			switch p[i] {
			case '*':
				for k := j; k <= len(v); k++ {
					if match(i+1, k) {
						return true
					}
				}
				return false
			case '?':
				if j >= len(v) {
					return false
				}
			case '\\':
				if i+1 < len(p) {
					i++
				}
				if j >= len(v) || v[j] != p[i] {
					return false
				}
			default:
				if j >= len(v) || v[j] != p[i] {
					return false
				}
			}
			i++
			j++
		}
		return j == len(v)
	}
	return match(0, 0)
}

// ec2Page cuts items at the request's NextToken and MaxResults (5..most; all when absent).
// Tokens are opaque offsets; one that does not decode is InvalidPaginationToken.
func ec2Page[T any](c *core.Req, items []T, most int) ([]T, string, *core.APIError) {
	limit := len(items)
	if n, ok, err := c.ParamInt("MaxResults"); err != nil {
		return nil, "", core.NewError("InvalidParameterValue", 400, "Invalid value '%s' for maxResults", c.Param("MaxResults"))
	} else if ok {
		if n < 5 || n > most {
			return nil, "", core.NewError("InvalidParameterValue", 400, "Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and %d.", n, most)
		}
		limit = n
	}
	start := 0
	if tok := c.Param("NextToken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		n, convErr := strconv.Atoi(strings.TrimPrefix(string(raw), "ec2:"))
		if err != nil || convErr != nil || !strings.HasPrefix(string(raw), "ec2:") || n < 0 || n > len(items) {
			return nil, "", core.NewError("InvalidPaginationToken", 400, "Invalid pagination token.")
		}
		start = n
	}
	end := start + limit
	if end >= len(items) {
		return items[start:], "", nil
	}
	return items[start:end], base64.RawURLEncoding.EncodeToString([]byte("ec2:" + strconv.Itoa(end))), nil
}

// ec2Lookup resolves explicit ids of a describe call (VpcId.N); a missing one is the type's
// not-found error. With no ids, all items are returned.
func ec2Lookup[T any](ids []string, all []T, idOf func(T) string, notFound func(id string) *core.APIError) ([]T, *core.APIError) {
	if len(ids) == 0 {
		return all, nil
	}
	byID := map[string]T{}
	for _, it := range all {
		byID[idOf(it)] = it
	}
	var out []T
	seen := map[string]bool{}
	for _, id := range ids {
		it, ok := byID[id]
		if !ok {
			return nil, notFound(id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, it)
		}
	}
	return out, nil
}
