package awsemu

func ssmTagOps() []*Operation {
	return []*Operation{
		{Name: "AddTagsToResource", Action: "ssm:AddTagsToResource", Resources: ssmTaggedResource, Context: ctx(ssmTaggedTags, ssmTagRequestTags), Handle: ssmAddTagsToResource},
		{Name: "RemoveTagsFromResource", Action: "ssm:RemoveTagsFromResource", Resources: ssmTaggedResource, Context: ctx(ssmTaggedTags, ssmUntagKeys), Handle: ssmRemoveTagsFromResource},
		{Name: "ListTagsForResource", Action: "ssm:ListTagsForResource", Resources: ssmTaggedResource, Context: ssmTaggedTags, Handle: ssmListTagsForResource},
	}
}

type ssmTagTarget struct {
	ResourceType, ResourceID string
	Tags                     ssmTagList
	TagKeys                  []string
}

// ssmTaggedResource is the ARN of the parameter a tagging request names (ResourceId is its name).
func ssmTaggedResource(c *Req) []string {
	return []string{ssmParamARN(c, jsonBody[ssmTagTarget](c).ResourceID)}
}

func ssmTaggedTags(c *Req) map[string][]string {
	if p := ssmOf(c).params[jsonBody[ssmTagTarget](c).ResourceID]; p != nil {
		return resourceTagContext(p.tags, "ssm")
	}
	return nil
}

func ssmTagRequestTags(c *Req) map[string][]string {
	return requestTagContext(jsonBody[ssmTagTarget](c).Tags.tags())
}

func ssmUntagKeys(c *Req) map[string][]string { return untagContext(jsonBody[ssmTagTarget](c).TagKeys) }

// ssmFindTagged resolves a tagging request: only parameters are served.
func ssmFindTagged(c *Req) (*ssmParam, ssmTagTarget, *APIError) {
	var in ssmTagTarget
	if err := c.DecodeJSON(&in); err != nil {
		return nil, in, err
	}
	if in.ResourceType != "Parameter" {
		return nil, in, apiError("InvalidResourceType", 400, "The resource type %q is not valid for this emulator; only Parameter is served.", in.ResourceType)
	}
	p := ssmOf(c).params[in.ResourceID]
	if p == nil {
		return nil, in, apiError("InvalidResourceId", 400, "The resource ID \"%s\" is not valid. Verify the ID and try again.", in.ResourceID)
	}
	return p, in, nil
}

func ssmAddTagsToResource(c *Req) (any, error) {
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
	merged := putTags(p.tags, tags)
	if len(merged) > maxTags {
		return nil, apiError("TooManyTagsError", 400, "The Targets parameter includes too many tags. Remove one or more tags and try the command again.")
	}
	p.tags = merged
	return nil, nil
}

func ssmRemoveTagsFromResource(c *Req) (any, error) {
	p, in, err := ssmFindTagged(c)
	if err != nil {
		return nil, err
	}
	p.tags = cutTags(p.tags, in.TagKeys)
	return nil, nil
}

func ssmListTagsForResource(c *Req) (any, error) {
	p, _, err := ssmFindTagged(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"TagList": ssmTagsOut(p.tags)}, nil
}
