package lakesail

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// A brought VPC and its subnets stay the customer's: the network only adds marker tags (never
// the LakeSail-Connection tag, which would hand the role the customer's network), keeps any tag
// the customer already had, and removes on destroy exactly the keys it added.

// broughtNetwork is the customer's VPC and subnets as found.
type broughtNetwork struct {
	vpc     *ec2types.Vpc
	subnets map[string]ec2types.Subnet // by id
}

// markerTags are the tags the network wants on a brought VPC or subnet.
func (r *networkRun) markerTags(id string) map[string]string {
	switch {
	case id == r.spec.VPCID:
		return map[string]string{connpolicy.TagService: connpolicy.ServiceTagValue, connpolicy.TagTenant: r.tenantID, connpolicy.TagNetwork: r.spec.NetworkID}
	case slices.Contains(r.spec.PublicSubnetIDs, id):
		return map[string]string{connpolicy.TagNetwork: r.spec.NetworkID, tagELBRole: "1"}
	}
	return map[string]string{connpolicy.TagNetwork: r.spec.NetworkID, tagInternalELBRole: "1"}
}

// observeBrought describes the brought VPC and subnets by id; nil vpc means the VPC is gone.
func (r *networkRun) observeBrought(ctx context.Context) (*broughtNetwork, error) {
	out := &broughtNetwork{subnets: map[string]ec2types.Subnet{}}
	vpcs, err := r.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{r.spec.VPCID}})
	if err != nil {
		if errors.Is(classify("ec2:DescribeVpcs", err), ErrNotFound) {
			return out, nil
		}
		return nil, step(classify("ec2:DescribeVpcs", err), "reading the brought VPC %s", r.spec.VPCID)
	}
	if len(vpcs.Vpcs) == 1 {
		out.vpc = &vpcs.Vpcs[0]
	}
	ids := append(slices.Clone(r.spec.PrivateSubnetIDs), r.spec.PublicSubnetIDs...)
	subnets, err := r.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{
		{Name: aws.String("subnet-id"), Values: ids},
	}})
	if err != nil {
		return nil, step(classify("ec2:DescribeSubnets", err), "reading the brought subnets")
	}
	for _, s := range subnets.Subnets {
		out.subnets[aws.ToString(s.SubnetId)] = s
	}
	return out, nil
}

// checkBrought makes sure the brought subnets exist, lie in the VPC, and that each kind spans
// distinct zones.
func (r *networkRun) checkBrought(b *broughtNetwork) error {
	if b.vpc == nil {
		return specError("VPCID", "names VPC %s, which does not exist in %s", r.spec.VPCID, r.region)
	}
	for field, ids := range map[string][]string{"PrivateSubnetIDs": r.spec.PrivateSubnetIDs, "PublicSubnetIDs": r.spec.PublicSubnetIDs} {
		zones := map[string]string{}
		for _, id := range ids {
			s, ok := b.subnets[id]
			switch {
			case !ok:
				return specError(field, "names subnet %s, which does not exist", id)
			case aws.ToString(s.VpcId) != r.spec.VPCID:
				return specError(field, "names subnet %s, which is in %s, not %s", id, aws.ToString(s.VpcId), r.spec.VPCID)
			}
			zone := aws.ToString(s.AvailabilityZone)
			if other, dup := zones[zone]; dup {
				return specError(field, "puts %s and %s in the same zone %s; give one subnet per zone", other, id, zone)
			}
			zones[zone] = id
		}
	}
	return nil
}

