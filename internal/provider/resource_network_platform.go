package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

// The network registers with the LakeSail platform as platform_registration.go lays out:
// register after the AWS side succeeded (a failure is a warning on create, the status says
// unregistered and the next apply registers), refresh on read, deregister before destroy.

func (m networkModel) platformStatus() platformStatusValues {
	return platformStatusValues{Status: m.PlatformStatus, Message: m.PlatformStatusMessage}
}

func (m *networkModel) setPlatformStatus(v platformStatusValues) {
	m.PlatformStatus, m.PlatformStatusMessage = v.Status, v.Message
}

// planPlatform plans platform_status and platform_id.
func (r *networkResource) planPlatform(plan, state *networkModel, awsChanges bool) {
	configured := r.data.platform != nil
	var prior *platformStatusValues
	if state != nil {
		p := state.platformStatus()
		prior = &p
	}
	planned := planPlatformStatus(configured, prior, false, awsChanges)
	plan.setPlatformStatus(planned)
	switch {
	case state != nil && (!configured || prior.registered()):
		plan.PlatformID = state.PlatformID
	case !configured:
		plan.PlatformID = types.StringValue("")
	default:
		plan.PlatformID = types.StringUnknown()
	}
}

// registerOnPlatform registers the network; asError is false in Create (an error would taint
// the resource and rebuild the network).
func (r *networkResource) registerOnPlatform(ctx context.Context, m *networkModel, diags *diag.Diagnostics, asError bool) {
	client := r.data.platform
	if client == nil {
		if m.PlatformStatus.IsUnknown() || m.PlatformStatus.IsNull() {
			m.setPlatformStatus(noPlatformStatus())
		}
		if m.PlatformID.IsUnknown() || m.PlatformID.IsNull() {
			m.PlatformID = types.StringValue("")
		}
		return
	}
	registered, err := client.RegisterNetwork(ctx, platform.CreateNetworkInput{
		ConnectionID:      m.ConnectionID.ValueString(),
		Name:              m.NetworkID.ValueString(),
		Region:            r.data.client.Region(),
		ProviderNetworkID: m.VPCID.ValueString(),
		Config:            platform.NetworkConfig{CIDR: m.CIDRBlock.ValueString()},
	})
	if err != nil {
		addPlatformNotRegistered(diags, m.platformSubject(), asError, err)
		m.setPlatformStatus(unregisteredStatus(fmt.Sprintf("The LakeSail platform has no network %s; the next apply registers it.", m.networkID())))
		if m.PlatformID.IsUnknown() || m.PlatformID.IsNull() {
			m.PlatformID = types.StringValue("")
		}
		return
	}
	m.PlatformID = types.StringValue(registered.ID)
	m.PlatformStatus, m.PlatformStatusMessage = flattenPlatformStatus(registered.Status, registered.StatusMessage)
}

// refreshPlatform reads the registration's status; an unreachable platform keeps the last one.
func (r *networkResource) refreshPlatform(ctx context.Context, m *networkModel, diags *diag.Diagnostics) {
	prior := m.platformStatus()
	client := r.data.platform
	if client == nil {
		m.setPlatformStatus(withoutPlatform(&prior))
		if m.PlatformID.IsNull() {
			m.PlatformID = types.StringValue("")
		}
		return
	}
	id := m.PlatformID.ValueString()
	if id == "" {
		m.setPlatformStatus(unregisteredStatus(fmt.Sprintf("The LakeSail platform has no network %s; the next apply registers it.", m.networkID())))
		m.PlatformID = types.StringValue("")
		return
	}
	n, err := client.GetNetwork(ctx, id)
	switch {
	case platform.IsNotFound(err):
		m.PlatformID = types.StringValue("")
		m.setPlatformStatus(unregisteredStatus(fmt.Sprintf("The LakeSail platform no longer has network %s; the next apply registers it again.", m.networkID())))
	case err != nil:
		addPlatformRefreshWarning(diags, m.platformSubject(), err)
	default:
		m.PlatformStatus, m.PlatformStatusMessage = flattenPlatformStatus(n.Status, n.StatusMessage)
	}
}

// deregisterFromPlatform deregisters before anything is deleted in AWS; false stops the destroy.
func (r *networkResource) deregisterFromPlatform(ctx context.Context, m networkModel, diags *diag.Diagnostics) bool {
	client := r.data.platform
	if client == nil {
		if m.platformStatus().registered() {
			addPlatformNotConfiguredOnDelete(diags, m.platformSubject())
		}
		return true
	}
	if err := client.DeregisterNetwork(ctx, m.PlatformID.ValueString()); err != nil {
		addPlatformDeregistrationFailed(diags, m.platformSubject(), err)
		return false
	}
	return true
}
