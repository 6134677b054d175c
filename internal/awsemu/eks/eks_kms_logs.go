package eks

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// eksKMS is what EKS asks of KMS for secrets encryption; the kms service's Impl answers it. EKS
// never reads KMS's state itself.
type eksKMS interface {
	// ResolveKey is the ARN of the key ref names for the caller in region, or KMS's error when
	// there is none.
	ResolveKey(c *core.Req, region, ref string) (arn string, err *core.APIError)
	// KeyByARN is the spec and usage of the key arn names and KMS's error for using it now
	// (nil when it is usable); exists is false when there is no such key.
	KeyByARN(c *core.Req, arn string) (spec, usage string, unusable *core.APIError, exists bool)
	// Decide decides a kms: action (kms:CreateGrant) on resource for the caller with the context
	// EKS adds, as KMS decides it.
	Decide(c *core.Req, action, resource string, ctx map[string][]string) iampolicy.Result
}

// eksKMSOf is KMS as EKS sees it.
func eksKMSOf(c *core.Req) eksKMS {
	v, ok := core.Peer[eksKMS](c, "kms")
	if !ok {
		panic("awsemu: EKS needs the kms service")
	}
	return v
}

// eksLogs is what EKS asks of CloudWatch Logs; the logs service's Impl answers it.
type eksLogs interface {
	// EnsureGroup creates the log group name in the caller's account and region unless it
	// exists.
	EnsureGroup(c *core.Req, name string)
}

// eksLogsOf is CloudWatch Logs as EKS sees it.
func eksLogsOf(c *core.Req) eksLogs {
	v, ok := core.Peer[eksLogs](c, "logs")
	if !ok {
		panic("awsemu: EKS needs the logs service")
	}
	return v
}
