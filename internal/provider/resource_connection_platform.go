package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

const (
	// privatePlatformVerifyPending is the private-state key set while the platform has the
	// connection registered but has not been asked to verify it; the next plan then shows an update.
	privatePlatformVerifyPending = "platform_verify_pending"
	// planTimePlatformCheck bounds the plan-time conflict lookup, so a platform outage slows a plan
	// only a little and never fails it.
	planTimePlatformCheck = 15 * time.Second
)

// privateKeySetter is the SetKey method of a response's private state.
type privateKeySetter func(ctx context.Context, key string, value []byte) diag.Diagnostics

// connectionConflictError is a connection id the platform already has for another role.
type connectionConflictError struct {
	ConnectionID    string
	RegisteredName  string
	RegisteredRole  string
	ConfiguredRole  string
	RegisteredState string
}

func (e *connectionConflictError) Error() string {
	return fmt.Sprintf("the LakeSail platform already has connection %s (named %q, status %q) registered for role %s, not for %s",
		e.ConnectionID, e.RegisteredName, e.RegisteredState, e.RegisteredRole, e.ConfiguredRole)
}

func conflictFor(existing *platform.Connection, configuredRole string) *connectionConflictError {
	return &connectionConflictError{
		ConnectionID:    existing.ID,
		RegisteredName:  existing.Name,
		RegisteredRole:  existing.ProviderConfig.RoleARN,
		ConfiguredRole:  configuredRole,
		RegisteredState: existing.Status,
	}
}

func addConnectionConflict(diags *diag.Diagnostics, conflict *connectionConflictError) {
	diags.AddAttributeError(path.Root("connection_id"), "LakeSail Connection ID Already Registered",
		"The connection id is registered with the LakeSail platform for a different role, so this connection cannot be "+
			"registered under it. Use the connection id LakeSail issued for this AWS account, or remove the other "+
			"registration in LakeSail's console and apply again.\n\n"+conflict.Error())
}

// expandPlatformConnection is the registration of the connection's role.
func expandPlatformConnection(m connectionModel, region string) platform.CreateConnectionInput {
	return platform.CreateConnectionInput{
		ID:       m.ConnectionID.ValueString(),
		Name:     m.PlatformName.ValueString(),
		Provider: platform.ProviderAWS,
		ProviderConfig: platform.CreateConnectionAWSConfig{
			AccountID: m.AccountID.ValueString(),
			Region:    region,
			RoleARN:   m.RoleARN.ValueString(),
		},
	}
}

// defaultPlatformName is the name the platform shows when platform_name is not set.
func defaultPlatformName(m connectionModel) types.String {
	if name := m.RoleName.ValueString(); name != "" && !m.RoleName.IsUnknown() {
		return types.StringValue(name)
	}
	return m.ConnectionID
}

// planPlatformName is platform_name as configured, else the default.
func planPlatformName(config, plan connectionModel) types.String {
	if !config.PlatformName.IsNull() {
		return config.PlatformName
	}
	return defaultPlatformName(plan)
}

func (m connectionModel) platformSubject() platformSubject {
	return platformSubject{Kind: "connection", Name: m.ConnectionID.ValueString(), AWS: "role " + m.RoleARN.ValueString()}
}

func (m connectionModel) platformStatus() platformStatusValues {
	return platformStatusValues{Status: m.PlatformStatus, Message: m.PlatformStatusMessage}
}

func (m *connectionModel) setPlatformStatus(v platformStatusValues) {
	m.PlatformStatus, m.PlatformStatusMessage = v.Status, v.Message
}

func (m *connectionModel) setPlatformStatusFrom(conn *platform.Connection) {
	m.PlatformStatus, m.PlatformStatusMessage = flattenPlatformStatus(conn.Status, conn.StatusMessage)
}

// notYetRegistered is the status a connection holds until registration succeeds.
func notYetRegistered(connectionID string) platformStatusValues {
	return unregisteredStatus(fmt.Sprintf("The LakeSail platform has no connection %s; the next apply registers it.", connectionID))
}

