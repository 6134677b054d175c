package workspace

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// VersionStepError says a Kubernetes version change EKS cannot make in one update.
type VersionStepError struct {
	From, To string
}

func (e *VersionStepError) Error() string {
	return fmt.Sprintf("EKS upgrades one minor version at a time and never downgrades: %s cannot become %s; upgrade to %s first",
		e.From, e.To, NextMinorVersion(e.From))
}

// NextMinorVersion is the version after 1.N, 1.(N+1).
func NextMinorVersion(v string) string {
	n := minorOf(v)
	if n < 0 {
		return ""
	}
	return fmt.Sprintf("1.%d", n+1)
}

func minorOf(v string) int {
	if !k8sVersionPattern.MatchString(v) {
		return -1
	}
	nums := versionNumbers(v)
	return nums[1]
}

// CheckVersionStep accepts the same version or the next minor version only.
func CheckVersionStep(from, to string) error {
	if from == to || from == "" {
		return nil
	}
	if minorOf(to) != minorOf(from)+1 {
		return &VersionStepError{From: from, To: to}
	}
	return nil
}

// Update brings the workspace in line with spec, in place: version (one minor step,
// node group and add-ons after the control plane), endpoint access, logging, node group
// scaling, add-ons, log retention, Glue databases, tags, and anything outside the security
// envelope (a role without WorkloadBoundary or with a widened trust, a missing OIDC provider,
// parameter or certificate). s.RenewCertificate renews the session certificate and the TLS
// material in SSM. prior is the spec the workspace was last applied with, so that
// removed add-ons and databases are deleted. New TLS material is re-imported into the existing
// certificate with s.AccountClient; without the account's own credentials a new certificate
// replaces it and the returned Workspace's AccountActions name the old one.
func (c *Client) Update(ctx context.Context, prior, s Spec, rec Record) (*Workspace, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	current, err := c.Read(ctx, s, rec)
	if err != nil {
		return nil, err
	}
	if err := CheckVersionStep(current.KubernetesVersion, s.KubernetesVersion); err != nil {
		return nil, err
	}
	p := &progress{rec: rec}
	if err := c.updateWorkspace(ctx, prior, s, current, p); err != nil {
		return nil, lakesail.WithRecord(err, Progress{Record: p.record(), AccountActions: p.left()})
	}
	ws, err := c.Read(ctx, s, p.record())
	if err != nil {
		return nil, lakesail.WithRecord(err, Progress{Record: p.record(), AccountActions: p.left()})
	}
	ws.AccountActions = p.left()
	return ws, nil
}

