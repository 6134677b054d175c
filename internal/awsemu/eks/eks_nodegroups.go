package eks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func eksNodegroupOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateNodegroup", HTTP: "POST /clusters/{clusterName}/node-groups", Action: "eks:CreateNodegroup", Resources: eksClusterResource, Context: core.Contexts(eksClusterTags, eksRequestTags), Also: eksCreateNodegroupAlso, Handle: eksCreateNodegroup},
		{Name: "DescribeNodegroup", HTTP: "GET /clusters/{clusterName}/node-groups/{nodegroupName}", Action: "eks:DescribeNodegroup", Resources: eksNodegroupResource, Context: eksNodegroupTags, Handle: eksDescribeNodegroup},
		{Name: "ListNodegroups", HTTP: "GET /clusters/{clusterName}/node-groups", Action: "eks:ListNodegroups", Resources: eksClusterResource, Context: eksClusterTags, Handle: eksListNodegroups},
		{Name: "UpdateNodegroupConfig", HTTP: "POST /clusters/{clusterName}/node-groups/{nodegroupName}/update-config", Action: "eks:UpdateNodegroupConfig", Resources: eksNodegroupResource, Context: eksNodegroupTags, Handle: eksUpdateNodegroupConfig},
		{Name: "UpdateNodegroupVersion", HTTP: "POST /clusters/{clusterName}/node-groups/{nodegroupName}/update-version", Action: "eks:UpdateNodegroupVersion", Resources: eksNodegroupResource, Context: eksNodegroupTags, Also: eksUpdateNodegroupVersionAlso, Handle: eksUpdateNodegroupVersion},
		{Name: "DeleteNodegroup", HTTP: "DELETE /clusters/{clusterName}/node-groups/{nodegroupName}", Action: "eks:DeleteNodegroup", Resources: eksNodegroupResource, Context: eksNodegroupTags, Handle: eksDeleteNodegroup},
	}
}

// eksReleaseVersions is the current EKS-optimized AMI release of each Kubernetes version.
var eksReleaseVersions = map[string]string{
	"1.29": "1.29.15-20250519", "1.30": "1.30.11-20250519", "1.31": "1.31.7-20250519", "1.32": "1.32.3-20250519", "1.33": "1.33.0-20250519",
}

// eksNodegroupARN is an existing node group's ARN, or the one a new node group would get.
func eksNodegroupARN(c *core.Req, cluster, name string) string {
	if cl := eksOf(c).clusters[cluster]; cl != nil {
		if ng := cl.nodegroups[name]; ng != nil {
			return ng.arn
		}
	}
	return eksARN(c, "nodegroup/"+cluster+"/"+name+"/"+c.RequestID)
}

func eksNodegroupResource(c *core.Req) []string {
	return []string{eksNodegroupARN(c, eksClusterLabel(c), c.In.Labels["nodegroupName"])}
}

func eksNodegroupTags(c *core.Req) map[string][]string {
	if cl := eksOf(c).clusters[eksClusterLabel(c)]; cl != nil {
		if ng := cl.nodegroups[c.In.Labels["nodegroupName"]]; ng != nil {
			return core.ResourceTagContext(ng.tags)
		}
	}
	return nil
}

type eksScaling struct {
	MinSize     *int `json:"minSize"`
	MaxSize     *int `json:"maxSize"`
	DesiredSize *int `json:"desiredSize"`
}

type eksCreateNodegroupIn struct {
	NodegroupName, AmiType, NodeRole, CapacityType string
	Version, ReleaseVersion, ClientRequestToken    string
	ScalingConfig                                  *eksScaling
	DiskSize                                       *int
	Subnets, InstanceTypes                         []string
	Labels, Tags                                   map[string]string
	UpdateConfig                                   *struct{ MaxUnavailable *int }
	LaunchTemplate                                 *eksLaunchTemplateIn
	RemoteAccess                                   *struct {
		Ec2SshKey            string
		SourceSecurityGroups []string
	}
}

