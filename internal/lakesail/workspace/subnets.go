package workspace

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// clusterSubnetTag marks the subnets a cluster's load balancers may use (the session NLB); the
// connection may set it on its own subnets and on adopted ones alike.
func (s Spec) clusterSubnetTag() string { return "kubernetes.io/cluster/" + s.ClusterName() }

// tagSubnets marks the workspace's subnets as shared with its cluster, and with Karpenter on the
// network's security group too: the same tag is Karpenter's discovery tag (KarpenterDiscoveryTag),
// which its node class selects subnets and security groups by. One call tags them all.
func (c *Client) tagSubnets(ctx context.Context, s Spec) error {
	resources := s.Network.PrivateSubnetIDs
	if s.Karpenter.Enabled {
		resources = append(slices.Clone(resources), s.Network.SecurityGroupID)
	}
	_, err := c.EC2().CreateTags(ctx, &ec2.CreateTagsInput{
		Resources: resources,
		Tags:      []ec2types.Tag{{Key: aws.String(s.clusterSubnetTag()), Value: aws.String(discoveryShared)}},
	})
	return lakesail.Classify("ec2:CreateTags", err)
}

// untagSubnets removes the cluster's mark from the subnets; subnets already gone are skipped.
func (c *Client) untagSubnets(ctx context.Context, s Spec) error {
	for _, subnet := range s.Network.PrivateSubnetIDs {
		_, err := c.EC2().DeleteTags(ctx, &ec2.DeleteTagsInput{
			Resources: []string{subnet}, Tags: []ec2types.Tag{{Key: aws.String(s.clusterSubnetTag())}},
		})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteTags", err)); err != nil {
			return err
		}
	}
	return nil
}
