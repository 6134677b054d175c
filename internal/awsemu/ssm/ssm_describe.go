package ssm

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

type ssmFilter struct {
	Key, Option string
	Values      []string
}

type ssmParamMeta struct {
	Name             string        `json:"Name"`
	ARN              string        `json:"ARN"`
	Type             string        `json:"Type"`
	KeyID            string        `json:"KeyId,omitempty"`
	LastModifiedDate core.WireTime `json:"LastModifiedDate"`
	LastModifiedUser string        `json:"LastModifiedUser"`
	Description      string        `json:"Description,omitempty"`
	AllowedPattern   string        `json:"AllowedPattern,omitempty"`
	Version          int           `json:"Version"`
	Tier             string        `json:"Tier"`
	Policies         []struct{}    `json:"Policies"`
	DataType         string        `json:"DataType"`
}

type ssmDescribeResult struct {
	Parameters []ssmParamMeta `json:"Parameters"`
	NextToken  string         `json:"NextToken,omitempty"`
}

func ssmDescribeParameters(c *core.Req) (any, error) {
	var in struct {
		Filters, ParameterFilters []ssmFilter
		MaxResults                *int
		NextToken                 string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Filters) > 0 && len(in.ParameterFilters) > 0 {
		return nil, ssmValidation("You can use either Filters or ParameterFilters in a single request.")
	}
	filters := in.ParameterFilters
	for _, f := range in.Filters { // the older Filters: Name, Type, KeyId with equality
		filters = append(filters, ssmFilter{Key: f.Key, Option: "Equals", Values: f.Values})
	}
	for _, f := range filters {
		if err := checkSSMFilter(f); err != nil {
			return nil, err
		}
	}
	size := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, ssmValidation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50", *in.MaxResults)
		}
		size = *in.MaxResults
	}
	var found []*ssmParam
	for _, p := range ssmOf(c).sorted() {
		ok := true
		for _, f := range filters {
			ok = ok && ssmFilterMatches(f, p)
		}
		if ok {
			found = append(found, p)
		}
	}
	page, next, ok := core.PageByToken(found, in.NextToken, size)
	if !ok {
		return nil, core.NewError("InvalidNextToken", 400, "The specified token isn't valid.")
	}
	out := ssmDescribeResult{Parameters: []ssmParamMeta{}, NextToken: next}
	for _, p := range page {
		v := p.current()
		out.Parameters = append(out.Parameters, ssmParamMeta{
			Name: p.name, ARN: ssmParamARN(c, p.name), Type: v.typ, KeyID: v.keyID, LastModifiedDate: core.WireTime(v.modified),
			LastModifiedUser: v.modifiedUser, Description: p.description, AllowedPattern: p.allowedPattern, Version: v.version,
			Tier: p.tier, Policies: []struct{}{}, DataType: p.dataType,
		})
	}
	return out, nil
}

// checkSSMFilter validates a ParameterFilters entry: its key and the options that key allows.
func checkSSMFilter(f ssmFilter) *core.APIError {
	options := map[string][]string{
		"Name": {"Equals", "BeginsWith", "Contains"}, "Path": {"Recursive", "OneLevel"}, "Type": {"Equals"},
		"KeyId": {"Equals"}, "Tier": {"Equals"}, "DataType": {"Equals"}, "Label": {"Equals"},
	}
	allowed, known := options[f.Key]
	if strings.HasPrefix(f.Key, "tag:") {
		allowed, known = []string{"Equals"}, true
	}
	if !known {
		return core.NewError("InvalidFilterKey", 400, "The following filter key is not valid: %s", f.Key)
	}
	if f.Option != "" && !core.OneOf(f.Option, allowed...) {
		return core.NewError("InvalidFilterOption", 400, "The following filter option is not valid: %s. Valid options include: %s.", f.Option, strings.Join(allowed, ", "))
	}
	if len(f.Values) == 0 && !strings.HasPrefix(f.Key, "tag:") {
		return core.NewError("InvalidFilterValue", 400, "The following filter values are missing: null for filter key %s", f.Key)
	}
	return nil
}

// ssmFilterMatches applies one filter: any of its values may match.
func ssmFilterMatches(f ssmFilter, p *ssmParam) bool {
	v := p.current()
	if key, ok := strings.CutPrefix(f.Key, "tag:"); ok {
		for _, t := range p.tags {
			if t.Key == key && (len(f.Values) == 0 || core.OneOf(t.Value, f.Values...)) {
				return true
			}
		}
		return false
	}
	for _, want := range f.Values {
		switch f.Key {
		case "Name":
			switch f.Option {
			case "BeginsWith":
				if strings.HasPrefix(p.name, want) {
					return true
				}
			case "Contains":
				if strings.Contains(p.name, want) {
					return true
				}
			default:
				if p.name == want {
					return true
				}
			}
		case "Path":
			rest, ok := strings.CutPrefix(p.name, strings.TrimSuffix(want, "/")+"/")
			if ok && (f.Option == "Recursive" || !strings.Contains(rest, "/")) {
				return true
			}
		case "Type":
			if v.typ == want {
				return true
			}
		case "KeyId":
			if v.keyID == want {
				return true
			}
		case "Tier":
			if p.tier == want {
				return true
			}
		case "DataType":
			if p.dataType == want {
				return true
			}
		}
	}
	return false
}
