package workspace

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// clusterInfo is what the workspace needs from DescribeCluster.
type clusterInfo struct {
	raw    *ekstypes.Cluster
	issuer string
}

func (c *Client) findCluster(ctx context.Context, name string) (*ekstypes.Cluster, error) {
	out, err := c.EKS().DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		return nil, lakesail.Classify("eks:DescribeCluster", err)
	}
	return out.Cluster, nil
}

// loggingRequest enables exactly the spec's log types and disables the others.
func loggingRequest(enabled []string) *ekstypes.Logging {
	var on, off []ekstypes.LogType
	for _, t := range ClusterLogTypes {
		if slices.Contains(enabled, t) {
			on = append(on, ekstypes.LogType(t))
		} else {
			off = append(off, ekstypes.LogType(t))
		}
	}
	var setups []ekstypes.LogSetup
	if len(on) > 0 {
		setups = append(setups, ekstypes.LogSetup{Enabled: aws.Bool(true), Types: on})
	}
	if len(off) > 0 {
		setups = append(setups, ekstypes.LogSetup{Enabled: aws.Bool(false), Types: off})
	}
	return &ekstypes.Logging{ClusterLogging: setups}
}

func endpointRequest(s Spec) *ekstypes.VpcConfigRequest {
	v := &ekstypes.VpcConfigRequest{EndpointPrivateAccess: aws.Bool(true), EndpointPublicAccess: aws.Bool(s.EndpointPublicAccess)}
	if s.EndpointPublicAccess {
		v.PublicAccessCidrs = s.PublicAccessCIDRs
	}
	return v
}

// createCluster creates the EKS cluster (or finds the one an earlier attempt made) and waits
// for it to be ACTIVE.
func (c *Client) createCluster(ctx context.Context, s Spec) (*clusterInfo, error) {
	api := c.EKS()
	vpc := endpointRequest(s)
	vpc.SubnetIds = s.Network.PrivateSubnetIDs
	vpc.SecurityGroupIds = []string{s.Network.SecurityGroupID}
	input := &eks.CreateClusterInput{
		Name:               aws.String(s.ClusterName()),
		Version:            aws.String(s.KubernetesVersion),
		RoleArn:            aws.String(s.roleARN(s.ClusterRoleName())),
		ResourcesVpcConfig: vpc,
		Logging:            loggingRequest(s.LogTypes),
		EncryptionConfig: []ekstypes.EncryptionConfig{{
			Resources: []string{"secrets"}, Provider: &ekstypes.Provider{KeyArn: aws.String(s.Network.KMSKeyARN)},
		}},
		// API authentication, and the creator (the connection role) as cluster administrator.
		AccessConfig: &ekstypes.CreateAccessConfigRequest{
			AuthenticationMode:                      ekstypes.AuthenticationModeApi,
			BootstrapClusterCreatorAdminPermissions: aws.Bool(true),
		},
		Tags: s.WorkspaceTags(),
	}
	err := c.retryWhilePropagating(ctx, "eks:CreateCluster", isRolePropagationError, func() error {
		_, err := api.CreateCluster(ctx, input)
		return err
	})
	var inUse *ekstypes.ResourceInUseException
	switch {
	case errors.As(err, &inUse):
		existing, findErr := c.findCluster(ctx, s.ClusterName())
		if findErr != nil {
			return nil, findErr
		}
		if existing.Tags[TagWorkspace] != s.WorkspaceID {
			return nil, &lakesail.ConflictError{What: "EKS cluster " + s.ClusterName(), Err: lakesail.Classify("eks:CreateCluster", err)}
		}
		c.Log(ctx, "adopting the cluster an earlier attempt created", map[string]any{"cluster": s.ClusterName()})
	case err != nil:
		return nil, lakesail.Classify("eks:CreateCluster", err)
	}
	return c.waitClusterActive(ctx, s.ClusterName())
}

// isRolePropagationError: EKS says a role it cannot assume yet "does not exist".
func isRolePropagationError(err error) bool {
	var invalid *ekstypes.InvalidParameterException
	return errors.As(err, &invalid) && strings.Contains(invalid.ErrorMessage(), "Role") &&
		(strings.Contains(invalid.ErrorMessage(), "does not exist") || strings.Contains(invalid.ErrorMessage(), "cannot be assumed"))
}

