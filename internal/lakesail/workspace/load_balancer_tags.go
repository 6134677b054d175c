package workspace

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// The session load balancer's tags follow the workspace's, like every other object's: the read
// compares those of the load balancer, its listener and its target group (one DescribeTags for
// the three) and of its security group (which its describe returns), and an update brings them
// back. The connection role may change the tags of what carries its connection tag, except that
// tag itself (connpolicy's ElbRetagConnectionResources and Ec2RetagConnectionResources).

// settableTagDiff is lakesail.TagDiff less the keys AWS reserves (aws:...), which no caller can
// set or remove.
func settableTagDiff(current, desired map[string]string) (stale []string, changed map[string]string) {
	stale, changed = lakesail.TagDiff(current, desired)
	stale = slices.DeleteFunc(stale, func(k string) bool { return strings.HasPrefix(strings.ToLower(k), "aws:") })
	return stale, changed
}

// tagDrift says how the tags of what differ from desired, a line per key as the cluster's.
func tagDrift(what string, current, desired map[string]string) []string {
	stale, changed := settableTagDiff(current, desired)
	var out []string
	for _, k := range sortedMapKeys(changed) {
		out = append(out, fmt.Sprintf("%s: tag %s is %q, not %q", what, k, current[k], changed[k]))
	}
	for _, k := range stale {
		out = append(out, what+": carries tag "+k+" the workspace does not set")
	}
	return out
}

// elbTagsOf reads the tags of up to 20 load balancers, listeners and target groups in one call,
// by ARN.
func (c *Client) elbTagsOf(ctx context.Context, arns []string) (map[string]map[string]string, error) {
	out, err := c.ELB().DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: arns})
	if err := lakesail.Classify("elasticloadbalancing:DescribeTags", err); err != nil {
		return nil, err
	}
	tags := make(map[string]map[string]string, len(out.TagDescriptions))
	for _, d := range out.TagDescriptions {
		m := make(map[string]string, len(d.Tags))
		for _, t := range d.Tags {
			m[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		tags[aws.ToString(d.ResourceArn)] = m
	}
	return tags, nil
}

// sessionTagProblems says how the tags of the load balancer, its listener and its target group
// (those of obs that are set) differ from want; nothing when one of them has just gone.
func (c *Client) sessionTagProblems(ctx context.Context, s Spec, obs *SessionLoadBalancer, want map[string]string) ([]string, error) {
	named := map[string]string{obs.ARN: "session load balancer " + s.LoadBalancerName()}
	if obs.ListenerARN != "" {
		named[obs.ListenerARN] = "the session load balancer's listener on 443"
	}
	if obs.TargetGroupARN != "" {
		named[obs.TargetGroupARN] = "session target group " + s.LoadBalancerName()
	}
	arns := sortedMapKeys(named)
	tags, err := c.elbTagsOf(ctx, arns)
	if err != nil {
		return nil, lakesail.IgnoreNotFound(err)
	}
	var out []string
	for _, arn := range arns {
		out = append(out, tagDrift(named[arn], tags[arn], want)...)
	}
	return out, nil
}

// retagSessionResources makes the tags of the load balancers, listeners and target groups arns
// the workspace's: those that need the same change share one RemoveTags and one AddTags.
func (c *Client) retagSessionResources(ctx context.Context, s Spec, arns []string) error {
	if len(arns) == 0 {
		return nil
	}
	have, err := c.elbTagsOf(ctx, arns)
	if err != nil {
		return err
	}
	type change struct {
		stale   []string
		changed map[string]string
		arns    []string
	}
	var changes []*change
	byDiff := map[string]*change{}
	for _, arn := range arns {
		stale, changed := settableTagDiff(have[arn], s.WorkspaceTags())
		if len(stale) == 0 && len(changed) == 0 {
			continue
		}
		key := fmt.Sprint(stale, changed) // fmt prints maps sorted by key
		if byDiff[key] == nil {
			byDiff[key] = &change{stale: stale, changed: changed}
			changes = append(changes, byDiff[key])
		}
		byDiff[key].arns = append(byDiff[key].arns, arn)
	}
	api := c.ELB()
	for _, ch := range changes {
		c.Log(ctx, "retagging the session load balancer", map[string]any{"resources": ch.arns, "removed": ch.stale, "set": sortedMapKeys(ch.changed)})
		if len(ch.stale) > 0 {
			_, err := api.RemoveTags(ctx, &elb.RemoveTagsInput{ResourceArns: ch.arns, TagKeys: ch.stale})
			if err := lakesail.Classify("elasticloadbalancing:RemoveTags", err); err != nil {
				return err
			}
		}
		if len(ch.changed) > 0 {
			_, err := api.AddTags(ctx, &elb.AddTagsInput{ResourceArns: ch.arns, Tags: elbTags(ch.changed)})
			if err := lakesail.Classify("elasticloadbalancing:AddTags", err); err != nil {
				return err
			}
		}
	}
	return nil
}

// retagLoadBalancerGroup makes the load balancer's security group's tags the workspace's.
func (c *Client) retagLoadBalancerGroup(ctx context.Context, s Spec, g *lbGroup) error {
	stale, changed := settableTagDiff(g.tags, s.WorkspaceTags())
	return retagEC2(ctx, c.EC2(), g.id, stale, changed)
}
