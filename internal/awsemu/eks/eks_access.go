package eks

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func eksAccessOps() []*core.Operation {
	entry := "/clusters/{clusterName}/access-entries/{principalArn}"
	return []*core.Operation{
		{Name: "CreateAccessEntry", HTTP: "POST /clusters/{clusterName}/access-entries", Action: "eks:CreateAccessEntry", Resources: eksClusterResource, Context: core.Contexts(eksClusterTags, eksRequestTags, eksNewEntryContext), Also: eksCreateEntryAlso, Handle: eksCreateAccessEntry},
		{Name: "DescribeAccessEntry", HTTP: "GET " + entry, Action: "eks:DescribeAccessEntry", Resources: eksEntryResource, Context: eksEntryContext, Handle: eksDescribeAccessEntry},
		{Name: "UpdateAccessEntry", HTTP: "POST " + entry, Action: "eks:UpdateAccessEntry", Resources: eksEntryResource, Context: eksEntryContext, Handle: eksUpdateAccessEntry},
		{Name: "ListAccessEntries", HTTP: "GET /clusters/{clusterName}/access-entries", Action: "eks:ListAccessEntries", Resources: eksClusterResource, Context: eksClusterTags, Handle: eksListAccessEntries},
		{Name: "DeleteAccessEntry", HTTP: "DELETE " + entry, Action: "eks:DeleteAccessEntry", Resources: eksEntryResource, Context: eksEntryContext, Handle: eksDeleteAccessEntry},
		{Name: "AssociateAccessPolicy", HTTP: "POST " + entry + "/access-policies", Action: "eks:AssociateAccessPolicy", Resources: eksEntryResource, Context: core.Contexts(eksEntryContext, eksAssociateContext), Handle: eksAssociateAccessPolicy},
		{Name: "DisassociateAccessPolicy", HTTP: "DELETE " + entry + "/access-policies/{policyArn}", Action: "eks:DisassociateAccessPolicy", Resources: eksEntryResource, Context: core.Contexts(eksEntryContext, eksDisassociateContext), Handle: eksDisassociateAccessPolicy},
		{Name: "ListAssociatedAccessPolicies", HTTP: "GET " + entry + "/access-policies", Action: "eks:ListAssociatedAccessPolicies", Resources: eksEntryResource, Context: eksEntryContext, Handle: eksListAssociatedAccessPolicies},
	}
}

const eksAccessPolicyPrefix = "arn:aws:eks::aws:cluster-access-policy/"

// eksClusterAdminPolicy is the access policy EKS associates with a cluster's creator.
const eksClusterAdminPolicy = eksAccessPolicyPrefix + "AmazonEKSClusterAdminPolicy"

// eksAccessPolicies are the AWS access policies EKS offers.
var eksAccessPolicies = []string{
	"AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy", "AmazonEKSClusterAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy",
}

// eksPrincipalParts splits an IAM role or user ARN into its type, account and name (without
// path); ok is false for anything else (an STS session ARN, a malformed value).
func eksPrincipalParts(arn string) (kind, account, name string, ok bool) {
	rest, found := strings.CutPrefix(arn, "arn:aws:iam::")
	if !found {
		return "", "", "", false
	}
	account, res, found := strings.Cut(rest, ":")
	if !found || len(account) != 12 {
		return "", "", "", false
	}
	if res == "root" {
		return "account", account, "root", true
	}
	kind, path, found := strings.Cut(res, "/")
	if !found || (kind != "role" && kind != "user") || path == "" {
		return "", "", "", false
	}
	return kind, account, path[strings.LastIndex(path, "/")+1:], true
}

// eksEntryARN is an existing access entry's ARN, or the one a new entry would get.
func eksEntryARN(c *core.Req, cluster, principal string) string {
	if cl := eksOf(c).clusters[cluster]; cl != nil {
		if e := cl.entries[principal]; e != nil {
			return e.arn
		}
	}
	kind, account, name, ok := eksPrincipalParts(principal)
	if !ok {
		kind, account, name = "unknown", c.Account.Id, "unknown"
	}
	return eksARN(c, "access-entry/"+cluster+"/"+kind+"/"+account+"/"+name+"/"+c.RequestID)
}

func eksEntryResource(c *core.Req) []string {
	return []string{eksEntryARN(c, eksClusterLabel(c), c.In.Labels["principalArn"])}
}

type eksAccessEntryIn struct {
	PrincipalArn, Username, Type, ClientRequestToken string
	KubernetesGroups                                 []string
	Tags                                             map[string]string
}

