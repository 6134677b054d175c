package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// TestAccWorkspace_certificateRenewal moves the emulator's clock, and the provider's (the
// library's Options.Now, passed like the test waits), to 20 days before the session certificate
// expires: the plan shows the renewal (certificate_not_after known after apply), apply keeps the
// certificate's ARN while ACM now serves another certificate, and the next plan is empty.
func TestAccWorkspace_certificateRenewal(t *testing.T) {
	// A clock that runs with the wall clock, shifted: EKS transitions still settle.
	var shift atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	f := newWorkspaceFixture(t, awsemu.Options{Now: now})
	f.target.requireEmulator(t)
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"lakesail": providerserver.NewProtocol6WithError(&lakesailProvider{version: "test", tuneLibrary: func(o *lakesail.Options) {
			fastLibraryWaits(o)
			o.Now = now
		}}),
	}
	var arn, body, notAfter string
	remember := func(s *terraform.State) error {
		attrs := s.RootModule().Resources[workspaceAddress].Primary.Attributes
		arn, notAfter = attrs["certificate_arn"], attrs["certificate_not_after"]
		var err error
		body, err = f.certificateBody(arn)
		return err
	}
	moveClock := func() {
		expiry, err := time.Parse(time.RFC3339, notAfter)
		if err != nil {
			t.Fatalf("certificate_not_after %q: %v", notAfter, err)
		}
		shift.Store(int64(time.Until(expiry.Add(-20 * 24 * time.Hour))))
	}
	config := f.config(workspaceBasics)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             f.checkWorkspaceDestroyed(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("certificate_renewal_days"), knownvalue.Int64Exact(30)),
				},
				Check: remember,
			},
			{
				// Still 30 days or more before expiry with a 10-day window: nothing to renew.
				PreConfig: moveClock,
				Config:    f.config(workspaceBasics + "  certificate_renewal_days = 10\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(workspaceAddress, tfjsonpath.New("certificate_not_after"), knownvalue.NotNull()),
					},
				},
			},
			{
				// Back to the default 30-day window, 20 days before expiry: the plan renews.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(workspaceAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(workspaceAddress, tfjsonpath.New("certificate_not_after")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources[workspaceAddress].Primary.Attributes
					if attrs["certificate_arn"] != arn {
						return fmt.Errorf("the renewal replaced certificate %s with %s", arn, attrs["certificate_arn"])
					}
					if attrs["certificate_not_after"] <= notAfter {
						return fmt.Errorf("certificate_not_after %s did not move past %s", attrs["certificate_not_after"], notAfter)
					}
					renewed, err := f.certificateBody(arn)
					if err != nil {
						return err
					}
					if renewed == body {
						return fmt.Errorf("ACM still serves the old certificate under %s", arn)
					}
					// The session listener still names the certificate (now serving the new body).
					listener, cert, _, err := f.sessionListener()
					if err != nil {
						return err
					}
					if cert != arn || attrs["session_listener_arn"] != listener {
						return fmt.Errorf("after the renewal listener %s serves %s (state: %s), not %s", listener, cert, attrs["session_listener_arn"], arn)
					}
					return nil
				},
			},
		},
	})
}

// certificateBody is the certificate ACM serves under arn, read with the administrator's
// credentials.
func (f *workspaceFixture) certificateBody(arn string) (string, error) {
	cfg, err := f.target.adminConfig()
	if err != nil {
		return "", err
	}
	return lakesailtest.CertificateBody(context.Background(), cfg, arn)
}

// sessionListener is the session load balancer's listener on 443, its certificate and policy.
func (f *workspaceFixture) sessionListener() (arn, certificateARN, policy string, err error) {
	cfg, err := f.target.adminConfig()
	if err != nil {
		return "", "", "", err
	}
	return lakesailtest.SessionListener(context.Background(), cfg, "lakesail-"+f.connectionID+"-"+accWorkspaceID)
}
