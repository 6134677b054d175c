package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

// fakePlatformToken is distinctive so a leak into a log or a diagnostic is easy to spot.
const fakePlatformToken = "lsk_acc_5be1d0c4f2a9_SECRET"

// fakePlatform is a local LakeSail platform API with an in-memory store. It implements the
// endpoints the provider calls, checks the Bearer token on every request, records each request,
// and can be told to answer 503 to chosen requests for a while.
type fakePlatform struct {
	t      *testing.T
	server *httptest.Server

	mu          sync.Mutex
	pageSize    int
	connections map[string]platform.Connection
	networks    map[string]platform.Network
	clusters    map[string]platform.Cluster
	nextID      int
	unavailable func(r *http.Request) bool // answers 503 to the requests it matches
	lostAnswer  func(r *http.Request) bool // carries out the requests it matches, then answers 502
	forbidden   func(r *http.Request) bool // answers 403 to the requests it matches (a token without permission)
	requests    []fakeRequest
}

// fakeRequest is one request the fake received.
type fakeRequest struct {
	Method string
	Path   string // relative to /api/v1
	Query  string
	Status int
	At     time.Time
}

const fakeAPIPrefix = "/api/v1"

func newFakePlatform(t *testing.T) *fakePlatform {
	t.Helper()
	fake := &fakePlatform{
		t:           t,
		pageSize:    100,
		connections: map[string]platform.Connection{},
		networks:    map[string]platform.Network{},
		clusters:    map[string]platform.Cluster{},
	}
	fake.server = httptest.NewServer(http.HandlerFunc(fake.serve))
	t.Cleanup(fake.server.Close)
	return fake
}

// URL is the API base URL to configure the provider with.
func (f *fakePlatform) URL() string { return f.server.URL + fakeAPIPrefix }

// providerBlock is the platform block that points the provider at the fake.
func (f *fakePlatform) providerBlock() string { return f.providerBlockWithToken(fakePlatformToken) }

// providerBlockWithToken points the provider at the fake with another token.
func (f *fakePlatform) providerBlockWithToken(token string) string {
	return fmt.Sprintf("  platform {\n    url   = %q\n    token = %q\n  }\n", f.URL(), token)
}

// accessChecks counts the plan-time access checks the fake received (GET of one connection).
func (f *fakePlatform) accessChecks() int {
	n := 0
	for _, r := range f.log() {
		if r.Method == http.MethodGet && r.Path == "/infra/connections" && r.Query == "limit=1" {
			n++
		}
	}
	return n
}

// setOutage makes every request fail with 503 (true) or be served again (false).
func (f *fakePlatform) setOutage(down bool) {
	if down {
		f.setUnavailable(func(*http.Request) bool { return true })
	} else {
		f.setUnavailable(nil)
	}
}

// setUnavailable answers 503 to the requests match selects, until it is set to nil.
func (f *fakePlatform) setUnavailable(match func(r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unavailable = match
}

// setLostAnswer carries out the requests match selects but answers them 502, as a gateway that
// lost the platform's answer would, until it is set to nil.
func (f *fakePlatform) setLostAnswer(match func(r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lostAnswer = match
}

// setForbidden answers 403 to the requests match selects, as for a valid token without the
// permission, until it is set to nil.
func (f *fakePlatform) setForbidden(match func(r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forbidden = match
}

func (f *fakePlatform) setPageSize(size int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pageSize = size
}

// putConnection stores a connection as if it had been registered before the test.
func (f *fakePlatform) putConnection(c platform.Connection) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connections[c.ID] = c
}

func (f *fakePlatform) connection(id string) (platform.Connection, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.connections[id]
	return c, ok
}

func (f *fakePlatform) log() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// count returns how many requests matched method and path (path "" matches every path).
func (f *fakePlatform) count(method, path string) int {
	n := 0
	for _, r := range f.log() {
		if r.Method == method && (path == "" || r.Path == path) {
			n++
		}
	}
	return n
}

// fakeRecorder captures the status a handler wrote, for the request log.
type fakeRecorder struct {
	http.ResponseWriter
	status int
}

func (w *fakeRecorder) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (f *fakePlatform) serve(w http.ResponseWriter, r *http.Request) {
	rec := &fakeRecorder{ResponseWriter: w, status: http.StatusOK}
	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() {
		f.requests = append(f.requests, fakeRequest{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, fakeAPIPrefix), Query: r.URL.RawQuery, Status: rec.status, At: time.Now()})
	}()
	if r.Header.Get("Authorization") != "Bearer "+fakePlatformToken {
		fakeError(rec, http.StatusUnauthorized, "Unauthorized", "missing or invalid bearer token")
		return
	}
	if f.forbidden != nil && f.forbidden(r) {
		fakeError(rec, http.StatusForbidden, "Forbidden", "the token may not manage cloud connections")
		return
	}
	if f.unavailable != nil && f.unavailable(r) {
		fakeError(rec, http.StatusServiceUnavailable, "Unavailable", "the platform is down for maintenance")
		return
	}
	if f.lostAnswer != nil && f.lostAnswer(r) {
		f.route(httptest.NewRecorder(), r)
		fakeError(rec, http.StatusBadGateway, "BadGateway", "the upstream answer was lost")
		return
	}
	f.route(rec, r)
}

// route serves one request from the store; the caller holds the lock.
func (f *fakePlatform) route(rec http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, fakeAPIPrefix+"/") {
		fakeError(rec, http.StatusNotFound, "NotFound", "no such route")
		return
	}
	segments := strings.Split(strings.TrimPrefix(r.URL.Path, fakeAPIPrefix+"/"), "/")
	switch {
	case len(segments) >= 2 && segments[0] == "infra" && segments[1] == "connections":
		f.serveConnections(rec, r, segments[2:])
	case len(segments) >= 2 && segments[0] == "infra" && segments[1] == "networks":
		f.serveNetworks(rec, r, segments[2:])
	case len(segments) == 2 && segments[0] == "me" && segments[1] == "clusters" && r.Method == http.MethodGet:
		fakeList(rec, r, f.pageSize, sortedValues(f.clusters))
	case len(segments) >= 2 && segments[0] == "infra" && segments[1] == "clusters":
		f.serveClusters(rec, r, segments[2:])
	default:
		fakeError(rec, http.StatusNotFound, "NotFound", "no such route")
	}
}

