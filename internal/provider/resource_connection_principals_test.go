package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// TestAccConnection_separatePlanAndApplyPrincipals plans with one principal, saves the plan and
// applies it with another, as HCP Terraform does with its separate plan and apply roles (or any
// pipeline whose plan job has read-only credentials). The plan cannot know who will apply, so it
// leaves provisioner_principal_arn (and the trust policy's fingerprint) unknown; apply trusts the
// principal that applies, never the planner. The next plan is empty whichever of the two makes
// it: the provisioner is recorded once, not re-derived from whoever plans.
//
// terraform-plugin-testing plans and applies each step with the same provider configuration and
// credentials, so the test drives the terraform CLI itself (terraform-exec) against the provider
// served in-process (TF_REATTACH_PROVIDERS), and switches credentials between the commands the
// way a pipeline does: through the shared credentials file the provider reads when configured.
func TestAccConnection_separatePlanAndApplyPrincipals(t *testing.T) {
	target := newAccTarget(t)
	emu := target.requireEmulator(t) // creates IAM roles and mints their sessions as the emulator's root
	terraformPath, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("terraform CLI not found on PATH: %v", err)
	}
	ctx := context.Background()
	id := accConnectionID(t)

	// The plan role may only read; the apply role may do anything. Both live under a path, which
	// an assumed-role session ARN drops and the trust policy must carry.
	planner := createPipelineRole(t, emu, "tfc-plan", `["iam:Get*","iam:List*"]`)
	applier := createPipelineRole(t, emu, "tfc-apply", `"*"`)

	dir := t.TempDir()
	credentialsFile := filepath.Join(dir, "aws-credentials")
	writeFile(t, credentialsFile+".config", "") // not the user's ~/.aws/config
	writeFile(t, filepath.Join(dir, "main.tf"), principalsProviderBlock(emu, credentialsFile)+connectionConfig(id, ""))
	tf, err := tfexec.NewTerraform(dir, terraformPath)
	if err != nil {
		t.Fatal(err)
	}
	runAs := func(role pipelineRole, command func(tfexec.ReattachInfo) error) error {
		t.Helper()
		writeFile(t, credentialsFile, role.credentialsFile(t, emu))
		return withReattachedProvider(t, command)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(runAs(planner, func(r tfexec.ReattachInfo) error { return tf.Init(ctx, tfexec.Reattach(r)) }))
	t.Cleanup(func() {
		err := runAs(applier, func(r tfexec.ReattachInfo) error { return tf.Destroy(ctx, tfexec.Reattach(r)) })
		if err != nil {
			t.Errorf("destroy: %v", err)
		}
		if err := target.checkConnectionDestroyed(id)(nil); err != nil {
			t.Error(err)
		}
	})

	// Plan as the plan role and save the plan; apply the saved plan as the apply role.
	const planFile = "tfplan"
	planAndApply := func(checkPlan func(after map[string]any, unknown map[string]any) error) {
		t.Helper()
		must(runAs(planner, func(r tfexec.ReattachInfo) error {
			changes, err := tf.Plan(ctx, tfexec.Reattach(r), tfexec.Out(planFile))
			if err == nil && !changes {
				err = errors.New("the plan has no changes")
			}
			return err
		}))
		if err := runAs(planner, func(r tfexec.ReattachInfo) error {
			plan, err := tf.ShowPlanFile(ctx, planFile, tfexec.Reattach(r))
			if err != nil {
				return err
			}
			for _, rc := range plan.ResourceChanges {
				if rc.Address == connectionAddress {
					after, _ := rc.Change.After.(map[string]any)
					unknown, _ := rc.Change.AfterUnknown.(map[string]any)
					return checkPlan(after, unknown)
				}
			}
			return fmt.Errorf("the plan has no change for %s", connectionAddress)
		}); err != nil {
			t.Error(err) // and apply the plan all the same, to see what apply makes of it
		}
		must(runAs(applier, func(r tfexec.ReattachInfo) error {
			return tf.Apply(ctx, tfexec.Reattach(r), tfexec.DirOrPlan(planFile))
		}))
	}
	// After each apply the connection trusts the apply role, which verified it, and the next plan
	// is empty, made by the plan role (as the pipeline's next run makes it) and by the apply role.
	checkApplied := func() {
		t.Helper()
		must(runAs(applier, func(r tfexec.ReattachInfo) error {
			state, err := tf.Show(ctx, tfexec.Reattach(r))
			if err != nil {
				return err
			}
			for _, res := range state.Values.RootModule.Resources {
				if res.Address != connectionAddress {
					continue
				}
				if got := res.AttributeValues["provisioner_principal_arn"]; got != applier.arn {
					return fmt.Errorf("provisioner_principal_arn = %v, want the apply role %s", got, applier.arn)
				}
				if got := res.AttributeValues["verified"]; got != true {
					return fmt.Errorf("verified = %v, want true: the apply role is trusted and should have assumed the connection role", got)
				}
				return nil
			}
			return fmt.Errorf("%s not in state after apply", connectionAddress)
		}))
		for _, role := range []pipelineRole{planner, applier} {
			must(runAs(role, func(r tfexec.ReattachInfo) error {
				changes, err := tf.Plan(ctx, tfexec.Reattach(r))
				if err == nil && changes {
					err = fmt.Errorf("the plan after apply, made by %s, is not empty", role.arn)
				}
				return err
			}))
		}
	}

	// Create: the plan cannot know who applies.
	planAndApply(func(after, unknown map[string]any) error {
		if unknown["provisioner_principal_arn"] != true {
			return fmt.Errorf("the plan fixes provisioner_principal_arn to %v before anyone applies; want it known after apply", after["provisioner_principal_arn"])
		}
		return nil
	})
	checkApplied()

	// The trust policy names the apply role, not the plan role: a plan role trusted by the
	// connection role could change the account through it.
	root, err := target.rootClient()
	must(err)
	obs, err := root.ObserveConnectionRole(ctx, connpolicy.DefaultRoleName(id))
	must(err)
	if !slices.Equal(obs.ProvisionerPrincipals, []string{applier.arn}) {
		t.Errorf("the provisioner statement trusts %v, want only the apply role %s", obs.ProvisionerPrincipals, applier.arn)
	}
	roleARN := "arn:aws:iam::" + emu.AccountID() + ":role/" + connpolicy.DefaultRoleName(id)
	err = lakesailtest.TryAssumeRole(ctx, emu.AWSConfig(planner.session(t, emu)), roleARN, accExternalID)
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("the plan role assuming the connection role: %v, want AccessDenied", err)
	}

	// Update: the plan role plans a tag change and keeps the recorded provisioner.
	writeFile(t, filepath.Join(dir, "main.tf"), principalsProviderBlock(emu, credentialsFile)+connectionConfig(id, `  tags = { team = "data" }`))
	planAndApply(func(after, _ map[string]any) error {
		if got := after["provisioner_principal_arn"]; got != applier.arn {
			return fmt.Errorf("the update plan has provisioner_principal_arn %v, want the recorded %s", got, applier.arn)
		}
		return nil
	})
	checkApplied()
}