// registerPlatformConnection registers the connection's role, adopting a registration of the
// same id that already records the same role (an earlier apply whose answer was lost, or a role
// recorded in the console). The same id for another role is a *connectionConflictError.
func registerPlatformConnection(ctx context.Context, client *platform.Client, in platform.CreateConnectionInput) (*platform.Connection, error) {
	created, err := client.CreateConnection(ctx, in)
	if err == nil {
		return created, nil
	}
	if !platform.IsConflict(err) && !platform.IsAmbiguous(err) {
		return nil, err
	}
	existing, getErr := client.GetConnection(ctx, in.ID)
	switch {
	case getErr != nil:
		return nil, err
	case existing.ProviderConfig.RoleARN == in.ProviderConfig.RoleARN:
		tflog.Info(ctx, "the platform already has this connection for the same role; adopting it", map[string]any{"connection_id": in.ID})
		return existing, nil
	case platform.IsConflict(err):
		return nil, conflictFor(existing, in.ProviderConfig.RoleARN)
	default:
		return nil, err
	}
}

// registerOnPlatform registers the connection and asks the platform to verify it, recording the
// outcome in m. asError is false in Create, where an error would taint the resource.
func (r *connectionResource) registerOnPlatform(ctx context.Context, m *connectionModel, setPrivate privateKeySetter, diags *diag.Diagnostics, asError bool) {
	client := r.data.platform
	if client == nil {
		return
	}
	registered, err := registerPlatformConnection(ctx, client, expandPlatformConnection(*m, r.data.client.Region()))
	var conflict *connectionConflictError
	switch {
	case errors.As(err, &conflict):
		m.setPlatformStatus(unregisteredStatus(conflict.Error()))
		addConnectionConflict(diags, conflict)
		return
	case err != nil:
		m.setPlatformStatus(notYetRegistered(m.ConnectionID.ValueString()))
		addPlatformNotRegistered(diags, m.platformSubject(), asError, err)
		return
	}
	r.verifyOnPlatform(ctx, m, registered, setPrivate, diags, asError)
}

// verifyOnPlatform asks the platform to assume the role now. registered is what the platform
// last said about the connection, kept as the status when the verification cannot be asked for.
func (r *connectionResource) verifyOnPlatform(ctx context.Context, m *connectionModel, registered *platform.Connection, setPrivate privateKeySetter, diags *diag.Diagnostics, asError bool) {
	verified, err := r.data.platform.VerifyConnection(ctx, m.ConnectionID.ValueString())
	if err != nil {
		r.verificationFailed(ctx, m, registered, setPrivate, diags, asError, err)
		return
	}
	r.recordVerified(ctx, m, verified, setPrivate, diags)
}

// verificationFailed records a registered connection whose verification is still to be asked for.
func (r *connectionResource) verificationFailed(ctx context.Context, m *connectionModel, registered *platform.Connection, setPrivate privateKeySetter, diags *diag.Diagnostics, asError bool, err error) {
	if registered != nil {
		m.setPlatformStatusFrom(registered)
	}
	diags.Append(setPrivate(ctx, privatePlatformVerifyPending, []byte("true"))...)
	addPlatformNotVerified(diags, m.platformSubject(), asError, err)
}

// recordVerified records the platform's verdict and warns when it cannot use the role.
func (r *connectionResource) recordVerified(ctx context.Context, m *connectionModel, verified *platform.Connection, setPrivate privateKeySetter, diags *diag.Diagnostics) {
	diags.Append(setPrivate(ctx, privatePlatformVerifyPending, nil)...)
	m.setPlatformStatusFrom(verified)
	if verified.Status == platform.ConnectionStatusFailed || verified.Status == platform.ConnectionStatusDisconnected {
		diags.AddWarning("LakeSail Platform Cannot Use the Connection",
			fmt.Sprintf("The connection %s is registered, but the LakeSail platform reports %q: %s\n\nCheck that the role trusts "+
				"LakeSail's principal (the provider's lakesail_principal) and that external_id is the one LakeSail issued for "+
				"this connection. The platform verifies again whenever apply changes the role.",
				m.ConnectionID.ValueString(), verified.Status, verified.StatusMessage))
	}
}

// applyPlatform brings the registration up to date after a successful Update: register what is
// not registered, verify what is pending or whose role changed, keep the rest as it is.
func (r *connectionResource) applyPlatform(ctx context.Context, plan *connectionModel, state connectionModel, pendingVerify, awsChanges bool, setPrivate privateKeySetter, diags *diag.Diagnostics) {
	prior := state.platformStatus()
	switch {
	case r.data.platform == nil:
		plan.setPlatformStatus(withoutPlatform(&prior))
	case !prior.registered():
		r.registerOnPlatform(ctx, plan, setPrivate, diags, true)
	case pendingVerify || awsChanges:
		plan.setPlatformStatus(prior)
		verified, err := r.data.platform.VerifyConnection(ctx, plan.ConnectionID.ValueString())
		switch {
		case platform.IsNotFound(err):
			// Deregistered behind Terraform's back since the last refresh: register again.
			r.registerOnPlatform(ctx, plan, setPrivate, diags, true)
		case err != nil:
			r.verificationFailed(ctx, plan, nil, setPrivate, diags, true, err)
		default:
			r.recordVerified(ctx, plan, verified, setPrivate, diags)
		}
	default:
		plan.setPlatformStatus(prior)
	}
}