func (f *fakePlatform) serveConnections(w http.ResponseWriter, r *http.Request, rest []string) {
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		fakeList(w, r, f.pageSize, sortedValues(f.connections))
	case len(rest) == 0 && r.Method == http.MethodPost:
		var in platform.CreateConnectionInput
		if !fakeDecode(w, r, &in) {
			return
		}
		if in.ID == "" || in.Name == "" || in.Provider != platform.ProviderAWS || in.ProviderConfig.RoleARN == "" ||
			in.ProviderConfig.AccountID == "" || in.ProviderConfig.Region == "" {
			fakeError(w, http.StatusBadRequest, "ValidationError", "id, name, provider aws and providerConfig are required")
			return
		}
		if _, taken := f.connections[in.ID]; taken {
			fakeError(w, http.StatusConflict, "Conflict", "connection "+in.ID+" already exists")
			return
		}
		now := time.Now().UTC()
		c := platform.Connection{
			ID: in.ID, Name: in.Name, Provider: in.Provider, Status: "pending", StatusMessage: "waiting for verification",
			ProviderConfig: platform.ConnectionProviderConfig{
				AccountID: in.ProviderConfig.AccountID, Region: in.ProviderConfig.Region, RoleARN: in.ProviderConfig.RoleARN,
			},
			CreatedAt: now, UpdatedAt: now,
		}
		f.connections[c.ID] = c
		fakeJSON(w, http.StatusCreated, c)
	case len(rest) == 1 && r.Method == http.MethodGet:
		if c, ok := f.connections[rest[0]]; ok {
			fakeJSON(w, http.StatusOK, c)
			return
		}
		fakeError(w, http.StatusNotFound, "NotFound", "no connection "+rest[0])
	case len(rest) == 1 && r.Method == http.MethodDelete:
		if _, ok := f.connections[rest[0]]; !ok {
			fakeError(w, http.StatusNotFound, "NotFound", "no connection "+rest[0])
			return
		}
		delete(f.connections, rest[0])
		w.WriteHeader(http.StatusNoContent)
	case len(rest) == 2 && rest[1] == "verify" && r.Method == http.MethodPost:
		c, ok := f.connections[rest[0]]
		if !ok {
			fakeError(w, http.StatusNotFound, "NotFound", "no connection "+rest[0])
			return
		}
		c.Status, c.StatusMessage, c.UpdatedAt = platform.ConnectionStatusActive, "assumed "+c.ProviderConfig.RoleARN, time.Now().UTC()
		f.connections[c.ID] = c
		fakeJSON(w, http.StatusOK, c)
	default:
		fakeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" is not supported here")
	}
}

