package awsemu

import "strings"

func iamRoleOps() []*Operation {
	return []*Operation{
		{Name: "CreateRole", Action: "iam:CreateRole", Resources: newRoleResource, Context: ctx(requestedBoundary, requestTags), Also: iamTagOnCreate("iam:TagRole", newRoleResource), Handle: iamCreateRole},
		{Name: "GetRole", Action: "iam:GetRole", Resources: roleResource, Context: roleTags, Handle: iamGetRole},
		{Name: "DeleteRole", Action: "iam:DeleteRole", Resources: roleResource, Context: ctx(roleTags, roleBoundary), Handle: iamDeleteRole},
		{Name: "UpdateRole", Action: "iam:UpdateRole", Resources: roleResource, Context: roleTags, Handle: iamUpdateRole},
		{Name: "UpdateRoleDescription", Action: "iam:UpdateRoleDescription", Resources: roleResource, Context: roleTags, Handle: iamUpdateRoleDescription},
		{Name: "UpdateAssumeRolePolicy", Action: "iam:UpdateAssumeRolePolicy", Resources: roleResource, Context: roleTags, Handle: iamUpdateAssumeRolePolicy},
		{Name: "TagRole", Action: "iam:TagRole", Resources: roleResource, Context: ctx(roleTags, requestTags), Handle: iamTagHandler(roleTagsOf, "TagsPerRole")},
		{Name: "UntagRole", Action: "iam:UntagRole", Resources: roleResource, Context: ctx(roleTags, untagKeys), Handle: iamUntagHandler(roleTagsOf)},
		{Name: "ListRoleTags", Action: "iam:ListRoleTags", Resources: roleResource, Context: roleTags, Handle: iamListRoleTags},
		{Name: "ListRoles", Action: "iam:ListRoles", Handle: iamListRoles},
		{Name: "PutRolePermissionsBoundary", Action: "iam:PutRolePermissionsBoundary", Resources: roleResource, Context: ctx(roleTags, requestedBoundary), Handle: iamPutRolePermissionsBoundary},
		{Name: "DeleteRolePermissionsBoundary", Action: "iam:DeleteRolePermissionsBoundary", Resources: roleResource, Context: ctx(roleTags, roleBoundary), Handle: iamDeleteRolePermissionsBoundary},
	}
}

type roleResult struct{ Role xmlRole }

func iamCreateRole(c *Req) (any, error) {
	if err := required(c, "RoleName", "AssumeRolePolicyDocument"); err != nil {
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
	if err := checkTags(tags); err != nil {
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
	if iamOf(c.Account).role(name) != nil {
		return nil, alreadyExists("Role with name %s already exists.", name)
	}
	r := &role{
		name: name, id: newID("AROA", 17), path: path, description: desc,
		trustText: text, trust: trust, maxSession: maxSession, boundary: boundary, tags: tags,
		inline: map[string]*inlinePolicy{}, created: c.Now,
	}
	iamOf(c.Account).roles[strings.ToLower(name)] = r
	x := xmlRoleOf(c.Account.id, r, true)
	x.RoleLastUsed = nil
	return roleResult{x}, nil
}

// checkBoundary validates a permissions boundary: an existing managed policy.
func checkBoundary(c *Req, arn string) *APIError {
	if err := checkPolicyARN(arn); err != nil {
		return err
	}
	if iamOf(c.Account).policy(arn) == nil {
		return noSuchEntity("Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return nil
}

func iamGetRole(c *Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	return roleResult{xmlRoleOf(c.Account.id, r, true)}, nil
}

func iamDeleteRole(c *Req) (any, error) {
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	if len(iamOf(c.Account).instanceProfilesOf(r)) > 0 {
		return nil, deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
	}
	if len(r.inline) > 0 {
		return nil, deleteConflict("Cannot delete entity, must delete policies first.")
	}
	if len(r.attached) > 0 {
		return nil, deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	delete(iamOf(c.Account).roles, strings.ToLower(r.name))
	return nil, nil
}

func iamUpdateRole(c *Req) (any, error) {
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
		return nil, apiError("UnmodifiableEntity", 400, "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.name)
	}
	if setDesc {
		r.description = desc
	}
	if setMax {
		r.maxSession = n
	}
	return struct{}{}, nil
}

func iamUpdateRoleDescription(c *Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	desc := c.Param("Description")
	if err := checkDescription(desc); err != nil {
		return nil, err
	}
	r.description = desc
	return roleResult{xmlRoleOf(c.Account.id, r, true)}, nil
}

func iamUpdateAssumeRolePolicy(c *Req) (any, error) {
	if err := required(c, "PolicyDocument"); err != nil {
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
	r.trustText, r.trust = text, trust
	return nil, nil
}

type tagsResult struct {
	Tags members[xmlTag]
	listResult
}

func iamListRoleTags(c *Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	return listTags(c, r.tags)
}

func listTags(c *Req, tags []tag) (any, error) {
	p, err := paginate(c, tags)
	if err != nil {
		return nil, err
	}
	return tagsResult{Tags: xmlTags(p.Items), listResult: listTail(p)}, nil
}

type rolesResult struct {
	Roles members[xmlRole]
	listResult
}

func iamListRoles(c *Req) (any, error) {
	prefix, err := checkPathPrefix(c)
	if err != nil {
		return nil, err
	}
	var roles []*role
	for _, r := range iamOf(c.Account).sortedRoles() {
		if hasPathPrefix(r.path, prefix) {
			roles = append(roles, r)
		}
	}
	p, err := paginate(c, roles)
	if err != nil {
		return nil, err
	}
	out := rolesResult{Roles: members[xmlRole]{}, listResult: listTail(p)}
	for _, r := range p.Items {
		out.Roles = append(out.Roles, xmlRoleOf(c.Account.id, r, false))
	}
	return out, nil
}

func iamPutRolePermissionsBoundary(c *Req) (any, error) {
	if err := required(c, "PermissionsBoundary"); err != nil {
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

func iamDeleteRolePermissionsBoundary(c *Req) (any, error) {
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	r.boundary = ""
	return nil, nil
}