// refreshPlatform reads the connection's status on the platform into m during Read.
func (r *connectionResource) refreshPlatform(ctx context.Context, m *connectionModel, diags *diag.Diagnostics) {
	if m.PlatformName.IsNull() || m.PlatformName.ValueString() == "" {
		m.PlatformName = defaultPlatformName(*m) // state written before platform_name existed
	}
	client := r.data.platform
	if client == nil {
		m.setPlatformStatus(withoutPlatform(new(m.platformStatus())))
		return
	}
	conn, err := client.GetConnection(ctx, m.ConnectionID.ValueString())
	switch {
	case platform.IsNotFound(err):
		m.setPlatformStatus(notYetRegistered(m.ConnectionID.ValueString()))
	case err != nil:
		addPlatformRefreshWarning(diags, m.platformSubject(), err)
	case conn.ProviderConfig.RoleARN != m.RoleARN.ValueString():
		m.setPlatformStatus(unregisteredStatus(conflictFor(conn, m.RoleARN.ValueString()).Error()))
	default:
		m.setPlatformStatusFrom(conn)
	}
}

// checkConnectionIDFree fails the plan when the connection id is registered for another role,
// before apply creates anything in AWS. A platform that cannot be reached is no reason to fail a
// plan; apply checks again.
func (r *connectionResource) checkConnectionIDFree(ctx context.Context, plan connectionModel, diags *diag.Diagnostics) {
	if r.data.platform == nil || plan.ConnectionID.IsUnknown() || plan.RoleARN.IsUnknown() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, planTimePlatformCheck)
	defer cancel()
	existing, err := r.data.platform.GetConnection(ctx, plan.ConnectionID.ValueString())
	if err != nil {
		if !platform.IsNotFound(err) {
			tflog.Warn(ctx, "cannot check the connection id with the platform at plan time; apply checks again", map[string]any{"error": err.Error()})
		}
		return
	}
	if existing.ProviderConfig.RoleARN != plan.RoleARN.ValueString() {
		addConnectionConflict(diags, conflictFor(existing, plan.RoleARN.ValueString()))
	}
}

// deregisterFromPlatform removes the registration before the role is deleted. It returns false
// when the role must be kept because the platform may still use it.
func (r *connectionResource) deregisterFromPlatform(ctx context.Context, state connectionModel, diags *diag.Diagnostics) bool {
	subject := state.platformSubject()
	wasRegistered := state.platformStatus().registered()
	client := r.data.platform
	if client == nil {
		if wasRegistered {
			addPlatformNotConfiguredOnDelete(diags, subject)
		}
		return true
	}
	existing, err := client.GetConnection(ctx, state.ConnectionID.ValueString())
	switch {
	case platform.IsNotFound(err):
		return true
	case err != nil && wasRegistered:
		addPlatformDeregistrationFailed(diags, subject, err)
		return false
	case err != nil:
		// Never registered as far as state knows: the platform's outage need not block the destroy.
		diags.AddWarning("LakeSail Platform Not Checked",
			fmt.Sprintf("The connection %s was not registered with the LakeSail platform when last seen, and the platform could not "+
				"be asked whether that is still so; the role is deleted anyway. If LakeSail's console lists the connection, remove it there.\n\n%s%s",
				subject.Name, platformErrorHint(err), err))
		return true
	case existing.ProviderConfig.RoleARN != state.RoleARN.ValueString():
		tflog.Warn(ctx, "the platform's registration of this connection id is for another role; leaving it alone",
			map[string]any{"connection_id": subject.Name, "registered_role": existing.ProviderConfig.RoleARN})
		return true
	}
	if err := client.DeleteConnection(ctx, state.ConnectionID.ValueString()); err != nil && !platform.IsNotFound(err) {
		addPlatformDeregistrationFailed(diags, subject, err)
		return false
	}
	return true
}