// eksCreateNodegroupAlso: passing the node role to EKS (the Service Authorization Reference
// lists iam:PassedToService eks.amazonaws.com for CreateNodegroup), tagging on create, and with
// a launch template, the caller's own ec2:RunInstances from it into the node group's subnets.
func eksCreateNodegroupAlso(c *core.Req) []core.Check {
	in := core.JSONBody[eksCreateNodegroupIn](c)
	arn := eksNodegroupARN(c, eksClusterLabel(c), in.NodegroupName)
	var checks []core.Check
	if in.NodeRole != "" {
		checks = append(checks, core.PassRole(in.NodeRole, "eks.amazonaws.com", arn))
	}
	checks = append(checks, eksTagOnCreate(c, arn)...)
	if in.LaunchTemplate != nil {
		if lt, err := eksResolveTemplate(c, in.LaunchTemplate); err == nil {
			ng := &eksNodegroup{subnets: core.Unique(in.Subnets), instanceTypes: in.InstanceTypes}
			amiType, release := eksNodeImage(c, in, lt)
			checks = append(checks, eksRunInstancesChecks(c, ng, eksTemplateOf(lt), amiType, release)...)
		}
	}
	return append(checks, eksIAMOf(c).ServiceLinkedRoleCheck(c, "eks-nodegroup.amazonaws.com")...)
}

// eksTemplateOf is the part of a launch template version a node group keeps.
func eksTemplateOf(lt eksLaunchTemplate) eksNodegroupLT {
	return eksNodegroupLT{id: lt.ID, name: lt.Name, version: lt.Version, image: lt.ImageID, instType: lt.InstanceType}
}

// eksNodeImage is the AMI type and release a new node group's nodes run: CUSTOM and the
// template's image, or the requested (default) type at the Kubernetes version's release.
func eksNodeImage(c *core.Req, in eksCreateNodegroupIn, lt eksLaunchTemplate) (amiType, release string) {
	if lt.ImageID != "" {
		return "CUSTOM", lt.ImageID
	}
	amiType = in.AmiType
	if amiType == "" {
		amiType = "AL2023_x86_64_STANDARD"
	}
	release = in.ReleaseVersion
	if release == "" {
		version := in.Version
		if cl := eksOf(c).clusters[eksClusterLabel(c)]; version == "" && cl != nil {
			version = cl.version
		}
		release = eksReleaseVersions[version]
	}
	return amiType, release
}

// eksCheckTemplateUse applies EKS's rules for a node group request with a launch template: what
// the template may not say, and what the request may not say as well as the template.
func eksCheckTemplateUse(in eksCreateNodegroupIn, lt eksLaunchTemplate) *core.APIError {
	switch {
	case lt.InstanceProfile:
		return eksInvalidParam("Launch template should not specify an instance profile. The noderole in your request will be used to construct an instance profile.")
	case in.DiskSize != nil:
		return eksInvalidParam("Disk size must be specified within the launch template.")
	case in.RemoteAccess != nil:
		return eksInvalidParam("Remote access configuration cannot be specified with a launch template.")
	case len(in.InstanceTypes) > 0 && lt.InstanceType != "":
		return eksInvalidRequest("Cannot specify instance types in launch template and API Request")
	case lt.ImageID != "" && in.AmiType != "" && in.AmiType != "CUSTOM":
		return eksInvalidParam("You cannot specify an AMI Type other than CUSTOM, when specifying an image id in your launch template.")
	case lt.ImageID != "" && (in.Version != "" || in.ReleaseVersion != ""):
		return eksInvalidParam("You cannot specify a kubernetes version to use when specifying an image id to use within the launch template.")
	case lt.ImageID == "" && in.AmiType == "CUSTOM":
		return eksInvalidParam("You must specify an image id in your launch template when using the CUSTOM AMI type.")
	}
	return nil
}

