package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// registry is a fake platform that keeps the networks and clusters it is sent, for the
// Register and Deregister methods: it lists, creates and deletes them, can carry out the
// requests lostAnswer selects and then answer 502 (a gateway that lost the answer), and can
// answer 503 to everything (an outage).
type registry struct {
	t    *testing.T
	fake *fakePlatform

	mu         sync.Mutex
	networks   map[string]Network
	clusters   map[string]Cluster
	nextID     int
	lostAnswer func(r *http.Request) bool
	outage     bool
	requests   []string // "METHOD /path" under /api/v1
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	reg := &registry{t: t, networks: map[string]Network{}, clusters: map[string]Cluster{}}
	reg.fake = newFakePlatform(t, reg.serve)
	return reg
}

// client is a client for the registry with the tests' tiny retry values.
func (reg *registry) client() *Client {
	reg.t.Helper()
	client, _ := newTestClient(reg.t, reg.fake.url(), nil)
	return client
}

// setLostAnswer carries out the requests match selects but answers them 502, until it is set to nil.
func (reg *registry) setLostAnswer(match func(r *http.Request) bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.lostAnswer = match
}

// setOutage makes every request fail with 503 (true) or be served again (false).
func (reg *registry) setOutage(down bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.outage = down
}

// count returns how many requests had method and path (relative to /api/v1).
func (reg *registry) count(method, path string) int {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	n := 0
	for _, r := range reg.requests {
		if r == method+" "+path {
			n++
		}
	}
	return n
}

func (reg *registry) serve(w http.ResponseWriter, r *http.Request, body string, _ int) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, "/api/v1")
	reg.requests = append(reg.requests, r.Method+" "+path)
	switch {
	case reg.outage:
		writeJSON(w, http.StatusServiceUnavailable, `{"message":"the platform is down for maintenance"}`)
	case reg.lostAnswer != nil && reg.lostAnswer(r):
		reg.route(discard{}, r.Method, path, body)
		writeJSON(w, http.StatusBadGateway, `{"message":"the upstream answer was lost"}`)
	default:
		reg.route(w, r.Method, path, body)
	}
}

// route serves one request from the store; the caller holds the lock.
func (reg *registry) route(w http.ResponseWriter, method, path, body string) {
	id, hasID := strings.CutPrefix(path, "/infra/networks/")
	if !hasID {
		id, hasID = strings.CutPrefix(path, "/infra/clusters/")
	}
	switch {
	case method == http.MethodGet && path == "/infra/networks":
		answerList(reg.t, w, reg.networks)
	case method == http.MethodGet && path == "/me/clusters":
		answerList(reg.t, w, reg.clusters)
	case method == http.MethodPost && path == "/infra/networks":
		var in CreateNetworkInput
		reg.decode(body, &in)
		reg.nextID++
		n := Network{ID: fmt.Sprintf("NET%07d", reg.nextID), ConnectionID: in.ConnectionID, Name: in.Name, Region: in.Region,
			ProviderNetworkID: in.ProviderNetworkID, Config: in.Config, Status: "active"}
		reg.networks[n.ID] = n
		answerObject(reg.t, w, http.StatusCreated, n)
	case method == http.MethodPost && path == "/infra/clusters":
		var in CreateClusterInput
		reg.decode(body, &in)
		reg.nextID++
		c := Cluster{ID: fmt.Sprintf("CLU%07d", reg.nextID), Name: in.Name, Region: in.Region, ConnectionID: in.ConnectionID,
			NetworkID: in.NetworkID, ExternalClusterID: in.ExternalClusterID, ExternalStatus: "ACTIVE"}
		reg.clusters[c.ID] = c
		answerObject(reg.t, w, http.StatusCreated, c)
	case method == http.MethodDelete && hasID && strings.HasPrefix(path, "/infra/networks/") && deleteFrom(reg.networks, id),
		method == http.MethodDelete && hasID && strings.HasPrefix(path, "/infra/clusters/") && deleteFrom(reg.clusters, id):
		w.WriteHeader(http.StatusNoContent)
	case method == http.MethodDelete && hasID:
		writeJSON(w, http.StatusNotFound, `{"code":"not_found","message":"no such object"}`)
	default:
		reg.t.Errorf("unexpected request %s %s", method, path)
		writeJSON(w, http.StatusMethodNotAllowed, `{"message":"not supported here"}`)
	}
}

func (reg *registry) decode(body string, into any) {
	if err := json.Unmarshal([]byte(body), into); err != nil {
		reg.t.Errorf("request body %q: %v", body, err)
	}
}

