package iam

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// What IAM answers EC2 (ec2's ec2IAM): the instance profile a launch names, so that EC2 can ask
// the caller for iam:PassRole of its role. The answer is an unnamed struct type that must be
// spelled exactly as ec2 spells it.

// ec2InstanceProfile is an instance profile as EC2 sees it (ec2's ec2InstanceProfile).
type ec2InstanceProfile = struct {
	ARN, ID string
	RoleARN string // "" when the profile holds no role
}

// InstanceProfile implements ec2IAM: the caller's instance profile named by its name or ARN.
func (iamPeer) InstanceProfile(c *core.Req, nameOrARN string) (ec2InstanceProfile, bool) {
	name := nameOrARN
	if strings.HasPrefix(nameOrARN, "arn:") {
		name = nameOrARN[strings.LastIndex(nameOrARN, "/")+1:]
	}
	st := Of(c.Account)
	p := st.instanceProfile(name)
	if p == nil || (strings.HasPrefix(nameOrARN, "arn:") && p.arn(c.Account.Id) != nameOrARN) {
		return ec2InstanceProfile{}, false
	}
	out := ec2InstanceProfile{ARN: p.arn(c.Account.Id), ID: p.id}
	if len(p.roles) > 0 {
		if r := st.Role(p.roles[0]); r != nil {
			out.RoleARN = r.Arn(c.Account.Id)
		}
	}
	return out, true
}
