package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

const (
	workspaceAddress = "lakesail_workspace.test"
	accWorkspaceID   = "WS00000001"
)

// workspaceFixture is a target with the network pieces a workspace runs in, built by the
// account's administrator (so the tests do not depend on lakesail_network).
type workspaceFixture struct {
	target       *accTarget
	connectionID string
	network      workspace.Network
}

func newWorkspaceFixture(t *testing.T, opts awsemu.Options) *workspaceFixture {
	t.Helper()
	if opts.TransitionDelay == 0 {
		opts.TransitionDelay = 50 * time.Millisecond
	}
	target := newAccTargetWith(t, opts)
	id := accConnectionID(t)
	cfg, err := target.adminConfig()
	if err != nil {
		t.Fatal(err)
	}
	network, err := lakesailtest.BuildNetwork(context.Background(), cfg, id, "NET0000001")
	if err != nil {
		t.Fatal(err)
	}
	return &workspaceFixture{target: target, connectionID: id, network: network}
}

// config is a connection and a workspace in the fixture's network; body goes into the workspace.
func (f *workspaceFixture) config(body string) string {
	subnets := `["` + strings.Join(f.network.PrivateSubnetIDs, `", "`) + `"]`
	return f.target.config(connectionConfig(f.connectionID, "") + fmt.Sprintf(`
resource "lakesail_workspace" "test" {
  connection_id      = lakesail_connection.test.connection_id
  role_arn           = lakesail_connection.test.role_arn
  external_id        = %q
  workspace_id       = %q
  vpc_id             = %q
  private_subnet_ids = %s
  security_group_id  = %q
  kms_key_arn        = %q
  bucket_name        = %q
%s
}
`, accExternalID, accWorkspaceID, f.network.VpcID, subnets, f.network.SecurityGroupID, f.network.KMSKeyARN, f.network.BucketName, body))
}

// importStep imports the workspace by its id and compares the result with the state (the
// external ID is read from the trust policy on import, not stored).
func (f *workspaceFixture) importStep() resource.TestStep {
	return resource.TestStep{
		ResourceName:            workspaceAddress,
		ImportState:             true,
		ImportStateId:           f.connectionID + "/" + accWorkspaceID,
		ImportStateVerify:       true,
		ImportStateVerifyIgnore: []string{"external_id", "timeouts"},
	}
}

const workspaceBasics = `
  kubernetes_version = "1.32"
  log_retention_days = 30
  system_node_group = {
    instance_types = ["t3.medium"]
    min_size       = 1
    desired_size   = 1
    max_size       = 2
    disk_size      = 20
  }
  glue_databases = ["analytics"]
`

func TestAccWorkspace_basic(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{
			{
				Config: f.config(workspaceBasics + `  tags = { team = "data" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("cluster_name"),
							knownvalue.StringExact("lakesail-"+f.connectionID+"-"+accWorkspaceID)),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_role_arns").AtMapKey("storage"),
							knownvalue.StringRegexp(regexp.MustCompile(`:role/lakesail-`+f.connectionID+`-`+accWorkspaceID+`-storage$`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("id"), knownvalue.StringExact(f.connectionID+"/"+accWorkspaceID)),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("endpoint_public_access"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("log_group_name"),
						knownvalue.StringExact("/aws/eks/lakesail-"+f.connectionID+"-"+accWorkspaceID+"/cluster")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("addons").AtMapKey("coredns").AtMapKey("version"), knownvalue.StringExact("latest")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("ssm_parameter_names"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("glue_database_names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("lakesail_" + strings.ToLower(f.connectionID) + "_ws00000001_analytics")})),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("certificate_arn"), knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:acm:`))),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("oidc_provider_arn"), knownvalue.StringRegexp(regexp.MustCompile(`:oidc-provider/oidc\.eks\.`))),
				},
			},
			f.importStep(),
		},
	})
}

