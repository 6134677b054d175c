package iam

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

func iamRolePolicyOps() []*core.Operation {
	return []*core.Operation{
		{Name: "PutRolePolicy", Action: "iam:PutRolePolicy", Resources: roleResource, Context: core.Contexts(roleTags, roleBoundary), Handle: iamPutRolePolicy},
		{Name: "GetRolePolicy", Action: "iam:GetRolePolicy", Resources: roleResource, Context: roleTags, Handle: iamGetRolePolicy},
		{Name: "DeleteRolePolicy", Action: "iam:DeleteRolePolicy", Resources: roleResource, Context: core.Contexts(roleTags, roleBoundary), Handle: iamDeleteRolePolicy},
		{Name: "ListRolePolicies", Action: "iam:ListRolePolicies", Resources: roleResource, Context: roleTags, Handle: iamListRolePolicies},
		{Name: "AttachRolePolicy", Action: "iam:AttachRolePolicy", Resources: roleResource, Context: core.Contexts(roleTags, roleBoundary, requestedPolicyARN), Handle: iamAttachRolePolicy},
		{Name: "DetachRolePolicy", Action: "iam:DetachRolePolicy", Resources: roleResource, Context: core.Contexts(roleTags, roleBoundary, requestedPolicyARN), Handle: iamDetachRolePolicy},
		{Name: "ListAttachedRolePolicies", Action: "iam:ListAttachedRolePolicies", Resources: roleResource, Context: roleTags, Handle: iamListAttachedRolePolicies},
	}
}

func iamPutRolePolicy(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "RoleName", "PolicyName", "PolicyDocument"); err != nil {
		return nil, err
	}
	name, text := c.Param("PolicyName"), c.Param("PolicyDocument")
	if err := checkName("PolicyName", name, maxPolicyName); err != nil {
		return nil, err
	}
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	doc, err := ParseIdentityPolicy(text, 0, "")
	if err != nil {
		return nil, err
	}
	total := iampolicy.Size(text)
	for n, p := range r.inline {
		if n != name {
			total += iampolicy.Size(p.text)
		}
	}
	if total > maxRoleInlineSize {
		return nil, quotaExceeded("RolePolicySize", maxRoleInlineSize)
	}
	r.inline[name] = &inlinePolicy{name: name, text: text, doc: doc}
	return nil, nil
}

type rolePolicyResult struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

func inlineOf(c *core.Req) (*Role, *inlinePolicy, *core.APIError) {
	if err := core.RequireParams(c, "RoleName", "PolicyName"); err != nil {
		return nil, nil, err
	}
	r, err := existingRole(c)
	if err != nil {
		return nil, nil, err
	}
	name := c.Param("PolicyName")
	p := r.inline[name]
	if p == nil {
		return nil, nil, noSuchEntity("The role policy with name %s cannot be found.", name)
	}
	return r, p, nil
}

func iamGetRolePolicy(c *core.Req) (any, error) {
	r, p, err := inlineOf(c)
	if err != nil {
		return nil, err
	}
	return rolePolicyResult{RoleName: r.Name, PolicyName: p.name, PolicyDocument: encodeDoc(p.text)}, nil
}

func iamDeleteRolePolicy(c *core.Req) (any, error) {
	r, p, err := inlineOf(c)
	if err != nil {
		return nil, err
	}
	if r.serviceLinked {
		_, err := modifiableRole(c)
		return nil, err
	}
	delete(r.inline, p.name)
	return nil, nil
}

type policyNamesResult struct {
	PolicyNames core.Members[string]
	listResult
}

func iamListRolePolicies(c *core.Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	p, err := paginate(c, core.SortedKeys(r.inline))
	if err != nil {
		return nil, err
	}
	return policyNamesResult{PolicyNames: core.Members[string](p.Items), listResult: listTail(p)}, nil
}

func iamAttachRolePolicy(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "RoleName", "PolicyArn"); err != nil {
		return nil, err
	}
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	pol, err := existingPolicy(c, false)
	if err != nil {
		return nil, err
	}
	for _, a := range r.attached {
		if a == pol.arn {
			return nil, nil
		}
	}
	if len(r.attached) >= maxPoliciesPerRole {
		return nil, quotaExceeded("PoliciesPerRole", maxPoliciesPerRole)
	}
	r.attached = append(r.attached, pol.arn)
	return nil, nil
}

func iamDetachRolePolicy(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "RoleName", "PolicyArn"); err != nil {
		return nil, err
	}
	r, err := modifiableRole(c)
	if err != nil {
		return nil, err
	}
	arn := c.Param("PolicyArn")
	if err := checkPolicyARN(arn); err != nil {
		return nil, err
	}
	for i, a := range r.attached {
		if a == arn {
			r.attached = append(r.attached[:i:i], r.attached[i+1:]...)
			return nil, nil
		}
	}
	return nil, noSuchEntity("Policy %s was not found.", arn)
}

type attachedPoliciesResult struct {
	AttachedPolicies core.Members[xmlAttachedPolicy]
	listResult
}

func iamListAttachedRolePolicies(c *core.Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	prefix, err := checkPathPrefix(c)
	if err != nil {
		return nil, err
	}
	var items []xmlAttachedPolicy
	for _, arn := range r.attached {
		if pol := Of(c.Account).Policy(arn); pol != nil && hasPathPrefix(pol.path, prefix) {
			items = append(items, xmlAttachedPolicy{PolicyName: pol.name, PolicyArn: pol.arn})
		}
	}
	p, err := paginate(c, items)
	if err != nil {
		return nil, err
	}
	return attachedPoliciesResult{AttachedPolicies: core.Members[xmlAttachedPolicy](p.Items), listResult: listTail(p)}, nil
}
