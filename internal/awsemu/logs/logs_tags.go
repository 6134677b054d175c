package logs

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func logsTagOps() []*core.Operation {
	return []*core.Operation{
		{Name: "TagResource", Action: "logs:TagResource", Resources: logsARNResource, Context: core.Contexts(logsARNTags, logsRequestTags), Handle: logsTagResource},
		{Name: "UntagResource", Action: "logs:UntagResource", Resources: logsARNResource, Context: core.Contexts(logsARNTags, logsUntagKeys), Handle: logsUntagResource},
		{Name: "ListTagsForResource", Action: "logs:ListTagsForResource", Resources: logsARNResource, Context: logsARNTags, Handle: logsListTagsForResource},
		{Name: "TagLogGroup", Action: "logs:TagLogGroup", Resources: logsGroupResource, Context: core.Contexts(logsGroupTags, logsRequestTags), Handle: logsTagLogGroup},
		{Name: "UntagLogGroup", Action: "logs:UntagLogGroup", Resources: logsGroupResource, Context: core.Contexts(logsGroupTags, logsUntagGroupKeys), Handle: logsUntagLogGroup},
		{Name: "ListTagsLogGroup", Action: "logs:ListTagsLogGroup", Resources: logsGroupResource, Context: logsGroupTags, Handle: logsListTagsLogGroup},
	}
}

// logsARN is the resourceArn of a tagging request without a trailing ":*".
func logsARN(c *core.Req) string {
	return strings.TrimSuffix(core.JSONBody[struct{ ResourceArn string }](c).ResourceArn, ":*")
}

func logsARNResource(c *core.Req) []string { return []string{logsARN(c)} }

// logsGroupByARN finds the log group an ARN in this account and region names.
func logsGroupByARN(c *core.Req, arn string) *logGroup {
	name, ok := strings.CutPrefix(arn, logGroupARN(c, ""))
	if !ok {
		return nil
	}
	return logsOf(c).groups[name]
}

func logsARNTags(c *core.Req) map[string][]string {
	if g := logsGroupByARN(c, logsARN(c)); g != nil {
		return core.ResourceTagContext(g.tags)
	}
	return nil
}

func logsUntagKeys(c *core.Req) map[string][]string {
	return core.UntagContext(core.JSONBody[struct{ TagKeys []string }](c).TagKeys)
}

func logsUntagGroupKeys(c *core.Req) map[string][]string {
	return core.UntagContext(core.JSONBody[struct{ Tags []string }](c).Tags)
}

// logsTarget resolves a tagging request's resourceArn.
func logsTarget(c *core.Req) (*logGroup, *core.APIError) {
	var in struct{ ResourceArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	arn := strings.TrimSuffix(in.ResourceArn, ":*")
	if !strings.HasPrefix(arn, "arn:aws:logs:") || !strings.Contains(arn, ":log-group:") {
		return nil, logsInvalid("Invalid ARN format: %s", in.ResourceArn)
	}
	g := logsGroupByARN(c, arn)
	if g == nil {
		return nil, core.NewError("ResourceNotFoundException", 400, "The specified resource does not exist.")
	}
	return g, nil
}

// logsAddTags merges tags onto a group within the 50-tag limit.
func logsAddTags(g *logGroup, m map[string]string) *core.APIError {
	if err := checkLogsTags(m); err != nil {
		return err
	}
	merged := core.PutTags(g.tags, core.TagsOfMap(m))
	if len(merged) > core.MaxTags {
		return core.NewError("TooManyTagsException", 400, "A resource can have no more than %d tags.", core.MaxTags)
	}
	g.tags = merged
	return nil
}

func logsTagResource(c *core.Req) (any, error) {
	var in struct{ Tags map[string]string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := logsTarget(c)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, logsInvalid("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	if err := logsAddTags(g, in.Tags); err != nil {
		return nil, err
	}
	return nil, nil
}

func logsUntagResource(c *core.Req) (any, error) {
	var in struct{ TagKeys []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := logsTarget(c)
	if err != nil {
		return nil, err
	}
	g.tags = core.CutTags(g.tags, in.TagKeys)
	return nil, nil
}

type logsTagsResult struct {
	Tags map[string]string `json:"tags"`
}

func logsTagsOut(g *logGroup) logsTagsResult {
	m := core.JSONTags(g.tags)
	if m == nil {
		m = map[string]string{}
	}
	return logsTagsResult{Tags: m}
}

func logsListTagsForResource(c *core.Req) (any, error) {
	g, err := logsTarget(c)
	if err != nil {
		return nil, err
	}
	return logsTagsOut(g), nil
}

func logsTagLogGroup(c *core.Req) (any, error) {
	var in struct{ Tags map[string]string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	if err := logsAddTags(g, in.Tags); err != nil {
		return nil, err
	}
	return nil, nil
}

func logsUntagLogGroup(c *core.Req) (any, error) {
	var in struct{ Tags []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	g.tags = core.CutTags(g.tags, in.Tags)
	return nil, nil
}

func logsListTagsLogGroup(c *core.Req) (any, error) {
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	return logsTagsOut(g), nil
}
