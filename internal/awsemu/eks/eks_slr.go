package eks

import (
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// eksIAM is what EKS asks of IAM; the iam service's Impl answers it. EKS never reads or
// writes IAM's state itself.
type eksIAM interface {
	// ServiceRole looks up the role roleARN in the caller's account: whether it exists, when it
	// was created, and whether its trust policy lets service (eks.amazonaws.com,
	// ec2.amazonaws.com) assume it.
	ServiceRole(c *core.Req, roleARN, service string) (created time.Time, exists, trusted bool)
	// RoleExists reports whether the caller's account has the role roleARN (path included).
	RoleExists(c *core.Req, roleARN string) bool
	// ServiceLinkedRoleCheck is the iam:CreateServiceLinkedRole check EKS makes for the caller
	// when service's service-linked role does not exist yet (none when it does).
	ServiceLinkedRoleCheck(c *core.Req, service string) []core.Check
	// EnsureServiceLinkedRole creates service's service-linked role unless it exists.
	EnsureServiceLinkedRole(c *core.Req, service string)
}

// eksIAMOf is IAM as EKS sees it.
func eksIAMOf(c *core.Req) eksIAM {
	v, ok := core.Peer[eksIAM](c, "iam")
	if !ok {
		panic("awsemu: EKS needs the iam service")
	}
	return v
}
