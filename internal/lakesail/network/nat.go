package network

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// defaultWait bounds a waiter when the context carries no deadline (AWS documents NAT gateways
// as available within minutes).
const defaultWait = 15 * time.Minute

// waitBudget is what is left of the context for a waiter.
func waitBudget(ctx context.Context) time.Duration {
	if deadline, ok := ctx.Deadline(); ok {
		return max(time.Until(deadline), time.Millisecond)
	}
	return defaultWait
}

func (b *networkBuild) ensureElasticIP(ctx context.Context, zone string) (string, error) {
	name := b.plan.natName(zone)
	b.inv.mu.Lock()
	eip, ok := b.inv.eips[name]
	b.inv.mu.Unlock()
	var id string
	if ok {
		id = aws.ToString(eip.AllocationId)
	} else {
		out, err := b.r.ec2.AllocateAddress(ctx, &ec2.AllocateAddressInput{
			Domain:            ec2types.DomainTypeVpc,
			TagSpecifications: tagOnCreate(ec2types.ResourceTypeElasticIp, b.r.objectTags(name, nil)),
		})
		if err != nil {
			return "", lakesail.WrapStep(lakesail.Classify("ec2:AllocateAddress", err), "allocating the elastic IP of NAT gateway %s", name)
		}
		id = aws.ToString(out.AllocationId)
		b.inv.put(func() {
			b.inv.eips[name] = ec2types.Address{AllocationId: out.AllocationId, PublicIp: out.PublicIp, Tags: ec2Tags(b.r.objectTags(name, nil))}
		})
	}
	b.note(func(n *Network) {
		if !slices.Contains(n.ElasticIPIDs, id) {
			n.ElasticIPIDs = append(n.ElasticIPIDs, id)
		}
	})
	return id, nil
}

// ensureNATGateway makes the zone's NAT gateway (cleaning up a failed one first) and waits until
// it is available.
func (b *networkBuild) ensureNATGateway(ctx context.Context, zone, publicSubnetID, allocationID string) (string, error) {
	name := b.plan.natName(zone)
	b.inv.mu.Lock()
	nat, ok := b.inv.nats[name]
	b.inv.mu.Unlock()
	var id string
	if ok {
		id = aws.ToString(nat.NatGatewayId)
	} else {
		// A gateway deleted outside Terraform keeps its address until it is gone.
		if err := b.waitForAddress(ctx, allocationID); err != nil {
			return "", err
		}
		out, err := b.r.ec2.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{
			SubnetId:          aws.String(publicSubnetID),
			AllocationId:      aws.String(allocationID),
			ConnectivityType:  ec2types.ConnectivityTypePublic,
			TagSpecifications: tagOnCreate(ec2types.ResourceTypeNatgateway, b.r.objectTags(name, nil)),
		})
		if err != nil {
			return "", lakesail.WrapStep(lakesail.Classify("ec2:CreateNatGateway", err), "creating NAT gateway %s", name)
		}
		id = aws.ToString(out.NatGateway.NatGatewayId)
		b.inv.put(func() { b.inv.nats[name] = *out.NatGateway })
	}
	b.note(func(n *Network) {
		if !slices.Contains(n.NATGatewayIDs, id) {
			n.NATGatewayIDs = append(n.NATGatewayIDs, id)
		}
	})
	if ok && nat.State == ec2types.NatGatewayStateAvailable {
		return id, nil
	}
	return id, lakesail.WrapStep(b.r.waitNATAvailable(ctx, id), "waiting for NAT gateway %s (%s) to become available", name, id)
}

// waitForAddress waits until no deleting NAT gateway holds the elastic IP.
func (b *networkBuild) waitForAddress(ctx context.Context, allocationID string) error {
	var holders []string
	b.inv.mu.Lock()
	for _, n := range b.inv.deletingNATs {
		for _, a := range n.NatGatewayAddresses {
			if aws.ToString(a.AllocationId) == allocationID {
				holders = append(holders, aws.ToString(n.NatGatewayId))
			}
		}
	}
	b.inv.mu.Unlock()
	if len(holders) == 0 {
		return nil
	}
	waiter := ec2.NewNatGatewayDeletedWaiter(b.r.ec2, func(o *ec2.NatGatewayDeletedWaiterOptions) {
		o.MinDelay, o.MaxDelay = b.r.waits.MinDelay, b.r.waits.MaxDelay
	})
	err := waiter.Wait(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: holders}, waitBudget(ctx))
	return lakesail.WrapStep(lakesail.Classify("ec2:DescribeNatGateways", err), "waiting for NAT gateways %v to release elastic IP %s", holders, allocationID)
}

