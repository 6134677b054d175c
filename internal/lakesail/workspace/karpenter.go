package workspace

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Karpenter's AWS side (Spec.Karpenter): what the workspace makes so that LakeSail's installer
// can run Karpenter in the cluster, and nothing the controller could use beyond its workspace.
//
//   - the controller's workload role (PurposeKarpenter: IRSA or Pod Identity like the others,
//     karpenterControllerPolicy, WorkloadBoundary), made with the other workload roles;
//   - the node role (karpenterNodeRole) with its instance profile, made with the base roles: the
//     node class names the profile, so the controller never creates or changes profiles;
//   - an EC2_LINUX access entry for the node role, so its nodes join the cluster (API
//     authentication, "Create access entries" in the EKS User Guide);
//   - the discovery tag (KarpenterDiscoveryTag, "shared") on the private subnets and on the
//     network's security group, which the node class selects them by and the controller's
//     policy requires of a launch (tagSubnets);
//   - the settings parameter (KarpenterParameterName) the installer reads.
//
// Turning Karpenter off, or deleting the workspace, removes all of it and every node and launch
// template the controller made (karpenter_teardown.go).

// ensureInstanceProfile creates the instance profile of Karpenter's nodes with the workspace's
// tags and puts the node role in it, or repairs the one an earlier attempt (or an administrator)
// left: another role in it is replaced by the node role, and its tags are set.
func (c *Client) ensureInstanceProfile(ctx context.Context, s Spec) error {
	_, err := c.IAM().CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{
		InstanceProfileName: aws.String(s.KarpenterInstanceProfileName()),
		Tags:                lakesail.IAMTags(s.WorkspaceTags()),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	switch {
	case errors.As(err, &exists):
		return c.repairInstanceProfile(ctx, s)
	case err != nil:
		return lakesail.Classify("iam:CreateInstanceProfile", err)
	}
	return c.addNodeRoleToProfile(ctx, s)
}

// addNodeRoleToProfile puts the node role in the profile. IAM may not find a role it has just
// created for a while (NoSuchEntity): retried within the propagation window.
func (c *Client) addNodeRoleToProfile(ctx context.Context, s Spec) error {
	err := c.retryWhilePropagating(ctx, "iam:AddRoleToInstanceProfile", isNoSuchEntity, func() error {
		_, err := c.IAM().AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{
			InstanceProfileName: aws.String(s.KarpenterInstanceProfileName()), RoleName: aws.String(s.KarpenterNodeRoleName())})
		return err
	})
	return lakesail.Classify("iam:AddRoleToInstanceProfile", err)
}

func isNoSuchEntity(err error) bool {
	var missing *iamtypes.NoSuchEntityException
	return errors.As(err, &missing)
}

// findInstanceProfile reads the profile of Karpenter's nodes; a missing one wraps ErrNotFound.
func (c *Client) findInstanceProfile(ctx context.Context, s Spec) (*iamtypes.InstanceProfile, error) {
	out, err := c.IAM().GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(s.KarpenterInstanceProfileName())})
	if err != nil {
		return nil, lakesail.Classify("iam:GetInstanceProfile", err)
	}
	return out.InstanceProfile, nil
}

func profileRoles(p *iamtypes.InstanceProfile) []string {
	var out []string
	for _, r := range p.Roles {
		out = append(out, aws.ToString(r.RoleName))
	}
	return out
}

