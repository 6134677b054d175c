package eks

import (
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// eksAddonSpec is one add-on EKS offers, with its versions newest first.
type eksAddonSpec struct {
	name, kind  string
	requiresIAM bool
	versions    []eksAddonRelease
}

// eksAddonRelease is one add-on version, the Kubernetes versions it runs on, and those it is the
// default for.
type eksAddonRelease struct {
	version            string
	clusters, defaults []string
}

// eksAddonCatalog is a small, realistic slice of what DescribeAddonVersions returns for
// Kubernetes 1.29 to 1.33.
var eksAddonCatalog = []eksAddonSpec{
	{name: "coredns", kind: "networking", versions: []eksAddonRelease{
		{"v1.12.1-eksbuild.2", []string{"1.33"}, []string{"1.33"}},
		{"v1.11.4-eksbuild.14", []string{"1.31", "1.32"}, []string{"1.32"}},
		{"v1.11.4-eksbuild.2", []string{"1.31", "1.32"}, []string{"1.31"}},
		{"v1.11.3-eksbuild.1", []string{"1.29", "1.30", "1.31"}, []string{"1.30"}},
		{"v1.11.1-eksbuild.9", []string{"1.29", "1.30"}, []string{"1.29"}},
	}},
	{name: "kube-proxy", kind: "networking", versions: []eksAddonRelease{
		{"v1.33.0-eksbuild.2", []string{"1.33"}, []string{"1.33"}},
		{"v1.32.3-eksbuild.7", []string{"1.32"}, []string{"1.32"}},
		{"v1.32.0-eksbuild.2", []string{"1.32"}, nil},
		{"v1.31.7-eksbuild.7", []string{"1.31"}, []string{"1.31"}},
		{"v1.31.3-eksbuild.2", []string{"1.31"}, nil},
		{"v1.30.11-eksbuild.5", []string{"1.30"}, []string{"1.30"}},
		{"v1.30.7-eksbuild.2", []string{"1.30"}, nil},
		{"v1.29.15-eksbuild.5", []string{"1.29"}, []string{"1.29"}},
		{"v1.29.10-eksbuild.3", []string{"1.29"}, nil},
	}},
	{name: "vpc-cni", kind: "networking", requiresIAM: true, versions: []eksAddonRelease{
		{"v1.19.5-eksbuild.1", eksKubernetesVersions, []string{"1.33"}},
		{"v1.19.2-eksbuild.1", eksKubernetesVersions, []string{"1.29", "1.30", "1.31", "1.32"}},
		{"v1.18.6-eksbuild.1", []string{"1.29", "1.30", "1.31", "1.32"}, nil},
	}},
	{name: "aws-ebs-csi-driver", kind: "storage", requiresIAM: true, versions: []eksAddonRelease{
		{"v1.44.0-eksbuild.1", eksKubernetesVersions, nil},
		{"v1.43.0-eksbuild.1", eksKubernetesVersions, eksKubernetesVersions},
		{"v1.41.0-eksbuild.1", eksKubernetesVersions, nil},
	}},
	{name: "eks-pod-identity-agent", kind: "security", versions: []eksAddonRelease{
		{"v1.3.7-eksbuild.2", eksKubernetesVersions, eksKubernetesVersions},
		{"v1.3.5-eksbuild.2", eksKubernetesVersions, nil},
		{"v1.3.4-eksbuild.1", eksKubernetesVersions, nil},
	}},
}

func eksAddonByName(name string) *eksAddonSpec {
	for i := range eksAddonCatalog {
		if eksAddonCatalog[i].name == name {
			return &eksAddonCatalog[i]
		}
	}
	return nil
}

// release finds a version of the add-on that runs on Kubernetes k8s; an empty version means
// the default one.
func (s *eksAddonSpec) release(version, k8s string) *eksAddonRelease {
	for i := range s.versions {
		r := &s.versions[i]
		if !core.OneOf(k8s, r.clusters...) {
			continue
		}
		if version == r.version || version == "" && core.OneOf(k8s, r.defaults...) {
			return r
		}
	}
	return nil
}

// eksAddonVersionLess orders add-on versions "vX.Y.Z-eksbuild.N" numerically.
func eksAddonVersionLess(a, b string) bool {
	na, nb := eksVersionNumbers(a), eksVersionNumbers(b)
	for i := 0; i < len(na) && i < len(nb); i++ {
		if na[i] != nb[i] {
			return na[i] < nb[i]
		}
	}
	return len(na) < len(nb)
}

func eksVersionNumbers(v string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
		n, _ := strconv.Atoi(f)
		out = append(out, n)
	}
	return out
}

