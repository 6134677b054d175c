// Package platform is a client for LakeSail's platform API: it registers the cloud connections,
// networks and clusters that the rest of internal/lakesail builds in the customer's AWS account.
// It imports no Terraform package, so LakeSail's own control plane can use it as is.
//
// The API is in beta and its paths for writes are not public yet, so every path the client calls
// is kept in paths.go. Requests go through github.com/hashicorp/go-retryablehttp with the policy
// described on Options and in retry.go: throttling (429) and "service unavailable" (503) are
// retried for every request, gateway failures (502, 504), 500 and broken connections only for
// requests that are harmless to replay (GET, DELETE, verify), never for a create.
//
// Failures are typed: *APIError (the platform answered with an error status), *TransportError
// (no usable answer: connection refused, deadline, reset) and *DecodeError (a success status
// with a body that is not the expected JSON). CheckAccess asks for one connection before any
// other work and returns an *AccessError that separates what the caller must fix (a refused
// token, a URL that certainly is not the API's) from an outage. The token never appears in a log
// line, an error, or the fmt output of Options or Client.
package platform
