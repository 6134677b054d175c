package platform

import (
	"fmt"
	"net/http"
	"net/url"
)

// Every path the client calls, in one place: the platform's write paths are not public yet, so
// these follow REST conventions and are the one file to change when the API is published.
const (
	connectionsCollection = "/infra/connections"
	networksCollection    = "/infra/networks"
	clustersCollection    = "/infra/clusters"
	myClustersCollection  = "/me/clusters"
	verifySuffix          = "/verify"
)

// route is one platform operation: its name for errors and logs, its method and escaped path
// relative to the base URL, and whether replaying it after an ambiguous failure is harmless.
type route struct {
	operation  string
	method     string
	path       string
	replaySafe bool
}

func listConnectionsRoute() route {
	return route{"ListConnections", http.MethodGet, connectionsCollection, true}
}

func getConnectionRoute(id string) (route, error) {
	return itemRoute("GetConnection", http.MethodGet, connectionsCollection, id, "", true)
}

// createConnectionRoute is not replay-safe: nothing public says the platform dedupes a create
// by id, so an ambiguous failure is returned and the caller settles it with GetConnection.
func createConnectionRoute() route {
	return route{"CreateConnection", http.MethodPost, connectionsCollection, false}
}

// verifyConnectionRoute is replay-safe: verifying only makes the platform assume the role again.
func verifyConnectionRoute(id string) (route, error) {
	return itemRoute("VerifyConnection", http.MethodPost, connectionsCollection, id, verifySuffix, true)
}

func deleteConnectionRoute(id string) (route, error) {
	return itemRoute("DeleteConnection", http.MethodDelete, connectionsCollection, id, "", true)
}

func listNetworksRoute() route {
	return route{"ListNetworks", http.MethodGet, networksCollection, true}
}

func getNetworkRoute(id string) (route, error) {
	return itemRoute("GetNetwork", http.MethodGet, networksCollection, id, "", true)
}

// createNetworkRoute is not replay-safe: the platform picks the id, so a replay could register
// the network twice.
func createNetworkRoute() route {
	return route{"CreateNetwork", http.MethodPost, networksCollection, false}
}

func deleteNetworkRoute(id string) (route, error) {
	return itemRoute("DeleteNetwork", http.MethodDelete, networksCollection, id, "", true)
}

func listClustersRoute() route {
	return route{"ListClusters", http.MethodGet, myClustersCollection, true}
}

// createClusterRoute is not replay-safe, for the same reason as createNetworkRoute.
func createClusterRoute() route {
	return route{"CreateCluster", http.MethodPost, clustersCollection, false}
}

func deleteClusterRoute(id string) (route, error) {
	return itemRoute("DeleteCluster", http.MethodDelete, clustersCollection, id, "", true)
}

// itemRoute escapes id as one path segment; an empty or dot id would address the collection or
// its parent instead of an item, so it is refused before any request.
func itemRoute(operation, method, collection, id, suffix string, replaySafe bool) (route, error) {
	if id == "" || id == "." || id == ".." {
		return route{}, fmt.Errorf("platform: %s: %q is not a valid id", operation, id)
	}
	return route{operation, method, collection + "/" + url.PathEscape(id) + suffix, replaySafe}, nil
}