func (c *Client) waitClusterActive(ctx context.Context, name string) (*clusterInfo, error) {
	var info *clusterInfo
	opts := c.WaitOptions().Named("EKS cluster " + name)
	err := lakesail.WaitUntil(ctx, opts, eksStatuses(ekstypes.ClusterStatusCreating, ekstypes.ClusterStatusUpdating, ekstypes.ClusterStatusPending),
		eksStatuses(ekstypes.ClusterStatusActive), func() (string, error) {
			cluster, err := c.findCluster(ctx, name)
			if err != nil {
				return "", err
			}
			if cluster.Status == ekstypes.ClusterStatusActive {
				info = &clusterInfo{raw: cluster}
				if cluster.Identity != nil && cluster.Identity.Oidc != nil {
					info.issuer = aws.ToString(cluster.Identity.Oidc.Issuer)
				}
			}
			return string(cluster.Status), nil
		})
	return info, err
}

// statusDeleted is what the status functions of deletion waits report once the object is gone.
// A deletion wait tolerates every state deletion can start from; DELETE_FAILED ends it.
const statusDeleted = "deleted"

func (c *Client) waitClusterGone(ctx context.Context, name string) error {
	opts := c.WaitOptions().Named("deletion of EKS cluster " + name)
	return lakesail.WaitUntil(ctx, opts, eksStatuses(ekstypes.ClusterStatusActive, ekstypes.ClusterStatusDeleting, ekstypes.ClusterStatusFailed,
		ekstypes.ClusterStatusCreating, ekstypes.ClusterStatusUpdating, ekstypes.ClusterStatusPending), []string{statusDeleted},
		func() (string, error) {
			cluster, err := c.findCluster(ctx, name)
			if errors.Is(err, lakesail.ErrNotFound) {
				return statusDeleted, nil
			}
			if err != nil {
				return "", err
			}
			return string(cluster.Status), nil
		})
}

// eksStatuses turns EKS's status enums into the strings waitUntil compares.
func eksStatuses[S ~string](statuses ...S) []string {
	out := make([]string, len(statuses))
	for i, status := range statuses {
		out[i] = string(status)
	}
	return out
}

func nodeGroupScaling(ng NodeGroupSpec) *ekstypes.NodegroupScalingConfig {
	return &ekstypes.NodegroupScalingConfig{
		MinSize: aws.Int32(int32(ng.MinSize)), DesiredSize: aws.Int32(int32(ng.DesiredSize)), MaxSize: aws.Int32(int32(ng.MaxSize)),
	}
}

// ensureNodeGroup creates the system node group from the workspace's launch template (or adopts
// one left by an earlier attempt) and waits for it to be ACTIVE. The disk size and a single
// instance type are the template's (EKS refuses diskSize with a template); the AMI type stays on
// the node group (the template names no image), and so do several instance types.
func (c *Client) ensureNodeGroup(ctx context.Context, s Spec, template *nodeTemplate) error {
	api := c.EKS()
	ng := s.SystemNodeGroup
	version, err := c.currentLaunchTemplateVersion(ctx, s, template)
	if err != nil {
		return err
	}
	input := &eks.CreateNodegroupInput{
		ClusterName:    aws.String(s.ClusterName()),
		NodegroupName:  aws.String(s.NodeGroupName()),
		NodeRole:       aws.String(s.roleARN(s.NodeRoleName())),
		Subnets:        s.Network.PrivateSubnetIDs,
		ScalingConfig:  nodeGroupScaling(ng),
		LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String(template.id), Version: aws.String(version)},
		AmiType:        ekstypes.AMITypes(ng.AMIType),
		Version:        aws.String(s.KubernetesVersion),
		Labels:         map[string]string{"lakesail.com/node-group": "system"},
		Tags:           s.WorkspaceTags(),
	}
	if ng.templateInstanceType() == "" {
		input.InstanceTypes = ng.InstanceTypes
	}
	err = c.retryWhilePropagating(ctx, "eks:CreateNodegroup", isRolePropagationError, func() error {
		_, err := api.CreateNodegroup(ctx, input)
		return err
	})
	var inUse *ekstypes.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return lakesail.Classify("eks:CreateNodegroup", err)
	}
	return c.waitNodeGroupActive(ctx, s)
}

