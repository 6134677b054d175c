package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

const connectionsAddress = "data.lakesail_connections.all"

// TestAccConnectionsDataSource_allPages: five connections served two to a page are all listed,
// in order, with every field.
func TestAccConnectionsDataSource_allPages(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	fake.setPageSize(2)
	for i := 1; i <= 5; i++ {
		fake.putConnection(platform.Connection{
			ID: fmt.Sprintf("CONN%06d", i), Name: fmt.Sprintf("account %d", i), Provider: platform.ProviderAWS,
			Status: platform.ConnectionStatusActive, StatusMessage: "ok",
			ProviderConfig: platform.ConnectionProviderConfig{
				AccountID: fmt.Sprintf("11112222%04d", i), Region: "eu-west-1",
				RoleARN: fmt.Sprintf("arn:aws:iam::11112222%04d:role/lakesail-CONN%06d-LakeSailRole", i, i),
			},
		})
	}
	fake.putConnection(platform.Connection{ID: "CONN000006", Name: "revoked", Provider: platform.ProviderAWS,
		Status: platform.ConnectionStatusDisconnected, StatusMessage: "AccessDenied assuming the role"})
	connection := func(index int) tfjsonpath.Path { return tfjsonpath.New("connections").AtSliceIndex(index) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		Steps: []resource.TestStep{{
			Config: target.configWith(fake.providerBlock(), `data "lakesail_connections" "all" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(connectionsAddress, tfjsonpath.New("connections"), knownvalue.ListSizeExact(6)),
				statecheck.ExpectKnownValue(connectionsAddress, connection(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":             knownvalue.StringExact("CONN000001"),
					"name":           knownvalue.StringExact("account 1"),
					"provider":       knownvalue.StringExact("aws"),
					"account_id":     knownvalue.StringExact("111122220001"),
					"region":         knownvalue.StringExact("eu-west-1"),
					"role_arn":       knownvalue.StringExact("arn:aws:iam::111122220001:role/lakesail-CONN000001-LakeSailRole"),
					"status":         knownvalue.StringExact("active"),
					"status_message": knownvalue.StringExact("ok"),
				})),
				statecheck.ExpectKnownValue(connectionsAddress, connection(4).AtMapKey("id"), knownvalue.StringExact("CONN000005")),
				statecheck.ExpectKnownValue(connectionsAddress, connection(5).AtMapKey("status"), knownvalue.StringExact("disconnected")),
				statecheck.ExpectKnownValue(connectionsAddress, connection(5).AtMapKey("role_arn"), knownvalue.StringExact("")),
			},
			Check: func(*terraform.State) error {
				for _, marker := range []string{"limit=100", "limit=100&marker=2", "limit=100&marker=4"} {
					if !fake.sawQuery(http.MethodGet, "/infra/connections", marker) {
						return fmt.Errorf("the data source never asked for the page %q", marker)
					}
				}
				return nil
			},
		}},
	})
}

// TestAccConnectionsDataSource_notConfigured: without a platform token the data source says how
// to configure one.
func TestAccConnectionsDataSource_notConfigured(t *testing.T) {
	target := newAccTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		Steps: []resource.TestStep{{
			Config:      target.config(`data "lakesail_connections" "all" {}`),
			ExpectError: regexp.MustCompile(`(?s)LakeSail Platform Not Configured.*LAKESAIL_TOKEN`),
		}},
	})
}

// TestAccConnectionsDataSource_badToken: a refused token fails with the fix first.
func TestAccConnectionsDataSource_badToken(t *testing.T) {
	target := newAccTarget(t)
	fake := newFakePlatform(t)
	block := fmt.Sprintf("  platform {\n    url   = %q\n    token = \"not-the-token\"\n  }\n", fake.URL())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: platformTestFactories,
		Steps: []resource.TestStep{{
			Config:      target.configWith(block, `data "lakesail_connections" "all" {}`),
			ExpectError: regexp.MustCompile(`(?s)Cannot List LakeSail Connections.*refused the token.*HTTP 401`),
		}},
	})
}

// sawQuery reports whether the fake received method on path with exactly this query.
func (f *fakePlatform) sawQuery(method, path, query string) bool {
	for _, r := range f.log() {
		if r.Method == method && r.Path == path && r.Query == query {
			return true
		}
	}
	return false
}

func TestUnitFlattenPlatformConnections(t *testing.T) {
	if got := flattenPlatformConnections(nil); got == nil || len(got) != 0 {
		t.Errorf("no connections must be an empty list, not null: %#v", got)
	}
	got := flattenPlatformConnections([]platform.Connection{
		{ID: "BBBBBBBBBB", Name: "second", Provider: "aws", Status: "active",
			ProviderConfig: platform.ConnectionProviderConfig{AccountID: "111122223333", Region: "us-east-1", RoleARN: "arn:aws:iam::111122223333:role/r",
				ExternalIDSecretARN: "arn:aws:secretsmanager:us-east-1:111122223333:secret:x", StackARN: "arn:aws:cloudformation:us-east-1:111122223333:stack/s"}},
		{ID: "AAAAAAAAAA", Status: "failed", StatusMessage: "AccessDenied"},
	})
	if len(got) != 2 || got[0].ID.ValueString() != "BBBBBBBBBB" || got[1].ID.ValueString() != "AAAAAAAAAA" {
		t.Fatalf("order must be the platform's: %v", got)
	}
	first := got[0]
	if first.Name.ValueString() != "second" || first.Provider.ValueString() != "aws" || first.AccountID.ValueString() != "111122223333" ||
		first.Region.ValueString() != "us-east-1" || first.RoleARN.ValueString() != "arn:aws:iam::111122223333:role/r" || first.Status.ValueString() != "active" {
		t.Errorf("fields: %+v", first)
	}
	if second := got[1]; second.RoleARN.IsNull() || second.RoleARN.ValueString() != "" || second.StatusMessage.ValueString() != "AccessDenied" {
		t.Errorf("absent fields are empty strings, not null: %+v", second)
	}
}