// deleteFrom removes id from store and reports whether it was there.
func deleteFrom[T any](store map[string]T, id string) bool {
	_, ok := store[id]
	delete(store, id)
	return ok
}

// answerList answers one page holding every item of store, in id order.
func answerList[T any](t *testing.T, w http.ResponseWriter, store map[string]T) {
	items := make([]T, 0, len(store))
	for _, id := range slices.Sorted(maps.Keys(store)) {
		items = append(items, store[id])
	}
	answerObject(t, w, http.StatusOK, map[string]any{"items": items})
}

func answerObject(t *testing.T, w http.ResponseWriter, status int, body any) {
	raw, err := json.Marshal(body)
	if err != nil {
		t.Errorf("encoding the answer: %v", err)
	}
	writeJSON(w, status, string(raw))
}

// discard is a ResponseWriter for an answer that is lost.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}

func TestUnitIsAmbiguous(t *testing.T) {
	if !IsAmbiguous(&APIError{StatusCode: 502}) || IsAmbiguous(&APIError{StatusCode: 409}) ||
		!IsAmbiguous(&TransportError{Err: context.DeadlineExceeded}) {
		t.Error("IsAmbiguous: 5xx and no answer are ambiguous, a 4xx is not")
	}
	if !IsAmbiguous(fmt.Errorf("registering: %w", &DecodeError{Err: errors.New("bad json")})) || IsAmbiguous(errors.New("other")) || IsAmbiguous(nil) {
		t.Error("IsAmbiguous: an unreadable answer is ambiguous, even wrapped; an error that is no platform answer is not")
	}
}

// TestUnitRegisterNetwork: a network is registered once, a lost answer is settled by finding the
// registration, a repeat adopts it, and deregistering twice is fine.
func TestUnitRegisterNetwork(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fake := newRegistry(t)
	client := fake.client()
	in := CreateNetworkInput{ConnectionID: "AB12CD34EF", Name: "main", Region: "us-east-1",
		ProviderNetworkID: "vpc-0abc", Config: NetworkConfig{CIDR: "10.0.0.0/16"}}

	fake.setLostAnswer(func(r *http.Request) bool { return r.Method == http.MethodPost })
	first, err := client.RegisterNetwork(ctx, in)
	if err != nil {
		t.Fatalf("a lost answer must be settled by listing: %v", err)
	}
	fake.setLostAnswer(nil)
	again, err := client.RegisterNetwork(ctx, in)
	if err != nil || again.ID != first.ID {
		t.Fatalf("a repeat must adopt %s, got %v, %v", first.ID, again, err)
	}
	other := in
	other.ProviderNetworkID, other.Name = "vpc-0def", "second"
	second, err := client.RegisterNetwork(ctx, other)
	if err != nil || second.ID == first.ID {
		t.Fatalf("another VPC is another network: %v, %v", second, err)
	}
	if n := fake.count(http.MethodPost, "/infra/networks"); n != 2 {
		t.Errorf("CreateNetwork called %d times, want 2", n)
	}
	for range 2 {
		if err := client.DeregisterNetwork(ctx, first.ID); err != nil {
			t.Fatalf("deregistering (twice) must succeed: %v", err)
		}
	}
	if err := client.DeregisterNetwork(ctx, ""); err != nil {
		t.Errorf("an empty id is a network never registered: %v", err)
	}
	fake.setOutage(true)
	if _, err := client.RegisterNetwork(ctx, in); err == nil {
		t.Error("an outage must be an error")
	}
	if err := client.DeregisterNetwork(ctx, second.ID); err == nil {
		t.Error("an outage must fail a deregistration, so destroy keeps the AWS objects")
	}
}

func TestUnitRegisterCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fake := newRegistry(t)
	client := fake.client()
	in := CreateClusterInput{Name: "analytics", Region: "us-east-1", ConnectionID: "AB12CD34EF",
		NetworkID: "NET0000001", ExternalClusterID: "lakesail-AB12CD34EF-analytics"}
	fake.setLostAnswer(func(r *http.Request) bool { return r.Method == http.MethodPost })
	first, err := client.RegisterCluster(ctx, in)
	if err != nil {
		t.Fatalf("a lost answer must be settled by listing: %v", err)
	}
	fake.setLostAnswer(nil)
	again, err := client.RegisterCluster(ctx, in)
	if err != nil || again.ID != first.ID || fake.count(http.MethodPost, "/infra/clusters") != 1 {
		t.Fatalf("a repeat must adopt %s without creating, got %v, %v", first.ID, again, err)
	}
	if err := client.DeregisterCluster(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if err := client.DeregisterCluster(ctx, first.ID); err != nil {
		t.Errorf("a cluster already gone counts as deregistered: %v", err)
	}
}
