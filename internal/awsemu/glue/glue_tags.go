package glue

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func glueTagOps() []*core.Operation {
	return []*core.Operation{
		{Name: "TagResource", Action: "glue:TagResource", Resources: glueTaggedResource, Context: core.Contexts(glueTaggedTags, glueTagRequestTags), Handle: glueTagResource},
		{Name: "UntagResource", Action: "glue:UntagResource", Resources: glueTaggedResource, Context: core.Contexts(glueTaggedTags, glueUntagKeys), Handle: glueUntagResource},
		{Name: "GetTags", Action: "glue:GetTags", Resources: glueTaggedResource, Context: glueTaggedTags, Handle: glueGetTags},
	}
}

type glueTagIn struct {
	ResourceArn  string
	TagsToAdd    map[string]string
	TagsToRemove []string
}

func glueTaggedResource(c *core.Req) []string {
	return []string{core.JSONBody[glueTagIn](c).ResourceArn}
}

// glueTagged finds the database a resource ARN names in this account and region.
func glueTagged(c *core.Req, arn string) *glueDatabase {
	name, ok := strings.CutPrefix(arn, glueARN(c, "", "database/"))
	if !ok {
		return nil
	}
	return glueOf(c).databases[glueName(name)]
}

func glueTaggedTags(c *core.Req) map[string][]string {
	if d := glueTagged(c, core.JSONBody[glueTagIn](c).ResourceArn); d != nil {
		return core.ResourceTagContext(d.tags)
	}
	return nil
}

func glueTagRequestTags(c *core.Req) map[string][]string {
	return core.RequestTagContext(core.TagsOfMap(core.JSONBody[glueTagIn](c).TagsToAdd))
}

func glueUntagKeys(c *core.Req) map[string][]string {
	return core.UntagContext(core.JSONBody[glueTagIn](c).TagsToRemove)
}

// glueTagTarget resolves a tagging request's ResourceArn.
func glueTagTarget(c *core.Req) (*glueDatabase, glueTagIn, *core.APIError) {
	var in glueTagIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, in, err
	}
	if !strings.HasPrefix(in.ResourceArn, "arn:aws:glue:") {
		return nil, in, glueInvalid("Invalid ARN: %s", in.ResourceArn)
	}
	d := glueTagged(c, in.ResourceArn)
	if d == nil {
		return nil, in, core.NewError("EntityNotFoundException", 400, "Resource %s not found.", in.ResourceArn)
	}
	return d, in, nil
}

func glueTagResource(c *core.Req) (any, error) {
	d, in, err := glueTagTarget(c)
	if err != nil {
		return nil, err
	}
	if err := checkGlueTags(in.TagsToAdd); err != nil {
		return nil, err
	}
	merged := core.PutTags(d.tags, core.TagsOfMap(in.TagsToAdd))
	if len(merged) > core.MaxTags {
		return nil, glueInvalid("The number of tags exceeds the limit of %d", core.MaxTags)
	}
	d.tags = merged
	return nil, nil
}

func glueUntagResource(c *core.Req) (any, error) {
	d, in, err := glueTagTarget(c)
	if err != nil {
		return nil, err
	}
	d.tags = core.CutTags(d.tags, in.TagsToRemove)
	return nil, nil
}

func glueGetTags(c *core.Req) (any, error) {
	d, _, err := glueTagTarget(c)
	if err != nil {
		return nil, err
	}
	m := core.JSONTags(d.tags)
	if m == nil {
		m = map[string]string{}
	}
	return map[string]any{"Tags": m}, nil
}
