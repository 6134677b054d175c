package workspace

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// EKS Pod Identity (Spec.WorkloadIdentity = WorkloadIdentityPodIdentity): each workload role
// trusts pods.eks.amazonaws.com for its one service account of the cluster (podIdentityTrust),
// and one Pod Identity association per role maps that service account to it. The
// eks-pod-identity-agent add-on (Spec.effectiveAddons) serves the credentials on the nodes.

// association is one of the workspace's Pod Identity associations as EKS has it.
type association struct {
	ID, ARN, RoleARN string
	Tags             map[string]string
}

// associationIDs finds the ids of the cluster's associations of the workload service accounts, by
// purpose, with one listing of the cluster (which names no role). Every purpose a workspace may
// have is looked for, Karpenter's too, so that one left behind is found.
func (c *Client) associationIDs(ctx context.Context, s Spec) (map[string]string, error) {
	ids := map[string]string{}
	pages := eks.NewListPodIdentityAssociationsPaginator(c.EKS(), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(s.ClusterName())})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, lakesail.Classify("eks:ListPodIdentityAssociations", err)
		}
		for _, a := range page.Associations {
			for _, purpose := range allWorkloadPurposes() {
				sa := workloadServiceAccounts[purpose]
				if aws.ToString(a.Namespace) == sa.Namespace && aws.ToString(a.ServiceAccount) == sa.Name {
					ids[purpose] = aws.ToString(a.AssociationId)
				}
			}
		}
	}
	return ids, nil
}

// listAssociations finds the cluster's associations of the workload service accounts, by purpose
// (associationIDs, then a describe of each of ours for its role and tags).
func (c *Client) listAssociations(ctx context.Context, s Spec) (map[string]*association, error) {
	api := c.EKS()
	ids, err := c.associationIDs(ctx, s)
	if err != nil {
		return nil, err
	}
	out := map[string]*association{}
	group, gctx := errgroup.WithContext(ctx)
	results := make([]*association, len(allWorkloadPurposes()))
	for i, purpose := range allWorkloadPurposes() {
		id, ok := ids[purpose]
		if !ok {
			continue
		}
		group.Go(func() error {
			got, err := api.DescribePodIdentityAssociation(gctx, &eks.DescribePodIdentityAssociationInput{
				ClusterName: aws.String(s.ClusterName()), AssociationId: aws.String(id)})
			err = lakesail.Classify("eks:DescribePodIdentityAssociation", err)
			if errors.Is(err, lakesail.ErrNotFound) {
				return nil // deleted since the listing
			}
			if err != nil {
				return err
			}
			a := got.Association
			results[i] = &association{ID: aws.ToString(a.AssociationId), ARN: aws.ToString(a.AssociationArn),
				RoleARN: aws.ToString(a.RoleArn), Tags: a.Tags}
			return nil
		})
	}
	if err := group.Wait(); err != nil {
		return nil, err
	}
	for i, purpose := range allWorkloadPurposes() {
		if results[i] != nil {
			out[purpose] = results[i]
		}
	}
	return out, nil
}

// ensureAssociations gives each workload service account its association to the purpose's role:
// found by namespace and service account first (an earlier attempt's, or one changed outside
// Terraform), created when missing, pointed back at the workspace's role when it names another,
// and tagged with the workspace's tags.
func (c *Client) ensureAssociations(ctx context.Context, s Spec) error {
	api := c.EKS()
	current, err := c.listAssociations(ctx, s)
	if err != nil {
		return err
	}
	for _, purpose := range s.WorkloadPurposes() {
		sa := workloadServiceAccounts[purpose]
		roleARN := s.roleARN(s.WorkloadRoleName(purpose))
		have := current[purpose]
		if have == nil {
			err := c.retryWhilePropagating(ctx, "eks:CreatePodIdentityAssociation", isRolePropagationError, func() error {
				_, err := api.CreatePodIdentityAssociation(ctx, &eks.CreatePodIdentityAssociationInput{
					ClusterName: aws.String(s.ClusterName()), Namespace: aws.String(sa.Namespace), ServiceAccount: aws.String(sa.Name),
					RoleArn: aws.String(roleARN), Tags: s.WorkspaceTags()})
				return err
			})
			var inUse *ekstypes.ResourceInUseException
			if errors.As(err, &inUse) {
				// Made concurrently (or by a create whose answer was lost): repaired by the next update.
				c.Log(ctx, "a Pod Identity association already exists", map[string]any{"service_account": sa.Namespace + "/" + sa.Name})
				continue
			}
			if err != nil {
				return lakesail.Classify("eks:CreatePodIdentityAssociation", err)
			}
			continue
		}
		if have.RoleARN != roleARN {
			c.Log(ctx, "pointing the Pod Identity association back at the workspace's role", map[string]any{
				"service_account": sa.Namespace + "/" + sa.Name, "role": have.RoleARN})
			err := c.retryWhilePropagating(ctx, "eks:UpdatePodIdentityAssociation", isRolePropagationError, func() error {
				_, err := api.UpdatePodIdentityAssociation(ctx, &eks.UpdatePodIdentityAssociationInput{
					ClusterName: aws.String(s.ClusterName()), AssociationId: aws.String(have.ID), RoleArn: aws.String(roleARN)})
				return err
			})
			if err != nil {
				return lakesail.Classify("eks:UpdatePodIdentityAssociation", err)
			}
		}
		if err := c.tagEKSResource(ctx, have.ARN, have.Tags, s.WorkspaceTags()); err != nil {
			return err
		}
	}
	return nil
}

