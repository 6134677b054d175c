package eks

import (
	"encoding/json"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func eksAddonOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateAddon", HTTP: "POST /clusters/{clusterName}/addons", Action: "eks:CreateAddon", Resources: eksClusterResource, Context: core.Contexts(eksClusterTags, eksRequestTags), Also: eksCreateAddonAlso, Handle: eksCreateAddon},
		{Name: "DescribeAddon", HTTP: "GET /clusters/{clusterName}/addons/{addonName}", Action: "eks:DescribeAddon", Resources: eksAddonResource, Context: eksAddonTags, Handle: eksDescribeAddon},
		{Name: "ListAddons", HTTP: "GET /clusters/{clusterName}/addons", Action: "eks:ListAddons", Resources: eksClusterResource, Context: eksClusterTags, Handle: eksListAddons},
		{Name: "UpdateAddon", HTTP: "POST /clusters/{clusterName}/addons/{addonName}/update", Action: "eks:UpdateAddon", Resources: eksAddonResource, Context: eksAddonTags, Also: eksUpdateAddonAlso, Handle: eksUpdateAddon},
		{Name: "DeleteAddon", HTTP: "DELETE /clusters/{clusterName}/addons/{addonName}", Action: "eks:DeleteAddon", Resources: eksAddonResource, Context: eksAddonTags, Handle: eksDeleteAddon},
		{Name: "DescribeAddonVersions", HTTP: "GET /addons/supported-versions", Action: "eks:DescribeAddonVersions", Handle: eksDescribeAddonVersions},
	}
}

// eksAddonARN is an existing add-on's ARN, or the one a new add-on would get.
func eksAddonARN(c *core.Req, cluster, name string) string {
	if cl := eksOf(c).clusters[cluster]; cl != nil {
		if a := cl.addons[name]; a != nil {
			return a.arn
		}
	}
	return eksARN(c, "addon/"+cluster+"/"+name+"/"+c.RequestID)
}

func eksAddonResource(c *core.Req) []string {
	return []string{eksAddonARN(c, eksClusterLabel(c), c.In.Labels["addonName"])}
}

func eksAddonTags(c *core.Req) map[string][]string {
	if cl := eksOf(c).clusters[eksClusterLabel(c)]; cl != nil {
		if a := cl.addons[c.In.Labels["addonName"]]; a != nil {
			return core.ResourceTagContext(a.tags)
		}
	}
	return nil
}

type eksAddonIn struct {
	AddonName, AddonVersion, ServiceAccountRoleArn string
	ResolveConflicts, ClientRequestToken           string
	ConfigurationValues                            *string
	Tags                                           map[string]string
}

// eksCreateAddonAlso: passing the add-on's IRSA role to EKS, and tagging on create.
func eksCreateAddonAlso(c *core.Req) []core.Check {
	in := core.JSONBody[eksAddonIn](c)
	arn := eksAddonARN(c, eksClusterLabel(c), in.AddonName)
	var checks []core.Check
	if in.ServiceAccountRoleArn != "" {
		checks = append(checks, core.PassRole(in.ServiceAccountRoleArn, "eks.amazonaws.com", arn))
	}
	return append(checks, eksTagOnCreate(c, arn)...)
}

func eksUpdateAddonAlso(c *core.Req) []core.Check {
	if r := core.JSONBody[eksAddonIn](c).ServiceAccountRoleArn; r != "" {
		return []core.Check{core.PassRole(r, "eks.amazonaws.com", eksAddonResource(c)[0])}
	}
	return nil
}

type eksAddonOut struct {
	AddonName             string            `json:"addonName"`
	ClusterName           string            `json:"clusterName"`
	Status                string            `json:"status"`
	AddonVersion          string            `json:"addonVersion"`
	Health                eksHealth         `json:"health"`
	AddonArn              string            `json:"addonArn"`
	CreatedAt             core.WireTime     `json:"createdAt"`
	ModifiedAt            core.WireTime     `json:"modifiedAt"`
	ServiceAccountRoleArn string            `json:"serviceAccountRoleArn,omitempty"`
	Tags                  map[string]string `json:"tags,omitempty"`
	Publisher             string            `json:"publisher"`
	Owner                 string            `json:"owner"`
	ConfigurationValues   string            `json:"configurationValues,omitempty"`
}

func (a *eksAddon) view() eksAddonOut {
	return eksAddonOut{
		AddonName: a.name, ClusterName: a.cluster, Status: a.status, AddonVersion: a.version, Health: eksHealth{Issues: []struct{}{}},
		AddonArn: a.arn, CreatedAt: core.WireTime(a.created), ModifiedAt: core.WireTime(a.modified), ServiceAccountRoleArn: a.serviceAccountRoleArn,
		Tags: core.JSONTags(a.tags), Publisher: "eks", Owner: "aws", ConfigurationValues: a.configurationValues,
	}
}

type eksAddonResult struct {
	Addon eksAddonOut `json:"addon"`
}

// eksCheckAddonSettings validates what CreateAddon and UpdateAddon share.
func eksCheckAddonSettings(c *core.Req, in *eksAddonIn) *core.APIError {
	if in.ResolveConflicts != "" && !core.OneOf(in.ResolveConflicts, "NONE", "OVERWRITE", "PRESERVE") {
		return eksInvalidParam("Unsupported resolveConflicts value: %s", in.ResolveConflicts)
	}
	if v := in.ConfigurationValues; v != nil && *v != "" && !json.Valid([]byte(*v)) {
		return eksInvalidParam("ConfigurationValue provided in request is not supported: Json schema validation failed")
	}
	if in.ServiceAccountRoleArn != "" {
		if _, exists, _ := eksIAMOf(c).ServiceRole(c, in.ServiceAccountRoleArn, "eks.amazonaws.com"); !exists {
			return eksInvalidParam("Role with arn: %s, does not exist", in.ServiceAccountRoleArn)
		}
	}
	return nil
}

