package emutest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// ec2Client is a real SDK EC2 client against the emulator (retries without backoff sleeps).
func Ec2Client(e *awsemu.Emulator, creds aws.Credentials, optFns ...func(*ec2.Options)) *ec2.Client {
	fns := append([]func(*ec2.Options){func(o *ec2.Options) { o.Retryer = FastRetry() }}, optFns...)
	return ec2.NewFromConfig(e.AWSConfig(Static(creds)), fns...)
}

// ec2Session creates a role with the inline policy and returns an EC2 client acting as a session of it.
func Ec2Session(t *testing.T, e *awsemu.Emulator, name, inline string) *ec2.Client {
	t.Helper()
	r := CreateRole(t, IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String(name)}, inline)
	return Ec2Client(e, Assume(t, e, e.RootCredentials(), *r.Arn, ""))
}

func Ec2TagsOn(rt ec2types.ResourceType, kv ...string) []ec2types.TagSpecification {
	spec := ec2types.TagSpecification{ResourceType: rt}
	for i := 0; i+1 < len(kv); i += 2 {
		spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return []ec2types.TagSpecification{spec}
}

func Ec2F(name string, values ...string) ec2types.Filter {
	return ec2types.Filter{Name: aws.String(name), Values: values}
}

func Ec2TagValue(tags []ec2types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

// ec2MakeVpc creates a VPC (10.0.0.0/16 unless cidr is given) and returns its id.
func Ec2MakeVpc(t *testing.T, c *ec2.Client, cidr string, tags ...string) string {
	t.Helper()
	if cidr == "" {
		cidr = "10.0.0.0/16"
	}
	in := &ec2.CreateVpcInput{CidrBlock: aws.String(cidr)}
	if len(tags) > 0 {
		in.TagSpecifications = Ec2TagsOn(ec2types.ResourceTypeVpc, tags...)
	}
	out, err := c.CreateVpc(Bg, in)
	Must(t, err)
	return *out.Vpc.VpcId
}

func Ec2MakeSubnet(t *testing.T, c *ec2.Client, vpc, cidr, az string) string {
	t.Helper()
	out, err := c.CreateSubnet(Bg, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(az)})
	Must(t, err)
	return *out.Subnet.SubnetId
}

// ec2MakeAttachedIGW creates an internet gateway attached to vpc.
func Ec2MakeAttachedIGW(t *testing.T, c *ec2.Client, vpc string) string {
	t.Helper()
	out, err := c.CreateInternetGateway(Bg, &ec2.CreateInternetGatewayInput{})
	Must(t, err)
	_, err = c.AttachInternetGateway(Bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: out.InternetGateway.InternetGatewayId, VpcId: aws.String(vpc)})
	Must(t, err)
	return *out.InternetGateway.InternetGatewayId
}

// ec2NatWaiterOptions makes the NAT gateway available waiter poll every millisecond; each retry
// advances clock by step (when clock is set) and seen records the states the waiter saw.
func Ec2NatWaiterOptions(clock *awsemu.Clock, step time.Duration, seen *[]string) func(*ec2.NatGatewayAvailableWaiterOptions) {
	return func(o *ec2.NatGatewayAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond
		inner := o.Retryable
		o.Retryable = func(ctx context.Context, in *ec2.DescribeNatGatewaysInput, out *ec2.DescribeNatGatewaysOutput, err error) (bool, error) {
			if out != nil && len(out.NatGateways) > 0 {
				*seen = append(*seen, string(out.NatGateways[0].State))
			}
			retry, rerr := inner(ctx, in, out, err)
			if retry && clock != nil {
				clock.Advance(step)
			}
			return retry, rerr
		}
	}
}

// ec2NatDeletedWaiterOptions is ec2NatWaiterOptions for the deleted waiter.
func Ec2NatDeletedWaiterOptions(clock *awsemu.Clock, step time.Duration, seen *[]string) func(*ec2.NatGatewayDeletedWaiterOptions) {
	return func(o *ec2.NatGatewayDeletedWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond
		inner := o.Retryable
		o.Retryable = func(ctx context.Context, in *ec2.DescribeNatGatewaysInput, out *ec2.DescribeNatGatewaysOutput, err error) (bool, error) {
			if out != nil && len(out.NatGateways) > 0 {
				*seen = append(*seen, string(out.NatGateways[0].State))
			}
			retry, rerr := inner(ctx, in, out, err)
			if retry && clock != nil {
				clock.Advance(step)
			}
			return retry, rerr
		}
	}
}
