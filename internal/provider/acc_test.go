package provider

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Acceptance tests run the real terraform CLI. By default they run against an in-process AWS
// emulator; LAKESAIL_ACC_TARGET=aws runs the same tests against real AWS with the ambient
// credentials and region (nothing is overridden then). See TESTING.md.

var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"lakesail": providerserver.NewProtocol6WithError(newTestProvider()),
}

// newTestProvider is the provider as tests serve it: the library polls at the pace of the
// emulator (fastLibraryWaits).
func newTestProvider() provider.Provider {
	return &lakesailProvider{version: "test", tuneLibrary: fastLibraryWaits}
}

// Test waits: the emulator settles NAT gateways and EKS transitions in milliseconds.
const (
	testWaitMinDelay = 5 * time.Millisecond
	testWaitMaxDelay = 50 * time.Millisecond
)

// fastLibraryWaits shortens the library's polling (its WaitMinDelay and WaitMaxDelay options).
func fastLibraryWaits(o *lakesail.Options) {
	o.WaitMinDelay, o.WaitMaxDelay = testWaitMinDelay, testWaitMaxDelay
}

// accTarget is one place acceptance tests run against.
type accTarget struct {
	emu *awsemu.Emulator // nil against real AWS
}

// realAWS reports whether acceptance tests are pointed at real AWS.
func realAWS() bool { return os.Getenv("LAKESAIL_ACC_TARGET") == "aws" }

// newAccTarget checks the acceptance preconditions and starts an emulator unless the tests run
// against real AWS.
func newAccTarget(t *testing.T) *accTarget {
	t.Helper()
	return newAccTargetWith(t, awsemu.Options{})
}

// newAccTargetWith is newAccTarget with emulator options (ignored against real AWS).
func newAccTargetWith(t *testing.T, opts awsemu.Options) *accTarget {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1 (make test or make testacc set it)")
	}
	if realAWS() {
		return &accTarget{}
	}
	return &accTarget{emu: awsemu.Test(t, opts)}
}

// requireEmulator skips a test that needs emulator-only powers (call log, faults, clocks).
func (a *accTarget) requireEmulator(t *testing.T) *awsemu.Emulator {
	t.Helper()
	if a.emu == nil {
		t.Skip("this test inspects or manipulates the AWS emulator and cannot run against real AWS")
	}
	return a.emu
}

// providerBlock configures the provider for the target: against the emulator every service
// endpoint is overridden through the endpoints block; against real AWS nothing is set.
func (a *accTarget) providerBlock() string { return a.providerBlockWith("") }

// providerBlockWith is providerBlock with extra lines (e.g. a platform block) inside it.
func (a *accTarget) providerBlockWith(extra string) string {
	if a.emu == nil {
		return "provider \"lakesail\" {\n" + extra + "}\n"
	}
	var endpoints []string
	for _, id := range lakesail.Services() {
		endpoints = append(endpoints, fmt.Sprintf("    %-4s = %q", id, a.emu.Endpoint()))
	}
	sort.Strings(endpoints)
	creds := a.emu.RootCredentials()
	return fmt.Sprintf(`provider "lakesail" {
  region                  = %q
  access_key              = %q
  secret_key              = %q
  skip_metadata_api_check = true

  endpoints {
%s
  }
%s}
`, a.emu.Region(), creds.AccessKeyID, creds.SecretAccessKey, strings.Join(endpoints, "\n"), extra)
}

// config joins the provider block and the test's resources.
func (a *accTarget) config(body string) string { return a.providerBlock() + "\n" + body }

// configWith is config with extra lines inside the provider block.
func (a *accTarget) configWith(providerExtra, body string) string {
	return a.providerBlockWith(providerExtra) + "\n" + body
}

// assertCalled fails unless the emulator's call log has the operation.
func assertCalled(t *testing.T, emu *awsemu.Emulator, service, operation string) {
	t.Helper()
	for _, call := range emu.Calls() {
		if call.Service == service && call.Operation == operation {
			return
		}
	}
	t.Errorf("the emulator saw no %s %s call", service, operation)
}

// testRunNonce makes generated names differ between runs (real AWS keeps what a crashed run left).
var testRunNonce = time.Now().UnixNano()

// rootClient is a library client with the target's administrator credentials, for checking and
// tampering outside Terraform.
func (a *accTarget) rootClient() (*lakesail.Client, error) {
	if a.emu != nil {
		return lakesail.NewClient(a.emu.AWSConfig(nil), lakesail.Options{Partition: "aws"})
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		return nil, err
	}
	return lakesail.NewClient(cfg, lakesail.Options{Partition: "aws"})
}

// adminConfig is the AWS configuration tests tamper with.
func (a *accTarget) adminConfig() (aws.Config, error) {
	if a.emu != nil {
		return a.emu.AWSConfig(nil), nil
	}
	return config.LoadDefaultConfig(context.Background())
}
