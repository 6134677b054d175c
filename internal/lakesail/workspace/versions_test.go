package workspace_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// The versions come from EKS (DescribeClusterVersions, paged), oldest first, and decide which
// versions a cluster may have.
func TestLibKubernetesVersionsFromEKS(t *testing.T) {
	emu := awsemu.Test(t, awsemu.Options{})
	client, err := lakesail.NewClient(fastRetries(emu.AWSConfig(nil)), fastWaits)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := workspace.New(client).KubernetesVersions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, v := range versions.Versions {
		listed = append(listed, v.Version)
	}
	if versions.Builtin || strings.Join(listed, " ") != "1.29 1.30 1.31 1.32 1.33" {
		t.Fatalf("versions = %v (builtin %v)", listed, versions.Builtin)
	}
	if caveat, err := versions.Check("1.33"); err != nil || caveat != "" {
		t.Errorf("1.33: caveat %q, err %v", caveat, err)
	}
	if caveat, err := versions.Check("1.29"); err != nil || !strings.Contains(caveat, "extended support until 2026-03-23") {
		t.Errorf("1.29 (extended support): caveat %q, err %v", caveat, err)
	}
	for _, bad := range []string{"1.20", "1.34"} {
		_, err := versions.Check(bad)
		var versionErr *workspace.KubernetesVersionError
		if !errors.As(err, &versionErr) || versionErr.Builtin || !strings.Contains(err.Error(), "it offers 1.29, 1.30, 1.31, 1.32, 1.33") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	called := false
	for _, call := range emu.Calls() {
		called = called || call.Action == "eks:DescribeClusterVersions" && call.Decision == "allow"
	}
	if !called {
		t.Error("no eks:DescribeClusterVersions call in the emulator's log")
	}
}

// A refusal comes back as the AWS error, for the caller to fall back on the built-in list.
func TestLibKubernetesVersionsDenied(t *testing.T) {
	emu := awsemu.Test(t, awsemu.Options{})
	emu.AddFault(awsemu.Fault{Service: "eks", Operation: "DescribeClusterVersions", ErrorCode: "AccessDeniedException", HTTPStatus: 403, Every: true})
	client, err := lakesail.NewClient(fastRetries(emu.AWSConfig(nil)), fastWaits)
	if err != nil {
		t.Fatal(err)
	}
	_, err = workspace.New(client).KubernetesVersions(t.Context())
	var awsErr *lakesail.AWSError
	if !errors.As(err, &awsErr) || awsErr.Code != "AccessDeniedException" || awsErr.Action != "eks:DescribeClusterVersions" {
		t.Fatalf("err = %v", err)
	}
}

// The built-in calendar's statuses follow the date: a version leaves the list when its extended
// support ends, and a version newer than the list passes with a caveat.
func TestUnitBuiltinKubernetesVersions(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		now, version string
		wantErr      bool
		wantCaveat   string
	}{
		{"2026-12-06", "1.20", true, ""},
		{"2026-12-06", "1.31", true, ""}, // extended support ended 2026-11-26
		{"2026-11-25", "1.31", false, "extended support until 2026-11-26"},
		{"2026-12-06", "1.33", false, "extended support until 2027-07-29"},
		{"2026-12-06", "1.35", false, ""},
		{"2026-12-06", "1.36", false, "newer than every version this provider release knows"},
		{"2026-12-06", "1.100", false, "newer than every version"},
	} {
		versions := workspace.BuiltinKubernetesVersions(day(tc.now))
		caveat, err := versions.Check(tc.version)
		var versionErr *workspace.KubernetesVersionError
		switch {
		case tc.wantErr && (!errors.As(err, &versionErr) || !versionErr.Builtin || !strings.Contains(err.Error(), "built into this provider")):
			t.Errorf("%s on %s: want a built-in list error, got %v", tc.version, tc.now, err)
		case !tc.wantErr && err != nil:
			t.Errorf("%s on %s: %v", tc.version, tc.now, err)
		case tc.wantCaveat == "" && caveat != "", tc.wantCaveat != "" && !strings.Contains(caveat, tc.wantCaveat):
			t.Errorf("%s on %s: caveat %q, want %q", tc.version, tc.now, caveat, tc.wantCaveat)
		}
	}
	err := &workspace.KubernetesVersionError{Version: "1.20", Offered: []string{"1.32", "1.33"}}
	if err.Error() != "EKS does not offer Kubernetes 1.20: it offers 1.32, 1.33" {
		t.Errorf("error text: %v", err)
	}
}
