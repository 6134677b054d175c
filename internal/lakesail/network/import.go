package network

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Import finds an existing network from its ids and role (base needs ConnectionID,
// NetworkID, RoleARN and optionally ExternalID and TenantID) and returns the spec that
// describes it: the created VPC's CIDR, zones and NAT layout, or the brought VPC and subnets
// (found by their LakeSail-Network tag); a brought key; the extra tags. It returns an error
// wrapping ErrNotFound when the network has neither a VPC nor a bucket.
func (c *Client) Import(ctx context.Context, base Spec) (*Spec, *Network, error) {
	if !lakesail.LakeSailID.MatchString(base.ConnectionID) || !lakesail.LakeSailID.MatchString(base.NetworkID) {
		return nil, nil, specError("NetworkID", "and ConnectionID must be 10 upper-case letters or digits")
	}
	run, err := c.networkSession(ctx, base, false)
	if err != nil {
		return nil, nil, err
	}
	spec := run.spec
	inv, err := run.observeEC2(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ownTags map[string]string
	if inv.vpc != nil {
		spec.CIDRBlock = aws.ToString(inv.vpc.CidrBlock)
		private := 0
		for name := range inv.subnets {
			if strings.HasPrefix(name, spec.NamePrefix()+"-private-") {
				private++
			}
		}
		spec.AvailabilityZoneCount = min(max(private, MinZones), MaxZones)
		spec.NATGateways = NATSingle
		if len(inv.nats) > 1 {
			spec.NATGateways = NATPerAZ
		}
		ownTags = ec2TagMap(inv.vpc.Tags)
	} else if err := run.findBrought(ctx, &spec); err != nil {
		return nil, nil, err
	}
	if keyID, err := run.aliasTarget(ctx); err != nil {
		return nil, nil, err
	} else if keyID == "" {
		bucket, err := run.observeBucket(ctx)
		if err != nil {
			return nil, nil, err
		}
		if !bucket.exists && inv.vpc == nil {
			return nil, nil, lakesail.NewNotFound("ec2:DescribeVpcs", "NotFound", "network "+spec.NetworkID+" not found")
		}
		spec.KMSKeyARN = bucket.sseKeyARN
		if ownTags == nil {
			ownTags = bucket.tags
		}
	}
	spec.Tags = map[string]string{}
	for k, v := range ownTags {
		if _, managed := run.objectTags("", nil)[k]; !managed && ownedTagKey(k) {
			spec.Tags[k] = v
		}
	}
	run.spec = spec
	if err := spec.Validate(); err != nil {
		return nil, nil, fmt.Errorf("the network found does not make a valid spec: %w", err)
	}
	n, err := run.read(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	out := spec
	out.Tags = maps.Clone(spec.Tags)
	return &out, n, nil
}

// findBrought finds a brought VPC and its subnets by the network's marker tag.
func (r *networkRun) findBrought(ctx context.Context, spec *Spec) error {
	marked := []ec2types.Filter{{Name: aws.String("tag:" + connpolicy.TagNetwork), Values: []string{spec.NetworkID}}}
	vpcs, err := r.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: marked})
	if err != nil {
		return lakesail.Classify("ec2:DescribeVpcs", err)
	}
	if len(vpcs.Vpcs) != 1 {
		return lakesail.NewNotFound("ec2:DescribeVpcs", "NotFound", fmt.Sprintf("%d VPCs carry %s=%s", len(vpcs.Vpcs), connpolicy.TagNetwork, spec.NetworkID))
	}
	spec.VPCID = aws.ToString(vpcs.Vpcs[0].VpcId)
	subnets, err := r.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: append(marked,
		ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{spec.VPCID}})})
	if err != nil {
		return lakesail.Classify("ec2:DescribeSubnets", err)
	}
	found := subnets.Subnets
	slices.SortFunc(found, func(a, b ec2types.Subnet) int {
		return strings.Compare(aws.ToString(a.AvailabilityZone), aws.ToString(b.AvailabilityZone))
	})
	for _, s := range found {
		if _, public := ec2TagMap(s.Tags)[tagELBRole]; public {
			spec.PublicSubnetIDs = append(spec.PublicSubnetIDs, aws.ToString(s.SubnetId))
		} else {
			spec.PrivateSubnetIDs = append(spec.PrivateSubnetIDs, aws.ToString(s.SubnetId))
		}
	}
	return nil
}