// eksEntryKeys are the access-entry condition keys for an entry's values.
func eksEntryKeys(cluster, principal, kind, username string, groups []string) map[string][]string {
	m := map[string][]string{"eks:clusterName": {cluster}, "eks:principalArn": {principal}}
	if kind != "" {
		m["eks:accessEntryType"] = []string{kind}
	}
	if username != "" {
		m["eks:username"] = []string{username}
	}
	if len(groups) > 0 {
		m["eks:kubernetesGroups"] = groups
	}
	return m
}

// eksNewEntryContext: CreateAccessEntry's keys for the entry the request describes.
func eksNewEntryContext(c *core.Req) map[string][]string {
	in := core.JSONBody[eksAccessEntryIn](c)
	kind := in.Type
	if kind == "" {
		kind = "STANDARD"
	}
	// CreateAccessEntry is authorized on the cluster: eks:clusterName is a key of the
	// access-entry resource type, which the SAR does not list for it.
	m := eksEntryKeys(eksClusterLabel(c), in.PrincipalArn, kind, in.Username, in.KubernetesGroups)
	delete(m, "eks:clusterName")
	return m
}

// eksEntryContext: aws:ResourceTag/* and the access-entry keys of the entry in the path.
func eksEntryContext(c *core.Req) map[string][]string {
	cluster, principal := eksClusterLabel(c), c.In.Labels["principalArn"]
	if cl := eksOf(c).clusters[cluster]; cl != nil {
		if e := cl.entries[principal]; e != nil {
			return core.MergeContext(core.ResourceTagContext(e.tags), eksEntryKeys(cluster, principal, e.kind, e.username, e.groups))
		}
	}
	return eksEntryKeys(cluster, principal, "", "", nil)
}

func eksCreateEntryAlso(c *core.Req) []core.Check {
	return eksTagOnCreate(c, eksEntryARN(c, eksClusterLabel(c), core.JSONBody[eksAccessEntryIn](c).PrincipalArn))
}

type eksAccessEntryOut struct {
	ClusterName      string            `json:"clusterName"`
	PrincipalArn     string            `json:"principalArn"`
	KubernetesGroups []string          `json:"kubernetesGroups"`
	AccessEntryArn   string            `json:"accessEntryArn"`
	CreatedAt        core.WireTime     `json:"createdAt"`
	ModifiedAt       core.WireTime     `json:"modifiedAt"`
	Tags             map[string]string `json:"tags,omitempty"`
	Username         string            `json:"username"`
	Type             string            `json:"type"`
}

func (e *eksAccessEntry) view(cluster string) eksAccessEntryOut {
	return eksAccessEntryOut{
		ClusterName: cluster, PrincipalArn: e.principalArn, KubernetesGroups: eksList(e.groups), AccessEntryArn: e.arn,
		CreatedAt: core.WireTime(e.created), ModifiedAt: core.WireTime(e.modified), Tags: core.JSONTags(e.tags), Username: e.username, Type: e.kind,
	}
}

type eksAccessEntryResult struct {
	AccessEntry eksAccessEntryOut `json:"accessEntry"`
}

// eksAPIAuth checks that the cluster authenticates through access entries.
func eksAPIAuth(cl *eksCluster) *core.APIError {
	if cl.authMode == "CONFIG_MAP" {
		return eksInvalidRequest("The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.")
	}
	return nil
}

// eksNewAccessEntry builds an access entry with EKS's default user name for its principal.
func eksNewAccessEntry(c *core.Req, cl *eksCluster, principal, kind, username string, groups []string, tags []core.Tag) *eksAccessEntry {
	if username == "" {
		pk, account, name, _ := eksPrincipalParts(principal)
		switch {
		case kind != "STANDARD":
			username = "system:node:{{EC2PrivateDNSName}}"
		case pk == "role":
			username = "arn:aws:sts::" + account + ":assumed-role/" + name + "/{{SessionName}}"
		default:
			username = principal
		}
	}
	return &eksAccessEntry{
		principalArn: principal, arn: eksEntryARN(c, cl.name, principal), username: username, kind: kind,
		groups: groups, created: c.Now, modified: c.Now, tags: tags, policies: map[string]*eksAccessPolicy{},
	}
}

