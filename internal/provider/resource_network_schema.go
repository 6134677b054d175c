package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

var (
	networkRoleARNPattern   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)
	networkKMSKeyARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$`)
	networkVPCIDPattern     = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	networkSubnetIDPattern  = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
)

// createdVPCArguments are the arguments of a created VPC, which a brought one excludes.
var createdVPCArguments = []path.Expression{path.MatchRoot("cidr_block"), path.MatchRoot("availability_zones"),
	path.MatchRoot("availability_zone_count"), path.MatchRoot("nat_gateways")}

// networkExternalIDRule is what lakesail_network's external_id and external_id_wo must be.
const networkExternalIDRule = "must be the external ID LakeSail generated for the connection (a UUID)"

// externalIDAttribute is external_id of a resource built through the connection role
// (lakesail_network, lakesail_workspace): optional, since the provider can read the external ID
// from the role's trust policy, and exclusive with external_id_wo. rule describes a valid value.
func externalIDAttribute(rule string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		Validators: []validator.String{
			sensitiveValue(stringvalidator.RegexMatches(uuidPattern, rule)),
			stringvalidator.ConflictsWith(path.MatchRoot("external_id_wo")),
		},
		MarkdownDescription: "The connection's external ID, which the connection role's trust policy requires. It is kept " +
			"in state (marked sensitive); with Terraform 1.11 or later prefer `external_id_wo`. Set at most one of the two: " +
			"with neither, the provider reads the external ID from the role's trust policy with its own credentials " +
			"(which then need `iam:GetRole` on the role).",
	}
}

// externalIDWOAttribute is the write-only form of externalIDAttribute.
func externalIDWOAttribute(rule string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		WriteOnly: true,
		Validators: []validator.String{
			sensitiveValue(stringvalidator.RegexMatches(uuidPattern, rule)),
			stringvalidator.AlsoRequires(path.MatchRoot("external_id_wo_version")),
		},
		MarkdownDescription: "Write-only form of `external_id` (Terraform 1.11+): never stored in state or plan. Create and " +
			"update assume the connection role with it. Refresh and destroy have no configuration to take it from, so they " +
			"read the external ID from the role's trust policy with the provider's own credentials (which then need " +
			"`iam:GetRole` on the role), choosing the one that was applied last. Change `external_id_wo_version` to apply " +
			"a new value.",
	}
}

// externalIDWOVersionAttribute is external_id_wo_version, whose change applies a new external_id_wo.
func externalIDWOVersionAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional:            true,
		Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("external_id_wo"))},
		MarkdownDescription: "Bump this number to apply a new `external_id_wo`.",
	}
}

func networkSchema(ctx context.Context) schema.Schema {
	replaceWhenConfigured := []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}
	subnetList := func(kind string) schema.ListAttribute {
		return schema.ListAttribute{
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			Validators: []validator.List{
				listvalidator.SizeBetween(network.MinZones, network.MaxZones),
				listvalidator.UniqueValues(),
				listvalidator.ValueStringsAre(stringvalidator.RegexMatches(networkSubnetIDPattern, "must be a subnet id (subnet-...)")),
				listvalidator.AlsoRequires(path.MatchRoot("vpc_id")),
			},
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown(), listplanmodifier.RequiresReplace()},
			MarkdownDescription: "The network's " + kind + " subnets, one per zone in zone order. With `vpc_id`, your own " + kind +
				" subnets (2 or 3, one per zone), which the network only tags; otherwise computed.",
		}
	}
	return schema.Schema{
		MarkdownDescription: "A LakeSail network in the connected AWS account, built through the connection role (assumed " +
			"with the external ID; the provider's own credentials only read the external ID from the role's trust policy: " +
			"always when neither `external_id` nor `external_id_wo` is set, and on refresh and destroy with `external_id_wo`).\n\n" +
			"It creates a VPC with DNS support and hostnames, a public and a private subnet per zone carved from `cidr_block` " +
			"and tagged for EKS load balancers, an internet gateway, one NAT gateway (or one per zone) with elastic IPs, route " +
			"tables, a security group for workspaces that admits only its own members, and an S3 gateway endpoint; or, with " +
			"`vpc_id`, `private_subnet_ids` and `public_subnet_ids`, it only tags your VPC and subnets (and removes exactly those " +
			"tags on destroy). Either way it creates the workspace bucket `lakesail-<connection-id>-<network-id>-ws` (lower " +
			"case; SSE-KMS with a bucket key, all public access blocked, ACLs disabled, a policy that denies requests without TLS) " +
			"and a KMS key with rotation and the alias `alias/lakesail-<connection_id>-<network_id>`, unless you bring one with " +
			"`kms_key_arn`.\n\n" +
			"**Destroy never loses data**: unless `force_destroy` is true, the bucket and the key that encrypts it stay in the " +
			"account and a warning names them; creating the network again picks them up. With `force_destroy`, the bucket is " +
			"emptied (every version) and deleted and the key is scheduled for deletion after 7 days.\n\n" +
			"Changes made outside Terraform (a deleted NAT gateway or route, a security group opened to the internet, the " +
			"bucket's public access block, encryption or policy removed, key rotation turned off, tags) show in `drift` and the " +
			"next apply puts them back. If the connection is revoked (the role deleted, or its trust no longer admits the " +
			"provider), refresh and destroy fail saying so; the network is never dropped from state silently.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<connection_id>/<network_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connection_id": schema.StringAttribute{
				Required:            true,
				Validators:          []validator.String{lakeSailIDValidator("connection id")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The connection the network belongs to (`lakesail_connection.connection_id`).",
			},
			"role_arn": schema.StringAttribute{
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(networkRoleARNPattern, "must be an IAM role ARN (lakesail_connection.role_arn)")},
				MarkdownDescription: "The connection role every call is made through (`lakesail_connection.role_arn`).",
			},
			"external_id":            externalIDAttribute(networkExternalIDRule),
			"external_id_wo":         externalIDWOAttribute(networkExternalIDRule),
			"external_id_wo_version": externalIDWOVersionAttribute(),
			"network_id": schema.StringAttribute{
				Required:            true,
				Validators:          []validator.String{lakeSailIDValidator("network id")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "LakeSail's id for the network (10 upper-case letters or digits). Names start `lakesail-<connection_id>-<network_id>`.",
			},
			"cidr_block": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{
					networkCIDRValidator{},
					stringvalidator.ExactlyOneOf(path.MatchRoot("cidr_block"), path.MatchRoot("vpc_id")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The VPC's IPv4 range: private (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), /16 to /24. " +
					"Each zone gets a private subnet of a quarter of it and a public subnet of a sixteenth. Exactly one of " +
					"`cidr_block` and `vpc_id` is required.",
			},
			"availability_zones": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Validators: []validator.List{
					listvalidator.SizeBetween(network.MinZones, network.MaxZones),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$`), "must be a zone name such as us-east-1a")),
					listvalidator.ConflictsWith(path.MatchRoot("availability_zone_count"), path.MatchRoot("vpc_id")),
				},
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown(), listplanmodifier.RequiresReplace()},
				MarkdownDescription: "The zones (2 or 3) to use. Defaults to the region's first `availability_zone_count` zones; computed for a brought VPC.",
			},
			"availability_zone_count": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.OneOf(network.MinZones, network.MaxZones), int64validator.ConflictsWith(path.MatchRoot("vpc_id"))},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplace()},
				MarkdownDescription: "How many zones to use when `availability_zones` is not given: 2 (the default) or 3.",
			},
			"nat_gateways": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOf(string(network.NATSingle), string(network.NATPerAZ)),
					stringvalidator.ConflictsWith(path.MatchRoot("vpc_id")),
				},
				MarkdownDescription: "`single` (the default: one NAT gateway in the first zone for every private subnet) or " +
					"`per_az` (one per zone, so a zone outage does not cut the others off). Changes in place.",
			},
			"vpc_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(networkVPCIDPattern, "must be a VPC id (vpc-...)"),
					stringvalidator.ConflictsWith(createdVPCArguments...),
					stringvalidator.AlsoRequires(path.MatchRoot("private_subnet_ids"), path.MatchRoot("public_subnet_ids")),
				},
				PlanModifiers: replaceWhenConfigured,
				MarkdownDescription: "The network's VPC. Set it (with `private_subnet_ids` and `public_subnet_ids`) to bring your " +
					"own VPC: nothing is created in it, it is only tagged; otherwise computed. The provider's own credentials first " +
					"tag the VPC and the subnets `LakeSail-Adoptable-By = <connection_id>` (the only tag that lets the connection " +
					"role mark them and launch into them, and one the role can neither add nor remove), and remove it on destroy; " +
					"when they are not the account's, tag them yourself first.",
			},
			"private_subnet_ids": subnetList("private"),
			"public_subnet_ids":  subnetList("public"),
			"kms_key_arn": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.RegexMatches(networkKMSKeyARNPattern, "must be a KMS key ARN")},
				PlanModifiers: replaceWhenConfigured,
				MarkdownDescription: "The key that encrypts the bucket. Set it to bring your own key (its policy must let the " +
					"connection role and the connection's workload roles use it through S3); otherwise the network creates one.",
			},
			"force_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Let destroy empty (every version) and delete the workspace bucket and schedule the " +
					"network's key for deletion. Defaults to false: destroy keeps both. Changes in place; apply it before destroying.",
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Tags for everything the network creates, on top of the provider's `default_tags`. The " +
					"LakeSail tags (`Service`, `LakeSail-Connection`, `LakeSail-Tenant`, `LakeSail-Network`) and `Name` win. " +
					networkTagRules.markdownDescription(),
			},
			"security_group_id": computedString("The workspaces' security group (members admit each other; nothing from outside). Empty for a brought VPC."),
			"nat_gateway_ids": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The NAT gateways, in zone order. Empty for a brought VPC.",
			},
			"s3_endpoint_id": computedString("The S3 gateway endpoint of the private route tables. Empty for a brought VPC."),
			"bucket_name":    computedString("The workspace bucket, `lakesail-<connection-id>-<network-id>-ws` in lower case."),
			"bucket_arn":     computedString("ARN of the workspace bucket."),
			"kms_alias":      computedString("Alias of the network's key, `alias/lakesail-<connection_id>-<network_id>`; empty when the key was brought."),
			"drift": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "How the network differed from its configuration at the last refresh, in words (empty when it " +
					"matches). A plan that shows this changing to `[]` puts every item back.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}
