package network_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// TestLibNetworkDestroyExplainsBlockers: a NAT gateway made by someone else in the network's
// public subnet maps a public address into the VPC and holds an interface in the subnet. Destroy
// fails naming the interface that blocks it; once that is gone, destroy completes.
func TestLibNetworkDestroyExplainsBlockers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	spec.ForceDestroy = true
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	root := env.ec2()
	eip, err := root.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	lakesailtest.Must(t, err)
	foreign, err := root.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(n.PublicSubnetIDs[0]), AllocationId: eip.AllocationId})
	lakesailtest.Must(t, err)
	foreignID := aws.ToString(foreign.NatGateway.NatGatewayId)

	_, err = network.New(env.client).Delete(ctx, spec, n)
	var blocked *network.DependencyError
	if !errors.As(err, &blocked) || len(blocked.Interfaces) != 1 || !strings.Contains(blocked.Interfaces[0], foreignID) {
		t.Fatalf("destroy with a foreign NAT gateway in the VPC: %v, want a DependencyError naming its interface", err)
	}
	if blocked.Step == "" {
		t.Errorf("the error does not say which delete EC2 refused: %v", err)
	}

	_, err = root.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(foreignID)})
	lakesailtest.Must(t, err)
	_, err = network.New(env.client).Delete(ctx, spec, n)
	lakesailtest.Must(t, err)
	if left := env.taggedWithNetwork(t, testNetworkID); len(left) > 0 {
		t.Errorf("objects still tagged with the network: %v", left)
	}
}
