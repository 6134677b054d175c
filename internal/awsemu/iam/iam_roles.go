package iam

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func iamRoleOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateRole", Action: "iam:CreateRole", Resources: newRoleResource, Context: core.Contexts(requestedBoundary, requestTags), Also: iamTagOnCreate("iam:TagRole", newRoleResource), Handle: iamCreateRole},
		{Name: "GetRole", Action: "iam:GetRole", Resources: roleResource, Context: roleTags, Handle: iamGetRole},
		{Name: "DeleteRole", Action: "iam:DeleteRole", Resources: roleResource, Context: core.Contexts(roleTags, roleBoundary), Handle: iamDeleteRole},
		{Name: "UpdateRole", Action: "iam:UpdateRole", Resources: roleResource, Context: roleTags, Handle: iamUpdateRole},
		{Name: "UpdateRoleDescription", Action: "iam:UpdateRoleDescription", Resources: roleResource, Context: roleTags, Handle: iamUpdateRoleDescription},
		{Name: "UpdateAssumeRolePolicy", Action: "iam:UpdateAssumeRolePolicy", Resources: roleResource, Context: roleTags, Handle: iamUpdateAssumeRolePolicy},
		{Name: "TagRole", Action: "iam:TagRole", Resources: roleResource, Context: core.Contexts(roleTags, requestTags), Handle: iamTagHandler(roleTagsOf, "TagsPerRole")},
		{Name: "UntagRole", Action: "iam:UntagRole", Resources: roleResource, Context: core.Contexts(roleTags, untagKeys), Handle: iamUntagHandler(roleTagsOf)},
		{Name: "ListRoleTags", Action: "iam:ListRoleTags", Resources: roleResource, Context: roleTags, Handle: iamListRoleTags},
		{Name: "ListRoles", Action: "iam:ListRoles", Handle: iamListRoles},
		{Name: "PutRolePermissionsBoundary", Action: "iam:PutRolePermissionsBoundary", Resources: roleResource, Context: core.Contexts(roleTags, requestedBoundary), Handle: iamPutRolePermissionsBoundary},
		{Name: "DeleteRolePermissionsBoundary", Action: "iam:DeleteRolePermissionsBoundary", Resources: roleResource, Context: core.Contexts(roleTags, roleBoundary), Handle: iamDeleteRolePermissionsBoundary},
	}
}

type roleResult struct{ Role xmlRole }

func iamCreateRole(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "RoleName", "AssumeRolePolicyDocument"); err != nil {
		return nil, err
	}
	name := c.Param("RoleName")
	if err := checkName("RoleName", name, maxRoleName); err != nil {
		return nil, err
	}
	path, err := checkPath(c)
	if err != nil {
		return nil, err
	}
	desc := c.Param("Description")
	if err := checkDescription(desc); err != nil {
		return nil, err
	}
	maxSession := minSessionDuration
	if n, ok, err := c.ParamInt("MaxSessionDuration"); err != nil {
		return nil, err
	} else if ok {
		if err := checkMaxSession(n); err != nil {
			return nil, err
		}
		maxSession = n
	}
	tags := c.ParamTags("Tags")
	if err := CheckTags(tags); err != nil {
		return nil, err
	}
	text := c.Param("AssumeRolePolicyDocument")
	trust, err := parseTrustPolicy(c, text)
	if err != nil {
		return nil, err
	}
	boundary := c.Param("PermissionsBoundary")
	if boundary != "" {
		if err := checkBoundary(c, boundary); err != nil {
			return nil, err
		}
	}
	if Of(c.Account).Role(name) != nil {
		return nil, alreadyExists("Role with name %s already exists.", name)
	}
	r := &Role{
		Name: name, Id: core.NewID("AROA", 17), path: path, description: desc,
		trustText: text, Trust: trust, MaxSession: maxSession, boundary: boundary, Tags: tags,
		inline: map[string]*inlinePolicy{}, Created: c.Now,
	}
	Of(c.Account).roles[strings.ToLower(name)] = r
	x := xmlRoleOf(c.Account.Id, r, true)
	x.RoleLastUsed = nil
	return roleResult{x}, nil
}