func (c *Client) updateWorkspace(ctx context.Context, prior, s Spec, current *Workspace, p *progress) error {
	api := c.EKS()
	name := aws.String(s.ClusterName())
	if current.ClusterStatus != string(ekstypes.ClusterStatusActive) {
		if _, err := c.waitClusterActive(ctx, s.ClusterName()); err != nil {
			return err
		}
	}
	if current.AdminAccessLost {
		if err := c.restoreAdminAccess(ctx, s); err != nil {
			return err
		}
	}
	// Satellites that do not depend on the cluster's state first: they restore the envelope.
	if err := c.ensureLogGroup(ctx, s); err != nil {
		return err
	}
	for _, r := range s.baseRoles() {
		if err := c.ensureRoleState(ctx, s, r, current); err != nil {
			return err
		}
	}
	if current.OIDCProviderARN == "" && current.OIDCIssuerURL != "" {
		if err := c.ensureOIDCProvider(ctx, s, current.OIDCIssuerURL); err != nil {
			return err
		}
		p.set(func(r *Record) { r.OIDCProviderARN = s.OIDCProviderARN(current.OIDCIssuerURL) })
	}
	if prior.PodIdentity() && !s.PodIdentity() {
		// Back to IRSA: the associations go before the roles stop trusting EKS Pod Identity.
		if err := c.deleteAssociations(ctx, s, allWorkloadPurposes()...); err != nil {
			return err
		}
	}
	for _, r := range s.workloadRoles(current.OIDCIssuerURL, current.ClusterARN) {
		if err := c.ensureRoleState(ctx, s, r, current); err != nil {
			return err
		}
	}
	if s.PodIdentity() {
		if err := c.ensureAssociations(ctx, s); err != nil {
			return err
		}
	}
	if err := c.updateKarpenter(ctx, prior, s, current); err != nil {
		return err
	}
	if len(current.SSMParameterNames) != len(konnectivityParameters) || current.CertificateARN == "" || s.RenewCertificate {
		// The CA key is not kept: missing material, or a renewal, means new material throughout.
		if s.RenewCertificate {
			c.Log(ctx, "renewing the session certificate", map[string]any{"certificate": current.CertificateARN,
				"not_after": current.CertificateNotAfter.UTC().Format(time.RFC3339)})
		}
		if err := c.installTLS(ctx, s, p, current.CertificateARN); err != nil {
			return err
		}
	}
	if lb := current.SessionLoadBalancer; lb == nil || !lb.InSpec || lb.CertificateARN != p.record().CertificateARN {
		if err := c.ensureSessionLoadBalancer(ctx, s, p.record().CertificateARN); err != nil {
			return err
		}
	}
	var removed []string
	for _, name := range prior.GlueDatabaseNames() {
		if !slices.Contains(s.GlueDatabaseNames(), name) {
			removed = append(removed, name)
		}
	}
	if err := c.ensureGlueDatabases(ctx, s, removed); err != nil {
		return err
	}
	if err := c.tagSubnets(ctx, s); err != nil {
		return err
	}

	if !slices.Equal(current.LogTypes, slices.Sorted(slices.Values(s.LogTypes))) {
		out, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: name, Logging: loggingRequest(s.LogTypes)})
		if err != nil {
			return lakesail.Classify("eks:UpdateClusterConfig", err)
		}
		if err := c.waitUpdate(ctx, s, out.Update, ""); err != nil {
			return err
		}
	}
	want := slices.Sorted(slices.Values(s.PublicAccessCIDRs))
	if current.EndpointPublicAccess != s.EndpointPublicAccess || (s.EndpointPublicAccess && !slices.Equal(current.PublicAccessCIDRs, want)) {
		out, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: name, ResourcesVpcConfig: endpointRequest(s)})
		if err != nil {
			return lakesail.Classify("eks:UpdateClusterConfig", err)
		}
		if err := c.waitUpdate(ctx, s, out.Update, ""); err != nil {
			return err
		}
	}
	if err := c.updateClusterTags(ctx, s, current); err != nil {
		return err
	}
	if current.KubernetesVersion != s.KubernetesVersion {
		c.Log(ctx, "upgrading the control plane", map[string]any{"from": current.KubernetesVersion, "to": s.KubernetesVersion})
		out, err := api.UpdateClusterVersion(ctx, &eks.UpdateClusterVersionInput{Name: name, Version: aws.String(s.KubernetesVersion)})
		if err != nil {
			return lakesail.Classify("eks:UpdateClusterVersion", err)
		}
		if err := c.waitUpdate(ctx, s, out.Update, ""); err != nil {
			return err
		}
	}
	if err := c.updateNodeGroup(ctx, s, current); err != nil {
		return err
	}
	// Add-ons after the node group, against the version the control plane now runs.
	have := current.Addons
	if current.agent != nil {
		have = maps.Clone(current.Addons)
		have[PodIdentityAgentAddon] = *current.agent
	}
	if err := c.ensureAddons(ctx, s, s.KubernetesVersion, have); err != nil {
		return err
	}
	for name := range prior.effectiveAddons() {
		if _, keep := s.effectiveAddons()[name]; keep {
			continue
		}
		if err := c.deleteAddon(ctx, s, name); err != nil {
			return err
		}
	}
	return nil
}

// ensureRoleState repairs a role the read found outside its envelope (or gone).
func (c *Client) ensureRoleState(ctx context.Context, s Spec, r workspaceRole, current *Workspace) error {
	var arn string
	switch r.Purpose {
	case "cluster":
		arn = current.ClusterRoleARN
	case "node":
		arn = current.NodeRoleARN
	case purposeKarpenterNode:
		if current.Karpenter != nil {
			arn = current.Karpenter.NodeRoleARN
		}
	default:
		arn = current.WorkloadRoleARNs[r.Purpose]
	}
	if arn != "" {
		// Within the envelope; only the inline policy may need the spec's bucket and databases,
		// and tags may have changed.
		return c.repairRole(ctx, s, r)
	}
	c.Log(ctx, "restoring role", map[string]any{"role": r.Name})
	return c.ensureRole(ctx, s, r)
}

