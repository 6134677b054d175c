package lakesail_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// rotatedTestExternalID is a second external ID a trust policy may carry during a rotation.
const rotatedTestExternalID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

// sessionEnv is an emulator with a connection, and a library client acting as its root that
// polls at the emulator's pace.
func sessionEnv(t *testing.T, opts awsemu.Options) (*awsemu.Emulator, *lakesail.Client, *connection.Connection) {
	t.Helper()
	emu := awsemu.Test(t, opts)
	client, err := lakesail.NewClient(emu.AWSConfig(nil), lakesail.Options{Partition: "aws", WaitMinDelay: 5 * time.Millisecond, WaitMaxDelay: 40 * time.Millisecond})
	lakesailtest.Must(t, err)
	return emu, client, lakesailtest.CreateConnection(t, client, lakesailtest.ConnectionSpec(emu.AccountID()))
}

// addTrustedExternalID lets the connection role's trust policy accept a second external ID too,
// as during a rotation of the connection's external ID.
func addTrustedExternalID(t *testing.T, emu *awsemu.Emulator, roleName, externalID string) {
	t.Helper()
	ctx := context.Background()
	api := iam.NewFromConfig(emu.AWSConfig(nil))
	role, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	lakesailtest.Must(t, err)
	trust, err := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	lakesailtest.Must(t, err)
	widened := strings.ReplaceAll(trust, `"`+lakesailtest.ExternalID+`"`, `["`+lakesailtest.ExternalID+`","`+externalID+`"]`)
	if widened == trust {
		t.Fatalf("the trust policy does not quote the external ID: %s", trust)
	}
	_, err = api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(roleName), PolicyDocument: aws.String(widened)})
	lakesailtest.Must(t, err)
}

// assumedAs reports the ARN the session's credentials act as.
func assumedAs(t *testing.T, sess *lakesail.ConnectionSession) string {
	t.Helper()
	out, err := sts.NewFromConfig(sess.Role.AWSConfig()).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	lakesailtest.Must(t, err)
	return aws.ToString(out.Arn)
}

// TestLibConnectionSessionGivenExternalID: with the external ID given, the session assumes the
// role with it (the trust policy is not read with the client's credentials) and finds the tenant
// in the role's tag, as the role.
func TestLibConnectionSessionGivenExternalID(t *testing.T) {
	t.Parallel()
	emu, client, conn := sessionEnv(t, awsemu.Options{})
	from := len(emu.Calls())
	sess, err := client.OpenConnectionSession(context.Background(), lakesail.ConnectionAccess{
		RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID, SessionName: lakesail.SessionNamePrefix + "test",
	})
	lakesailtest.Must(t, err)
	if sess.ExternalID != lakesailtest.ExternalID || sess.ExternalIDFromTrust || sess.ExternalIDStale {
		t.Errorf("external ID from trust %v, stale %v; want the given one", sess.ExternalIDFromTrust, sess.ExternalIDStale)
	}
	if sess.TenantID != lakesailtest.TenantID {
		t.Errorf("tenant %q, want the role's tag %q", sess.TenantID, lakesailtest.TenantID)
	}
	if sess.RoleName != conn.RoleName || sess.AccountID != emu.AccountID() || sess.Partition != "aws" {
		t.Errorf("session of %s in %s/%s, want %s in %s/aws", sess.RoleName, sess.AccountID, sess.Partition, conn.RoleName, emu.AccountID())
	}
	if got := assumedAs(t, sess); !strings.Contains(got, ":assumed-role/"+conn.RoleName+"/"+lakesail.SessionNamePrefix+"test") {
		t.Errorf("the session acts as %s, want the connection role's session lakesail-test", got)
	}
	for _, call := range emu.Calls()[from:] {
		if call.Operation == "GetRole" && !strings.Contains(call.Principal, "assumed-role") {
			t.Errorf("the role was read with the client's own credentials (%s) although the external ID was given", call.Principal)
		}
	}
}