// adopt adds the missing marker tags to the brought VPC and subnets and records which keys it
// added. A LakeSail-Network tag naming another network means the VPC is taken.
func (b *networkBuild) adopt(ctx context.Context, brought *broughtNetwork) error {
	r := b.r
	ids := append([]string{r.spec.VPCID}, append(slices.Clone(r.spec.PrivateSubnetIDs), r.spec.PublicSubnetIDs...)...)
	var zones []string
	for _, id := range r.spec.PrivateSubnetIDs {
		zones = append(zones, aws.ToString(brought.subnets[id].AvailabilityZone))
	}
	b.note(func(n *Network) {
		n.VPCID, n.AvailabilityZones = r.spec.VPCID, zones
		n.PrivateSubnetIDs, n.PublicSubnetIDs = slices.Clone(r.spec.PrivateSubnetIDs), slices.Clone(r.spec.PublicSubnetIDs)
	})
	for _, id := range ids {
		have := ec2TagMap(brought.subnets[id].Tags)
		if id == r.spec.VPCID {
			have = ec2TagMap(brought.vpc.Tags)
		}
		if other := have[connpolicy.TagNetwork]; other != "" && other != r.spec.NetworkID {
			return &ConflictError{What: fmt.Sprintf("%s is already used by LakeSail network %s; it", id, other),
				Err: fmt.Errorf("%s tag is %q", connpolicy.TagNetwork, other)}
		}
		add := map[string]string{}
		for k, v := range r.markerTags(id) {
			if _, ok := have[k]; !ok {
				add[k] = v
			}
		}
		owned := ownedMarkers(have, r.markerTags(id))
		if len(add) > 0 {
			_, err := r.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: ec2Tags(add)})
			if err != nil {
				return step(classify("ec2:CreateTags", err), "marking %s as used by network %s", id, r.spec.NetworkID)
			}
		}
		b.note(func(n *Network) {
			if n.AdoptedTagKeys == nil {
				n.AdoptedTagKeys = map[string][]string{}
			}
			keys := append(append(n.AdoptedTagKeys[id], owned...), slices.Collect(maps.Keys(add))...)
			slices.Sort(keys)
			n.AdoptedTagKeys[id] = slices.Compact(keys)
		})
	}
	return nil
}

// ownedMarkers are marker tags already present that can only be the network's own: its
// LakeSail-Network tag (a record lost by an import still finds it).
func ownedMarkers(have, want map[string]string) []string {
	if v, ok := have[connpolicy.TagNetwork]; ok && v == want[connpolicy.TagNetwork] {
		return []string{connpolicy.TagNetwork}
	}
	return nil
}

// broughtDrift lists marker tags that went missing.
func (r *networkRun) broughtDrift(b *broughtNetwork) []string {
	if b.vpc == nil {
		return []string{"the brought VPC " + r.spec.VPCID + " no longer exists"}
	}
	var out []string
	ids := append([]string{r.spec.VPCID}, append(slices.Clone(r.spec.PrivateSubnetIDs), r.spec.PublicSubnetIDs...)...)
	for _, id := range ids {
		var have map[string]string
		if id == r.spec.VPCID {
			have = ec2TagMap(b.vpc.Tags)
		} else if s, ok := b.subnets[id]; ok {
			have = ec2TagMap(s.Tags)
		} else {
			out = append(out, "the brought subnet "+id+" no longer exists")
			continue
		}
		if have[connpolicy.TagNetwork] != r.spec.NetworkID {
			out = append(out, id+": the "+connpolicy.TagNetwork+" tag that marks it as used by the network is missing")
		}
	}
	return out
}

// release removes the marker tags the network added, value by value (a key the customer has
// since set to something else stays).
func (r *networkRun) release(ctx context.Context, brought *broughtNetwork, adopted map[string][]string) error {
	ids := append([]string{r.spec.VPCID}, append(slices.Clone(r.spec.PrivateSubnetIDs), r.spec.PublicSubnetIDs...)...)
	for _, id := range ids {
		keys := adopted[id]
		if keys == nil {
			keys = []string{connpolicy.TagNetwork} // the record is lost: remove what is surely ours
		}
		exists := id == r.spec.VPCID && brought.vpc != nil
		if _, ok := brought.subnets[id]; ok {
			exists = true
		}
		if !exists || len(keys) == 0 {
			continue
		}
		want := r.markerTags(id)
		var tags []ec2types.Tag
		for _, k := range keys {
			if v, ok := want[k]; ok {
				tags = append(tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
			}
		}
		if len(tags) == 0 {
			continue
		}
		_, err := r.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: tags})
		if err := ignoreNotFound(classify("ec2:DeleteTags", err)); err != nil {
			return step(err, "removing the network's tags from %s", id)
		}
	}
	return nil
}
