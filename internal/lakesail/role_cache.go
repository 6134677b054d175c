package lakesail

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
)

// roleCache holds the connection roles a client has read for a refresh or a plan
// (ObserveConnectionRoleCached), by role ARN, so that the resources of one Terraform operation
// that act through the same connection read its role once. It is the client's own (one provider
// configuration, one Terraform operation), shared by copies with the same credentials.
//
// A change to the role by this client forgets it (ForgetConnectionRole: the connection's create,
// update and delete); callers that change things (create, update, delete) read the role afresh
// rather than through the cache, so a trust policy read before a change in the same run is never
// what a change acts on. Failed reads are not kept.
type roleCache struct {
	mu      sync.Mutex
	entries map[string]*roleEntry
}

// roleEntry is one read of a role: done closes when obs or err is set. Concurrent callers wait
// for the read in flight instead of making their own.
type roleEntry struct {
	roleName string
	done     chan struct{}
	obs      *RoleObservation
	err      error
}

// ObserveConnectionRoleCached is ObserveConnectionRole for a refresh or a plan: the first call
// for a role ARN reads the role, later (and concurrent) calls get that read until this client
// changes the role (ForgetConnectionRole). Each caller gets its own copy of the observation's
// slices and map; Role is shared and must not be modified. Anything about to change AWS reads
// the role with ObserveConnectionRole instead.
func (c *Client) ObserveConnectionRoleCached(ctx context.Context, roleARN string) (*RoleObservation, error) {
	roleName, err := RoleNameOf(roleARN)
	if err != nil {
		return nil, err
	}
	cache := c.roles
	cache.mu.Lock()
	if cache.entries == nil {
		cache.entries = map[string]*roleEntry{}
	}
	entry, found := cache.entries[roleARN]
	if !found {
		entry = &roleEntry{roleName: roleName, done: make(chan struct{})}
		cache.entries[roleARN] = entry
	}
	cache.mu.Unlock()

	if !found {
		entry.obs, entry.err = c.ObserveConnectionRole(ctx, roleName)
		if entry.err != nil {
			cache.mu.Lock()
			if cache.entries[roleARN] == entry {
				delete(cache.entries, roleARN)
			}
			cache.mu.Unlock()
		}
		close(entry.done)
		return entry.obs.clone(), entry.err
	}
	select {
	case <-entry.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if entry.err != nil && (errors.Is(entry.err, context.Canceled) || errors.Is(entry.err, context.DeadlineExceeded)) {
		// The read this caller waited for ran out of its own caller's time, not this one's.
		return c.ObserveConnectionRole(ctx, roleName)
	}
	return entry.obs.clone(), entry.err
}

// ForgetConnectionRole drops what ObserveConnectionRoleCached read of the role (under any ARN
// that names it), so that the next read asks AWS: call it whenever this client changes the role.
func (c *Client) ForgetConnectionRole(roleARN string) {
	roleName, err := RoleNameOf(roleARN)
	cache := c.roles
	cache.mu.Lock()
	defer cache.mu.Unlock()
	for key, entry := range cache.entries {
		if key == roleARN || (err == nil && entry.roleName == roleName) {
			delete(cache.entries, key)
		}
	}
}

// clone copies what a caller might change: the observation's slices and tags.
func (o *RoleObservation) clone() *RoleObservation {
	if o == nil {
		return nil
	}
	cp := *o
	cp.ExternalIDs = slices.Clone(o.ExternalIDs)
	cp.ProvisionerPrincipals = slices.Clone(o.ProvisionerPrincipals)
	cp.Tags = maps.Clone(o.Tags)
	return &cp
}
