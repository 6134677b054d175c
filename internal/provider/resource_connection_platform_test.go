package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

// TestAccConnectionPlatform_basic: apply registers the role and has the platform verify it, the
// plan is empty afterwards, import reads the status back, and destroy deregisters before the
// role is deleted.
func TestAccConnectionPlatform_basic(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	roleName := connpolicy.DefaultRoleName(id)
	config := target.configWith(fake.providerBlock(), connectionConfig(id, ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			target.checkConnectionDestroyed(id),
			fake.checkConnectionDeregistered(id),
			target.checkDeregisteredBeforeRoleDeleted(fake, id),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(connectionAddress, tfjsonpath.New("platform_status")),
						plancheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_name"), knownvalue.StringExact(roleName)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact(platform.ConnectionStatusActive)),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status_message"),
						knownvalue.StringRegexp(regexp.MustCompile(`^assumed arn:aws:iam::\d{12}:role/`+roleName+`$`))),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("verified"), knownvalue.Bool(true)),
				},
				Check: fake.checkConnectionRegistered(id, roleName, platform.ConnectionStatusActive),
			},
			{
				ResourceName:            connectionAddress,
				ImportState:             true,
				ImportStateId:           id,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"verified", "timeouts"},
			},
		},
	})
}

// TestAccConnectionPlatform_customName: platform_name is what the platform shows. A later change
// is an in-place update that touches neither AWS nor the registration (the API has no rename).
func TestAccConnectionPlatform_customName(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(target.checkConnectionDestroyed(id), fake.checkConnectionDeregistered(id)),
		Steps: []resource.TestStep{
			{
				Config: target.configWith(fake.providerBlock(), connectionConfig(id, `  platform_name = "Analytics production"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: fake.checkConnectionRegistered(id, "Analytics production", platform.ConnectionStatusActive),
			},
			{
				Config: target.configWith(fake.providerBlock(), connectionConfig(id, `  platform_name = "Analytics"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact(platform.ConnectionStatusActive)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_name"), knownvalue.StringExact("Analytics")),
				},
				Check: resource.ComposeTestCheckFunc(
					fake.checkConnectionRegistered(id, "Analytics production", platform.ConnectionStatusActive),
					target.checkRoleCreatedOnce(connpolicy.DefaultRoleName(id)),
				),
			},
		},
	})
}

// TestAccConnectionPlatform_outage: the platform is down for the whole first apply. The role is
// created, verified and kept in state as unregistered; the next apply, with the platform back,
// only registers (no AWS object is created again) and the plan is then empty.
//
// It also captures the provider's log: the platform client's retries reach it through the tflog
// adapter, and the token appears nowhere in it.
func TestAccConnectionPlatform_outage(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	logPath := filepath.Join(t.TempDir(), "acc.log")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	defer checkLogWithoutToken(t, logPath)
	id := accConnectionID(t)
	roleName := connpolicy.DefaultRoleName(id)
	config := target.configWith(fake.providerBlock(), connectionConfig(id, ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(target.checkConnectionDestroyed(id), fake.checkConnectionDeregistered(id)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { fake.setOutage(true) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact(platformStatusUnregistered)),
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("verified"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(
					fake.checkConnectionDeregistered(id),
					fake.checkSawOutage(),
					fake.checkAccessCheckMetOutage(),
				),
				// The refresh after apply still meets the outage: the plan shows the registration to do.
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() { fake.setOutage(false) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(connectionAddress, tfjsonpath.New("platform_status")),
						plancheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("verified"), knownvalue.Bool(true)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact(platform.ConnectionStatusActive)),
				},
				Check: resource.ComposeTestCheckFunc(
					fake.checkConnectionRegistered(id, roleName, platform.ConnectionStatusActive),
					target.checkRoleCreatedOnce(roleName),
				),
			},
		},
	})
}

