package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// sessionNameValidator applies STS's RoleSessionName rules.
func sessionNameValidator() validator.String {
	return stringvalidator.RegexMatches(regexp.MustCompile(`^[\w+=,.@-]{2,64}$`),
		"must be 2 to 64 letters, digits or any of _+=,.@-")
}

// durationValidator checks a Go duration string lies within [minimum, maximum].
type durationValidator struct {
	minimum, maximum time.Duration
}

func durationBetween(minimum, maximum string) validator.String {
	return durationValidator{minimum: mustDuration(minimum), maximum: mustDuration(maximum)}
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration such as 1h, between %s and %s", v.minimum, v.maximum)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.minimum || d > v.maximum {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not %s. Write it like 1h or 90m.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
