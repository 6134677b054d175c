package provider

// Registration of Terraform-made objects with the LakeSail platform, shared by lakesail_connection,
// lakesail_network and lakesail_workspace.
//
// The rules every resource follows (lakesail_connection is the worked example):
//
//  0. ModifyPlan first calls providerData.checkPlatformAccess (platform_config.go): once per
//     provider configuration it asks the platform whether it takes the token. A refused token or
//     a URL that cannot be the API's fails the plan before anything changes in AWS; an outage
//     only warns, and the rules below keep AWS objects from being lost track of.
//  1. Nothing here runs unless providerData.platform is non-nil; without a platform token the
//     resource never calls out: platform_status and platform_status_message are "" on create and
//     otherwise keep their last known values (withoutPlatform).
//  2. Register only after the AWS side succeeded, and save the AWS objects in state whatever the
//     platform answers. In Create, report a platform failure with addPlatformNotRegistered(...,
//     asError=false): an error would taint the resource and the next apply would rebuild the AWS
//     objects. Set platform_status to platformStatusUnregistered instead; planPlatformStatus then
//     makes the next plan show an update, and that Update only registers (pass asError=true there:
//     an Update error keeps the saved state and taints nothing).
//  3. Deregister in Delete BEFORE deleting anything in AWS. If deregistration fails, report
//     addPlatformDeregistrationFailed and return without touching AWS: the resource stays in state
//     and the next destroy tries again. A registration that is already gone counts as done.
//  4. Read refreshes the status (a missing registration becomes platformStatusUnregistered); a
//     platform that cannot be reached is a warning that keeps the previous values, so an outage
//     never blocks a plan.
//
// For a network, after the VPC, subnets and bucket exist:
//
//	if client := r.data.platform; client != nil {
//		registered, err := client.RegisterNetwork(ctx, platform.CreateNetworkInput{
//			ConnectionID: connectionID, Name: name, Region: region,
//			ProviderNetworkID: vpcID, Config: platform.NetworkConfig{CIDR: cidr},
//		})
//		if err != nil {
//			addPlatformNotRegistered(&resp.Diagnostics, platformSubject{Kind: "network", Name: name,
//				AWS: "VPC " + vpcID}, false, err)
//			state.PlatformStatus = types.StringValue(platformStatusUnregistered)
//		} else {
//			state.PlatformID = types.StringValue(registered.ID)
//			state.PlatformStatus, state.PlatformStatusMessage = flattenPlatformStatus(registered.Status, registered.StatusMessage)
//		}
//	}
//
// and in Delete, before the AWS calls:
//
//	if err := client.DeregisterNetwork(ctx, state.PlatformID.ValueString()); err != nil {
//		addPlatformDeregistrationFailed(&resp.Diagnostics, subject, err)
//		return
//	}
//
// Workspaces do the same with client.RegisterCluster / client.DeregisterCluster, giving the EKS
// cluster name as ExternalClusterID. The platform picks network and cluster ids, so the platform
// client's Register methods (internal/lakesail/platform/registration.go) first look for an
// existing registration of the same VPC or cluster (left by an apply whose answer was lost) and
// adopt it instead of registering twice, and look again after a failure platform.IsAmbiguous
// reports; its Deregister methods count an empty id or a registration already gone as done. The
// schema attributes platform_status and platform_status_message come from platformStatusAttributes.

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

// platformStatusUnregistered is platform_status for an object the platform does not have (yet):
// the next plan shows an update, and apply registers it.
const platformStatusUnregistered = "unregistered"

// platformStatusRegistered stands in for a registered object whose status the platform left
// empty, so an empty status always means "no platform configured".
const platformStatusRegistered = "registered"

// platformStatusAttributes are the computed platform_status and platform_status_message
// attributes of a resource that registers itself; kind is e.g. "connection".
func platformStatusAttributes(kind string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"platform_status": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "The " + kind + "'s status on the LakeSail platform, e.g. `active`, or `" +
				platformStatusUnregistered + "` when the platform does not have it yet (the next apply registers it). " +
				"Empty for a " + kind + " created without a platform; while the provider has no platform configured it keeps " +
				"its last known value.",
		},
		"platform_status_message": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The platform's explanation of `platform_status`, or why the " + kind + " is not registered.",
		},
	}
}

// platformStatusValues are the platform_status and platform_status_message of a resource.
type platformStatusValues struct {
	Status  types.String
	Message types.String
}

// registered reports whether the values say the platform has the object.
func (v platformStatusValues) registered() bool {
	status := v.Status.ValueString()
	return !v.Status.IsUnknown() && status != "" && status != platformStatusUnregistered
}

// noPlatformStatus is what a resource created without a platform holds.
func noPlatformStatus() platformStatusValues {
	return platformStatusValues{Status: types.StringValue(""), Message: types.StringValue("")}
}

// withoutPlatform is what a resource holds while no platform is configured: the last status it
// knew, since nothing can refresh it, so a registration made earlier is not forgotten (destroy
// then warns that it is left behind); empty when there is none.
func withoutPlatform(prior *platformStatusValues) platformStatusValues {
	if prior == nil || prior.Status.IsNull() || prior.Status.IsUnknown() || prior.Message.IsNull() || prior.Message.IsUnknown() {
		return noPlatformStatus()
	}
	return *prior
}

// unregisteredStatus says the platform does not have the object, and why.
func unregisteredStatus(message string) platformStatusValues {
	return platformStatusValues{Status: types.StringValue(platformStatusUnregistered), Message: types.StringValue(message)}
}

// flattenPlatformStatus turns the platform's status of a registered object into attribute values.
func flattenPlatformStatus(status, message string) (types.String, types.String) {
	if status == "" {
		status = platformStatusRegistered
	}
	return types.StringValue(status), types.StringValue(message)
}

