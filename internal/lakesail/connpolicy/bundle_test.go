package connpolicy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/lakesail/connpolicy -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the rendering; review the change, bump BundleVersion and run with -update\n--- got ---\n%s", path, got)
	}
}

// TestUnitGoldenDocuments keeps every document of testSpec under review as indented JSON.
func TestUnitGoldenDocuments(t *testing.T) {
	b := mustBuild(t, testSpec())
	for _, p := range b.Documents() {
		golden(t, string(p.Kind)+".json", p.Document.Indent()+"\n")
	}
}

// TestUnitBundleVersionBumped fails when a document changed while BundleVersion stayed the
// same: testdata/bundle_version.txt records the version and a digest of every document.
func TestUnitBundleVersionBumped(t *testing.T) {
	b := mustBuild(t, testSpec())
	h := sha256.New()
	for _, p := range b.Documents() {
		fmt.Fprintf(h, "%s\n%s\n", p.Kind, p.JSON)
	}
	line := BundleVersion + " " + hex.EncodeToString(h.Sum(nil)) + "\n"
	path := filepath.Join("testdata", "bundle_version.txt")
	recorded, err := os.ReadFile(path)
	if err != nil && (!*update || !errors.Is(err, os.ErrNotExist)) {
		t.Fatal(err)
	}
	recordedVersion, recordedDigest, _ := strings.Cut(strings.TrimSpace(string(recorded)), " ")
	_, digest, _ := strings.Cut(strings.TrimSpace(line), " ")
	if recordedVersion == BundleVersion && recordedDigest != digest && recorded != nil {
		t.Fatalf("the documents changed but BundleVersion is still %q: bump it, then run with -update", BundleVersion)
	}
	if *update {
		if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(recorded) != line {
		t.Fatalf("%s records %q; run with -update after bumping BundleVersion", path, strings.TrimSpace(string(recorded)))
	}
}

// TestUnitDeterministic: the same spec renders byte-identical documents; the order (and
// repetition) of provisioner principals does not matter.
func TestUnitDeterministic(t *testing.T) {
	a := mustBuild(t, testSpec())
	again := mustBuild(t, testSpec())
	shuffled := testSpec()
	shuffled.ProvisionerPrincipals = []string{
		shuffled.ProvisionerPrincipals[1], shuffled.ProvisionerPrincipals[0], shuffled.ProvisionerPrincipals[1],
	}
	c := mustBuild(t, shuffled)
	for i, p := range a.Documents() {
		for _, other := range []*Bundle{again, c} {
			q := other.Documents()[i]
			if p.JSON != q.JSON || p.SHA256 != q.SHA256 {
				t.Errorf("%s renders differently:\n%s\n%s", p.Kind, p.JSON, q.JSON)
			}
		}
	}
	if a.SHA256()[string(KindTrust)] != c.SHA256()[string(KindTrust)] {
		t.Error("trust digest depends on the order of provisioners")
	}
	for i := 0; i < 5; i++ {
		x, err1 := CloudFormationTemplate(testTemplateOptions())
		y, err2 := CloudFormationTemplate(testTemplateOptions())
		if err1 != nil || err2 != nil || x != y {
			t.Fatalf("template not deterministic: %v %v", err1, err2)
		}
	}
}

// TestUnitSizeHeadroom: every document stays at least 15% under its IAM quota for a
// worst-case spec: the longest partition, a 64-character role name on a path, and three
// provisioner principals with long names. WorkloadBoundary is the exception, at least 5% under:
// it is the union of what every workload of a workspace needs (pods' data plane, nodes, the VPC
// CNI, Karpenter), Karpenter's launch statements took it from 82% to 94% after every merge that
// keeps the scopes (see boundary_karpenter.go), and its size depends on the partition alone. The
// next addition needs room made first: tagging the CNI's pod interfaces with the connection's tag
// (the add-on's ADDITIONAL_ENI_TAGS) would fold its three cluster-tag statements into the
// connection-tagged ones.
func TestUnitSizeHeadroom(t *testing.T) {
	spec := specIn("aws-us-gov")
	spec.RoleName = "lakesail-" + testConnection + "-" + strings.Repeat("R", 64-len("lakesail-"+testConnection+"-"))
	spec.RolePath = "/lakesail/connections/production/"
	spec.ProvisionerPrincipals = []string{
		"arn:aws-us-gov:iam::111122223333:role/platform/terraform/terraform-cloud-dynamic-credentials",
		"arn:aws-us-gov:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef",
		"arn:aws-us-gov:iam::444455556666:role/ci/github-actions-deploy",
	}
	b := mustBuild(t, spec)
	for _, p := range b.Documents() {
		limit := p.Kind.SizeLimit()
		headroom := 0.15
		if p.Kind == KindWorkloadBoundary {
			headroom = 0.05
		}
		if float64(p.Size) > (1-headroom)*float64(limit) {
			t.Errorf("%s: %d of %d characters (%.0f%%), less than %.0f%% headroom", p.Kind, p.Size, limit, 100*float64(p.Size)/float64(limit), 100*headroom)
		}
		if p.Size != iampolicy.Size(p.Document.Indent()) {
			t.Errorf("%s: size depends on white space", p.Kind)
		}
		t.Logf("%-50s %5d / %5d", p.Kind, p.Size, limit)
	}
}

// TestUnitTooManyProvisioners: a trust policy over its quota is a typed error, not a failure
// at apply time.
func TestUnitTooManyProvisioners(t *testing.T) {
	spec := testSpec()
	spec.ProvisionerPrincipals = nil
	for i := 0; i < 40; i++ {
		spec.ProvisionerPrincipals = append(spec.ProvisionerPrincipals, fmt.Sprintf("arn:aws:iam::111122223333:role/terraform-runner-%02d", i))
	}
	_, err := Build(spec)
	var sizeErr *SizeError
	if !errors.As(err, &sizeErr) || sizeErr.Kind != KindTrust {
		t.Fatalf("got %v, want a trust-policy SizeError", err)
	}
}

var sidPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// TestUnitSids: every statement has an IAM-valid Sid, unique within its document.
func TestUnitSids(t *testing.T) {
	b := mustBuild(t, testSpec())
	for _, p := range b.Documents() {
		seen := map[string]bool{}
		for i, s := range p.Document.Statement {
			switch {
			case s.Sid == "":
				t.Errorf("%s: statement %d has no Sid", p.Kind, i)
			case !sidPattern.MatchString(s.Sid):
				t.Errorf("%s: Sid %q is not alphanumeric", p.Kind, s.Sid)
			case seen[s.Sid]:
				t.Errorf("%s: Sid %q repeats", p.Kind, s.Sid)
			}
			seen[s.Sid] = true
		}
	}
}

// TestUnitDocumentsParse: every rendering reads back (as IAM would accept it) to the same
// document, and wildcards appear only in the statements whose Sid says AWS has no resource
// scope (or in the deny and boundary, where "*" narrows nothing).
func TestUnitDocumentsParse(t *testing.T) {
	b := mustBuild(t, testSpec())
	for _, p := range b.Documents() {
		parsed, err := iampolicy.Parse(p.JSON)
		if err != nil {
			t.Fatalf("%s: %v", p.Kind, err)
		}
		if parsed.JSON() != p.JSON {
			t.Errorf("%s: does not round-trip", p.Kind)
		}
		if strings.Contains(p.JSON, "${") {
			t.Errorf("%s: contains a policy variable, which the template's Fn::Sub would misread", p.Kind)
		}
		if p.Kind == KindRoleBoundary || p.Kind == KindExplicitDeny {
			continue
		}
		for _, s := range p.Document.Statement {
			for _, r := range s.Resource {
				if r == "*" && !strings.HasSuffix(s.Sid, "NoResourceScope") && s.Sid != "EksCreateTaggedClusters" {
					t.Errorf("%s/%s: resource \"*\" without saying why", p.Kind, s.Sid)
				}
			}
			for _, a := range s.Action {
				if strings.Contains(a, "*") && !slices.Contains(allowedWildcardActions, a) {
					t.Errorf("%s/%s: wildcard action %s", p.Kind, s.Sid, a)
				}
			}
		}
	}
}

// allowedWildcardActions are the wildcards the grants may use, each reviewed: every Auto Scaling
// describe is metadata; the Glue patterns cover only calls on one table, partition or function.
var allowedWildcardActions = []string{"autoscaling:Describe*", "glue:*Table", "glue:*Partition", "glue:*UserDefinedFunction"}

// TestUnitBundleAccessors checks the maps the provider exposes.
func TestUnitBundleAccessors(t *testing.T) {
	b := mustBuild(t, testSpec())
	if got := len(b.ManagedPolicyARNs()); got != 10 {
		t.Errorf("%d managed policies", got)
	}
	if got := len(b.SHA256()); got != len(DocumentKinds()) {
		t.Errorf("%d digests", got)
	}
	attached := b.AttachedPolicyARNs()
	if len(attached) != 8 || attached[0] != b.ExplicitDeny.ARN {
		t.Errorf("attached %v", attached)
	}
	for _, p := range b.Managed() {
		if p.Name == "" || p.ARN == "" || p.Description == "" || len(p.Description) > 1000 {
			t.Errorf("%s: name %q arn %q description %q", p.Kind, p.Name, p.ARN, p.Description)
		}
	}
	if b.CallbackPolicy.Name != "lakesail-"+testConnection+"-CallbackPolicy" {
		t.Errorf("callback policy name %q", b.CallbackPolicy.Name)
	}
}
