package workspace

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Delete removes everything a workspace owns in dependency order: Karpenter's objects and the
// nodes and templates its controller made (deleteKarpenter, whether or not the spec has it on),
// add-ons, Pod Identity associations and the node group, the cluster, the node group's launch template, the session
// load balancer (listener, target group, load balancer, its security group), the OIDC provider, the roles, the parameters, the certificate, the log
// group, the Glue databases and the subnets' cluster tag. Each step treats "already gone" as done, so a delete after a
// failed create or a failed delete finishes the job. The network (and its bucket) is not touched.
//
// The OIDC provider and the certificate are deleted with s.AccountClient (the connection role is
// denied deleting them). Without the account's own credentials everything else is deleted and an
// *AccountActionRequiredError names the two and how to delete them: a warning, not a failure.
func (c *Client) Delete(ctx context.Context, s Spec, rec Record) error {
	c.Log(ctx, "deleting workspace", map[string]any{"workspace": s.ID()})
	owner := lakesail.NewOwnerAccess(s.AccountClient, s.AccountID)
	cluster, err := c.findCluster(ctx, s.ClusterName())
	switch {
	case errors.Is(err, lakesail.ErrNotFound):
		cluster = nil
	case err != nil:
		return err
	}
	// Karpenter first: its controller can launch nothing more once its role is gone, and its
	// nodes go before the cluster they joined.
	if err := c.deleteKarpenter(ctx, s, cluster != nil && cluster.Status != ekstypes.ClusterStatusDeleting); err != nil {
		return err
	}
	// The provider to delete is the one of the cluster's issuer (EKS chose it; the role cannot),
	// or, once the cluster is gone, the one recorded from that issuer when it existed.
	oidcARN, issuer := rec.OIDCProviderARN, ""
	if cluster != nil {
		if cluster.Identity != nil && cluster.Identity.Oidc != nil && aws.ToString(cluster.Identity.Oidc.Issuer) != "" {
			issuer = aws.ToString(cluster.Identity.Oidc.Issuer)
			oidcARN = s.OIDCProviderARN(issuer)
		}
		if err := c.deleteCluster(ctx, s, cluster); err != nil {
			return err
		}
	}
	// After the node group: EC2 would delete a template an Auto Scaling group still launches from.
	if err := c.deleteLaunchTemplate(ctx, s); err != nil {
		return err
	}
	if err := c.deleteSessionLoadBalancer(ctx, s); err != nil {
		return err
	}
	var left []lakesail.AccountAction
	if oidcARN != "" {
		action, err := c.deleteOIDCProvider(ctx, s, owner, oidcARN, issuer)
		if err != nil {
			return err
		}
		left = appendAction(left, action)
	}
	api := c.IAM()
	roles := []string{s.WorkloadRoleName(PurposeStorage), s.WorkloadRoleName(PurposeLogging), s.WorkloadRoleName(PurposeKarpenter),
		s.NodeRoleName(), s.ClusterRoleName()}
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(lakesail.IAMConcurrency)
	for _, name := range roles {
		group.Go(func() error { return lakesail.DeleteRole(gctx, api, name) })
	}
	if err := group.Wait(); err != nil {
		return err
	}
	params := c.SSM()
	for _, name := range s.ParameterNames() {
		_, err := params.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("ssm:DeleteParameter", err)); err != nil {
			return err
		}
	}
	if rec.CertificateARN != "" {
		action, err := c.deleteCertificate(ctx, s, owner, rec.CertificateARN)
		if err != nil {
			return err
		}
		left = appendAction(left, action)
	}
	_, err = c.Logs().DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(s.LogGroupName())})
	if err := lakesail.IgnoreNotFound(lakesail.Classify("logs:DeleteLogGroup", err)); err != nil {
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
	if len(left) > 0 {
		c.Log(ctx, "workspace deleted, except what the account's own credentials must delete", map[string]any{"workspace": s.ID(), "left": len(left)})
		return &lakesail.AccountActionRequiredError{Operation: "destroying workspace " + s.ID(), Reason: owner.Unavailable(ctx), Actions: left}
	}
	c.Log(ctx, "workspace deleted", map[string]any{"workspace": s.ID()})
	return nil
}

func appendAction(actions []lakesail.AccountAction, action *lakesail.AccountAction) []lakesail.AccountAction {
	if action == nil {
		return actions
	}
	return append(actions, *action)
}

