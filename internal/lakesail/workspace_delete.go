package lakesail

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"golang.org/x/sync/errgroup"
)

// DeleteWorkspace removes everything a workspace owns in dependency order: add-ons and the node
// group, the cluster, the OIDC provider, the roles, the parameters, the certificate, the log
// group, the Glue databases and the subnets' cluster tag. Each step treats "already gone" as done, so a delete after a
// failed create or a failed delete finishes the job. The network (and its bucket) is not touched.
func (c *Client) DeleteWorkspace(ctx context.Context, s WorkspaceSpec, rec WorkspaceRecord) error {
	logf(ctx, "deleting workspace", map[string]any{"workspace": s.ID()})
	cluster, err := c.findCluster(ctx, s.ClusterName())
	switch {
	case errors.Is(err, ErrNotFound):
		cluster = nil
	case err != nil:
		return err
	}
	oidcARN := rec.OIDCProviderARN
	if cluster != nil {
		if cluster.Identity != nil && cluster.Identity.Oidc != nil && aws.ToString(cluster.Identity.Oidc.Issuer) != "" {
			oidcARN = s.OIDCProviderARN(aws.ToString(cluster.Identity.Oidc.Issuer))
		}
		if err := c.deleteCluster(ctx, s, cluster); err != nil {
			return err
		}
	}
	if oidcARN != "" {
		if err := c.deleteOIDCProvider(ctx, oidcARN); err != nil {
			return err
		}
	}
	api := iamClient(c.cfg, c.opts)
	roles := []string{s.WorkloadRoleName(PurposeStorage), s.WorkloadRoleName(PurposeLogging), s.WorkloadRoleName(PurposeAutoscaling),
		s.NodeRoleName(), s.ClusterRoleName()}
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(iamConcurrency)
	for _, name := range roles {
		group.Go(func() error { return deleteRole(gctx, api, name) })
	}
	if err := group.Wait(); err != nil {
		return err
	}
	params := ssmClient(c.cfg, c.opts)
	for _, name := range s.ParameterNames() {
		_, err := params.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)})
		if err := ignoreNotFound(classifyWorkspace("ssm:DeleteParameter", err)); err != nil {
			return err
		}
	}
	if rec.CertificateARN != "" {
		if err := c.deleteCertificate(ctx, rec.CertificateARN); err != nil {
			return err
		}
	}
	_, err = logsClient(c.cfg, c.opts).DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(s.LogGroupName())})
	if err := ignoreNotFound(classify("logs:DeleteLogGroup", err)); err != nil {
		return err
	}
	for _, name := range s.GlueDatabaseNames() {
		if err := c.deleteGlueDatabase(ctx, name); err != nil {
			return err
		}
	}
	if len(s.Network.PrivateSubnetIDs) > 0 {
		if err := c.untagSubnets(ctx, s); err != nil {
			return err
		}
	}
	logf(ctx, "workspace deleted", map[string]any{"workspace": s.ID()})
	return nil
}

// deleteCluster removes the add-ons and the node group, waits for them, then the cluster.
func (c *Client) deleteCluster(ctx context.Context, s WorkspaceSpec, cluster *ekstypes.Cluster) error {
	api := eksClient(c.cfg, c.opts)
	if cluster.Status == ekstypes.ClusterStatusCreating || cluster.Status == ekstypes.ClusterStatusUpdating {
		// EKS refuses to delete a cluster in transition; an interrupted create or update ends first.
		if _, err := c.waitClusterActive(ctx, s.ClusterName()); err != nil {
			var stateErr *StateError
			if !errors.As(err, &stateErr) {
				return err
			}
		}
	}
	if cluster.Status != ekstypes.ClusterStatusDeleting {
		group, gctx := errgroup.WithContext(ctx)
		for _, name := range sortedMapKeys(s.Addons) {
			group.Go(func() error { return c.deleteAddon(gctx, s, name) })
		}
		group.Go(func() error { return c.deleteNodeGroup(gctx, s) })
		if err := group.Wait(); err != nil {
			return err
		}
		_, err := api.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: aws.String(s.ClusterName())})
		err = classify("eks:DeleteCluster", err)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return c.waitClusterGone(ctx, s.ClusterName())
}

func (c *Client) deleteNodeGroup(ctx context.Context, s WorkspaceSpec) error {
	ng, err := c.findNodeGroup(ctx, s)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if ng.Status == ekstypes.NodegroupStatusCreating || ng.Status == ekstypes.NodegroupStatusUpdating {
		if err := c.waitNodeGroupActive(ctx, s); err != nil {
			var stateErr *StateError
			if !errors.As(err, &stateErr) {
				return err
			}
		}
	}
	if ng.Status != ekstypes.NodegroupStatusDeleting {
		_, err := eksClient(c.cfg, c.opts).DeleteNodegroup(ctx, &eks.DeleteNodegroupInput{
			ClusterName: aws.String(s.ClusterName()), NodegroupName: aws.String(s.NodeGroupName())})
		if err := ignoreNotFound(classify("eks:DeleteNodegroup", err)); err != nil {
			return err
		}
	}
	return c.waitNodeGroupGone(ctx, s)
}

// deleteOIDCProvider deletes the provider if it is still listed: reads and deletes are
// conditioned on its connection tag, which a deleted provider does not have.
func (c *Client) deleteOIDCProvider(ctx context.Context, providerARN string) error {
	api := iamClient(c.cfg, c.opts)
	out, err := api.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return classify("iam:ListOpenIDConnectProviders", err)
	}
	for _, p := range out.OpenIDConnectProviderList {
		if aws.ToString(p.Arn) == providerARN {
			_, err := api.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
			return ignoreNotFound(classify("iam:DeleteOpenIDConnectProvider", err))
		}
	}
	return nil
}

// deleteCertificate deletes the certificate if ACM still lists it (its reads and deletes are
// conditioned on its connection tag, which a deleted certificate does not have).
func (c *Client) deleteCertificate(ctx context.Context, certificateARN string) error {
	api := acmClient(c.cfg, c.opts)
	pages := acm.NewListCertificatesPaginator(api, sessionCertificateFilter())
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return classify("acm:ListCertificates", err)
		}
		for _, summary := range page.CertificateSummaryList {
			if aws.ToString(summary.CertificateArn) == certificateARN {
				_, err := api.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String(certificateARN)})
				return ignoreNotFound(classify("acm:DeleteCertificate", err))
			}
		}
	}
	return nil
}
