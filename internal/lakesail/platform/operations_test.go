package platform

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func validConnectionInput() CreateConnectionInput {
	return CreateConnectionInput{
		ID:   "A1B2C3D4E5",
		Name: "prod",
		ProviderConfig: CreateConnectionAWSConfig{
			AccountID: "123456789012",
			Region:    "us-east-1",
			RoleARN:   "arn:aws:iam::123456789012:role/lakesail-A1B2C3D4E5-role",
		},
	}
}

// jsonEqual compares two JSON texts as values, so key order and spacing do not matter.
func jsonEqual(t *testing.T, got, want string) {
	t.Helper()
	var gotValue, wantValue any
	if err := json.Unmarshal([]byte(got), &gotValue); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &wantValue); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	if !reflect.DeepEqual(gotValue, wantValue) {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
}

func TestUnitCreateConnectionSendsTheRoleAndDecodesTheAnswer(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, body string, _ int) {
		expectRequest(t, r, http.MethodPost, "/infra/connections")
		if r.URL.RawQuery != "" {
			t.Errorf("unexpected query %q", r.URL.RawQuery)
		}
		jsonEqual(t, body, `{"id":"A1B2C3D4E5","name":"prod","provider":"aws",
			"providerConfig":{"accountId":"123456789012","region":"us-east-1","roleArn":"arn:aws:iam::123456789012:role/lakesail-A1B2C3D4E5-role"}}`)
		writeJSON(w, http.StatusCreated, `{"id":"A1B2C3D4E5","name":"prod","provider":"aws",
			"providerConfig":{"accountId":"123456789012","region":"us-east-1","roleArn":"arn:aws:iam::123456789012:role/lakesail-A1B2C3D4E5-role",
				"externalIdSecretArn":"arn:aws:secretsmanager:us-east-1:1:secret:x","futureField":true},
			"status":"pending","createdAt":"2025-03-01T12:00:00.5Z","updatedAt":null,"createdBy":"u-1",
			"somethingNew":{"nested":[1,2,3]}}`)
	})
	client, _ := newTestClient(t, fake.url(), nil)

	connection, err := client.CreateConnection(context.Background(), validConnectionInput())
	if err != nil {
		t.Fatalf("CreateConnection: %v", err)
	}
	want := Connection{
		ID: "A1B2C3D4E5", Name: "prod", Provider: "aws", Status: "pending", CreatedBy: "u-1",
		ProviderConfig: ConnectionProviderConfig{
			AccountID: "123456789012", Region: "us-east-1", RoleARN: "arn:aws:iam::123456789012:role/lakesail-A1B2C3D4E5-role",
			ExternalIDSecretARN: "arn:aws:secretsmanager:us-east-1:1:secret:x",
		},
		CreatedAt: time.Date(2025, 3, 1, 12, 0, 0, 500_000_000, time.UTC),
	}
	if !reflect.DeepEqual(*connection, want) {
		t.Errorf("decoded\n got %+v\nwant %+v", *connection, want)
	}
	if !connection.UpdatedAt.IsZero() || !connection.LastUsedAt.IsZero() {
		t.Errorf("null and absent timestamps should be zero: %+v", connection)
	}
}

func TestUnitCreateConnectionRejectsBadInputWithoutARequest(t *testing.T) {
	fake := newFakePlatform(t, func(http.ResponseWriter, *http.Request, string, int) {})
	client, _ := newTestClient(t, fake.url(), nil)
	lowerCaseID := validConnectionInput()
	lowerCaseID.ID = "a1b2c3d4e5"
	noRole := validConnectionInput()
	noRole.ProviderConfig.RoleARN = ""
	for _, input := range []CreateConnectionInput{lowerCaseID, noRole} {
		if _, err := client.CreateConnection(context.Background(), input); err == nil || !strings.HasPrefix(err.Error(), "platform: CreateConnection: ") {
			t.Errorf("want a CreateConnection input error, got %v", err)
		}
	}
	if fake.count() != 0 {
		t.Errorf("%d requests were made for invalid input", fake.count())
	}
}

func TestUnitVerifyConnectionReadsBackAfterAnEmptyAnswer(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, number int) {
		switch number {
		case 1:
			expectRequest(t, r, http.MethodPost, "/infra/connections/A1B2C3D4E5/verify")
			w.WriteHeader(http.StatusAccepted)
		default:
			expectRequest(t, r, http.MethodGet, "/infra/connections/A1B2C3D4E5")
			writeJSON(w, http.StatusOK, oneConnection)
		}
	})
	client, _ := newTestClient(t, fake.url(), nil)

	connection, err := client.VerifyConnection(context.Background(), "A1B2C3D4E5")
	if err != nil || connection.Status != ConnectionStatusActive || fake.count() != 2 {
		t.Fatalf("got %+v, %v after %d requests", connection, err, fake.count())
	}
}

