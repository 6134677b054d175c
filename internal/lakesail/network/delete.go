package network

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// dependencyWindow bounds retries of deletes that EC2 refuses while something it deletes
// asynchronously (an endpoint's routes, a NAT gateway's interface) is still going away.
const dependencyWindow = 5 * time.Minute

// delete removes the network's EC2 objects and, with ForceDestroy, its bucket and key.
func (r *networkRun) delete(ctx context.Context, recorded *Network) (Retained, error) {
	var retained Retained
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() error {
		if r.spec.BringsOwnVPC() {
			brought, err := r.observeBrought(gctx)
			if err != nil {
				return err
			}
			var adopted map[string][]string
			if recorded != nil {
				adopted = recorded.AdoptedTagKeys
			}
			return r.release(gctx, brought, adopted)
		}
		inv, err := r.observeEC2(gctx)
		if err != nil {
			return lakesail.WrapStep(err, "looking for the network's EC2 objects")
		}
		r.inv = inv
		return r.deleteEC2(gctx, inv)
	})
	group.Go(func() (err error) {
		retained, err = r.deleteStorage(gctx, recorded)
		return err
	})
	return retained, group.Wait()
}

// deleteStorage retires the bucket and the network's key with ForceDestroy, and otherwise
// reports them as retained.
func (r *networkRun) deleteStorage(ctx context.Context, recorded *Network) (Retained, error) {
	var keys []*networkKey
	if !r.spec.BringsOwnKey() {
		var err error
		if keys, err = r.networkKeys(ctx, recordedKey(recorded)); err != nil {
			return Retained{}, lakesail.WrapStep(err, "looking for the network's KMS key %s", r.spec.KMSAlias())
		}
	}
	bucket, err := r.observeBucket(ctx)
	if err != nil {
		return Retained{}, err
	}
	if !r.spec.ForceDestroy {
		var retained Retained
		if bucket.exists {
			retained.BucketName = r.spec.BucketName()
		}
		if len(keys) > 0 {
			retained.KMSKeyARN = keys[0].arn
		}
		return retained, nil
	}
	if bucket.exists {
		if err := r.emptyAndDeleteBucket(ctx); err != nil {
			return Retained{}, err
		}
	}
	for _, key := range keys {
		if err := r.retireKey(ctx, key); err != nil {
			return Retained{}, err
		}
	}
	return Retained{}, nil
}

// networkKeys are the network's key and, when the record names another key that is still the
// network's (an alias moved by hand), that one too.
func (r *networkRun) networkKeys(ctx context.Context, recordedARN string) ([]*networkKey, error) {
	key, err := r.findNetworkKey(ctx, recordedARN)
	if err != nil || key == nil {
		return nil, err
	}
	keys := []*networkKey{key}
	if recordedARN == "" || recordedARN == key.arn {
		return keys, nil
	}
	other, err := r.observeKey(ctx, recordedARN, false)
	if errors.Is(err, lakesail.ErrNotFound) {
		return keys, nil
	}
	if err != nil {
		return nil, err
	}
	if other.tags[connpolicy.TagNetwork] == r.spec.NetworkID || other.state == kmstypes.KeyStatePendingDeletion {
		keys = append(keys, other)
	}
	return keys, nil
}