// updateNodeGroup brings the system node group in line: its sizes (UpdateNodegroupConfig, nothing
// else), its launch template (a new version when the nodes would launch differently: instance
// type, disk size, tags, or a template changed outside Terraform, and the node group rolled to
// it) and its Kubernetes version (in the same roll).
func (c *Client) updateNodeGroup(ctx context.Context, s Spec, current *Workspace) error {
	template, err := c.ensureLaunchTemplate(ctx, s)
	if err != nil {
		return err
	}
	if current.SystemNodeGroup == nil {
		return c.ensureNodeGroup(ctx, s, template)
	}
	api := c.EKS()
	ng, want := current.SystemNodeGroup, s.SystemNodeGroup
	if ng.MinSize != want.MinSize || ng.DesiredSize != want.DesiredSize || ng.MaxSize != want.MaxSize {
		out, err := api.UpdateNodegroupConfig(ctx, &eks.UpdateNodegroupConfigInput{
			ClusterName: aws.String(s.ClusterName()), NodegroupName: aws.String(s.NodeGroupName()), ScalingConfig: nodeGroupScaling(want)})
		if err != nil {
			return lakesail.Classify("eks:UpdateNodegroupConfig", err)
		}
		if err := c.waitUpdate(ctx, s, out.Update, s.NodeGroupName()); err != nil {
			return err
		}
	}
	observed, err := c.findNodeGroup(ctx, s)
	if err != nil {
		return err
	}
	if lt := observed.LaunchTemplate; lt == nil || aws.ToString(lt.Id) != template.id {
		// EKS cannot move a node group to another launch template (nor give one a template it was
		// created without): the node group is replaced.
		c.Log(ctx, "replacing the node group: it does not launch from the workspace's launch template", map[string]any{
			"nodegroup": s.NodeGroupName(), "template": s.LaunchTemplateName()})
		if err := c.deleteNodeGroup(ctx, s); err != nil {
			return err
		}
		return c.ensureNodeGroup(ctx, s, template)
	}
	version, err := c.currentLaunchTemplateVersion(ctx, s, template)
	if err != nil {
		return err
	}
	input := &eks.UpdateNodegroupVersionInput{ClusterName: aws.String(s.ClusterName()), NodegroupName: aws.String(s.NodeGroupName())}
	roll := false
	if aws.ToString(observed.LaunchTemplate.Version) != version {
		input.LaunchTemplate = &ekstypes.LaunchTemplateSpecification{Id: aws.String(template.id), Version: aws.String(version)}
		roll = true
	}
	if aws.ToString(observed.Version) != s.KubernetesVersion {
		input.Version = aws.String(s.KubernetesVersion)
		roll = true
	}
	if roll {
		c.Log(ctx, "rolling the node group", map[string]any{"nodegroup": s.NodeGroupName(), "template_version": version, "kubernetes": s.KubernetesVersion})
		out, err := api.UpdateNodegroupVersion(ctx, input)
		if err != nil {
			return lakesail.Classify("eks:UpdateNodegroupVersion", err)
		}
		if err := c.waitUpdate(ctx, s, out.Update, s.NodeGroupName()); err != nil {
			return err
		}
	}
	return c.tagEKSResource(ctx, aws.ToString(observed.NodegroupArn), observed.Tags, s.WorkspaceTags())
}

// updateClusterTags sets the workspace's tags on everything that carries them.
func (c *Client) updateClusterTags(ctx context.Context, s Spec, current *Workspace) error {
	tags := s.WorkspaceTags()
	if err := c.tagEKSResource(ctx, current.ClusterARN, current.Tags, tags); err != nil {
		return err
	}
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(readConcurrency)
	for _, name := range sortedMapKeys(current.Addons) {
		group.Go(func() error {
			addon, err := c.findAddon(gctx, s, name)
			if err != nil {
				return lakesail.IgnoreNotFound(err)
			}
			return c.tagEKSResource(gctx, aws.ToString(addon.AddonArn), addon.Tags, tags)
		})
	}
	if current.agent != nil {
		group.Go(func() error { return c.tagEKSResource(gctx, current.agentARN, current.agentTags, tags) })
	}
	for _, name := range current.SSMParameterNames {
		group.Go(func() error { return c.tagParameter(gctx, s, name) })
	}
	if current.CertificateARN != "" {
		group.Go(func() error {
			_, err := c.ACM().AddTagsToCertificate(gctx, &acm.AddTagsToCertificateInput{
				CertificateArn: aws.String(current.CertificateARN), Tags: acmTags(tags)})
			return lakesail.Classify("acm:AddTagsToCertificate", err)
		})
	}
	for _, name := range current.GlueDatabaseNames {
		group.Go(func() error {
			_, err := c.Glue().TagResource(gctx, &glue.TagResourceInput{
				ResourceArn: aws.String(s.glueDatabaseARN(c.Region(), name)), TagsToAdd: tags})
			return lakesail.Classify("glue:TagResource", err)
		})
	}
	if current.OIDCProviderARN != "" {
		group.Go(func() error {
			_, err := c.IAM().TagOpenIDConnectProvider(gctx, &iam.TagOpenIDConnectProviderInput{
				OpenIDConnectProviderArn: aws.String(current.OIDCProviderARN), Tags: lakesail.IAMTags(tags)})
			return lakesail.Classify("iam:TagOpenIDConnectProvider", err)
		})
	}
	return group.Wait()
}

func (s Spec) glueDatabaseARN(region, name string) string {
	return "arn:" + s.partition() + ":glue:" + region + ":" + s.AccountID + ":database/" + name
}

// tagEKSResource makes an EKS resource's tags equal to desired.
func (c *Client) tagEKSResource(ctx context.Context, arn string, current, desired map[string]string) error {
	api := c.EKS()
	stale, changed := lakesail.TagDiff(current, desired)
	if len(stale) > 0 {
		_, err := api.UntagResource(ctx, &eks.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: stale})
		if err != nil {
			return lakesail.Classify("eks:UntagResource", err)
		}
	}
	if len(changed) > 0 {
		_, err := api.TagResource(ctx, &eks.TagResourceInput{ResourceArn: aws.String(arn), Tags: changed})
		if err != nil {
			return lakesail.Classify("eks:TagResource", err)
		}
	}
	return nil
}

func (c *Client) deleteAddon(ctx context.Context, s Spec, name string) error {
	_, err := c.EKS().DeleteAddon(ctx, &eks.DeleteAddonInput{ClusterName: aws.String(s.ClusterName()), AddonName: aws.String(name)})
	err = lakesail.Classify("eks:DeleteAddon", err)
	if errors.Is(err, lakesail.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.waitAddonGone(ctx, s, name)
}
