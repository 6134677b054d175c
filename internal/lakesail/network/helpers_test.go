package network_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

const testNetworkID = "NET0000001"

// networkEnv is an emulator (served over TLS, which the bucket's policy requires) with a
// connection in place, and a library client acting as the account's administrator.
type networkEnv struct {
	emu    *awsemu.Emulator
	client *lakesail.Client
	conn   *connection.Connection
	cfg    aws.Config
}

func newNetworkEnv(t *testing.T, opts awsemu.Options) *networkEnv {
	t.Helper()
	if opts.TransitionDelay == 0 {
		opts.TransitionDelay = 20 * time.Millisecond
	}
	emu := awsemu.Test(t, opts)
	if err := emu.ListenTLS("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	cfg := emu.TLSAWSConfig(nil)
	cfg.Retryer = lakesailtest.FastRetryer
	client, err := lakesail.NewClient(cfg, lakesail.Options{Partition: "aws", WaitMinDelay: 5 * time.Millisecond, WaitMaxDelay: 40 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	conn := lakesailtest.CreateConnection(t, client, lakesailtest.ConnectionSpec(emu.AccountID()))
	return &networkEnv{emu: emu, client: client, conn: conn, cfg: cfg}
}

// spec is a created network of two zones with one NAT gateway.
func (e *networkEnv) spec() network.Spec {
	return network.Spec{
		ConnectionID: lakesailtest.ConnectionID,
		RoleARN:      e.conn.RoleARN,
		ExternalID:   lakesailtest.ExternalID,
		NetworkID:    testNetworkID,
		CIDRBlock:    "10.20.0.0/16",
		Tags:         map[string]string{"team": "data"},
	}
}

func (e *networkEnv) ec2() *ec2.Client { return ec2.NewFromConfig(e.cfg) }
func (e *networkEnv) s3() *s3.Client {
	return s3.NewFromConfig(e.cfg, func(o *s3.Options) { o.UsePathStyle = true })
}
func (e *networkEnv) kms() *kms.Client { return kms.NewFromConfig(e.cfg) }

// taggedWithNetwork lists every EC2 object that still carries the network's tag.
func (e *networkEnv) taggedWithNetwork(t *testing.T, networkID string) []string {
	t.Helper()
	out, err := e.ec2().DescribeTags(context.Background(), &ec2.DescribeTagsInput{Filters: []ec2types.Filter{
		{Name: aws.String("key"), Values: []string{connpolicy.TagNetwork}},
		{Name: aws.String("value"), Values: []string{networkID}},
	}})
	lakesailtest.Must(t, err)
	var ids []string
	for _, tag := range out.Tags {
		id := aws.ToString(tag.ResourceId)
		if tag.ResourceType == ec2types.ResourceTypeNatgateway {
			// Deleted NAT gateways stay visible (with their tags) for an hour, as in AWS.
			nats, err := e.ec2().DescribeNatGateways(context.Background(), &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
			lakesailtest.Must(t, err)
			if len(nats.NatGateways) == 1 && nats.NatGateways[0].State == ec2types.NatGatewayStateDeleted {
				continue
			}
		}
		ids = append(ids, id)
	}
	return ids
}

// bucketExists reports whether the workspace bucket is still there (asked as root).
func (e *networkEnv) bucketExists(t *testing.T, name string) bool {
	t.Helper()
	_, err := e.s3().HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(name)})
	return err == nil
}

func (e *networkEnv) keyState(t *testing.T, keyARN string) kmstypes.KeyState {
	t.Helper()
	out, err := e.kms().DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String(keyARN)})
	lakesailtest.Must(t, err)
	return out.KeyMetadata.KeyState
}

// assertAllAsRole checks every call since from was made by the network's role session, except
// the AssumeRole calls that opened it, and that every decision was allow.
func (e *networkEnv) assertAllAsRole(t *testing.T, from int) {
	t.Helper()
	session := ":assumed-role/" + e.conn.RoleName + "/lakesail-network-"
	table, err := connpolicy.Calls(connpolicy.Spec{ConnectionID: lakesailtest.ConnectionID, TenantID: lakesailtest.TenantID, AccountID: e.emu.AccountID(), ExternalID: lakesailtest.ExternalID})
	lakesailtest.Must(t, err)
	documented := map[string]bool{}
	for _, c := range table {
		documented[c.Action] = true
	}
	calls := e.emu.Calls()[from:]
	if len(calls) == 0 {
		t.Fatal("no calls logged")
	}
	for _, c := range calls {
		if c.Decision != "allow" {
			t.Errorf("%s %s on %v: decision %s (%s)", c.Principal, c.Action, c.Resources, c.Decision, c.ErrorCode)
		}
		if c.Action == "sts:AssumeRole" {
			continue
		}
		if !strings.Contains(c.Principal, session) {
			t.Errorf("%s was called by %s, not by the connection role's session", c.Action, c.Principal)
		}
		if !documented[c.Action] {
			t.Errorf("%s (%s:%s) is not in connpolicy's call table", c.Action, c.Service, c.Operation)
		}
	}
}

func requireNoDrift(t *testing.T, n *network.Network) {
	t.Helper()
	if len(n.Drift) > 0 {
		t.Fatalf("unexpected drift:\n  %s", strings.Join(n.Drift, "\n  "))
	}
}

func requireStepError(t *testing.T, err error) *lakesail.AWSError {
	t.Helper()
	var awsErr *lakesail.AWSError
	if !errors.As(err, &awsErr) {
		t.Fatalf("error %v carries no AWS error", err)
	}
	return awsErr
}