// deleteEC2 deletes in dependency order: NAT gateways (then their addresses), the endpoint and
// the security group; the internet gateway; route table associations; subnets and route
// tables; the VPC.
func (r *networkRun) deleteEC2(ctx context.Context, inv *ec2Inventory) error {
	var nats, eips []string
	for _, n := range every(inv.nats, inv.dups.nats) {
		nats = append(nats, aws.ToString(n.NatGatewayId))
	}
	for _, n := range inv.failedNATs {
		nats = append(nats, aws.ToString(n.NatGatewayId))
	}
	for _, a := range every(inv.eips, inv.dups.eips) {
		eips = append(eips, aws.ToString(a.AllocationId))
	}
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() error { return r.deleteNATGateways(gctx, nats, eips) })
	for _, e := range every(inv.endpoints, inv.dups.endpoints) {
		group.Go(func() error {
			id := aws.ToString(e.VpcEndpointId)
			out, err := r.ec2.DeleteVpcEndpoints(gctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{id}})
			if err != nil {
				return lakesail.WrapStep(lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteVpcEndpoints", err)), "deleting S3 endpoint %s", id)
			}
			for _, u := range out.Unsuccessful {
				if u.Error != nil && !errors.Is(lakesail.Classify("ec2:DeleteVpcEndpoints", &unsuccessful{u.Error}), lakesail.ErrNotFound) {
					return lakesail.WrapStep(&lakesail.AWSError{Action: "ec2:DeleteVpcEndpoints", Code: aws.ToString(u.Error.Code), Message: aws.ToString(u.Error.Message)}, "deleting S3 endpoint %s", id)
				}
			}
			return nil
		})
	}
	for _, sg := range every(inv.securityGroups, inv.dups.securityGroups) {
		group.Go(func() error {
			id := aws.ToString(sg.GroupId)
			return r.retryDependency(gctx, "ec2:DeleteSecurityGroup", fmt.Sprintf("deleting security group %s", id), func() error {
				_, err := r.ec2.DeleteSecurityGroup(gctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
				return err
			})
		})
	}
	if err := group.Wait(); err != nil {
		return err
	}

	group, gctx = errgroup.WithContext(ctx)
	for _, g := range every(inv.igws, inv.dups.igws) {
		group.Go(func() error { return r.deleteInternetGateway(gctx, g) })
	}
	routeTables := every(inv.routeTables, inv.dups.routeTables)
	for _, rt := range routeTables {
		for _, a := range rt.Associations {
			if aws.ToBool(a.Main) || a.SubnetId == nil {
				continue
			}
			group.Go(func() error {
				_, err := r.ec2.DisassociateRouteTable(gctx, &ec2.DisassociateRouteTableInput{AssociationId: a.RouteTableAssociationId})
				return lakesail.WrapStep(lakesail.IgnoreNotFound(lakesail.Classify("ec2:DisassociateRouteTable", err)), "disassociating subnet %s from route table %s",
					aws.ToString(a.SubnetId), aws.ToString(rt.RouteTableId))
			})
		}
	}
	if err := group.Wait(); err != nil {
		return err
	}

	group, gctx = errgroup.WithContext(ctx)
	group.SetLimit(ec2Concurrency)
	for _, s := range every(inv.subnets, inv.dups.subnets) {
		group.Go(func() error {
			id := aws.ToString(s.SubnetId)
			return r.retryDependency(gctx, "ec2:DeleteSubnet", "deleting subnet "+id, func() error {
				_, err := r.ec2.DeleteSubnet(gctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(id)})
				return err
			})
		})
	}
	for _, rt := range routeTables {
		group.Go(func() error {
			id := aws.ToString(rt.RouteTableId)
			return r.retryDependency(gctx, "ec2:DeleteRouteTable", "deleting route table "+id, func() error {
				_, err := r.ec2.DeleteRouteTable(gctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(id)})
				return err
			})
		})
	}
	if err := group.Wait(); err != nil {
		return err
	}
	vpcs := inv.dups.vpcs
	if inv.vpc != nil {
		vpcs = append([]ec2types.Vpc{*inv.vpc}, vpcs...)
	}
	for _, vpc := range vpcs {
		id := aws.ToString(vpc.VpcId)
		err := r.retryDependency(ctx, "ec2:DeleteVpc", "deleting VPC "+id, func() error {
			_, err := r.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *networkRun) deleteInternetGateway(ctx context.Context, g ec2types.InternetGateway) error {
	id := aws.ToString(g.InternetGatewayId)
	for _, a := range g.Attachments {
		vpc := aws.ToString(a.VpcId)
		err := r.retryDependency(ctx, "ec2:DetachInternetGateway", "detaching internet gateway "+id+" from "+vpc, func() error {
			_, err := r.ec2.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(id), VpcId: aws.String(vpc)})
			if errors.Is(lakesail.Classify("", err), lakesail.ErrNotFound) || lakesail.ErrorCode(err) == "Gateway.NotAttached" {
				return nil
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	_, err := r.ec2.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(id)})
	return lakesail.WrapStep(lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteInternetGateway", err)), "deleting internet gateway %s", id)
}

// retryDependency runs a delete, tolerating not-found and retrying DependencyViolation within
// the dependency window (ten of the longest polls, at most dependencyWindow); when it runs out,
// the error names the network interfaces still in the VPC.
func (r *networkRun) retryDependency(ctx context.Context, action, what string, call func() error) error {
	opts := r.waits.Within(min(dependencyWindow, 10*r.waits.MaxDelay))
	err := lakesail.RetryWhen(ctx, opts, lakesail.IsDependencyViolation, func() error { return lakesail.IgnoreNotFound(lakesail.Classify(action, call())) })
	var stopped *lakesail.RetryStopped
	switch {
	case errors.As(err, &stopped) && stopped.Cause != nil:
		return lakesail.WrapStep(fmt.Errorf("%w (last: %w)", stopped.Cause, stopped.Last), "%s", what)
	case stopped != nil:
		return r.explainDependency(ctx, what, stopped.Last)
	}
	return lakesail.WrapStep(err, "%s", what)
}

// unsuccessful turns a per-item error of a batch call into an API error.
type unsuccessful struct {
	e *ec2types.UnsuccessfulItemError
}

func (u *unsuccessful) Error() string {
	return aws.ToString(u.e.Code) + ": " + aws.ToString(u.e.Message)
}
func (u *unsuccessful) ErrorCode() string             { return aws.ToString(u.e.Code) }
func (u *unsuccessful) ErrorMessage() string          { return aws.ToString(u.e.Message) }
func (u *unsuccessful) ErrorFault() smithy.ErrorFault { return smithy.FaultUnknown }

// DependencyError says EC2 still refused a delete after waiting, and names the network interfaces
// left in the VPC (those of load balancers or nodes a workspace left, or of objects made outside
// the network), which are the usual reason.
type DependencyError struct {
	Step       string
	Interfaces []string // "eni-... (description)"
	Err        error
}

func (e *DependencyError) Error() string {
	if len(e.Interfaces) == 0 {
		return e.Step + ": " + e.Err.Error() + " (objects the network did not create are still in its VPC)"
	}
	return fmt.Sprintf("%s: %v; network interfaces still in the VPC: %s", e.Step, e.Err, strings.Join(e.Interfaces, ", "))
}

func (e *DependencyError) Unwrap() error { return e.Err }

func (r *networkRun) explainDependency(ctx context.Context, what string, err error) error {
	out := &DependencyError{Step: what, Err: err}
	if r.inv == nil || r.inv.vpc == nil {
		return out
	}
	pages := ec2.NewDescribeNetworkInterfacesPaginator(r.ec2, &ec2.DescribeNetworkInterfacesInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(r.inv.vpc.VpcId)}}},
	})
	for pages.HasMorePages() {
		page, derr := pages.NextPage(ctx)
		if derr != nil {
			return out // the refusal is the error that matters
		}
		for _, eni := range page.NetworkInterfaces {
			out.Interfaces = append(out.Interfaces, fmt.Sprintf("%s (%s)", aws.ToString(eni.NetworkInterfaceId), aws.ToString(eni.Description)))
		}
	}
	return out
}
