package core

import (
	"net/http"
	"net/url"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// Service is one AWS service as the emulator serves it. Requests reach it by the service name
// in their SigV4 credential scope.
type Service struct {
	Name      string   // SigV4 signing name and routing key: "iam", "sts", "ec2", "kms", "eks", "s3"
	Protocol  Protocol // wire protocol: queryProtocol, jsonProtocol, ...
	Namespace string   // awsquery/ec2query: XML namespace of responses
	Version   string   // awsquery/ec2query: API version (also routes unsigned requests)
	Target    string   // JSON 1.1: X-Amz-Target prefix ("TrentService" for KMS)
	Global    bool     // served from us-east-1 whatever the client's region (IAM): aws:RequestedRegion
	ops       map[string]*Operation
	order     []*Operation

	// Decide, when set, decides each action on each resource of a call in place of the caller's
	// identity policies alone, for services with resource-based policies (S3 bucket policies, KMS
	// key policies); unlike the default it is asked for root callers too.
	Decide func(c *Req, action, resource string, ctx map[string][]string) iampolicy.Result

	// Impl is the service's answer to other services' questions (small interfaces they
	// declare, e.g. EKS asking IAM for a service-linked role); Peer finds it.
	Impl any
}

// Peer is the Impl of the service named name, as the interface T the asking service declares;
// ok is false when the emulator does not serve it or its Impl does not answer T.
func Peer[T any](c *Req, name string) (T, bool) {
	var zero T
	s := c.e.services[name]
	if s == nil {
		return zero, false
	}
	v, ok := s.Impl.(T)
	if !ok {
		return zero, false
	}
	return v, true
}

// Add registers operations; an operation's Service field is filled in.
func (s *Service) Add(ops ...*Operation) *Service {
	if s.ops == nil {
		s.ops = map[string]*Operation{}
	}
	for _, op := range ops {
		op.Service = s.Name
		s.ops[op.Name] = op
		s.order = append(s.order, op)
	}
	return s
}

// Operations lists the service's operations in the order they were added.
func (s *Service) Operations() []*Operation { return s.order }

// Operation is the emulator's declaration of one API operation: what authorizes it, and what it does.
type Operation struct {
	Service string // filled in by Service.Add
	Name    string // API operation name: "CreateRole"
	// HTTP is the route for REST protocols: "POST /clusters", "GET /clusters/{name}".
	HTTP string
	// Action is the IAM action the call needs ("iam:CreateRole").
	Action string
	// Resources yields the resource ARN(s) the action is evaluated on (each must be allowed);
	// nil means "*" (actions without resource-level permissions).
	Resources func(c *Req) []string
	// Context yields the operation's condition keys from the Service Authorization Reference
	// (aws:RequestTag/*, aws:TagKeys, aws:ResourceTag/*, iam:PermissionsBoundary, ...). Global
	// keys (aws:PrincipalArn, aws:RequestedRegion, ...) are added by the authorizer.
	Context func(c *Req) map[string][]string
	// Also lists further authorizations the call needs (iam:PassRole, ec2:CreateTags on create).
	Also func(c *Req) []Check
	// AlwaysAllowed skips authorization (sts:GetCallerIdentity works even under an explicit deny).
	AlwaysAllowed bool
	// SelfAuthorized means Handle decides authorization itself (sts:AssumeRole weighs the trust
	// policy against the caller's identity policies) and reports denials with Req.Deny.
	SelfAuthorized bool
	// Anonymous operations accept unsigned requests (sts:AssumeRoleWithWebIdentity).
	Anonymous bool
	// Handle performs the call under the state lock and returns the protocol's result value
	// (nil for none) or an error (*APIError for service errors).
	Handle func(c *Req) (any, error)
}

// Check is one authorization question: action on each of resources with extra context keys.
type Check struct {
	Action    string
	Resources []string
	Context   map[string][]string
}

// Protocol is a wire protocol: it finds the operation a request names and renders results and errors.
type Protocol interface {
	// Route finds the operation and its input (form values, path labels).
	Route(s *Service, r *http.Request, body []byte) (*Operation, Input, *APIError)
	// WriteResult renders a successful result (out may be nil).
	WriteResult(w http.ResponseWriter, c *Req, out any)
	// WriteError renders an error in the service's error shape.
	WriteError(w http.ResponseWriter, c *Req, err *APIError)
}

// Input is a request's decoded input: form values for query protocols (and REST query strings),
// path labels for REST protocols. JSON bodies are read with Req.DecodeJSON.
type Input struct {
	Params url.Values
	Labels map[string]string
}
