package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// cidrValidator accepts IPv4 CIDR blocks written in canonical form (EKS rejects host bits).
type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string {
	return "must be an IPv4 CIDR block such as 203.0.113.0/24"
}

func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v cidrValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	ip, network, err := net.ParseCIDR(req.ConfigValue.ValueString())
	if err != nil || ip.To4() == nil || !ip.Equal(network.IP) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR Block", req.ConfigValue.ValueString()+" "+v.Description(ctx)+" (no host bits set).")
	}
}

func listDefaultStrings(values ...string) defaults.List {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return listdefault.StaticValue(types.ListValueMust(types.StringType, elems))
}

// instanceTypePattern is the form of an EC2 instance type: a family (letters, generation digits,
// attribute letters, optional -suffixes such as -flex; or u-<n>tb<n>), a dot, and a size.
var instanceTypePattern = regexp.MustCompile(
	`^(?:[a-z]+[0-9]+[a-z]*|u-[0-9]+tb[0-9]+)(?:-[a-z0-9]+)*\.(?:nano|micro|small|medium|large|[0-9]*xlarge|metal(?:-[0-9]+xl)?)$`)

// instanceTypeValidator checks instance type names for form (EC2 says at apply whether the
// region offers them).
type instanceTypeValidator struct{}

func (instanceTypeValidator) Description(context.Context) string {
	return "must be an EC2 instance type such as m6i.large, m7g.2xlarge or c6in.metal-24xl"
}

func (v instanceTypeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v instanceTypeValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !instanceTypePattern.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Instance Type",
			fmt.Sprintf("%s is %q, which is not an EC2 instance type: write the family, generation and attributes, a dot, "+
				"then the size, such as m6i.large, m7g.2xlarge or c6in.metal-24xl.", req.Path, req.ConfigValue.ValueString()))
	}
}

// kubernetesVersionsTimeout bounds the plan-time question to EKS.
const kubernetesVersionsTimeout = 20 * time.Second

// checkKubernetesVersion rejects a version EKS does not offer, when the workspace is created or
// its version changes. The list comes from EKS with the provider's own credentials; without
// them (or eks:DescribeClusterVersions) from the calendar built into the provider, with a warning.
func (r *workspaceResource) checkKubernetesVersion(ctx context.Context, plan workspaceModel, state *workspaceModel, diags *diag.Diagnostics) {
	version := plan.KubernetesVersion
	if version.IsNull() || version.IsUnknown() || !kubernetesVersionPattern.MatchString(version.ValueString()) ||
		state != nil && state.KubernetesVersion.Equal(version) {
		return
	}
	attribute := path.Root("kubernetes_version")
	var versions workspace.KubernetesVersions
	listErr := errors.New("the provider is not configured yet")
	if r.data != nil && r.data.client != nil {
		askCtx, cancel := context.WithTimeout(ctx, kubernetesVersionsTimeout)
		versions, listErr = workspace.New(r.data.client).KubernetesVersions(askCtx)
		cancel()
	}
	if listErr != nil {
		versions = workspace.BuiltinKubernetesVersions(time.Now())
		diags.AddAttributeWarning(attribute, "Kubernetes Version Checked Against a Built-In List",
			"The provider could not ask EKS which Kubernetes versions it offers (eks:DescribeClusterVersions with the provider's "+
				"own credentials), so it checked kubernetes_version against the release calendar built into this provider, "+
				"which may be stale. Allow that action to check against EKS itself. The error was: "+listErr.Error())
	}
	caveat, err := versions.Check(version.ValueString())
	if err != nil {
		diags.AddAttributeError(attribute, "Unsupported Kubernetes Version", err.Error()+". Choose one of those.")
		return
	}
	if caveat != "" {
		diags.AddAttributeWarning(attribute, "Kubernetes Version Caveat", caveat)
	}
}

// warnOpenPublicEndpoint warns when the public Kubernetes API admits the whole internet.
func warnOpenPublicEndpoint(ctx context.Context, plan workspaceModel, diags *diag.Diagnostics) {
	if !plan.EndpointPublicAccess.ValueBool() || plan.PublicAccessCIDRs.IsNull() || plan.PublicAccessCIDRs.IsUnknown() {
		return
	}
	var cidrs []types.String
	diags.Append(plan.PublicAccessCIDRs.ElementsAs(ctx, &cidrs, false)...)
	for _, cidr := range cidrs {
		if cidr.IsUnknown() {
			continue
		}
		if _, network, err := net.ParseCIDR(cidr.ValueString()); err == nil {
			if ones, _ := network.Mask.Size(); ones == 0 {
				diags.AddAttributeWarning(path.Root("public_access_cidrs"), "Kubernetes API Open to the Internet",
					fmt.Sprintf("public_access_cidrs includes %s with endpoint_public_access = true: anyone on the internet can reach "+
						"the cluster's Kubernetes API endpoint and try credentials or exploit its vulnerabilities. List only the "+
						"ranges your administrators and CI connect from, or keep the endpoint private.", cidr.ValueString()))
			}
		}
	}
}

// instanceTypesNeedReplace: one instance type is the node launch template's and changes in place
// (a new template version); a list of several is the node group's, which EKS cannot change.
func instanceTypesNeedReplace(ctx context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.StateValue.IsUnknown() {
		return
	}
	var old, planned []string
	resp.Diagnostics.Append(req.StateValue.ElementsAs(ctx, &old, false)...)
	resp.Diagnostics.Append(req.PlanValue.ElementsAs(ctx, &planned, false)...)
	resp.RequiresReplace = !workspace.InstanceTypesChangeInPlace(old, planned)
}

// instanceFamilyPattern is the family part of instanceTypePattern: an EC2 instance type
// without its size.
var instanceFamilyPattern = regexp.MustCompile(`^(?:[a-z]+[0-9]+[a-z]*|u-[0-9]+tb[0-9]+)(?:-[a-z0-9]+)*$`)

// instanceFamilyValidator checks karpenter.instance_families for form: a family, not a type.
type instanceFamilyValidator struct{}

func (instanceFamilyValidator) Description(context.Context) string {
	return "must be an EC2 instance family such as m7i, r6i or c7gn, without a size"
}

func (v instanceFamilyValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v instanceFamilyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if family, _, sized := strings.Cut(value, "."); sized && instanceTypePattern.MatchString(value) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Instance Family",
			fmt.Sprintf("karpenter.instance_families has %q, an instance type: write its family, %q (the part before the dot); "+
				"Karpenter chooses the sizes.", value, family))
		return
	}
	if len(value) > 16 || !instanceFamilyPattern.MatchString(value) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Instance Family",
			fmt.Sprintf("karpenter.instance_families has %q, which is not an EC2 instance family: write the family, generation "+
				"and attributes without a size, such as m7i, r6i or c7gn.", value))
	}
}
