package iam

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// iamService is IAM (awsquery). Each iam_*.go file declares its operations next to their handlers.
func Service() *core.Service {
	s := &core.Service{Name: "iam", Protocol: core.QueryProtocol{}, Namespace: "https://iam.amazonaws.com/doc/2010-05-08/", Version: "2010-05-08", Global: true, Impl: iamPeer{}}
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
func roleResource(c *core.Req) []string {
	name := c.Param("RoleName")
	if r := Of(c.Account).Role(name); r != nil {
		return []string{r.Arn(c.Account.Id)}
	}
	return []string{roleARN(c.Account.Id, "/", name)}
}

// newRoleResource is the ARN a CreateRole call would give its role.
func newRoleResource(c *core.Req) []string {
	path := c.Param("Path")
	if path == "" {
		path = "/"
	}
	return []string{roleARN(c.Account.Id, path, c.Param("RoleName"))}
}

func policyResource(c *core.Req) []string { return []string{c.Param("PolicyArn")} }

func oidcResource(c *core.Req) []string { return []string{c.Param("OpenIDConnectProviderArn")} }

// roleTags is aws:ResourceTag/* (and iam:ResourceTag/*) of the named role.
func roleTags(c *core.Req) map[string][]string {
	if r := Of(c.Account).Role(c.Param("RoleName")); r != nil {
		return core.ResourceTagContext(r.Tags, "iam")
	}
	return nil
}

// roleBoundary is iam:PermissionsBoundary: the named role's current boundary.
func roleBoundary(c *core.Req) map[string][]string {
	if r := Of(c.Account).Role(c.Param("RoleName")); r != nil && r.boundary != "" {
		return map[string][]string{"iam:PermissionsBoundary": {r.boundary}}
	}
	return nil
}

// requestedBoundary is iam:PermissionsBoundary: the boundary the request sets.
func requestedBoundary(c *core.Req) map[string][]string {
	if b := c.Param("PermissionsBoundary"); b != "" {
		return map[string][]string{"iam:PermissionsBoundary": {b}}
	}
	return nil
}

// requestedPolicyARN is iam:PolicyARN: the managed policy being attached or detached.
func requestedPolicyARN(c *core.Req) map[string][]string {
	return map[string][]string{"iam:PolicyARN": {c.Param("PolicyArn")}}
}

// requestTags is aws:RequestTag/* and aws:TagKeys of the Tags parameter.
func requestTags(c *core.Req) map[string][]string { return core.RequestTagContext(c.ParamTags("Tags")) }

// iamTagOnCreate is the tagging permission IAM checks, on the new resource, when a create
// carries Tags (CreateRole needs iam:TagRole as well, and so on).
func iamTagOnCreate(action string, resource func(*core.Req) []string) func(*core.Req) []core.Check {
	return func(c *core.Req) []core.Check {
		if len(c.ParamTags("Tags")) == 0 {
			return nil
		}
		return []core.Check{{Action: action, Resources: resource(c), Context: requestTags(c)}}
	}
}

// untagKeys is aws:TagKeys of the TagKeys parameter.
func untagKeys(c *core.Req) map[string][]string {
	if keys := c.ParamList("TagKeys"); len(keys) > 0 {
		return map[string][]string{"aws:TagKeys": keys}
	}
	return nil
}

// policyTags is aws:ResourceTag/* of the policy named by PolicyArn.
func policyTags(c *core.Req) map[string][]string {
	if p := Of(c.Account).Policy(c.Param("PolicyArn")); p != nil {
		return core.ResourceTagContext(p.tags)
	}
	return nil
}

// oidcTags is aws:ResourceTag/* of the OIDC provider named by OpenIDConnectProviderArn.
func oidcTags(c *core.Req) map[string][]string {
	if p := Of(c.Account).Oidc[c.Param("OpenIDConnectProviderArn")]; p != nil {
		return core.ResourceTagContext(p.tags)
	}
	return nil
}

// existingRole returns the named role or IAM's NoSuchEntity.
func existingRole(c *core.Req) (*Role, *core.APIError) {
	if err := core.RequireParams(c, "RoleName"); err != nil {
		return nil, err
	}
	name := c.Param("RoleName")
	r := Of(c.Account).Role(name)
	if r == nil {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

// modifiableRole is existingRole for operations AWS refuses on service-linked roles.
func modifiableRole(c *core.Req) (*Role, *core.APIError) {
	r, err := existingRole(c)
	if err == nil && r.serviceLinked {
		return nil, core.NewError("UnmodifiableEntity", 400, "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.Name)
	}
	return r, err
}

// existingPolicy returns the managed policy named by PolicyArn; write refuses AWS managed ones.
func existingPolicy(c *core.Req, write bool) (*policy, *core.APIError) {
	if err := core.RequireParams(c, "PolicyArn"); err != nil {
		return nil, err
	}
	arn := c.Param("PolicyArn")
	if err := checkPolicyARN(arn); err != nil {
		return nil, err
	}
	p := Of(c.Account).Policy(arn)
	if p == nil {
		return nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	if write && p.awsManaged {
		return nil, core.NewError("AccessDenied", 403, "Cannot modify an AWS managed policy: %s", arn)
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
