package network_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// TestLibNetworkLifecycle creates, reads and destroys a network, then checks the call log: every
// call by the connection role's session, every decision allow; and that destroy left nothing
// tagged with the network but the retained bucket and key.
func TestLibNetworkLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	from := len(env.emu.Calls())

	var started bool
	var progress []network.Network
	n, err := network.New(env.client).Create(ctx, spec, func() { started = true }, func(p network.Network) { progress = append(progress, p) })
	lakesailtest.Must(t, err)
	if !started || len(progress) == 0 {
		t.Fatalf("started %v, %d progress reports", started, len(progress))
	}
	requireNoDrift(t, n)
	if len(n.AvailabilityZones) != 2 || len(n.PublicSubnetIDs) != 2 || len(n.PrivateSubnetIDs) != 2 || len(n.NATGatewayIDs) != 1 ||
		n.SecurityGroupID == "" || n.S3EndpointID == "" || n.InternetGatewayID == "" || len(n.PrivateRouteTableIDs) != 2 {
		t.Fatalf("incomplete network: %+v", n)
	}
	if n.BucketName != "lakesail-ab12cd34ef-net0000001-ws" || n.KMSAlias != "alias/lakesail-AB12CD34EF-NET0000001" || n.KMSKeyARN == "" {
		t.Errorf("bucket %q, alias %q, key %q", n.BucketName, n.KMSAlias, n.KMSKeyARN)
	}
	if n.TenantID != lakesailtest.TenantID {
		t.Errorf("tenant %q, want the role's tag %q", n.TenantID, lakesailtest.TenantID)
	}

	again, err := network.New(env.client).Read(ctx, spec, n)
	lakesailtest.Must(t, err)
	requireNoDrift(t, again)
	if !slices.Equal(again.PrivateSubnetIDs, n.PrivateSubnetIDs) || again.VPCID != n.VPCID {
		t.Errorf("read %+v, created %+v", again, n)
	}

	retained, err := network.New(env.client).Delete(ctx, spec, n)
	lakesailtest.Must(t, err)
	if retained.BucketName != n.BucketName || retained.KMSKeyARN != n.KMSKeyARN {
		t.Errorf("retained %+v", retained)
	}
	env.assertAllAsRole(t, from)
	if left := env.taggedWithNetwork(t, testNetworkID); len(left) > 0 {
		t.Errorf("objects still tagged with the network: %v", left)
	}
	if !env.bucketExists(t, n.BucketName) || env.keyState(t, n.KMSKeyARN) != kmstypes.KeyStateEnabled {
		t.Error("destroy without force_destroy must keep the bucket and the key")
	}
	if _, err := network.New(env.client).Read(ctx, spec, n); !errors.Is(err, lakesail.ErrNotFound) {
		t.Errorf("read after delete: %v, want not found", err)
	}
	// A second destroy finds nothing and does nothing.
	_, err = network.New(env.client).Delete(ctx, spec, nil)
	lakesailtest.Must(t, err)

	// Creating the network again adopts the retained bucket and key: no data is lost.
	recreated, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, recreated)
	if recreated.KMSKeyARN != n.KMSKeyARN {
		t.Errorf("re-created network uses key %s, not the retained %s", recreated.KMSKeyARN, n.KMSKeyARN)
	}
}

