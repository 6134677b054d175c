package iam

import (
	"sort"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Instance profiles, as the IAM API reference and the Service Authorization Reference describe
// them: resource type instance-profile (arn:aws:iam::<account>:instance-profile<path><name>,
// condition key aws:ResourceTag/*; ListInstanceProfiles has no resource type), at most one role
// per profile, AddRoleToInstanceProfile also needs iam:PassRole on the role, creating with tags
// also needs iam:TagInstanceProfile (IAM User Guide, tagging permissions), and a role or profile
// that still has the other is a DeleteConflict.

// maxInstanceProfileName is the length limit of InstanceProfileName.
const maxInstanceProfileName = 128

type instanceProfile struct {
	name, id, path string
	roles          []string // lower-case role names; IAM allows one
	tags           []core.Tag
	created        time.Time
}

func (p *instanceProfile) arn(acct string) string { return instanceProfileARN(acct, p.path, p.name) }

func instanceProfileARN(acct, path, name string) string {
	return "arn:aws:iam::" + acct + ":instance-profile" + path + name
}

func iamInstanceProfileOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateInstanceProfile", Action: "iam:CreateInstanceProfile", Resources: newInstanceProfileResource, Context: requestTags,
			Also: iamTagOnCreate("iam:TagInstanceProfile", newInstanceProfileResource), Handle: iamCreateInstanceProfile},
		{Name: "GetInstanceProfile", Action: "iam:GetInstanceProfile", Resources: instanceProfileResource, Context: instanceProfileTags, Handle: iamGetInstanceProfile},
		{Name: "DeleteInstanceProfile", Action: "iam:DeleteInstanceProfile", Resources: instanceProfileResource, Context: instanceProfileTags, Handle: iamDeleteInstanceProfile},
		{Name: "ListInstanceProfiles", Action: "iam:ListInstanceProfiles", Handle: iamListInstanceProfiles}, // no resource type: "*"
		{Name: "ListInstanceProfilesForRole", Action: "iam:ListInstanceProfilesForRole", Resources: roleResource, Context: roleTags, Handle: iamListInstanceProfilesForRole},
		{Name: "AddRoleToInstanceProfile", Action: "iam:AddRoleToInstanceProfile", Resources: instanceProfileResource, Context: instanceProfileTags,
			Also: passRoleToInstanceProfile, Handle: iamAddRoleToInstanceProfile},
		{Name: "RemoveRoleFromInstanceProfile", Action: "iam:RemoveRoleFromInstanceProfile", Resources: instanceProfileResource, Context: instanceProfileTags, Handle: iamRemoveRoleFromInstanceProfile},
		{Name: "TagInstanceProfile", Action: "iam:TagInstanceProfile", Resources: instanceProfileResource, Context: core.Contexts(instanceProfileTags, requestTags), Handle: iamTagHandler(instanceProfileTagsOf, "TagsPerInstanceProfile")},
		{Name: "UntagInstanceProfile", Action: "iam:UntagInstanceProfile", Resources: instanceProfileResource, Context: core.Contexts(instanceProfileTags, untagKeys), Handle: iamUntagHandler(instanceProfileTagsOf)},
		{Name: "ListInstanceProfileTags", Action: "iam:ListInstanceProfileTags", Resources: instanceProfileResource, Context: instanceProfileTags, Handle: iamListInstanceProfileTags},
	}
}

// instanceProfileResource is the ARN of the profile named by InstanceProfileName (with its path
// when it exists).
func instanceProfileResource(c *core.Req) []string {
	name := c.Param("InstanceProfileName")
	if p := Of(c.Account).instanceProfile(name); p != nil {
		return []string{p.arn(c.Account.Id)}
	}
	return []string{instanceProfileARN(c.Account.Id, "/", name)}
}

// newInstanceProfileResource is the ARN a CreateInstanceProfile call would give its profile.
func newInstanceProfileResource(c *core.Req) []string {
	path := c.Param("Path")
	if path == "" {
		path = "/"
	}
	return []string{instanceProfileARN(c.Account.Id, path, c.Param("InstanceProfileName"))}
}

// instanceProfileTags is aws:ResourceTag/* of the named profile.
func instanceProfileTags(c *core.Req) map[string][]string {
	if p := Of(c.Account).instanceProfile(c.Param("InstanceProfileName")); p != nil {
		return core.ResourceTagContext(p.tags)
	}
	return nil
}

// passRoleToInstanceProfile: "The caller of this operation must be granted the PassRole
// permission on the IAM role". The role goes to EC2, and AWS documents the associated resource
// for this call as arn:aws:ec2:*:<caller account>:instance/*.
func passRoleToInstanceProfile(c *core.Req) []core.Check {
	role := roleResource(c)[0]
	return []core.Check{core.PassRole(role, "ec2.amazonaws.com", "arn:aws:ec2:*:"+c.Account.Id+":instance/*")}
}

func (a *iamState) instanceProfile(name string) *instanceProfile {
	return a.instanceProfiles[strings.ToLower(name)]
}

