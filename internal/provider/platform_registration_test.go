package provider

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

func TestUnitPlanPlatformStatus(t *testing.T) {
	active := platformStatusValues{Status: types.StringValue("active"), Message: types.StringValue("assumed")}
	unregistered := unregisteredStatus("not there")
	empty := noPlatformStatus()
	cases := []struct {
		name          string
		configured    bool
		prior         *platformStatusValues
		pendingVerify bool
		awsChanges    bool
		want          string // "unknown" or the planned status
	}{
		{"no platform, create", false, nil, false, true, ""},
		{"no platform, registered before: kept, nothing can refresh it", false, &active, false, true, "active"},
		{"no platform, older state without the attributes", false, &platformStatusValues{Status: types.StringNull(), Message: types.StringNull()}, false, false, ""},
		{"create", true, nil, false, true, "unknown"},
		{"registered, nothing changes", true, &active, false, false, "active"},
		{"registered, role changes", true, &active, false, true, "unknown"},
		{"registered, verification pending", true, &active, true, false, "unknown"},
		{"not registered", true, &unregistered, false, false, "unknown"},
		{"platform newly configured", true, &empty, false, false, "unknown"},
		{"null status from an older state", true, &platformStatusValues{Status: types.StringNull(), Message: types.StringNull()}, false, false, "unknown"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := planPlatformStatus(tc.configured, tc.prior, tc.pendingVerify, tc.awsChanges)
			switch {
			case tc.want == "unknown":
				if !got.Status.IsUnknown() || !got.Message.IsUnknown() {
					t.Errorf("got %v, want unknown", got)
				}
			case got.Status.IsUnknown() || got.Status.ValueString() != tc.want:
				t.Errorf("got %v, want %q", got.Status, tc.want)
			}
		})
	}
}

func TestUnitFlattenPlatformStatus(t *testing.T) {
	status, message := flattenPlatformStatus("", "")
	if status.ValueString() != platformStatusRegistered || message.ValueString() != "" {
		t.Errorf("an empty status of a registered object must not read as 'no platform': %v %v", status, message)
	}
	status, message = flattenPlatformStatus("failed", "AccessDenied")
	if status.ValueString() != "failed" || message.ValueString() != "AccessDenied" {
		t.Errorf("got %v %v", status, message)
	}
	if !(platformStatusValues{Status: status}).registered() || unregisteredStatus("x").registered() || noPlatformStatus().registered() {
		t.Error("registered() must be true only for a status the platform gave")
	}
}

// TestUnitPlatformDiagnostics: each diagnostic names the object, says what exists where and what
// to do, and ends with the original error; none carries the token.
func TestUnitPlatformDiagnostics(t *testing.T) {
	subject := platformSubject{Kind: "connection", Name: "AB12CD34EF", AWS: "role arn:aws:iam::111122223333:role/x"}
	cause := &platform.APIError{Operation: "CreateConnection", Method: "POST", Path: "/infra/connections", StatusCode: 503, Attempts: 5}
	cases := []struct {
		name     string
		add      func(*diag.Diagnostics)
		error    bool
		summary  string
		contains []string
	}{
		{"not registered in create", func(d *diag.Diagnostics) { addPlatformNotRegistered(d, subject, false, cause) }, false,
			"LakeSail Platform Registration Incomplete",
			[]string{"AB12CD34EF", "role arn:aws:iam::111122223333:role/x", "NOT registered", "terraform apply", "unavailable"}},
		{"not registered in update", func(d *diag.Diagnostics) { addPlatformNotRegistered(d, subject, true, cause) }, true,
			"LakeSail Platform Registration Incomplete", []string{"saved in Terraform state"}},
		{"not verified", func(d *diag.Diagnostics) { addPlatformNotVerified(d, subject, false, cause) }, false,
			"LakeSail Platform Verification Incomplete", []string{"is registered", "terraform apply"}},
		{"deregistration failed", func(d *diag.Diagnostics) { addPlatformDeregistrationFailed(d, subject, cause) }, true,
			"Cannot Deregister from the LakeSail Platform", []string{"nothing was deleted in AWS", "terraform destroy"}},
		{"refresh failed", func(d *diag.Diagnostics) { addPlatformRefreshWarning(d, subject, cause) }, false,
			"Cannot Refresh LakeSail Platform Status", []string{"previous platform_status is kept"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			tc.add(&diags)
			if len(diags) != 1 || diags.HasError() != tc.error || diags[0].Summary() != tc.summary {
				t.Fatalf("got %v", diags)
			}
			detail := diags[0].Detail()
			for _, want := range tc.contains {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
			if !strings.HasSuffix(detail, cause.Error()) {
				t.Errorf("the original error must come last:\n%s", detail)
			}
		})
	}
	var diags diag.Diagnostics
	addPlatformNotConfiguredOnDelete(&diags, subject)
	if diags.HasError() || !strings.Contains(diags[0].Detail(), envPlatformToken) {
		t.Errorf("got %v", diags)
	}
}

func TestUnitPlatformErrorHint(t *testing.T) {
	cases := map[string]error{
		"refused the token":   &platform.APIError{StatusCode: 401},
		"permission":          &platform.APIError{StatusCode: 403},
		"unavailable":         &platform.APIError{StatusCode: 503},
		"refused the request": &platform.APIError{StatusCode: 422},
		"did not answer":      &platform.TransportError{Err: context.DeadlineExceeded},
		"points at the API":   &platform.DecodeError{Err: errors.New("bad json")},
	}
	for want, err := range cases {
		if hint := platformErrorHint(err); !strings.Contains(hint, want) {
			t.Errorf("%T %v: hint %q lacks %q", err, err, hint, want)
		}
	}
	if hint := platformErrorHint(errors.New("other")); hint != "" {
		t.Errorf("an unknown error needs no hint, got %q", hint)
	}
}
