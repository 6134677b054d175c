package iam

import (
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// iamPeer is IAM's answer to other services: authorization's questions about roles (Roles),
// and the small interfaces EKS, STS (iam_peer_sts.go), S3 and KMS declare.
type iamPeer struct{}

// RolePolicies implements Roles.
func (iamPeer) RolePolicies(a *core.Account, roleName, roleID string) (core.RolePolicies, bool) {
	st := Of(a)
	r := st.Role(roleName)
	if r == nil || r.Id != roleID {
		return core.RolePolicies{}, false
	}
	out := core.RolePolicies{Tags: r.Tags}
	for _, name := range core.SortedKeys(r.inline) {
		out.Identity = append(out.Identity, r.inline[name].doc)
	}
	for _, arn := range r.attached {
		if pol := st.Policy(arn); pol != nil {
			if d := pol.DefaultDoc(); d != nil {
				out.Identity = append(out.Identity, d)
			}
		}
	}
	if r.boundary != "" {
		pol := st.Policy(r.boundary)
		if pol == nil || pol.DefaultDoc() == nil {
			out.BoundaryMissing = true
		} else {
			out.Boundary = pol.DefaultDoc()
		}
	}
	return out, true
}

// PrincipalExists implements Roles.
func (iamPeer) PrincipalExists(c *core.Req, arn string) bool { return principalExists(c, arn) }

// ServiceRole implements eksIAM.
func (iamPeer) ServiceRole(c *core.Req, roleARN, service string) (time.Time, bool, bool) {
	r, trusted := roleForService(c, roleARN, service)
	if r == nil {
		return time.Time{}, false, false
	}
	return r.Created, true, trusted
}

// RoleExists implements eksIAM.
func (iamPeer) RoleExists(c *core.Req, roleARN string) bool {
	prefix := "arn:aws:iam::" + c.Account.Id + ":role/"
	if !strings.HasPrefix(roleARN, prefix) {
		return false
	}
	path := strings.TrimPrefix(roleARN, prefix)
	r := Of(c.Account).Role(path[strings.LastIndex(path, "/")+1:])
	return r != nil && r.Arn(c.Account.Id) == roleARN
}

// ServiceLinkedRoleCheck implements eksIAM.
func (iamPeer) ServiceLinkedRoleCheck(c *core.Req, service string) []core.Check {
	return slrCheck(c, service)
}

// EnsureServiceLinkedRole implements eksIAM.
func (iamPeer) EnsureServiceLinkedRole(c *core.Req, service string) { ensureSLR(c, service) }

// roleForService finds the role roleARN names in the caller's account and reports whether its
// trust policy lets service (eks.amazonaws.com, ec2.amazonaws.com) assume it.
func roleForService(c *core.Req, roleARN, service string) (*Role, bool) {
	prefix := "arn:aws:iam::" + c.Account.Id + ":role/"
	if !strings.HasPrefix(roleARN, prefix) {
		return nil, false
	}
	path := strings.TrimPrefix(roleARN, prefix)
	r := Of(c.Account).Role(path[strings.LastIndex(path, "/")+1:])
	if r == nil || r.Arn(c.Account.Id) != roleARN {
		return nil, false
	}
	req := iampolicy.Request{
		Caller:   iampolicy.Caller{Service: service},
		Action:   "sts:AssumeRole",
		Resource: roleARN,
		Context:  map[string][]string{"aws:PrincipalServiceName": {service}, "aws:SourceAccount": {c.Account.Id}},
	}
	return r, r.Trust != nil && iampolicy.EvaluateTrust(req, r.Trust).Decision == iampolicy.Allowed
}

// Service-linked roles services create on first use (AWSServiceRoleForAmazonEKS with the first
// cluster, AWSServiceRoleForAmazonEKSNodegroup with the first managed node group); the caller
// needs iam:CreateServiceLinkedRole for that, with iam:AWSServiceName naming the service.

// slrCheck is the iam:CreateServiceLinkedRole check when service's role does not exist yet.
func slrCheck(c *core.Req, service string) []core.Check {
	name := serviceLinkedRoleNames[service]
	if Of(c.Account).Role(name) != nil {
		return nil
	}
	return []core.Check{{Action: "iam:CreateServiceLinkedRole", Resources: []string{roleARN(c.Account.Id, serviceLinkedRolePath(service), name)},
		Context: map[string][]string{"iam:AWSServiceName": {service}}}}
}

// ensureSLR creates service's service-linked role unless it exists.
func ensureSLR(c *core.Req, service string) {
	name := serviceLinkedRoleNames[service]
	if Of(c.Account).Role(name) != nil {
		return
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
	doc, err := core.ParsePolicy(trust)
	if err != nil {
		return
	}
	Of(c.Account).roles[strings.ToLower(name)] = &Role{
		Name: name, Id: core.NewID("AROA", 17), path: serviceLinkedRolePath(service), trustText: trust, Trust: doc,
		MaxSession: minSessionDuration, inline: map[string]*inlinePolicy{}, Created: c.Now, serviceLinked: true,
	}
}
