package ssm

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func ssmTagOps() []*core.Operation {
	return []*core.Operation{
		{Name: "AddTagsToResource", Action: "ssm:AddTagsToResource", Resources: ssmTaggedResource, Context: core.Contexts(ssmTaggedTags, ssmTagRequestTags), Handle: ssmAddTagsToResource},
		{Name: "RemoveTagsFromResource", Action: "ssm:RemoveTagsFromResource", Resources: ssmTaggedResource, Context: core.Contexts(ssmTaggedTags, ssmUntagKeys), Handle: ssmRemoveTagsFromResource},
		{Name: "ListTagsForResource", Action: "ssm:ListTagsForResource", Resources: ssmTaggedResource, Context: ssmTaggedTags, Handle: ssmListTagsForResource},
	}
}

type ssmTagTarget struct {
	ResourceType, ResourceID string
	Tags                     ssmTagList
	TagKeys                  []string
}

// ssmTaggedResource is the ARN of the parameter a tagging request names (ResourceId is its name).
func ssmTaggedResource(c *core.Req) []string {
	return []string{ssmParamARN(c, core.JSONBody[ssmTagTarget](c).ResourceID)}
}

func ssmTaggedTags(c *core.Req) map[string][]string {
	if p := ssmOf(c).params[core.JSONBody[ssmTagTarget](c).ResourceID]; p != nil {
		return core.ResourceTagContext(p.tags, "ssm")
	}
	return nil
}

func ssmTagRequestTags(c *core.Req) map[string][]string {
	return core.RequestTagContext(core.JSONBody[ssmTagTarget](c).Tags.tags())
}

func ssmUntagKeys(c *core.Req) map[string][]string {
	return core.UntagContext(core.JSONBody[ssmTagTarget](c).TagKeys)
}

// ssmFindTagged resolves a tagging request: only parameters are served.
func ssmFindTagged(c *core.Req) (*ssmParam, ssmTagTarget, *core.APIError) {
	var in ssmTagTarget
	if err := c.DecodeJSON(&in); err != nil {
		return nil, in, err
	}
	if in.ResourceType != "Parameter" {
		return nil, in, core.NewError("InvalidResourceType", 400, "The resource type %q is not valid for this emulator; only Parameter is served.", in.ResourceType)
	}
	p := ssmOf(c).params[in.ResourceID]
	if p == nil {
		return nil, in, core.NewError("InvalidResourceId", 400, "The resource ID \"%s\" is not valid. Verify the ID and try again.", in.ResourceID)
	}
	return p, in, nil
}

func ssmAddTagsToResource(c *core.Req) (any, error) {
	p, in, err := ssmFindTagged(c)
	if err != nil {
		return nil, err
	}
	tags := in.Tags.tags()
	if len(tags) == 0 {
		return nil, ssmValidation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	if err := checkSSMTags(tags); err != nil {
		return nil, err
	}
	merged := core.PutTags(p.tags, tags)
	if len(merged) > core.MaxTags {
		return nil, core.NewError("TooManyTagsError", 400, "The Targets parameter includes too many tags. Remove one or more tags and try the command again.")
	}
	p.tags = merged
	return nil, nil
}

func ssmRemoveTagsFromResource(c *core.Req) (any, error) {
	p, in, err := ssmFindTagged(c)
	if err != nil {
		return nil, err
	}
	p.tags = core.CutTags(p.tags, in.TagKeys)
	return nil, nil
}

func ssmListTagsForResource(c *core.Req) (any, error) {
	p, _, err := ssmFindTagged(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"TagList": core.TagList(p.tags)}, nil
}
