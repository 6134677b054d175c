package platform

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkUnitListConnectionsThreePages measures a full three-page list against a local server:
// the client's own overhead (requests, retries' bookkeeping, decoding), not the network.
func BenchmarkUnitListConnectionsThreePages(b *testing.B) {
	handle := threePages(b)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handle(w, r, "", 0) }))
	defer server.Close()
	client, err := New(Options{BaseURL: server.URL + "/api/v1", Token: testToken})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		connections, err := client.ListConnections(ctx)
		if err != nil || len(connections) != 5 {
			b.Fatalf("got %d connections, %v", len(connections), err)
		}
	}
}
