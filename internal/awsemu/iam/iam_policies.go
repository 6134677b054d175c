package iam

import (
	"sort"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func iamPolicyOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreatePolicy", Action: "iam:CreatePolicy", Resources: newPolicyResource, Context: requestTags, Also: iamTagOnCreate("iam:TagPolicy", newPolicyResource), Handle: iamCreatePolicy},
		{Name: "GetPolicy", Action: "iam:GetPolicy", Resources: policyResource, Context: policyTags, Handle: iamGetPolicy},
		{Name: "DeletePolicy", Action: "iam:DeletePolicy", Resources: policyResource, Context: policyTags, Handle: iamDeletePolicy},
		{Name: "ListPolicies", Action: "iam:ListPolicies", Handle: iamListPolicies},
		{Name: "CreatePolicyVersion", Action: "iam:CreatePolicyVersion", Resources: policyResource, Context: policyTags, Handle: iamCreatePolicyVersion},
		{Name: "GetPolicyVersion", Action: "iam:GetPolicyVersion", Resources: policyResource, Context: policyTags, Handle: iamGetPolicyVersion},
		{Name: "ListPolicyVersions", Action: "iam:ListPolicyVersions", Resources: policyResource, Context: policyTags, Handle: iamListPolicyVersions},
		{Name: "DeletePolicyVersion", Action: "iam:DeletePolicyVersion", Resources: policyResource, Context: policyTags, Handle: iamDeletePolicyVersion},
		{Name: "SetDefaultPolicyVersion", Action: "iam:SetDefaultPolicyVersion", Resources: policyResource, Context: policyTags, Handle: iamSetDefaultPolicyVersion},
		{Name: "TagPolicy", Action: "iam:TagPolicy", Resources: policyResource, Context: core.Contexts(policyTags, requestTags), Handle: iamTagHandler(policyTagsOf, "TagsPerPolicy")},
		{Name: "UntagPolicy", Action: "iam:UntagPolicy", Resources: policyResource, Context: core.Contexts(policyTags, untagKeys), Handle: iamUntagHandler(policyTagsOf)},
		{Name: "ListPolicyTags", Action: "iam:ListPolicyTags", Resources: policyResource, Context: policyTags, Handle: iamListPolicyTags},
		{Name: "ListEntitiesForPolicy", Action: "iam:ListEntitiesForPolicy", Resources: policyResource, Context: policyTags, Handle: iamListEntitiesForPolicy},
	}
}

// newPolicyResource is the ARN a CreatePolicy call would give its policy.
func newPolicyResource(c *core.Req) []string {
	path := c.Param("Path")
	if path == "" {
		path = "/"
	}
	return []string{policyARN(c.Account.Id, path, c.Param("PolicyName"))}
}

type policyResult struct{ Policy xmlPolicy }

func iamCreatePolicy(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "PolicyName", "PolicyDocument"); err != nil {
		return nil, err
	}
	name := c.Param("PolicyName")
	if err := checkName("PolicyName", name, maxPolicyName); err != nil {
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
	tags := c.ParamTags("Tags")
	if err := CheckTags(tags); err != nil {
		return nil, err
	}
	text := c.Param("PolicyDocument")
	doc, err := ParseIdentityPolicy(text, maxManagedPolicySize, "PolicySize")
	if err != nil {
		return nil, err
	}
	for _, p := range Of(c.Account).policies {
		if strings.EqualFold(p.name, name) { // IAM names are unique case-insensitively
			return nil, alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", name)
		}
	}
	arn := policyARN(c.Account.Id, path, name)
	p := &policy{
		name: name, id: core.NewID("ANPA", 17), path: path, arn: arn, description: desc, tags: tags,
		versions:       []*policyVersion{{id: "v1", text: text, doc: doc, created: c.Now}},
		defaultVersion: "v1", nextVersion: 2, created: c.Now, updated: c.Now,
	}
	Of(c.Account).policies[arn] = p
	return policyResult{xmlPolicyOf(c.Account, p, true)}, nil
}

