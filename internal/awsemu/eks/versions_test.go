package eks_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// DescribeClusterVersions lists the versions CreateCluster accepts, newest first, in AWS's shape,
// and pages and filters as EKS does.
func TestEmuEKSDescribeClusterVersions(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.EksClient(e, e.RootCredentials())

	var versions []string
	pages := 0
	p := eks.NewDescribeClusterVersionsPaginator(c, &eks.DescribeClusterVersionsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(emutest.Bg)
		emutest.Must(t, err)
		pages++
		for _, v := range page.ClusterVersions {
			versions = append(versions, *v.ClusterVersion)
		}
	}
	if pages != 3 || fmt.Sprint(versions) != "[1.33 1.32 1.31 1.30 1.29]" {
		t.Fatalf("pages=%d versions=%v", pages, versions)
	}

	all, err := c.DescribeClusterVersions(emutest.Bg, &eks.DescribeClusterVersionsInput{})
	emutest.Must(t, err)
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
		if !emutest.EksSupportedVersion(*v.ClusterVersion) || v.VersionStatus == ekstypes.VersionStatusUnsupported {
			t.Fatalf("%s listed as %s, but CreateCluster's answer differs", *v.ClusterVersion, v.VersionStatus)
		}
	}

	extended, err := c.DescribeClusterVersions(emutest.Bg, &eks.DescribeClusterVersionsInput{VersionStatus: ekstypes.VersionStatusExtendedSupport})
	emutest.Must(t, err)
	if len(extended.ClusterVersions) != 1 || *extended.ClusterVersions[0].ClusterVersion != "1.29" {
		t.Fatalf("extended support = %+v", extended.ClusterVersions)
	}
	picked, err := c.DescribeClusterVersions(emutest.Bg, &eks.DescribeClusterVersionsInput{ClusterVersions: []string{"1.31", "1.20"}})
	emutest.Must(t, err)
	if len(picked.ClusterVersions) != 1 || *picked.ClusterVersions[0].ClusterVersion != "1.31" {
		t.Fatalf("clusterVersions=1.31,1.20 = %+v", picked.ClusterVersions)
	}
	defaults, err := c.DescribeClusterVersions(emutest.Bg, &eks.DescribeClusterVersionsInput{DefaultOnly: aws.Bool(true)})
	emutest.Must(t, err)
	if len(defaults.ClusterVersions) != 1 || *defaults.ClusterVersions[0].ClusterVersion != "1.33" {
		t.Fatalf("defaultOnly = %+v", defaults.ClusterVersions)
	}

	_, err = c.DescribeClusterVersions(emutest.Bg, &eks.DescribeClusterVersionsInput{MaxResults: aws.Int32(101)})
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = c.DescribeClusterVersions(emutest.Bg, &eks.DescribeClusterVersionsInput{NextToken: aws.String("forged")})
	emutest.WantCode(t, err, "InvalidParameterException")
}

// DescribeClusterVersions needs eks:DescribeClusterVersions, which IAM authorizes on "*".
func TestEmuEKSDescribeClusterVersionsAuthorization(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	denied := emutest.EksSession(t, e, "no-versions", emutest.Doc(emutest.Allow("eks:DescribeAddonVersions", "*")))
	_, err := denied.DescribeClusterVersions(emutest.Bg, &eks.DescribeClusterVersionsInput{})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "eks:DescribeClusterVersions")

	allowed := emutest.EksSession(t, e, "versions", emutest.Doc(emutest.Allow("eks:DescribeClusterVersions", "*")))
	out, err := allowed.DescribeClusterVersions(emutest.Bg, &eks.DescribeClusterVersionsInput{})
	emutest.Must(t, err)
	if len(out.ClusterVersions) != len(emutest.EksKubernetesVersions) {
		t.Fatalf("versions = %d", len(out.ClusterVersions))
	}
	last := e.Calls()[len(e.Calls())-1]
	if last.Action != "eks:DescribeClusterVersions" || last.Decision != "allow" || fmt.Sprint(last.Resources) != "[*]" {
		t.Fatalf("call log = %+v", last)
	}
}