// waitNATAvailable polls with the SDK's waiter; a gateway that failed is reported with AWS's
// failure code rather than as a timeout.
func (r *networkRun) waitNATAvailable(ctx context.Context, id string) error {
	waiter := ec2.NewNatGatewayAvailableWaiter(r.ec2, func(o *ec2.NatGatewayAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = r.waits.MinDelay, r.waits.MaxDelay
	})
	err := waiter.Wait(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}}, waitBudget(ctx))
	if err == nil {
		return nil
	}
	out, derr := r.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
	if derr == nil && len(out.NatGateways) == 1 && out.NatGateways[0].State == ec2types.NatGatewayStateFailed {
		n := out.NatGateways[0]
		return &NATGatewayFailedError{NATGatewayID: id, Code: aws.ToString(n.FailureCode), Message: aws.ToString(n.FailureMessage)}
	}
	return lakesail.Classify("ec2:DescribeNatGateways", err)
}

// deleteNATGateways deletes NAT gateways, waits until they are gone (their elastic IPs and
// interfaces are released only then), and releases the given addresses.
func (r *networkRun) deleteNATGateways(ctx context.Context, natIDs, allocationIDs []string) error {
	for _, id := range natIDs {
		_, err := r.ec2.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteNatGateway", err)); err != nil {
			return lakesail.WrapStep(err, "deleting NAT gateway %s", id)
		}
	}
	if len(natIDs) > 0 {
		waiter := ec2.NewNatGatewayDeletedWaiter(r.ec2, func(o *ec2.NatGatewayDeletedWaiterOptions) {
			o.MinDelay, o.MaxDelay = r.waits.MinDelay, r.waits.MaxDelay
		})
		err := waiter.Wait(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: natIDs}, waitBudget(ctx))
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:DescribeNatGateways", err), "waiting for NAT gateways %v to be deleted", natIDs)
		}
	}
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(ec2Concurrency)
	for _, id := range allocationIDs {
		group.Go(func() error {
			_, err := r.ec2.ReleaseAddress(gctx, &ec2.ReleaseAddressInput{AllocationId: aws.String(id)})
			return lakesail.WrapStep(lakesail.IgnoreNotFound(lakesail.Classify("ec2:ReleaseAddress", err)), "releasing elastic IP %s", id)
		})
	}
	return group.Wait()
}

// removeUnplannedNATs deletes NAT gateways and addresses of zones that no longer hold one, and
// NAT gateways that failed.
func (b *networkBuild) removeUnplannedNATs(ctx context.Context) error {
	planned := map[string]bool{}
	for _, zone := range b.plan.natZones() {
		planned[b.plan.natName(zone)] = true
	}
	var nats, eips []string
	b.inv.mu.Lock()
	for name, n := range b.inv.nats {
		if !planned[name] {
			nats = append(nats, aws.ToString(n.NatGatewayId))
		}
	}
	for _, n := range b.inv.failedNATs {
		nats = append(nats, aws.ToString(n.NatGatewayId))
	}
	for name, a := range b.inv.eips {
		if !planned[name] {
			eips = append(eips, aws.ToString(a.AllocationId))
		}
	}
	b.inv.mu.Unlock()
	if len(nats) == 0 && len(eips) == 0 {
		return nil
	}
	if err := b.r.deleteNATGateways(ctx, nats, eips); err != nil {
		return err
	}
	b.note(func(n *Network) {
		n.NATGatewayIDs = slices.DeleteFunc(n.NATGatewayIDs, func(id string) bool { return slices.Contains(nats, id) })
		n.ElasticIPIDs = slices.DeleteFunc(n.ElasticIPIDs, func(id string) bool { return slices.Contains(eips, id) })
	})
	return nil
}