// TestLibConnectionSessionExternalIDFromTrust: without an external ID the session reads the only
// one of the trust policy, and the tenant with it.
func TestLibConnectionSessionExternalIDFromTrust(t *testing.T) {
	t.Parallel()
	_, client, conn := sessionEnv(t, awsemu.Options{})
	sess, err := client.OpenConnectionSession(context.Background(), lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ConnectionID: lakesailtest.ConnectionID})
	lakesailtest.Must(t, err)
	if sess.ExternalID != lakesailtest.ExternalID || !sess.ExternalIDFromTrust || sess.ExternalIDStale {
		t.Errorf("external ID from trust %v, stale %v; want the trust policy's only one", sess.ExternalIDFromTrust, sess.ExternalIDStale)
	}
	if sess.TenantID != lakesailtest.TenantID {
		t.Errorf("tenant %q, want %q", sess.TenantID, lakesailtest.TenantID)
	}
	// A digest that matches nothing (the external ID changed since it was taken): the only one, stale.
	sess, err = client.OpenConnectionSession(context.Background(), lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ConnectionID: lakesailtest.ConnectionID,
		ExternalIDDigest: lakesail.ExternalIDDigest(lakesailtest.ConnectionID, rotatedTestExternalID)})
	lakesailtest.Must(t, err)
	if sess.ExternalID != lakesailtest.ExternalID || !sess.ExternalIDStale {
		t.Errorf("stale %v; want the trust policy's only one, reported stale", sess.ExternalIDStale)
	}
}

// TestLibConnectionSessionSeveralExternalIDs: with several external IDs in the trust policy, the
// digest picks one; without a digest, or with one that matches none, the caller must give it,
// and the error never quotes an ID.
func TestLibConnectionSessionSeveralExternalIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	emu, client, conn := sessionEnv(t, awsemu.Options{})
	addTrustedExternalID(t, emu, conn.RoleName, rotatedTestExternalID)

	for _, id := range []string{lakesailtest.ExternalID, rotatedTestExternalID} {
		sess, err := client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ConnectionID: lakesailtest.ConnectionID,
			ExternalIDDigest: lakesail.ExternalIDDigest(lakesailtest.ConnectionID, id)})
		lakesailtest.Must(t, err)
		if sess.ExternalID != id || sess.ExternalIDStale {
			t.Errorf("the digest of one of two IDs chose another one (stale %v)", sess.ExternalIDStale)
		}
	}
	for name, digest := range map[string]string{
		"no digest":            "",
		"digest of neither":    lakesail.ExternalIDDigest(lakesailtest.ConnectionID, "11111111-2222-4333-8444-555555555555"),
		"another connection's": lakesail.ExternalIDDigest("ZZ12CD34EF", lakesailtest.ExternalID),
	} {
		sess, err := client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ConnectionID: lakesailtest.ConnectionID, ExternalIDDigest: digest})
		var needed *lakesail.ExternalIDNeededError
		if !errors.As(err, &needed) {
			t.Fatalf("%s: %v (session %v), want ExternalIDNeededError", name, err, sess != nil)
		}
		if needed.Count != 2 || needed.Digest != (digest != "") || needed.RoleName != conn.RoleName {
			t.Errorf("%s: %+v, want 2 IDs of %s, digest %v", name, needed, conn.RoleName, digest != "")
		}
		if strings.Contains(err.Error(), lakesailtest.ExternalID) || strings.Contains(err.Error(), rotatedTestExternalID) {
			t.Errorf("%s: the error quotes an external ID: %v", name, err)
		}
	}
	// The network keeps its own error for it: the spec's ExternalID must be given.
	_, err := network.New(client).Read(ctx, network.Spec{ConnectionID: lakesailtest.ConnectionID, NetworkID: "NET0000001", RoleARN: conn.RoleARN,
		CIDRBlock: "10.20.0.0/16"}, nil)
	var specErr *network.SpecError
	if !errors.As(err, &specErr) || specErr.Field != "ExternalID" {
		t.Errorf("a network read without an external ID: %v, want a NetworkSpecError on ExternalID", err)
	}
}