// deleteAssociations removes the associations of the purposes' service accounts (before the roles
// they name are deleted); one already gone is done. The listing's ids are enough: nothing is
// described.
func (c *Client) deleteAssociations(ctx context.Context, s Spec, purposes ...string) error {
	ids, err := c.associationIDs(ctx, s)
	if errors.Is(err, lakesail.ErrNotFound) {
		return nil // the cluster is gone, and its associations with it
	}
	if err != nil {
		return err
	}
	for _, purpose := range purposes {
		id, ok := ids[purpose]
		if !ok {
			continue
		}
		_, err := c.EKS().DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{
			ClusterName: aws.String(s.ClusterName()), AssociationId: aws.String(id)})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("eks:DeletePodIdentityAssociation", err)); err != nil {
			return err
		}
	}
	return nil
}

// readPodIdentity records the Pod Identity side of a workspace: the agent add-on and each
// association, with drift when one is missing or names another role (see prunePodIdentityRoles).
func (c *Client) readPodIdentity(ctx context.Context, s Spec, w *Workspace, drift func(string, ...any)) error {
	w.podIdentityAgentRuns = !s.implicitAgent()
	if s.implicitAgent() {
		addon, err := c.findAddon(ctx, s, PodIdentityAgentAddon)
		switch {
		case errors.Is(err, lakesail.ErrNotFound):
			drift("add-on %s (EKS Pod Identity) was deleted", PodIdentityAgentAddon)
		case err != nil:
			return err
		default:
			w.podIdentityAgentRuns = true
			w.agent = &AddonState{Version: aws.ToString(addon.AddonVersion), Configuration: aws.ToString(addon.ConfigurationValues)}
			w.agentARN, w.agentTags = aws.ToString(addon.AddonArn), addon.Tags
		}
	}
	current, err := c.listAssociations(ctx, s)
	if err != nil {
		return err
	}
	w.PodIdentityAssociations = map[string]string{}
	for _, purpose := range s.WorkloadPurposes() {
		sa := WorkloadServiceAccount(purpose)
		a := current[purpose]
		switch want := s.roleARN(s.WorkloadRoleName(purpose)); {
		case a == nil:
			drift("the Pod Identity association of service account %s was deleted", sa)
		case a.RoleARN != want:
			drift("the Pod Identity association of service account %s names role %s, not %s", sa, a.RoleARN, want)
		default:
			w.PodIdentityAssociations[purpose] = a.ARN
		}
	}
	return nil
}

// prunePodIdentityRoles leaves out of WorkloadRoleARNs, with Pod Identity, each role no pod can
// become: its association is missing or names another role, or the agent add-on is gone (so that
// a caller comparing them with the spec's sees a change to apply).
func (w *Workspace) prunePodIdentityRoles(s Spec) {
	for _, purpose := range s.WorkloadPurposes() {
		if _, ok := w.PodIdentityAssociations[purpose]; !ok || !w.podIdentityAgentRuns {
			delete(w.WorkloadRoleARNs, purpose)
		}
	}
}

// hasAssociations tells whether any workload service account has an association (an imported
// workspace uses Pod Identity when it does).
func (c *Client) hasAssociations(ctx context.Context, s Spec) (bool, error) {
	ids, err := c.associationIDs(ctx, s)
	return len(ids) > 0, err
}