type eksNodegroupOut struct {
	NodegroupName  string            `json:"nodegroupName"`
	NodegroupArn   string            `json:"nodegroupArn"`
	ClusterName    string            `json:"clusterName"`
	Version        string            `json:"version"`
	ReleaseVersion string            `json:"releaseVersion"`
	CreatedAt      core.WireTime     `json:"createdAt"`
	ModifiedAt     core.WireTime     `json:"modifiedAt"`
	Status         string            `json:"status"`
	CapacityType   string            `json:"capacityType"`
	ScalingConfig  eksScaling        `json:"scalingConfig"`
	InstanceTypes  []string          `json:"instanceTypes"`
	Subnets        []string          `json:"subnets"`
	AmiType        string            `json:"amiType"`
	NodeRole       string            `json:"nodeRole"`
	Labels         map[string]string `json:"labels"`
	Resources      *struct {
		AutoScalingGroups []struct {
			Name string `json:"name"`
		} `json:"autoScalingGroups"`
	} `json:"resources,omitempty"`
	DiskSize       *int                  `json:"diskSize,omitempty"`
	LaunchTemplate *eksLaunchTemplateOut `json:"launchTemplate,omitempty"`
	Health         eksHealth             `json:"health"`
	UpdateConfig   struct {
		MaxUnavailable int `json:"maxUnavailable"`
	} `json:"updateConfig"`
	Tags map[string]string `json:"tags,omitempty"`
}

func (ng *eksNodegroup) view() eksNodegroupOut {
	minSize, maxSize, desired := ng.minSize, ng.maxSize, ng.desiredSize
	labels := map[string]string{}
	for k, v := range ng.labels {
		labels[k] = v
	}
	out := eksNodegroupOut{
		NodegroupName: ng.name, NodegroupArn: ng.arn, ClusterName: ng.cluster, Version: ng.version, ReleaseVersion: ng.releaseVersion,
		CreatedAt: core.WireTime(ng.created), ModifiedAt: core.WireTime(ng.modified), Status: ng.status, CapacityType: ng.capacityType,
		ScalingConfig: eksScaling{MinSize: &minSize, MaxSize: &maxSize, DesiredSize: &desired},
		InstanceTypes: ng.instanceTypes, Subnets: ng.subnets, AmiType: ng.amiType, NodeRole: ng.nodeRole, Labels: labels,
		Health: eksHealth{Issues: []struct{}{}}, Tags: core.JSONTags(ng.tags), LaunchTemplate: ng.lt.view(),
	}
	if ng.lt == nil {
		diskSize := ng.diskSize
		out.DiskSize = &diskSize
	}
	out.UpdateConfig.MaxUnavailable = ng.maxUnavailable
	if ng.status != "CREATING" {
		out.Resources = &struct {
			AutoScalingGroups []struct {
				Name string `json:"name"`
			} `json:"autoScalingGroups"`
		}{AutoScalingGroups: []struct {
			Name string `json:"name"`
		}{{Name: ng.asgName}}}
	}
	return out
}

type eksNodegroupResult struct {
	Nodegroup eksNodegroupOut `json:"nodegroup"`
}

