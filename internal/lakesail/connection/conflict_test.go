package connection_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// Rule 5 of the architecture: a connection id is owned by one state. These tests play two
// owners (two Terraform states, or a state and a stack) against one account.

const otherExternalID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

// createAttempt is one CreateConnection call and what it did.
type createAttempt struct {
	spec     connection.Spec
	recorded atomic.Bool
	conn     *connection.Connection
	err      error
}

func (a *createAttempt) run(ctx context.Context, client *lakesail.Client) {
	a.conn, a.err = connection.New(client).Create(ctx, a.spec, func(string) { a.recorded.Store(true) })
}

// newConflictAccount is an emulated account, the client of the connection's owner, the
// connection's spec and bundle, and the account's own IAM client that plays the other owner.
func newConflictAccount(t *testing.T) (*awsemu.Emulator, *lakesail.Client, connection.Spec, *connpolicy.Bundle, *iam.Client) {
	t.Helper()
	emu, client := newEmulatedClient(t, awsemu.Options{})
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	bundle, err := connection.New(client).Bundle(context.Background(), spec)
	lakesailtest.Must(t, err)
	return emu, client, spec, bundle, iam.NewFromConfig(emu.AWSConfig(nil))
}

// rewritingCalls are the IAM operations that delete or change an existing object: a create that
// loses the race for a connection id must make none of them.
var rewritingCalls = []string{
	"DeletePolicy", "DeletePolicyVersion", "CreatePolicyVersion", "SetDefaultPolicyVersion", "DeleteRole",
	"UpdateAssumeRolePolicy", "UpdateRole", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
	"DetachRolePolicy", "PutRolePolicy", "DeleteRolePolicy", "TagRole", "UntagRole", "TagPolicy", "UntagPolicy",
}

// TestLibConnectionConcurrentCreatesOneOwner races two creates of the same connection id, with
// different external IDs and tags, many times: exactly one wins, the loser records nothing and
// changes nothing, and the winner's role, trust policy and policies are all its own.
func TestLibConnectionConcurrentCreatesOneOwner(t *testing.T) {
	const rounds = 20
	lostTheLock := 0 // rounds in which both creates passed the existence check
	defer func() {
		t.Logf("%d of %d rounds were settled by the RoleBoundary lock, the rest by the existence check", lostTheLock, rounds)
		if lostTheLock == 0 {
			t.Error("no round raced past the existence check: the test did not exercise the lock")
		}
	}()
	for round := range rounds {
		t.Run(fmt.Sprintf("round%02d", round), func(t *testing.T) {
			ctx := context.Background()
			emu, client := newEmulatedClient(t, awsemu.Options{})
			// A slow existence check lets both creates pass it before either makes anything in
			// most rounds, the case the pre-check alone cannot settle; the delay varies the
			// interleavings.
			if round%4 != 3 {
				emu.AddFault(awsemu.Fault{Service: "iam", Operation: "GetRole", Latency: time.Duration(round%4*10+5) * time.Millisecond, Every: true})
			}
			first, second := &createAttempt{spec: lakesailtest.ConnectionSpec(emu.AccountID())}, &createAttempt{spec: lakesailtest.ConnectionSpec(emu.AccountID())}
			second.spec.Policy.ExternalID = otherExternalID
			second.spec.Tags = map[string]string{"team": "other-state"}

			start := make(chan struct{})
			var wg sync.WaitGroup
			for _, attempt := range []*createAttempt{first, second} {
				wg.Go(func() {
					<-start
					attempt.run(ctx, client)
				})
			}
			close(start)
			wg.Wait()

			winner, loser := first, second
			if first.err != nil {
				winner, loser = second, first
			}
			if winner.err != nil {
				t.Fatalf("both creates failed: %v / %v", first.err, second.err)
			}
			var conflict *lakesail.ConflictError
			if !errors.As(loser.err, &conflict) {
				t.Fatalf("the second create of the same id = %v, want a ConflictError", loser.err)
			}
			if strings.Contains(conflict.What, "RoleBoundary") {
				lostTheLock++
			}
			if loser.recorded.Load() {
				t.Error("the losing create recorded the connection: its destroy would delete the winner's role")
			}
			if !winner.recorded.Load() {
				t.Error("the winning create never recorded the connection")
			}
			if strings.Contains(loser.err.Error(), lakesailtest.ExternalID) || strings.Contains(loser.err.Error(), otherExternalID) {
				t.Errorf("an external ID leaked into the conflict: %v", loser.err)
			}
			assertOwnedBy(t, emu, client, winner.spec)
			for _, call := range emu.Calls() {
				if call.Service == "iam" && slices.Contains(rewritingCalls, call.Operation) {
					t.Errorf("iam:%s on %v during the race: one create changed or deleted what the other made", call.Operation, call.Resources)
				}
			}
		})
	}
}

