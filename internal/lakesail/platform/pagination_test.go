package platform

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// threePages answers a connection list in three pages chained by nextMarker.
func threePages(t testing.TB) fakeHandler {
	pages := map[string]struct{ items, next string }{
		"":       {`{"id":"AAAAAAAAA1","name":"one"},{"id":"AAAAAAAAA2","name":"two"}`, "page-2"},
		"page-2": {`{"id":"AAAAAAAAA3","name":"three"},{"id":"AAAAAAAAA4","name":"four"}`, "page-3"},
		"page-3": {`{"id":"AAAAAAAAA5","name":"five"}`, ""},
	}
	return func(w http.ResponseWriter, r *http.Request, _ string, _ int) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/v1/infra/connections" || r.URL.Query().Get("limit") != "100" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		marker := r.URL.Query().Get("marker")
		page, ok := pages[marker]
		if !ok {
			t.Errorf("unknown marker %q", marker)
		}
		next := ""
		if page.next != "" {
			next = fmt.Sprintf(`,"nextMarker":%q`, page.next)
		}
		writeJSON(w, http.StatusOK, `{"items":[`+page.items+`]`+next+`,"included":{}}`)
	}
}

func TestUnitListConnectionsReadsEveryPage(t *testing.T) {
	var markers []string
	pages := threePages(t)
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, body string, number int) {
		markers = append(markers, r.URL.Query().Get("marker"))
		pages(w, r, body, number)
	})
	client, _ := newTestClient(t, fake.url(), nil)

	connections, err := client.ListConnections(context.Background())
	if err != nil {
		t.Fatalf("ListConnections: %v", err)
	}
	var names []string
	for _, connection := range connections {
		names = append(names, connection.Name)
	}
	if got := strings.Join(names, ","); got != "one,two,three,four,five" {
		t.Errorf("names %s, want one..five in order", got)
	}
	if got := strings.Join(markers, "|"); got != "|page-2|page-3" {
		t.Errorf("markers sent %q, want none, page-2, page-3", got)
	}
}

func TestUnitPaginationAcceptsMarkerAndStopsOnAnEcho(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, _ int) {
		switch r.URL.Query().Get("marker") {
		case "":
			writeJSON(w, http.StatusOK, `{"items":[{"id":"N1"}],"marker":"m2"}`) // next token under "marker"
		case "m2":
			writeJSON(w, http.StatusOK, `{"items":[{"id":"N2"}],"marker":"m2"}`) // echo of the marker sent: the end
		default:
			t.Errorf("unexpected marker %q", r.URL.Query().Get("marker"))
		}
	})
	client, _ := newTestClient(t, fake.url(), nil)

	networks, err := client.ListNetworks(context.Background())
	if err != nil || len(networks) != 2 || fake.count() != 2 {
		t.Fatalf("got %v, %v after %d requests; want N1, N2 after 2", networks, err, fake.count())
	}
}

func TestUnitEmptyListIsNotNil(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) {
		writeJSON(w, http.StatusOK, `{"items":[]}`)
	})
	client, _ := newTestClient(t, fake.url(), nil)

	clusters, err := client.ListClusters(context.Background())
	if err != nil || clusters == nil || len(clusters) != 0 {
		t.Fatalf("got %#v, %v; want an empty non-nil list", clusters, err)
	}
}
