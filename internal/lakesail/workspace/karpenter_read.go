package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// readKarpenter records Karpenter's objects in w.Karpenter, with drift. With Karpenter on, its
// reads run at once: the node role (as the other roles are read), the instance profile, the
// access entry, the discovery tag on the security group and on the subnets, and the settings
// parameter; the controller's role is read with the other workload roles. With Karpenter off,
// one call asks whether the security group still carries the discovery tag, which Karpenter's
// teardown removes last: when it does, something of Karpenter is left, and apply removes it.
func (c *Client) readKarpenter(ctx context.Context, s Spec, w *Workspace, mu *sync.Mutex, drift func(string, ...any)) error {
	group := s.Network.SecurityGroupID
	if group == "" {
		group = w.Network.SecurityGroupID
	}
	subnets := s.Network.PrivateSubnetIDs
	if len(subnets) == 0 {
		subnets = w.Network.PrivateSubnetIDs
	}
	if !s.Karpenter.Enabled {
		return c.readKarpenterLeftovers(ctx, s, w, group, mu, drift)
	}
	st := &KarpenterState{}
	var reads errgroup.Group
	reads.Go(func() error {
		role, err := c.observeRole(ctx, s, s.karpenterNodeRole())
		if err != nil {
			return err
		}
		for _, p := range role.Problems {
			drift("%s", p)
		}
		if role.Exists && len(role.Problems) == 0 {
			st.NodeRoleARN = role.ARN
		}
		return nil
	})
	settings := s
	if w.ImportedKarpenter != nil {
		settings.Tags = w.Tags // an import knows the tags from the cluster only
	}
	reads.Go(func() error { return c.readInstanceProfile(ctx, settings, st, drift) })
	reads.Go(func() error {
		entry, err := c.findKarpenterAccessEntry(ctx, s)
		switch {
		case errors.Is(err, lakesail.ErrNotFound):
			drift("the %s access entry of role %s (Karpenter's nodes) was deleted", accessEntryTypeEC2Linux, s.KarpenterNodeRoleName())
		case err != nil:
			return err
		case aws.ToString(entry.Type) != accessEntryTypeEC2Linux:
			drift("the access entry of role %s (Karpenter's nodes) is of type %s, not %s", s.KarpenterNodeRoleName(),
				aws.ToString(entry.Type), accessEntryTypeEC2Linux)
		default:
			st.AccessEntry = true
		}
		return nil
	})
	var groupTagged, subnetsTagged bool
	reads.Go(func() (err error) {
		groupTagged, err = c.groupHasDiscoveryTag(ctx, s, group)
		if err == nil && !groupTagged {
			drift("security group %s lost Karpenter's discovery tag %s=%s", group, s.KarpenterDiscoveryTag(), discoveryShared)
		}
		return err
	})
	reads.Go(func() (err error) {
		subnetsTagged, err = c.subnetsHaveDiscoveryTag(ctx, s, subnets, drift)
		return err
	})
	reads.Go(func() error { return c.readKarpenterParameter(ctx, settings, w.Endpoint, st, drift) })
	if err := reads.Wait(); err != nil {
		return err
	}
	st.Discovery = groupTagged && subnetsTagged
	mu.Lock()
	w.Karpenter = st
	mu.Unlock()
	return nil
}

// readKarpenterLeftovers looks, with Karpenter off, for what is left of it: the discovery tag on
// the security group, which Karpenter's teardown removes last, and the autoscaling role, which a
// workspace made before bundle 7 has for the cluster autoscaler (now Karpenter's controller role,
// so with Karpenter off it must go). Either sets w.Karpenter, and apply removes what is left.
func (c *Client) readKarpenterLeftovers(ctx context.Context, s Spec, w *Workspace, group string, mu *sync.Mutex, drift func(string, ...any)) error {
	var tagged, roleLeft bool
	var reads errgroup.Group
	reads.Go(func() (err error) {
		tagged, err = c.groupHasDiscoveryTag(ctx, s, group)
		return err
	})
	reads.Go(func() error {
		_, err := lakesail.FindRole(ctx, c.IAM(), s.WorkloadRoleName(PurposeKarpenter))
		if errors.Is(err, lakesail.ErrNotFound) {
			return nil
		}
		roleLeft = err == nil
		return err
	})
	if err := reads.Wait(); err != nil || (!tagged && !roleLeft) {
		return err
	}
	if tagged {
		drift("Karpenter is off, but security group %s still carries its discovery tag %s (apply removes what is left of Karpenter)",
			group, s.KarpenterDiscoveryTag())
	}
	if roleLeft {
		drift("Karpenter is off, but role %s (the node autoscaler's: Karpenter's controller, or the cluster autoscaler's before "+
			"bundle 7) exists (apply deletes it)", s.WorkloadRoleName(PurposeKarpenter))
	}
	mu.Lock()
	w.Karpenter = &KarpenterState{Discovery: tagged, Leftover: true}
	mu.Unlock()
	return nil
}

