package network

import (
	"context"
	"errors"
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

// A brought VPC and its subnets stay the customer's: the network only adds marker tags (never
// the LakeSail-Connection tag, which would hand the role the customer's network), keeps any tag
// the customer already had, and removes on destroy exactly the keys it added.
//
// The role may add those marks (and launch nodes into a subnet) only where the account itself
// tagged LakeSail-Adoptable-By=<connection ID>, a tag the role can neither add nor remove. So
// adoption first adds that tag with the client's own credentials when they are the account's
// (see ownerAccess), and destroy removes it with them once the role has removed its marks. The
// tag is recorded among the keys the network added only when it added it: one the customer put
// there by hand stays theirs.

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
		if errors.Is(lakesail.Classify("ec2:DescribeVpcs", err), lakesail.ErrNotFound) {
			return out, nil
		}
		return nil, lakesail.WrapStep(lakesail.Classify("ec2:DescribeVpcs", err), "reading the brought VPC %s", r.spec.VPCID)
	}
	if len(vpcs.Vpcs) == 1 {
		out.vpc = &vpcs.Vpcs[0]
	}
	ids := append(slices.Clone(r.spec.PrivateSubnetIDs), r.spec.PublicSubnetIDs...)
	subnets, err := r.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{
		{Name: aws.String("subnet-id"), Values: ids},
	}})
	if err != nil {
		return nil, lakesail.WrapStep(lakesail.Classify("ec2:DescribeSubnets", err), "reading the brought subnets")
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

// broughtIDs are the brought VPC and its subnets, the VPC first.
func (r *networkRun) broughtIDs() []string {
	return append([]string{r.spec.VPCID}, append(slices.Clone(r.spec.PrivateSubnetIDs), r.spec.PublicSubnetIDs...)...)
}

// tagsOf is the tags a brought VPC or subnet had when observed.
func (b *broughtNetwork) tagsOf(vpcID, id string) map[string]string {
	if id == vpcID {
		if b.vpc == nil {
			return map[string]string{}
		}
		return ec2TagMap(b.vpc.Tags)
	}
	return ec2TagMap(b.subnets[id].Tags)
}

// adopt adds the missing marker tags to the brought VPC and subnets and records which keys it
// added. A LakeSail-Network tag naming another network means the VPC is taken. Where the account
// has not marked them LakeSail-Adoptable-By=<ID>, that tag is added first, with the account's
// own credentials.
func (b *networkBuild) adopt(ctx context.Context, brought *broughtNetwork) error {
	r := b.r
	ids := r.broughtIDs()
	var zones []string
	for _, id := range r.spec.PrivateSubnetIDs {
		zones = append(zones, aws.ToString(brought.subnets[id].AvailabilityZone))
	}
	b.note(func(n *Network) {
		n.VPCID, n.AvailabilityZones = r.spec.VPCID, zones
		n.PrivateSubnetIDs, n.PublicSubnetIDs = slices.Clone(r.spec.PrivateSubnetIDs), slices.Clone(r.spec.PublicSubnetIDs)
	})
	for _, id := range ids {
		have := brought.tagsOf(r.spec.VPCID, id)
		if other := have[connpolicy.TagNetwork]; other != "" && other != r.spec.NetworkID {
			return &lakesail.ConflictError{What: fmt.Sprintf("%s is already used by LakeSail network %s; it", id, other),
				Err: fmt.Errorf("%s tag is %q", connpolicy.TagNetwork, other)}
		}
	}
	if err := b.markAdoptable(ctx, brought, ids); err != nil {
		return err
	}
	for _, id := range ids {
		have := brought.tagsOf(r.spec.VPCID, id)
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
				return lakesail.WrapStep(lakesail.Classify("ec2:CreateTags", err), "marking %s as used by network %s", id, r.spec.NetworkID)
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

// markAdoptable tags LakeSail-Adoptable-By=<ID> on those of ids that lack it, with the account's
// own credentials, and records that the network added it. Without them it refuses, naming the
// tag, the ids and the fix; a value naming another connection is never overwritten.
func (b *networkBuild) markAdoptable(ctx context.Context, brought *broughtNetwork, ids []string) error {
	r := b.r
	var missing []string
	for _, id := range ids {
		switch v, ok := brought.tagsOf(r.spec.VPCID, id)[connpolicy.TagAdoptableBy]; {
		case !ok:
			missing = append(missing, id)
		case v != r.spec.ConnectionID:
			return &AdoptableTagError{ConnectionID: r.spec.ConnectionID, IDs: []string{id}, OtherConnection: v}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	api, ok, err := r.owner.EC2(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return &AdoptableTagError{ConnectionID: r.spec.ConnectionID, IDs: missing, Adding: true, Reason: r.owner.Unavailable(ctx)}
	}
	_, err = api.CreateTags(ctx, &ec2.CreateTagsInput{Resources: missing,
		Tags: []ec2types.Tag{{Key: aws.String(connpolicy.TagAdoptableBy), Value: aws.String(r.spec.ConnectionID)}}})
	if err != nil {
		return lakesail.WrapStep(lakesail.Classify("ec2:CreateTags", err), "marking %s %s=%s with the account's own credentials",
			strings.Join(missing, ", "), connpolicy.TagAdoptableBy, r.spec.ConnectionID)
	}
	b.note(func(n *Network) {
		if n.AdoptedTagKeys == nil {
			n.AdoptedTagKeys = map[string][]string{}
		}
		for _, id := range missing {
			keys := append(slices.Clone(n.AdoptedTagKeys[id]), connpolicy.TagAdoptableBy)
			slices.Sort(keys)
			n.AdoptedTagKeys[id] = slices.Compact(keys)
		}
	})
	return nil
}

// AdoptableTagError says brought VPCs or subnets need the LakeSail-Adoptable-By=<connection ID>
// tag added (Adding) or removed, which only the account itself may do, and the client's
// credentials are not the account's (Reason says why); or that one is tagged adoptable by
// OtherConnection, which the network never overwrites.
type AdoptableTagError struct {
	ConnectionID    string
	IDs             []string
	Adding          bool
	Reason          string
	OtherConnection string
}

func (e *AdoptableTagError) Error() string {
	ids := strings.Join(e.IDs, " ")
	tag := connpolicy.TagAdoptableBy + "=" + e.ConnectionID
	switch {
	case e.OtherConnection != "":
		return fmt.Sprintf("%s cannot be adopted by connection %s: the account tagged it %s=%s, adoptable by another connection; "+
			"if that is wrong, change the tag with the account's own credentials", ids, e.ConnectionID, connpolicy.TagAdoptableBy, e.OtherConnection)
	case e.Adding:
		return fmt.Sprintf("the connection role may use a bring-your-own VPC or subnet only when the account itself tagged it %s, "+
			"and %s lack that tag (%s): tag them with the account's own credentials "+
			"(`aws ec2 create-tags --resources %s --tags Key=%s,Value=%s`), or apply with the account's own credentials, which tags them",
			tag, strings.Join(e.IDs, ", "), e.Reason, ids, connpolicy.TagAdoptableBy, e.ConnectionID)
	default:
		return fmt.Sprintf("the network's marks were removed from %s, but the %s tag it added with the account's own credentials can only be "+
			"removed with them (%s): destroy again with the account's own credentials, or remove it "+
			"(`aws ec2 delete-tags --resources %s --tags Key=%s,Value=%s`) and destroy again",
			strings.Join(e.IDs, ", "), tag, e.Reason, ids, connpolicy.TagAdoptableBy, e.ConnectionID)
	}
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
	for _, id := range r.broughtIDs() {
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
		if have[connpolicy.TagAdoptableBy] != r.spec.ConnectionID {
			out = append(out, id+": the "+connpolicy.TagAdoptableBy+" tag that lets the connection use it is missing")
		}
	}
	return out
}

// release removes the marker tags the network added, value by value (a key the customer has
// since set to something else stays), then, with the account's own credentials, the
// LakeSail-Adoptable-By tag where the network added it.
func (r *networkRun) release(ctx context.Context, brought *broughtNetwork, adopted map[string][]string) error {
	var adoptable []string
	for _, id := range r.broughtIDs() {
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
		if slices.Contains(keys, connpolicy.TagAdoptableBy) && brought.tagsOf(r.spec.VPCID, id)[connpolicy.TagAdoptableBy] == r.spec.ConnectionID {
			adoptable = append(adoptable, id)
		}
		// Only marks still there with the network's value: the role may touch nothing else (and
		// nothing at all where the account never made the object adoptable).
		want, have := r.markerTags(id), brought.tagsOf(r.spec.VPCID, id)
		var tags []ec2types.Tag
		for _, k := range keys {
			if v, ok := want[k]; ok && have[k] == v {
				tags = append(tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
			}
		}
		if len(tags) == 0 {
			continue
		}
		_, err := r.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: tags})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteTags", err)); err != nil {
			return lakesail.WrapStep(err, "removing the network's tags from %s", id)
		}
	}
	if len(adoptable) == 0 {
		return nil
	}
	api, ok, err := r.owner.EC2(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return &AdoptableTagError{ConnectionID: r.spec.ConnectionID, IDs: adoptable, Reason: r.owner.Unavailable(ctx)}
	}
	// Value-conditional: a value the customer has since changed stays.
	_, err = api.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: adoptable,
		Tags: []ec2types.Tag{{Key: aws.String(connpolicy.TagAdoptableBy), Value: aws.String(r.spec.ConnectionID)}}})
	if err := lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteTags", err)); err != nil {
		return lakesail.WrapStep(err, "removing %s=%s from %s with the account's own credentials", connpolicy.TagAdoptableBy, r.spec.ConnectionID, strings.Join(adoptable, ", "))
	}
	return nil
}
