package logs

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// logsPeer is CloudWatch Logs' answer to other services (the small interfaces they declare,
// such as EKS's eksLogs).
type logsPeer struct{}

// EnsureGroup implements eksLogs: it creates an untagged log group in the caller's account and
// region unless it exists, the way services such as EKS create the groups they write to.
func (logsPeer) EnsureGroup(c *core.Req, name string) { ensureGroup(c, name) }
