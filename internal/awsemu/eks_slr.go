package awsemu

import "strings"

// EKS creates its service-linked roles on first use (AWSServiceRoleForAmazonEKS with the first
// cluster, AWSServiceRoleForAmazonEKSNodegroup with the first managed node group), and the
// caller needs iam:CreateServiceLinkedRole for that, with iam:AWSServiceName naming the service.

// eksSLRCheck is the iam:CreateServiceLinkedRole check when service's role does not exist yet.
func eksSLRCheck(c *Req, service string) []Check {
	name := serviceLinkedRoleNames[service]
	if c.Account.role(name) != nil {
		return nil
	}
	return []Check{{Action: "iam:CreateServiceLinkedRole", Resources: []string{roleARN(c.Account.id, serviceLinkedRolePath(service), name)},
		Context: map[string][]string{"iam:AWSServiceName": {service}}}}
}

// eksEnsureSLR creates service's service-linked role unless it exists.
func eksEnsureSLR(c *Req, service string) {
	name := serviceLinkedRoleNames[service]
	if c.Account.role(name) != nil {
		return
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
	doc, err := parsePolicy(trust)
	if err != nil {
		return
	}
	c.Account.roles[strings.ToLower(name)] = &role{
		name: name, id: newID("AROA", 17), path: serviceLinkedRolePath(service), trustText: trust, trust: doc,
		maxSession: minSessionDuration, inline: map[string]*inlinePolicy{}, created: c.Now, serviceLinked: true,
	}
}