// readInstanceProfile records the profile when it holds the node role alone and carries the
// workspace's tags (so an update repairs the profile only when this found it drifted).
func (c *Client) readInstanceProfile(ctx context.Context, s Spec, st *KarpenterState, drift func(string, ...any)) error {
	name := s.KarpenterInstanceProfileName()
	profile, err := c.findInstanceProfile(ctx, s)
	if errors.Is(err, lakesail.ErrNotFound) {
		drift("instance profile %s (Karpenter's nodes) was deleted", name)
		return nil
	}
	if err != nil {
		return err
	}
	problems := tagDrift("instance profile "+name, lakesail.TagMap(profile.Tags), s.WorkspaceTags())
	for _, p := range problems {
		drift("%s", p)
	}
	ok := len(problems) == 0
	if roles := profileRoles(profile); !slices.Equal(roles, []string{s.KarpenterNodeRoleName()}) {
		drift("instance profile %s holds roles %v, not only %s", name, roles, s.KarpenterNodeRoleName())
		ok = false
	}
	if ok {
		st.InstanceProfileName, st.InstanceProfileARN = name, aws.ToString(profile.Arn)
	}
	return nil
}

// groupHasDiscoveryTag tells whether the security group carries the discovery tag ("shared"); a
// group that is gone (or none given) does not.
func (c *Client) groupHasDiscoveryTag(ctx context.Context, s Spec, groupID string) (bool, error) {
	if groupID == "" {
		return false, nil
	}
	out, err := c.EC2().DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{groupID}})
	if err := lakesail.Classify("ec2:DescribeSecurityGroups", err); err != nil {
		return false, lakesail.IgnoreNotFound(err)
	}
	for _, g := range out.SecurityGroups {
		if ec2TagMap(g.Tags)[s.KarpenterDiscoveryTag()] == discoveryShared {
			return true, nil
		}
	}
	return false, nil
}

// subnetsHaveDiscoveryTag tells whether every private subnet carries the discovery tag, and
// names each that does not.
func (c *Client) subnetsHaveDiscoveryTag(ctx context.Context, s Spec, subnets []string, drift func(string, ...any)) (bool, error) {
	if len(subnets) == 0 {
		return false, nil
	}
	out, err := c.EC2().DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: subnets})
	if err := lakesail.Classify("ec2:DescribeSubnets", err); err != nil {
		if errors.Is(err, lakesail.ErrNotFound) {
			drift("a private subnet of the workspace is gone (%v): Karpenter cannot launch into it", subnets)
		}
		return false, lakesail.IgnoreNotFound(err)
	}
	all := len(out.Subnets) == len(subnets)
	for _, subnet := range out.Subnets {
		if ec2TagMap(subnet.Tags)[s.KarpenterDiscoveryTag()] != discoveryShared {
			drift("subnet %s lost Karpenter's discovery tag %s=%s", aws.ToString(subnet.SubnetId), s.KarpenterDiscoveryTag(), discoveryShared)
			all = false
		}
	}
	return all, nil
}

// readKarpenterParameter records the settings parameter when it holds exactly the spec's
// settings for the cluster's endpoint (the document is deterministic: bytes are compared).
func (c *Client) readKarpenterParameter(ctx context.Context, s Spec, endpoint string, st *KarpenterState, drift func(string, ...any)) error {
	name := s.KarpenterParameterName()
	out, err := c.SSM().GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	err = lakesail.Classify("ssm:GetParameter", err)
	switch {
	case errors.Is(err, lakesail.ErrNotFound):
		drift("parameter %s (Karpenter's settings) was deleted", name)
	case err != nil:
		return err
	case aws.ToString(out.Parameter.Value) != s.karpenterSettings(c.Region(), endpoint):
		drift("parameter %s does not hold the spec's Karpenter settings", name)
	default:
		st.ParameterName = name
	}
	return nil
}

// importKarpenter tells an import whether the workspace runs Karpenter (the network's security
// group carries its discovery tag) and with what: the settings parameter's instance families and
// CPU limit, or the defaults when the parameter is gone or unreadable as settings.
func (c *Client) importKarpenter(ctx context.Context, s Spec, groupID string) (*KarpenterSpec, error) {
	tagged, err := c.groupHasDiscoveryTag(ctx, s, groupID)
	if err != nil || !tagged {
		return nil, err
	}
	k := &KarpenterSpec{Enabled: true, MaxVCPUs: DefaultKarpenterMaxVCPUs, InstanceFamilies: DefaultKarpenterInstanceFamilies()}
	out, err := c.SSM().GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.KarpenterParameterName()), WithDecryption: aws.Bool(true)})
	if err := lakesail.Classify("ssm:GetParameter", err); err != nil {
		return k, lakesail.IgnoreNotFound(err)
	}
	var doc struct {
		Limits struct {
			CPU string `json:"cpu"`
		} `json:"limits"`
		InstanceFamilies []string `json:"instanceFamilies"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &doc); err != nil {
		// A parameter that is not the settings document (drift the read reports): the defaults.
		return k, nil //nolint:nilerr // an unreadable parameter means the defaults, not a failed import
	}
	if cpu, err := strconv.Atoi(doc.Limits.CPU); err == nil && cpu > 0 {
		k.MaxVCPUs = cpu
	}
	if len(doc.InstanceFamilies) > 0 {
		k.InstanceFamilies = doc.InstanceFamilies
	}
	return k, nil
}