// assertOwnedBy checks that the account holds exactly the connection spec describes: one role
// trusting spec's external ID, ten policies each with its first and only version, no drift.
func assertOwnedBy(t *testing.T, emu *awsemu.Emulator, client *lakesail.Client, spec connection.Spec) {
	t.Helper()
	ctx := context.Background()
	conn, err := connection.New(client).Read(ctx, spec)
	if err != nil {
		t.Fatalf("reading the winner's connection: %v", err)
	}
	assertNoDrift(t, client, spec, conn)
	// One condition per trust statement (LakeSail's, the provisioner's), all the owner's.
	if ids := slices.Compact(slices.Sorted(slices.Values(conn.TrustExternalIDs))); !slices.Equal(ids, []string{spec.Policy.ExternalID}) {
		t.Errorf("the role trusts %d distinct external IDs, want only the owner's", len(ids))
	}
	if conn.Tags["team"] != spec.Tags["team"] {
		t.Errorf("role tag team = %q, want the owner's %q", conn.Tags["team"], spec.Tags["team"])
	}
	api := iam.NewFromConfig(emu.AWSConfig(nil))
	policies, err := api.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
	lakesailtest.Must(t, err)
	if len(policies.Policies) != 10 {
		t.Errorf("%d managed policies in the account, want the connection's 10", len(policies.Policies))
	}
	for _, p := range policies.Policies {
		versions, err := api.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: p.Arn})
		lakesailtest.Must(t, err)
		if len(versions.Versions) != 1 {
			t.Errorf("policy %s has %d versions: it was rewritten", aws.ToString(p.PolicyName), len(versions.Versions))
		}
		tags, err := api.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: p.Arn})
		lakesailtest.Must(t, err)
		for _, tag := range tags.Tags {
			if aws.ToString(tag.Key) == "team" && aws.ToString(tag.Value) != spec.Tags["team"] {
				t.Errorf("policy %s is tagged team=%s, not the owner's", aws.ToString(p.PolicyName), aws.ToString(tag.Value))
			}
		}
	}
	roles, err := api.ListRoles(ctx, &iam.ListRolesInput{})
	lakesailtest.Must(t, err)
	if len(roles.Roles) != 1 {
		t.Errorf("%d roles in the account, want the connection's one", len(roles.Roles))
	}
	if err := connection.New(client).VerifyRole(ctx, conn.RoleARN, spec.Policy.ExternalID, connection.VerifyOptions{}); err != nil {
		t.Errorf("the owner cannot assume its role with its external ID: %v", err)
	}
}