// TestAccConnectionPlatform_verifyOutage: registration succeeds but the platform cannot be asked
// to verify; the connection stays registered, and the next apply only verifies.
func TestAccConnectionPlatform_verifyOutage(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	roleName := connpolicy.DefaultRoleName(id)
	config := target.configWith(fake.providerBlock(), connectionConfig(id, ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(target.checkConnectionDestroyed(id), fake.checkConnectionDeregistered(id)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					fake.setUnavailable(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/verify") })
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact("pending")),
				},
				Check:              fake.checkConnectionRegistered(id, roleName, "pending"),
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() { fake.setOutage(false) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(connectionAddress, tfjsonpath.New("platform_status")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					fake.checkConnectionRegistered(id, roleName, platform.ConnectionStatusActive),
					target.checkRoleCreatedOnce(roleName),
				),
			},
		},
	})
}

// TestAccConnectionPlatform_destroyOutage: a destroy that cannot deregister deletes nothing in
// AWS; once the platform is back the plan is empty and destroy completes.
func TestAccConnectionPlatform_destroyOutage(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	roleName := connpolicy.DefaultRoleName(id)
	config := target.configWith(fake.providerBlock(), connectionConfig(id, ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(target.checkConnectionDestroyed(id), fake.checkConnectionDeregistered(id)),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { fake.setOutage(true) },
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`Cannot Deregister from the LakeSail Platform`),
			},
			{
				PreConfig: func() {
					fake.setOutage(false)
					if _, ok := fake.connection(id); !ok {
						t.Errorf("the failed destroy removed the registration of %s", id)
					}
					target.assertRoleExists(t, roleName)
				},
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// TestAccConnectionPlatform_environment: LAKESAIL_PLATFORM_URL and LAKESAIL_TOKEN fill an empty
// platform block.
func TestAccConnectionPlatform_environment(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	t.Setenv(envPlatformURL, fake.URL())
	t.Setenv(envPlatformToken, fakePlatformToken)
	id := accConnectionID(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(target.checkConnectionDestroyed(id), fake.checkConnectionDeregistered(id)),
		Steps: []resource.TestStep{{
			Config: target.configWith("  platform {}\n", connectionConfig(id, "")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact(platform.ConnectionStatusActive)),
			},
			Check: fake.checkConnectionRegistered(id, connpolicy.DefaultRoleName(id), platform.ConnectionStatusActive),
		}},
	})
}

// TestAccConnectionPlatform_notConfigured: without a token the platform is never called and the
// platform attributes are empty.
func TestAccConnectionPlatform_notConfigured(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	noCalls := func(*terraform.State) error {
		if n := len(fake.log()); n != 0 {
			return fmt.Errorf("the platform received %d requests with no platform configured", n)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(target.checkConnectionDestroyed(id), noCalls),
		Steps: []resource.TestStep{{
			Config: target.config(connectionConfig(id, "")),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact("")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status_message"), knownvalue.StringExact("")),
			},
			Check: noCalls,
		}},
	})
}

// TestAccConnectionPlatform_platformRemoved: once the platform block is gone nothing calls the
// platform; the last known status is kept (the plan stays empty), and destroy leaves the
// registration, with a warning, rather than failing.
func TestAccConnectionPlatform_platformRemoved(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	requestsWithPlatform := 0
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			target.checkConnectionDestroyed(id),
			fake.checkConnectionRegistered(id, connpolicy.DefaultRoleName(id), platform.ConnectionStatusActive),
			func(*terraform.State) error {
				if n := len(fake.log()); n != requestsWithPlatform {
					return fmt.Errorf("the platform received %d requests after it was removed from the configuration", n-requestsWithPlatform)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				Config: target.configWith(fake.providerBlock(), connectionConfig(id, "")),
				Check: func(*terraform.State) error {
					requestsWithPlatform = len(fake.log())
					return nil
				},
			},
			{
				PreConfig: func() { requestsWithPlatform = len(fake.log()) }, // the post-apply refreshes of step 1
				Config:    target.config(connectionConfig(id, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact(platform.ConnectionStatusActive)),
				},
			},
		},
	})
}

