package workspace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Support states of a Kubernetes version on EKS, as DescribeClusterVersions' versionStatus
// spells them.
const (
	VersionStandardSupport = "STANDARD_SUPPORT"
	VersionExtendedSupport = "EXTENDED_SUPPORT"
	VersionUnsupported     = "UNSUPPORTED"
)

// KubernetesVersion is one Kubernetes minor version on EKS.
type KubernetesVersion struct {
	Version string // "1.33"
	Status  string // VersionStandardSupport, VersionExtendedSupport or VersionUnsupported
	// Default is the version EKS gives a cluster that names none.
	Default              bool
	EndOfStandardSupport time.Time
	EndOfExtendedSupport time.Time
}

// KubernetesVersions is the list of versions a new cluster may have, oldest first.
type KubernetesVersions struct {
	Versions []KubernetesVersion
	// Builtin marks the list compiled into this release (BuiltinKubernetesVersions), used when
	// EKS cannot be asked; it may be stale.
	Builtin bool
}

// builtinKubernetesVersions is AWS's published EKS release calendar as this release knows it
// (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html). Versions older
// than the first have left extended support.
var builtinKubernetesVersions = []struct {
	version, endOfStandard, endOfExtended string
}{
	{"1.29", "2025-03-23", "2026-03-23"},
	{"1.30", "2025-07-23", "2026-07-23"},
	{"1.31", "2025-11-26", "2026-11-26"},
	{"1.32", "2026-03-23", "2027-03-23"},
	{"1.33", "2026-07-29", "2027-07-29"},
	{"1.34", "2026-12-02", "2027-12-02"},
	{"1.35", "2027-03-27", "2028-03-27"},
}

// BuiltinKubernetesVersions is the release calendar compiled into this release, each version's
// status as of now. The newest version is the default.
func BuiltinKubernetesVersions(now time.Time) KubernetesVersions {
	out := KubernetesVersions{Builtin: true}
	for _, v := range builtinKubernetesVersions {
		standard, _ := time.Parse(time.DateOnly, v.endOfStandard)
		extended, _ := time.Parse(time.DateOnly, v.endOfExtended)
		status := VersionStandardSupport
		switch {
		case !now.Before(extended):
			status = VersionUnsupported
		case !now.Before(standard):
			status = VersionExtendedSupport
		}
		out.Versions = append(out.Versions, KubernetesVersion{Version: v.version, Status: status,
			EndOfStandardSupport: standard, EndOfExtendedSupport: extended})
	}
	out.Versions[len(out.Versions)-1].Default = true
	return out
}

// KubernetesVersions asks EKS which Kubernetes versions it offers (DescribeClusterVersions,
// which IAM authorizes as eks:DescribeClusterVersions on "*"), oldest first.
func (c *Client) KubernetesVersions(ctx context.Context) (KubernetesVersions, error) {
	api := c.EKS()
	var out KubernetesVersions
	pages := eks.NewDescribeClusterVersionsPaginator(api, &eks.DescribeClusterVersionsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return KubernetesVersions{}, lakesail.Classify("eks:DescribeClusterVersions", err)
		}
		for _, v := range page.ClusterVersions {
			out.Versions = append(out.Versions, KubernetesVersion{
				Version: aws.ToString(v.ClusterVersion), Status: versionStatus(v), Default: v.DefaultVersion,
				EndOfStandardSupport: aws.ToTime(v.EndOfStandardSupportDate), EndOfExtendedSupport: aws.ToTime(v.EndOfExtendedSupportDate),
			})
		}
	}
	if len(out.Versions) == 0 {
		return KubernetesVersions{}, errors.New("eks:DescribeClusterVersions listed no Kubernetes versions")
	}
	slices.SortFunc(out.Versions, func(a, b KubernetesVersion) int { return minorOf(a.Version) - minorOf(b.Version) })
	return out, nil
}

// versionStatus reads versionStatus, or the deprecated status older answers carry.
func versionStatus(v ekstypes.ClusterVersionInformation) string {
	if v.VersionStatus != "" {
		return string(v.VersionStatus)
	}
	switch v.Status {
	case ekstypes.ClusterVersionStatusStandardSupport:
		return VersionStandardSupport
	case ekstypes.ClusterVersionStatusExtendedSupport:
		return VersionExtendedSupport
	case ekstypes.ClusterVersionStatusUnsupported:
		return VersionUnsupported
	}
	return VersionStandardSupport // listed without a status: offered
}

// KubernetesVersionError is a version EKS does not offer for clusters.
type KubernetesVersionError struct {
	Version string
	// Offered are the versions a cluster may have, oldest first.
	Offered []string
	Builtin bool
}

func (e *KubernetesVersionError) Error() string {
	if e.Builtin {
		return fmt.Sprintf("EKS does not offer Kubernetes %s by the release calendar built into this provider, which gives %s",
			e.Version, strings.Join(e.Offered, ", "))
	}
	return fmt.Sprintf("EKS does not offer Kubernetes %s: it offers %s", e.Version, strings.Join(e.Offered, ", "))
}

// Check reports whether a cluster may run version: a *KubernetesVersionError when not, and a
// caveat (for a warning) when it may but something should be said: the version is in extended
// support (which costs more), or the built-in list does not know it yet.
func (l KubernetesVersions) Check(version string) (caveat string, err error) {
	var offered []string
	for _, v := range l.Versions {
		if v.Status != VersionUnsupported {
			offered = append(offered, v.Version)
		}
	}
	for _, v := range l.Versions {
		if v.Version != version || v.Status == VersionUnsupported {
			continue
		}
		if v.Status == VersionExtendedSupport {
			caveat = fmt.Sprintf("Kubernetes %s is in EKS extended support", version)
			if !v.EndOfExtendedSupport.IsZero() {
				caveat += " until " + v.EndOfExtendedSupport.Format(time.DateOnly)
			}
			caveat += ", which EKS charges extra for per cluster-hour; after that EKS upgrades the cluster itself."
		}
		return caveat, nil
	}
	if l.Builtin && len(l.Versions) > 0 && minorOf(version) > minorOf(l.Versions[len(l.Versions)-1].Version) {
		return fmt.Sprintf("Kubernetes %s is newer than every version this provider release knows (the newest is %s), so the "+
			"plan cannot tell whether EKS offers it; apply fails if it does not.", version, l.Versions[len(l.Versions)-1].Version), nil
	}
	return "", &KubernetesVersionError{Version: version, Offered: offered, Builtin: l.Builtin}
}
