package eks

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func eksClusterUpdateOps() []*core.Operation {
	return []*core.Operation{
		{Name: "UpdateClusterConfig", HTTP: "POST /clusters/{name}/update-config", Action: "eks:UpdateClusterConfig", Resources: eksClusterResource, Context: core.Contexts(eksClusterTags, eksUpdateConfigContext), Handle: eksUpdateClusterConfig},
		{Name: "UpdateClusterVersion", HTTP: "POST /clusters/{name}/updates", Action: "eks:UpdateClusterVersion", Resources: eksClusterResource, Context: core.Contexts(eksClusterTags, eksUpdateVersionContext), Handle: eksUpdateClusterVersion},
		{Name: "DescribeUpdate", HTTP: "GET /clusters/{name}/updates/{updateId}", Action: "eks:DescribeUpdate", Resources: eksUpdateResources, Context: eksClusterTags, Handle: eksDescribeUpdate},
		{Name: "ListUpdates", HTTP: "GET /clusters/{name}/updates", Action: "eks:ListUpdates", Resources: eksUpdateResources, Context: eksClusterTags, Handle: eksListUpdates},
	}
}

type eksUpdateParam struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type eksUpdateOut struct {
	ID        string           `json:"id"`
	Status    string           `json:"status"`
	Type      string           `json:"type"`
	Params    []eksUpdateParam `json:"params"`
	CreatedAt core.WireTime    `json:"createdAt"`
	Errors    []struct{}       `json:"errors"`
}

func (u *eksUpdate) view() eksUpdateOut {
	return eksUpdateOut{ID: u.id, Status: u.status, Type: u.kind, Params: u.params, CreatedAt: core.WireTime(u.created), Errors: []struct{}{}}
}

type eksUpdateResult struct {
	Update eksUpdateOut `json:"update"`
}

// eksStartUpdate records an update of the cluster (or of a node group or add-on) that completes,
// running apply, after the transition delay.
func eksStartUpdate(c *core.Req, cl *eksCluster, kind, nodegroup, addon string, params []eksUpdateParam, apply func()) *eksUpdate {
	u := &eksUpdate{
		id: core.RandomUUID(), kind: kind, status: "InProgress", nodegroup: nodegroup, addon: addon,
		params: params, created: c.Now, settleAt: c.Now.Add(c.TransitionDelay()), apply: apply,
	}
	cl.updates = append(cl.updates, u)
	return u
}

type eksUpdateClusterConfigIn struct {
	ResourcesVpcConfig *eksVpcConfigIn
	Logging            *eksLogging
	AccessConfig       *struct{ AuthenticationMode string }
	ClientRequestToken string
}

func eksUpdateConfigContext(c *core.Req) map[string][]string {
	in := core.JSONBody[eksUpdateClusterConfigIn](c)
	m := eksLoggingContext(in.Logging)
	if m == nil {
		m = map[string][]string{}
	}
	if in.ResourcesVpcConfig != nil {
		eksEndpointContext(m, in.ResourcesVpcConfig)
	}
	if in.AccessConfig != nil && in.AccessConfig.AuthenticationMode != "" {
		m["eks:authenticationMode"] = []string{in.AccessConfig.AuthenticationMode}
	}
	return m
}

// eksRetried finds an update the same client request token already started (an SDK retry).
func eksRetried(cl *eksCluster, token string) *eksUpdate {
	if token == "" {
		return nil
	}
	for _, u := range cl.updates {
		if u.token == token {
			return u
		}
	}
	return nil
}