func eksCreateNodegroup(c *core.Req) (any, error) {
	var in eksCreateNodegroupIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	if err := checkEKSName("nodegroupName", in.NodegroupName, 63); err != nil {
		return nil, err
	}
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	if ng := cl.nodegroups[in.NodegroupName]; ng != nil {
		if in.ClientRequestToken != "" && ng.clientRequestToken == in.ClientRequestToken {
			return eksNodegroupResult{ng.view()}, nil
		}
		return nil, eksInUse("NodeGroup already exists with name %s and cluster name %s", in.NodegroupName, cl.name)
	}
	if cl.status != "ACTIVE" {
		return nil, eksInvalidRequest("Cluster '%s' is not in ACTIVE status", cl.name)
	}
	if err := eksCheckNodeRole(c, in.NodeRole); err != nil {
		return nil, err
	}
	if len(in.Subnets) == 0 {
		return nil, eksInvalidParam("Subnets are required")
	}
	if err := eksCheckNodeSubnets(c, cl, in.Subnets); err != nil {
		return nil, err
	}
	var lt *eksNodegroupLT
	if in.LaunchTemplate != nil {
		found, err := eksResolveTemplate(c, in.LaunchTemplate)
		if err != nil {
			return nil, err
		}
		if err := eksCheckTemplateUse(in, found); err != nil {
			return nil, err
		}
		v := eksTemplateOf(found)
		lt = &v
	}
	one, two := 1, 2
	scaling := eksScaling{MinSize: &one, MaxSize: &two, DesiredSize: &two}
	if s := in.ScalingConfig; s != nil {
		scaling = eksMergeScaling(scaling, *s)
	}
	if err := eksCheckScaling(scaling); err != nil {
		return nil, err
	}
	version := in.Version
	if version == "" {
		version = cl.version
	}
	if !eksSupportedVersion(version) || eksMinor(version) > eksMinor(cl.version) {
		return nil, eksInvalidParam("Requested Kubernetes version %s is invalid for cluster %s at version %s", version, cl.name, cl.version)
	}
	amiType := in.AmiType
	if amiType == "" {
		amiType = "AL2023_x86_64_STANDARD"
	}
	if lt != nil && lt.image != "" {
		amiType = "CUSTOM"
	}
	if strings.HasPrefix(amiType, "AL2_") && eksMinor(version) > 32 {
		return nil, eksInvalidParam("AMI Type %s is only supported for kubernetes versions 1.32 or earlier", amiType)
	}
	capacity := in.CapacityType
	if capacity == "" {
		capacity = "ON_DEMAND"
	}
	if !core.OneOf(capacity, "ON_DEMAND", "SPOT", "CAPACITY_BLOCK") {
		return nil, eksInvalidParam("Unsupported capacityType: %s", capacity)
	}
	diskSize := 20
	if in.DiskSize != nil {
		if *in.DiskSize < 1 || *in.DiskSize > 16384 {
			return nil, eksInvalidParam("diskSize must be between 1 and 16384")
		}
		diskSize = *in.DiskSize
	}
	instanceTypes := in.InstanceTypes
	if len(instanceTypes) == 0 && (lt == nil || lt.instType == "") {
		instanceTypes = []string{"t3.medium"}
	}
	release := in.ReleaseVersion
	if release == "" {
		release = eksReleaseVersions[version]
	}
	if lt != nil && lt.image != "" {
		release = lt.image // a custom AMI's node group reports its image as its release
	}
	if err := checkEKSTags(in.Tags, "InvalidParameterException"); err != nil {
		return nil, err
	}
	maxUnavailable := 1
	if in.UpdateConfig != nil && in.UpdateConfig.MaxUnavailable != nil {
		maxUnavailable = *in.UpdateConfig.MaxUnavailable
	}
	labels := map[string]string{}
	for k, v := range in.Labels {
		labels[k] = v
	}
	ng := &eksNodegroup{
		name: in.NodegroupName, arn: eksNodegroupARN(c, cl.name, in.NodegroupName), cluster: cl.name,
		version: version, releaseVersion: release, status: "CREATING", settleAt: c.Now.Add(c.TransitionDelay()),
		created: c.Now, modified: c.Now, capacityType: capacity, amiType: amiType, nodeRole: in.NodeRole,
		minSize: *scaling.MinSize, maxSize: *scaling.MaxSize, desiredSize: *scaling.DesiredSize,
		instanceTypes: instanceTypes, subnets: core.Unique(in.Subnets), diskSize: diskSize, labels: labels,
		tags: core.TagsOfMap(in.Tags), asgName: "eks-" + in.NodegroupName + "-" + c.RequestID, maxUnavailable: maxUnavailable,
		clientRequestToken: in.ClientRequestToken, lt: lt,
	}
	if lt != nil {
		ng.diskSize = 0
	}
	eksIAMOf(c).EnsureServiceLinkedRole(c, "eks-nodegroup.amazonaws.com")
	cl.nodegroups[ng.name] = ng
	eksReconcileNodes(c, cl, ng)
	return eksNodegroupResult{ng.view()}, nil
}

