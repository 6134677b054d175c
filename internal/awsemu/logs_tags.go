package awsemu

import "strings"

func logsTagOps() []*Operation {
	return []*Operation{
		{Name: "TagResource", Action: "logs:TagResource", Resources: logsARNResource, Context: ctx(logsARNTags, logsRequestTags), Handle: logsTagResource},
		{Name: "UntagResource", Action: "logs:UntagResource", Resources: logsARNResource, Context: ctx(logsARNTags, logsUntagKeys), Handle: logsUntagResource},
		{Name: "ListTagsForResource", Action: "logs:ListTagsForResource", Resources: logsARNResource, Context: logsARNTags, Handle: logsListTagsForResource},
		{Name: "TagLogGroup", Action: "logs:TagLogGroup", Resources: logsGroupResource, Context: ctx(logsGroupTags, logsRequestTags), Handle: logsTagLogGroup},
		{Name: "UntagLogGroup", Action: "logs:UntagLogGroup", Resources: logsGroupResource, Context: ctx(logsGroupTags, logsUntagGroupKeys), Handle: logsUntagLogGroup},
		{Name: "ListTagsLogGroup", Action: "logs:ListTagsLogGroup", Resources: logsGroupResource, Context: logsGroupTags, Handle: logsListTagsLogGroup},
	}
}

// logsARN is the resourceArn of a tagging request without a trailing ":*".
func logsARN(c *Req) string {
	return strings.TrimSuffix(jsonBody[struct{ ResourceArn string }](c).ResourceArn, ":*")
}

func logsARNResource(c *Req) []string { return []string{logsARN(c)} }

// logsGroupByARN finds the log group an ARN in this account and region names.
func logsGroupByARN(c *Req, arn string) *logGroup {
	name, ok := strings.CutPrefix(arn, logGroupARN(c, ""))
	if !ok {
		return nil
	}
	return logsOf(c).groups[name]
}

func logsARNTags(c *Req) map[string][]string {
	if g := logsGroupByARN(c, logsARN(c)); g != nil {
		return resourceTagContext(g.tags)
	}
	return nil
}

func logsUntagKeys(c *Req) map[string][]string {
	return untagContext(jsonBody[struct{ TagKeys []string }](c).TagKeys)
}

func logsUntagGroupKeys(c *Req) map[string][]string {
	return untagContext(jsonBody[struct{ Tags []string }](c).Tags)
}

// logsTarget resolves a tagging request's resourceArn.
func logsTarget(c *Req) (*logGroup, *APIError) {
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
		return nil, apiError("ResourceNotFoundException", 400, "The specified resource does not exist.")
	}
	return g, nil
}

// logsAddTags merges tags onto a group within the 50-tag limit.
func logsAddTags(g *logGroup, m map[string]string) *APIError {
	if err := checkLogsTags(m); err != nil {
		return err
	}
	merged := putTags(g.tags, tagsOfMap(m))
	if len(merged) > maxTags {
		return apiError("TooManyTagsException", 400, "A resource can have no more than %d tags.", maxTags)
	}
	g.tags = merged
	return nil
}

func logsTagResource(c *Req) (any, error) {
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

func logsUntagResource(c *Req) (any, error) {
	var in struct{ TagKeys []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := logsTarget(c)
	if err != nil {
		return nil, err
	}
	g.tags = cutTags(g.tags, in.TagKeys)
	return nil, nil
}

type logsTagsResult struct {
	Tags map[string]string `json:"tags"`
}

func logsTagsOut(g *logGroup) logsTagsResult {
	m := jsonTagsOf(g.tags)
	if m == nil {
		m = map[string]string{}
	}
	return logsTagsResult{Tags: m}
}

func logsListTagsForResource(c *Req) (any, error) {
	g, err := logsTarget(c)
	if err != nil {
		return nil, err
	}
	return logsTagsOut(g), nil
}

func logsTagLogGroup(c *Req) (any, error) {
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

func logsUntagLogGroup(c *Req) (any, error) {
	var in struct{ Tags []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	g.tags = cutTags(g.tags, in.Tags)
	return nil, nil
}

func logsListTagsLogGroup(c *Req) (any, error) {
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	return logsTagsOut(g), nil
}
