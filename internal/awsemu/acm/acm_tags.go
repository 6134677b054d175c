package acm

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func acmTagOps() []*core.Operation {
	return []*core.Operation{
		{Name: "AddTagsToCertificate", Action: "acm:AddTagsToCertificate", Resources: acmArnResource, Context: core.Contexts(acmArnTags, acmImportTags), Handle: acmAddTags},
		{Name: "RemoveTagsFromCertificate", Action: "acm:RemoveTagsFromCertificate", Resources: acmArnResource, Context: core.Contexts(acmArnTags, acmRemoveContext), Handle: acmRemoveTags},
		{Name: "ListTagsForCertificate", Action: "acm:ListTagsForCertificate", Resources: acmArnResource, Context: acmArnTags, Handle: acmListTags},
	}
}

func acmRemoveContext(c *core.Req) map[string][]string {
	tags := core.JSONBody[acmImportIn](c).Tags.tags()
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		keys = append(keys, t.Key)
	}
	return core.UntagContext(keys)
}

type acmTagIn struct {
	CertificateArn string
	Tags           acmTagList
}

func acmAddTags(c *core.Req) (any, error) {
	var in acmTagIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cert, err := acmFind(c, in.CertificateArn)
	if err != nil {
		return nil, err
	}
	tags := in.Tags.tags()
	if len(tags) == 0 {
		return nil, acmValidation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	if err := checkACMTags(tags); err != nil {
		return nil, err
	}
	merged := core.PutTags(cert.tags, tags)
	if len(merged) > core.MaxTags {
		return nil, core.NewError("TooManyTagsException", 400, "the TagSet contains too many tags")
	}
	cert.tags = merged
	return nil, nil
}

// acmRemoveTags drops each tag whose key matches and whose value matches when one is given.
func acmRemoveTags(c *core.Req) (any, error) {
	var in acmTagIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cert, err := acmFind(c, in.CertificateArn)
	if err != nil {
		return nil, err
	}
	var keep []core.Tag
	for _, t := range cert.tags {
		drop := false
		for _, r := range in.Tags {
			if r.Key == t.Key && (r.Value == nil || *r.Value == t.Value) {
				drop = true
			}
		}
		if !drop {
			keep = append(keep, t)
		}
	}
	cert.tags = keep
	return nil, nil
}

func acmListTags(c *core.Req) (any, error) {
	cert, err := acmFindIn(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Tags": core.TagList(cert.tags)}, nil
}