func eksCreateAddon(c *core.Req) (any, error) {
	var in eksAddonIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	if a := cl.addons[in.AddonName]; a != nil {
		if in.ClientRequestToken != "" && a.clientRequestToken == in.ClientRequestToken {
			return eksAddonResult{a.view()}, nil // an idempotent retry
		}
		if a.status == "DELETING" {
			return nil, eksInUse("Addon %s is being deleted", in.AddonName)
		}
		return nil, eksInUse("Addon already exists.")
	}
	if cl.status != "ACTIVE" {
		return nil, eksInvalidRequest("Cluster '%s' is not in ACTIVE status", cl.name)
	}
	spec := eksAddonByName(in.AddonName)
	if spec == nil {
		return nil, eksInvalidParam("Addon %s specified is not supported in %s kubernetes version", in.AddonName, cl.version)
	}
	rel := spec.release(in.AddonVersion, cl.version)
	if rel == nil {
		return nil, eksInvalidParam("Addon version specified is not supported")
	}
	if err := eksCheckAddonSettings(c, &in); err != nil {
		return nil, err
	}
	if err := checkEKSTags(in.Tags, "InvalidParameterException"); err != nil {
		return nil, err
	}
	a := &eksAddon{
		name: in.AddonName, arn: eksAddonARN(c, cl.name, in.AddonName), cluster: cl.name, version: rel.version,
		status: "CREATING", settleAt: c.Now.Add(c.TransitionDelay()), created: c.Now, modified: c.Now,
		serviceAccountRoleArn: in.ServiceAccountRoleArn, tags: core.TagsOfMap(in.Tags), clientRequestToken: in.ClientRequestToken,
	}
	if in.ConfigurationValues != nil {
		a.configurationValues = *in.ConfigurationValues
	}
	cl.addons[a.name] = a
	return eksAddonResult{a.view()}, nil
}

// eksFindAddon finds the add-on named in the path.
func eksFindAddon(c *core.Req) (*eksCluster, *eksAddon, *core.APIError) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, nil, err
	}
	name := c.In.Labels["addonName"]
	a := cl.addons[name]
	if a == nil {
		return nil, nil, eksNotFound("No addon: %s found in cluster: %s", name, cl.name)
	}
	return cl, a, nil
}

func eksDescribeAddon(c *core.Req) (any, error) {
	_, a, err := eksFindAddon(c)
	if err != nil {
		return nil, err
	}
	return eksAddonResult{a.view()}, nil
}

type eksListAddonsResult struct {
	Addons    []string `json:"addons"`
	NextToken string   `json:"nextToken,omitempty"`
}

func eksListAddons(c *core.Req) (any, error) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	page, next, err := eksPage(c, core.SortedKeys(cl.addons), 100)
	if err != nil {
		return nil, err
	}
	return eksListAddonsResult{Addons: page, NextToken: next}, nil
}

func eksUpdateAddon(c *core.Req) (any, error) {
	var in eksAddonIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, a, err := eksFindAddon(c)
	if err != nil {
		return nil, err
	}
	if u := eksRetried(cl, in.ClientRequestToken); u != nil {
		return eksUpdateResult{u.view()}, nil
	}
	if a.status != "ACTIVE" {
		return nil, eksInUse("Addon %s is in %s state; an update can only start on an ACTIVE add-on", a.name, a.status)
	}
	version := a.version
	if in.AddonVersion != "" {
		rel := eksAddonByName(a.name).release(in.AddonVersion, cl.version)
		if rel == nil {
			return nil, eksInvalidParam("Addon version specified is not supported")
		}
		if eksAddonVersionLess(rel.version, a.version) {
			return nil, eksInvalidParam("Updating addon %s from %s to a lower version %s is not supported", a.name, a.version, rel.version)
		}
		version = rel.version
	}
	if err := eksCheckAddonSettings(c, &in); err != nil {
		return nil, err
	}
	params := []eksUpdateParam{{"AddonVersion", version}}
	role, config := a.serviceAccountRoleArn, a.configurationValues
	if in.ServiceAccountRoleArn != "" {
		role = in.ServiceAccountRoleArn
		params = append(params, eksUpdateParam{"ServiceAccountRoleArn", role})
	}
	if in.ResolveConflicts != "" {
		params = append(params, eksUpdateParam{"ResolveConflicts", in.ResolveConflicts})
	}
	if in.ConfigurationValues != nil {
		config = *in.ConfigurationValues
		params = append(params, eksUpdateParam{"ConfigurationValues", config})
	}
	now := c.Now
	u := eksStartUpdate(c, cl, "AddonUpdate", "", a.name, params, func() {
		a.version, a.serviceAccountRoleArn, a.configurationValues, a.modified = version, role, config, now
	})
	u.token = in.ClientRequestToken
	a.status = "UPDATING"
	return eksUpdateResult{u.view()}, nil
}

func eksDeleteAddon(c *core.Req) (any, error) {
	_, a, err := eksFindAddon(c)
	if err != nil {
		return nil, err
	}
	if a.status != "DELETING" {
		a.status = "DELETING"
		a.settleAt = c.Now.Add(c.TransitionDelay())
	}
	return eksAddonResult{a.view()}, nil
}