// planPlatformStatus is the planned platform_status: without a platform, the last one known (empty
// on create) since nothing will change it; unknown on create,
// for an object still to register or verify, and when the AWS side changes (apply verifies
// again); otherwise what state holds, so a registered object plans no change.
func planPlatformStatus(configured bool, prior *platformStatusValues, pendingVerify, awsChanges bool) platformStatusValues {
	unknown := platformStatusValues{Status: types.StringUnknown(), Message: types.StringUnknown()}
	switch {
	case !configured:
		return withoutPlatform(prior)
	case prior == nil || !prior.registered() || pendingVerify || awsChanges:
		return unknown
	default:
		return *prior
	}
}

// platformSubject names, for a diagnostic, what a registration concerns.
type platformSubject struct {
	Kind string // "connection", "network", "workspace"
	Name string // what the user recognises it by, e.g. the connection id
	AWS  string // what exists in AWS, e.g. "role arn:aws:iam::111122223333:role/…"
}

// addPlatformNotRegistered reports AWS objects that exist and are saved in state but are not
// registered with the platform. asError is false in Create (an error would taint the resource).
func addPlatformNotRegistered(diags *diag.Diagnostics, s platformSubject, asError bool, err error) {
	summary := "LakeSail Platform Registration Incomplete"
	detail := fmt.Sprintf("The %s %s was created in AWS (%s) and is saved in Terraform state, but it is NOT registered "+
		"with the LakeSail platform, so LakeSail's console does not show it. Run `terraform apply` again once the platform "+
		"is reachable: it registers the %s and changes nothing in AWS.\n\n%s%s",
		s.Kind, s.Name, s.AWS, s.Kind, platformErrorHint(err), err)
	addDiag(diags, asError, summary, detail)
}

// addPlatformNotVerified reports an object the platform registered but has not verified.
func addPlatformNotVerified(diags *diag.Diagnostics, s platformSubject, asError bool, err error) {
	summary := "LakeSail Platform Verification Incomplete"
	detail := fmt.Sprintf("The %s %s exists in AWS (%s) and is registered with the LakeSail platform, but the platform "+
		"could not be asked to verify it. Run `terraform apply` again once the platform is reachable: it asks for the "+
		"verification and changes nothing in AWS.\n\n%s%s", s.Kind, s.Name, s.AWS, platformErrorHint(err), err)
	addDiag(diags, asError, summary, detail)
}

// addPlatformDeregistrationFailed reports a destroy stopped before AWS because the platform still
// has the object.
func addPlatformDeregistrationFailed(diags *diag.Diagnostics, s platformSubject, err error) {
	diags.AddError("Cannot Deregister from the LakeSail Platform",
		fmt.Sprintf("The %s %s is still registered with the LakeSail platform, so nothing was deleted in AWS (%s is "+
			"intact and still in Terraform state): deleting it first would leave LakeSail using objects that no longer "+
			"exist. Run `terraform destroy` again once the platform is reachable, or remove the %s in LakeSail's console first.\n\n%s%s",
			s.Kind, s.Name, s.AWS, s.Kind, platformErrorHint(err), err))
}

// addPlatformNotConfiguredOnDelete warns that a registered object is deleted from AWS while the
// provider has no platform to deregister it from.
func addPlatformNotConfiguredOnDelete(diags *diag.Diagnostics, s platformSubject) {
	diags.AddWarning("LakeSail Platform Registration Left Behind",
		fmt.Sprintf("The %s %s was registered with the LakeSail platform, but the provider has no platform token "+
			"configured, so it was deleted from AWS without being deregistered. Remove it in LakeSail's console, or set "+
			"platform.token (or %s) before destroying next time.", s.Kind, s.Name, envPlatformToken))
}

// addPlatformRefreshWarning reports a refresh that kept the previous platform status.
func addPlatformRefreshWarning(diags *diag.Diagnostics, s platformSubject, err error) {
	diags.AddWarning("Cannot Refresh LakeSail Platform Status",
		fmt.Sprintf("The %s %s was read from AWS, but its status on the LakeSail platform could not be read, so the "+
			"previous platform_status is kept. Nothing needs doing unless this persists.\n\n%s%s",
			s.Kind, s.Name, platformErrorHint(err), err))
}

// platformErrorHint says what to do about a platform error, as the lead of a detail that ends
// with the error itself.
func platformErrorHint(err error) string {
	var apiErr *platform.APIError
	var transportErr *platform.TransportError
	var decodeErr *platform.DecodeError
	switch {
	case errors.As(err, &apiErr) && apiErr.IsUnauthorized():
		return "The platform refused the token: check platform.token or " + envPlatformToken + ".\n\n"
	case errors.As(err, &apiErr) && apiErr.IsForbidden():
		return "The token is valid but may not do this: use an API key with permission to manage cloud connections.\n\n"
	case errors.As(err, &apiErr) && (apiErr.IsServerError() || apiErr.IsThrottled()):
		return "The platform is unavailable or busy; this is usually temporary.\n\n"
	case errors.As(err, &apiErr) && apiErr.IsBadRequest():
		return "The platform refused the request; the message below says why.\n\n"
	case errors.As(err, &transportErr):
		return "The platform did not answer: check platform.url (or " + envPlatformURL + ") and network access to it.\n\n"
	case errors.As(err, &decodeErr):
		return "The platform answered with something other than its API's JSON: check that platform.url points at the API.\n\n"
	default:
		return ""
	}
}

func addDiag(diags *diag.Diagnostics, asError bool, summary, detail string) {
	if asError {
		diags.AddError(summary, detail)
		return
	}
	diags.AddWarning(summary, detail)
}
