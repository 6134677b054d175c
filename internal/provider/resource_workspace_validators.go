package provider

import (
	"context"
	"net"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
