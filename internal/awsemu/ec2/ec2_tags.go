package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func ec2TagSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateTags", targets: ec2TagTargets(true), handle: ec2CreateTagsOp},
		{name: "DeleteTags", targets: ec2TagTargets(false), handle: ec2DeleteTagsOp},
		{name: "DescribeTags", handle: ec2DescribeTags},
	}
}

// ec2TagTargets: CreateTags and DeleteTags are evaluated on every resource named, each with its
// own resource tags, plus the request's tags (aws:RequestTag/*, aws:TagKeys).
func ec2TagTargets(create bool) func(c *core.Req) []ec2Target {
	return func(c *core.Req) []ec2Target {
		tags := ec2Tags(c, "Tag")
		req := core.RequestTagContext(tags)
		if !create {
			req = nil
			if len(tags) > 0 {
				keys := make([]string, len(tags))
				for i, t := range tags {
					keys[i] = t.Key
				}
				req = map[string][]string{"aws:TagKeys": keys}
			}
		}
		var ts []ec2Target
		for _, id := range ec2List(c, "ResourceId") {
			typ := ec2TypeOfID(id)
			if typ == "" {
				typ = "*"
			}
			t := ec2Existing(c, typ, id)
			t.ctx = core.MergeContext(t.ctx, req)
			ts = append(ts, t)
		}
		return ts
	}
}

// ec2Taggables resolves ResourceId.N, all or nothing.
func ec2Taggables(c *core.Req) ([]ec2Object, *core.APIError) {
	ids := ec2List(c, "ResourceId")
	if len(ids) == 0 {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter resourceIdSet")
	}
	s := ec2Of(c)
	var out []ec2Object
	for _, id := range ids {
		obj := s.object(id)
		if obj == nil {
			return nil, ec2NotFound(ec2TypeOfID(id), id)
		}
		out = append(out, obj)
	}
	return out, nil
}

func ec2CreateTagsOp(c *core.Req) (any, error) {
	objs, err := ec2Taggables(c)
	if err != nil {
		return nil, err
	}
	tags := ec2Tags(c, "Tag")
	if len(tags) == 0 {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter tagSet")
	}
	merged := make([][]core.Tag, len(objs))
	for i, obj := range objs {
		if merged[i], err = ec2MergeTags(obj.meta().tags, tags); err != nil {
			return nil, err
		}
	}
	for i, obj := range objs {
		obj.meta().tags = merged[i]
	}
	return ec2OK, nil
}

func ec2DeleteTagsOp(c *core.Req) (any, error) {
	objs, err := ec2Taggables(c)
	if err != nil {
		return nil, err
	}
	members := ec2Members(c, "Tag")
	for _, obj := range objs {
		m := obj.meta()
		if len(members) == 0 {
			m.tags = nil // no Tag list deletes every tag
			continue
		}
		var kept []core.Tag
		for _, t := range m.tags {
			drop := false
			for _, mem := range members {
				// A key alone deletes the tag; a key with a value (even "") only when the value matches.
				if ec2Field(c, mem, "Key") == t.Key && (!c.HasParam(mem+".Value") || ec2Field(c, mem, "Value") == t.Value) {
					drop = true
				}
			}
			if !drop {
				kept = append(kept, t)
			}
		}
		m.tags = kept
	}
	return ec2OK, nil
}

type ec2TagDescriptionXML struct {
	ResourceID   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

func ec2DescribeTags(c *core.Req) (any, error) {
	s := ec2Of(c)
	type item struct {
		obj ec2Object
		t   core.Tag
	}
	var all []item
	for _, obj := range s.objects() {
		for _, t := range obj.meta().tags {
			all = append(all, item{obj, t})
		}
	}
	known := []string{"key", "value", "resource-id", "resource-type"}
	items, err := ec2Select(c, all, known, func(it item) ec2Fields {
		return func(name string) []string {
			switch name {
			case "key":
				return []string{it.t.Key}
			case "value":
				return []string{it.t.Value}
			case "resource-id":
				return []string{it.obj.meta().id}
			case "resource-type":
				return []string{it.obj.kind()}
			}
			return nil
		}
	}, func(it item) []core.Tag { return it.obj.meta().tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, items, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		Tags      ec2Set[ec2TagDescriptionXML] `xml:"tagSet"`
		NextToken string                       `xml:"nextToken,omitempty"`
	}{Tags: ec2Set[ec2TagDescriptionXML]{}, NextToken: next}
	for _, it := range page {
		out.Tags = append(out.Tags, ec2TagDescriptionXML{ResourceID: it.obj.meta().id, ResourceType: it.obj.kind(), Key: it.t.Key, Value: it.t.Value})
	}
	return out, nil
}