func TestAccWorkspace_update(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{
			{Config: f.config(workspaceBasics + `
  addons = {
    vpc-cni    = {}
    kube-proxy = {}
    coredns    = { version = "v1.11.4-eksbuild.2" }
  }
  tags = { team = "data" }`)},
			{
				Config: f.config(`
  kubernetes_version = "1.32"
  log_retention_days = 90
  log_types          = ["api", "audit", "authenticator", "scheduler"]
  system_node_group = {
    instance_types = ["t3.large"]
    min_size       = 1
    desired_size   = 2
    max_size       = 4
    disk_size      = 30
  }
  addons = {
    vpc-cni    = {}
    kube-proxy = {}
    coredns    = { version = "v1.11.4-eksbuild.14" }
  }
  glue_databases = ["analytics", "raw"]
  tags           = { team = "platform", cost = "42" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("system_node_group").AtMapKey("desired_size"), knownvalue.Int64Exact(2)),
					// One instance type and the disk size are the launch template's: changed in place.
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("system_node_group").AtMapKey("instance_types"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("t3.large")})),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("system_node_group").AtMapKey("disk_size"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("node_launch_template_name"),
						knownvalue.StringExact("lakesail-"+f.connectionID+"-"+accWorkspaceID+"-system")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("log_types"), knownvalue.SetSizeExact(4)),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("addons").AtMapKey("coredns").AtMapKey("version"), knownvalue.StringExact("v1.11.4-eksbuild.14")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("tags").AtMapKey("team"), knownvalue.StringExact("platform")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("glue_database_names"), knownvalue.ListSizeExact(2)),
				},
			},
		},
	})
}

func TestAccWorkspace_kubernetesVersionUpgrade(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	upgraded := strings.Replace(workspaceBasics, `"1.32"`, `"1.33"`, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{
			{Config: f.config(strings.Replace(workspaceBasics, `"1.32"`, `"1.31"`, 1))},
			{
				// 1.31 -> 1.33 skips a minor version: refused at plan time.
				Config:      f.config(upgraded),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)kubernetes_version.*one minor version at a time`),
			},
			{
				Config: f.config(workspaceBasics), // 1.31 -> 1.32: one minor step, in place
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("kubernetes_version"), knownvalue.StringExact("1.32")),
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("addons").AtMapKey("kube-proxy").AtMapKey("version"), knownvalue.StringExact("latest")),
				},
			},
			{
				Config:      f.config(strings.Replace(workspaceBasics, `"1.32"`, `"1.31"`, 1)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)kubernetes_version.*never downgrades`),
			},
		},
	})
}

func TestAccWorkspace_disappears(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{{
			Config:             f.config(workspaceBasics),
			Check:              func(*terraform.State) error { return f.deleteWorkspaceOutOfBand() },
			ExpectNonEmptyPlan: true,
		}},
	})
}

// TestAccWorkspace_clusterDeleted deletes only the EKS cluster outside Terraform: the workspace
// stays in state (its roles, OIDC provider, TLS key parameters, certificate, Glue database and log
// group remain), the plan replaces it, apply rebuilds it, and destroy leaves nothing behind.
func TestAccWorkspace_clusterDeleted(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	f.target.requireEmulator(t)
	cfg, err := f.target.adminConfig()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	leftovers := func() ([]string, error) {
		return lakesailtest.WorkspaceLeftovers(ctx, cfg, f.connectionID, accWorkspaceID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(f.checkWorkspaceDestroyed(), func(*terraform.State) error {
			left, err := leftovers()
			if err != nil {
				return err
			}
			if len(left) > 0 {
				return fmt.Errorf("destroy left the workspace's %s", strings.Join(left, ", "))
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: f.config(workspaceBasics),
				Check: func(*terraform.State) error {
					if err := lakesailtest.DeleteCluster(ctx, cfg, "lakesail-"+f.connectionID+"-"+accWorkspaceID); err != nil {
						return err
					}
					left, err := leftovers()
					if err != nil {
						return err
					}
					for _, kind := range []string{"role ", "OIDC provider ", "parameter ", "certificate ", "Glue database ", "log group "} {
						if !slices.ContainsFunc(left, func(l string) bool { return strings.HasPrefix(l, kind) }) {
							return fmt.Errorf("after deleting the cluster no %sis left (%v): the test proves nothing", kind, left)
						}
					}
					return nil
				},
				ExpectNonEmptyPlan: true,
			},
			{
				// The refresh keeps the workspace, with the cluster's values cleared.
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(workspaceAddress, "cluster_arn", ""),
					resource.TestCheckResourceAttr(workspaceAddress, "endpoint", "")),
			},
			{
				Config: f.config(workspaceBasics),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("cluster_arn"),
						knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:eks:.*:cluster/lakesail-`))),
				},
			},
		},
	})
}

