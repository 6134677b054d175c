package network_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// TestLibNetworkFaults injects a failure into each mutating operation of a create in turn: the
// create fails naming the operation, a second create completes the network from what the first
// one left, and a forced destroy leaves nothing tagged with the network.
func TestLibNetworkFaults(t *testing.T) {
	t.Parallel()
	cases := []struct{ service, operation, action string }{
		{"ec2", "CreateVpc", "ec2:CreateVpc"},
		{"ec2", "ModifyVpcAttribute", "ec2:ModifyVpcAttribute"},
		{"ec2", "CreateSubnet", "ec2:CreateSubnet"},
		{"ec2", "CreateInternetGateway", "ec2:CreateInternetGateway"},
		{"ec2", "AttachInternetGateway", "ec2:AttachInternetGateway"},
		{"ec2", "CreateRouteTable", "ec2:CreateRouteTable"},
		{"ec2", "AssociateRouteTable", "ec2:AssociateRouteTable"},
		{"ec2", "CreateRoute", "ec2:CreateRoute"},
		{"ec2", "CreateSecurityGroup", "ec2:CreateSecurityGroup"},
		{"ec2", "AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress"},
		{"ec2", "AllocateAddress", "ec2:AllocateAddress"},
		{"ec2", "CreateNatGateway", "ec2:CreateNatGateway"},
		{"ec2", "CreateVpcEndpoint", "ec2:CreateVpcEndpoint"},
		{"kms", "CreateKey", "kms:CreateKey"},
		{"kms", "EnableKeyRotation", "kms:EnableKeyRotation"},
		{"kms", "CreateAlias", "kms:CreateAlias"},
		{"s3", "CreateBucket", "s3:CreateBucket"},
		{"s3", "PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
		{"s3", "PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
		{"s3", "PutBucketEncryption", "s3:PutEncryptionConfiguration"},
		{"s3", "PutBucketPolicy", "s3:PutBucketPolicy"},
		{"s3", "PutBucketTagging", "s3:PutBucketTagging"},
	}
	// One emulator per service: faults are global to an emulator, so the cases of a service run
	// one after another (each with its own network), and the services side by side.
	for _, service := range []string{"ec2", "kms", "s3"} {
		t.Run(service, func(t *testing.T) {
			t.Parallel()
			env := newNetworkEnv(t, awsemu.Options{})
			for i, tc := range cases {
				if tc.service != service {
					continue
				}
				t.Run(tc.operation, func(t *testing.T) {
					ctx := context.Background()
					spec := env.spec()
					spec.NetworkID = "FAULT" + string(rune('A'+i/10)) + string(rune('0'+i%10)) + "000"
					spec.CIDRBlock = "10.30.0.0/16"
					spec.ForceDestroy = true
					env.emu.ClearFaults()
					env.emu.AddFault(awsemu.Fault{Service: tc.service, Operation: tc.operation, ErrorCode: "InjectedFault",
						HTTPStatus: 400, Message: "injected by the test", Nth: 1, Times: 1})
					var recorded network.Network
					_, err := network.New(env.client).Create(ctx, spec, nil, func(n network.Network) { recorded = n })
					env.emu.ClearFaults()
					if err == nil {
						t.Fatalf("create succeeded although %s failed", tc.operation)
					}
					awsErr := requireStepError(t, err)
					if awsErr.Action != tc.action || awsErr.Code != "InjectedFault" {
						t.Fatalf("error names %s %s, want %s InjectedFault: %v", awsErr.Action, awsErr.Code, tc.action, err)
					}
					var stepErr *lakesail.StepError
					if !errors.As(err, &stepErr) {
						t.Errorf("error does not say which step failed: %v", err)
					}

					n, err := network.New(env.client).Create(ctx, spec, nil, nil)
					lakesailtest.Must(t, err)
					requireNoDrift(t, n)
					if recorded.VPCID != "" && recorded.VPCID != n.VPCID {
						t.Errorf("the second create made a new VPC %s instead of finishing %s", n.VPCID, recorded.VPCID)
					}

					retained, err := network.New(env.client).Delete(ctx, spec, &recorded)
					lakesailtest.Must(t, err)
					if retained != (network.Retained{}) {
						t.Errorf("force_destroy retained %+v", retained)
					}
					if left := env.taggedWithNetwork(t, spec.NetworkID); len(left) > 0 {
						t.Errorf("objects still tagged with the network: %v", left)
					}
					if env.bucketExists(t, n.BucketName) || env.keyState(t, n.KMSKeyARN) != kmstypes.KeyStatePendingDeletion {
						t.Error("the bucket or key survived force_destroy")
					}
				})
			}
		})
	}
}

// TestLibNetworkThrottled: a third of all EC2 calls are throttled; the SDK's retries carry the
// whole lifecycle through.
func TestLibNetworkThrottled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	env.emu.AddFault(awsemu.Fault{Service: "ec2", Throttle: true, Fraction: 1.0 / 3})
	from := len(env.emu.Calls())
	spec := env.spec()
	spec.NATGateways = network.NATPerAZ
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	n, err = network.New(env.client).Read(ctx, spec, n)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	_, err = network.New(env.client).Delete(ctx, spec, n)
	lakesailtest.Must(t, err)
	throttled := 0
	for _, c := range env.emu.Calls()[from:] {
		if c.ErrorCode == "RequestLimitExceeded" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("no EC2 call was throttled")
	}
	env.emu.ClearFaults()
	if left := env.taggedWithNetwork(t, testNetworkID); len(left) > 0 {
		t.Errorf("objects still tagged with the network: %v", left)
	}
	t.Logf("%d EC2 calls throttled", throttled)
}

// TestLibNetworkKeyRollbackOutlivesCancel: when the create's context ends while the new key's
// alias is being made, the key is still rolled back (scheduled for deletion): without its alias
// nothing would ever find it again.
func TestLibNetworkKeyRollbackOutlivesCancel(t *testing.T) {
	t.Parallel()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	spec.ForceDestroy = true
	env.emu.AddFault(awsemu.Fault{Service: "kms", Operation: "CreateAlias", ErrorCode: "InjectedFault", Latency: 3 * time.Second, Nth: 1, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := network.New(env.client).Create(ctx, spec, nil, nil); err == nil {
		t.Fatal("create succeeded although its context ended while the alias was made")
	}
	env.emu.ClearFaults()
	keys, err := env.kms().ListKeys(context.Background(), &kms.ListKeysInput{})
	lakesailtest.Must(t, err)
	found := 0
	for _, k := range keys.Keys {
		tags, err := env.kms().ListResourceTags(context.Background(), &kms.ListResourceTagsInput{KeyId: k.KeyArn})
		lakesailtest.Must(t, err)
		for _, tag := range tags.Tags {
			if aws.ToString(tag.TagKey) == connpolicy.TagNetwork && aws.ToString(tag.TagValue) == spec.NetworkID {
				found++
				if state := env.keyState(t, aws.ToString(k.KeyArn)); state != kmstypes.KeyStatePendingDeletion {
					t.Errorf("key %s without its alias is %s, want PendingDeletion (an orphan)", aws.ToString(k.KeyArn), state)
				}
			}
		}
	}
	if found == 0 {
		t.Fatal("the create made no key before its context ended: the test does not exercise the rollback")
	}
}