// checkBoundary validates a permissions boundary: an existing managed policy.
func checkBoundary(c *core.Req, arn string) *core.APIError {
	if err := checkPolicyARN(arn); err != nil {
		return err
	}
	if Of(c.Account).Policy(arn) == nil {
		return noSuchEntity("Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return nil
}

func iamGetRole(c *core.Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	return roleResult{xmlRoleOf(c.Account.Id, r, true)}, nil
}

func iamDeleteRole(c *core.Req) (any, error) {
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	if len(Of(c.Account).instanceProfilesOf(r)) > 0 {
		return nil, deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
	}
	if len(r.inline) > 0 {
		return nil, deleteConflict("Cannot delete entity, must delete policies first.")
	}
	if len(r.attached) > 0 {
		return nil, deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	delete(Of(c.Account).roles, strings.ToLower(r.Name))
	return nil, nil
}

func iamUpdateRole(c *core.Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	desc, setDesc := c.Param("Description"), c.HasParam("Description")
	if setDesc {
		if err := checkDescription(desc); err != nil {
			return nil, err
		}
	}
	n, setMax, perr := c.ParamInt("MaxSessionDuration")
	if perr != nil {
		return nil, perr
	}
	if setMax {
		if err := checkMaxSession(n); err != nil {
			return nil, err
		}
	}
	if r.serviceLinked && setMax {
		return nil, core.NewError("UnmodifiableEntity", 400, "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.Name)
	}
	if setDesc {
		r.description = desc
	}
	if setMax {
		r.MaxSession = n
	}
	return struct{}{}, nil
}

func iamUpdateRoleDescription(c *core.Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	desc := c.Param("Description")
	if err := checkDescription(desc); err != nil {
		return nil, err
	}
	r.description = desc
	return roleResult{xmlRoleOf(c.Account.Id, r, true)}, nil
}

func iamUpdateAssumeRolePolicy(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "PolicyDocument"); err != nil {
		return nil, err
	}
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	text := c.Param("PolicyDocument")
	trust, err := parseTrustPolicy(c, text)
	if err != nil {
		return nil, err
	}
	r.trustText, r.Trust = text, trust
	return nil, nil
}

type tagsResult struct {
	Tags core.Members[xmlTag]
	listResult
}

func iamListRoleTags(c *core.Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	return listTags(c, r.Tags)
}

func listTags(c *core.Req, tags []core.Tag) (any, error) {
	p, err := paginate(c, tags)
	if err != nil {
		return nil, err
	}
	return tagsResult{Tags: xmlTags(p.Items), listResult: listTail(p)}, nil
}

type rolesResult struct {
	Roles core.Members[xmlRole]
	listResult
}

func iamListRoles(c *core.Req) (any, error) {
	prefix, err := checkPathPrefix(c)
	if err != nil {
		return nil, err
	}
	var roles []*Role
	for _, r := range Of(c.Account).sortedRoles() {
		if hasPathPrefix(r.path, prefix) {
			roles = append(roles, r)
		}
	}
	p, err := paginate(c, roles)
	if err != nil {
		return nil, err
	}
	out := rolesResult{Roles: core.Members[xmlRole]{}, listResult: listTail(p)}
	for _, r := range p.Items {
		out.Roles = append(out.Roles, xmlRoleOf(c.Account.Id, r, false))
	}
	return out, nil
}

func iamPutRolePermissionsBoundary(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "PermissionsBoundary"); err != nil {
		return nil, err
	}
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	arn := c.Param("PermissionsBoundary")
	if err := checkBoundary(c, arn); err != nil {
		return nil, err
	}
	r.boundary = arn
	return nil, nil
}

func iamDeleteRolePermissionsBoundary(c *core.Req) (any, error) {
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	r.boundary = ""
	return nil, nil
}