func eksUpdateClusterConfig(c *core.Req) (any, error) {
	var in eksUpdateClusterConfigIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	if u := eksRetried(cl, in.ClientRequestToken); u != nil {
		return eksUpdateResult{u.view()}, nil
	}
	kinds := 0
	for _, set := range []bool{in.ResourcesVpcConfig != nil, in.Logging != nil, in.AccessConfig != nil} {
		if set {
			kinds++
		}
	}
	if kinds == 0 {
		return nil, eksInvalidParam("No changes needed: the request updates nothing")
	}
	if kinds > 1 {
		return nil, eksInvalidParam("Only one type of update can be allowed.")
	}
	if cl.status != "ACTIVE" {
		return nil, eksInUse("Cluster %s is in %s state; an update can only start on an ACTIVE cluster", cl.name, cl.status)
	}
	var u *eksUpdate
	switch {
	case in.Logging != nil:
		types, err := eksApplyLogging(cl.logTypes, in.Logging)
		if err != nil {
			return nil, err
		}
		if eksSameLogTypes(types, cl.logTypes) {
			return nil, eksInvalidParam("No changes needed for the logging config provided")
		}
		value, _ := json.Marshal(eksLoggingOut(types))
		u = eksStartUpdate(c, cl, "LoggingUpdate", "", "", []eksUpdateParam{{"ClusterLogging", string(value)}}, func() { cl.logTypes = types })
		eksEnsureLogGroup(c, &eksCluster{name: cl.name, logTypes: types})
	case in.ResourcesVpcConfig != nil:
		u, err = eksUpdateVpc(c, cl, in.ResourcesVpcConfig)
		if err != nil {
			return nil, err
		}
	default:
		u, err = eksUpdateAccessConfig(c, cl, in.AccessConfig.AuthenticationMode)
		if err != nil {
			return nil, err
		}
	}
	u.token = in.ClientRequestToken
	cl.status = "UPDATING"
	return eksUpdateResult{u.view()}, nil
}

// eksUpdateVpc starts an endpoint access update (or a subnet/security group update).
func eksUpdateVpc(c *core.Req, cl *eksCluster, in *eksVpcConfigIn) (*eksUpdate, *core.APIError) {
	next := cl.vpc
	next.publicAccessCidrs = append([]string(nil), cl.vpc.publicAccessCidrs...)
	if err := eksApplyEndpoint(&next, in); err != nil {
		return nil, err
	}
	if in.SubnetIds != nil || in.SecurityGroupIds != nil {
		merged := &eksVpcConfigIn{SubnetIds: cl.vpc.subnetIDs, SecurityGroupIds: cl.vpc.securityGroupIDs}
		if in.SubnetIds != nil {
			merged.SubnetIds = in.SubnetIds
		}
		if in.SecurityGroupIds != nil {
			merged.SecurityGroupIds = in.SecurityGroupIds
		}
		checked, err := eksNewVpcConfig(c, merged)
		if err != nil {
			return nil, err
		}
		if checked.vpcID != cl.vpc.vpcID {
			return nil, eksInvalidParam("The cluster's VPC can't be changed: subnets and security groups must stay in %s", cl.vpc.vpcID)
		}
		next.subnetIDs, next.securityGroupIDs = checked.subnetIDs, checked.securityGroupIDs
		params := []eksUpdateParam{{"Subnets", eksJSON(next.subnetIDs)}, {"SecurityGroups", eksJSON(next.securityGroupIDs)}}
		return eksStartUpdate(c, cl, "VpcConfigUpdate", "", "", params, func() { cl.vpc = next }), nil
	}
	if next.publicAccess == cl.vpc.publicAccess && next.privateAccess == cl.vpc.privateAccess &&
		strings.Join(next.publicAccessCidrs, ",") == strings.Join(cl.vpc.publicAccessCidrs, ",") {
		return nil, eksInvalidParam("Cluster is already at the desired configuration with endpointPrivateAccess: %t , endpointPublicAccess: %t, and publicAccessCidrs: %s",
			next.privateAccess, next.publicAccess, eksJSON(next.publicAccessCidrs))
	}
	params := []eksUpdateParam{
		{"EndpointPublicAccess", fmt.Sprint(next.publicAccess)},
		{"EndpointPrivateAccess", fmt.Sprint(next.privateAccess)},
		{"PublicAccessCidrs", eksJSON(next.publicAccessCidrs)},
	}
	return eksStartUpdate(c, cl, "EndpointAccessUpdate", "", "", params, func() { cl.vpc = next }), nil
}

// eksUpdateAccessConfig moves the authentication mode forward only: CONFIG_MAP to
// API_AND_CONFIG_MAP to API, as EKS allows.
func eksUpdateAccessConfig(c *core.Req, cl *eksCluster, mode string) (*eksUpdate, *core.APIError) {
	order := map[string]int{"CONFIG_MAP": 0, "API_AND_CONFIG_MAP": 1, "API": 2}
	to, ok := order[mode]
	if !ok {
		return nil, eksInvalidParam("Unsupported authentication mode: %s", mode)
	}
	if mode == cl.authMode {
		return nil, eksInvalidParam("Unsupported authentication mode update from %s to %s", cl.authMode, mode)
	}
	if to < order[cl.authMode] {
		return nil, eksInvalidParam("Unsupported authentication mode update from %s to %s", cl.authMode, mode)
	}
	return eksStartUpdate(c, cl, "AccessConfigUpdate", "", "", []eksUpdateParam{{"AuthenticationMode", mode}}, func() { cl.authMode = mode }), nil
}

