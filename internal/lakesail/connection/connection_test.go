package connection_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// newEmulatedClient starts an emulator and returns a library client acting as its root.
func newEmulatedClient(t *testing.T, opts awsemu.Options) (*awsemu.Emulator, *lakesail.Client) {
	t.Helper()
	emu := awsemu.Test(t, opts)
	client, err := lakesail.NewClient(emu.AWSConfig(nil), lakesail.Options{Partition: "aws"})
	if err != nil {
		t.Fatal(err)
	}
	return emu, client
}

func assertNoDrift(t *testing.T, client *lakesail.Client, spec connection.Spec, conn *connection.Connection) {
	t.Helper()
	bundle, err := connection.New(client).Bundle(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	expected := connection.ExpectedFingerprints(bundle)
	for key, want := range expected {
		if got := conn.Fingerprints[key]; got != want {
			t.Errorf("fingerprint %s = %q, want %q", key, got, want)
		}
	}
	if len(conn.Drift) != 0 {
		t.Errorf("drift reported on a matching connection: %v", conn.Drift)
	}
}

func TestLibConnectionLifecycle(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{})
	spec := lakesailtest.ConnectionSpec(emu.AccountID())

	var recorded string
	conn, err := connection.New(client).Create(ctx, spec, func(name string) { recorded = name })
	if err != nil {
		t.Fatal(err)
	}
	if recorded != connpolicy.DefaultRoleName(lakesailtest.ConnectionID) {
		t.Errorf("role name recorded before creating = %q", recorded)
	}
	if want := "arn:aws:iam::" + emu.AccountID() + ":policy/lakesail-" + lakesailtest.ConnectionID + "-RoleBoundary"; conn.RoleBoundaryARN != want {
		t.Errorf("boundary = %q, want %q", conn.RoleBoundaryARN, want)
	}
	if conn.Tags["LakeSail-Connection"] != lakesailtest.ConnectionID || conn.Tags["Service"] != "LakeSail" || conn.Tags["team"] != "data" {
		t.Errorf("role tags = %v", conn.Tags)
	}
	assertNoDrift(t, client, spec, conn)

	if err := connection.New(client).VerifyRole(ctx, conn.RoleARN, lakesailtest.ExternalID, connection.VerifyOptions{}); err != nil {
		t.Fatalf("VerifyRole with the right external ID: %v", err)
	}

	// Update: a tag change is applied in place and nothing else moves.
	spec.Tags = map[string]string{"team": "platform"}
	conn, err = connection.New(client).Update(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if conn.Tags["team"] != "platform" {
		t.Errorf("tags after update = %v", conn.Tags)
	}
	assertNoDrift(t, client, spec, conn)

	if err := connection.New(client).Delete(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if _, err := connection.New(client).Read(ctx, spec); !errors.Is(err, lakesail.ErrNotFound) {
		t.Fatalf("read after delete = %v, want not found", err)
	}
	policies, err := iam.NewFromConfig(emu.AWSConfig(nil)).ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
	if err != nil {
		t.Fatal(err)
	}
	if len(policies.Policies) != 0 {
		t.Errorf("%d policies left after delete", len(policies.Policies))
	}
	// Deleting again is a no-op.
	if err := connection.New(client).Delete(ctx, spec); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

// TestLibConnectionDrift tampers with the connection as the account's root in each way the
// resource must notice, then checks Read reports it and Update restores it.
func TestLibConnectionDrift(t *testing.T) {
	ctx := context.Background()
	for _, tampering := range lakesailtest.ConnectionTamperings() {
		t.Run(tampering.Name, func(t *testing.T) {
			emu, client := newEmulatedClient(t, awsemu.Options{})
			spec := lakesailtest.ConnectionSpec(emu.AccountID())
			lakesailtest.CreateConnection(t, client, spec)
			target := lakesailtest.Target{ConnectionID: lakesailtest.ConnectionID, AccountID: emu.AccountID(), RoleName: connpolicy.DefaultRoleName(lakesailtest.ConnectionID)}
			lakesailtest.Must(t, lakesailtest.Tamper(ctx, emu.AWSConfig(nil), tampering, target))

			drifted, err := connection.New(client).Read(ctx, spec)
			lakesailtest.Must(t, err)
			bundle, err := connection.New(client).Bundle(ctx, spec)
			lakesailtest.Must(t, err)
			if tampering.Fingerprint == "" {
				if maps.Equal(drifted.Tags, spec.ConnectionTags()) {
					t.Fatalf("tag tampering not visible: %v", drifted.Tags)
				}
			} else if drifted.Fingerprints[tampering.Fingerprint] == connection.ExpectedFingerprints(bundle)[tampering.Fingerprint] || len(drifted.Drift) == 0 {
				t.Fatalf("tampering not detected: fingerprint %s = %q, drift %v", tampering.Fingerprint, drifted.Fingerprints[tampering.Fingerprint], drifted.Drift)
			}
			restored, err := connection.New(client).Update(ctx, spec)
			lakesailtest.Must(t, err)
			assertNoDrift(t, client, spec, restored)
			if !maps.Equal(restored.Tags, spec.ConnectionTags()) {
				t.Errorf("tags after restore = %v, want %v", restored.Tags, spec.ConnectionTags())
			}
		})
	}
}

func TestLibVerifyRoleDistinguishesTrustFromPropagation(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{PropagationDelay: time.Hour})
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	conn := lakesailtest.CreateConnection(t, client, spec)
	fast := connection.VerifyOptions{Window: 50 * time.Millisecond, MinDelay: 10 * time.Millisecond}

	var propagating *connection.PropagationError
	if err := connection.New(client).VerifyRole(ctx, conn.RoleARN, lakesailtest.ExternalID, fast); !errors.As(err, &propagating) {
		t.Fatalf("right external ID inside the propagation delay: %v, want PropagationError", err)
	}
	var trust *connection.TrustError
	err := connection.New(client).VerifyRole(ctx, conn.RoleARN, "not-the-external-id", fast)
	if !errors.As(err, &trust) {
		t.Fatalf("wrong external ID: %v, want TrustError", err)
	}
	if strings.Contains(err.Error(), lakesailtest.ExternalID) || strings.Contains(err.Error(), "not-the-external-id") {
		t.Errorf("an external ID leaked into the error: %v", err)
	}
}

func TestLibVerifyRoleWaitsOutPropagation(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{PropagationDelay: 1500 * time.Millisecond})
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	conn := lakesailtest.CreateConnection(t, client, spec)
	err := connection.New(client).VerifyRole(ctx, conn.RoleARN, lakesailtest.ExternalID, connection.VerifyOptions{Window: 20 * time.Second, MinDelay: 200 * time.Millisecond, MaxDelay: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("VerifyRole should outlast a 1.5s propagation delay: %v", err)
	}
}

// TestLibConnectionUpdatePrunesPolicyVersions: restoring a document when IAM already holds five
// versions deletes the oldest non-default version first.
func TestLibConnectionUpdatePrunesPolicyVersions(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{})
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	lakesailtest.CreateConnection(t, client, spec)
	bundle, err := connection.New(client).Bundle(ctx, spec)
	lakesailtest.Must(t, err)
	api := iam.NewFromConfig(emu.AWSConfig(nil))
	arn := &bundle.ExplicitDeny.ARN
	for i := range 4 {
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"V%d","Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`, i)
		_, err := api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: &doc, SetAsDefault: true})
		lakesailtest.Must(t, err)
	}
	if _, err := connection.New(client).Update(ctx, spec); err != nil {
		t.Fatalf("update with five versions stored: %v", err)
	}
	versions, err := api.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	lakesailtest.Must(t, err)
	if len(versions.Versions) != 5 {
		t.Fatalf("%d versions, want 5", len(versions.Versions))
	}
	for _, v := range versions.Versions {
		if *v.VersionId == "v1" {
			t.Error("the oldest version v1 should have been pruned")
		}
	}
	conn, err := connection.New(client).Read(ctx, spec)
	lakesailtest.Must(t, err)
	assertNoDrift(t, client, spec, conn)
}

// TestLibConnectionCreateRefusesExistingRole: a role of the connection's name made elsewhere is
// a conflict found before anything is recorded or changed, so a destroy of the failed resource
// cannot delete that role, and its policies keep their documents.
func TestLibConnectionCreateRefusesExistingRole(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{})
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	lakesailtest.CreateConnection(t, client, spec)
	bundle, err := connection.New(client).Bundle(ctx, spec)
	lakesailtest.Must(t, err)
	api := iam.NewFromConfig(emu.AWSConfig(nil))
	versions := func() int {
		out, err := api.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &bundle.RoleBoundary.ARN})
		lakesailtest.Must(t, err)
		return len(out.Versions)
	}
	before := versions()

	recorded := false
	_, err = connection.New(client).Create(ctx, spec, func(string) { recorded = true })
	var conflict *lakesail.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("create over an existing role = %v, want a ConflictError", err)
	}
	if recorded {
		t.Error("the connection was recorded although its role already existed: destroy would delete a role this create did not make")
	}
	if after := versions(); after != before {
		t.Errorf("the existing boundary went from %d to %d versions: the failed create rewrote another connection's policies", before, after)
	}
}