// TestLibConnectionCreateLosesTheLock: an interrupted create (or one still running elsewhere)
// left only the RoleBoundary policy. A new create of the id stops there, records nothing and
// neither creates nor changes anything.
func TestLibConnectionCreateLosesTheLock(t *testing.T) {
	ctx := context.Background()
	_, client, spec, bundle, api := newConflictAccount(t)
	_, err := api.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: &bundle.RoleBoundary.Name, Path: &bundle.RoleBoundary.Path, PolicyDocument: &bundle.RoleBoundary.JSON,
	})
	lakesailtest.Must(t, err)

	attempt := &createAttempt{spec: spec}
	attempt.run(ctx, client)
	var conflict *lakesail.ConflictError
	if !errors.As(attempt.err, &conflict) {
		t.Fatalf("create with the RoleBoundary taken = %v, want a ConflictError", attempt.err)
	}
	if !strings.Contains(conflict.What, bundle.RoleBoundary.Name) {
		t.Errorf("conflict names %q, want the RoleBoundary policy", conflict.What)
	}
	if attempt.recorded.Load() {
		t.Error("a create that lost the lock recorded the connection")
	}
	policies, err := api.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
	lakesailtest.Must(t, err)
	if len(policies.Policies) != 1 {
		t.Errorf("%d policies after the refused create, want only the one that was there", len(policies.Policies))
	}
	if _, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: &bundle.RoleName}); err == nil {
		t.Error("the refused create made the role")
	}
}

// TestLibConnectionCreateRollsBackLaterConflict: the lock is won but a later policy of the
// connection's name already exists (another owner's). The create deletes exactly what it made,
// leaves the other policy as it was, and says the caller must forget its record.
func TestLibConnectionCreateRollsBackLaterConflict(t *testing.T) {
	ctx := context.Background()
	emu, client, spec, bundle, api := newConflictAccount(t)
	foreignDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`
	foreign, err := api.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: &bundle.ExplicitDeny.Name, Path: &bundle.ExplicitDeny.Path, PolicyDocument: &foreignDoc,
	})
	lakesailtest.Must(t, err)

	attempt := &createAttempt{spec: spec}
	attempt.run(ctx, client)
	var conflict *lakesail.ConflictError
	if !errors.As(attempt.err, &conflict) {
		t.Fatalf("create over another owner's ExplicitDeny = %v, want a ConflictError", attempt.err)
	}
	if !strings.Contains(conflict.What, bundle.ExplicitDeny.Name) {
		t.Errorf("conflict names %q, want the ExplicitDeny policy", conflict.What)
	}
	var rollback *connection.RollbackError
	if errors.As(attempt.err, &rollback) {
		t.Errorf("the rollback left objects behind: %v", rollback)
	}
	policies, err := api.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
	lakesailtest.Must(t, err)
	if len(policies.Policies) != 1 || aws.ToString(policies.Policies[0].Arn) != aws.ToString(foreign.Policy.Arn) {
		t.Errorf("after the rollback the account holds %d policies, want only the other owner's", len(policies.Policies))
	}
	assertPolicyDocument(t, api, aws.ToString(foreign.Policy.Arn), foreignDoc)
	if _, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: &bundle.RoleName}); err == nil {
		t.Error("the rolled-back create left its role")
	}
	// Nothing of the failed create is left, so once the other owner lets go the id is free.
	_, err = api.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: foreign.Policy.Arn})
	lakesailtest.Must(t, err)
	lakesailtest.CreateConnection(t, client, spec)
	assertOwnedBy(t, emu, client, spec)
}

// TestLibConnectionCreateRollsBackRoleConflict: a role of the connection's name appears after
// the existence check (made outside the lock, e.g. by hand). The create deletes the ten policies
// it made and leaves that role alone.
func TestLibConnectionCreateRollsBackRoleConflict(t *testing.T) {
	ctx := context.Background()
	emu, client, spec, bundle, api := newConflictAccount(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + emu.AccountID() + `:root"},"Action":"sts:AssumeRole"}]}`
	_, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &bundle.RoleName, AssumeRolePolicyDocument: &trust})
	lakesailtest.Must(t, err)
	// The existence check misses it, as it would a role made between the check and CreateRole.
	emu.AddFault(awsemu.Fault{Service: "iam", Operation: "GetRole", ErrorCode: "NoSuchEntity", HTTPStatus: 404, Times: 1})

	attempt := &createAttempt{spec: spec}
	attempt.run(ctx, client)
	var conflict *lakesail.ConflictError
	if !errors.As(attempt.err, &conflict) || !strings.Contains(conflict.What, bundle.RoleName) {
		t.Fatalf("create over a role made after the check = %v, want a ConflictError on the role", attempt.err)
	}
	policies, err := api.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
	lakesailtest.Must(t, err)
	if len(policies.Policies) != 0 {
		t.Errorf("%d policies left after the rollback, want none", len(policies.Policies))
	}
	role, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: &bundle.RoleName})
	lakesailtest.Must(t, err)
	if role.Role.PermissionsBoundary != nil {
		t.Error("the other owner's role was given a boundary")
	}
	attached, err := api.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: &bundle.RoleName})
	lakesailtest.Must(t, err)
	if len(attached.AttachedPolicies) != 0 {
		t.Errorf("%d policies were attached to the other owner's role", len(attached.AttachedPolicies))
	}
}