func (c *Client) findNodeGroup(ctx context.Context, s Spec) (*ekstypes.Nodegroup, error) {
	out, err := c.EKS().DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{
		ClusterName: aws.String(s.ClusterName()), NodegroupName: aws.String(s.NodeGroupName())})
	if err != nil {
		return nil, lakesail.Classify("eks:DescribeNodegroup", err)
	}
	return out.Nodegroup, nil
}

func (c *Client) waitNodeGroupActive(ctx context.Context, s Spec) error {
	what := "node group " + s.NodeGroupName() + " of " + s.ClusterName()
	return lakesail.WaitUntil(ctx, c.WaitOptions().Named(what), eksStatuses(ekstypes.NodegroupStatusCreating, ekstypes.NodegroupStatusUpdating),
		eksStatuses(ekstypes.NodegroupStatusActive), func() (string, error) {
			ng, err := c.findNodeGroup(ctx, s)
			if err != nil {
				return "", err
			}
			switch ng.Status {
			case ekstypes.NodegroupStatusCreateFailed, ekstypes.NodegroupStatusDegraded, ekstypes.NodegroupStatusDeleting:
				return "", &lakesail.StateError{What: what, Status: string(ng.Status), Reason: healthIssues(ng.Health)}
			}
			return string(ng.Status), nil
		})
}

func healthIssues(h *ekstypes.NodegroupHealth) string {
	if h == nil {
		return ""
	}
	var out []string
	for _, issue := range h.Issues {
		out = append(out, string(issue.Code)+": "+aws.ToString(issue.Message))
	}
	return strings.Join(out, "; ")
}

func (c *Client) waitNodeGroupGone(ctx context.Context, s Spec) error {
	opts := c.WaitOptions().Named("deletion of node group " + s.NodeGroupName())
	return lakesail.WaitUntil(ctx, opts, eksStatuses(ekstypes.NodegroupStatusActive, ekstypes.NodegroupStatusDeleting, ekstypes.NodegroupStatusCreateFailed,
		ekstypes.NodegroupStatusDegraded, ekstypes.NodegroupStatusCreating, ekstypes.NodegroupStatusUpdating), []string{statusDeleted},
		func() (string, error) {
			ng, err := c.findNodeGroup(ctx, s)
			if errors.Is(err, lakesail.ErrNotFound) {
				return statusDeleted, nil
			}
			if err != nil {
				return "", err
			}
			return string(ng.Status), nil
		})
}

// latestAddonVersion is the newest version of an add-on that runs on a Kubernetes version.
func (c *Client) latestAddonVersion(ctx context.Context, name, kubernetesVersion string) (string, error) {
	latest, err := c.describeAddonVersions(ctx, &eks.DescribeAddonVersionsInput{
		AddonName: aws.String(name), KubernetesVersion: aws.String(kubernetesVersion)})
	if err != nil {
		return "", err
	}
	return pickAddonVersion(latest, name, kubernetesVersion)
}

// latestAddonVersions is the newest version of every add-on that runs on a Kubernetes version:
// DescribeAddonVersions without addonName lists them all, so one listing (one call, unless EKS
// offers more than a page of add-ons) serves every add-on of a workspace.
func (c *Client) latestAddonVersions(ctx context.Context, kubernetesVersion string) (map[string]string, error) {
	return c.describeAddonVersions(ctx, &eks.DescribeAddonVersionsInput{
		KubernetesVersion: aws.String(kubernetesVersion), MaxResults: aws.Int32(100)})
}

