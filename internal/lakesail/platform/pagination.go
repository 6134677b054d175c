package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

const (
	// pageLimit is the API's largest page, so a list takes as few round trips as it can.
	pageLimit = 100
	// maxPages stops a server that never ends its marker chain (a million objects at 100 a page).
	maxPages = 10000
)

// page is one answer of a list call. The next-page token is read from nextMarker, or from
// marker when that differs from the marker sent, since the API's field name is not public.
type page struct {
	Items      json.RawMessage `json:"items"`
	NextMarker string          `json:"nextMarker"`
	Marker     string          `json:"marker"`
}

func (p page) next(sent string) string {
	if p.NextMarker != "" && p.NextMarker != sent {
		return p.NextMarker
	}
	if p.Marker != sent {
		return p.Marker
	}
	return ""
}

// listAll follows the marker chain of a list route and returns every item of every page.
func listAll[T any](ctx context.Context, c *Client, r route) ([]T, error) {
	all := make([]T, 0)
	marker := ""
	for pageNumber := 1; ; pageNumber++ {
		query := url.Values{"limit": {strconv.Itoa(pageLimit)}}
		if marker != "" {
			query.Set("marker", marker)
		}
		answer, err := c.send(ctx, r, query, nil)
		if err != nil {
			return nil, err
		}
		var current page
		if err := answer.decode(&current); err != nil {
			return nil, err
		}
		if len(current.Items) == 0 {
			return nil, answer.decodeError(errors.New(`the list has no "items"`))
		}
		var items []T
		if err := json.Unmarshal(current.Items, &items); err != nil {
			return nil, answer.decodeError(fmt.Errorf("items: %w", err))
		}
		all = append(all, items...)
		marker = current.next(marker)
		if marker == "" {
			return all, nil
		}
		if pageNumber == maxPages {
			return nil, fmt.Errorf("platform: %s: stopped after %d pages; the marker chain does not end", r.operation, maxPages)
		}
	}
}
