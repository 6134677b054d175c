package workspace

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// deleteKarpenter removes everything of Karpenter, whether or not the spec has it on (an update
// that turns it off, a workspace's delete, a delete after a failed create), in an order that
// leaves the controller nothing to act with first:
//
//  1. the controller's role: once its policies are gone, the controller's credentials launch
//     nothing more (its Pod Identity association, if any, goes with the others: before this on
//     an update, with the cluster's on a delete);
//  2. the instances it launched for the workspace, waiting until they are terminated, then its
//     launch templates;
//  3. the node role's access entry (EKS deletes it with the cluster, so only while
//     clusterExists), the instance profile, the node role (IAM refuses to delete a role still in
//     a profile: DeleteConflict);
//  4. the settings parameter, and last the discovery tag on the security group: a read with
//     Karpenter off looks for that tag to find anything left (the subnets keep theirs, which
//     the session load balancer uses).
//
// Each step treats "already gone" as done, so the teardown can run again after a failure.
func (c *Client) deleteKarpenter(ctx context.Context, s Spec, clusterExists bool) error {
	c.Log(ctx, "deleting Karpenter's AWS objects", map[string]any{"workspace": s.ID()})
	api := c.IAM()
	if err := lakesail.DeleteRole(ctx, api, s.WorkloadRoleName(PurposeKarpenter)); err != nil {
		return err
	}
	if err := c.terminateKarpenterNodes(ctx, s); err != nil {
		return err
	}
	if err := c.deleteKarpenterTemplates(ctx, s); err != nil {
		return err
	}
	if clusterExists {
		if err := c.deleteKarpenterAccessEntry(ctx, s); err != nil {
			return err
		}
	}
	if err := c.deleteInstanceProfile(ctx, s); err != nil {
		return err
	}
	if err := lakesail.DeleteRole(ctx, api, s.KarpenterNodeRoleName()); err != nil {
		return err
	}
	_, err := c.SSM().DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(s.KarpenterParameterName())})
	if err := lakesail.IgnoreNotFound(lakesail.Classify("ssm:DeleteParameter", err)); err != nil {
		return err
	}
	return c.untagKarpenterGroup(ctx, s)
}

// karpenterFilters select what Karpenter made for the workspace: tagged with the connection and
// the workspace (the node class's tags) and with a node pool (Karpenter's own). The connection's
// tag also keeps the selection to what the connection role may delete.
func (s Spec) karpenterFilters() []ec2types.Filter {
	return []ec2types.Filter{
		{Name: aws.String("tag:" + connpolicy.TagConnection), Values: []string{s.ConnectionID}},
		{Name: aws.String("tag:" + TagWorkspace), Values: []string{s.WorkspaceID}},
		{Name: aws.String("tag:kubernetes.io/cluster/" + s.ClusterName()), Values: []string{karpenterOwned}},
		{Name: aws.String("tag-key"), Values: []string{karpenterNodePoolTag}},
	}
}

// liveInstanceStates are the states of an instance that is not (yet) terminated.
var liveInstanceStates = []string{"pending", "running", "stopping", "stopped", "shutting-down"}

// findKarpenterNodes lists the ids of the instances Karpenter launched for the workspace that are
// not terminated (ids narrows the search to those).
func (c *Client) findKarpenterNodes(ctx context.Context, s Spec, ids []string) ([]string, error) {
	in := &ec2.DescribeInstancesInput{InstanceIds: ids, Filters: append(s.karpenterFilters(),
		ec2types.Filter{Name: aws.String("instance-state-name"), Values: liveInstanceStates})}
	var out []string
	pages := ec2.NewDescribeInstancesPaginator(c.EC2(), in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, lakesail.Classify("ec2:DescribeInstances", err)
		}
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				out = append(out, aws.ToString(i.InstanceId))
			}
		}
	}
	return out, nil
}

// terminateInstancesPerCall bounds the ids of one ec2:TerminateInstances call.
const terminateInstancesPerCall = 500

// terminateKarpenterNodes terminates the instances Karpenter launched for the workspace and waits
// until they are: their interfaces would otherwise hold on to the network's security group and
// subnets.
func (c *Client) terminateKarpenterNodes(ctx context.Context, s Spec) error {
	ids, err := c.findKarpenterNodes(ctx, s, nil)
	if err != nil || len(ids) == 0 {
		return err
	}
	c.Log(ctx, "terminating the nodes Karpenter launched", map[string]any{"instances": ids})
	for batch := range slices.Chunk(ids, terminateInstancesPerCall) {
		_, err := c.EC2().TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: batch})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("ec2:TerminateInstances", err)); err != nil {
			return err
		}
	}
	const terminating, terminated = "shutting-down", "terminated"
	return lakesail.WaitUntil(ctx, c.WaitOptions().Named("termination of Karpenter's nodes"), []string{terminating}, []string{terminated},
		func() (string, error) {
			left, err := c.findKarpenterNodes(ctx, s, ids)
			if errors.Is(err, lakesail.ErrNotFound) {
				// EC2 forgets terminated instances after a while: an id it no longer knows is gone.
				left, err = c.findKarpenterNodes(ctx, s, nil)
			}
			if err != nil {
				return "", err
			}
			if len(left) > 0 {
				return terminating, nil
			}
			return terminated, nil
		})
}

