// Package awsemu is a loopback AWS emulator for tests and demos. One HTTP handler serves every
// service, routed by the SigV4 credential scope; each service speaks its real wire protocol so
// unmodified aws-sdk-go-v2 clients (and Terraform through the provider) work against it. Callers
// are identified by the access key in the signature, and every call made with role-session
// credentials is authorized by the iampolicy evaluator, so the emulator denies what AWS denies.
//
// # Adding a service
//
// A service is a *Service listed in defaultServices (registry.go). Declare it in its own files
// (ec2.go, ec2_vpcs.go, ...), one operation table per file next to the handlers:
//
//	func ec2Service() *Service {
//		s := &Service{Name: "ec2", Protocol: ec2Protocol{}, Namespace: "http://ec2.amazonaws.com/doc/2016-11-15/", Version: "2016-11-15"}
//		return s.Add(ec2VpcOps()...)
//	}
//
//	func ec2VpcOps() []*Operation {
//		return []*Operation{
//			{Name: "CreateVpc", Action: "ec2:CreateVpc", Resources: newVpcARN, Context: ctx(requestTagSpecs), Handle: ec2CreateVpc},
//			{Name: "DescribeVpcs", Action: "ec2:DescribeVpcs", Handle: ec2DescribeVpcs},
//		}
//	}
//
// Name is the SigV4 signing name (the credential scope routes to it). Protocol is one of
// queryProtocol (IAM, STS), ec2Protocol, jsonProtocol (set Target, e.g. "TrentService" for KMS,
// "Logs_20140328", "AmazonSSM", "CertificateManager", "AWSGlue") or restJSONProtocol (EKS,
// protocol_restjson.go), which routes by Operation.HTTP templates such as
// "POST /clusters/{name}/node-groups", fills Input.Labels (URL-decoded) and Input.Params (the
// query string) and answers errors with X-Amzn-ErrorType. Add the service's spelling of
// the emulator-raised errors to serviceErrorCodes (errors.go) if it is not there yet.
//
// Per operation: Action is the IAM action; Resources returns the ARNs the Service Authorization
// Reference lists for it (nil means "*"); Context returns its condition keys (aws:RequestTag/*,
// aws:TagKeys, aws:ResourceTag/* from current state, service keys); Also adds further checks
// (iam:PassRole, ec2:CreateTags on create). The authorizer adds the global keys and evaluates
// every resource of every check for role sessions; root is allowed. A service whose resources
// carry their own policies sets Service.Decide, which then decides every check for every caller,
// root included (S3 bucket policies: s3_authz.go; KMS key policies and grants: kms_authz.go;
// S3's REST-XML path-style protocol: protocol_restxml.go). Handle runs under the state
// lock, reads input with Req.Param/ParamList/ParamTags (query) or Req.DecodeJSON (JSON), and
// returns a result value the protocol renders (structs with xml or json tags) or an *APIError.
// Faults, latency, the call log and the control endpoints then work for the new service as is.
package core