func eksUpdateVersionContext(c *core.Req) map[string][]string {
	if v := core.JSONBody[struct{ Version string }](c).Version; v != "" {
		return map[string][]string{"eks:kubernetesVersion": {v}}
	}
	return nil
}

func eksUpdateClusterVersion(c *core.Req) (any, error) {
	var in struct {
		Version, ClientRequestToken string
		Force                       bool
	}
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	if u := eksRetried(cl, in.ClientRequestToken); u != nil {
		return eksUpdateResult{u.view()}, nil
	}
	if cl.status != "ACTIVE" {
		return nil, eksInUse("Cluster %s is in %s state; an update can only start on an ACTIVE cluster", cl.name, cl.status)
	}
	if eksMinor(in.Version) != eksMinor(cl.version)+1 || !eksSupportedVersion(in.Version) {
		return nil, eksInvalidParam("Unsupported Kubernetes minor version update from %s to %s", cl.version, in.Version)
	}
	for _, ng := range cl.nodegroups {
		if eksMinor(ng.version) < eksMinor(cl.version) && !in.Force {
			return nil, eksInvalidParam("Nodegroup %s must be updated to match cluster version %s before updating cluster version", ng.name, cl.version)
		}
	}
	version, platform := in.Version, eksPlatformVersions[in.Version]
	u := eksStartUpdate(c, cl, "VersionUpdate", "", "", []eksUpdateParam{{"Version", version}, {"PlatformVersion", platform}},
		func() { cl.version, cl.platformVersion = version, platform })
	u.token = in.ClientRequestToken
	cl.status = "UPDATING"
	return eksUpdateResult{u.view()}, nil
}

// eksUpdateResources: the cluster, and the node group or add-on the query names.
func eksUpdateResources(c *core.Req) []string {
	out := eksClusterResource(c)
	cluster := eksClusterLabel(c)
	if n := c.Param("nodegroupName"); n != "" {
		out = append(out, eksNodegroupARN(c, cluster, n))
	}
	if n := c.Param("addonName"); n != "" {
		out = append(out, eksAddonARN(c, cluster, n))
	}
	return out
}

func eksDescribeUpdate(c *core.Req) (any, error) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	id := c.In.Labels["updateId"]
	ng, addon := c.Param("nodegroupName"), c.Param("addonName")
	for _, u := range cl.updates {
		if u.id == id && u.nodegroup == ng && u.addon == addon {
			return eksUpdateResult{u.view()}, nil
		}
	}
	return nil, eksNotFound("No update found for ID: %s", id)
}

type eksListUpdatesResult struct {
	UpdateIds []string `json:"updateIds"`
	NextToken string   `json:"nextToken,omitempty"`
}

func eksListUpdates(c *core.Req) (any, error) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	ng, addon := c.Param("nodegroupName"), c.Param("addonName")
	if ng != "" && cl.nodegroups[ng] == nil {
		return nil, eksNotFound("No node group found for name: %s.", ng)
	}
	if addon != "" && cl.addons[addon] == nil {
		return nil, eksNotFound("No addon: %s found in cluster: %s", addon, cl.name)
	}
	var ids []string
	for _, u := range cl.updates {
		if u.nodegroup == ng && u.addon == addon {
			ids = append(ids, u.id)
		}
	}
	page, next, perr := eksPage(c, ids, 100)
	if perr != nil {
		return nil, perr
	}
	return eksListUpdatesResult{UpdateIds: page, NextToken: next}, nil
}

// eksSameLogTypes reports whether two sets of enabled log types are the same.
func eksSameLogTypes(a, b map[string]bool) bool {
	for _, t := range eksLogTypes {
		if a[t] != b[t] {
			return false
		}
	}
	return true
}

// eksJSON renders a value as the JSON text EKS puts in update params.
func eksJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