// TestAccWorkspace_destroyOrder reads the emulator's call log: destroy removes Karpenter's objects
// (roles, instance profile, parameter: its controller can launch nothing more), then add-ons and
// the node group, then the cluster, the OIDC provider, the other roles, the parameters, the
// certificate, the log group and the databases, in that order, all as the connection role except
// the OIDC provider and the certificate, which the role may not delete: the account itself (the
// provider's own credentials) deletes them, never the role.
func TestAccWorkspace_destroyOrder(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	emu := f.target.requireEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(f.checkWorkspaceDestroyed(), func(*terraform.State) error {
			// Each stage's calls, as the connection role (or the account for the two it may not
			// make); add-ons and the node group go together.
			stages := [][]string{{"Karpenter"}, {"DeleteAddon", "DeleteNodegroup"}, {"DeleteCluster"},
				{"DeleteOpenIDConnectProvider"}, {"DeleteRole"}, {"DeleteParameter"}, {"DeleteCertificate"}, {"DeleteLogGroup"}, {"DeleteDatabase"}}
			// Karpenter's deletes: its controller's and nodes' roles, instance profile and settings parameter.
			cluster := "lakesail-" + f.connectionID + "-" + accWorkspaceID
			karpenter := func(call awsemu.Call) bool {
				return strings.HasPrefix(call.Operation, "Delete") && slices.ContainsFunc(call.Resources, func(r string) bool {
					return strings.HasSuffix(r, "/"+cluster+"-"+workspace.PurposeKarpenter) || strings.HasSuffix(r, "/"+cluster+"-karpenter-node") ||
						strings.HasSuffix(r, "/"+accWorkspaceID+"/karpenter")
				})
			}
			byAccount := map[string]bool{"DeleteOpenIDConnectProvider": true, "DeleteCertificate": true}
			role := ":assumed-role/lakesail-" + f.connectionID + "-LakeSailRole/"
			accountRoot := "arn:aws:iam::" + emu.AccountID() + ":root"
			first, last := map[int]int{}, map[int]int{}
			for i, call := range emu.Calls() {
				if strings.Contains(call.Principal, role) && byAccount[call.Operation] {
					return fmt.Errorf("the connection role attempted %s (%s)", call.Operation, call.Decision)
				}
				if !strings.Contains(call.Principal, role) && (call.Principal != accountRoot || !byAccount[call.Operation]) {
					continue
				}
				operation := call.Operation
				if karpenter(call) {
					operation = "Karpenter"
				}
				for stage, ops := range stages {
					if slices.Contains(ops, operation) {
						if _, seen := first[stage]; !seen {
							first[stage] = i
						}
						last[stage] = i
					}
				}
			}
			for stage := range stages {
				if _, ok := first[stage]; !ok {
					return fmt.Errorf("destroy made no %v call as the connection role (or the account)", stages[stage])
				}
				if stage > 0 && last[stage-1] > first[stage] {
					return fmt.Errorf("%v started before the last %v", stages[stage], stages[stage-1])
				}
			}
			return nil
		}),
		Steps: []resource.TestStep{{Config: f.config(workspaceBasics)}},
	})
}

