package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const callerIdentityConfig = `data "lakesail_caller_identity" "current" {}`

// TestAccCallerIdentity_endpointsBlock configures the provider through the endpoints block.
func TestAccCallerIdentity_endpointsBlock(t *testing.T) {
	target := newAccTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: target.config(callerIdentityConfig),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.lakesail_caller_identity.current", tfjsonpath.New("account_id"),
					knownvalue.StringRegexp(regexp.MustCompile(`^\d{12}$`))),
				statecheck.ExpectKnownValue("data.lakesail_caller_identity.current", tfjsonpath.New("partition"),
					knownvalue.StringExact("aws")),
				statecheck.ExpectKnownValue("data.lakesail_caller_identity.current", tfjsonpath.New("arn"),
					knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:(iam|sts)::\d{12}:`))),
			},
		}},
	})
	if emu := target.emu; emu != nil {
		assertCalled(t, emu, "sts", "GetCallerIdentity")
	}
}

// TestAccCallerIdentity_endpointURLEnv configures the provider through AWS_ENDPOINT_URL and the
// standard credential variables only, with an empty provider block.
func TestAccCallerIdentity_endpointURLEnv(t *testing.T) {
	target := newAccTarget(t)
	emu := target.requireEmulator(t)
	creds := emu.RootCredentials()
	t.Setenv("AWS_ENDPOINT_URL", emu.Endpoint())
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	t.Setenv("AWS_REGION", emu.Region())
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "lakesail" {}` + "\n" + callerIdentityConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.lakesail_caller_identity.current", tfjsonpath.New("account_id"),
					knownvalue.StringExact(emu.AccountID())),
				statecheck.ExpectKnownValue("data.lakesail_caller_identity.current", tfjsonpath.New("arn"),
					knownvalue.StringExact("arn:aws:iam::"+emu.AccountID()+":root")),
				statecheck.ExpectKnownValue("data.lakesail_caller_identity.current", tfjsonpath.New("region"),
					knownvalue.StringExact(emu.Region())),
			},
		}},
	})
	assertCalled(t, emu, "sts", "GetCallerIdentity")
}

// TestAccProvider_invalidPrincipal rejects a malformed lakesail_principal before any AWS call.
func TestAccProvider_invalidPrincipal(t *testing.T) {
	target := newAccTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "lakesail" {
  lakesail_principal = "921150455437"
}
` + callerIdentityConfig,
			ExpectError: regexp.MustCompile(`(?s)lakesail_principal.*must be an IAM principal ARN`),
		}},
	})
	_ = target
}

// TestAccProvider_badCredentials turns a refused signature into a configuration error.
func TestAccProvider_badCredentials(t *testing.T) {
	target := newAccTarget(t)
	emu := target.requireEmulator(t)
	config := strings.Replace(target.config(callerIdentityConfig),
		fmt.Sprintf("secret_key              = %q", emu.RootCredentials().SecretAccessKey),
		`secret_key              = "not-the-secret"`, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`SignatureDoesNotMatch`),
		}},
	})
}
