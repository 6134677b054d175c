package elbv2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Tags of load balancers, target groups and listeners: at most 50 per resource, keys compared
// case-sensitively. The Service Authorization Reference: AddTags and RemoveTags act on each
// resource named (up to 20), each with its own resource tags, AddTags with aws:RequestTag/* and
// aws:TagKeys, RemoveTags with aws:TagKeys; DescribeTags supports no resource-level permissions.

func elbTagSpecs() []elbSpec {
	return []elbSpec{
		{name: "AddTags", on: elbOnTagged(true), handle: elbAddTags},
		{name: "RemoveTags", on: elbOnTagged(false), handle: elbRemoveTags},
		{name: "DescribeTags", handle: elbDescribeTags},
	}
}

// elbOnTagged: every resource of ResourceArns with its resource tags and the request's tag keys.
func elbOnTagged(add bool) func(c *core.Req) []elbAuth {
	return func(c *core.Req) []elbAuth {
		var req map[string][]string
		if add {
			req = core.RequestTagContext(elbRequestTags(c))
		} else {
			req = core.UntagContext(c.ParamList("TagKeys"))
		}
		var out []elbAuth
		for _, arn := range c.ParamList("ResourceArns") {
			out = append(out, elbExisting(c, arn, req))
		}
		return out
	}
}

// elbTaggables resolves ResourceArns (1 to 20), all or nothing.
func elbTaggables(c *core.Req) ([]string, []*[]core.Tag, *core.APIError) {
	arns := c.ParamList("ResourceArns")
	if len(arns) == 0 {
		return nil, nil, elbValidation("1 validation error detected: Value null at 'resourceArns' failed to satisfy constraint: Member must not be null")
	}
	if len(arns) > 20 {
		return nil, nil, elbValidation("1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20")
	}
	st := elbOf(c)
	tags := make([]*[]core.Tag, 0, len(arns))
	for _, arn := range arns {
		t := st.tagsOf(arn)
		if t == nil {
			return nil, nil, elbNotFound(arn)
		}
		tags = append(tags, t)
	}
	return arns, tags, nil
}

func elbAddTags(c *core.Req) (any, error) {
	_, tags, err := elbTaggables(c)
	if err != nil {
		return nil, err
	}
	add := elbRequestTags(c)
	if len(add) == 0 {
		return nil, elbValidation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	if err := elbCheckTags(add); err != nil {
		return nil, err
	}
	merged := make([][]core.Tag, len(tags))
	for i, t := range tags {
		merged[i] = core.PutTags(*t, add)
		if len(merged[i]) > core.MaxTags {
			return nil, elbErr("TooManyTags", "The request exceeds the maximum of %d tags per resource", core.MaxTags)
		}
	}
	for i, t := range tags {
		*t = merged[i]
	}
	return elbEmpty{}, nil
}

func elbRemoveTags(c *core.Req) (any, error) {
	_, tags, err := elbTaggables(c)
	if err != nil {
		return nil, err
	}
	keys := c.ParamList("TagKeys")
	if len(keys) == 0 {
		return nil, elbValidation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	for _, k := range keys {
		if err := elbCheckTagKey(k); err != nil {
			return nil, err
		}
	}
	for _, t := range tags {
		*t = core.CutTags(*t, keys)
	}
	return elbEmpty{}, nil
}

type elbTagXML struct {
	Key   string
	Value string
}

type elbTagDescriptionXML struct {
	ResourceArn string
	Tags        core.Members[elbTagXML]
}

type elbDescribeTagsResult struct {
	TagDescriptions core.Members[elbTagDescriptionXML]
}

func elbDescribeTags(c *core.Req) (any, error) {
	arns, tags, err := elbTaggables(c)
	if err != nil {
		return nil, err
	}
	out := elbDescribeTagsResult{TagDescriptions: core.Members[elbTagDescriptionXML]{}}
	for i, arn := range arns {
		d := elbTagDescriptionXML{ResourceArn: arn, Tags: core.Members[elbTagXML]{}}
		for _, t := range *tags[i] {
			d.Tags = append(d.Tags, elbTagXML(t))
		}
		out.TagDescriptions = append(out.TagDescriptions, d)
	}
	return out, nil
}