// deleteCluster removes the add-ons and the node group, waits for them, then the cluster.
func (c *Client) deleteCluster(ctx context.Context, s Spec, cluster *ekstypes.Cluster) error {
	api := c.EKS()
	if cluster.Status == ekstypes.ClusterStatusCreating || cluster.Status == ekstypes.ClusterStatusUpdating {
		// EKS refuses to delete a cluster in transition; an interrupted create or update ends first.
		if _, err := c.waitClusterActive(ctx, s.ClusterName()); err != nil {
			var stateErr *lakesail.StateError
			if !errors.As(err, &stateErr) {
				return err
			}
		}
	}
	if cluster.Status != ekstypes.ClusterStatusDeleting {
		group, gctx := errgroup.WithContext(ctx)
		for _, name := range sortedMapKeys(s.effectiveAddons()) {
			group.Go(func() error { return c.deleteAddon(gctx, s, name) })
		}
		if s.PodIdentity() {
			// Before the roles they name (EKS would also delete them with the cluster).
			group.Go(func() error { return c.deleteAssociations(gctx, s, allWorkloadPurposes()...) })
		}
		group.Go(func() error { return c.deleteNodeGroup(gctx, s) })
		if err := group.Wait(); err != nil {
			return err
		}
		_, err := api.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: aws.String(s.ClusterName())})
		err = lakesail.Classify("eks:DeleteCluster", err)
		if errors.Is(err, lakesail.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return c.waitClusterGone(ctx, s.ClusterName())
}

func (c *Client) deleteNodeGroup(ctx context.Context, s Spec) error {
	ng, err := c.findNodeGroup(ctx, s)
	if errors.Is(err, lakesail.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if ng.Status == ekstypes.NodegroupStatusCreating || ng.Status == ekstypes.NodegroupStatusUpdating {
		if err := c.waitNodeGroupActive(ctx, s); err != nil {
			var stateErr *lakesail.StateError
			if !errors.As(err, &stateErr) {
				return err
			}
		}
	}
	if ng.Status != ekstypes.NodegroupStatusDeleting {
		_, err := c.EKS().DeleteNodegroup(ctx, &eks.DeleteNodegroupInput{
			ClusterName: aws.String(s.ClusterName()), NodegroupName: aws.String(s.NodeGroupName())})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("eks:DeleteNodegroup", err)); err != nil {
			return err
		}
	}
	return c.waitNodeGroupGone(ctx, s)
}

// deleteOIDCProvider deletes the cluster's OIDC provider with the account's own credentials, if
// it is still listed. Its tags prove nothing against the role (which can add the connection's
// tags to any provider), so it must be the provider of issuer, the workspace's cluster's issuer,
// when the cluster still exists; once it is gone, providerARN is the one recorded from that issuer
// (by the caller, not the role), and the provider must also still carry the workspace's tags,
// against a stale record. Without the account's credentials it is left and returned as an action.
func (c *Client) deleteOIDCProvider(ctx context.Context, s Spec, owner *lakesail.OwnerAccess, providerARN, issuer string) (*lakesail.AccountAction, error) {
	listed, err := c.oidcProviderListed(ctx, providerARN)
	if err != nil || !listed {
		return nil, err
	}
	_, wantHost, _ := strings.Cut(providerARN, ":oidc-provider/")
	if issuer != "" {
		wantHost = issuerHost(issuer)
	}
	prefix := "arn:" + s.partition() + ":iam::" + s.AccountID + ":oidc-provider/"
	if providerARN != prefix+wantHost || !eksIssuerHost.MatchString(wantHost) {
		c.Log(ctx, "not deleting an OIDC provider that is not the workspace cluster's", map[string]any{"provider": providerARN, "issuer": issuer})
		return nil, nil
	}
	// The workspace's provider: read with the account's credentials, or else as the role (which
	// reads only providers tagged with the connection) just to tell whether to name it.
	api, ok, err := owner.IAM(ctx)
	if err != nil {
		return nil, err
	}
	reader := api
	if !ok {
		reader = c.IAM()
	}
	out, err := reader.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	var awsErr *lakesail.AWSError
	switch err := lakesail.Classify("iam:GetOpenIDConnectProvider", err); {
	case errors.Is(err, lakesail.ErrNotFound):
		return nil, nil
	case !ok && issuer != "" && errors.As(err, &awsErr) && awsErr.IsAccessDenied():
		out = nil // the cluster's own issuer names it: the workspace's, whatever its tags
	case err != nil && !ok && errors.As(err, &awsErr) && awsErr.IsAccessDenied():
		// Recorded only, and no longer tagged with the connection: say so rather than stay silent.
		return &lakesail.AccountAction{Object: "IAM OIDC provider " + providerARN, Action: "delete it if it is the provider of the workspace's " +
			"deleted cluster " + s.ClusterName() + " (the connection role cannot read it to check)",
			Command: "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn " + providerARN}, nil
	case err != nil:
		return nil, err
	}
	if out != nil {
		tags := lakesail.TagMap(out.Tags)
		recordedOnly := issuer == "" && (tags[connpolicy.TagConnection] != s.ConnectionID || tags[TagWorkspace] != s.WorkspaceID)
		if issuerHost(aws.ToString(out.Url)) != wantHost || recordedOnly {
			c.Log(ctx, "not deleting an OIDC provider that is not the workspace cluster's", map[string]any{"provider": providerARN, "url": aws.ToString(out.Url)})
			return nil, nil
		}
	}
	if !ok {
		return &lakesail.AccountAction{Object: "IAM OIDC provider " + providerARN + " (of the workspace's deleted cluster)", Action: "delete it",
			Command: "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn " + providerARN}, nil
	}
	_, err = api.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	return nil, lakesail.IgnoreNotFound(lakesail.Classify("iam:DeleteOpenIDConnectProvider", err))
}

