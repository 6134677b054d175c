// Package core is the shared core of the loopback AWS emulator (internal/awsemu): one HTTP
// handler routed by the SigV4 credential scope, the wire protocols (awsquery, ec2query, JSON
// 1.1, REST-JSON, REST-XML), authentication of root keys and role sessions, authorization of
// every call by the iampolicy evaluator, accounts and the per-service state they hold, tags,
// pagination, the call log, faults and the control endpoints. It knows no service: each lives
// in its own package (internal/awsemu/iam, ec2, eks, ...) and is registered by internal/awsemu.
//
// # Adding a service
//
// A service is a package under internal/awsemu whose Service function returns a *Service, listed
// in internal/awsemu's services. One operation table per file, next to the handlers:
//
//	func Service() *core.Service {
//		s := &core.Service{Name: "ec2", Protocol: core.EC2Protocol{}, Namespace: "http://ec2.amazonaws.com/doc/2016-11-15/", Version: "2016-11-15", Impl: ec2Peer{}}
//		return s.Add(ec2VpcOps()...)
//	}
//
// Name is the SigV4 signing name. Protocol is QueryProtocol (IAM, STS), EC2Protocol,
// JSONProtocol (set Target, e.g. "TrentService" for KMS) or RestJSONProtocol / RestXMLProtocol,
// which route by Operation.HTTP templates such as "POST /clusters/{name}/node-groups".
//
// Per operation: Action is the IAM action; Resources returns the ARNs the Service Authorization
// Reference lists for it (nil means "*"); Context returns its condition keys; Also adds further
// checks (iam:PassRole, tag-on-create). The authorizer adds the global keys and evaluates every
// resource of every check for role sessions; root is allowed. A service whose resources carry
// their own policies sets Service.Decide (S3 bucket policies, KMS key policies). Handle runs
// under the state lock and returns a result value the protocol renders or an *APIError.
//
// # State and other services
//
// A service keeps its state in the caller's account with StateOf or RegionalStateOf under its
// own name; no other package touches it. A service that needs another (EKS needs EC2's subnets,
// S3 needs KMS keys) declares the small interface it needs and finds it with Peer; the other
// service answers it from its Service.Impl. Authorization asks IAM through Roles, which the iam
// service's Impl implements. What such an interface returns is plain values, or a view declared
// as an alias of an unnamed struct type (type stsRole = struct{ ... }) that the answering
// service spells the same way, so neither package imports the other; a shape that drifts makes
// the Impl miss the interface, which the asking service's lookup reports by panicking on its
// first test.
package core
