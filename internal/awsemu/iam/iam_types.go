package iam

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

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
	LastUsedDate *core.XMLTime `xml:",omitempty"`
	Region       string        `xml:",omitempty"`
}

type xmlRole struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               core.XMLTime
	AssumeRolePolicyDocument string               `xml:",omitempty"`
	Description              string               `xml:",omitempty"`
	MaxSessionDuration       int                  `xml:",omitempty"`
	PermissionsBoundary      *xmlBoundary         `xml:",omitempty"`
	Tags                     core.Members[xmlTag] `xml:",omitempty"`
	RoleLastUsed             *xmlRoleLastUsed     `xml:",omitempty"`
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
	CreateDate                    core.XMLTime
	UpdateDate                    core.XMLTime
	Tags                          core.Members[xmlTag] `xml:",omitempty"`
}

type xmlPolicyVersion struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       core.XMLTime
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

func xmlTags(tags []core.Tag) core.Members[xmlTag] {
	out := make(core.Members[xmlTag], len(tags))
	for i, t := range tags {
		out[i] = xmlTag(t)
	}
	return out
}

// xmlRoleOf renders a role; full adds what GetRole returns beyond ListRoles (boundary, tags,
// last use).
func xmlRoleOf(acct string, r *Role, full bool) xmlRole {
	x := xmlRole{
		Path:                     r.path,
		RoleName:                 r.Name,
		RoleId:                   r.Id,
		Arn:                      r.Arn(acct),
		CreateDate:               core.XMLTime(r.Created),
		AssumeRolePolicyDocument: encodeDoc(r.trustText),
		Description:              r.description,
		MaxSessionDuration:       r.MaxSession,
	}
	if full {
		if r.boundary != "" {
			x.PermissionsBoundary = &xmlBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: r.boundary}
		}
		x.Tags = xmlTags(r.Tags)
		x.RoleLastUsed = &xmlRoleLastUsed{}
		if !r.LastUsed.IsZero() {
			t := core.XMLTime(r.LastUsed)
			x.RoleLastUsed = &xmlRoleLastUsed{LastUsedDate: &t, Region: r.LastRegion}
		}
	}
	return x
}

// xmlPolicyOf renders a managed policy; counts come from the viewing account.
func xmlPolicyOf(a *core.Account, p *policy, full bool) xmlPolicy {
	x := xmlPolicy{
		PolicyName:                    p.name,
		PolicyId:                      p.id,
		Arn:                           p.arn,
		Path:                          p.path,
		DefaultVersionId:              p.defaultVersion,
		AttachmentCount:               len(Of(a).attachedTo(p.arn)),
		PermissionsBoundaryUsageCount: len(Of(a).boundaryOf(p.arn)),
		IsAttachable:                  true,
		CreateDate:                    core.XMLTime(p.created),
		UpdateDate:                    core.XMLTime(p.updated),
	}
	if full {
		x.Description = p.description
		x.Tags = xmlTags(p.tags)
	}
	return x
}

func xmlVersionOf(p *policy, v *policyVersion, withDoc bool) xmlPolicyVersion {
	x := xmlPolicyVersion{VersionId: v.id, IsDefaultVersion: v.id == p.defaultVersion, CreateDate: core.XMLTime(v.created)}
	if withDoc {
		x.Document = encodeDoc(v.text)
	}
	return x
}
