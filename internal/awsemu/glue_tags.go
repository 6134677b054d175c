package awsemu

import "strings"

func glueTagOps() []*Operation {
	return []*Operation{
		{Name: "TagResource", Action: "glue:TagResource", Resources: glueTaggedResource, Context: ctx(glueTaggedTags, glueTagRequestTags), Handle: glueTagResource},
		{Name: "UntagResource", Action: "glue:UntagResource", Resources: glueTaggedResource, Context: ctx(glueTaggedTags, glueUntagKeys), Handle: glueUntagResource},
		{Name: "GetTags", Action: "glue:GetTags", Resources: glueTaggedResource, Context: glueTaggedTags, Handle: glueGetTags},
	}
}

type glueTagIn struct {
	ResourceArn  string
	TagsToAdd    map[string]string
	TagsToRemove []string
}

func glueTaggedResource(c *Req) []string { return []string{jsonBody[glueTagIn](c).ResourceArn} }

// glueTagged finds the database a resource ARN names in this account and region.
func glueTagged(c *Req, arn string) *glueDatabase {
	name, ok := strings.CutPrefix(arn, glueARN(c, "", "database/"))
	if !ok {
		return nil
	}
	return glueOf(c).databases[glueName(name)]
}

func glueTaggedTags(c *Req) map[string][]string {
	if d := glueTagged(c, jsonBody[glueTagIn](c).ResourceArn); d != nil {
		return resourceTagContext(d.tags)
	}
	return nil
}

func glueTagRequestTags(c *Req) map[string][]string {
	return requestTagContext(tagsOfMap(jsonBody[glueTagIn](c).TagsToAdd))
}

func glueUntagKeys(c *Req) map[string][]string {
	return untagContext(jsonBody[glueTagIn](c).TagsToRemove)
}

// glueTagTarget resolves a tagging request's ResourceArn.
func glueTagTarget(c *Req) (*glueDatabase, glueTagIn, *APIError) {
	var in glueTagIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, in, err
	}
	if !strings.HasPrefix(in.ResourceArn, "arn:aws:glue:") {
		return nil, in, glueInvalid("Invalid ARN: %s", in.ResourceArn)
	}
	d := glueTagged(c, in.ResourceArn)
	if d == nil {
		return nil, in, apiError("EntityNotFoundException", 400, "Resource %s not found.", in.ResourceArn)
	}
	return d, in, nil
}

func glueTagResource(c *Req) (any, error) {
	d, in, err := glueTagTarget(c)
	if err != nil {
		return nil, err
	}
	if err := checkGlueTags(in.TagsToAdd); err != nil {
		return nil, err
	}
	merged := putTags(d.tags, tagsOfMap(in.TagsToAdd))
	if len(merged) > maxTags {
		return nil, glueInvalid("The number of tags exceeds the limit of %d", maxTags)
	}
	d.tags = merged
	return nil, nil
}

func glueUntagResource(c *Req) (any, error) {
	d, in, err := glueTagTarget(c)
	if err != nil {
		return nil, err
	}
	d.tags = cutTags(d.tags, in.TagsToRemove)
	return nil, nil
}

func glueGetTags(c *Req) (any, error) {
	d, _, err := glueTagTarget(c)
	if err != nil {
		return nil, err
	}
	m := jsonTagsOf(d.tags)
	if m == nil {
		m = map[string]string{}
	}
	return map[string]any{"Tags": m}, nil
}
