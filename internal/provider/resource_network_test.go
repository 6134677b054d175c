package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

func TestAccNetwork_basic(t *testing.T) {
	n := newNetworkTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             n.checkNetworkDestroyed(false),
		Steps: []resource.TestStep{
			{
				Config: n.config(`  cidr_block = "10.20.0.0/16"
  tags       = { team = "data" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(networkAddress, tfjsonpath.New("id"), knownvalue.StringExact(n.connectionID+"/"+accNetworkID)),
						plancheck.ExpectKnownValue(networkAddress, tfjsonpath.New("bucket_name"), knownvalue.StringExact(n.bucketName())),
						plancheck.ExpectKnownValue(networkAddress, tfjsonpath.New("kms_alias"), knownvalue.StringExact("alias/lakesail-"+n.connectionID+"-"+accNetworkID)),
						plancheck.ExpectKnownValue(networkAddress, tfjsonpath.New("availability_zone_count"), knownvalue.Int64Exact(2)),
						plancheck.ExpectUnknownValue(networkAddress, tfjsonpath.New("vpc_id")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("vpc_id"), knownvalue.StringRegexp(regexp.MustCompile(`^vpc-`))),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("availability_zones"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("private_subnet_ids"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("public_subnet_ids"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("nat_gateway_ids"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("security_group_id"), knownvalue.StringRegexp(regexp.MustCompile(`^sg-`))),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("s3_endpoint_id"), knownvalue.StringRegexp(regexp.MustCompile(`^vpce-`))),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("kms_key_arn"), knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:kms:`))),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("bucket_arn"), knownvalue.StringExact("arn:aws:s3:::"+n.bucketName())),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("drift"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("platform_status"), knownvalue.StringExact("")),
				},
				Check: func(*terraform.State) error { n.assertNetworkCallsByRole(t); return nil },
			},
			{
				ResourceName:            networkAddress,
				ImportState:             true,
				ImportStateId:           n.connectionID + "/" + accNetworkID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"external_id", "timeouts"},
			},
		},
	})
}

func TestAccNetwork_perAZNAT(t *testing.T) {
	n := newNetworkTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             n.checkNetworkDestroyed(true),
		Steps: []resource.TestStep{
			{
				Config: n.config(`  cidr_block              = "10.30.0.0/20"
  availability_zone_count = 3
  nat_gateways            = "per_az"
  force_destroy           = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("nat_gateway_ids"), knownvalue.ListSizeExact(3)),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("private_subnet_ids"), knownvalue.ListSizeExact(3)),
				},
			},
			{
				// Back to one gateway, in place: the private routes move to it first.
				Config: n.config(`  cidr_block              = "10.30.0.0/20"
  availability_zone_count = 3
  nat_gateways            = "single"
  force_destroy           = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(networkAddress, tfjsonpath.New("nat_gateway_ids")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("nat_gateway_ids"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}

func TestAccNetwork_bringYourOwnVPC(t *testing.T) {
	n := newNetworkTarget(t)
	n.requireEmulator(t)
	vpcID, private, public := n.makeCustomerVPC(t)
	list := func(ids []string) string { return fmt.Sprintf(`["%s", "%s"]`, ids[0], ids[1]) }
	body := fmt.Sprintf(`  vpc_id             = %q
  private_subnet_ids = %s
  public_subnet_ids  = %s
  force_destroy      = true`, vpcID, list(private), list(public))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(n.checkNetworkDestroyed(true), func(*terraform.State) error {
			tags := n.tagsOf(t, vpcID)
			if _, marked := tags[connpolicy.TagNetwork]; marked || tags["Owner"] != "customer" {
				return fmt.Errorf("the brought VPC's tags after destroy are %v: want the customer's own tag only", tags)
			}
			for _, id := range append(append([]string{vpcID}, private...), public...) {
				if _, left := n.tagsOf(t, id)[connpolicy.TagAdoptableBy]; left {
					return fmt.Errorf("destroy left %s on %s, which the provider added", connpolicy.TagAdoptableBy, id)
				}
			}
			return nil
		}),
		Steps: []resource.TestStep{{
			Config: n.config(body),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(networkAddress, tfjsonpath.New("security_group_id"), knownvalue.StringExact("")),
					plancheck.ExpectKnownValue(networkAddress, tfjsonpath.New("nat_gateway_ids"), knownvalue.ListSizeExact(0)),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("vpc_id"), knownvalue.StringExact(vpcID)),
				statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("availability_zones"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("s3_endpoint_id"), knownvalue.StringExact("")),
			},
			Check: func(*terraform.State) error {
				// The provider's own credentials (the account's) make them adoptable; the rest is the role's.
				brought := append(append([]string{vpcID}, private...), public...)
				n.assertNetworkCallsByRole(t, brought...)
				for _, id := range brought {
					if got := n.tagsOf(t, id)[connpolicy.TagAdoptableBy]; got != n.connectionID {
						return fmt.Errorf("%s is tagged %s=%q, want the connection's id", id, connpolicy.TagAdoptableBy, got)
					}
				}
				tags := n.tagsOf(t, vpcID)
				if tags[connpolicy.TagNetwork] != accNetworkID || tags["Owner"] != "customer" {
					return fmt.Errorf("the brought VPC's tags are %v", tags)
				}
				if _, taken := tags[connpolicy.TagConnection]; taken {
					return fmt.Errorf("the brought VPC got the %s tag", connpolicy.TagConnection)
				}
				if count, err := lakesailtest.SubnetCount(context.Background(), n.admin(), vpcID); err != nil || count != 4 {
					return fmt.Errorf("the brought VPC has %d subnets (%w); the network must create nothing in it", count, err)
				}
				return nil
			},
		}, {
			// Import finds the brought VPC and subnets by their LakeSail-Network tag.
			ResourceName:            networkAddress,
			ImportState:             true,
			ImportStateId:           n.connectionID + "/" + accNetworkID,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"external_id", "timeouts", "force_destroy"},
		}},
	})
}