// findKarpenterTemplates lists the ids of the launch templates Karpenter made for the workspace.
func (c *Client) findKarpenterTemplates(ctx context.Context, s Spec) ([]string, error) {
	var out []string
	pages := ec2.NewDescribeLaunchTemplatesPaginator(c.EC2(), &ec2.DescribeLaunchTemplatesInput{Filters: s.karpenterFilters()})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, lakesail.Classify("ec2:DescribeLaunchTemplates", err)
		}
		for _, lt := range page.LaunchTemplates {
			out = append(out, aws.ToString(lt.LaunchTemplateId))
		}
	}
	return out, nil
}

// deleteKarpenterTemplates deletes the launch templates Karpenter made for the workspace (after
// its instances: nothing launches from them any more).
func (c *Client) deleteKarpenterTemplates(ctx context.Context, s Spec) error {
	ids, err := c.findKarpenterTemplates(ctx, s)
	if err != nil {
		return err
	}
	for _, id := range ids {
		_, err := c.EC2().DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteLaunchTemplate", err)); err != nil {
			return err
		}
	}
	return nil
}

// deleteInstanceProfile empties and deletes the profile of Karpenter's nodes, if it is the
// workspace's.
func (c *Client) deleteInstanceProfile(ctx context.Context, s Spec) error {
	api := c.IAM()
	profile, err := c.findInstanceProfile(ctx, s)
	if errors.Is(err, lakesail.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if lakesail.TagMap(profile.Tags)[TagWorkspace] != s.WorkspaceID {
		c.Log(ctx, "leaving an instance profile that is not the workspace's", map[string]any{"profile": s.KarpenterInstanceProfileName()})
		return nil
	}
	name := aws.String(s.KarpenterInstanceProfileName())
	for _, role := range profileRoles(profile) {
		_, err := api.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: name, RoleName: aws.String(role)})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:RemoveRoleFromInstanceProfile", err)); err != nil {
			return err
		}
	}
	_, err = api.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: name})
	return lakesail.IgnoreNotFound(lakesail.Classify("iam:DeleteInstanceProfile", err))
}

// untagKarpenterGroup removes the discovery tag from the network's security group (whatever its
// value); a group already gone is done.
func (c *Client) untagKarpenterGroup(ctx context.Context, s Spec) error {
	if s.Network.SecurityGroupID == "" {
		return nil
	}
	_, err := c.EC2().DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{s.Network.SecurityGroupID},
		Tags: []ec2types.Tag{{Key: aws.String(s.KarpenterDiscoveryTag())}}})
	return lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteTags", err))
}

// karpenterRemnants names what is left of Karpenter (its roles are Remnants' own): the instance
// profile, the settings parameter, the discovery tag on the security group, and the instances
// and launch templates the controller made.
func (c *Client) karpenterRemnants(ctx context.Context, s Spec) ([]string, error) {
	var out []string
	if _, err := c.findInstanceProfile(ctx, s); err == nil {
		out = append(out, "IAM instance profile "+s.KarpenterInstanceProfileName())
	} else if !errors.Is(err, lakesail.ErrNotFound) {
		return nil, err
	}
	_, err := c.SSM().GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.KarpenterParameterName())})
	if err := lakesail.Classify("ssm:GetParameter", err); err == nil {
		out = append(out, "SSM parameter "+s.KarpenterParameterName())
	} else if !errors.Is(err, lakesail.ErrNotFound) {
		return nil, err
	}
	tagged, err := c.groupHasDiscoveryTag(ctx, s, s.Network.SecurityGroupID)
	if err != nil {
		return nil, err
	}
	if tagged {
		out = append(out, "Karpenter's discovery tag "+s.KarpenterDiscoveryTag()+" on security group "+s.Network.SecurityGroupID)
	}
	nodes, err := c.findKarpenterNodes(ctx, s, nil)
	if err != nil {
		return nil, err
	}
	for _, id := range nodes {
		out = append(out, "EC2 instance "+id+" (launched by Karpenter)")
	}
	templates, err := c.findKarpenterTemplates(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, id := range templates {
		out = append(out, "launch template "+id+" (made by Karpenter)")
	}
	return out, nil
}
