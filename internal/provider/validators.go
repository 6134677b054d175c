package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// sensitiveValue wraps the validators of a sensitive attribute. Their own diagnostics quote the
// value ("…, got: <value>"), and Terraform prints them whole; this one names the attribute and
// the rule it broke, never the value.
func sensitiveValue(validators ...validator.String) validator.String {
	return sensitiveValueValidator{validators: validators}
}

type sensitiveValueValidator struct {
	validators []validator.String
}

func (v sensitiveValueValidator) Description(ctx context.Context) string {
	rules := make([]string, 0, len(v.validators))
	for _, inner := range v.validators {
		rules = append(rules, inner.Description(ctx))
	}
	return strings.Join(rules, "; ")
}

func (v sensitiveValueValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v sensitiveValueValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	for _, inner := range v.validators {
		var innerResp validator.StringResponse
		inner.ValidateString(ctx, req, &innerResp)
		for _, d := range innerResp.Diagnostics {
			detail := fmt.Sprintf("Attribute %s %s. The value is sensitive, so it is not shown here.", req.Path, inner.Description(ctx))
			if d.Severity() == diag.SeverityWarning {
				resp.Diagnostics.AddAttributeWarning(req.Path, "Questionable Sensitive Value", detail)
			} else {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid Sensitive Value", detail)
			}
		}
	}
}
