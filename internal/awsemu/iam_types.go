package awsemu

// XML shapes of IAM results, named and ordered as the IAM API reference has them.

type xmlTag struct {
	Key   string
	Value string
}

type xmlBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

type xmlRoleLastUsed struct {
	LastUsedDate *xmlTime `xml:",omitempty"`
	Region       string   `xml:",omitempty"`
}

type xmlRole struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               xmlTime
	AssumeRolePolicyDocument string           `xml:",omitempty"`
	Description              string           `xml:",omitempty"`
	MaxSessionDuration       int              `xml:",omitempty"`
	PermissionsBoundary      *xmlBoundary     `xml:",omitempty"`
	Tags                     members[xmlTag]  `xml:",omitempty"`
	RoleLastUsed             *xmlRoleLastUsed `xml:",omitempty"`
}

type xmlPolicy struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    xmlTime
	UpdateDate                    xmlTime
	Tags                          members[xmlTag] `xml:",omitempty"`
}

type xmlPolicyVersion struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       xmlTime
}

type xmlAttachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

type xmlPolicyRole struct {
	RoleName string
	RoleId   string
}

type xmlARN struct {
	Arn string
}

func xmlTags(tags []tag) members[xmlTag] {
	out := make(members[xmlTag], len(tags))
	for i, t := range tags {
		out[i] = xmlTag(t)
	}
	return out
}

// xmlRoleOf renders a role; full adds what GetRole returns beyond ListRoles (boundary, tags,
// last use).
func xmlRoleOf(acct string, r *role, full bool) xmlRole {
	x := xmlRole{
		Path:                     r.path,
		RoleName:                 r.name,
		RoleId:                   r.id,
		Arn:                      r.arn(acct),
		CreateDate:               xmlTime(r.created),
		AssumeRolePolicyDocument: encodeDoc(r.trustText),
		Description:              r.description,
		MaxSessionDuration:       r.maxSession,
	}
	if full {
		if r.boundary != "" {
			x.PermissionsBoundary = &xmlBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: r.boundary}
		}
		x.Tags = xmlTags(r.tags)
		x.RoleLastUsed = &xmlRoleLastUsed{}
		if !r.lastUsed.IsZero() {
			t := xmlTime(r.lastUsed)
			x.RoleLastUsed = &xmlRoleLastUsed{LastUsedDate: &t, Region: r.lastRegion}
		}
	}
	return x
}

// xmlPolicyOf renders a managed policy; counts come from the viewing account.
func xmlPolicyOf(a *account, p *policy, full bool) xmlPolicy {
	x := xmlPolicy{
		PolicyName:                    p.name,
		PolicyId:                      p.id,
		Arn:                           p.arn,
		Path:                          p.path,
		DefaultVersionId:              p.defaultVersion,
		AttachmentCount:               len(iamOf(a).attachedTo(p.arn)),
		PermissionsBoundaryUsageCount: len(iamOf(a).boundaryOf(p.arn)),
		IsAttachable:                  true,
		CreateDate:                    xmlTime(p.created),
		UpdateDate:                    xmlTime(p.updated),
	}
	if full {
		x.Description = p.description
		x.Tags = xmlTags(p.tags)
	}
	return x
}

func xmlVersionOf(p *policy, v *policyVersion, withDoc bool) xmlPolicyVersion {
	x := xmlPolicyVersion{VersionId: v.id, IsDefaultVersion: v.id == p.defaultVersion, CreateDate: xmlTime(v.created)}
	if withDoc {
		x.Document = encodeDoc(v.text)
	}
	return x
}