func eksCreateAccessEntry(c *core.Req) (any, error) {
	var in eksAccessEntryIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	if err := eksAPIAuth(cl); err != nil {
		return nil, err
	}
	kindOf, account, _, ok := eksPrincipalParts(in.PrincipalArn)
	if !ok {
		return nil, eksInvalidParam("The specified principalArn is invalid: %s. Use the ARN of an IAM role or user.", in.PrincipalArn)
	}
	if account == c.Account.Id && kindOf == "role" {
		if !eksIAMOf(c).RoleExists(c, in.PrincipalArn) {
			return nil, eksInvalidParam("The specified principalArn could not be found: %s", in.PrincipalArn)
		}
	}
	if e := cl.entries[in.PrincipalArn]; e != nil {
		if in.ClientRequestToken != "" && e.clientRequestToken == in.ClientRequestToken {
			return eksAccessEntryResult{e.view(cl.name)}, nil // an idempotent retry
		}
		return nil, eksInUse("The specified access entry resource is already in use on this cluster.")
	}
	kind := in.Type
	if kind == "" {
		kind = "STANDARD"
	}
	if !core.OneOf(kind, "STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX") {
		return nil, eksInvalidParam("Unsupported access entry type: %s", kind)
	}
	if kind != "STANDARD" && (len(in.KubernetesGroups) > 0 || in.Username != "") {
		return nil, eksInvalidParam("kubernetesGroups and username can't be specified for access entries of type %s", kind)
	}
	if err := eksCheckGroups(in.KubernetesGroups); err != nil {
		return nil, err
	}
	if err := checkEKSTags(in.Tags, "InvalidParameterException"); err != nil {
		return nil, err
	}
	e := eksNewAccessEntry(c, cl, in.PrincipalArn, kind, in.Username, core.Unique(in.KubernetesGroups), core.TagsOfMap(in.Tags))
	e.clientRequestToken = in.ClientRequestToken
	cl.entries[e.principalArn] = e
	return eksAccessEntryResult{e.view(cl.name)}, nil
}

// eksCheckGroups rejects Kubernetes groups EKS reserves.
func eksCheckGroups(groups []string) *core.APIError {
	for _, g := range groups {
		if strings.HasPrefix(g, "system:") {
			return eksInvalidParam("The kubernetesGroups %s is not valid: groups can't start with system:", g)
		}
	}
	return nil
}

// eksFindEntry finds the access entry named in the path.
func eksFindEntry(c *core.Req) (*eksCluster, *eksAccessEntry, *core.APIError) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, nil, err
	}
	principal := c.In.Labels["principalArn"]
	e := cl.entries[principal]
	if e == nil {
		return nil, nil, eksNotFound("The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.")
	}
	return cl, e, nil
}

func eksDescribeAccessEntry(c *core.Req) (any, error) {
	cl, e, err := eksFindEntry(c)
	if err != nil {
		return nil, err
	}
	return eksAccessEntryResult{e.view(cl.name)}, nil
}

func eksUpdateAccessEntry(c *core.Req) (any, error) {
	var in struct {
		KubernetesGroups []string
		Username         *string
	}
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, e, err := eksFindEntry(c)
	if err != nil {
		return nil, err
	}
	if e.kind != "STANDARD" {
		return nil, eksInvalidParam("Access entries of type %s can't be updated", e.kind)
	}
	if in.KubernetesGroups != nil {
		if err := eksCheckGroups(in.KubernetesGroups); err != nil {
			return nil, err
		}
		e.groups = core.Unique(in.KubernetesGroups)
	}
	if in.Username != nil && *in.Username != "" {
		e.username = *in.Username
	}
	e.modified = c.Now
	return eksAccessEntryResult{e.view(cl.name)}, nil
}

type eksListEntriesResult struct {
	AccessEntries []string `json:"accessEntries"`
	NextToken     string   `json:"nextToken,omitempty"`
}

func eksListAccessEntries(c *core.Req) (any, error) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	filter := c.Param("associatedPolicyArn")
	var principals []string
	for _, p := range core.SortedKeys(cl.entries) {
		if filter == "" || cl.entries[p].policies[filter] != nil {
			principals = append(principals, p)
		}
	}
	page, next, perr := eksPage(c, principals, 100)
	if perr != nil {
		return nil, perr
	}
	return eksListEntriesResult{AccessEntries: page, NextToken: next}, nil
}

func eksDeleteAccessEntry(c *core.Req) (any, error) {
	cl, e, err := eksFindEntry(c)
	if err != nil {
		return nil, err
	}
	delete(cl.entries, e.principalArn)
	return struct{}{}, nil
}

type eksAccessScope struct {
	Type       string   `json:"type"`
	Namespaces []string `json:"namespaces"`
}

type eksAssociateIn struct {
	PolicyArn   string
	AccessScope *eksAccessScope
}