// TestAccConnectionPlatform_replace: a new connection_id replaces the connection: the old id is
// deregistered with its role and the new one registered with the new role.
func TestAccConnectionPlatform_replace(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	oldID := accConnectionID(t)
	newID := "R" + oldID[1:]
	if newID == oldID {
		newID = "S" + oldID[1:]
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			target.checkConnectionDestroyed(oldID), target.checkConnectionDestroyed(newID),
			fake.checkConnectionDeregistered(oldID), fake.checkConnectionDeregistered(newID),
		),
		Steps: []resource.TestStep{
			{Config: target.configWith(fake.providerBlock(), connectionConfig(oldID, ""))},
			{
				Config: target.configWith(fake.providerBlock(), connectionConfig(newID, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddress, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectUnknownValue(connectionAddress, tfjsonpath.New("platform_status")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					fake.checkConnectionDeregistered(oldID),
					fake.checkConnectionRegistered(newID, connpolicy.DefaultRoleName(newID), platform.ConnectionStatusActive),
				),
			},
		},
	})
}

// TestAccConnectionPlatform_adoptsSameRole: an id the platform already has for the same role
// (e.g. recorded in the console) is adopted and verified, not an error.
func TestAccConnectionPlatform_adoptsSameRole(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	roleName := connpolicy.DefaultRoleName(id)
	fake.putConnection(platform.Connection{
		ID: id, Name: "recorded in the console", Provider: platform.ProviderAWS, Status: "pending",
		ProviderConfig: platform.ConnectionProviderConfig{AccountID: target.accountID(t), Region: "us-east-1", RoleARN: target.roleARN(t, roleName)},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(target.checkConnectionDestroyed(id), fake.checkConnectionDeregistered(id)),
		Steps: []resource.TestStep{{
			Config: target.configWith(fake.providerBlock(), connectionConfig(id, "")),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				fake.checkConnectionRegistered(id, "recorded in the console", platform.ConnectionStatusActive),
				func(*terraform.State) error {
					if n := fake.count(http.MethodPost, "/infra/connections"); n != 1 {
						return fmt.Errorf("expected one CreateConnection (answered 409 and adopted), got %d", n)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccConnectionPlatform_conflict: an id the platform has for another role fails the plan,
// before anything is created in AWS.
func TestAccConnectionPlatform_conflict(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	id := accConnectionID(t)
	fake.putConnection(platform.Connection{
		ID: id, Name: "someone else's", Provider: platform.ProviderAWS, Status: platform.ConnectionStatusActive,
		ProviderConfig: platform.ConnectionProviderConfig{AccountID: "111122223333", Region: "us-east-1", RoleARN: "arn:aws:iam::111122223333:role/other"},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		Steps: []resource.TestStep{{
			Config:      target.configWith(fake.providerBlock(), connectionConfig(id, "")),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)LakeSail Connection ID Already Registered.*arn:aws:iam::111122223333:role/other`),
		}},
	})
	if _, ok := fake.connection(id); !ok {
		t.Errorf("the other role's registration of %s was removed", id)
	}
}

// checkConnectionRegistered checks the fake's store against the resource's state.
func (f *fakePlatform) checkConnectionRegistered(id, name, status string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		res, ok := s.RootModule().Resources[connectionAddress]
		if !ok {
			return fmt.Errorf("%s is not in state", connectionAddress)
		}
		got, ok := f.connection(id)
		if !ok {
			return fmt.Errorf("the platform has no connection %s", id)
		}
		attrs := res.Primary.Attributes
		want := platform.ConnectionProviderConfig{AccountID: attrs["account_id"], Region: got.ProviderConfig.Region, RoleARN: attrs["role_arn"]}
		switch {
		case got.ProviderConfig != want:
			return fmt.Errorf("registered providerConfig %+v, want %+v", got.ProviderConfig, want)
		case got.ProviderConfig.Region == "":
			return fmt.Errorf("registered without a region")
		case got.Name != name:
			return fmt.Errorf("registered name %q, want %q", got.Name, name)
		case got.Provider != platform.ProviderAWS:
			return fmt.Errorf("registered provider %q, want aws", got.Provider)
		case got.Status != status:
			return fmt.Errorf("platform status %q, want %q", got.Status, status)
		}
		return nil
	}
}

// checkConnectionDeregistered checks the fake's store has no connection id.
func (f *fakePlatform) checkConnectionDeregistered(id string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if c, ok := f.connection(id); ok {
			return fmt.Errorf("the platform still has connection %s (role %s)", id, c.ProviderConfig.RoleARN)
		}
		return nil
	}
}

// checkSawOutage checks the provider met the outage and retried rather than giving up at once.
func (f *fakePlatform) checkSawOutage() resource.TestCheckFunc {
	return func(*terraform.State) error {
		creates := 0
		for _, r := range f.log() {
			if r.Method == http.MethodPost && r.Path == "/infra/connections" {
				if r.Status != http.StatusServiceUnavailable {
					return fmt.Errorf("a CreateConnection got HTTP %d during the outage", r.Status)
				}
				creates++
			}
		}
		if creates < 2 {
			return fmt.Errorf("expected CreateConnection to be retried during the outage, saw %d attempts", creates)
		}
		return nil
	}
}

// checkAccessCheckMetOutage checks the plan-time access check was made and answered 503: an
// outage is a warning, so the plan went ahead and apply built the role.
func (f *fakePlatform) checkAccessCheckMetOutage() resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range f.log() {
			if r.Method == http.MethodGet && r.Path == "/infra/connections" && r.Query == "limit=1" {
				if r.Status != http.StatusServiceUnavailable {
					return fmt.Errorf("the plan-time access check got HTTP %d during the outage", r.Status)
				}
				return nil
			}
		}
		return fmt.Errorf("the plan made no access check")
	}
}

// checkDeregisteredBeforeRoleDeleted compares the fake's DeleteConnection with the emulator's
// DeleteRole: LakeSail must stop using the role before it goes.
func (a *accTarget) checkDeregisteredBeforeRoleDeleted(f *fakePlatform, id string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if a.emu == nil {
			return nil // no call log against real AWS
		}
		var deregistered *fakeRequest
		for _, r := range f.log() {
			if r.Method == http.MethodDelete && r.Path == "/infra/connections/"+id && r.Status == http.StatusNoContent {
				deregistered = &r
			}
		}
		if deregistered == nil {
			return fmt.Errorf("the platform saw no successful DELETE of connection %s", id)
		}
		roleName := connpolicy.DefaultRoleName(id)
		for _, call := range a.emu.Calls() {
			if call.Service == "iam" && call.Operation == "DeleteRole" && strings.Contains(strings.Join(call.Resources, " "), roleName) {
				if call.Time.Before(deregistered.At) {
					return fmt.Errorf("the role was deleted at %s, before the connection was deregistered at %s", call.Time, deregistered.At)
				}
				return nil
			}
		}
		return fmt.Errorf("the emulator saw no DeleteRole for %s", roleName)
	}
}

// checkRoleCreatedOnce checks the emulator's call log: the role was created by the first apply
// only. Against real AWS it is skipped (no call log).
func (a *accTarget) checkRoleCreatedOnce(roleName string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if a.emu == nil {
			return nil
		}
		creates := 0
		for _, call := range a.emu.Calls() {
			if call.Service == "iam" && call.Operation == "CreateRole" && call.Decision == "allow" && strings.Contains(strings.Join(call.Resources, " "), roleName) {
				creates++
			}
		}
		if creates != 1 {
			return fmt.Errorf("the role %s was created %d times; the registration-only apply must not touch AWS", roleName, creates)
		}
		return nil
	}
}

func (a *accTarget) assertRoleExists(t *testing.T, roleName string) {
	t.Helper()
	client, err := a.rootClient()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.ObserveConnectionRole(context.Background(), roleName); err != nil {
		t.Errorf("the role %s is gone after a destroy that could not deregister: %v", roleName, err)
	}
}

func (a *accTarget) accountID(t *testing.T) string {
	t.Helper()
	client, err := a.rootClient()
	if err != nil {
		t.Fatal(err)
	}
	account, err := client.AccountID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return account
}

func (a *accTarget) roleARN(t *testing.T, roleName string) string {
	t.Helper()
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", a.accountID(t), roleName)
}

func TestUnitExpandPlatformConnection(t *testing.T) {
	m := connectionModel{
		ConnectionID: types.StringValue("AB12CD34EF"),
		RoleName:     types.StringValue("lakesail-AB12CD34EF-LakeSailRole"),
		AccountID:    types.StringValue("111122223333"),
		RoleARN:      types.StringValue("arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-LakeSailRole"),
		PlatformName: types.StringValue("Analytics"),
	}
	got := expandPlatformConnection(m, "eu-west-1")
	want := platform.CreateConnectionInput{ID: "AB12CD34EF", Name: "Analytics", Provider: "aws",
		ProviderConfig: platform.CreateConnectionAWSConfig{AccountID: "111122223333", Region: "eu-west-1", RoleARN: m.RoleARN.ValueString()}}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestUnitPlatformName(t *testing.T) {
	plan := connectionModel{ConnectionID: types.StringValue("AB12CD34EF"), RoleName: types.StringValue("custom-role")}
	unset := connectionModel{PlatformName: types.StringNull()}
	if got := planPlatformName(unset, plan); got.ValueString() != "custom-role" {
		t.Errorf("default: got %v, want the role name", got)
	}
	if got := planPlatformName(connectionModel{PlatformName: types.StringValue("Prod")}, plan); got.ValueString() != "Prod" {
		t.Errorf("configured: got %v", got)
	}
	if got := planPlatformName(connectionModel{PlatformName: types.StringUnknown()}, plan); !got.IsUnknown() {
		t.Errorf("a name from another resource stays unknown, got %v", got)
	}
	plan.RoleName = types.StringUnknown()
	if got := planPlatformName(unset, plan); got.ValueString() != "AB12CD34EF" {
		t.Errorf("without a known role name: got %v, want the connection id", got)
	}
}

// TestUnitRegisterPlatformConnection: the same role under a taken id is adopted, another role is
// a conflict naming both, a lost answer is settled with GetConnection, and a refused request is
// returned as it is.
func TestUnitRegisterPlatformConnection(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fake := newFakePlatform(t)
	client := fake.client(t)
	in := platform.CreateConnectionInput{ID: "AB12CD34EF", Name: "n", Provider: "aws", ProviderConfig: platform.CreateConnectionAWSConfig{
		AccountID: "111122223333", Region: "us-east-1", RoleARN: "arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-LakeSailRole"}}

	fake.setLostAnswer(func(r *http.Request) bool { return r.Method == http.MethodPost })
	if _, err := registerPlatformConnection(ctx, client, in); err != nil {
		t.Fatalf("a lost answer must be settled by GetConnection: %v", err)
	}
	fake.setLostAnswer(nil)
	adopted, err := registerPlatformConnection(ctx, client, in)
	if err != nil || adopted.ProviderConfig.RoleARN != in.ProviderConfig.RoleARN {
		t.Fatalf("the same role under a taken id must be adopted: %v, %v", adopted, err)
	}

	other := in
	other.ProviderConfig.RoleARN = "arn:aws:iam::111122223333:role/another"
	_, err = registerPlatformConnection(ctx, client, other)
	var conflict *connectionConflictError
	if !errors.As(err, &conflict) || conflict.RegisteredRole != in.ProviderConfig.RoleARN || conflict.ConfiguredRole != other.ProviderConfig.RoleARN {
		t.Fatalf("another role under a taken id must be a conflict naming both roles, got %v", err)
	}
	var diags diag.Diagnostics
	addConnectionConflict(&diags, conflict)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "role/another") || !strings.Contains(diags[0].Detail(), "console") {
		t.Errorf("conflict diagnostic: %v", diags)
	}

	bad := in
	bad.ID = "ZZ12CD34EF"
	bad.Provider = "gcp"
	if _, err := registerPlatformConnection(ctx, client, bad); !isStatus(err, http.StatusBadRequest) {
		t.Errorf("a refused request must come back as it is, got %v", err)
	}
}

func isStatus(err error, status int) bool {
	var apiErr *platform.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// checkLogWithoutToken reads the acceptance log: the platform client's lines must be there, the
// token must not.
func checkLogWithoutToken(t *testing.T, logPath string) {
	t.Helper()
	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the acceptance log: %v", err)
	}
	log := string(raw)
	for number, line := range strings.Split(log, "\n") {
		// Lines starting "  |" are the test harness echoing the test's own configuration.
		if strings.Contains(line, fakePlatformToken) && !strings.HasPrefix(line, "  |") {
			t.Errorf("the platform token appears in line %d of the log: %.200s", number+1, line)
		}
	}
	for _, want := range []string{"platform request failed; retrying", platformLogComponent, "CreateConnection"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q: the platform client's lines do not reach tflog", want)
		}
	}
}