func TestAccNetwork_updateTags(t *testing.T) {
	n := newNetworkTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             n.checkNetworkDestroyed(true),
		Steps: []resource.TestStep{
			{Config: n.config(`  cidr_block    = "10.20.0.0/16"
  force_destroy = true
  tags          = { team = "data" }`)},
			{
				Config: n.config(`  cidr_block    = "10.20.0.0/16"
  force_destroy = true
  tags          = { team = "platform", cost = "42" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(networkAddress, tfjsonpath.New("vpc_id"), knownvalue.StringRegexp(regexp.MustCompile(`^vpc-`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					for _, attr := range []string{"vpc_id", "security_group_id", "s3_endpoint_id"} {
						id := s.RootModule().Resources[networkAddress].Primary.Attributes[attr]
						if tags := n.tagsOf(t, id); tags["team"] != "platform" || tags["cost"] != "42" {
							return fmt.Errorf("%s has tags %v after the update", id, tags)
						}
					}
					return nil
				},
			},
		},
	})
}

func TestAccNetwork_disappears(t *testing.T) {
	n := newNetworkTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             n.checkNetworkDestroyed(true),
		Steps: []resource.TestStep{{
			Config: n.config(`  cidr_block    = "10.20.0.0/16"
  force_destroy = true`),
			Check:              n.deleteNetworkOutOfBand(),
			ExpectNonEmptyPlan: true,
		}},
	})
}

// TestAccNetwork_drift changes the network outside Terraform in several ways: the refresh shows
// each in drift, the plan is an in-place update, and apply puts everything back.
func TestAccNetwork_drift(t *testing.T) {
	n := newNetworkTarget(t)
	n.requireEmulator(t)
	config := n.config(`  cidr_block    = "10.20.0.0/16"
  force_destroy = true
  tags          = { team = "data" }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             n.checkNetworkDestroyed(true),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { n.tamper(t) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(networkAddress, tfjsonpath.New("drift"), knownvalue.ListSizeExact(0)),
						plancheck.ExpectUnknownValue(networkAddress, tfjsonpath.New("nat_gateway_ids")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("drift"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(networkAddress, tfjsonpath.New("nat_gateway_ids"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}

func TestAccNetwork_destroyRetainsBucketAndKey(t *testing.T) {
	n := newNetworkTarget(t)
	recorder := &diagnosticsRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: recorder.factories(),
		CheckDestroy: resource.ComposeTestCheckFunc(n.checkNetworkDestroyed(false), func(*terraform.State) error {
			if !recorder.warning("LakeSail Network Data Retained", n.bucketName(), "KMS key") {
				return fmt.Errorf("destroy gave no warning naming the retained bucket %s and key", n.bucketName())
			}
			return nil
		}),
		Steps: []resource.TestStep{{
			Config: n.config(`  cidr_block = "10.20.0.0/16"`),
		}},
	})
}

func TestAccNetwork_forceDestroy(t *testing.T) {
	n := newNetworkTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             n.checkNetworkDestroyed(true),
		Steps: []resource.TestStep{
			{Config: n.config(`  cidr_block = "10.20.0.0/16"`)},
			{
				// force_destroy changes in place; the bucket gets an object before destroy.
				Config: n.config(`  cidr_block    = "10.20.0.0/16"
  force_destroy = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(networkAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: n.putObject("warehouse/part-0000.parquet"),
			},
		},
	})
}

func TestAccNetwork_invalidInput(t *testing.T) {
	n := newNetworkTarget(t)
	cases := []struct{ body, error string }{
		{`  cidr_block = "8.8.0.0/16"`, `(?s)cidr_block.*private`},
		{`  cidr_block = "10.0.0.0/12"`, `(?s)cidr_block.*/16 to /24`},
		{`  cidr_block = "10.0.0.0/25"`, `(?s)cidr_block.*/16 to /24`},
		{`  cidr_block = "10.0.0.1/16"`, `(?s)cidr_block.*host bits`},
		{`  cidr_block = "10.0.0.0/16"
  availability_zone_count = 4`, `(?s)availability_zone_count value must be one of`},
		{`  cidr_block = "10.0.0.0/16"
  availability_zones = ["us-east-1a"]`, `(?s)availability_zones list must contain at least 2`},
		{`  cidr_block = "10.0.0.0/16"
  availability_zones      = ["us-east-1a", "us-east-1b"]
  availability_zone_count = 2`, `(?s)availability_zone_count.*cannot be specified`},
		{`  cidr_block   = "10.0.0.0/16"
  nat_gateways = "two"`, `(?s)nat_gateways.*single`},
		{`  vpc_id             = "vpc-0123456789abcdef0"
  private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]`, `(?s)public_subnet_ids`},
		{`  cidr_block         = "10.0.0.0/16"
  vpc_id             = "vpc-0123456789abcdef0"
  private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  public_subnet_ids  = ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]`, `(?s)cidr_block`},
		{`  vpc_id             = "vpc-0123456789abcdef0"
  private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  public_subnet_ids  = ["subnet-0123456789abcdef1", "subnet-0123456789abcdef3"]`, `(?s)Subnet Both Public and Private.*both private_subnet_ids`},
		{``, `(?s)Invalid Attribute Combination.*cidr_block`},
		{`  cidr_block  = "10.0.0.0/16"
  kms_key_arn = "not-an-arn"`, `(?s)kms_key_arn.*KMS key ARN`},
		{`  cidr_block = "10.0.0.0/16"
  tags       = { "aws:owner" = "me" }`, `(?s)Reserved Tag Key`},
	}
	for _, tc := range cases {
		t.Run(tc.error, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: n.config(tc.body), PlanOnly: true, ExpectError: regexp.MustCompile(tc.error)}},
			})
		})
	}
	for _, bad := range []string{"net0000001", "NET00001"} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{Config: n.providerBlock() + fmt.Sprintf(`
resource "lakesail_network" "test" {
  connection_id = "AB12CD34EF"
  role_arn      = "arn:aws:iam::123456789012:role/lakesail-AB12CD34EF-LakeSailRole"
  network_id    = %q
  cidr_block    = "10.0.0.0/16"
}`, bad), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)network_id.*10-character network id`)}},
		})
	}
}

// checkNetworkDestroyed checks nothing in EC2 still carries the network's tag, and that the bucket
// and key were deleted (forced) or kept.
func (n *networkTarget) checkNetworkDestroyed(forced bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		left, err := lakesailtest.TaggedWithNetwork(ctx, n.admin(), accNetworkID)
		if err != nil {
			return err
		}
		if len(left) > 0 {
			return fmt.Errorf("still tagged with network %s after destroy: %v", accNetworkID, left)
		}
		bucket, key, err := lakesailtest.NetworkStorage(ctx, n.admin(), n.bucketName(), n.alias())
		switch {
		case err != nil:
			return err
		case forced && (bucket || (key != "" && key != "PendingDeletion")):
			return fmt.Errorf("force_destroy left the bucket (%v) or an active key (%s)", bucket, key)
		case !forced && (!bucket || key != "Enabled"):
			return fmt.Errorf("destroy without force_destroy must keep the bucket (exists: %v) and the key (state %q)", bucket, key)
		}
		return nil
	}
}

