package network

import (
	"context"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Every network operation acts through the connection role (see startNetwork). The client's own
// credentials are used only to read the external ID from the trust policy, to restore what the
// role may not change once it is set (the bucket's protection and the key's policy: ownerAccess),
// and to mark or unmark a brought VPC LakeSail-Adoptable-By (owner.go).

// Create builds the network. started is called before the first AWS call, so the caller
// can save the network's identity; progress is called with the record each time an object is
// made, so a failed create leaves a record of everything it made (and Delete, which finds the
// network's objects by tag, removes them all). Calling it again after a failure completes the
// network, reusing what exists.
func (c *Client) Create(ctx context.Context, spec Spec, started func(), progress func(Network)) (*Network, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if started != nil {
		started()
	}
	run, err := c.networkSession(ctx, spec, true) // validated above
	if err != nil {
		return nil, err
	}
	c.Log(ctx, "creating network", map[string]any{"network": spec.NetworkID})
	rec, err := run.build(ctx, nil, progress)
	if err != nil {
		return nil, err
	}
	c.Log(ctx, "network created", map[string]any{"network": spec.NetworkID})
	return run.read(ctx, rec)
}

// Read observes the network and how it differs from spec. recorded is what the caller
// last saved (nil when unknown): it finds the network's own key even if its alias is gone, and
// knows which tags the network added to a brought VPC. It returns an error wrapping ErrNotFound
// when the network's anchor is gone: its VPC (or, for a brought VPC, its bucket).
func (c *Client) Read(ctx context.Context, spec Spec, recorded *Network) (*Network, error) {
	run, err := c.startNetwork(ctx, spec, false)
	if err != nil {
		return nil, err
	}
	return run.read(ctx, recorded)
}

// Update brings AWS back in line with spec: tags, the NAT layout, and anything changed
// or removed outside Terraform (routes, NAT gateways, security group rules, bucket settings, key
// rotation, policy and alias).
func (c *Client) Update(ctx context.Context, spec Spec, recorded *Network, progress func(Network)) (*Network, error) {
	run, err := c.startNetwork(ctx, spec, false)
	if err != nil {
		return nil, err
	}
	rec, err := run.build(ctx, recorded, progress)
	if err != nil {
		return nil, err
	}
	return run.read(ctx, rec)
}

// Delete removes everything tagged with the network, in dependency order, whatever the
// record says; objects already gone count as deleted. Without ForceDestroy the bucket and the
// network's key stay, and are returned so the caller can say so.
func (c *Client) Delete(ctx context.Context, spec Spec, recorded *Network) (Retained, error) {
	run, err := c.startNetwork(ctx, spec, false)
	if err != nil {
		return Retained{}, err
	}
	c.Log(ctx, "deleting network", map[string]any{"network": spec.NetworkID})
	return run.delete(ctx, recorded)
}

// build makes or repairs the EC2 side and the storage side concurrently.
func (r *networkRun) build(ctx context.Context, recorded *Network, progress func(Network)) (*Network, error) {
	rec := &Network{ConnectionID: r.spec.ConnectionID, NetworkID: r.spec.NetworkID, TenantID: r.tenantID}
	if recorded != nil {
		rec.AdoptedTagKeys = recorded.clone().AdoptedTagKeys
	}
	b := &networkBuild{r: r, rec: rec, progress: progress}
	var group errgroup.Group // a failure on one side does not cut the other short mid-call
	gctx := ctx
	group.Go(func() error { return b.buildEC2(gctx) })
	group.Go(func() error {
		keyARN := r.spec.KMSKeyARN
		if !r.spec.BringsOwnKey() {
			var err error
			if keyARN, err = b.ensureKey(gctx, recordedKey(recorded)); err != nil {
				return err
			}
		} else {
			b.note(func(n *Network) { n.KMSKeyARN = keyARN })
		}
		return b.ensureBucket(gctx, keyARN)
	})
	err := group.Wait()
	return b.rec, err
}

func recordedKey(recorded *Network) string {
	if recorded == nil || recorded.KMSAlias == "" {
		return "" // a brought key is never the network's own
	}
	return recorded.KMSKeyARN
}

func (b *networkBuild) buildEC2(ctx context.Context) error {
	r := b.r
	if r.spec.BringsOwnVPC() {
		brought, err := r.observeBrought(ctx)
		if err != nil {
			return err
		}
		if err := r.checkBrought(brought); err != nil {
			return err
		}
		return b.adopt(ctx, brought)
	}
	inv, err := r.observeEC2(ctx)
	if err != nil {
		return lakesail.WrapStep(err, "looking for the network's EC2 objects")
	}
	b.inv, b.before = inv, inv.snapshot()
	if b.plan, err = r.planNetwork(ctx, inv); err != nil {
		return err
	}
	b.note(func(n *Network) {
		for _, z := range b.plan.zones {
			n.AvailabilityZones = append(n.AvailabilityZones, z.zone)
		}
	})
	if err := b.buildCreatedNetwork(ctx); err != nil {
		return err
	}
	return b.retagBefore(ctx)
}

// read observes the whole network and lists its drift.
func (r *networkRun) read(ctx context.Context, recorded *Network) (*Network, error) {
	n := &Network{ConnectionID: r.spec.ConnectionID, NetworkID: r.spec.NetworkID, TenantID: r.tenantID, BucketName: r.spec.BucketName(), BucketARN: r.bucketARN()}
	if recorded != nil {
		n.AdoptedTagKeys = recorded.clone().AdoptedTagKeys
	}
	var ec2Drift, storageDrift []string
	var anchorGone, bucketGone bool
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() error {
		if r.spec.BringsOwnVPC() {
			brought, err := r.observeBrought(gctx)
			if err != nil {
				return err
			}
			n.VPCID, n.PrivateSubnetIDs, n.PublicSubnetIDs = r.spec.VPCID, r.spec.PrivateSubnetIDs, r.spec.PublicSubnetIDs
			for _, id := range r.spec.PrivateSubnetIDs {
				if s, ok := brought.subnets[id]; ok {
					n.AvailabilityZones = append(n.AvailabilityZones, *s.AvailabilityZone)
				}
			}
			ec2Drift = r.broughtDrift(brought)
			return nil
		}
		inv, err := r.observeEC2(gctx)
		if err != nil {
			return err
		}
		if inv.vpc == nil {
			anchorGone = true
			return nil
		}
		plan, err := r.planNetwork(gctx, inv)
		if err != nil {
			return err
		}
		r.createdNetworkRecord(plan, inv, n)
		ec2Drift, err = r.createdNetworkDrift(gctx, plan, inv)
		return err
	})
	group.Go(func() (err error) {
		storageDrift, bucketGone, err = r.readStorage(gctx, recorded, n)
		return err
	})
	if err := group.Wait(); err != nil {
		return nil, err
	}
	if anchorGone || (r.spec.BringsOwnVPC() && bucketGone) {
		return nil, lakesail.NewNotFound("ec2:DescribeVpcs", "NotFound", "network "+r.spec.NetworkID+" not found")
	}
	n.Drift = slices.Concat(ec2Drift, storageDrift)
	return n, nil
}