// TestLibNetworkPerAZNATAndForceDestroy: per-zone NAT gateways over three zones, a change to a
// single gateway in place, and a forced destroy that empties and deletes the bucket and schedules
// the key's deletion.
func TestLibNetworkPerAZNATAndForceDestroy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	spec.AvailabilityZoneCount, spec.NATGateways = 3, network.NATPerAZ
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	if len(n.NATGatewayIDs) != 3 || len(n.AvailabilityZones) != 3 {
		t.Fatalf("NAT gateways %v in zones %v", n.NATGatewayIDs, n.AvailabilityZones)
	}

	spec.NATGateways = network.NATSingle
	n, err = network.New(env.client).Update(ctx, spec, n, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	if len(n.NATGatewayIDs) != 1 || len(n.ElasticIPIDs) != 1 {
		t.Fatalf("after the change to single: NAT gateways %v, addresses %v", n.NATGatewayIDs, n.ElasticIPIDs)
	}

	_, err = env.s3().PutObject(ctx, putObject(n.BucketName, "warehouse/part-0000.parquet"))
	lakesailtest.Must(t, err)
	spec.ForceDestroy = true
	retained, err := network.New(env.client).Delete(ctx, spec, n)
	lakesailtest.Must(t, err)
	if retained != (network.Retained{}) {
		t.Errorf("force_destroy retained %+v", retained)
	}
	if env.bucketExists(t, n.BucketName) {
		t.Error("the bucket survived force_destroy")
	}
	if got := env.keyState(t, n.KMSKeyARN); got != kmstypes.KeyStatePendingDeletion {
		t.Errorf("key state %s, want PendingDeletion", got)
	}
	if left := env.taggedWithNetwork(t, testNetworkID); len(left) > 0 {
		t.Errorf("objects still tagged with the network: %v", left)
	}
}

// TestLibNetworkDriftRestored tampers as the account's root in the ways the resource must notice,
// then checks Read reports it and Update puts it back.
func TestLibNetworkDriftRestored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	for _, tamper := range networkTamperings(env, n) {
		lakesailtest.Must(t, tamper.apply(ctx))
	}
	drifted, err := network.New(env.client).Read(ctx, spec, n)
	lakesailtest.Must(t, err)
	for _, tamper := range networkTamperings(env, n) {
		if !slices.ContainsFunc(drifted.Drift, tamper.seen) {
			t.Errorf("%s: not reported in drift %q", tamper.name, drifted.Drift)
		}
	}
	restored, err := network.New(env.client).Update(ctx, spec, drifted, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, restored)
	if slices.Equal(restored.NATGatewayIDs, n.NATGatewayIDs) {
		t.Errorf("the deleted NAT gateway %v was not replaced", n.NATGatewayIDs)
	}
}

// TestLibNetworkRevokedConnection: with the role gone, read and delete report a disconnected
// connection, and nothing claims the network is gone.
func TestLibNetworkRevokedConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	lakesailtest.Must(t, connection.New(env.client).Delete(ctx, lakesailtest.ConnectionSpec(env.emu.AccountID())))
	var disconnected *lakesail.DisconnectedError
	if _, err := network.New(env.client).Read(ctx, spec, n); !errors.As(err, &disconnected) || errors.Is(err, lakesail.ErrNotFound) {
		t.Errorf("read with the role gone: %v, want DisconnectedError", err)
	}
	if _, err := network.New(env.client).Delete(ctx, spec, n); !errors.As(err, &disconnected) {
		t.Errorf("delete with the role gone: %v, want DisconnectedError", err)
	}
	spec.ExternalID = "" // looked up in the trust policy: the role is gone
	if _, err := network.New(env.client).Read(ctx, spec, n); !errors.As(err, &disconnected) {
		t.Errorf("read without an external ID and the role gone: %v, want DisconnectedError", err)
	}
	if vpcs, err := env.ec2().DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{n.VPCID}}); err != nil || len(vpcs.Vpcs) != 1 {
		t.Errorf("the VPC must still exist: %v", err)
	}
}

// TestLibNetworkExternalIDFromTrustPolicy: without an external ID the library reads it (and the
// tenant) from the role with the client's own credentials, and does nothing else with them.
func TestLibNetworkExternalIDFromTrustPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	spec.ExternalID = ""
	from := len(env.emu.Calls())
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	var asProvider []string
	for _, c := range env.emu.Calls()[from:] {
		if c.Principal == "arn:aws:iam::"+env.emu.AccountID()+":root" {
			asProvider = append(asProvider, c.Action)
		}
	}
	if !slices.Equal(asProvider, []string{"iam:GetRole", "sts:AssumeRole"}) {
		t.Errorf("calls with the provider's credentials: %v, want iam:GetRole then sts:AssumeRole", asProvider)
	}
}