// deleteNetworkOutOfBand destroys the network with the library, as another tool would.
func (n *networkTarget) deleteNetworkOutOfBand() resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[networkAddress].Primary.Attributes
		client, err := lakesail.NewClient(n.admin(), lakesail.Options{Partition: "aws", WaitMinDelay: testWaitMinDelay, WaitMaxDelay: testWaitMaxDelay})
		if err != nil {
			return err
		}
		_, err = network.New(client).Delete(context.Background(), network.Spec{
			ConnectionID: n.connectionID, NetworkID: accNetworkID, RoleARN: attrs["role_arn"], ExternalID: accExternalID,
			CIDRBlock: attrs["cidr_block"], ForceDestroy: true,
		}, nil)
		return err
	}
}

func (n *networkTarget) putObject(key string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return lakesailtest.PutObject(context.Background(), n.admin(), n.bucketName(), key)
	}
}

// makeCustomerVPC is a VPC with two private and two public subnets, made by the account's root.
func (n *networkTarget) makeCustomerVPC(t *testing.T) (string, []string, []string) {
	t.Helper()
	vpcID, private, public, err := lakesailtest.CustomerVPC(context.Background(), n.admin())
	must(t, err)
	n.callsFrom = len(n.emu.Calls())
	return vpcID, private, public
}

func (n *networkTarget) tagsOf(t *testing.T, id string) map[string]string {
	t.Helper()
	tags, err := lakesailtest.TagsOf(context.Background(), n.admin(), id)
	must(t, err)
	return tags
}

// tamper changes the network behind Terraform's back (see lakesailtest.TamperNetwork).
func (n *networkTarget) tamper(t *testing.T) {
	t.Helper()
	must(t, lakesailtest.TamperNetwork(context.Background(), n.admin(), accNetworkID, n.bucketName(), n.alias()))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
