package ec2

import (
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2query lists are flat and 1-based: VpcId.1, VpcId.2; lists of structures add the field:
// Filter.1.Name, Filter.1.Value.1, TagSpecification.1.Tag.1.Key.

// ec2List reads the flat list name.1, name.2, ... up to the first gap.
func ec2List(c *core.Req, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := c.In.Params[name+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// ec2Members lists the prefixes name.1, name.2, ... of a list of structures (each has at least
// one field sent), for reading fields with ec2Field.
func ec2Members(c *core.Req, name string) []string {
	var out []string
	for i := 1; ; i++ {
		prefix := name + "." + strconv.Itoa(i)
		found := false
		for k := range c.In.Params {
			if strings.HasPrefix(k, prefix+".") {
				found = true
				break
			}
		}
		if !found {
			return out
		}
		out = append(out, prefix)
	}
}

// ec2Field reads member.field ("" when absent).
func ec2Field(c *core.Req, member, field string) string { return c.Param(member + "." + field) }

// ec2Required is EC2's MissingParameter for the first absent parameter.
func ec2Required(c *core.Req, names ...string) *core.APIError {
	for _, n := range names {
		if c.Param(n) == "" {
			return core.NewError("MissingParameter", 400, "The request must contain the parameter %s", n)
		}
	}
	return nil
}

// ec2Tags reads a Key/Value tag list (Tag.N.Key / Tag.N.Value under prefix).
func ec2Tags(c *core.Req, name string) []core.Tag {
	var out []core.Tag
	for _, m := range ec2Members(c, name) {
		out = append(out, core.Tag{Key: ec2Field(c, m, "Key"), Value: ec2Field(c, m, "Value")})
	}
	return out
}

// ec2SpecTags are the tags TagSpecifications give resources of type typ.
func ec2SpecTags(c *core.Req, typ string) []core.Tag {
	var out []core.Tag
	for _, m := range ec2Members(c, "TagSpecification") {
		if ec2Field(c, m, "ResourceType") == typ {
			out = append(out, ec2Tags(c, m+".Tag")...)
		}
	}
	return out
}

// ec2CreateTags validates the TagSpecifications of a create of typ and returns its tags.
func ec2CreateTags(c *core.Req, typ string) ([]core.Tag, *core.APIError) {
	for _, m := range ec2Members(c, "TagSpecification") {
		rt := ec2Field(c, m, "ResourceType")
		if rt == "" {
			return nil, core.NewError("InvalidParameterValue", 400, "Tag specification resource type must have a value")
		}
		if rt != typ {
			return nil, core.NewError("InvalidParameterValue", 400, "'%s' is not a valid taggable resource type for this operation.", rt)
		}
	}
	return ec2MergeTags(nil, ec2SpecTags(c, typ))
}

// ec2MergeTags sets tags on top of existing ones (same key replaces), with EC2's checks.
func ec2MergeTags(existing, set []core.Tag) ([]core.Tag, *core.APIError) {
	for _, t := range set {
		switch {
		case t.Key == "" || len(t.Key) > 128:
			return nil, core.NewError("InvalidParameterValue", 400, "Tag keys must be between 1 and 128 characters long.")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return nil, core.NewError("InvalidParameterValue", 400, "Tag keys starting with 'aws:' are reserved for internal use")
		case len(t.Value) > 256:
			return nil, core.NewError("InvalidParameterValue", 400, "Tag values must be at most 256 characters long.")
		}
	}
	out := core.PutTags(existing, set)
	if len(out) > 50 {
		return nil, core.NewError("TagLimitExceeded", 400, "The maximum number of Tags for a resource has been reached.")
	}
	return out, nil
}

// ec2Filter is one Filter.N: a name and the values any of which may match.
type ec2Filter struct {
	name   string
	values []string
}

func ec2Filters(c *core.Req) []ec2Filter {
	var out []ec2Filter
	for _, m := range ec2Members(c, "Filter") {
		out = append(out, ec2Filter{name: ec2Field(c, m, "Name"), values: ec2List(c, m+".Value")})
	}
	return out
}

// ec2Bool renders a boolean the way filters compare it ("true"/"false").
func ec2Bool(b bool) string { return strconv.FormatBool(b) }
