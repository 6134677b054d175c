package awsemu

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// DescribeClusterVersions lists the versions CreateCluster accepts, newest first, in AWS's shape,
// and pages and filters as EKS does.
func TestEmuEKSDescribeClusterVersions(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := eksClient(e, e.RootCredentials())

	var versions []string
	pages := 0
	p := eks.NewDescribeClusterVersionsPaginator(c, &eks.DescribeClusterVersionsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(bg)
		must(t, err)
		pages++
		for _, v := range page.ClusterVersions {
			versions = append(versions, *v.ClusterVersion)
		}
	}
	if pages != 3 || fmt.Sprint(versions) != "[1.33 1.32 1.31 1.30 1.29]" {
		t.Fatalf("pages=%d versions=%v", pages, versions)
	}

	all, err := c.DescribeClusterVersions(bg, &eks.DescribeClusterVersionsInput{})
	must(t, err)
	newest := all.ClusterVersions[0]
	if *newest.ClusterVersion != "1.33" || !newest.DefaultVersion || *newest.ClusterType != "eks" || *newest.DefaultPlatformVersion != "eks.6" ||
		newest.VersionStatus != ekstypes.VersionStatusStandardSupport || newest.Status != ekstypes.ClusterVersionStatusStandardSupport ||
		*newest.KubernetesPatchVersion != "1.33.1" {
		t.Fatalf("1.33 = %+v", newest)
	}
	if got := newest.EndOfStandardSupportDate.UTC().Format(time.DateOnly); got != "2026-07-29" {
		t.Fatalf("1.33 end of standard support = %s", got)
	}
	for _, v := range all.ClusterVersions {
		if !eksSupportedVersion(*v.ClusterVersion) || v.VersionStatus == ekstypes.VersionStatusUnsupported {
			t.Fatalf("%s listed as %s, but CreateCluster's answer differs", *v.ClusterVersion, v.VersionStatus)
		}
	}

	extended, err := c.DescribeClusterVersions(bg, &eks.DescribeClusterVersionsInput{VersionStatus: ekstypes.VersionStatusExtendedSupport})
	must(t, err)
	if len(extended.ClusterVersions) != 1 || *extended.ClusterVersions[0].ClusterVersion != "1.29" {
		t.Fatalf("extended support = %+v", extended.ClusterVersions)
	}
	picked, err := c.DescribeClusterVersions(bg, &eks.DescribeClusterVersionsInput{ClusterVersions: []string{"1.31", "1.20"}})
	must(t, err)
	if len(picked.ClusterVersions) != 1 || *picked.ClusterVersions[0].ClusterVersion != "1.31" {
		t.Fatalf("clusterVersions=1.31,1.20 = %+v", picked.ClusterVersions)
	}
	defaults, err := c.DescribeClusterVersions(bg, &eks.DescribeClusterVersionsInput{DefaultOnly: aws.Bool(true)})
	must(t, err)
	if len(defaults.ClusterVersions) != 1 || *defaults.ClusterVersions[0].ClusterVersion != "1.33" {
		t.Fatalf("defaultOnly = %+v", defaults.ClusterVersions)
	}

	_, err = c.DescribeClusterVersions(bg, &eks.DescribeClusterVersionsInput{MaxResults: aws.Int32(101)})
	wantCode(t, err, "InvalidParameterException")
	_, err = c.DescribeClusterVersions(bg, &eks.DescribeClusterVersionsInput{NextToken: aws.String("forged")})
	wantCode(t, err, "InvalidParameterException")
}

// DescribeClusterVersions needs eks:DescribeClusterVersions, which IAM authorizes on "*".
func TestEmuEKSDescribeClusterVersionsAuthorization(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	denied := eksSession(t, e, "no-versions", doc(allow("eks:DescribeAddonVersions", "*")))
	_, err := denied.DescribeClusterVersions(bg, &eks.DescribeClusterVersionsInput{})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "eks:DescribeClusterVersions")

	allowed := eksSession(t, e, "versions", doc(allow("eks:DescribeClusterVersions", "*")))
	out, err := allowed.DescribeClusterVersions(bg, &eks.DescribeClusterVersionsInput{})
	must(t, err)
	if len(out.ClusterVersions) != len(eksKubernetesVersions) {
		t.Fatalf("versions = %d", len(out.ClusterVersions))
	}
	last := e.Calls()[len(e.Calls())-1]
	if last.Action != "eks:DescribeClusterVersions" || last.Decision != "allow" || fmt.Sprint(last.Resources) != "[*]" {
		t.Fatalf("call log = %+v", last)
	}
}