// describeAddonVersions lists add-on versions and keeps, per add-on, the newest one compatible
// with the input's Kubernetes version.
func (c *Client) describeAddonVersions(ctx context.Context, in *eks.DescribeAddonVersionsInput) (map[string]string, error) {
	kubernetesVersion := aws.ToString(in.KubernetesVersion)
	latest := map[string]string{}
	pages := eks.NewDescribeAddonVersionsPaginator(c.EKS(), in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, lakesail.Classify("eks:DescribeAddonVersions", err)
		}
		for _, addon := range page.Addons {
			name := aws.ToString(addon.AddonName)
			for _, v := range addon.AddonVersions {
				compatible := slices.ContainsFunc(v.Compatibilities, func(c ekstypes.Compatibility) bool {
					return aws.ToString(c.ClusterVersion) == kubernetesVersion
				})
				if compatible && compareAddonVersions(aws.ToString(v.AddonVersion), latest[name]) > 0 {
					latest[name] = aws.ToString(v.AddonVersion)
				}
			}
		}
	}
	return latest, nil
}

// pickAddonVersion is an add-on's entry of latestAddonVersions, or why there is none.
func pickAddonVersion(latest map[string]string, name, kubernetesVersion string) (string, error) {
	if v := latest[name]; v != "" {
		return v, nil
	}
	return "", &SpecError{Field: "addons", Problem: "EKS offers no version of " + name + " for Kubernetes " + kubernetesVersion}
}

// addonVersionResolver answers latest-version questions of one read: with several add-ons to
// resolve, the first question lists every add-on's versions once and the others share it.
type addonVersionResolver struct {
	c                 *Client
	kubernetesVersion string
	shared            bool
	once              sync.Once
	latest            map[string]string
	err               error
}

// addonsAtLatest counts the spec's add-ons that follow AddonLatest.
func (s Spec) addonsAtLatest() int {
	n := 0
	for _, a := range s.Addons {
		if a.Version == AddonLatest || a.Version == "" {
			n++
		}
	}
	return n
}

func (c *Client) newAddonVersionResolver(kubernetesVersion string, addons int) *addonVersionResolver {
	return &addonVersionResolver{c: c, kubernetesVersion: kubernetesVersion, shared: addons > 1}
}

func (r *addonVersionResolver) latestVersion(ctx context.Context, name string) (string, error) {
	if !r.shared {
		return r.c.latestAddonVersion(ctx, name, r.kubernetesVersion)
	}
	r.once.Do(func() { r.latest, r.err = r.c.latestAddonVersions(ctx, r.kubernetesVersion) })
	if r.err != nil {
		return "", r.err
	}
	return pickAddonVersion(r.latest, name, r.kubernetesVersion)
}

// compareAddonVersions orders v1.19.5-eksbuild.1 style versions numerically.
func compareAddonVersions(a, b string) int {
	if b == "" {
		return 1
	}
	pa, pb := versionNumbers(a), versionNumbers(b)
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func versionNumbers(v string) []int {
	var out []int
	for _, field := range strings.FieldsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
		n, _ := strconv.Atoi(field)
		out = append(out, n)
	}
	return out
}

// resolveAddonVersion turns AddonLatest into a concrete version.
func (c *Client) resolveAddonVersion(ctx context.Context, name string, a AddonSpec, kubernetesVersion string) (string, error) {
	if a.Version != AddonLatest && a.Version != "" {
		return a.Version, nil
	}
	return c.latestAddonVersion(ctx, name, kubernetesVersion)
}