func iamGetPolicy(c *core.Req) (any, error) {
	p, err := existingPolicy(c, false)
	if err != nil {
		return nil, err
	}
	return policyResult{xmlPolicyOf(c.Account, p, true)}, nil
}

func iamDeletePolicy(c *core.Req) (any, error) {
	p, err := existingPolicy(c, true)
	if err != nil {
		return nil, err
	}
	if len(Of(c.Account).attachedTo(p.arn)) > 0 || len(Of(c.Account).boundaryOf(p.arn)) > 0 {
		return nil, deleteConflict("Cannot delete a policy attached to entities.")
	}
	if len(p.versions) > 1 {
		return nil, deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	delete(Of(c.Account).policies, p.arn)
	return nil, nil
}

type policiesResult struct {
	Policies core.Members[xmlPolicy]
	listResult
}

func iamListPolicies(c *core.Req) (any, error) {
	prefix, err := checkPathPrefix(c)
	if err != nil {
		return nil, err
	}
	scope := c.Param("Scope")
	if scope == "" {
		scope = "All"
	}
	if scope != "All" && scope != "AWS" && scope != "Local" {
		return nil, core.ValidationError("Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope)
	}
	usage := c.Param("PolicyUsageFilter")
	if usage != "" && usage != "PermissionsPolicy" && usage != "PermissionsBoundary" {
		return nil, core.ValidationError("Value '%s' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]", usage)
	}
	onlyAttached := c.ParamBool("OnlyAttached")
	var all []*policy
	if scope != "Local" {
		for _, p := range Of(c.Account).awsPolicies {
			all = append(all, p)
		}
	}
	if scope != "AWS" {
		for _, p := range Of(c.Account).policies {
			all = append(all, p)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].arn < all[j].arn })
	var items []*policy
	for _, p := range all {
		if !hasPathPrefix(p.path, prefix) {
			continue
		}
		attached, boundary := len(Of(c.Account).attachedTo(p.arn)) > 0, len(Of(c.Account).boundaryOf(p.arn)) > 0
		switch {
		case onlyAttached && usage == "PermissionsPolicy" && !attached,
			onlyAttached && usage == "PermissionsBoundary" && !boundary,
			onlyAttached && usage == "" && !attached && !boundary:
			continue
		}
		items = append(items, p)
	}
	pg, err := paginate(c, items)
	if err != nil {
		return nil, err
	}
	out := policiesResult{Policies: core.Members[xmlPolicy]{}, listResult: listTail(pg)}
	for _, p := range pg.Items {
		out.Policies = append(out.Policies, xmlPolicyOf(c.Account, p, false))
	}
	return out, nil
}

type policyVersionResult struct{ PolicyVersion xmlPolicyVersion }

func iamCreatePolicyVersion(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "PolicyArn", "PolicyDocument"); err != nil {
		return nil, err
	}
	p, err := existingPolicy(c, true)
	if err != nil {
		return nil, err
	}
	text := c.Param("PolicyDocument")
	doc, err := ParseIdentityPolicy(text, maxManagedPolicySize, "PolicySize")
	if err != nil {
		return nil, err
	}
	if len(p.versions) >= maxPolicyVersions {
		return nil, core.NewError("LimitExceeded", 409, "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
	}
	v := &policyVersion{id: "v" + strconv.Itoa(p.nextVersion), text: text, doc: doc, created: c.Now}
	p.nextVersion++
	p.versions = append(p.versions, v)
	if c.ParamBool("SetAsDefault") {
		p.defaultVersion = v.id
	}
	p.updated = c.Now
	return policyVersionResult{xmlVersionOf(p, v, false)}, nil
}

func policyVersionOf(c *core.Req, write bool) (*policy, *policyVersion, *core.APIError) {
	if err := core.RequireParams(c, "PolicyArn", "VersionId"); err != nil {
		return nil, nil, err
	}
	p, err := existingPolicy(c, write)
	if err != nil {
		return nil, nil, err
	}
	id := c.Param("VersionId")
	v := p.version(id)
	if v == nil {
		return nil, nil, noSuchEntity("Policy %s version %s does not exist or is not attachable.", p.arn, id)
	}
	return p, v, nil
}

func iamGetPolicyVersion(c *core.Req) (any, error) {
	p, v, err := policyVersionOf(c, false)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{xmlVersionOf(p, v, true)}, nil
}

type policyVersionsResult struct {
	Versions core.Members[xmlPolicyVersion]
	listResult
}

func iamListPolicyVersions(c *core.Req) (any, error) {
	p, err := existingPolicy(c, false)
	if err != nil {
		return nil, err
	}
	versions := make([]*policyVersion, len(p.versions))
	for i, v := range p.versions { // newest first, as IAM lists them
		versions[len(versions)-1-i] = v
	}
	pg, err := paginate(c, versions)
	if err != nil {
		return nil, err
	}
	out := policyVersionsResult{Versions: core.Members[xmlPolicyVersion]{}, listResult: listTail(pg)}
	for _, v := range pg.Items {
		out.Versions = append(out.Versions, xmlVersionOf(p, v, false))
	}
	return out, nil
}

func iamDeletePolicyVersion(c *core.Req) (any, error) {
	p, v, err := policyVersionOf(c, true)
	if err != nil {
		return nil, err
	}
	if v.id == p.defaultVersion {
		return nil, deleteConflict("Cannot delete the default version of a policy.")
	}
	for i, x := range p.versions {
		if x == v {
			p.versions = append(p.versions[:i:i], p.versions[i+1:]...)
			break
		}
	}
	return nil, nil
}

func iamSetDefaultPolicyVersion(c *core.Req) (any, error) {
	p, v, err := policyVersionOf(c, true)
	if err != nil {
		return nil, err
	}
	p.defaultVersion = v.id
	p.updated = c.Now
	return nil, nil
}

func iamListPolicyTags(c *core.Req) (any, error) {
	p, err := existingPolicy(c, false)
	if err != nil {
		return nil, err
	}
	return listTags(c, p.tags)
}

type entitiesResult struct {
	PolicyGroups core.Members[xmlARN]
	PolicyUsers  core.Members[xmlARN]
	PolicyRoles  core.Members[xmlPolicyRole]
	listResult
}

func iamListEntitiesForPolicy(c *core.Req) (any, error) {
	p, err := existingPolicy(c, false)
	if err != nil {
		return nil, err
	}
	prefix, err := checkPathPrefix(c)
	if err != nil {
		return nil, err
	}
	filter, usage := c.Param("EntityFilter"), c.Param("PolicyUsageFilter")
	var roles []xmlPolicyRole
	if filter == "" || filter == "Role" {
		seen := map[string]bool{}
		var rs []*Role
		if usage == "" || usage == "PermissionsPolicy" {
			rs = append(rs, Of(c.Account).attachedTo(p.arn)...)
		}
		if usage == "" || usage == "PermissionsBoundary" {
			rs = append(rs, Of(c.Account).boundaryOf(p.arn)...)
		}
		sort.Slice(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name })
		for _, r := range rs {
			if !seen[r.Name] && hasPathPrefix(r.path, prefix) {
				seen[r.Name] = true
				roles = append(roles, xmlPolicyRole{RoleName: r.Name, RoleId: r.Id})
			}
		}
	}
	pg, err := paginate(c, roles)
	if err != nil {
		return nil, err
	}
	return entitiesResult{PolicyGroups: core.Members[xmlARN]{}, PolicyUsers: core.Members[xmlARN]{}, PolicyRoles: core.Members[xmlPolicyRole](pg.Items), listResult: listTail(pg)}, nil
}
