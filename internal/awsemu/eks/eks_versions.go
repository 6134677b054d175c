package eks

import (
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// eksVersionOps lists the Kubernetes versions EKS offers. The Service Authorization Reference
// gives eks:DescribeClusterVersions no resource type: it is authorized on "*".
func eksVersionOps() []*core.Operation {
	return []*core.Operation{
		{Name: "DescribeClusterVersions", HTTP: "GET /cluster-versions", Action: "eks:DescribeClusterVersions", Handle: eksDescribeClusterVersions},
	}
}

// eksVersionCalendar is AWS's release calendar for the versions the emulated EKS runs
// (eksKubernetesVersions). The emulated EKS is a snapshot: its statuses are those of
// eksCalendarSnapshot, so every version it creates clusters of is listed as supported.
var eksVersionCalendar = map[string]struct {
	released, endOfStandard, endOfExtended, patch string
}{
	"1.29": {"2024-01-23", "2025-03-23", "2026-03-23", "1.29.15"},
	"1.30": {"2024-05-23", "2025-07-23", "2026-07-23", "1.30.13"},
	"1.31": {"2024-09-26", "2025-11-26", "2026-11-26", "1.31.9"},
	"1.32": {"2025-01-23", "2026-03-23", "2027-03-23", "1.32.5"},
	"1.33": {"2025-05-29", "2026-07-29", "2027-07-29", "1.33.1"},
}

// eksCalendarSnapshot is the day the emulated EKS's versions and add-ons were taken from.
const eksCalendarSnapshot = "2025-06-01"

type eksClusterVersionInfo struct {
	ClusterType              string        `json:"clusterType"`
	ClusterVersion           string        `json:"clusterVersion"`
	DefaultPlatformVersion   string        `json:"defaultPlatformVersion"`
	DefaultVersion           bool          `json:"defaultVersion"`
	ReleaseDate              core.WireTime `json:"releaseDate"`
	EndOfStandardSupportDate core.WireTime `json:"endOfStandardSupportDate"`
	EndOfExtendedSupportDate core.WireTime `json:"endOfExtendedSupportDate"`
	Status                   string        `json:"status"`
	VersionStatus            string        `json:"versionStatus"`
	KubernetesPatchVersion   string        `json:"kubernetesPatchVersion"`
}

type eksClusterVersionsResult struct {
	ClusterVersions []eksClusterVersionInfo `json:"clusterVersions"`
	NextToken       string                  `json:"nextToken,omitempty"`
}

// eksVersionInfo is one version as DescribeClusterVersions describes it.
func eksVersionInfo(version string) eksClusterVersionInfo {
	day := func(s string) core.WireTime {
		t, _ := time.Parse(time.DateOnly, s)
		return core.WireTime(t)
	}
	cal := eksVersionCalendar[version]
	status, deprecated := "STANDARD_SUPPORT", "standard-support"
	switch snapshot := eksCalendarSnapshot; {
	case snapshot >= cal.endOfExtended:
		status, deprecated = "UNSUPPORTED", "unsupported"
	case snapshot >= cal.endOfStandard:
		status, deprecated = "EXTENDED_SUPPORT", "extended-support"
	}
	return eksClusterVersionInfo{
		ClusterType: "eks", ClusterVersion: version, DefaultPlatformVersion: eksPlatformVersions[version],
		DefaultVersion: version == eksKubernetesVersions[len(eksKubernetesVersions)-1],
		ReleaseDate:    day(cal.released), EndOfStandardSupportDate: day(cal.endOfStandard), EndOfExtendedSupportDate: day(cal.endOfExtended),
		Status: deprecated, VersionStatus: status, KubernetesPatchVersion: cal.patch,
	}
}

// eksDescribeClusterVersions lists the versions, newest first as EKS does, filtered by
// clusterType, clusterVersions, defaultOnly and versionStatus (or the deprecated status).
// includeAll adds nothing: the emulated EKS lists no retired versions.
func eksDescribeClusterVersions(c *core.Req) (any, error) {
	versionStatus, status := c.Param("versionStatus"), c.Param("status")
	if versionStatus != "" && !core.OneOf(versionStatus, "UNSUPPORTED", "STANDARD_SUPPORT", "EXTENDED_SUPPORT") {
		return nil, eksInvalidParam("versionStatus must be one of UNSUPPORTED, STANDARD_SUPPORT, EXTENDED_SUPPORT")
	}
	if status != "" && !core.OneOf(status, "unsupported", "standard-support", "extended-support") {
		return nil, eksInvalidParam("status must be one of unsupported, standard-support, extended-support")
	}
	for _, flag := range []string{"defaultOnly", "includeAll"} {
		if v := c.Param(flag); v != "" && v != "true" && v != "false" {
			return nil, eksInvalidParam("%s must be true or false", flag)
		}
	}
	size, err := eksMaxResults(c, 100)
	if err != nil {
		return nil, err
	}
	var infos []eksClusterVersionInfo
	if clusterType := c.Param("clusterType"); clusterType == "" || strings.EqualFold(clusterType, "eks") {
		wanted := c.In.Params["clusterVersions"]
		for i := len(eksKubernetesVersions) - 1; i >= 0; i-- {
			info := eksVersionInfo(eksKubernetesVersions[i])
			switch {
			case len(wanted) > 0 && !core.OneOf(info.ClusterVersion, wanted...),
				c.Param("defaultOnly") == "true" && !info.DefaultVersion,
				versionStatus != "" && info.VersionStatus != versionStatus,
				status != "" && info.Status != status:
				continue
			}
			infos = append(infos, info)
		}
	}
	page, next, ok := core.PageByToken(infos, c.Param("nextToken"), size)
	if !ok {
		return nil, eksInvalidParam("The nextToken provided is not valid")
	}
	if page == nil {
		page = []eksClusterVersionInfo{}
	}
	return eksClusterVersionsResult{ClusterVersions: page, NextToken: next}, nil
}