type eksAddonInfo struct {
	AddonName     string                `json:"addonName"`
	Type          string                `json:"type"`
	AddonVersions []eksAddonVersionInfo `json:"addonVersions"`
	Publisher     string                `json:"publisher"`
	Owner         string                `json:"owner"`
}

type eksAddonVersionInfo struct {
	AddonVersion           string           `json:"addonVersion"`
	Architecture           []string         `json:"architecture"`
	ComputeTypes           []string         `json:"computeTypes"`
	Compatibilities        []eksAddonCompat `json:"compatibilities"`
	RequiresConfiguration  bool             `json:"requiresConfiguration"`
	RequiresIamPermissions bool             `json:"requiresIamPermissions"`
}

type eksAddonCompat struct {
	ClusterVersion   string   `json:"clusterVersion"`
	PlatformVersions []string `json:"platformVersions"`
	DefaultVersion   bool     `json:"defaultVersion"`
}

type eksAddonVersionsResult struct {
	Addons    []eksAddonInfo `json:"addons"`
	NextToken string         `json:"nextToken,omitempty"`
}

func eksDescribeAddonVersions(c *core.Req) (any, error) {
	k8s, name := c.Param("kubernetesVersion"), c.Param("addonName")
	types := c.In.Params["types"]
	var infos []eksAddonInfo
	for _, s := range eksAddonCatalog {
		if name != "" && s.name != name || len(types) > 0 && !core.OneOf(s.kind, types...) {
			continue
		}
		if pubs := c.In.Params["publishers"]; len(pubs) > 0 && !core.OneOf("eks", pubs...) {
			continue
		}
		if owners := c.In.Params["owners"]; len(owners) > 0 && !core.OneOf("aws", owners...) {
			continue
		}
		info := eksAddonInfo{AddonName: s.name, Type: s.kind, Publisher: "eks", Owner: "aws", AddonVersions: []eksAddonVersionInfo{}}
		for _, r := range s.versions {
			var compat []eksAddonCompat
			for _, v := range r.clusters {
				if k8s == "" || v == k8s {
					compat = append(compat, eksAddonCompat{ClusterVersion: v, PlatformVersions: []string{"*"}, DefaultVersion: core.OneOf(v, r.defaults...)})
				}
			}
			if len(compat) == 0 {
				continue
			}
			info.AddonVersions = append(info.AddonVersions, eksAddonVersionInfo{
				AddonVersion: r.version, Architecture: []string{"amd64", "arm64"}, ComputeTypes: []string{"ec2"},
				Compatibilities: compat, RequiresIamPermissions: s.requiresIAM,
			})
		}
		if len(info.AddonVersions) > 0 {
			infos = append(infos, info)
		}
	}
	size, err := eksMaxResults(c, 100)
	if err != nil {
		return nil, err
	}
	if c.Param("maxResults") == "" {
		size = 10
	}
	page, next, ok := core.PageByToken(infos, c.Param("nextToken"), size)
	if !ok {
		return nil, eksInvalidParam("The nextToken provided is not valid")
	}
	if page == nil {
		page = []eksAddonInfo{}
	}
	return eksAddonVersionsResult{Addons: page, NextToken: next}, nil
}
