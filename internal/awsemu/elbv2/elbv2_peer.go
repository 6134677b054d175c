package elbv2

import (
	"slices"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// elbPeer is Elastic Load Balancing's answer to other services (the small interfaces they
// declare, such as EC2's ec2LoadBalancers).
type elbPeer struct{}

// SecurityGroupInUse reports whether a load balancer of the caller's account and region has the
// security group: its network interfaces are in the group, so EC2 refuses to delete it.
func (elbPeer) SecurityGroupInUse(c *core.Req, groupID string) bool {
	for _, lb := range elbOf(c).lbs {
		if slices.Contains(lb.groups, groupID) {
			return true
		}
	}
	return false
}