// repairInstanceProfile makes the existing profile hold the node role alone, with the
// workspace's tags. A profile of that name without the workspace's tag is not adopted.
func (c *Client) repairInstanceProfile(ctx context.Context, s Spec) error {
	api := c.IAM()
	profile, err := c.findInstanceProfile(ctx, s)
	if errors.Is(err, lakesail.ErrNotFound) {
		return c.ensureInstanceProfile(ctx, s) // deleted since
	}
	if err != nil {
		return err
	}
	tags := lakesail.TagMap(profile.Tags)
	if tags[TagWorkspace] != s.WorkspaceID {
		return &lakesail.ConflictError{What: "IAM instance profile " + s.KarpenterInstanceProfileName(),
			Err: errors.New("it exists but is not tagged " + TagWorkspace + "=" + s.WorkspaceID)}
	}
	roles := profileRoles(profile)
	for _, other := range roles {
		if other == s.KarpenterNodeRoleName() {
			continue
		}
		c.Log(ctx, "removing a role from Karpenter's instance profile", map[string]any{"profile": s.KarpenterInstanceProfileName(), "role": other})
		_, err := api.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
			InstanceProfileName: aws.String(s.KarpenterInstanceProfileName()), RoleName: aws.String(other)})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:RemoveRoleFromInstanceProfile", err)); err != nil {
			return err
		}
	}
	if !slices.Contains(roles, s.KarpenterNodeRoleName()) {
		if err := c.addNodeRoleToProfile(ctx, s); err != nil {
			return err
		}
	}
	stale, changed := lakesail.TagDiff(tags, s.WorkspaceTags())
	if len(stale) > 0 {
		_, err := api.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: aws.String(s.KarpenterInstanceProfileName()), TagKeys: stale})
		if err != nil {
			return lakesail.Classify("iam:UntagInstanceProfile", err)
		}
	}
	if len(changed) > 0 {
		_, err := api.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String(s.KarpenterInstanceProfileName()),
			Tags: lakesail.IAMTags(changed)})
		if err != nil {
			return lakesail.Classify("iam:TagInstanceProfile", err)
		}
	}
	return nil
}

// accessEntryTypeEC2Linux is the access entry type of Linux nodes: EKS maps it to the
// system:nodes group, with no access policy to associate.
const accessEntryTypeEC2Linux = "EC2_LINUX"

// ensureKarpenterAccessEntry gives the node role its EC2_LINUX access entry. One that exists with
// another type (EKS cannot change an entry's type) is replaced.
func (c *Client) ensureKarpenterAccessEntry(ctx context.Context, s Spec) error {
	api := c.EKS()
	principal := s.roleARN(s.KarpenterNodeRoleName())
	create := func() error {
		err := c.retryWhilePropagating(ctx, "eks:CreateAccessEntry", isPrincipalPropagationError, func() error {
			_, err := api.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String(s.ClusterName()),
				PrincipalArn: aws.String(principal), Type: aws.String(accessEntryTypeEC2Linux), Tags: s.WorkspaceTags()})
			return err
		})
		var inUse *ekstypes.ResourceInUseException
		if errors.As(err, &inUse) {
			return err
		}
		return lakesail.Classify("eks:CreateAccessEntry", err)
	}
	err := create()
	var inUse *ekstypes.ResourceInUseException
	if !errors.As(err, &inUse) {
		return err
	}
	entry, err := c.findKarpenterAccessEntry(ctx, s)
	switch {
	case errors.Is(err, lakesail.ErrNotFound):
		return create()
	case err != nil:
		return err
	case aws.ToString(entry.Type) == accessEntryTypeEC2Linux:
		return nil
	}
	c.Log(ctx, "replacing the access entry of Karpenter's nodes", map[string]any{"principal": principal, "type": aws.ToString(entry.Type)})
	if err := c.deleteKarpenterAccessEntry(ctx, s); err != nil {
		return err
	}
	return create()
}

// isPrincipalPropagationError: EKS does not find a role IAM has just created ("The specified
// principalArn could not be found").
func isPrincipalPropagationError(err error) bool {
	var invalid *ekstypes.InvalidParameterException
	return errors.As(err, &invalid) && strings.Contains(invalid.ErrorMessage(), "principalArn") &&
		(strings.Contains(invalid.ErrorMessage(), "could not be found") || strings.Contains(invalid.ErrorMessage(), "does not exist"))
}