// eksCheckNodeRole checks a node role: it must exist, have propagated and trust ec2.amazonaws.com.
func eksCheckNodeRole(c *core.Req, roleARN string) *core.APIError {
	if roleARN == "" {
		return eksInvalidParam("nodeRole is required")
	}
	created, exists, trusted := eksIAMOf(c).ServiceRole(c, roleARN, "ec2.amazonaws.com")
	if !exists || c.Now.Before(created.Add(c.PropagationDelay())) {
		return eksInvalidParam("Role with arn: %s, does not exist", roleARN)
	}
	if !trusted {
		return eksInvalidParam("Following required service principals [ec2.amazonaws.com] were not found in the trust relationships of nodeRole %s", roleARN)
	}
	return nil
}

// eksMergeScaling applies the sizes a request sets over current ones.
func eksMergeScaling(cur, in eksScaling) eksScaling {
	out := cur
	if in.MinSize != nil {
		out.MinSize = in.MinSize
	}
	if in.MaxSize != nil {
		out.MaxSize = in.MaxSize
	}
	if in.DesiredSize != nil {
		out.DesiredSize = in.DesiredSize
	}
	return out
}

func eksCheckScaling(s eksScaling) *core.APIError {
	minSize, maxSize, desired := *s.MinSize, *s.MaxSize, *s.DesiredSize
	switch {
	case minSize < 0:
		return eksInvalidParam("Minimum capacity %d can't be negative", minSize)
	case maxSize < 1:
		return eksInvalidParam("Maximum capacity %d must be at least 1", maxSize)
	case minSize > maxSize:
		return eksInvalidParam("Minimum capacity %d can't be greater than maximum capacity %d", minSize, maxSize)
	case desired < minSize:
		return eksInvalidParam("Minimum capacity %d can't be greater than desired size %d", minSize, desired)
	case desired > maxSize:
		return eksInvalidParam("Desired capacity %d can't be greater than max size %d", desired, maxSize)
	}
	return nil
}

// eksFindNodegroup finds the node group named in the path.
func eksFindNodegroup(c *core.Req) (*eksCluster, *eksNodegroup, *core.APIError) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, nil, err
	}
	name := c.In.Labels["nodegroupName"]
	ng := cl.nodegroups[name]
	if ng == nil {
		return nil, nil, eksNotFound("No node group found for name: %s.", name)
	}
	return cl, ng, nil
}

func eksDescribeNodegroup(c *core.Req) (any, error) {
	_, ng, err := eksFindNodegroup(c)
	if err != nil {
		return nil, err
	}
	return eksNodegroupResult{ng.view()}, nil
}

type eksListNodegroupsResult struct {
	Nodegroups []string `json:"nodegroups"`
	NextToken  string   `json:"nextToken,omitempty"`
}

func eksListNodegroups(c *core.Req) (any, error) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	page, next, err := eksPage(c, core.SortedKeys(cl.nodegroups), 100)
	if err != nil {
		return nil, err
	}
	return eksListNodegroupsResult{Nodegroups: page, NextToken: next}, nil
}