// instanceProfilesOf lists the profiles that contain the role, by name.
func (a *iamState) instanceProfilesOf(r *Role) []*instanceProfile {
	var out []*instanceProfile
	for _, p := range a.sortedInstanceProfiles() {
		for _, name := range p.roles {
			if name == strings.ToLower(r.Name) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func (a *iamState) sortedInstanceProfiles() []*instanceProfile {
	out := make([]*instanceProfile, 0, len(a.instanceProfiles))
	for _, p := range a.instanceProfiles {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func existingInstanceProfile(c *core.Req) (*instanceProfile, *core.APIError) {
	if err := core.RequireParams(c, "InstanceProfileName"); err != nil {
		return nil, err
	}
	name := c.Param("InstanceProfileName")
	if err := checkName("InstanceProfileName", name, maxInstanceProfileName); err != nil {
		return nil, err
	}
	p := Of(c.Account).instanceProfile(name)
	if p == nil {
		return nil, noSuchEntity("Instance Profile %s cannot be found.", name)
	}
	return p, nil
}

type xmlInstanceProfile struct {
	Path                string
	InstanceProfileName string
	InstanceProfileId   string
	Arn                 string
	CreateDate          core.XMLTime
	Roles               core.Members[xmlRole]
	Tags                core.Members[xmlTag] `xml:",omitempty"`
}

// xmlInstanceProfileOf renders a profile; full adds the tags, which listings leave out.
func xmlInstanceProfileOf(a *core.Account, p *instanceProfile, full bool) xmlInstanceProfile {
	x := xmlInstanceProfile{
		Path: p.path, InstanceProfileName: p.name, InstanceProfileId: p.id, Arn: p.arn(a.Id),
		CreateDate: core.XMLTime(p.created), Roles: core.Members[xmlRole]{},
	}
	for _, name := range p.roles {
		if r := Of(a).Role(name); r != nil {
			x.Roles = append(x.Roles, xmlRoleOf(a.Id, r, false))
		}
	}
	if full {
		x.Tags = xmlTags(p.tags)
	}
	return x
}

type instanceProfileResult struct{ InstanceProfile xmlInstanceProfile }

func iamCreateInstanceProfile(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "InstanceProfileName"); err != nil {
		return nil, err
	}
	name := c.Param("InstanceProfileName")
	if err := checkName("InstanceProfileName", name, maxInstanceProfileName); err != nil {
		return nil, err
	}
	path, err := checkPath(c)
	if err != nil {
		return nil, err
	}
	tags := c.ParamTags("Tags")
	if err := CheckTags(tags); err != nil {
		return nil, err
	}
	if Of(c.Account).instanceProfile(name) != nil {
		return nil, alreadyExists("Instance Profile %s already exists.", name)
	}
	p := &instanceProfile{name: name, id: core.NewID("AIPA", 17), path: path, tags: tags, created: c.Now}
	Of(c.Account).instanceProfiles[strings.ToLower(name)] = p
	return instanceProfileResult{xmlInstanceProfileOf(c.Account, p, true)}, nil
}

func iamGetInstanceProfile(c *core.Req) (any, error) {
	p, err := existingInstanceProfile(c)
	if err != nil {
		return nil, err
	}
	return instanceProfileResult{xmlInstanceProfileOf(c.Account, p, true)}, nil
}

func iamDeleteInstanceProfile(c *core.Req) (any, error) {
	p, err := existingInstanceProfile(c)
	if err != nil {
		return nil, err
	}
	if len(p.roles) > 0 {
		return nil, deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
	}
	delete(Of(c.Account).instanceProfiles, strings.ToLower(p.name))
	return nil, nil
}

type instanceProfilesResult struct {
	InstanceProfiles core.Members[xmlInstanceProfile]
	listResult
}

func iamListInstanceProfiles(c *core.Req) (any, error) {
	prefix, err := checkPathPrefix(c)
	if err != nil {
		return nil, err
	}
	var items []*instanceProfile
	for _, p := range Of(c.Account).sortedInstanceProfiles() {
		if hasPathPrefix(p.path, prefix) {
			items = append(items, p)
		}
	}
	return instanceProfilePage(c, items)
}

func iamListInstanceProfilesForRole(c *core.Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	return instanceProfilePage(c, Of(c.Account).instanceProfilesOf(r))
}

func instanceProfilePage(c *core.Req, items []*instanceProfile) (any, error) {
	pg, err := paginate(c, items)
	if err != nil {
		return nil, err
	}
	out := instanceProfilesResult{InstanceProfiles: core.Members[xmlInstanceProfile]{}, listResult: listTail(pg)}
	for _, p := range pg.Items {
		out.InstanceProfiles = append(out.InstanceProfiles, xmlInstanceProfileOf(c.Account, p, false))
	}
	return out, nil
}

func iamAddRoleToInstanceProfile(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "InstanceProfileName", "RoleName"); err != nil {
		return nil, err
	}
	p, err := existingInstanceProfile(c)
	if err != nil {
		return nil, err
	}
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	if len(p.roles) >= 1 { // a quota that cannot be raised, also for the role already in it
		return nil, quotaExceeded("InstanceSessionsPerInstanceProfile", 1)
	}
	p.roles = append(p.roles, strings.ToLower(r.Name))
	return nil, nil
}

func iamRemoveRoleFromInstanceProfile(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "InstanceProfileName", "RoleName"); err != nil {
		return nil, err
	}
	p, err := existingInstanceProfile(c)
	if err != nil {
		return nil, err
	}
	name := c.Param("RoleName")
	for i, member := range p.roles {
		if member == strings.ToLower(name) {
			p.roles = append(p.roles[:i:i], p.roles[i+1:]...)
			return nil, nil
		}
	}
	if Of(c.Account).Role(name) == nil {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return nil, noSuchEntity("Role %s in Instance Profile %s cannot be found.", name, p.name)
}

func iamListInstanceProfileTags(c *core.Req) (any, error) {
	p, err := existingInstanceProfile(c)
	if err != nil {
		return nil, err
	}
	return listTags(c, p.tags)
}
