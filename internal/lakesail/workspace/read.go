package workspace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// readConcurrency bounds the parallel reads of one workspace.
const readConcurrency = 10

// Read observes the workspace and compares it with the spec. It returns an error
// wrapping ErrNotFound when the cluster does not exist.
func (c *Client) Read(ctx context.Context, s Spec, rec Record) (*Workspace, error) {
	cluster, err := c.findCluster(ctx, s.ClusterName())
	if err != nil {
		return nil, err
	}
	imported := s.Network.BucketName == ""
	if imported {
		s = c.completeForImport(ctx, s)
		if rec.CertificateARN == "" {
			if rec.CertificateARN, err = c.findCertificate(ctx, s); err != nil {
				return nil, err
			}
		}
	}
	w := &Workspace{
		ID: s.ID(), ClusterName: s.ClusterName(), ClusterARN: aws.ToString(cluster.Arn), ClusterStatus: string(cluster.Status),
		Endpoint: aws.ToString(cluster.Endpoint), KubernetesVersion: aws.ToString(cluster.Version), Tags: cluster.Tags,
		WorkloadRoleARNs: map[string]string{}, Addons: map[string]AddonState{},
	}
	if cluster.CertificateAuthority != nil {
		w.CertificateAuthority = aws.ToString(cluster.CertificateAuthority.Data)
	}
	if cluster.Identity != nil && cluster.Identity.Oidc != nil {
		w.OIDCIssuerURL = aws.ToString(cluster.Identity.Oidc.Issuer)
	}
	w.Network = Network{BucketName: s.Network.BucketName}
	for _, e := range cluster.EncryptionConfig {
		if e.Provider != nil {
			w.Network.KMSKeyARN = aws.ToString(e.Provider.KeyArn)
		}
	}
	if v := cluster.ResourcesVpcConfig; v != nil {
		w.Network.VpcID, w.Network.PrivateSubnetIDs = aws.ToString(v.VpcId), v.SubnetIds
		if len(v.SecurityGroupIds) > 0 {
			w.Network.SecurityGroupID = v.SecurityGroupIds[0]
		}
		w.EndpointPublicAccess = v.EndpointPublicAccess
		if v.EndpointPublicAccess {
			w.PublicAccessCIDRs = slices.Clone(v.PublicAccessCidrs)
			slices.Sort(w.PublicAccessCIDRs)
		}
	}
	if imported {
		s.Network.KMSKeyARN = w.Network.KMSKeyARN
		w.ImportedGlueDatabases = s.GlueDatabases
		// An import knows no mechanism: the workspace uses Pod Identity when its service
		// accounts have associations.
		pods, err := c.hasAssociations(ctx, s)
		if err != nil {
			return nil, err
		}
		if pods {
			s.WorkloadIdentity = WorkloadIdentityPodIdentity
		}
		karpenter, err := c.importKarpenter(ctx, s, w.Network.SecurityGroupID)
		if err != nil {
			return nil, err
		}
		if karpenter != nil {
			s.Karpenter, w.ImportedKarpenter = *karpenter, karpenter
		}
	}
	w.LogTypes = enabledLogTypes(cluster.Logging)
	w.compareCluster(s)

	var mu sync.Mutex
	drift := func(format string, args ...any) {
		mu.Lock()
		w.Drift = append(w.Drift, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(readConcurrency)
	var nodeGroup *ekstypes.Nodegroup
	group.Go(func() (err error) {
		nodeGroup, err = c.readNodeGroup(gctx, s, w, drift)
		return err
	})
	var template *nodeTemplate
	group.Go(func() error {
		t, err := c.findLaunchTemplate(gctx, s, true)
		if errors.Is(err, lakesail.ErrNotFound) {
			drift("launch template %s was deleted", s.LaunchTemplateName())
			return nil
		}
		template = t
		return err
	})
	resolver := c.newAddonVersionResolver(w.KubernetesVersion, s.addonsAtLatest())
	for _, name := range sortedMapKeys(s.Addons) {
		group.Go(func() error { return c.readAddon(gctx, s, w, name, resolver, &mu, drift) })
	}
	group.Go(func() error { return c.readLogGroup(gctx, s, w, drift) })
	roles := s.baseRoles()
	if w.OIDCIssuerURL != "" || s.PodIdentity() {
		roles = append(roles, s.workloadRoles(w.OIDCIssuerURL, w.ClusterARN)...)
	}
	w.WorkloadIdentity = s.workloadIdentity()
	if s.PodIdentity() {
		group.Go(func() error { return c.readPodIdentity(gctx, s, w, drift) })
	}
	for _, r := range roles {
		group.Go(func() error { return c.readRole(gctx, s, w, r, &mu, drift) })
	}
	group.Go(func() error { return c.readOIDCProvider(gctx, s, w, drift) })
	group.Go(func() error { return c.readParameters(gctx, s, w, drift) })
	group.Go(func() error { return c.readCertificate(gctx, w, rec.CertificateARN, drift) })
	group.Go(func() error { return c.readSessionLoadBalancer(gctx, s, w, rec.CertificateARN, imported, drift) })
	group.Go(func() error { return c.readGlueDatabases(gctx, s, w, drift) })
	group.Go(func() error { return c.readKarpenter(gctx, s, w, &mu, drift) })
	if s.ConnectionRoleARN != "" && cluster.Status == ekstypes.ClusterStatusActive {
		group.Go(func() error {
			ok, err := c.hasAdminAccess(gctx, s)
			if err == nil && !ok {
				w.AdminAccessLost = true
				drift("the connection role no longer administers the cluster (its access entry or AmazonEKSClusterAdminPolicy was removed)")
			}
			return err
		})
	}
	if err := group.Wait(); err != nil {
		return nil, err
	}
	if imported {
		// An import knows nothing of the node group: the template is held to what the cluster
		// shows (its security group and tags) and the node group has, besides the envelope.
		s.Network.SecurityGroupID, s.Tags = w.Network.SecurityGroupID, w.Tags
		if w.SystemNodeGroup != nil {
			s.SystemNodeGroup = *w.SystemNodeGroup
			s.SystemNodeGroup.InstanceTypes = template.instanceTypes(w.SystemNodeGroup.InstanceTypes)
			s.SystemNodeGroup.DiskSize = template.diskSize(w.SystemNodeGroup.AMIType)
		}
	}
	if s.PodIdentity() {
		w.prunePodIdentityRoles(s)
	}
	w.compareLaunchTemplate(s, nodeGroup, template)
	slices.Sort(w.Drift)
	return w, nil
}

func enabledLogTypes(l *ekstypes.Logging) []string {
	var out []string
	if l == nil {
		return out
	}
	for _, setup := range l.ClusterLogging {
		if aws.ToBool(setup.Enabled) {
			for _, t := range setup.Types {
				out = append(out, string(t))
			}
		}
	}
	slices.Sort(out)
	return out
}

// compareCluster records drift in what the user controls on the cluster.
func (w *Workspace) compareCluster(s Spec) {
	if w.KubernetesVersion != s.KubernetesVersion {
		w.Drift = append(w.Drift, fmt.Sprintf("the cluster runs Kubernetes %s, not %s", w.KubernetesVersion, s.KubernetesVersion))
	}
	if w.EndpointPublicAccess != s.EndpointPublicAccess {
		w.Drift = append(w.Drift, fmt.Sprintf("the cluster's public endpoint access is %t, not %t", w.EndpointPublicAccess, s.EndpointPublicAccess))
	}
	want := slices.Sorted(slices.Values(s.LogTypes))
	if !slices.Equal(w.LogTypes, want) {
		w.Drift = append(w.Drift, fmt.Sprintf("the cluster logs %v, not %v", w.LogTypes, want))
	}
	for k, v := range s.WorkspaceTags() {
		if w.Tags[k] != v {
			w.Drift = append(w.Drift, fmt.Sprintf("the cluster's tag %s is %q, not %q", k, w.Tags[k], v))
		}
	}
	for k := range w.Tags {
		if _, ok := s.WorkspaceTags()[k]; !ok {
			w.Drift = append(w.Drift, "the cluster carries tag "+k+" the workspace does not set")
		}
	}
}

func (c *Client) readNodeGroup(ctx context.Context, s Spec, w *Workspace, drift func(string, ...any)) (*ekstypes.Nodegroup, error) {
	ng, err := c.findNodeGroup(ctx, s)
	if errors.Is(err, lakesail.ErrNotFound) {
		drift("node group %s was deleted", s.NodeGroupName())
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	obs := &NodeGroupSpec{InstanceTypes: ng.InstanceTypes, DiskSize: int(aws.ToInt32(ng.DiskSize)), AMIType: string(ng.AmiType)}
	if sc := ng.ScalingConfig; sc != nil {
		obs.MinSize, obs.DesiredSize, obs.MaxSize = int(aws.ToInt32(sc.MinSize)), int(aws.ToInt32(sc.DesiredSize)), int(aws.ToInt32(sc.MaxSize))
	}
	want := s.SystemNodeGroup
	if obs.MinSize != want.MinSize || obs.DesiredSize != want.DesiredSize || obs.MaxSize != want.MaxSize {
		drift("node group %s scales %d/%d/%d (min/desired/max), not %d/%d/%d", s.NodeGroupName(),
			obs.MinSize, obs.DesiredSize, obs.MaxSize, want.MinSize, want.DesiredSize, want.MaxSize)
	}
	if v := aws.ToString(ng.Version); v != "" && v != s.KubernetesVersion {
		drift("node group %s runs Kubernetes %s, not %s", s.NodeGroupName(), v, s.KubernetesVersion)
	}
	w.SystemNodeGroup = obs
	return ng, nil
}

// compareLaunchTemplate records what the node group launches from: the instance type and disk
// size the template gives (the spec's when it is gone, so that only its absence shows), and
// drift when the template is gone, launches anything but the spec's nodes (IMDS, volumes, tags,
// security group), or is not the version the node group runs. LaunchTemplateName is set only
// when all is as the spec says.
func (w *Workspace) compareLaunchTemplate(s Spec, ng *ekstypes.Nodegroup, t *nodeTemplate) {
	if obs := w.SystemNodeGroup; obs != nil {
		// Without the template (or one without them), the spec's: its absence alone is the
		// change to apply, which a new template and node group repair in place.
		if obs.InstanceTypes = t.instanceTypes(obs.InstanceTypes); len(obs.InstanceTypes) == 0 {
			obs.InstanceTypes = s.SystemNodeGroup.InstanceTypes
		}
		if size := t.diskSize(obs.AMIType); size > 0 {
			obs.DiskSize = size
		} else if obs.DiskSize == 0 {
			obs.DiskSize = s.SystemNodeGroup.DiskSize
		}
	}
	if t == nil {
		return
	}
	drift := t.drift(s)
	w.Drift = append(w.Drift, drift...)
	if t.tags[TagWorkspace] != s.WorkspaceID {
		drift = append(drift, "not the workspace's")
		w.Drift = append(w.Drift, "launch template "+s.LaunchTemplateName()+" is not tagged "+TagWorkspace+"="+s.WorkspaceID)
	}
	if ng != nil {
		switch lt := ng.LaunchTemplate; {
		case lt == nil || aws.ToString(lt.Id) != t.id:
			drift = append(drift, "not the node group's")
			w.Drift = append(w.Drift, "node group "+s.NodeGroupName()+" does not launch from launch template "+s.LaunchTemplateName()+
				" (apply replaces the node group)")
		case aws.ToString(lt.Version) != t.latestVersion():
			drift = append(drift, "not the latest version")
			w.Drift = append(w.Drift, fmt.Sprintf("node group %s launches from version %s of launch template %s, not the latest, %d",
				s.NodeGroupName(), aws.ToString(lt.Version), s.LaunchTemplateName(), t.latest))
		}
	}
	if len(drift) == 0 {
		w.LaunchTemplateName = s.LaunchTemplateName()
	}
}

func (c *Client) readAddon(ctx context.Context, s Spec, w *Workspace, name string, versions *addonVersionResolver, mu *sync.Mutex,
	drift func(string, ...any)) error {
	addon, err := c.findAddon(ctx, s, name)
	if errors.Is(err, lakesail.ErrNotFound) {
		drift("add-on %s was deleted", name)
		return nil
	}
	if err != nil {
		return err
	}
	state := AddonState{Version: aws.ToString(addon.AddonVersion), Configuration: aws.ToString(addon.ConfigurationValues)}
	spec := s.Addons[name]
	if spec.Version == AddonLatest || spec.Version == "" {
		// Resolved against the version the cluster runs, so that an upgrade plans new add-ons.
		latest, err := versions.latestVersion(ctx, name)
		if err != nil {
			return err
		}
		state.Latest = latest
		if state.Version != latest {
			drift("add-on %s is at %s; the latest for Kubernetes %s is %s", name, state.Version, w.KubernetesVersion, latest)
		}
	} else if state.Version != spec.Version {
		drift("add-on %s is at %s, not %s", name, state.Version, spec.Version)
	}
	if !sameJSONDocument(state.Configuration, spec.Configuration) {
		drift("the configuration of add-on %s differs", name)
	}
	mu.Lock()
	w.Addons[name] = state
	mu.Unlock()
	return nil
}

func (c *Client) readLogGroup(ctx context.Context, s Spec, w *Workspace, drift func(string, ...any)) error {
	group, err := c.findLogGroup(ctx, s)
	if errors.Is(err, lakesail.ErrNotFound) {
		drift("log group %s was deleted", s.LogGroupName())
		return nil
	}
	if err != nil {
		return err
	}
	w.LogGroupName = aws.ToString(group.LogGroupName)
	w.LogRetentionDays = int(aws.ToInt32(group.RetentionInDays))
	if w.LogRetentionDays != s.LogRetentionDays {
		drift("log group %s keeps logs %d days, not %d", w.LogGroupName, w.LogRetentionDays, s.LogRetentionDays)
	}
	if aws.ToString(group.KmsKeyId) != s.Network.KMSKeyARN {
		drift("log group %s is not encrypted with the network's key", w.LogGroupName)
		w.LogGroupName = "" // outside the envelope: shown as a change to apply
	}
	return nil
}

// readRole records a role's ARN only when it is within the security envelope.
func (c *Client) readRole(ctx context.Context, s Spec, w *Workspace, r workspaceRole, mu *sync.Mutex, drift func(string, ...any)) error {
	st, err := c.observeRole(ctx, s, r)
	if err != nil {
		return err
	}
	for _, p := range st.Problems {
		drift("%s", p)
	}
	arn := ""
	if st.Exists && len(st.Problems) == 0 {
		arn = st.ARN
	}
	mu.Lock()
	defer mu.Unlock()
	switch r.Purpose {
	case "cluster":
		w.ClusterRoleARN = arn
	case "node":
		w.NodeRoleARN = arn
	default:
		if arn != "" {
			w.WorkloadRoleARNs[r.Purpose] = arn
		}
	}
	return nil
}

func (c *Client) readOIDCProvider(ctx context.Context, s Spec, w *Workspace, drift func(string, ...any)) error {
	if w.OIDCIssuerURL == "" {
		return nil
	}
	providerARN := s.OIDCProviderARN(w.OIDCIssuerURL)
	out, err := c.IAM().GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	err = lakesail.Classify("iam:GetOpenIDConnectProvider", err)
	if errors.Is(err, lakesail.ErrNotFound) {
		drift("the cluster's OIDC provider was deleted")
		return nil
	}
	if err != nil {
		return err
	}
	if !slices.Equal(out.ClientIDList, []string{"sts.amazonaws.com"}) {
		drift("the cluster's OIDC provider admits audiences %v, not only sts.amazonaws.com", out.ClientIDList)
		return nil
	}
	w.OIDCProviderARN = providerARN
	return nil
}

// readParameters checks that the workspace's parameters exist, ten names per call (GetParameters'
// limit); it reads no values.
func (c *Client) readParameters(ctx context.Context, s Spec, w *Workspace, drift func(string, ...any)) error {
	api := c.SSM()
	for batch := range slices.Chunk(s.ParameterNames(), maxParametersPerCall) {
		out, err := api.GetParameters(ctx, &ssm.GetParametersInput{Names: batch})
		if err := lakesail.Classify("ssm:GetParameters", err); err != nil {
			return err
		}
		found := map[string]bool{}
		for _, p := range out.Parameters {
			found[aws.ToString(p.Name)] = true
		}
		for _, name := range batch {
			if !found[name] {
				drift("parameter %s was deleted", name)
				continue
			}
			w.SSMParameterNames = append(w.SSMParameterNames, name)
		}
	}
	return nil
}

// maxParametersPerCall is how many names one ssm:GetParameters call accepts.
const maxParametersPerCall = 10

func (c *Client) readCertificate(ctx context.Context, w *Workspace, certificateARN string, drift func(string, ...any)) error {
	if certificateARN == "" {
		drift("the session certificate was never imported")
		return nil
	}
	out, err := c.ACM().DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(certificateARN)})
	err = lakesail.Classify("acm:DescribeCertificate", err)
	if errors.Is(err, lakesail.ErrNotFound) {
		drift("the session certificate %s was deleted", certificateARN)
		return nil
	}
	if err != nil {
		return err
	}
	w.CertificateARN = certificateARN
	if out.Certificate != nil {
		w.CertificateNotAfter = aws.ToTime(out.Certificate.NotAfter)
	}
	return nil
}

func (c *Client) readGlueDatabases(ctx context.Context, s Spec, w *Workspace, drift func(string, ...any)) error {
	api := c.Glue()
	for _, name := range s.GlueDatabaseNames() {
		_, err := api.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String(name)})
		err = lakesail.Classify("glue:GetDatabase", err)
		if errors.Is(err, lakesail.ErrNotFound) {
			drift("Glue database %s was deleted", name)
			continue
		}
		if err != nil {
			return err
		}
		w.GlueDatabaseNames = append(w.GlueDatabaseNames, name)
	}
	return nil
}
