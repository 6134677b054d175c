package network

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// EKS load balancer discovery tags on the network's subnets.
const (
	tagELBRole         = "kubernetes.io/role/elb"
	tagInternalELBRole = "kubernetes.io/role/internal-elb"
	// clusterTagPrefix starts the subnet tags workspaces add for their clusters; the network
	// leaves them alone.
	clusterTagPrefix = "kubernetes.io/cluster/"
)

func ec2TagMap(tags []ec2types.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

func ec2Tags(tags map[string]string) []ec2types.Tag {
	keys := slices.Sorted(maps.Keys(tags))
	out := make([]ec2types.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// tagOnCreate is the TagSpecifications of a create call: the tags go on with the object, so it
// never exists untagged (and the role may only create what carries the connection tag).
func tagOnCreate(resourceType ec2types.ResourceType, tags map[string]string) []ec2types.TagSpecification {
	return []ec2types.TagSpecification{{ResourceType: resourceType, Tags: ec2Tags(tags)}}
}

// networkFilters find the objects of this network: both the network and the connection tag.
func (r *networkRun) networkFilters(extra ...ec2types.Filter) []ec2types.Filter {
	return append([]ec2types.Filter{
		{Name: aws.String("tag:" + connpolicy.TagNetwork), Values: []string{r.spec.NetworkID}},
		{Name: aws.String("tag:" + connpolicy.TagConnection), Values: []string{r.spec.ConnectionID}},
	}, extra...)
}

// objectTags are the tags of one object the network creates: the network's tags, its Name, and
// any role tags (EKS load balancer discovery on subnets).
func (r *networkRun) objectTags(name string, extra map[string]string) map[string]string {
	tags := r.spec.networkTags(r.tenantID)
	tags["Name"] = name
	maps.Copy(tags, extra)
	return tags
}

// ownedTagKey reports whether the network manages a tag key on its objects: everything except
// AWS's own and the cluster tags workspaces add.
func ownedTagKey(key string) bool {
	return !strings.HasPrefix(key, "aws:") && !strings.HasPrefix(key, clusterTagPrefix)
}

// tagDiff is what to set and what to remove to turn have into want (owned keys only).
func tagDiff(have, want map[string]string) (set map[string]string, remove []string) {
	remove, set = lakesail.TagDiff(have, want)
	return set, slices.DeleteFunc(remove, func(k string) bool { return !ownedTagKey(k) })
}

// describeTagDiff says in words how tags differ, for drift.
func describeTagDiff(what string, have, want map[string]string) []string {
	set, remove := tagDiff(have, want)
	if len(set) == 0 && len(remove) == 0 {
		return nil
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if _, ok := have[k]; ok {
			parts = append(parts, "tag "+k+" changed")
		} else {
			parts = append(parts, "tag "+k+" missing")
		}
	}
	for _, k := range remove {
		parts = append(parts, "extra tag "+k)
	}
	return []string{what + ": " + strings.Join(parts, ", ")}
}

// retagEC2 brings one object's tags from have to want, keeping the connection tag in every
// request (the role may only tag what stays the connection's).
func (r *networkRun) retagEC2(ctx context.Context, id string, have, want map[string]string) error {
	set, remove := tagDiff(have, want)
	if len(remove) > 0 {
		var keys []ec2types.Tag
		for _, k := range remove {
			keys = append(keys, ec2types.Tag{Key: aws.String(k)})
		}
		_, err := r.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: keys})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:DeleteTags", err), "removing tags %v from %s", remove, id)
		}
	}
	if len(set) > 0 {
		set[connpolicy.TagConnection] = r.spec.ConnectionID
		_, err := r.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: ec2Tags(set)})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:CreateTags", err), "tagging %s", id)
		}
	}
	return nil
}