// TestUnitKeptProvisionerPrincipal: the plan never asks who plans. It knows the provisioner only
// when none is trusted or one was recorded while trust_provisioner stayed on; otherwise apply
// records whoever applies.
func TestUnitKeptProvisionerPrincipal(t *testing.T) {
	const recorded = "arn:aws:iam::123456789012:role/ci/tfc-apply"
	for _, tc := range []struct {
		name                  string
		trust, stateTrust     types.Bool
		statePrincipal, wants types.String
	}{
		{"trust unknown", types.BoolUnknown(), types.BoolValue(true), types.StringValue(recorded), types.StringUnknown()},
		{"not trusted", types.BoolValue(false), types.BoolValue(true), types.StringValue(recorded), types.StringValue("")},
		{"create", types.BoolValue(true), types.BoolNull(), types.StringNull(), types.StringUnknown()},
		{"kept", types.BoolValue(true), types.BoolValue(true), types.StringValue(recorded), types.StringValue(recorded)},
		{"turned on", types.BoolValue(true), types.BoolValue(false), types.StringValue(""), types.StringUnknown()},
		{"none recorded", types.BoolValue(true), types.BoolValue(true), types.StringValue(""), types.StringUnknown()},
	} {
		if got := keptProvisionerPrincipal(tc.trust, tc.stateTrust, tc.statePrincipal); !got.Equal(tc.wants) {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.wants)
		}
	}
}

// pipelineRole is an IAM role a CI pipeline runs Terraform as.
type pipelineRole struct {
	arn string
}

// pipelineExternalID is what the pipeline roles' trust policies require (lakesail.Client's
// AssumeRole always sends one).
const pipelineExternalID = "pipeline-run"