// readStorage observes the key and the bucket and lists their drift.
func (r *networkRun) readStorage(ctx context.Context, recorded *Network, n *Network) (drift []string, bucketGone bool, err error) {
	// The bucket and the key are read at the same time: only the comparison needs both.
	var bucket *workspaceBucket
	var bucketErr error
	bucketRead := make(chan struct{})
	go func() {
		defer close(bucketRead)
		bucket, bucketErr = r.observeBucket(ctx)
	}()
	keyARN := r.spec.KMSKeyARN
	if !r.spec.BringsOwnKey() {
		key, err := r.findNetworkKey(ctx, recordedKey(recorded))
		if err != nil {
			<-bucketRead
			return nil, false, err
		}
		if key == nil {
			drift = append(drift, "the network's KMS key "+r.spec.KMSAlias()+" is missing")
		} else {
			keyARN = key.arn
			n.KMSKeyARN, n.KMSAlias = key.arn, r.spec.KMSAlias()
			drift = append(drift, r.keyDrift(key)...)
		}
	} else {
		n.KMSKeyARN = keyARN
	}
	<-bucketRead
	if bucketErr != nil {
		return nil, false, bucketErr
	}
	if !bucket.exists {
		n.BucketName, n.BucketARN = "", ""
	}
	return append(drift, r.bucketDrift(bucket, keyARN)...), !bucket.exists, nil
}

// runBounded calls f for every item, at most limit at a time, and returns the first error.
func runBounded[T any](ctx context.Context, limit int, items []T, f func(context.Context, T) error) error {
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(limit)
	for _, it := range items {
		group.Go(func() error { return f(gctx, it) })
	}
	return group.Wait()
}
