package awsemu

import "strings"

// iamService is IAM (awsquery). Each iam_*.go file declares its operations next to their handlers.
func iamService() *Service {
	s := &Service{Name: "iam", Protocol: queryProtocol{}, Namespace: "https://iam.amazonaws.com/doc/2010-05-08/", Version: "2010-05-08", Global: true, Impl: iamPeer{}}
	s.Add(iamRoleOps()...)
	s.Add(iamRolePolicyOps()...)
	s.Add(iamPolicyOps()...)
	s.Add(iamOIDCOps()...)
	s.Add(iamServiceLinkedRoleOps()...)
	s.Add(iamInstanceProfileOps()...)
	return s
}

// Resource and context helpers shared by the IAM operation tables.

// roleResource is the ARN of the role named by RoleName (with its path when it exists).
func roleResource(c *Req) []string {
	name := c.Param("RoleName")
	if r := iamOf(c.Account).role(name); r != nil {
		return []string{r.arn(c.Account.id)}
	}
	return []string{roleARN(c.Account.id, "/", name)}
}

// newRoleResource is the ARN a CreateRole call would give its role.
func newRoleResource(c *Req) []string {
	path := c.Param("Path")
	if path == "" {
		path = "/"
	}
	return []string{roleARN(c.Account.id, path, c.Param("RoleName"))}
}

func policyResource(c *Req) []string { return []string{c.Param("PolicyArn")} }

func oidcResource(c *Req) []string { return []string{c.Param("OpenIDConnectProviderArn")} }

// roleTags is aws:ResourceTag/* (and iam:ResourceTag/*) of the named role.
func roleTags(c *Req) map[string][]string {
	if r := iamOf(c.Account).role(c.Param("RoleName")); r != nil {
		return resourceTagContext(r.tags, "iam")
	}
	return nil
}

// roleBoundary is iam:PermissionsBoundary: the named role's current boundary.
func roleBoundary(c *Req) map[string][]string {
	if r := iamOf(c.Account).role(c.Param("RoleName")); r != nil && r.boundary != "" {
		return map[string][]string{"iam:PermissionsBoundary": {r.boundary}}
	}
	return nil
}

// requestedBoundary is iam:PermissionsBoundary: the boundary the request sets.
func requestedBoundary(c *Req) map[string][]string {
	if b := c.Param("PermissionsBoundary"); b != "" {
		return map[string][]string{"iam:PermissionsBoundary": {b}}
	}
	return nil
}

// requestedPolicyARN is iam:PolicyARN: the managed policy being attached or detached.
func requestedPolicyARN(c *Req) map[string][]string {
	return map[string][]string{"iam:PolicyARN": {c.Param("PolicyArn")}}
}

// requestTags is aws:RequestTag/* and aws:TagKeys of the Tags parameter.
func requestTags(c *Req) map[string][]string { return requestTagContext(c.ParamTags("Tags")) }

// iamTagOnCreate is the tagging permission IAM checks, on the new resource, when a create
// carries Tags (CreateRole needs iam:TagRole as well, and so on).
func iamTagOnCreate(action string, resource func(*Req) []string) func(*Req) []Check {
	return func(c *Req) []Check {
		if len(c.ParamTags("Tags")) == 0 {
			return nil
		}
		return []Check{{Action: action, Resources: resource(c), Context: requestTags(c)}}
	}
}

// untagKeys is aws:TagKeys of the TagKeys parameter.
func untagKeys(c *Req) map[string][]string {
	if keys := c.ParamList("TagKeys"); len(keys) > 0 {
		return map[string][]string{"aws:TagKeys": keys}
	}
	return nil
}

// policyTags is aws:ResourceTag/* of the policy named by PolicyArn.
func policyTags(c *Req) map[string][]string {
	if p := iamOf(c.Account).policy(c.Param("PolicyArn")); p != nil {
		return resourceTagContext(p.tags)
	}
	return nil
}

// oidcTags is aws:ResourceTag/* of the OIDC provider named by OpenIDConnectProviderArn.
func oidcTags(c *Req) map[string][]string {
	if p := iamOf(c.Account).oidc[c.Param("OpenIDConnectProviderArn")]; p != nil {
		return resourceTagContext(p.tags)
	}
	return nil
}

// existingRole returns the named role or IAM's NoSuchEntity.
func existingRole(c *Req) (*role, *APIError) {
	if err := required(c, "RoleName"); err != nil {
		return nil, err
	}
	name := c.Param("RoleName")
	r := iamOf(c.Account).role(name)
	if r == nil {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

// modifiableRole is existingRole for operations AWS refuses on service-linked roles.
func modifiableRole(c *Req) (*role, *APIError) {
	r, err := existingRole(c)
	if err == nil && r.serviceLinked {
		return nil, apiError("UnmodifiableEntity", 400, "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.name)
	}
	return r, err
}

// existingPolicy returns the managed policy named by PolicyArn; write refuses AWS managed ones.
func existingPolicy(c *Req, write bool) (*policy, *APIError) {
	if err := required(c, "PolicyArn"); err != nil {
		return nil, err
	}
	arn := c.Param("PolicyArn")
	if err := checkPolicyARN(arn); err != nil {
		return nil, err
	}
	p := iamOf(c.Account).policy(arn)
	if p == nil {
		return nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	if write && p.awsManaged {
		return nil, apiError("AccessDenied", 403, "Cannot modify an AWS managed policy: %s", arn)
	}
	return p, nil
}

// hasPathPrefix filters listings by PathPrefix.
func hasPathPrefix(path, prefix string) bool { return strings.HasPrefix(path, prefix) }

// listResult is the IsTruncated/Marker tail of IAM list results.
type listResult struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func listTail[T any](p page[T]) listResult {
	return listResult{IsTruncated: p.Truncated, Marker: p.Marker}
}