// eksIssuerHost is the host and path of an EKS cluster's OIDC issuer.
var eksIssuerHost = regexp.MustCompile(`^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/id/[0-9A-Fa-f]+$`)

// oidcProviderListed tells, as the role, whether providerARN still exists (reading one is
// conditioned on its connection tag, which a deleted provider does not have).
func (c *Client) oidcProviderListed(ctx context.Context, providerARN string) (bool, error) {
	out, err := c.IAM().ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return false, lakesail.Classify("iam:ListOpenIDConnectProviders", err)
	}
	for _, p := range out.OpenIDConnectProviderList {
		if aws.ToString(p.Arn) == providerARN {
			return true, nil
		}
	}
	return false, nil
}

// deleteCertificate deletes the session certificate with the account's own credentials, if ACM
// still lists it. Its tags prove nothing (the role can add the connection's tags to any
// certificate), so it must be an imported certificate for the workspace's session domain, which
// the library chose. Without the account's credentials it is left and returned as an action.
func (c *Client) deleteCertificate(ctx context.Context, s Spec, owner *lakesail.OwnerAccess, certificateARN string) (*lakesail.AccountAction, error) {
	listed, err := c.certificateListed(ctx, certificateARN)
	if err != nil || !listed {
		return nil, err
	}
	api, ok, err := owner.ACM(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		// Named only when it is the workspace's, read as the role (which reads only certificates
		// tagged with the connection).
		left := &lakesail.AccountAction{Object: "ACM certificate " + certificateARN + " (" + s.sessionDomain() + ")", Action: "delete it",
			Command: "aws acm delete-certificate --certificate-arn " + certificateARN}
		mine, err := c.isSessionCertificate(ctx, c.ACM(), s, certificateARN)
		var awsErr *lakesail.AWSError
		switch {
		case errors.As(err, &awsErr) && awsErr.IsAccessDenied():
			left.Object = "ACM certificate " + certificateARN
			left.Action = "delete it if it is the workspace's session certificate for " + s.sessionDomain() + " (the connection role cannot read it to check)"
			return left, nil
		case err != nil || !mine:
			return nil, err
		}
		return left, nil
	}
	mine, err := c.isSessionCertificate(ctx, api, s, certificateARN)
	if err != nil || !mine {
		return nil, err
	}
	_, err = api.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String(certificateARN)})
	return nil, lakesail.IgnoreNotFound(lakesail.Classify("acm:DeleteCertificate", err))
}

// certificateListed tells, as the role, whether certificateARN still exists.
func (c *Client) certificateListed(ctx context.Context, certificateARN string) (bool, error) {
	pages := acm.NewListCertificatesPaginator(c.ACM(), sessionCertificateFilter())
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return false, lakesail.Classify("acm:ListCertificates", err)
		}
		for _, summary := range page.CertificateSummaryList {
			if aws.ToString(summary.CertificateArn) == certificateARN {
				return true, nil
			}
		}
	}
	return false, nil
}

// isSessionCertificate reads certificateARN with api (the account's own client, or the role's
// to decide whether to name it) and tells whether it is the workspace's: imported, for the session
// domain and no other name. A certificate that is gone is not.
func (c *Client) isSessionCertificate(ctx context.Context, api lakesail.ACMAPI, s Spec, certificateARN string) (bool, error) {
	out, err := api.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(certificateARN)})
	if err := lakesail.Classify("acm:DescribeCertificate", err); err != nil {
		return false, lakesail.IgnoreNotFound(err)
	}
	cert := out.Certificate
	names := cert.SubjectAlternativeNames
	mine := cert.Type == acmtypes.CertificateTypeImported && aws.ToString(cert.DomainName) == s.sessionDomain() &&
		(len(names) == 0 || (len(names) == 1 && names[0] == s.sessionDomain()))
	if !mine {
		c.Log(ctx, "leaving a certificate that is not the workspace's session certificate", map[string]any{
			"certificate": certificateARN, "domain": aws.ToString(cert.DomainName), "type": string(cert.Type)})
	}
	return mine, nil
}
