package iam

import (
	"encoding/base64"
	"strconv"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// page is one page of a Marker/MaxItems listing (IAM style).
type page[T any] struct {
	Items     []T
	Truncated bool
	Marker    string // opaque; set when Truncated
}

// paginate cuts items (already in listing order) at the request's Marker and MaxItems (default
// 100, 1..1000). Markers are opaque offsets; a marker that does not decode is InvalidInput.
func paginate[T any](c *core.Req, items []T) (page[T], *core.APIError) {
	max := 100
	if n, ok, err := c.ParamInt("MaxItems"); err != nil {
		return page[T]{}, err
	} else if ok {
		if n < 1 || n > 1000 {
			return page[T]{}, core.ValidationError("Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", n)
		}
		max = n
	}
	start := 0
	if m := c.Param("Marker"); m != "" {
		raw, err := base64.RawURLEncoding.DecodeString(m)
		n, convErr := strconv.Atoi(string(raw))
		if err != nil || convErr != nil || n < 0 || n > len(items) {
			return page[T]{}, invalidInput("Invalid Marker.")
		}
		start = n
	}
	end := start + max
	if end >= len(items) {
		return page[T]{Items: items[start:]}, nil
	}
	return page[T]{Items: items[start:end], Truncated: true, Marker: base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))}, nil
}