// TestAccWorkspace_outlivesSession caps every assumed-role session at a few seconds while EKS
// takes longer than that to create the cluster: the credentials refresh themselves.
func TestAccWorkspace_outlivesSession(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{SessionDuration: 2 * time.Second, TransitionDelay: 3 * time.Second})
	emu := f.target.requireEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{{
			Config: f.config(workspaceBasics),
			Check: func(*terraform.State) error {
				sessions := 0
				for _, call := range emu.Calls() {
					if call.Operation == "AssumeRole" && call.Decision == "allow" {
						sessions++
					}
				}
				if sessions < 2 {
					return fmt.Errorf("only %d sessions: the create never outlived one", sessions)
				}
				return nil
			},
		}},
	})
}

func (f *workspaceFixture) spec() workspace.Spec {
	return workspace.Spec{ConnectionID: f.connectionID, TenantID: accTenantID, WorkspaceID: accWorkspaceID,
		Network: f.network, Addons: workspace.DefaultAddons(), GlueDatabases: []string{"analytics"}}
}

// checkWorkspaceDestroyed verifies, as the administrator, that the cluster is gone.
func (f *workspaceFixture) checkWorkspaceDestroyed() resource.TestCheckFunc {
	return func(*terraform.State) error {
		client, err := f.target.rootClient()
		if err != nil {
			return err
		}
		obs, err := client.ObserveConnectionRole(context.Background(), "lakesail-"+f.connectionID+"-"+accWorkspaceID+"-storage")
		switch {
		case err == nil:
			return fmt.Errorf("workload role %s still exists", obs.RoleName)
		case !errors.Is(err, lakesail.ErrNotFound):
			return fmt.Errorf("cannot tell whether the workspace is gone: %w", err) // any other error proves nothing
		}
		return nil
	}
}

// deleteWorkspaceOutOfBand deletes the workspace as the connection role would, outside Terraform.
func (f *workspaceFixture) deleteWorkspaceOutOfBand() error {
	client, err := f.target.rootClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	identity, err := client.CallerIdentity(ctx)
	if err != nil {
		return err
	}
	asRole, err := client.AssumeRole(lakesail.RoleSession{RoleARN: "arn:aws:iam::" + identity.AccountID + ":role/lakesail-" + f.connectionID + "-LakeSailRole",
		ExternalID: accExternalID})
	if err != nil {
		return err
	}
	spec := f.spec()
	spec.AccountID = identity.AccountID
	spec.AccountClient = client // the account's own credentials delete the OIDC provider and certificate
	return workspace.New(asRole.WithWaitDelays(10*time.Millisecond, 100*time.Millisecond)).Delete(ctx, spec, workspace.Record{})
}

