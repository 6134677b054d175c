package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// The AWS-managed prefix lists of the gateway endpoint services, so callers can find the id a
// security group rule or route should name (the same id the endpoint's routes use).

func ec2PrefixListSpecs() []ec2Spec {
	return []ec2Spec{{name: "DescribePrefixLists", handle: ec2DescribePrefixLists}}
}

type ec2PrefixListInfo struct {
	id, name string
	cidrs    []string
}

// prefixLists are the region's S3 and DynamoDB prefix lists (sample public ranges).
func (s *ec2State) prefixLists() []ec2PrefixListInfo {
	var out []ec2PrefixListInfo
	for _, svc := range []struct {
		name  string
		cidrs []string
	}{
		{"s3", []string{"3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16"}},
		{"dynamodb", []string{"3.218.180.0/22", "52.94.0.0/22"}},
	} {
		name := "com.amazonaws." + s.region + "." + svc.name
		out = append(out, ec2PrefixListInfo{id: ec2PrefixList(name), name: name, cidrs: svc.cidrs})
	}
	return out
}

type ec2PrefixListXML struct {
	PrefixListID   string         `xml:"prefixListId"`
	PrefixListName string         `xml:"prefixListName"`
	CidrSet        ec2Set[string] `xml:"cidrSet"`
}

func ec2DescribePrefixLists(c *core.Req) (any, error) {
	s := ec2Of(c)
	lists, err := ec2Lookup(ec2List(c, "PrefixListId"), s.prefixLists(), func(p ec2PrefixListInfo) string { return p.id },
		func(id string) *core.APIError {
			return core.NewError("InvalidPrefixListID.NotFound", 400, "The prefix list ID '%s' does not exist", id)
		})
	if err != nil {
		return nil, err
	}
	lists, err = ec2Select(c, lists, []string{"prefix-list-id", "prefix-list-name"}, func(p ec2PrefixListInfo) ec2Fields {
		return func(name string) []string {
			if name == "prefix-list-id" {
				return []string{p.id}
			}
			return []string{p.name}
		}
	}, func(ec2PrefixListInfo) []core.Tag { return nil })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, lists, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		PrefixLists ec2Set[ec2PrefixListXML] `xml:"prefixListSet"`
		NextToken   string                   `xml:"nextToken,omitempty"`
	}{PrefixLists: ec2Set[ec2PrefixListXML]{}, NextToken: next}
	for _, p := range page {
		out.PrefixLists = append(out.PrefixLists, ec2PrefixListXML{PrefixListID: p.id, PrefixListName: p.name, CidrSet: append(ec2Set[string]{}, p.cidrs...)})
	}
	return out, nil
}
