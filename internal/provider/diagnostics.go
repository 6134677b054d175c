package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// providerDataFrom unpacks what Configure handed over; nil means "not configured yet".
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// requireConfigured reports an error when an operation runs before the provider has AWS access.
func requireConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data != nil {
		return true
	}
	diags.AddError("Provider Not Configured",
		"The provider's AWS configuration is not known yet. If it depends on values from other resources, apply those first.")
	return false
}

// addAWSError reports a failed AWS call with its action, what the endpoint answered (the error
// code, or the HTTP status and the start of an answer that is not an AWS error) and what to do.
func addAWSError(diags *diag.Diagnostics, summary string, err error) {
	var awsErr *lakesail.AWSError
	if !errors.As(err, &awsErr) {
		diags.AddError(summary, err.Error())
		return
	}
	var detail string
	switch {
	case awsErr.IsAccessDenied():
		detail = fmt.Sprintf("AWS refused %s with %s\n\nThe provider's credentials lack permission for %s. Grant it to the "+
			"principal the provider runs as, or configure the provider with one that has it.", awsErr.Action, awsErr.Answer(), awsErr.Action)
	case awsErr.Code != "":
		detail = fmt.Sprintf("AWS refused %s with %s", awsErr.Action, awsErr.Answer())
	case awsErr.HTTPStatus != 0:
		detail = fmt.Sprintf("%s got an answer that is not an AWS error: %s.\n\nWhatever answered is not the AWS API or "+
			"does not speak it for this service: check the provider's endpoint for it (the endpoints block, AWS_ENDPOINT_URL) "+
			"and any proxy in between, then retry.", awsErr.Action, awsErr.Answer())
	default:
		detail = fmt.Sprintf("%s failed: %v\n\nCheck network access to the AWS endpoint and retry.", awsErr.Action, awsErr.Err)
	}
	diags.AddError(summary, detail)
}

// redactedValue replaces a secret that a diagnostic would otherwise quote.
const redactedValue = "(sensitive value)"

// redactSecrets rewrites every diagnostic that quotes one of the secrets, for example an AWS
// error message that echoes a parameter it rejected, keeping its severity and attribute path.
// Empty secrets are skipped.
func redactSecrets(diags diag.Diagnostics, secrets ...string) diag.Diagnostics {
	redact := func(text string) string {
		for _, secret := range secrets {
			if secret != "" {
				text = strings.ReplaceAll(text, secret, redactedValue)
			}
		}
		return text
	}
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		summary, detail := redact(d.Summary()), redact(d.Detail())
		if summary == d.Summary() && detail == d.Detail() {
			out = append(out, d)
			continue
		}
		withPath, hasPath := d.(diag.DiagnosticWithPath)
		switch {
		case hasPath && d.Severity() == diag.SeverityWarning:
			out = append(out, diag.NewAttributeWarningDiagnostic(withPath.Path(), summary, detail))
		case hasPath:
			out = append(out, diag.NewAttributeErrorDiagnostic(withPath.Path(), summary, detail))
		case d.Severity() == diag.SeverityWarning:
			out = append(out, diag.NewWarningDiagnostic(summary, detail))
		default:
			out = append(out, diag.NewErrorDiagnostic(summary, detail))
		}
	}
	return out
}
