package lakesail_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// getRoleCalls counts the iam:GetRole calls the emulator answered since from.
func getRoleCalls(emu *awsemu.Emulator, from int) int {
	n := 0
	for _, c := range emu.Calls()[from:] {
		if c.Service == "iam" && c.Operation == "GetRole" {
			n++
		}
	}
	return n
}

// distinct is the different external IDs of a trust policy (several statements may name one).
func distinct(ids []string) []string { return slices.Compact(slices.Sorted(slices.Values(ids))) }

// TestLibRoleCacheHit: a refresh's reads of the connection role (the connection's own, then a
// session for a network or workspace) ask AWS once; a session that may change things reads it
// afresh.
func TestLibRoleCacheHit(t *testing.T) {
	t.Parallel()
	emu, client, conn := sessionEnv(t, awsemu.Options{})
	ctx := context.Background()
	from := len(emu.Calls())
	obs, err := client.ObserveConnectionRoleCached(ctx, conn.RoleARN)
	lakesailtest.Must(t, err)
	if !slices.Equal(distinct(obs.ExternalIDs), []string{lakesailtest.ExternalID}) || obs.TenantID != lakesailtest.TenantID {
		t.Fatalf("observed external IDs %d, tenant %q; want the connection's", len(obs.ExternalIDs), obs.TenantID)
	}
	obs.ExternalIDs[0] = "changed by the caller" // each caller has its own copy
	again, err := client.ObserveConnectionRoleCached(ctx, conn.RoleARN)
	lakesailtest.Must(t, err)
	if again.ExternalIDs[0] != lakesailtest.ExternalID {
		t.Error("a caller's change to its observation reached the cache")
	}
	sess, err := client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ConnectionID: lakesailtest.ConnectionID, Cached: true})
	lakesailtest.Must(t, err)
	if sess.ExternalID != lakesailtest.ExternalID || sess.TenantID != lakesailtest.TenantID {
		t.Errorf("session external ID from trust %v, tenant %q; want the connection's", sess.ExternalIDFromTrust, sess.TenantID)
	}
	if n := getRoleCalls(emu, from); n != 1 {
		t.Errorf("two cached reads and a cached session made %d iam:GetRole calls, want 1", n)
	}
	from = len(emu.Calls())
	_, err = client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ConnectionID: lakesailtest.ConnectionID})
	lakesailtest.Must(t, err)
	if n := getRoleCalls(emu, from); n != 1 {
		t.Errorf("an uncached session made %d iam:GetRole calls, want 1 (its own read)", n)
	}
}

// TestLibRoleCacheForgottenOnUpdate: the connection's update (here a rotation of its external ID)
// forgets the role, so a later read in the same process sees the new trust policy; a change made
// elsewhere is not seen until the role is forgotten.
func TestLibRoleCacheForgottenOnUpdate(t *testing.T) {
	t.Parallel()
	emu, client, conn := sessionEnv(t, awsemu.Options{})
	ctx := context.Background()
	_, err := client.ObserveConnectionRoleCached(ctx, conn.RoleARN)
	lakesailtest.Must(t, err)

	// Outside this client: the cache still answers (a refresh is one moment)...
	addTrustedExternalID(t, emu, conn.RoleName, rotatedTestExternalID)
	obs, err := client.ObserveConnectionRoleCached(ctx, conn.RoleARN)
	lakesailtest.Must(t, err)
	if n := len(distinct(obs.ExternalIDs)); n != 1 {
		t.Fatalf("cached read has %d external IDs, want the 1 read first", n)
	}
	// ...until the role is forgotten, under any ARN that names it.
	client.ForgetConnectionRole("arn:aws:iam::" + emu.AccountID() + ":role/" + conn.RoleName)
	obs, err = client.ObserveConnectionRoleCached(ctx, conn.RoleARN)
	lakesailtest.Must(t, err)
	if n := len(distinct(obs.ExternalIDs)); n != 2 {
		t.Fatalf("read after ForgetConnectionRole has %d external IDs, want 2", n)
	}

	// The connection's update rotates the external ID: the trust policy is read again.
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	spec.Policy.ExternalID = rotatedTestExternalID
	_, err = connection.New(client).Update(ctx, spec)
	lakesailtest.Must(t, err)
	obs, err = client.ObserveConnectionRoleCached(ctx, conn.RoleARN)
	lakesailtest.Must(t, err)
	if !slices.Equal(distinct(obs.ExternalIDs), []string{rotatedTestExternalID}) {
		t.Errorf("after the update the cached read has %d external IDs, the rotated one %v; want only the rotated one",
			len(distinct(obs.ExternalIDs)), slices.Contains(obs.ExternalIDs, rotatedTestExternalID))
	}
	sess, err := client.OpenConnectionSession(ctx, lakesail.ConnectionAccess{RoleARN: conn.RoleARN, ConnectionID: lakesailtest.ConnectionID, Cached: true})
	lakesailtest.Must(t, err)
	if sess.ExternalID != rotatedTestExternalID {
		t.Error("a cached session after the update used the old external ID")
	}

	// Delete forgets it too: the role is gone, and a read says so.
	lakesailtest.Must(t, connection.New(client).Delete(ctx, spec))
	if _, err := client.ObserveConnectionRoleCached(ctx, conn.RoleARN); err == nil {
		t.Error("a cached read after the connection's delete found the role")
	}
}

// TestLibRoleCacheConcurrentReads: concurrent reads of one role wait for a single iam:GetRole.
func TestLibRoleCacheConcurrentReads(t *testing.T) {
	t.Parallel()
	emu, client, conn := sessionEnv(t, awsemu.Options{Latency: 20 * time.Millisecond})
	ctx := context.Background()
	from := len(emu.Calls())
	const readers = 16
	var wg sync.WaitGroup
	errs := make([]error, readers)
	ids := make([][]string, readers)
	for i := range readers {
		wg.Go(func() {
			obs, err := client.ObserveConnectionRoleCached(ctx, conn.RoleARN)
			errs[i] = err
			if err == nil {
				ids[i] = obs.ExternalIDs
			}
		})
	}
	wg.Wait()
	for i := range readers {
		lakesailtest.Must(t, errs[i])
		if !slices.Equal(distinct(ids[i]), []string{lakesailtest.ExternalID}) {
			t.Errorf("reader %d saw %d external IDs, want the connection's one", i, len(distinct(ids[i])))
		}
	}
	if n := getRoleCalls(emu, from); n != 1 {
		t.Errorf("%d concurrent reads made %d iam:GetRole calls, want 1", readers, n)
	}
}