// findKarpenterAccessEntry reads the node role's access entry; a missing one wraps ErrNotFound.
func (c *Client) findKarpenterAccessEntry(ctx context.Context, s Spec) (*ekstypes.AccessEntry, error) {
	out, err := c.EKS().DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(s.ClusterName()),
		PrincipalArn: aws.String(s.roleARN(s.KarpenterNodeRoleName()))})
	if err != nil {
		return nil, lakesail.Classify("eks:DescribeAccessEntry", err)
	}
	return out.AccessEntry, nil
}

func (c *Client) deleteKarpenterAccessEntry(ctx context.Context, s Spec) error {
	_, err := c.EKS().DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(s.ClusterName()),
		PrincipalArn: aws.String(s.roleARN(s.KarpenterNodeRoleName()))})
	return lakesail.IgnoreNotFound(lakesail.Classify("eks:DeleteAccessEntry", err))
}

// putKarpenterParameter stores the settings (karpenterSettings) like the workspace's other
// parameters: a SecureString encrypted with the network's key, replacing what is there.
// Intelligent-Tiering keeps it a standard parameter unless the tags make it longer than 4 KB.
func (c *Client) putKarpenterParameter(ctx context.Context, s Spec, endpoint string) error {
	api := c.SSM()
	name, value := s.KarpenterParameterName(), s.karpenterSettings(c.Region(), endpoint)
	_, err := api.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString,
		KeyId: aws.String(s.Network.KMSKeyARN), Tier: ssmtypes.ParameterTierIntelligentTiering,
		Description: aws.String("LakeSail workspace " + s.WorkspaceID + ": Karpenter settings"),
		Tags:        ssmTags(s.WorkspaceTags()),
	})
	var exists *ssmtypes.ParameterAlreadyExists
	if errors.As(err, &exists) {
		// SSM takes no tags with Overwrite: overwrite, then tag.
		_, err = api.PutParameter(ctx, &ssm.PutParameterInput{
			Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString,
			KeyId: aws.String(s.Network.KMSKeyARN), Tier: ssmtypes.ParameterTierIntelligentTiering, Overwrite: aws.Bool(true),
		})
		if err != nil {
			return lakesail.Classify("ssm:PutParameter", err)
		}
		return c.tagParameter(ctx, s, name)
	}
	return lakesail.Classify("ssm:PutParameter", err)
}

// ensureKarpenterInCluster makes what needs the cluster: the node role's access entry and the
// settings parameter (which names the cluster's endpoint).
func (c *Client) ensureKarpenterInCluster(ctx context.Context, s Spec, endpoint string) error {
	if err := c.ensureKarpenterAccessEntry(ctx, s); err != nil {
		return err
	}
	return c.putKarpenterParameter(ctx, s, endpoint)
}

// updateKarpenter brings Karpenter's AWS side in line with the spec after the workload roles
// (the controller's role among them) are: with Karpenter on, what the read found missing or
// drifted is made again (the discovery tag is tagSubnets'); with it off, anything left of it is
// deleted (turned off now, or left by an interrupted update).
func (c *Client) updateKarpenter(ctx context.Context, prior, s Spec, current *Workspace) error {
	if !s.Karpenter.Enabled {
		if !prior.Karpenter.Enabled && current.Karpenter == nil {
			return nil
		}
		// The controller's Pod Identity association, whatever the spec's mechanism: one left by an
		// interrupted switch is found too.
		if err := c.deleteAssociations(ctx, s, PurposeKarpenter); err != nil {
			return err
		}
		return c.deleteKarpenter(ctx, s, true)
	}
	state := current.Karpenter
	if state == nil {
		state = &KarpenterState{}
	}
	if err := c.ensureRoleState(ctx, s, s.karpenterNodeRole(), current); err != nil {
		return err
	}
	if state.InstanceProfileName == "" {
		if err := c.ensureInstanceProfile(ctx, s); err != nil {
			return err
		}
	}
	if !state.AccessEntry {
		if err := c.ensureKarpenterAccessEntry(ctx, s); err != nil {
			return err
		}
	}
	if state.ParameterName == "" {
		return c.putKarpenterParameter(ctx, s, current.Endpoint)
	}
	return nil
}