// TestLibConnectionCreateReportsIncompleteRollback: when undoing fails, the conflict names
// what is left, so the caller can tell the user what to delete by hand.
func TestLibConnectionCreateReportsIncompleteRollback(t *testing.T) {
	ctx := context.Background()
	emu, client, spec, bundle, api := newConflictAccount(t)
	_, err := api.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: &bundle.WorkloadBoundary.Name, Path: &bundle.WorkloadBoundary.Path, PolicyDocument: &bundle.WorkloadBoundary.JSON,
	})
	lakesailtest.Must(t, err)
	emu.AddFault(awsemu.Fault{Service: "iam", Operation: "DeletePolicy", ErrorCode: "AccessDenied", HTTPStatus: 403, Every: true})

	attempt := &createAttempt{spec: spec}
	attempt.run(ctx, client)
	var conflict *lakesail.ConflictError
	if !errors.As(attempt.err, &conflict) || !strings.Contains(conflict.What, bundle.WorkloadBoundary.Name) {
		t.Fatalf("create over another WorkloadBoundary = %v, want a ConflictError on it", attempt.err)
	}
	var rollback *connection.RollbackError
	if !errors.As(attempt.err, &rollback) {
		t.Fatalf("a rollback that could not delete anything = %v, want a RollbackError inside the conflict", attempt.err)
	}
	if len(rollback.LeftBehind) != 9 {
		t.Errorf("left behind %d objects, want the 9 policies this create made: %v", len(rollback.LeftBehind), rollback.LeftBehind)
	}
	for _, left := range rollback.LeftBehind {
		if strings.Contains(left, bundle.WorkloadBoundary.Name) {
			t.Errorf("the other owner's %s is listed as this create's leftover", bundle.WorkloadBoundary.Name)
		}
	}
	if last := rollback.LeftBehind[len(rollback.LeftBehind)-1]; !strings.HasSuffix(last, bundle.RoleBoundary.ARN) {
		t.Errorf("the lock (RoleBoundary) should be released last, after %v", rollback.LeftBehind)
	}
}

func assertPolicyDocument(t *testing.T, api *iam.Client, policyARN, want string) {
	t.Helper()
	ctx := context.Background()
	policy, err := api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &policyARN})
	lakesailtest.Must(t, err)
	if v := aws.ToString(policy.Policy.DefaultVersionId); v != "v1" {
		t.Errorf("policy %s is at version %s: it was rewritten", policyARN, v)
	}
	version, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &policyARN, VersionId: policy.Policy.DefaultVersionId})
	lakesailtest.Must(t, err)
	if doc, err := url.QueryUnescape(aws.ToString(version.PolicyVersion.Document)); err != nil || doc != want {
		t.Errorf("policy %s document = %s, want %s", policyARN, doc, want)
	}
}