func TestUnitNetworkAndClusterOperations(t *testing.T) {
	const network = `{"id":"N1","connectionId":"A1B2C3D4E5","name":"main","region":"us-east-1","providerNetworkId":"vpc-0abc",
		"config":{"cidr":"10.0.0.0/16"},"iacState":{"projectName":"p","stackName":"s"},"iacOutputs":{"any":["shape"]},"status":"ready"}`
	const cluster = `{"id":"C1","name":"ws","externalClusterId":"lakesail-A1B2C3D4E5-ws","region":"us-east-1","connectionId":"A1B2C3D4E5","networkId":"N1","externalStatus":"ACTIVE"}`
	tests := []struct {
		name     string
		method   string
		path     string
		wantBody string
		status   int
		answer   string
		call     func(context.Context, *Client) (any, error)
		want     any
	}{
		{
			name: "ListNetworks", method: http.MethodGet, path: "/infra/networks", status: 200, answer: `{"items":[` + network + `]}`,
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListNetworks(ctx) },
			want: []Network{{ID: "N1", ConnectionID: "A1B2C3D4E5", Name: "main", Region: "us-east-1", ProviderNetworkID: "vpc-0abc",
				Config: NetworkConfig{CIDR: "10.0.0.0/16"}, IaCState: NetworkIaCState{ProjectName: "p", StackName: "s"},
				IaCOutputs: json.RawMessage(`{"any":["shape"]}`), Status: "ready"}},
		},
		{
			name: "GetNetwork", method: http.MethodGet, path: "/infra/networks/N1", status: 200, answer: network,
			call: func(ctx context.Context, c *Client) (any, error) {
				n, err := c.GetNetwork(ctx, "N1")
				return n.ProviderNetworkID, err
			},
			want: "vpc-0abc",
		},
		{
			name: "CreateNetwork", method: http.MethodPost, path: "/infra/networks", status: 201, answer: network,
			wantBody: `{"connectionId":"A1B2C3D4E5","name":"main","region":"us-east-1","providerNetworkId":"vpc-0abc","config":{"cidr":"10.0.0.0/16"}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				n, err := c.CreateNetwork(ctx, CreateNetworkInput{ConnectionID: "A1B2C3D4E5", Name: "main", Region: "us-east-1",
					ProviderNetworkID: "vpc-0abc", Config: NetworkConfig{CIDR: "10.0.0.0/16"}})
				return n.ID, err
			},
			want: "N1",
		},
		{
			name: "DeleteNetwork", method: http.MethodDelete, path: "/infra/networks/N1", status: 204,
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteNetwork(ctx, "N1") },
		},
		{
			name: "ListClusters", method: http.MethodGet, path: "/me/clusters", status: 200, answer: `{"items":[` + cluster + `],"included":{"networks":[]}}`,
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListClusters(ctx) },
			want: []Cluster{{ID: "C1", Name: "ws", ExternalClusterID: "lakesail-A1B2C3D4E5-ws", Region: "us-east-1",
				ConnectionID: "A1B2C3D4E5", NetworkID: "N1", ExternalStatus: "ACTIVE"}},
		},
		{
			name: "CreateCluster", method: http.MethodPost, path: "/infra/clusters", status: 201, answer: cluster,
			wantBody: `{"name":"ws","region":"us-east-1","connectionId":"A1B2C3D4E5","networkId":"N1","externalClusterId":"lakesail-A1B2C3D4E5-ws"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				created, err := c.CreateCluster(ctx, CreateClusterInput{Name: "ws", Region: "us-east-1", ConnectionID: "A1B2C3D4E5",
					NetworkID: "N1", ExternalClusterID: "lakesail-A1B2C3D4E5-ws"})
				return created.ExternalStatus, err
			},
			want: "ACTIVE",
		},
		{
			name: "DeleteCluster", method: http.MethodDelete, path: "/infra/clusters/C1", status: 200, answer: `{"deleted":true}`,
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteCluster(ctx, "C1") },
		},
		{
			name: "DeleteConnection", method: http.MethodDelete, path: "/infra/connections/A1B2C3D4E5", status: 204,
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteConnection(ctx, "A1B2C3D4E5") },
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, body string, _ int) {
				expectRequest(t, r, test.method, test.path)
				if test.wantBody != "" {
					jsonEqual(t, body, test.wantBody)
				} else if body != "" {
					t.Errorf("unexpected body %q", body)
				}
				if test.answer == "" {
					w.WriteHeader(test.status)
					return
				}
				writeJSON(w, test.status, test.answer)
			})
			client, _ := newTestClient(t, fake.url(), nil)
			got, err := test.call(context.Background(), client)
			if err != nil {
				t.Fatalf("%s: %v", test.name, err)
			}
			if test.want != nil && !reflect.DeepEqual(got, test.want) {
				t.Errorf("got %#v\nwant %#v", got, test.want)
			}
		})
	}
}