func TestAccWorkspace_invalidInput(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	cases := []struct {
		body  string
		error string
	}{
		{strings.Replace(workspaceBasics, "log_retention_days = 30", "log_retention_days = 10", 1), `(?s)log_retention_days.*value must be one of`},
		{workspaceBasics + `  log_types = ["api", "authenticator"]`, `(?s)log_types.*must include audit`},
		{workspaceBasics + `  endpoint_public_access = true`, `(?s)public_access_cidrs.*at least one CIDR`},
		{workspaceBasics + `  public_access_cidrs = ["10.0.0.1/8"]`, `(?s)Invalid CIDR Block`},
		{strings.Replace(workspaceBasics, `"1.32"`, `"2.0"`, 1), `(?s)kubernetes_version.*minor version such as 1.33`},
		{strings.Replace(workspaceBasics, "desired_size   = 1", "desired_size   = 5", 1), `(?s)system_node_group.*sizes must satisfy`},
		{strings.Replace(workspaceBasics, `["analytics"]`, `["Bad-Name"]`, 1), `(?s)glue_databases.*lower-case`},
	}
	for _, tc := range cases {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      f.config(tc.body),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.error),
			}},
		})
	}
	other := *f
	other.network.BucketName = "lakesail-zz99yy88xx-net0000001-ws"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      other.config(workspaceBasics),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)bucket_name.*not a bucket of`),
		}},
	})
}

// TestAccWorkspace_envelopeDrift: an administrator strips WorkloadBoundary from the storage role;
// the plan shows the role missing from workload_role_arns and apply puts the boundary back.
func TestAccWorkspace_envelopeDrift(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	f.target.requireEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{
			{
				Config: f.config(workspaceBasics),
				Check: func(*terraform.State) error {
					cfg, err := f.target.adminConfig()
					if err != nil {
						return err
					}
					return lakesailtest.StripBoundary(context.Background(), cfg, "lakesail-"+f.connectionID+"-"+accWorkspaceID+"-storage")
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: f.config(workspaceBasics),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("workload_role_arns").AtMapKey("storage"),
							knownvalue.StringRegexp(regexp.MustCompile(`-storage$`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccWorkspace_launchTemplateDrift: an administrator deletes the node launch template; the
// plan shows node_launch_template_name coming back as an in-place update, and apply makes a new
// template and node group (EKS cannot move a node group to another template).
func TestAccWorkspace_launchTemplateDrift(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	f.target.requireEmulator(t)
	name := "lakesail-" + f.connectionID + "-" + accWorkspaceID + "-system"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{
			{
				Config: f.config(workspaceBasics),
				Check: func(*terraform.State) error {
					cfg, err := f.target.adminConfig()
					if err != nil {
						return err
					}
					return lakesailtest.DeleteLaunchTemplate(context.Background(), cfg, name)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: f.config(workspaceBasics),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("node_launch_template_name"), knownvalue.StringExact(name)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccWorkspace_networkUnknownAtPlan: the network's outputs are unknown until it is created
// (terraform_data stands in for lakesail_network); the plan still shows the workspace's names.
func TestAccWorkspace_networkUnknownAtPlan(t *testing.T) {
	f := newWorkspaceFixture(t, awsemu.Options{})
	config := strings.NewReplacer(
		fmt.Sprintf("vpc_id             = %q", f.network.VpcID), "vpc_id             = terraform_data.network.output.vpc_id",
		fmt.Sprintf("kms_key_arn        = %q", f.network.KMSKeyARN), "kms_key_arn        = terraform_data.network.output.kms_key_arn",
	).Replace(f.config(workspaceBasics)) + fmt.Sprintf(`
resource "terraform_data" "network" {
  input = { vpc_id = %q, kms_key_arn = %q }
}
`, f.network.VpcID, f.network.KMSKeyARN)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(workspaceAddress, tfjsonpath.New("vpc_id")),
					plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("cluster_name"),
						knownvalue.StringExact("lakesail-"+f.connectionID+"-"+accWorkspaceID)),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccWorkspace_inNetwork: the way a customer writes it, a connection, a lakesail_network and
// a workspace fed by the network's outputs, applied and destroyed together (over TLS, which the
// network's bucket policy requires).
func TestAccWorkspace_inNetwork(t *testing.T) {
	n := newNetworkTarget(t)
	config := n.configWith("", "  cidr_block    = \"10.20.0.0/16\"\n  force_destroy = true") + fmt.Sprintf(`
resource "lakesail_workspace" "test" {
  connection_id      = lakesail_connection.test.connection_id
  role_arn           = lakesail_connection.test.role_arn
  external_id        = %q
  workspace_id       = %q
  vpc_id             = lakesail_network.test.vpc_id
  private_subnet_ids = lakesail_network.test.private_subnet_ids
  security_group_id  = lakesail_network.test.security_group_id
  kms_key_arn        = lakesail_network.test.kms_key_arn
  bucket_name        = lakesail_network.test.bucket_name
%s
}
`, accExternalID, accWorkspaceID, workspaceBasics)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             (&workspaceFixture{target: n.accTarget, connectionID: n.connectionID}).checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(workspaceAddress, tfjsonpath.New("vpc_id")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("bucket_name"),
					knownvalue.StringExact("lakesail-"+strings.ToLower(n.connectionID)+"-net0000001-ws")),
			},
		}},
	})
}
