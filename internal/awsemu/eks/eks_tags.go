package eks

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func eksTagOps() []*core.Operation {
	return []*core.Operation{
		{Name: "TagResource", HTTP: "POST /tags/{resourceArn}", Action: "eks:TagResource", Resources: eksTaggedResource, Context: core.Contexts(eksTaggedContext, eksRequestTags), Handle: eksTagResource},
		{Name: "UntagResource", HTTP: "DELETE /tags/{resourceArn}", Action: "eks:UntagResource", Resources: eksTaggedResource, Context: core.Contexts(eksTaggedContext, eksUntagKeys), Handle: eksUntagResource},
		{Name: "ListTagsForResource", HTTP: "GET /tags/{resourceArn}", Action: "eks:ListTagsForResource", Resources: eksTaggedResource, Context: eksTaggedContext, Handle: eksListTagsForResource},
	}
}

func eksTaggedResource(c *core.Req) []string { return []string{c.In.Labels["resourceArn"]} }

// eksTagged finds the tags of the cluster, node group, add-on, access entry or Pod Identity
// association an ARN names; ok is
// false for an ARN that is not an EKS resource ARN at all.
func eksTagged(c *core.Req, arn string) (tags *[]core.Tag, entryKeys map[string][]string, ok bool) {
	prefix := "arn:aws:eks:" + c.Region + ":" + c.Account.Id + ":"
	rest, found := strings.CutPrefix(arn, prefix)
	if !found {
		return nil, nil, strings.HasPrefix(arn, "arn:aws:eks:")
	}
	kind, path, _ := strings.Cut(rest, "/")
	parts := strings.Split(path, "/")
	cl := eksOf(c).clusters[parts[0]]
	if !core.OneOf(kind, "cluster", "nodegroup", "addon", "access-entry", "podidentityassociation") {
		return nil, nil, false
	}
	if cl == nil {
		return nil, nil, true
	}
	switch kind {
	case "cluster":
		if len(parts) == 1 {
			return &cl.tags, nil, true
		}
	case "nodegroup":
		for _, ng := range cl.nodegroups {
			if ng.arn == arn {
				return &ng.tags, nil, true
			}
		}
	case "addon":
		for _, a := range cl.addons {
			if a.arn == arn {
				return &a.tags, nil, true
			}
		}
	case "podidentityassociation":
		if a, _ := eksPIAOfARN(c, arn); a != nil {
			return &a.tags, nil, true
		}
	case "access-entry":
		for _, e := range cl.entries {
			if e.arn == arn {
				return &e.tags, eksEntryKeys(cl.name, e.principalArn, e.kind, e.username, e.groups), true
			}
		}
	}
	return nil, nil, true
}

// eksTaggedContext: aws:ResourceTag/* of the resource (and the access-entry keys for entries).
func eksTaggedContext(c *core.Req) map[string][]string {
	tags, keys, _ := eksTagged(c, c.In.Labels["resourceArn"])
	if tags == nil {
		return nil
	}
	return core.MergeContext(core.ResourceTagContext(*tags), keys)
}

func eksUntagKeys(c *core.Req) map[string][]string { return core.UntagContext(c.In.Params["tagKeys"]) }

// eksTagTarget resolves the ARN in the path for the tagging operations.
func eksTagTarget(c *core.Req) (*[]core.Tag, *core.APIError) {
	arn := c.In.Labels["resourceArn"]
	tags, _, ok := eksTagged(c, arn)
	if !ok {
		return nil, core.NewError("BadRequestException", 400, "%s is not a valid resource ARN", arn)
	}
	if tags == nil {
		return nil, core.NewError("NotFoundException", 404, "Resource %s not found", arn)
	}
	return tags, nil
}

func eksTagResource(c *core.Req) (any, error) {
	var in struct{ Tags map[string]string }
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	tags, err := eksTagTarget(c)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, core.NewError("BadRequestException", 400, "Tags are required")
	}
	if err := checkEKSTags(in.Tags, "BadRequestException"); err != nil {
		return nil, err
	}
	merged := core.PutTags(*tags, core.TagsOfMap(in.Tags))
	if len(merged) > core.MaxTags {
		return nil, core.NewError("BadRequestException", 400, "Resource can't have more than %d tags", core.MaxTags)
	}
	*tags = merged
	return struct{}{}, nil
}

func eksUntagResource(c *core.Req) (any, error) {
	tags, err := eksTagTarget(c)
	if err != nil {
		return nil, err
	}
	keys := c.In.Params["tagKeys"]
	if len(keys) == 0 {
		return nil, core.NewError("BadRequestException", 400, "tagKeys are required")
	}
	*tags = core.CutTags(*tags, keys)
	return struct{}{}, nil
}

type eksTagsResult struct {
	Tags map[string]string `json:"tags"`
}

func eksListTagsForResource(c *core.Req) (any, error) {
	tags, err := eksTagTarget(c)
	if err != nil {
		return nil, err
	}
	m := core.JSONTags(*tags)
	if m == nil {
		m = map[string]string{}
	}
	return eksTagsResult{Tags: m}, nil
}
