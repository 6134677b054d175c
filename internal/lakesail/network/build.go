package network

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

// networkBuild is a create or an update in progress: what exists, the plan, and the record the
// caller sees grow as each object is made.
type networkBuild struct {
	r    *networkRun
	plan networkPlan
	inv  *ec2Inventory
	// before is the inventory as found, whose tags may need updating; objects made by this
	// build are tagged at creation.
	before *ec2Inventory

	mu       sync.Mutex
	rec      *Network
	progress func(Network)
}

// note updates the record and hands a copy to the caller's progress callback, one at a time.
func (b *networkBuild) note(f func(n *Network)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(b.rec)
	if b.progress != nil {
		b.progress(b.rec.clone())
	}
}

// zoneIndex is the position of a zone in the layout.
func (b *networkBuild) zoneIndex(zone string) int {
	for i, z := range b.plan.zones {
		if z.zone == zone {
			return i
		}
	}
	return -1
}

// buildCreatedNetwork makes (or repairs) every EC2 object of a created network in dependency
// order, running independent calls concurrently.
func (b *networkBuild) buildCreatedNetwork(ctx context.Context) error {
	vpcID, err := b.ensureVPC(ctx)
	if err != nil {
		return err
	}
	n := len(b.plan.zones)
	public, private, privateRTBs := make([]string, n), make([]string, n), make([]string, n)
	var igwID, publicRTB string
	eips := map[string]string{}
	var eipMu sync.Mutex

	// Siblings are not cancelled when one call fails: whatever AWS is already making gets
	// recorded, instead of being left behind by a cancelled request.
	var group errgroup.Group
	group.SetLimit(ec2Concurrency)
	gctx := ctx
	group.Go(func() error { return b.ensureDNS(gctx, vpcID) })
	for i, z := range b.plan.zones {
		group.Go(func() (err error) { public[i], err = b.ensureSubnet(gctx, vpcID, z, true); return err })
		group.Go(func() (err error) { private[i], err = b.ensureSubnet(gctx, vpcID, z, false); return err })
		group.Go(func() (err error) {
			privateRTBs[i], err = b.ensureRouteTable(gctx, vpcID, b.plan.privateRouteTableName(z.zone), z.zone)
			return err
		})
	}
	group.Go(func() (err error) { igwID, err = b.ensureInternetGateway(gctx, vpcID); return err })
	group.Go(func() (err error) {
		publicRTB, err = b.ensureRouteTable(gctx, vpcID, b.plan.publicRouteTableName(), "")
		return err
	})
	group.Go(func() error { return b.ensureSecurityGroup(gctx, vpcID) })
	for _, zone := range b.plan.natZones() {
		group.Go(func() error {
			id, err := b.ensureElasticIP(gctx, zone)
			eipMu.Lock()
			eips[zone] = id
			eipMu.Unlock()
			return err
		})
	}
	if err := group.Wait(); err != nil {
		return err
	}

	group = errgroup.Group{}
	group.SetLimit(ec2Concurrency)
	for i := range b.plan.zones {
		group.Go(func() error { return b.ensureAssociation(gctx, publicRTB, public[i]) })
		group.Go(func() error { return b.ensureAssociation(gctx, privateRTBs[i], private[i]) })
	}
	group.Go(func() error { return b.ensureRoute(gctx, publicRTB, defaultRoute, route{gateway: igwID}) })
	group.Go(func() error { return b.ensureS3Endpoint(gctx, vpcID, privateRTBs) })
	for _, zone := range b.plan.natZones() {
		group.Go(func() error {
			natID, err := b.ensureNATGateway(gctx, zone, public[b.zoneIndex(zone)], eips[zone])
			if err != nil {
				return err
			}
			for i, z := range b.plan.zones {
				if z.natZone == zone {
					if err := b.ensureRoute(gctx, privateRTBs[i], defaultRoute, route{natGateway: natID}); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if err := group.Wait(); err != nil {
		return err
	}
	// NAT gateways and addresses the plan no longer has (per_az -> single): their routes were
	// just moved to the remaining gateway.
	return b.removeUnplannedNATs(ctx)
}
