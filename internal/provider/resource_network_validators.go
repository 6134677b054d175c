package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// networkCIDRValidator applies the library's rule for a network's range: IPv4, private, /16 to /24.
type networkCIDRValidator struct{}

func (networkCIDRValidator) Description(context.Context) string {
	return "must be a private IPv4 range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) of /16 to /24"
}

func (v networkCIDRValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v networkCIDRValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := network.ValidateNetworkCIDR(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Network CIDR Block", specProblem(err)+".")
	}
}

// specProblem is the problem a library spec error states, without the field name.
func specProblem(err error) string {
	var specErr *network.SpecError
	if errors.As(err, &specErr) {
		return specErr.Problem
	}
	return err.Error()
}

// ValidateConfig checks what spans several arguments: that the zones' subnets fit the range
// without overlapping, and that a brought subnet is not both private and public.
func (r *networkResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config networkModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !config.CIDRBlock.IsNull() && !config.CIDRBlock.IsUnknown() {
		zones, known := config.zoneCount(ctx)
		if known && zones >= network.MinZones && zones <= network.MaxZones { // other counts have their own error
			// An invalid range is cidr_block's validator's to report; only the layout's errors here.
			if _, err := network.PlanSubnets(config.CIDRBlock.ValueString(), zones); err != nil && !errors.Is(err, network.ErrInvalidNetworkCIDR) {
				resp.Diagnostics.AddAttributeError(path.Root("cidr_block"), "Subnets Do Not Fit",
					fmt.Sprintf("%s cannot be carved into a private and a public subnet for each of %d zones: %s. Use a larger range or fewer zones.",
						config.CIDRBlock.ValueString(), zones, specProblem(err)))
			}
		}
	}
	// The network's schema carries no tags validator: the rules apply here, counting the
	// provider's default_tags once it is configured (Terraform validates again when it plans).
	var defaultTags map[string]string
	if r.data != nil {
		defaultTags = r.data.defaultTags
	}
	networkTagRules.check(path.Root("tags"), config.Tags, defaultTags, &resp.Diagnostics)
	private, privateKnown := knownStrings(ctx, config.PrivateSubnetIDs, &resp.Diagnostics)
	public, publicKnown := knownStrings(ctx, config.PublicSubnetIDs, &resp.Diagnostics)
	if privateKnown && publicKnown {
		for _, id := range public {
			for _, other := range private {
				if id == other {
					resp.Diagnostics.AddAttributeError(path.Root("public_subnet_ids"), "Subnet Both Public and Private",
						fmt.Sprintf("%s is listed in both private_subnet_ids and public_subnet_ids; a subnet is one or the other.", id))
				}
			}
		}
	}
}

// zoneCount is how many zones the configuration asks for, and whether that is known yet.
func (m networkModel) zoneCount(ctx context.Context) (int, bool) {
	switch {
	case m.AvailabilityZones.IsUnknown() || m.AvailabilityZoneCount.IsUnknown():
		return 0, false
	case !m.AvailabilityZones.IsNull():
		return len(m.AvailabilityZones.Elements()), true
	case !m.AvailabilityZoneCount.IsNull():
		return int(m.AvailabilityZoneCount.ValueInt64()), true
	}
	return network.DefaultZoneCount, true
}

// knownStrings reads a list whose every element is known.
func knownStrings(ctx context.Context, list types.List, diags *diag.Diagnostics) ([]string, bool) {
	if list.IsNull() || list.IsUnknown() {
		return nil, false
	}
	var out []string
	for _, e := range list.Elements() {
		if e.IsUnknown() {
			return nil, false
		}
	}
	diags.Append(list.ElementsAs(ctx, &out, false)...)
	return out, !diags.HasError()
}
