package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

var (
	kubernetesVersionPattern = regexp.MustCompile(`^1\.[0-9]{1,3}$`)
	subnetIDRegexp           = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	catalogNameRegexp        = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	workspaceRoleARNPattern  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`)
)

// nodeGroupAttrTypes and addonAttrTypes are the object types of the nested attributes.
var (
	nodeGroupAttrTypes = map[string]attr.Type{
		"instance_types": types.ListType{ElemType: types.StringType}, "min_size": types.Int64Type,
		"desired_size": types.Int64Type, "max_size": types.Int64Type, "disk_size": types.Int64Type, "ami_type": types.StringType,
	}
	addonAttrTypes     = map[string]attr.Type{"version": types.StringType, "configuration": types.StringType}
	sessionLBAttrTypes = map[string]attr.Type{"scheme": types.StringType, "allowed_cidrs": types.SetType{ElemType: types.StringType}}
	karpenterAttrTypes = map[string]attr.Type{"enabled": types.BoolType, "max_vcpus": types.Int64Type,
		"instance_families": types.SetType{ElemType: types.StringType}}
)

// defaultKarpenterInstanceFamilies is workspace.DefaultKarpenterInstanceFamilies as a set value.
func defaultKarpenterInstanceFamilies() types.Set {
	return workspaceStringSet(workspace.DefaultKarpenterInstanceFamilies())
}

// defaultKarpenter is Karpenter when the configuration says nothing: on, with the default limits.
func defaultKarpenter() types.Object {
	return karpenterObject(true, workspace.DefaultKarpenterMaxVCPUs, defaultKarpenterInstanceFamilies())
}

func karpenterObject(enabled bool, maxVCPUs int64, families types.Set) types.Object {
	return types.ObjectValueMust(karpenterAttrTypes, map[string]attr.Value{
		"enabled": types.BoolValue(enabled), "max_vcpus": types.Int64Value(maxVCPUs), "instance_families": families})
}

// defaultSessionLoadBalancer is the session load balancer when the configuration names none: internal.
func defaultSessionLoadBalancer() types.Object {
	return types.ObjectValueMust(sessionLBAttrTypes, map[string]attr.Value{
		"scheme": types.StringValue(workspace.SchemeInternal), "allowed_cidrs": types.SetNull(types.StringType)})
}

func defaultNodeGroup() types.Object {
	return types.ObjectValueMust(nodeGroupAttrTypes, map[string]attr.Value{
		"instance_types": types.ListValueMust(types.StringType, []attr.Value{types.StringValue("m6i.large")}),
		"min_size":       types.Int64Value(2), "desired_size": types.Int64Value(2), "max_size": types.Int64Value(3),
		"disk_size": types.Int64Value(50), "ami_type": types.StringValue("AL2023_x86_64_STANDARD"),
	})
}

func defaultAddons() types.Map {
	values := map[string]attr.Value{}
	for name := range workspace.DefaultAddons() {
		values[name] = types.ObjectValueMust(addonAttrTypes, map[string]attr.Value{
			"version": types.StringValue(workspace.AddonLatest), "configuration": types.StringNull()})
	}
	return types.MapValueMust(types.ObjectType{AttrTypes: addonAttrTypes}, values)
}

func retentionValues() []int64 {
	out := make([]int64, len(workspace.LogRetentionValues))
	for i, v := range workspace.LogRetentionValues {
		out[i] = int64(v)
	}
	return out
}

func workspaceSchema(ctx context.Context) schema.Schema {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	logTypes := make([]attr.Value, len(workspace.DefaultLogTypes))
	for i, t := range workspace.DefaultLogTypes {
		logTypes[i] = types.StringValue(t)
	}
	s := schema.Schema{
		MarkdownDescription: "A LakeSail workspace: a private EKS cluster in a LakeSail network, with everything around it, built " +
			"entirely by the connection role (assumed with the connection's external ID), so every call is LakeSail's in CloudTrail.\n\n" +
			"It creates, all named `lakesail-<connection_id>-<workspace_id>…` and tagged `Service`, `LakeSail-Connection`, " +
			"`LakeSail-Tenant` and `LakeSail-Workspace`: the control-plane log group (first, with retention and the network's " +
			"KMS key, so EKS never makes an untagged one); the cluster and node roles; the EKS cluster (private endpoint, " +
			"audit/api/authenticator logging, secrets encrypted with the network's key, API authentication with the connection " +
			"role as administrator); the cluster's IAM OIDC provider; workload roles for storage, logging and " +
			"Karpenter's controller, each trusting only its Kubernetes service account (IRSA, or EKS Pod Identity with its " +
			"associations: `workload_identity`); the system node group; what Karpenter runs with (`karpenter`, on by default: " +
			"its node role, instance profile, access entry, discovery tags and settings parameter); the add-ons; Konnectivity TLS material " +
			"generated by the provider and stored as SecureString parameters under `/lakesail/<connection_id>/<workspace_id>/`; " +
			"an ACM certificate for the session load balancer issued by the same CA; and the Glue databases. Every role carries " +
			"the connection's `WorkloadBoundary`.\n\n" +
			"Refresh notices drift in what you control (Kubernetes version, endpoint access, logging, node group sizes, add-on " +
			"versions, tags) and in the security envelope (a workload role without `WorkloadBoundary` or with a widened trust, a " +
			"deleted or re-pointed Pod Identity association, a deleted OIDC provider, parameter or certificate, a node launch template deleted or changed, a Karpenter object deleted or changed); the plan shows it and apply restores it. Kubernetes upgrades " +
			"happen in place one minor version at a time (control plane, then the node group, then the add-ons).",
		Attributes: map[string]schema.Attribute{
			"id": computed("`<connection_id>/<workspace_id>`; also the import id."),
			"connection_id": schema.StringAttribute{
				Required: true, Validators: []validator.String{lakeSailIDValidator("connection id")}, PlanModifiers: replace,
				MarkdownDescription: "The connection the workspace belongs to (`lakesail_connection.connection_id`).",
			},
			"role_arn": schema.StringAttribute{
				Required: true,
				Validators: []validator.String{stringvalidator.RegexMatches(workspaceRoleARNPattern,
					"must be the connection role's ARN (lakesail_connection.role_arn)")},
				PlanModifiers:       replace,
				MarkdownDescription: "The connection role the provider assumes for every call (`lakesail_connection.role_arn`).",
			},
			"external_id":            externalIDAttribute("must be the connection's external ID (a UUID)"),
			"external_id_wo":         externalIDWOAttribute("must be the connection's external ID (a UUID)"),
			"external_id_wo_version": externalIDWOVersionAttribute(),
			"workspace_id": schema.StringAttribute{
				Required: true, Validators: []validator.String{lakeSailIDValidator("workspace id")}, PlanModifiers: replace,
				MarkdownDescription: "LakeSail's id for the workspace (10 upper-case letters or digits).",
			},
			"vpc_id": schema.StringAttribute{
				Required: true, PlanModifiers: replace,
				Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`), "must be a VPC id")},
				MarkdownDescription: "The network's VPC (`lakesail_network.vpc_id`). Changing it replaces the workspace.",
			},
			"private_subnet_ids": schema.ListAttribute{
				Required: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators: []validator.List{listvalidator.SizeAtLeast(2), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(subnetIDRegexp, "must be a subnet id"))},
				MarkdownDescription: "The network's private subnets, in at least two availability zones. Changing them replaces the workspace.",
			},
			"security_group_id": schema.StringAttribute{
				Required: true, PlanModifiers: replace,
				Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`), "must be a security group id")},
				MarkdownDescription: "The network's node security group. Changing it replaces the workspace.",
			},
			"kms_key_arn": schema.StringAttribute{
				Required: true, PlanModifiers: replace,
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$`),
					"must be a KMS key ARN")},
				MarkdownDescription: "The network's KMS key: it encrypts Kubernetes secrets (which EKS cannot change), the log group and the parameters.",
			},
			"bucket_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The network's workspace bucket; only the storage role may use it, through `WorkloadBoundary`.",
			},
			"kubernetes_version": schema.StringAttribute{
				Required:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(kubernetesVersionPattern, "must be a Kubernetes minor version such as 1.33")},
				MarkdownDescription: "The Kubernetes version. Raising it upgrades in place, one minor version per apply (the plan " +
					"rejects a skipped minor version and any downgrade). It must be a version EKS offers (in standard or extended " +
					"support): the plan asks EKS (`eks:DescribeClusterVersions` with the provider's own credentials) and, when it " +
					"cannot, checks the release calendar built into the provider and warns that it may be stale. A version in " +
					"extended support, which EKS charges extra for, plans with a warning.",
			},
			"endpoint_public_access": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether the Kubernetes API is also reachable from the internet. Default `false`: private only.",
			},
			"public_access_cidrs": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.SizeBetween(1, 40), setvalidator.ValueStringsAre(cidrValidator{})},
				MarkdownDescription: "The IPv4 CIDR blocks the public endpoint admits; required with `endpoint_public_access = true`. " +
					"`0.0.0.0/0` opens the Kubernetes API to the whole internet: the plan warns.",
			},
			"log_types": schema.SetAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				Default: setdefault.StaticValue(types.SetValueMust(types.StringType, logTypes)),
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(workspace.ClusterLogTypes...)),
					setvalidator.SizeAtLeast(1)},
				MarkdownDescription: fmt.Sprintf("Control-plane log types. Default `%v`; `audit` is required.", workspace.DefaultLogTypes),
			},
			"log_retention_days": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(365),
				Validators:          []validator.Int64{int64validator.OneOf(retentionValues()...)},
				MarkdownDescription: "How long the control-plane log group keeps logs, in days: one of the values CloudWatch Logs accepts. Default 365.",
			},
			"certificate_renewal_days": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(workspace.DefaultCertificateRenewalDays),
				Validators: []validator.Int64{int64validator.Between(1, workspace.MaxCertificateRenewalDays)},
				MarkdownDescription: fmt.Sprintf("How many days before it expires the session certificate is renewed: once "+
					"`certificate_not_after` is this close, the plan shows the renewal and apply re-imports new TLS material into the "+
					"same certificate ARN (so the session load balancer's listener keeps serving it) and replaces the TLS material in "+
					"SSM. Between 1 and %d; default %d.", workspace.MaxCertificateRenewalDays, workspace.DefaultCertificateRenewalDays),
			},
			"system_node_group": schema.SingleNestedAttribute{
				Optional: true, Computed: true, Default: objectdefault.StaticValue(defaultNodeGroup()),
				MarkdownDescription: "The small managed node group for system pods. It launches from a LakeSail launch template " +
					"(`node_launch_template_name`) that tags the nodes, their volumes and network interfaces with the workspace's tags, " +
					"requires IMDSv2 with a hop limit of 1, encrypts the volumes with the network's key and puts the nodes in the " +
					"network's security group. Sizes change in place (the node group only); a single instance type, the disk size and " +
					"tags change in place by a new template version the nodes roll to; several instance types and the AMI type replace the workspace.",
				Attributes: map[string]schema.Attribute{
					"instance_types": schema.ListAttribute{
						Optional: true, Computed: true, ElementType: types.StringType,
						Default: listDefaultStrings("m6i.large"),
						Validators: []validator.List{listvalidator.SizeAtLeast(1),
							listvalidator.ValueStringsAre(instanceTypeValidator{})},
						PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplaceIf(instanceTypesNeedReplace,
							"Replaces the workspace unless one instance type becomes another.",
							"Replaces the workspace unless one instance type becomes another.")},
						MarkdownDescription: "EC2 instance types, such as `m6i.large` or `m7g.2xlarge` (the plan checks their form; " +
							"EC2 says at apply whether the region offers them). Default `[\"m6i.large\"]`. A single instance type is " +
							"the node launch template's: changing it to another makes a new template version and rolls the nodes in " +
							"place. Several instance types are the node group's, which EKS cannot change: changing them replaces the workspace.",
					},
					"min_size": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(2),
						Validators: []validator.Int64{int64validator.AtLeast(0)}, MarkdownDescription: "Minimum nodes. Default 2."},
					"desired_size": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(2),
						Validators: []validator.Int64{int64validator.AtLeast(0)}, MarkdownDescription: "Desired nodes. Default 2."},
					"max_size": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(3),
						Validators: []validator.Int64{int64validator.AtLeast(1)}, MarkdownDescription: "Maximum nodes. Default 3."},
					"disk_size": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(50),
						Validators: []validator.Int64{int64validator.AtLeast(20)}, MarkdownDescription: "Root volume size in GiB " +
							"(gp3, encrypted with the network's key). Default 50. A change makes a new launch template version and rolls the nodes in place."},
					"ami_type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("AL2023_x86_64_STANDARD"),
						PlanModifiers: replace, MarkdownDescription: "EKS AMI type. Default `AL2023_x86_64_STANDARD`."},
				},
			},
			"addons": schema.MapNestedAttribute{
				Optional: true, Computed: true, Default: mapdefault.StaticValue(defaultAddons()),
				MarkdownDescription: "EKS add-ons by name. Default: `vpc-cni`, `kube-proxy` and `coredns` at `latest`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"version": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(workspace.AddonLatest),
						MarkdownDescription: "A version EKS offers for the cluster's Kubernetes version, or `latest` (resolved at apply; a newer release shows as a change)."},
					"configuration": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Configuration values as JSON (the add-on's configuration schema)."},
				}},
			},
			"public_subnet_ids": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.RegexMatches(subnetIDRegexp, "must be a subnet id"))},
				MarkdownDescription: "The network's public subnets (`lakesail_network.public_subnet_ids`): required only with " +
					"`session_load_balancer.scheme = \"internet-facing\"`, whose load balancer they hold.",
			},
			"session_load_balancer": schema.SingleNestedAttribute{
				Optional: true, Computed: true, Default: objectdefault.StaticValue(defaultSessionLoadBalancer()),
				MarkdownDescription: "The Network Load Balancer in front of the workspace's Sail sessions; every workspace has one. " +
					"It is named `lakesail-<connection_id>-<workspace_id>` like its IP target group (TCP 8443, the session proxy) and " +
					"has a TLS listener on 443 with the session certificate (`certificate_arn`, renewed in place) and the " +
					"`" + workspace.SessionTLSPolicy + "` security policy, and its own security group " +
					"(`lakesail-<connection_id>-<workspace_id>-sessions`): 443 in, from the network's security group when internal " +
					"or from `allowed_cidrs` when internet-facing, and 8443 out to the network's security group only. A listener, " +
					"rule or security group changed outside Terraform shows in the plan and apply restores it; a changed scheme " +
					"replaces the load balancer (its DNS name changes).",
				Attributes: map[string]schema.Attribute{
					"scheme": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(workspace.SchemeInternal),
						Validators: []validator.String{stringvalidator.OneOf(workspace.SchemeInternal, workspace.SchemeInternetFacing)},
						MarkdownDescription: "`internal` (default): in the network's private subnets, reachable from the network's " +
							"security group only. `internet-facing`: in `public_subnet_ids`, reachable from `allowed_cidrs`."},
					"allowed_cidrs": schema.SetAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "The IPv4 CIDR blocks an internet-facing load balancer admits on 443; required with " +
							"`scheme = \"internet-facing\"` and refused otherwise (`0.0.0.0/0` is never assumed)."},
				},
			},
			"karpenter": karpenterAttribute(),
			"workload_identity": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(workspace.WorkloadIdentityIRSA),
				Validators: []validator.String{stringvalidator.OneOf(workspace.WorkloadIdentities...)},
				MarkdownDescription: "How pods become the workload roles (`workload_role_arns`), each for its one service account: " +
					"`irsa` (default), IAM roles for service accounts through the cluster's OIDC provider; or `pod_identity`, EKS Pod " +
					"Identity: the `eks-pod-identity-agent` add-on (at `latest`, unless `addons` names it) and one Pod Identity " +
					"association per workload role, tagged like the workspace, each role trusting `pods.eks.amazonaws.com` " +
					"(`sts:AssumeRole`, `sts:TagSession`) only for its service account of this cluster (the session tags " +
					"`eks-cluster-arn`, `kubernetes-namespace`, `kubernetes-service-account`) and only from this account " +
					"(`aws:SourceAccount`), still capped by `WorkloadBoundary`. Changing it updates in place: the roles are " +
					"recreated with the other trust (the connection role may not edit a trust policy; the ARNs stay), the associations " +
					"and the agent are created or deleted, so running pods get new credentials on their next refresh. With `pod_identity`, a role no " +
					"pod can become (its association deleted or naming another role, or the agent deleted) is missing from " +
					"`workload_role_arns` until apply repairs it.",
			},
			"glue_databases": schema.SetAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				Default: setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(catalogNameRegexp,
					"must be lower-case letters, digits and underscores, starting with a letter (at most 64)"))},
				MarkdownDescription: "Catalog names; each becomes the Glue database `lakesail_<connection>_<workspace>_<name>` (lower case).",
			},
			"tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				Validators: []validator.Map{tagsValidator(workspaceTagRules)},
				MarkdownDescription: "Extra tags for everything the workspace creates, merged over the provider's `default_tags`; the LakeSail tags win. " +
					workspaceTagRules.markdownDescription(),
			},
			"cluster_name":          computed("The EKS cluster's name, `lakesail-<connection_id>-<workspace_id>`."),
			"cluster_arn":           computed("The EKS cluster's ARN."),
			"endpoint":              computed("The Kubernetes API endpoint."),
			"certificate_authority": computed("The cluster's CA certificate (base64 PEM), for kubeconfig."),
			"oidc_issuer_url":       computed("The cluster's OIDC issuer URL."),
			"oidc_provider_arn":     computed("The IAM OIDC provider of the issuer, which the IRSA roles trust."),
			"cluster_role_arn":      computed("The EKS cluster role."),
			"node_role_arn":         computed("The system node group's instance role."),
			"workload_role_arns": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: workloadRoleARNsDescription(),
			},
			"log_group_name": computed("The control-plane log group."),
			"node_launch_template_name": computed("The system node group's launch template, `lakesail-<connection_id>-<workspace_id>-system`. " +
				"Empty in state when the template is gone, launches anything else than the configuration says, or is not the version " +
				"the nodes run: the plan shows the change and apply makes a new version and rolls the nodes."),
			"certificate_arn":                computed("The ACM certificate of the session load balancer."),
			"session_load_balancer_dns_name": computed("The session load balancer's DNS name."),
			"session_load_balancer_arn":      computed("The session load balancer's ARN."),
			"session_listener_arn": computed("The session load balancer's TLS listener on 443. Empty in state when the listener, " +
				"the load balancer or its security group is gone or differs from the configuration (another certificate, a weaker " +
				"policy, other rules, tags other than the workspace's): the plan shows the change and apply restores it."),
			"session_target_group_arn": computed("The session proxy's IP target group (TCP 8443), which the listener forwards to."),
			"karpenter_node_role_arn": computed("The role of the nodes Karpenter launches, " +
				"`lakesail-<connection_id>-<workspace_id>-karpenter-node` (with `WorkloadBoundary`, and an EKS access entry of " +
				"type `EC2_LINUX` so its nodes join the cluster); empty while `karpenter.enabled` is false. Empty in state when " +
				"the role is gone, lost `WorkloadBoundary`, its trust or policies changed, or its access entry is gone: the plan " +
				"shows the change and apply restores it."),
			"karpenter_instance_profile_name": computed("The instance profile holding `karpenter_node_role_arn`, named like it, " +
				"which Karpenter's node class names (Karpenter never creates instance profiles here); empty while " +
				"`karpenter.enabled` is false. Empty in state when the profile is gone or no longer holds the node role: the plan " +
				"shows the change and apply restores it."),
			"karpenter_instance_profile_arn": computed("The instance profile's ARN; empty while `karpenter.enabled` is false, " +
				"and in state while `karpenter_instance_profile_name` is."),
			"karpenter_settings_parameter_name": computed("The SSM parameter, " +
				"`/lakesail/<connection_id>/<workspace_id>/karpenter`, holding what LakeSail's control plane installs Karpenter " +
				"with (cluster, controller role, instance profile, instance families, vCPU limit, the discovery tag its node class " +
				"selects subnets and security groups by); empty while `karpenter.enabled` is false. Empty in state when the " +
				"parameter is gone or says something else, or a private subnet or the network's security group lost the " +
				"discovery tag: the plan shows the change and apply restores it."),
			"certificate_not_after": computed("When the session certificate expires (RFC 3339). Unknown in a plan that renews it " +
				"(see `certificate_renewal_days`)."),
			"ssm_parameter_names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The SecureString parameters holding the Konnectivity CA certificate and the server and client certificates and keys."},
			"glue_database_names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The Glue databases, sorted."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
	// With a platform token, apply registers the cluster with the LakeSail platform.
	for name, a := range platformStatusAttributes("workspace") {
		s.Attributes[name] = a
	}
	s.Attributes["platform_id"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "The workspace cluster's id on the LakeSail platform; empty when it is not registered."}
	s.MarkdownDescription += "\n\nWhen the provider has a platform token, apply also registers the cluster with the LakeSail platform " +
		"(`platform_id`, `platform_status`) and destroy deregisters it before deleting anything in AWS."
	return s
}