func TestUnitDeleteOfAbsentObjectIsATypedNotFound(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, _ int) {
		expectRequest(t, r, http.MethodDelete, "/infra/connections/A1B2C3D4E5")
		writeJSON(w, http.StatusNotFound, `{"code":"not_found","message":"connection A1B2C3D4E5 does not exist"}`)
	})
	client, _ := newTestClient(t, fake.url(), nil)

	err := client.DeleteConnection(context.Background(), "A1B2C3D4E5")
	if !IsNotFound(err) || IsConflict(err) || fake.count() != 1 {
		t.Fatalf("want a not-found after one request, got %v after %d", err, fake.count())
	}
}

func TestUnitPathSegmentsAreEscaped(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, r *http.Request, _ string, _ int) {
		expectRequest(t, r, http.MethodGet, "/infra/networks/a%2Fb%3Fc%23d%20e")
		writeJSON(w, http.StatusOK, `{"id":"a/b?c#d e"}`)
	})
	client, _ := newTestClient(t, fake.url(), nil)

	if _, err := client.GetNetwork(context.Background(), "a/b?c#d e"); err != nil {
		t.Fatalf("GetNetwork: %v", err)
	}
	for _, id := range []string{"", ".", ".."} {
		if err := client.DeleteNetwork(context.Background(), id); err == nil || !strings.Contains(err.Error(), "not a valid id") {
			t.Errorf("id %q: want an invalid id error, got %v", id, err)
		}
	}
	if fake.count() != 1 {
		t.Errorf("%d requests, want 1: invalid ids must not reach the server", fake.count())
	}
}

func TestUnitMalformedJSONIsAClearError(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		call        func(*Client) error
		wantParts   []string
	}{
		{
			name: "cut object", contentType: "application/json", body: `{"id":"A1B2C3`,
			call:      func(c *Client) error { _, err := c.GetConnection(context.Background(), "A1B2C3D4E5"); return err },
			wantParts: []string{"platform: GetConnection (GET /infra/connections/A1B2C3D4E5): the HTTP 200 response is not the expected JSON", "unexpected end of JSON input"},
		},
		{
			name: "html from a proxy", contentType: "text/html", body: "<html>\n<body>Gateway login</body></html>",
			call:      func(c *Client) error { _, err := c.ListConnections(context.Background()); return err },
			wantParts: []string{"ListConnections (GET /infra/connections)", `content type "text/html"`, "body starts: <html> <body>Gateway login"},
		},
		{
			name: "object without id", contentType: "application/json", body: `null`,
			call:      func(c *Client) error { _, err := c.GetNetwork(context.Background(), "N1"); return err },
			wantParts: []string{"GetNetwork", "the object has no id"},
		},
		{
			name: "list without items", contentType: "application/json", body: `{"data":[]}`,
			call:      func(c *Client) error { _, err := c.ListClusters(context.Background()); return err },
			wantParts: []string{"ListClusters (GET /me/clusters)", `the list has no "items"`},
		},
		{
			name: "wrong item type", contentType: "application/json", body: `{"items":[{"id":7}]}`,
			call:      func(c *Client) error { _, err := c.ListNetworks(context.Background()); return err },
			wantParts: []string{"ListNetworks", "items: json: cannot unmarshal number"},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			fake := newFakePlatform(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) {
				w.Header().Set("Content-Type", test.contentType)
				_, _ = w.Write([]byte(test.body))
			})
			client, _ := newTestClient(t, fake.url(), nil)
			err := test.call(client)
			var decodeErr *DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("want *DecodeError, got %T %v", err, err)
			}
			for _, part := range test.wantParts {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q lacks %q", err, part)
				}
			}
			if fake.count() != 1 {
				t.Errorf("a malformed success was retried: %d requests", fake.count())
			}
		})
	}
}

func TestUnitRedirectsAreRefused(t *testing.T) {
	fake := newFakePlatform(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) {
		http.Redirect(w, &http.Request{Method: http.MethodGet}, "https://elsewhere.example/api/v1/infra/connections", http.StatusFound)
	})
	client, _ := newTestClient(t, fake.url(), nil)

	_, err := client.ListConnections(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound || !strings.Contains(err.Error(), "elsewhere.example") || fake.count() != 1 {
		t.Fatalf("want the redirect refused and named, got %v after %d requests", err, fake.count())
	}
}