func (f *fakePlatform) serveNetworks(w http.ResponseWriter, r *http.Request, rest []string) {
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		fakeList(w, r, f.pageSize, sortedValues(f.networks))
	case len(rest) == 0 && r.Method == http.MethodPost:
		var in platform.CreateNetworkInput
		if !fakeDecode(w, r, &in) {
			return
		}
		f.nextID++
		n := platform.Network{
			ID: fmt.Sprintf("NET%07d", f.nextID), ConnectionID: in.ConnectionID, Name: in.Name, Region: in.Region,
			ProviderNetworkID: in.ProviderNetworkID, Config: in.Config, Status: "active",
		}
		f.networks[n.ID] = n
		fakeJSON(w, http.StatusCreated, n)
	case len(rest) == 1 && r.Method == http.MethodGet:
		if n, ok := f.networks[rest[0]]; ok {
			fakeJSON(w, http.StatusOK, n)
			return
		}
		fakeError(w, http.StatusNotFound, "NotFound", "no network "+rest[0])
	case len(rest) == 1 && r.Method == http.MethodDelete:
		if _, ok := f.networks[rest[0]]; !ok {
			fakeError(w, http.StatusNotFound, "NotFound", "no network "+rest[0])
			return
		}
		delete(f.networks, rest[0])
		w.WriteHeader(http.StatusNoContent)
	default:
		fakeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" is not supported here")
	}
}

func (f *fakePlatform) serveClusters(w http.ResponseWriter, r *http.Request, rest []string) {
	switch {
	case len(rest) == 0 && r.Method == http.MethodPost:
		var in platform.CreateClusterInput
		if !fakeDecode(w, r, &in) {
			return
		}
		f.nextID++
		c := platform.Cluster{
			ID: fmt.Sprintf("CLU%07d", f.nextID), Name: in.Name, Region: in.Region, ConnectionID: in.ConnectionID,
			NetworkID: in.NetworkID, ExternalClusterID: in.ExternalClusterID, ExternalStatus: "ACTIVE",
		}
		f.clusters[c.ID] = c
		fakeJSON(w, http.StatusCreated, c)
	case len(rest) == 1 && r.Method == http.MethodDelete:
		if _, ok := f.clusters[rest[0]]; !ok {
			fakeError(w, http.StatusNotFound, "NotFound", "no cluster "+rest[0])
			return
		}
		delete(f.clusters, rest[0])
		w.WriteHeader(http.StatusNoContent)
	default:
		fakeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" is not supported here")
	}
}

// sortedValues lists a store in id order, so pages are stable.
func sortedValues[T any](store map[string]T) []T {
	ids := make([]string, 0, len(store))
	for id := range store {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		out = append(out, store[id])
	}
	return out
}

// fakeList answers one page: the marker is the index of the page's first item.
func fakeList[T any](w http.ResponseWriter, r *http.Request, pageSize int, items []T) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit < 1 || limit > 100 {
		fakeError(w, http.StatusBadRequest, "ValidationError", "limit must be 1 to 100")
		return
	}
	start := 0
	if marker := r.URL.Query().Get("marker"); marker != "" {
		if start, err = strconv.Atoi(marker); err != nil || start < 0 || start > len(items) {
			fakeError(w, http.StatusBadRequest, "ValidationError", "bad marker")
			return
		}
	}
	end := min(start+min(limit, pageSize), len(items))
	body := map[string]any{"items": items[start:end]}
	if end < len(items) {
		body["nextMarker"] = strconv.Itoa(end)
	}
	fakeJSON(w, http.StatusOK, body)
}

func fakeDecode(w http.ResponseWriter, r *http.Request, into any) bool {
	if r.Header.Get("Content-Type") != "application/json" {
		fakeError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "send JSON")
		return false
	}
	if err := json.NewDecoder(r.Body).Decode(into); err != nil {
		fakeError(w, http.StatusBadRequest, "ValidationError", "malformed JSON: "+err.Error())
		return false
	}
	return true
}

func fakeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func fakeError(w http.ResponseWriter, status int, code, message string) {
	fakeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// fastPlatformRetries shrinks the platform client's retries so an outage outlasts them in
// milliseconds instead of minutes.
func fastPlatformRetries(opts *platform.Options) {
	opts.MaxAttempts = 2
	opts.MinBackoff = 5 * time.Millisecond
	opts.MaxBackoff = 10 * time.Millisecond
	opts.RetryBudget = 2 * time.Second
	opts.AttemptTimeout = 10 * time.Second
}

// client is a platform client for the fake with fast retries, for tests that call helpers directly.
func (f *fakePlatform) client(t *testing.T) *platform.Client {
	t.Helper()
	opts := platform.Options{BaseURL: f.URL(), Token: fakePlatformToken}
	fastPlatformRetries(&opts)
	client, err := platform.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// platformTestFactories serve a provider whose platform client retries fast.
var platformTestFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"lakesail": providerserver.NewProtocol6WithError(&lakesailProvider{version: "test", tunePlatform: fastPlatformRetries, tuneLibrary: fastLibraryWaits}),
}