// karpenterAttribute is the karpenter block: on by default, every change in place.
func karpenterAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true, Computed: true, Default: objectdefault.StaticValue(defaultKarpenter()),
		MarkdownDescription: "Karpenter, the node autoscaler that launches the nodes Sail's sessions run on; on unless " +
			"`enabled = false`. The workspace makes what Karpenter runs with, not Karpenter itself: the controller's workload " +
			"role (`workload_role_arns[\"" + workspace.PurposeKarpenter + "\"]`, for the `" + workspace.WorkloadServiceAccount(workspace.PurposeKarpenter) +
			"` service account through IRSA or Pod Identity like the other workload roles, capped by `WorkloadBoundary`), which may launch only this workspace's " +
			"nodes, of `instance_families`, in its private subnets and the network's security group; the node role with its " +
			"instance profile and an EKS access entry (`karpenter_node_role_arn`, `karpenter_instance_profile_name`); the " +
			"cluster's discovery tag (`kubernetes.io/cluster/<cluster_name>`) on the private subnets and the network's security " +
			"group; and an SSM parameter with the settings (`karpenter_settings_parameter_name`). LakeSail's control plane " +
			"installs the Karpenter controller, its NodePool and EC2NodeClass in the cluster from that parameter: the " +
			"Kubernetes API endpoint is private, so Terraform does not.\n\n" +
			"There is no interruption queue: `RoleBoundary` grants no SQS, so EC2's Spot interruption warnings, rebalance " +
			"recommendations and scheduled maintenance events are not delivered to Karpenter. A node EC2 reclaims simply fails; " +
			"Karpenter then replaces it, and the work on it is retried.\n\n" +
			"Every change is in place: limits and families update the controller role's policy and the settings; " +
			"`enabled = false` deletes the controller's role first, then the nodes and launch templates Karpenter made, the " +
			"node role with its instance profile and access entry, the parameter and the discovery tag on the security group " +
			"(the subnets keep theirs, which the session load balancer uses); `enabled = true` makes them again. A role, " +
			"instance profile, access entry, discovery tag or parameter changed or deleted outside Terraform shows in the " +
			"plan and apply restores it; anything of Karpenter left while it is off shows as `enabled = true` in state, and " +
			"apply removes it. An import finds Karpenter on when anything of it exists, with the limits its settings parameter " +
			"records (the defaults when the parameter is gone).",
		Attributes: map[string]schema.Attribute{
			"enabled": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether the workspace has Karpenter, its only node autoscaler: with `false` the workspace " +
					"runs on the system node group alone. Default `true`."},
			"max_vcpus": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(workspace.DefaultKarpenterMaxVCPUs),
				Validators: []validator.Int64{int64validator.Between(1, workspace.MaxKarpenterVCPUs)},
				MarkdownDescription: fmt.Sprintf("The NodePool's CPU limit: how many vCPUs the nodes Karpenter runs in the workspace "+
					"may have together; it launches no node past it. Enforced by Karpenter, not by IAM (IAM cannot count vCPUs), so "+
					"whoever may change the NodePool in the cluster may raise it; cap spending with EC2 quotas or a budget too. "+
					"Between 1 and %d; default %d.", workspace.MaxKarpenterVCPUs, workspace.DefaultKarpenterMaxVCPUs)},
			"instance_families": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType,
				Default: setdefault.StaticValue(defaultKarpenterInstanceFamilies()),
				Validators: []validator.Set{setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(instanceFamilyValidator{})},
				MarkdownDescription: "The EC2 instance families Karpenter may launch, such as `m7i` or `r6i`: families, never " +
					"instance types such as `m7i.large` (Karpenter chooses the sizes). Enforced twice: by the NodePool's " +
					"requirements, and by IAM, since the controller role may launch only these families (`ec2:InstanceType` " +
					"`m7i.*`, ...). Default `[\"m6i\", \"m7i\", \"r6i\", \"r7i\"]`, general-purpose and memory-optimized x86."},
		},
	}
}

// workloadRoleARNsDescription names each workload purpose with the service account its role trusts.
func workloadRoleARNsDescription() string {
	var purposes []string
	for _, p := range workspace.WorkloadPurposes() {
		purposes = append(purposes, fmt.Sprintf("`%s` (`%s`)", p, workspace.WorkloadServiceAccount(p)))
	}
	return fmt.Sprintf("Workload roles by purpose, each trusting only its service account: %s, and `%s`, Karpenter's controller "+
		"(`%s`), while `karpenter.enabled`. A role outside the security envelope is missing here until apply restores it.",
		strings.Join(purposes, ", "), workspace.PurposeKarpenter, workspace.WorkloadServiceAccount(workspace.PurposeKarpenter))
}