func eksUpdateNodegroupConfig(c *core.Req) (any, error) {
	var in struct {
		Labels *struct {
			AddOrUpdateLabels map[string]string
			RemoveLabels      []string
		}
		ScalingConfig      *eksScaling
		UpdateConfig       *struct{ MaxUnavailable *int }
		ClientRequestToken string
	}
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, ng, err := eksFindNodegroup(c)
	if err != nil {
		return nil, err
	}
	if u := eksRetried(cl, in.ClientRequestToken); u != nil {
		return eksUpdateResult{u.view()}, nil
	}
	if in.Labels == nil && in.ScalingConfig == nil && in.UpdateConfig == nil {
		return nil, eksInvalidParam("No changes needed: the request updates nothing")
	}
	if ng.status != "ACTIVE" {
		return nil, eksInUse("Nodegroup %s is in %s state; an update can only start on an ACTIVE node group", ng.name, ng.status)
	}
	minSize, maxSize, desired := ng.minSize, ng.maxSize, ng.desiredSize
	scaling := eksScaling{MinSize: &minSize, MaxSize: &maxSize, DesiredSize: &desired}
	var params []eksUpdateParam
	if s := in.ScalingConfig; s != nil {
		scaling = eksMergeScaling(scaling, *s)
		if err := eksCheckScaling(scaling); err != nil {
			return nil, err
		}
		for _, p := range []struct {
			name string
			v    *int
		}{{"MinSize", s.MinSize}, {"MaxSize", s.MaxSize}, {"DesiredSize", s.DesiredSize}} {
			if p.v != nil {
				params = append(params, eksUpdateParam{p.name, fmt.Sprint(*p.v)})
			}
		}
	}
	labels := map[string]string{}
	for k, v := range ng.labels {
		labels[k] = v
	}
	if l := in.Labels; l != nil {
		for _, k := range l.RemoveLabels {
			if _, clash := l.AddOrUpdateLabels[k]; clash {
				return nil, eksInvalidParam("The label %s can't be both added and removed", k)
			}
			delete(labels, k)
		}
		for k, v := range l.AddOrUpdateLabels {
			labels[k] = v
		}
		if len(l.AddOrUpdateLabels) > 0 {
			params = append(params, eksUpdateParam{"LabelsToAdd", eksJSON(l.AddOrUpdateLabels)})
		}
		if len(l.RemoveLabels) > 0 {
			params = append(params, eksUpdateParam{"LabelsToRemove", eksJSON(l.RemoveLabels)})
		}
	}
	maxUnavailable := ng.maxUnavailable
	if in.UpdateConfig != nil && in.UpdateConfig.MaxUnavailable != nil {
		maxUnavailable = *in.UpdateConfig.MaxUnavailable
		params = append(params, eksUpdateParam{"MaxUnavailable", fmt.Sprint(maxUnavailable)})
	}
	now := c.Now
	u := eksStartUpdate(c, cl, "ConfigUpdate", ng.name, "", params, func() {
		ng.minSize, ng.maxSize, ng.desiredSize = *scaling.MinSize, *scaling.MaxSize, *scaling.DesiredSize
		ng.labels, ng.maxUnavailable, ng.modified = labels, maxUnavailable, now
	})
	u.token = in.ClientRequestToken
	ng.status = "UPDATING"
	return eksUpdateResult{u.view()}, nil
}

// eksUpdateNodegroupVersionIn is an UpdateNodegroupVersion request.
type eksUpdateNodegroupVersionIn struct {
	Version, ReleaseVersion, ClientRequestToken string
	Force                                       bool
	LaunchTemplate                              *eksLaunchTemplateIn
}

// eksUpdateNodegroupVersionAlso: rolling a launch template node group to another template
// version asks, as creating it did, whether the caller may launch from that version.
func eksUpdateNodegroupVersionAlso(c *core.Req) []core.Check {
	in := core.JSONBody[eksUpdateNodegroupVersionIn](c)
	cl := eksOf(c).clusters[eksClusterLabel(c)]
	if in.LaunchTemplate == nil || cl == nil {
		return nil
	}
	ng := cl.nodegroups[c.In.Labels["nodegroupName"]]
	if ng == nil || ng.lt == nil {
		return nil
	}
	lt, err := eksResolveTemplate(c, in.LaunchTemplate)
	if err != nil || lt.ID != ng.lt.id || lt.Version == ng.lt.version {
		return nil
	}
	release := ng.releaseVersion
	if lt.ImageID != "" {
		release = lt.ImageID
	}
	return eksRunInstancesChecks(c, ng, eksTemplateOf(lt), ng.amiType, release)
}