func eksAssociateContext(c *core.Req) map[string][]string {
	in := core.JSONBody[eksAssociateIn](c)
	m := map[string][]string{"eks:policyArn": {in.PolicyArn}}
	if s := in.AccessScope; s != nil {
		m["eks:accessScope"] = []string{s.Type}
		if len(s.Namespaces) > 0 {
			m["eks:namespaces"] = s.Namespaces
		}
	}
	return m
}

func eksDisassociateContext(c *core.Req) map[string][]string {
	return map[string][]string{"eks:policyArn": {c.In.Labels["policyArn"]}}
}

type eksAssociatedPolicyOut struct {
	PolicyArn    string         `json:"policyArn"`
	AccessScope  eksAccessScope `json:"accessScope"`
	AssociatedAt core.WireTime  `json:"associatedAt"`
	ModifiedAt   core.WireTime  `json:"modifiedAt"`
}

func (p *eksAccessPolicy) view() eksAssociatedPolicyOut {
	return eksAssociatedPolicyOut{PolicyArn: p.arn, AccessScope: eksAccessScope{Type: p.scopeType, Namespaces: eksList(p.namespaces)},
		AssociatedAt: core.WireTime(p.associated), ModifiedAt: core.WireTime(p.modified)}
}

type eksAssociateResult struct {
	ClusterName            string                 `json:"clusterName"`
	PrincipalArn           string                 `json:"principalArn"`
	AssociatedAccessPolicy eksAssociatedPolicyOut `json:"associatedAccessPolicy"`
}

func eksAssociateAccessPolicy(c *core.Req) (any, error) {
	var in eksAssociateIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, e, err := eksFindEntry(c)
	if err != nil {
		return nil, err
	}
	name, ok := strings.CutPrefix(in.PolicyArn, eksAccessPolicyPrefix)
	if !ok || !core.OneOf(name, eksAccessPolicies...) {
		return nil, eksInvalidParam("The specified policyArn is invalid: %s", in.PolicyArn)
	}
	if e.kind != "STANDARD" {
		return nil, eksInvalidRequest("Access policies can only be associated with access entries of type STANDARD")
	}
	if in.AccessScope == nil {
		return nil, eksInvalidParam("accessScope is required")
	}
	switch in.AccessScope.Type {
	case "cluster":
		if len(in.AccessScope.Namespaces) > 0 {
			return nil, eksInvalidParam("Namespaces can't be specified for an access scope of type cluster")
		}
	case "namespace":
		if len(in.AccessScope.Namespaces) == 0 {
			return nil, eksInvalidParam("At least one namespace is required for an access scope of type namespace")
		}
	default:
		return nil, eksInvalidParam("Unsupported access scope type: %s", in.AccessScope.Type)
	}
	p := e.policies[in.PolicyArn]
	if p == nil {
		p = &eksAccessPolicy{arn: in.PolicyArn, associated: c.Now}
		e.policies[in.PolicyArn] = p
	}
	p.scopeType, p.namespaces, p.modified = in.AccessScope.Type, core.Unique(in.AccessScope.Namespaces), c.Now
	return eksAssociateResult{ClusterName: cl.name, PrincipalArn: e.principalArn, AssociatedAccessPolicy: p.view()}, nil
}

func eksDisassociateAccessPolicy(c *core.Req) (any, error) {
	_, e, err := eksFindEntry(c)
	if err != nil {
		return nil, err
	}
	arn := c.In.Labels["policyArn"]
	if e.policies[arn] == nil {
		return nil, eksNotFound("The specified access policy %s is not associated with the access entry", arn)
	}
	delete(e.policies, arn)
	return struct{}{}, nil
}

type eksListAssociatedResult struct {
	ClusterName              string                   `json:"clusterName"`
	PrincipalArn             string                   `json:"principalArn"`
	AssociatedAccessPolicies []eksAssociatedPolicyOut `json:"associatedAccessPolicies"`
	NextToken                string                   `json:"nextToken,omitempty"`
}

func eksListAssociatedAccessPolicies(c *core.Req) (any, error) {
	cl, e, err := eksFindEntry(c)
	if err != nil {
		return nil, err
	}
	arns, next, perr := eksPage(c, core.SortedKeys(e.policies), 100)
	if perr != nil {
		return nil, perr
	}
	out := eksListAssociatedResult{ClusterName: cl.name, PrincipalArn: e.principalArn, AssociatedAccessPolicies: []eksAssociatedPolicyOut{}, NextToken: next}
	for _, a := range arns {
		out.AssociatedAccessPolicies = append(out.AssociatedAccessPolicies, e.policies[a].view())
	}
	return out, nil
}
