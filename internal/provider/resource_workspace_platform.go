package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

// The workspace registers its EKS cluster with the LakeSail platform as platform_registration.go
// lays out: after the AWS side succeeded (a failure is a warning on create and the next apply
// registers), refreshed on read, deregistered before anything is deleted in AWS.

func (m workspaceModel) platformStatus() platformStatusValues {
	return platformStatusValues{Status: m.PlatformStatus, Message: m.PlatformStatusMessage}
}

func (m *workspaceModel) setPlatformStatus(v platformStatusValues) {
	m.PlatformStatus, m.PlatformStatusMessage = v.Status, v.Message
}

func (m workspaceModel) platformSubject() platformSubject {
	return platformSubject{Kind: "workspace", Name: m.ID.ValueString(), AWS: "EKS cluster " + m.ClusterName.ValueString()}
}

// planPlatform plans platform_id and platform_status.
func (r *workspaceResource) planPlatform(plan, state *workspaceModel) {
	configured := r.data != nil && r.data.platform != nil
	var prior *platformStatusValues
	if state != nil {
		p := state.platformStatus()
		prior = &p
	}
	plan.setPlatformStatus(planPlatformStatus(configured, prior, false, false))
	switch {
	case state != nil && (!configured || prior.registered()):
		plan.PlatformID = state.PlatformID
	case !configured:
		plan.PlatformID = types.StringValue("")
	default:
		plan.PlatformID = types.StringUnknown()
	}
}

func (m *workspaceModel) unregistered() {
	m.setPlatformStatus(unregisteredStatus(fmt.Sprintf("The LakeSail platform has no cluster for workspace %s; the next apply registers it.", m.ID.ValueString())))
	m.PlatformID = types.StringValue("")
}

// registerOnPlatform registers the cluster; asError is false in Create (an error would taint
// the workspace and rebuild it).
func (r *workspaceResource) registerOnPlatform(ctx context.Context, m *workspaceModel, diags *diag.Diagnostics, asError bool) {
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
	registered, err := client.RegisterCluster(ctx, platform.CreateClusterInput{
		Name: m.WorkspaceID.ValueString(), Region: r.data.client.Region(), ConnectionID: m.ConnectionID.ValueString(),
		ExternalClusterID: m.ClusterName.ValueString(),
	})
	if err != nil {
		addPlatformNotRegistered(diags, m.platformSubject(), asError, err)
		m.unregistered()
		return
	}
	m.PlatformID = types.StringValue(registered.ID)
	m.PlatformStatus, m.PlatformStatusMessage = flattenPlatformStatus(registered.ExternalStatus, "")
}

// refreshPlatform reads the registration; an unreachable platform keeps the last status.
func (r *workspaceResource) refreshPlatform(ctx context.Context, m *workspaceModel, diags *diag.Diagnostics) {
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
		m.unregistered()
		return
	}
	clusters, err := client.ListClusters(ctx)
	if err != nil {
		addPlatformRefreshWarning(diags, m.platformSubject(), err)
		return
	}
	for _, c := range clusters {
		if c.ID == id {
			m.PlatformStatus, m.PlatformStatusMessage = flattenPlatformStatus(c.ExternalStatus, "")
			return
		}
	}
	m.unregistered()
}

// deregisterFromPlatform runs before anything is deleted in AWS; false stops the destroy.
func (r *workspaceResource) deregisterFromPlatform(ctx context.Context, m workspaceModel, diags *diag.Diagnostics) bool {
	client := r.data.platform
	if client == nil {
		if m.platformStatus().registered() {
			addPlatformNotConfiguredOnDelete(diags, m.platformSubject())
		}
		return true
	}
	if err := client.DeregisterCluster(ctx, m.PlatformID.ValueString()); err != nil {
		addPlatformDeregistrationFailed(diags, m.platformSubject(), err)
		return false
	}
	return true
}
