package iam

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// The Tag… and Untag… operations of IAM's taggable resource types share one shape: find the
// resource, check the tags, merge within the type's quota (or remove the keys).

// iamTags finds the tags of the resource a request names.
type iamTags func(c *core.Req) (*[]core.Tag, *core.APIError)

// iamTagHandler is the Handle of Tag<Type>: quota names the type's limit ("TagsPerRole").
func iamTagHandler(find iamTags, quota string) func(c *core.Req) (any, error) {
	return func(c *core.Req) (any, error) {
		tags, err := find(c)
		if err != nil {
			return nil, err
		}
		add := c.ParamTags("Tags")
		if err := CheckTags(add); err != nil {
			return nil, err
		}
		merged, err := mergeTags(*tags, add, quota)
		if err != nil {
			return nil, err
		}
		*tags = merged
		return nil, nil
	}
}

// iamUntagHandler is the Handle of Untag<Type>.
func iamUntagHandler(find iamTags) func(c *core.Req) (any, error) {
	return func(c *core.Req) (any, error) {
		tags, err := find(c)
		if err != nil {
			return nil, err
		}
		keys := c.ParamList("TagKeys")
		if err := checkTagKeys(keys); err != nil {
			return nil, err
		}
		*tags = removeTags(*tags, keys)
		return nil, nil
	}
}

func roleTagsOf(c *core.Req) (*[]core.Tag, *core.APIError) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	return &r.Tags, nil
}

func policyTagsOf(c *core.Req) (*[]core.Tag, *core.APIError) {
	p, err := existingPolicy(c, true)
	if err != nil {
		return nil, err
	}
	return &p.tags, nil
}

func oidcTagsOf(c *core.Req) (*[]core.Tag, *core.APIError) {
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	return &p.tags, nil
}

func instanceProfileTagsOf(c *core.Req) (*[]core.Tag, *core.APIError) {
	p, err := existingInstanceProfile(c)
	if err != nil {
		return nil, err
	}
	return &p.tags, nil
}