// ensureAddons creates missing add-ons (the spec's, with the Pod Identity agent when the spec
// uses it) and updates those whose version or configuration differs from the spec (current holds
// the observed ones), then waits for all of them together.
func (c *Client) ensureAddons(ctx context.Context, s Spec, kubernetesVersion string, current map[string]AddonState) error {
	api := c.EKS()
	var changed []string
	addons := s.effectiveAddons()
	for _, name := range sortedMapKeys(addons) {
		spec := addons[name]
		version, err := c.resolveAddonVersion(ctx, name, spec, kubernetesVersion)
		if err != nil {
			return err
		}
		have, exists := current[name]
		switch {
		case !exists:
			input := &eks.CreateAddonInput{
				ClusterName: aws.String(s.ClusterName()), AddonName: aws.String(name), AddonVersion: aws.String(version),
				ResolveConflicts: ekstypes.ResolveConflictsOverwrite, Tags: s.WorkspaceTags(),
			}
			if spec.Configuration != "" {
				input.ConfigurationValues = aws.String(spec.Configuration)
			}
			_, err := api.CreateAddon(ctx, input)
			var inUse *ekstypes.ResourceInUseException
			if err != nil && !errors.As(err, &inUse) {
				return lakesail.Classify("eks:CreateAddon", err)
			}
		case have.Version != version || !sameJSONDocument(have.Configuration, spec.Configuration):
			c.Log(ctx, "updating add-on", map[string]any{"addon": name, "from": have.Version, "to": version})
			_, err := api.UpdateAddon(ctx, &eks.UpdateAddonInput{
				ClusterName: aws.String(s.ClusterName()), AddonName: aws.String(name), AddonVersion: aws.String(version),
				ConfigurationValues: aws.String(spec.Configuration), ResolveConflicts: ekstypes.ResolveConflictsOverwrite,
			})
			if err != nil {
				return lakesail.Classify("eks:UpdateAddon", err)
			}
		default:
			continue
		}
		changed = append(changed, name)
	}
	// The add-ons settle independently: wait for them together.
	for _, name := range changed {
		if err := c.waitAddonActive(ctx, s, name); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) findAddon(ctx context.Context, s Spec, name string) (*ekstypes.Addon, error) {
	out, err := c.EKS().DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(s.ClusterName()), AddonName: aws.String(name)})
	if err != nil {
		return nil, lakesail.Classify("eks:DescribeAddon", err)
	}
	return out.Addon, nil
}

func (c *Client) waitAddonActive(ctx context.Context, s Spec, name string) error {
	opts := c.WaitOptions().Named("add-on " + name + " of " + s.ClusterName())
	return lakesail.WaitUntil(ctx, opts, eksStatuses(ekstypes.AddonStatusCreating, ekstypes.AddonStatusUpdating), eksStatuses(ekstypes.AddonStatusActive),
		func() (string, error) {
			addon, err := c.findAddon(ctx, s, name)
			if err != nil {
				return "", err
			}
			return string(addon.Status), nil
		})
}

func (c *Client) waitAddonGone(ctx context.Context, s Spec, name string) error {
	opts := c.WaitOptions().Named("deletion of add-on " + name)
	return lakesail.WaitUntil(ctx, opts, eksStatuses(ekstypes.AddonStatusActive, ekstypes.AddonStatusDeleting, ekstypes.AddonStatusCreateFailed,
		ekstypes.AddonStatusDegraded, ekstypes.AddonStatusCreating, ekstypes.AddonStatusUpdating, ekstypes.AddonStatusUpdateFailed), []string{statusDeleted},
		func() (string, error) {
			addon, err := c.findAddon(ctx, s, name)
			if errors.Is(err, lakesail.ErrNotFound) {
				return statusDeleted, nil
			}
			if err != nil {
				return "", err
			}
			return string(addon.Status), nil
		})
}

// waitUpdate polls an EKS update (of the cluster, or of a node group or add-on) until it ends.
func (c *Client) waitUpdate(ctx context.Context, s Spec, update *ekstypes.Update, nodegroup string) error {
	if update == nil {
		return nil
	}
	api := c.EKS()
	what := "EKS " + string(update.Type) + " of " + s.ClusterName()
	return lakesail.WaitUntil(ctx, c.WaitOptions().Named(what), eksStatuses(ekstypes.UpdateStatusInProgress), eksStatuses(ekstypes.UpdateStatusSuccessful),
		func() (string, error) {
			input := &eks.DescribeUpdateInput{Name: aws.String(s.ClusterName()), UpdateId: update.Id}
			if nodegroup != "" {
				input.NodegroupName = aws.String(nodegroup)
			}
			out, err := api.DescribeUpdate(ctx, input)
			if err != nil {
				return "", lakesail.Classify("eks:DescribeUpdate", err)
			}
			switch out.Update.Status {
			case ekstypes.UpdateStatusFailed, ekstypes.UpdateStatusCancelled:
				var reasons []string
				for _, e := range out.Update.Errors {
					reasons = append(reasons, aws.ToString(e.ErrorMessage))
				}
				return "", &lakesail.StateError{What: what, Status: string(out.Update.Status), Reason: strings.Join(reasons, "; ")}
			}
			return string(out.Update.Status), nil
		})
}
