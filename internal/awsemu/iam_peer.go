package awsemu

import (
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// iamPeer is IAM's answer to other services: authorization's questions about roles (Roles),
// and the small interfaces EKS, STS, S3 and KMS declare.
type iamPeer struct{}

// RolePolicies implements Roles.
func (iamPeer) RolePolicies(a *account, roleName, roleID string) (RolePolicies, bool) {
	st := iamOf(a)
	r := st.role(roleName)
	if r == nil || r.id != roleID {
		return RolePolicies{}, false
	}
	out := RolePolicies{Tags: r.tags}
	for _, name := range sortedKeys(r.inline) {
		out.Identity = append(out.Identity, r.inline[name].doc)
	}
	for _, arn := range r.attached {
		if pol := st.policy(arn); pol != nil {
			if d := pol.defaultDoc(); d != nil {
				out.Identity = append(out.Identity, d)
			}
		}
	}
	if r.boundary != "" {
		pol := st.policy(r.boundary)
		if pol == nil || pol.defaultDoc() == nil {
			out.BoundaryMissing = true
		} else {
			out.Boundary = pol.defaultDoc()
		}
	}
	return out, true
}

// PrincipalExists implements Roles.
func (iamPeer) PrincipalExists(c *Req, arn string) bool { return principalExists(c, arn) }

// ServiceRole implements eksIAM.
func (iamPeer) ServiceRole(c *Req, roleARN, service string) (time.Time, bool, bool) {
	r, trusted := roleForService(c, roleARN, service)
	if r == nil {
		return time.Time{}, false, false
	}
	return r.created, true, trusted
}

// RoleExists implements eksIAM.
func (iamPeer) RoleExists(c *Req, roleARN string) bool {
	prefix := "arn:aws:iam::" + c.Account.id + ":role/"
	if !strings.HasPrefix(roleARN, prefix) {
		return false
	}
	path := strings.TrimPrefix(roleARN, prefix)
	r := iamOf(c.Account).role(path[strings.LastIndex(path, "/")+1:])
	return r != nil && r.arn(c.Account.id) == roleARN
}

// ServiceLinkedRoleCheck implements eksIAM.
func (iamPeer) ServiceLinkedRoleCheck(c *Req, service string) []Check { return slrCheck(c, service) }

// EnsureServiceLinkedRole implements eksIAM.
func (iamPeer) EnsureServiceLinkedRole(c *Req, service string) { ensureSLR(c, service) }

// roleForService finds the role roleARN names in the caller's account and reports whether its
// trust policy lets service (eks.amazonaws.com, ec2.amazonaws.com) assume it.
func roleForService(c *Req, roleARN, service string) (*role, bool) {
	prefix := "arn:aws:iam::" + c.Account.id + ":role/"
	if !strings.HasPrefix(roleARN, prefix) {
		return nil, false
	}
	path := strings.TrimPrefix(roleARN, prefix)
	r := iamOf(c.Account).role(path[strings.LastIndex(path, "/")+1:])
	if r == nil || r.arn(c.Account.id) != roleARN {
		return nil, false
	}
	req := iampolicy.Request{
		Caller:   iampolicy.Caller{Service: service},
		Action:   "sts:AssumeRole",
		Resource: roleARN,
		Context:  map[string][]string{"aws:PrincipalServiceName": {service}, "aws:SourceAccount": {c.Account.id}},
	}
	return r, r.trust != nil && iampolicy.EvaluateTrust(req, r.trust).Decision == iampolicy.Allowed
}

// Service-linked roles services create on first use (AWSServiceRoleForAmazonEKS with the first
// cluster, AWSServiceRoleForAmazonEKSNodegroup with the first managed node group); the caller
// needs iam:CreateServiceLinkedRole for that, with iam:AWSServiceName naming the service.

// slrCheck is the iam:CreateServiceLinkedRole check when service's role does not exist yet.
func slrCheck(c *Req, service string) []Check {
	name := serviceLinkedRoleNames[service]
	if iamOf(c.Account).role(name) != nil {
		return nil
	}
	return []Check{{Action: "iam:CreateServiceLinkedRole", Resources: []string{roleARN(c.Account.id, serviceLinkedRolePath(service), name)},
		Context: map[string][]string{"iam:AWSServiceName": {service}}}}
}

// ensureSLR creates service's service-linked role unless it exists.
func ensureSLR(c *Req, service string) {
	name := serviceLinkedRoleNames[service]
	if iamOf(c.Account).role(name) != nil {
		return
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
	doc, err := parsePolicy(trust)
	if err != nil {
		return
	}
	iamOf(c.Account).roles[strings.ToLower(name)] = &role{
		name: name, id: newID("AROA", 17), path: serviceLinkedRolePath(service), trustText: trust, trust: doc,
		maxSession: minSessionDuration, inline: map[string]*inlinePolicy{}, created: c.Now, serviceLinked: true,
	}
}