// createPipelineRole creates /ci/<name> as the emulator's root, trusted by the account's root,
// with an inline policy allowing actions (a JSON string or list) on everything. The provider
// tests call no AWS service client directly, so this is a signed IAM query request.
func createPipelineRole(t *testing.T, emu *awsemu.Emulator, name, actions string) pipelineRole {
	t.Helper()
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},`+
		`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":%q}}}]}`, emu.AccountID(), pipelineExternalID)
	iamQuery(t, emu, url.Values{"Action": {"CreateRole"}, "RoleName": {name}, "Path": {"/ci/"}, "AssumeRolePolicyDocument": {trust}})
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"*"}]}`
	iamQuery(t, emu, url.Values{"Action": {"PutRolePolicy"}, "RoleName": {name}, "PolicyName": {"pipeline"}, "PolicyDocument": {policy}})
	return pipelineRole{arn: "arn:aws:iam::" + emu.AccountID() + ":role/ci/" + name}
}

func iamQuery(t *testing.T, emu *awsemu.Emulator, params url.Values) {
	t.Helper()
	params.Set("Version", "2010-05-08")
	body := params.Encode()
	req, err := http.NewRequest(http.MethodPost, emu.Endpoint()+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), emu.RootCredentials(), req, hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		answer, _ := io.ReadAll(resp.Body)
		t.Fatalf("iam:%s: %s: %s", params.Get("Action"), resp.Status, answer)
	}
}

// session is a credentials provider for a fresh session of the role.
func (r pipelineRole) session(t *testing.T, emu *awsemu.Emulator) aws.CredentialsProvider {
	t.Helper()
	root, err := lakesail.NewClient(emu.AWSConfig(nil), lakesail.Options{Partition: "aws"})
	if err != nil {
		t.Fatal(err)
	}
	asRole, err := root.AssumeRole(lakesail.RoleSession{RoleARN: r.arn, ExternalID: pipelineExternalID, SessionName: "terraform-run"})
	if err != nil {
		t.Fatal(err)
	}
	return asRole.AWSConfig().Credentials
}

// credentialsFile is a shared credentials file whose "pipeline" profile is a fresh session of
// the role, as a pipeline hands each job its own temporary credentials.
func (r pipelineRole) credentialsFile(t *testing.T, emu *awsemu.Emulator) string {
	t.Helper()
	creds, err := r.session(t, emu).Retrieve(context.Background())
	if err != nil {
		t.Fatalf("assuming %s: %v", r.arn, err)
	}
	return fmt.Sprintf("[pipeline]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n",
		creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
}

// principalsProviderBlock points the provider at the emulator with the credentials of the
// "pipeline" profile, which the test rewrites between commands.
func principalsProviderBlock(emu *awsemu.Emulator, credentialsFile string) string {
	var endpoints []string
	for _, id := range lakesail.Services() {
		endpoints = append(endpoints, fmt.Sprintf("    %-4s = %q", id, emu.Endpoint()))
	}
	slices.Sort(endpoints)
	return fmt.Sprintf(`terraform {
  required_providers {
    lakesail = { source = "lakehq/lakesail" }
  }
}

provider "lakesail" {
  region                   = %q
  profile                  = "pipeline"
  shared_credentials_files = [%q]
  shared_config_files      = [%q]
  skip_metadata_api_check  = true

  endpoints {
%s
  }
}
`, emu.Region(), credentialsFile, credentialsFile+".config", strings.Join(endpoints, "\n"))
}

// withReattachedProvider serves a fresh provider in-process for one terraform command, as
// terraform starts a fresh provider process for each command: nothing the plan learned
// survives in memory to the apply.
func withReattachedProvider(t *testing.T, command func(tfexec.ReattachInfo) error) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattachCh := make(chan *plugin.ReattachConfig)
	closeCh := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- tf6server.Serve("registry.terraform.io/lakehq/lakesail", providerserver.NewProtocol6(newTestProvider()),
			tf6server.WithDebug(ctx, reattachCh, closeCh), tf6server.WithLoggingSink(t), tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	}()
	defer func() {
		cancel()
		<-closeCh
	}()
	var config *plugin.ReattachConfig
	select {
	case config = <-reattachCh:
	case err := <-served:
		return fmt.Errorf("serving the provider: %w", err)
	case <-time.After(30 * time.Second):
		return errors.New("the provider server did not start")
	}
	return command(tfexec.ReattachInfo{"registry.terraform.io/lakehq/lakesail": {
		Protocol:        string(config.Protocol),
		ProtocolVersion: config.ProtocolVersion,
		Pid:             config.Pid,
		Test:            config.Test,
		Addr:            tfexec.ReattachConfigAddr{Network: config.Addr.Network(), String: config.Addr.String()},
	}})
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
