package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

const (
	networkAddress = "lakesail_network.test"
	accNetworkID   = "NET0000001"
)

// networkTarget is an acceptance target served over TLS too: the workspace bucket's policy
// denies every request made without it, as in AWS.
type networkTarget struct {
	*accTarget
	connectionID string
	caBundle     string
	// callsFrom skips the calls a test made itself before Terraform ran (a brought VPC).
	callsFrom int
}

func newNetworkTarget(t *testing.T) *networkTarget {
	t.Helper()
	target := newAccTargetWith(t, awsemu.Options{TransitionDelay: 20 * time.Millisecond})
	n := &networkTarget{accTarget: target, connectionID: accConnectionID(t)}
	if target.emu != nil {
		if err := target.emu.ListenTLS("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		n.caBundle = filepath.Join(t.TempDir(), "awsemu-ca.pem")
		if err := os.WriteFile(n.caBundle, target.emu.CertificatePEM(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// providerBlock points every service at the emulator's TLS endpoint and trusts its certificate.
func (n *networkTarget) providerBlock() string { return n.providerBlockWith("") }

// providerBlockWith is providerBlock with extra lines (a platform block) inside it.
func (n *networkTarget) providerBlockWith(extra string) string {
	if n.emu == nil {
		return n.accTarget.providerBlockWith(extra)
	}
	var endpoints []string
	for _, id := range lakesail.Services() {
		endpoints = append(endpoints, fmt.Sprintf("    %-4s = %q", id, n.emu.TLSEndpoint()))
	}
	sort.Strings(endpoints)
	creds := n.emu.RootCredentials()
	return fmt.Sprintf(`provider "lakesail" {
  region                  = %q
  access_key              = %q
  secret_key              = %q
  custom_ca_bundle        = %q
  skip_metadata_api_check = true

  endpoints {
%s
  }
%s}
`, n.emu.Region(), creds.AccessKeyID, creds.SecretAccessKey, n.caBundle, strings.Join(endpoints, "\n"), extra)
}

// config is the provider, the connection and a network with the given body.
func (n *networkTarget) config(body string) string { return n.configWith("", body) }

// configWith is config with extra lines inside the provider block.
func (n *networkTarget) configWith(providerExtra, body string) string {
	return n.providerBlockWith(providerExtra) + connectionConfig(n.connectionID, "") + fmt.Sprintf(`
resource "lakesail_network" "test" {
  connection_id = lakesail_connection.test.connection_id
  role_arn      = lakesail_connection.test.role_arn
  external_id   = %q
  network_id    = %q
%s
}
`, accExternalID, accNetworkID, body)
}

// admin is the account administrator's configuration, over TLS.
func (n *networkTarget) admin() aws.Config {
	if n.emu != nil {
		return n.emu.TLSAWSConfig(nil)
	}
	cfg, _ := n.adminConfig()
	return cfg
}

func (n *networkTarget) bucketName() string {
	return network.Spec{ConnectionID: n.connectionID, NetworkID: accNetworkID}.BucketName()
}

func (n *networkTarget) alias() string {
	return "alias/lakesail-" + n.connectionID + "-" + accNetworkID
}

// assertNetworkCallsByRole checks the call log: every EC2, S3 and KMS call was made by the
// connection role's session and allowed, and every action the role made is in connpolicy's table.
//
// The one exception is adoption: ec2:CreateTags by the account itself (the provider's own
// credentials) putting LakeSail-Adoptable-By on adoptedIDs, which the role may not do.
func (n *networkTarget) assertNetworkCallsByRole(t *testing.T, adoptedIDs ...string) {
	t.Helper()
	emu := n.requireEmulator(t)
	roleSession := ":assumed-role/lakesail-" + n.connectionID + "-LakeSailRole/lakesail-network-"
	accountRoot := "arn:aws:iam::" + emu.AccountID() + ":root"
	adopting := func(c awsemu.Call) bool {
		if c.Principal != accountRoot || c.Action != "ec2:CreateTags" || len(c.Resources) == 0 || c.Decision != "allow" {
			return false
		}
		for _, r := range c.Resources {
			if !slices.ContainsFunc(adoptedIDs, func(id string) bool { return strings.HasSuffix(r, "/"+id) }) {
				return false
			}
		}
		return true
	}
	table, err := connpolicy.Calls(connpolicy.Spec{ConnectionID: n.connectionID, TenantID: accTenantID, AccountID: emu.AccountID(), ExternalID: accExternalID})
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, c := range table {
		documented[c.Action] = true
	}
	seen := 0
	for _, c := range emu.Calls()[n.callsFrom:] {
		network := c.Service == "ec2" || c.Service == "s3" || c.Service == "kms"
		byRole := strings.Contains(c.Principal, roleSession)
		switch {
		case network && !byRole && adopting(c):
		case network && !byRole:
			t.Errorf("%s:%s was made by %s, not the connection role's session", c.Service, c.Operation, c.Principal)
		case byRole && c.Decision != "allow":
			t.Errorf("the connection role was denied %s on %v", c.Action, c.Resources)
		case byRole && !documented[c.Action]:
			t.Errorf("%s (%s:%s) is not in connpolicy's call table", c.Action, c.Service, c.Operation)
		}
		if byRole {
			seen++
		}
	}
	if seen == 0 {
		t.Error("no call by the connection role's session")
	}
}

// diagnosticsRecorder wraps the provider server and keeps the diagnostics of every apply and
// every read (refresh), so a test can see the warnings terraform prints
// (terraform-plugin-testing has no ExpectWarning).
type diagnosticsRecorder struct {
	mu    sync.Mutex
	diags []*tfprotov6.Diagnostic
}

func (d *diagnosticsRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"lakesail": func() (tfprotov6.ProviderServer, error) {
			server, err := providerserver.NewProtocol6WithError(newTestProvider())()
			return &recordingServer{ProviderServer: server, recorder: d}, err
		},
	}
}

// warning reports whether an apply or a read returned a warning whose summary and detail contain
// all parts.
func (d *diagnosticsRecorder) warning(parts ...string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, diag := range d.diags {
		text := diag.Summary + " " + diag.Detail
		matched := diag.Severity == tfprotov6.DiagnosticSeverityWarning
		for _, p := range parts {
			matched = matched && strings.Contains(text, p)
		}
		if matched {
			return true
		}
	}
	return false
}

type recordingServer struct {
	tfprotov6.ProviderServer
	recorder *diagnosticsRecorder
}

func (s *recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.recorder.add(resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.recorder.add(resp.Diagnostics)
	}
	return resp, err
}

func (d *diagnosticsRecorder) add(diags []*tfprotov6.Diagnostic) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.diags = append(d.diags, diags...)
}
