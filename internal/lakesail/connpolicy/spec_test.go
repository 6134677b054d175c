package connpolicy

import (
	"errors"
	"strings"
	"testing"
)

func TestUnitSpecValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Spec)
		field  string // "" means valid
	}{
		{"valid", func(*Spec) {}, ""},
		{"valid without provisioners", func(s *Spec) { s.ProvisionerPrincipals = nil }, ""},
		{"valid in GovCloud", func(s *Spec) {
			*s = specIn("aws-us-gov")
		}, ""},
		{"valid path", func(s *Spec) { s.RolePath = "/lakesail/connections/" }, ""},
		{"lower-case connection id", func(s *Spec) { s.ConnectionID = "ab12cd34ef" }, "ConnectionID"},
		{"short connection id", func(s *Spec) { s.ConnectionID = "AB12" }, "ConnectionID"},
		{"tenant id with a hyphen", func(s *Spec) { s.TenantID = "TN-000042X" }, "TenantID"},
		{"account id too short", func(s *Spec) { s.AccountID = "11112222333" }, "AccountID"},
		{"unknown partition", func(s *Spec) { s.Partition = "aws-iso" }, "Partition"},
		{"no principal outside aws", func(s *Spec) { s.Partition = "aws-cn"; s.ProvisionerPrincipals = nil }, "LakeSailPrincipal"},
		{"principal of another partition", func(s *Spec) { s.LakeSailPrincipal = "arn:aws-cn:iam::921150455437:root" }, "LakeSailPrincipal"},
		{"principal is a wildcard", func(s *Spec) { s.LakeSailPrincipal = "*" }, "LakeSailPrincipal"},
		{"principal is an account id", func(s *Spec) { s.LakeSailPrincipal = "921150455437" }, "LakeSailPrincipal"},
		{"missing external id", func(s *Spec) { s.ExternalID = "" }, "ExternalID"},
		{"external id with a space", func(s *Spec) { s.ExternalID = "not valid" }, "ExternalID"},
		{"provisioner session", func(s *Spec) {
			s.ProvisionerPrincipals = []string{"arn:aws:sts::111122223333:assumed-role/terraform-ci/1700000000"}
		}, "ProvisionerPrincipals[0]"},
		{"provisioner wildcard", func(s *Spec) { s.ProvisionerPrincipals = []string{"arn:aws:iam::111122223333:role/*"} }, "ProvisionerPrincipals[0]"},
		{"role name too long", func(s *Spec) { s.RoleName = strings.Repeat("r", 65) }, "RoleName"},
		{"role name of the callback role", func(s *Spec) { s.RoleName = "lakesail-" + testConnection + "-CallbackRole" }, "RoleName"},
		{"path without trailing slash", func(s *Spec) { s.RolePath = "/lakesail" }, "RolePath"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := testSpec()
			tc.change(&spec)
			err := spec.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var specErr *SpecError
			if !errors.As(err, &specErr) {
				t.Fatalf("got %v, want a *SpecError for %s", err, tc.field)
			}
			if specErr.Field != tc.field {
				t.Errorf("field %q, want %q (%v)", specErr.Field, tc.field, err)
			}
			if specErr.Fix == "" || !strings.Contains(err.Error(), specErr.Fix) {
				t.Errorf("error %q does not say the fix", err)
			}
			if _, buildErr := Build(spec); buildErr == nil {
				t.Error("Build accepted an invalid spec")
			}
		})
	}
}

func TestUnitSpecErrorsNeverShowTheExternalID(t *testing.T) {
	spec := testSpec()
	spec.ExternalID = "secret value with spaces"
	spec.ConnectionID = "bad"
	err := spec.Validate()
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("error %v", err)
	}
}

func TestUnitSessionFixSuggestsTheRole(t *testing.T) {
	spec := testSpec()
	spec.ProvisionerPrincipals = []string{"arn:aws:sts::111122223333:assumed-role/terraform-ci/1700000000"}
	err := spec.Validate()
	if err == nil || !strings.Contains(err.Error(), "arn:aws:iam::111122223333:role/terraform-ci") {
		t.Fatalf("error %v does not suggest the role ARN", err)
	}
}

func TestUnitNaming(t *testing.T) {
	s := testSpec()
	checks := map[string]string{
		s.ConnectionRoleName():                                      "lakesail-AB12CD34EF-LakeSailRole",
		s.ConnectionRoleARN():                                       "arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-LakeSailRole",
		s.PolicyName(KindRoleBoundary):                              "lakesail-AB12CD34EF-RoleBoundary",
		s.PolicyARN(KindWorkloadBoundary):                           "arn:aws:iam::111122223333:policy/lakesail-AB12CD34EF-WorkloadBoundary",
		s.PolicyName(KindExplicitDeny):                              "lakesail-AB12CD34EF-ExplicitDeny",
		s.PolicyName(KindCloudFormationAndObservabilityAndIdentity): "lakesail-AB12CD34EF-PolicyCloudFormationAndObservabilityAndIdentity",
		s.CallbackRoleName():                                        "lakesail-AB12CD34EF-CallbackRole",
		s.CallbackRoleARN():                                         "arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-CallbackRole",
		s.LowerID():                                                 "ab12cd34ef",
		s.BucketPrefix():                                            "lakesail-ab12cd34ef-",
		s.GlueDatabasePrefix():                                      "lakesail_ab12cd34ef_",
		s.SSMParameterPath():                                        "/lakesail/AB12CD34EF/",
		s.KMSAliasPrefix():                                          "alias/lakesail-AB12CD34EF-",
		s.StackName():                                               "lakesail-AB12CD34EF",
	}
	for got, want := range checks {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	s.RolePath = "/lakesail/"
	s.Partition = "aws-us-gov"
	if got, want := s.ConnectionRoleARN(), "arn:aws-us-gov:iam::111122223333:role/lakesail/lakesail-AB12CD34EF-LakeSailRole"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	tags := Tags(testSpec())
	if len(tags) != 3 || tags["Service"] != "LakeSail" || tags["LakeSail-Connection"] != testConnection || tags["LakeSail-Tenant"] != testTenant {
		t.Errorf("Tags = %v", tags)
	}
}