// TestLibConnectionSessionWaitsForPropagation: a role STS still refuses (new, not yet
// propagated) is waited for when the caller says it may be new, and refused at once otherwise.
func TestLibConnectionSessionWaitsForPropagation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, client, conn := sessionEnv(t, awsemu.Options{PropagationDelay: 1500 * time.Millisecond})
	access := lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID}

	var disconnected *lakesail.DisconnectedError
	if _, err := client.OpenConnectionSession(ctx, access); !errors.As(err, &disconnected) {
		t.Fatalf("a refused role without waiting: %v, want DisconnectedError", err)
	}
	access.WaitForPropagation = true
	start := time.Now()
	sess, err := client.OpenConnectionSession(ctx, access)
	if err != nil {
		t.Fatalf("the session should outlast a 1.5s propagation delay: %v", err)
	}
	if sess.TenantID != lakesailtest.TenantID {
		t.Errorf("tenant %q, want %q", sess.TenantID, lakesailtest.TenantID)
	}
	t.Logf("assumed after %s", time.Since(start).Round(time.Millisecond))
}

// TestLibConnectionSessionTenant: a given tenant is kept; without one, a role whose tenant tag
// is gone is an error that names the tag.
func TestLibConnectionSessionTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	emu, client, conn := sessionEnv(t, awsemu.Options{})
	sess, err := client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID, TenantID: "TENANT0002"})
	lakesailtest.Must(t, err)
	if sess.TenantID != "TENANT0002" {
		t.Errorf("tenant %q, want the given TENANT0002", sess.TenantID)
	}
	_, err = iam.NewFromConfig(emu.AWSConfig(nil)).UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(conn.RoleName), TagKeys: []string{connpolicy.TagTenant}})
	lakesailtest.Must(t, err)
	_, err = client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID})
	var untagged *lakesail.TenantTagError
	if !errors.As(err, &untagged) || untagged.Tag != connpolicy.TagTenant {
		t.Errorf("a role without its tenant tag: %v, want TenantTagError", err)
	}
}

// TestLibConnectionSessionDisconnected: a role that is gone, or whose trust policy requires no
// external ID, is a disconnected connection.
func TestLibConnectionSessionDisconnected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	emu, client, conn := sessionEnv(t, awsemu.Options{})
	lakesailtest.Must(t, connection.New(client).Delete(ctx, lakesailtest.ConnectionSpec(emu.AccountID())))
	var disconnected *lakesail.DisconnectedError
	for name, access := range map[string]lakesail.ConnectionAccess{
		"given":      {RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID},
		"from trust": {RoleARN: conn.RoleARN},
	} {
		if _, err := client.OpenConnectionSession(ctx, access); !errors.As(err, &disconnected) {
			t.Errorf("%s external ID, role gone: %v, want DisconnectedError", name, err)
		}
	}
}

// TestUnitChooseExternalID: the digest picks among the trust policy's IDs, else the only one.
func TestUnitChooseExternalID(t *testing.T) {
	digest := func(id string) string { return lakesail.ExternalIDDigest(lakesailtest.ConnectionID, id) }
	cases := []struct {
		name      string
		trust     []string
		digest    string
		want      string
		wantStale bool
	}{
		{"no digest, one ID", []string{lakesailtest.ExternalID, lakesailtest.ExternalID}, "", lakesailtest.ExternalID, false},
		{"no digest, two IDs", []string{lakesailtest.ExternalID, rotatedTestExternalID}, "", "", false},
		{"no digest, none", nil, "", "", false},
		{"digest picks among two", []string{rotatedTestExternalID, lakesailtest.ExternalID}, digest(lakesailtest.ExternalID), lakesailtest.ExternalID, false},
		{"rotated since", []string{rotatedTestExternalID}, digest(lakesailtest.ExternalID), rotatedTestExternalID, true},
	}
	for _, c := range cases {
		got, stale := lakesail.ChooseExternalID(c.trust, lakesailtest.ConnectionID, c.digest)
		if got != c.want || stale != c.wantStale {
			t.Errorf("%s: (%q, %v), want (%q, %v)", c.name, got, stale, c.want, c.wantStale)
		}
	}
	if strings.Contains(digest(lakesailtest.ExternalID), lakesailtest.ExternalID) {
		t.Error("the digest holds the external ID")
	}
}