func eksUpdateNodegroupVersion(c *core.Req) (any, error) {
	var in eksUpdateNodegroupVersionIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, ng, err := eksFindNodegroup(c)
	if err != nil {
		return nil, err
	}
	if u := eksRetried(cl, in.ClientRequestToken); u != nil {
		return eksUpdateResult{u.view()}, nil
	}
	if ng.status != "ACTIVE" {
		return nil, eksInUse("Nodegroup %s is in %s state; an update can only start on an ACTIVE node group", ng.name, ng.status)
	}
	lt := ng.lt
	if in.LaunchTemplate != nil {
		if ng.lt == nil {
			return nil, eksInvalidParam("Launch template can't be specified for node group %s, which was not created with a launch template.", ng.name)
		}
		found, err := eksResolveTemplate(c, in.LaunchTemplate)
		if err != nil {
			return nil, err
		}
		if found.ID != ng.lt.id {
			return nil, eksInvalidParam("The launch template ID or name must match the launch template node group %s was created with (%s).", ng.name, ng.lt.id)
		}
		if found.InstanceProfile {
			return nil, eksInvalidParam("Launch template should not specify an instance profile. The noderole in your request will be used to construct an instance profile.")
		}
		if found.ImageID == "" && ng.amiType == "CUSTOM" || found.ImageID != "" && ng.amiType != "CUSTOM" {
			return nil, eksInvalidParam("The launch template version must keep the node group's AMI type %s.", ng.amiType)
		}
		if found.InstanceType != "" && ng.lt.instType == "" {
			return nil, eksInvalidRequest("Cannot specify instance types in launch template and API Request")
		}
		v := eksTemplateOf(found)
		lt = &v
	}
	if lt != nil && lt.image != "" {
		// A custom AMI node group follows its template: no Kubernetes or release version.
		if in.Version != "" || in.ReleaseVersion != "" {
			return nil, eksInvalidParam("You cannot specify a kubernetes version to use when specifying an image id to use within the launch template.")
		}
		if lt.version == ng.lt.version {
			return nil, eksInvalidParam("Requested launch template version %d is same as current launch template version", lt.version)
		}
		now, next := c.Now, *lt
		u := eksStartUpdate(c, cl, "VersionUpdate", ng.name, "", []eksUpdateParam{{"LaunchTemplateName", next.name}, {"LaunchTemplateVersion", strconv.Itoa(next.version)}},
			func() { *ng.lt, ng.releaseVersion, ng.modified = next, next.image, now })
		u.token = in.ClientRequestToken
		ng.status = "UPDATING"
		return eksUpdateResult{u.view()}, nil
	}
	version := in.Version
	if version == "" {
		version = cl.version
	}
	if !eksSupportedVersion(version) || eksMinor(version) > eksMinor(cl.version) || eksMinor(version) < eksMinor(ng.version) {
		return nil, eksInvalidParam("Requested Kubernetes version %s is invalid for node group %s at %s in cluster %s at %s", version, ng.name, ng.version, cl.name, cl.version)
	}
	release := in.ReleaseVersion
	if release == "" {
		release = eksReleaseVersions[version]
	}
	ltChanged := lt != nil && lt.version != ng.lt.version
	if version == ng.version && release == ng.releaseVersion && !ltChanged {
		return nil, eksInvalidParam("Requested release version %s is same as current release version", release)
	}
	params := []eksUpdateParam{{"Version", version}, {"ReleaseVersion", release}}
	if lt != nil {
		params = append(params, eksUpdateParam{"LaunchTemplateName", lt.name}, eksUpdateParam{"LaunchTemplateVersion", strconv.Itoa(lt.version)})
	}
	now := c.Now
	var next eksNodegroupLT
	if lt != nil {
		next = *lt
	}
	u := eksStartUpdate(c, cl, "VersionUpdate", ng.name, "", params, func() {
		ng.version, ng.releaseVersion, ng.modified = version, release, now
		if ng.lt != nil {
			*ng.lt = next
			if release != "" && next.version == ng.nodesVersion {
				ng.nodesVersion = 0 // a new release replaces the nodes too
			}
		}
	})
	u.token = in.ClientRequestToken
	ng.status = "UPDATING"
	return eksUpdateResult{u.view()}, nil
}

func eksDeleteNodegroup(c *core.Req) (any, error) {
	_, ng, err := eksFindNodegroup(c)
	if err != nil {
		return nil, err
	}
	switch ng.status {
	case "DELETING":
		return eksNodegroupResult{ng.view()}, nil
	case "CREATING", "UPDATING":
		return nil, eksInUse("Nodegroup %s is currently in %s state", ng.name, ng.status)
	}
	ng.status = "DELETING"
	ng.settleAt = c.Now.Add(c.TransitionDelay())
	eksReconcileNodes(c, eksOf(c).clusters[ng.cluster], ng) // the nodes are terminated as deletion starts
	return eksNodegroupResult{ng.view()}, nil
}
