package emutest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// eksTestDelay is the transition delay EKS tests run with; tests move the clock instead of waiting.
const EksTestDelay = 10 * time.Minute

func EksClient(e *awsemu.Emulator, creds aws.Credentials) *eks.Client {
	return eks.NewFromConfig(e.AWSConfig(Static(creds)), func(o *eks.Options) { o.Retryer = FastRetry() })
}

func LogsClient(e *awsemu.Emulator, creds aws.Credentials) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(e.AWSConfig(Static(creds)), func(o *cloudwatchlogs.Options) { o.Retryer = FastRetry() })
}

// serviceTrustDoc trusts an AWS service principal for sts:AssumeRole.
func serviceTrustDoc(service string) string {
	return Doc(Stmt{Effect: "Allow", Principal: map[string]any{"Service": service}, Action: "sts:AssumeRole"})
}

// eksRoles creates a cluster role trusting eks.amazonaws.com and a node role trusting
// ec2.amazonaws.com, and returns their ARNs.
func eksRoles(t *testing.T, e *awsemu.Emulator) (clusterRole, nodeRole string) {
	t.Helper()
	c := IamClient(e, e.RootCredentials())
	cr := CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("eks-cluster"), AssumeRolePolicyDocument: aws.String(serviceTrustDoc("eks.amazonaws.com"))}, "")
	nr := CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("eks-node"), AssumeRolePolicyDocument: aws.String(serviceTrustDoc("ec2.amazonaws.com"))}, "")
	return *cr.Arn, *nr.Arn
}

// EksNetwork is a VPC with a subnet in each of two zones and a security group, made through EC2.
type EksNetwork struct {
	Vpc, Sg string
	Subnets []string
}

func eksNetwork(t *testing.T, e *awsemu.Emulator) EksNetwork {
	t.Helper()
	c := ec2.NewFromConfig(e.AWSConfig(Static(e.RootCredentials())), func(o *ec2.Options) { o.Retryer = FastRetry() })
	vpc, err := c.CreateVpc(Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	Must(t, err)
	net := EksNetwork{Vpc: *vpc.Vpc.VpcId}
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := c.CreateSubnet(Bg, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i+1)), AvailabilityZone: aws.String(az)})
		Must(t, err)
		net.Subnets = append(net.Subnets, *sn.Subnet.SubnetId)
	}
	sg, err := c.CreateSecurityGroup(Bg, &ec2.CreateSecurityGroupInput{VpcId: vpc.Vpc.VpcId, GroupName: aws.String("workspace"), Description: aws.String("workspace")})
	Must(t, err)
	net.Sg = *sg.GroupId
	return net
}

// eksFixture is what a cluster needs: its role, a node role and a network.
func EksFixture(t *testing.T, e *awsemu.Emulator) (clusterRole, nodeRole string, net EksNetwork) {
	t.Helper()
	clusterRole, nodeRole = eksRoles(t, e)
	return clusterRole, nodeRole, eksNetwork(t, e)
}

// eksClusterInput is a minimal valid CreateCluster request.
func EksClusterInput(name, role string, net EksNetwork) *eks.CreateClusterInput {
	return &eks.CreateClusterInput{
		Name: aws.String(name), RoleArn: aws.String(role),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: net.Subnets},
	}
}

// eksUpCluster creates a cluster and moves the clock until it is ACTIVE.
func EksUpCluster(t *testing.T, c *eks.Client, clock *awsemu.Clock, in *eks.CreateClusterInput) *ekstypes.Cluster {
	t.Helper()
	_, err := c.CreateCluster(Bg, in)
	Must(t, err)
	clock.Advance(EksTestDelay)
	out, err := c.DescribeCluster(Bg, &eks.DescribeClusterInput{Name: in.Name})
	Must(t, err)
	if out.Cluster.Status != ekstypes.ClusterStatusActive {
		t.Fatalf("cluster %s is %s", *in.Name, out.Cluster.Status)
	}
	return out.Cluster
}

// stepper makes an SDK waiter's Retryable record each state it sees and move the clock by step
// before every retry, so waiters run at full speed on the test clock.
func Stepper[In, Out any](clock *awsemu.Clock, step time.Duration, seen *[]string, state func(*Out) string,
	next func(context.Context, *In, *Out, error) (bool, error)) func(context.Context, *In, *Out, error) (bool, error) {
	return func(ctx context.Context, in *In, out *Out, err error) (bool, error) {
		switch {
		case err != nil:
			*seen = append(*seen, ErrCode(err))
		case out != nil:
			*seen = append(*seen, state(out))
		}
		retry, werr := next(ctx, in, out, err)
		if retry {
			clock.Advance(step)
		}
		return retry, werr
	}
}

func WaitClusterActive(t *testing.T, c *eks.Client, clock *awsemu.Clock, name string) []string {
	t.Helper()
	var seen []string
	w := eks.NewClusterActiveWaiter(c, func(o *eks.ClusterActiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
		o.Retryable = Stepper(clock, EksTestDelay/3, &seen, func(out *eks.DescribeClusterOutput) string { return string(out.Cluster.Status) }, o.Retryable)
	})
	Must(t, w.Wait(Bg, &eks.DescribeClusterInput{Name: aws.String(name)}, 10*time.Second))
	return seen
}

func WaitClusterDeleted(t *testing.T, c *eks.Client, clock *awsemu.Clock, name string) []string {
	t.Helper()
	var seen []string
	w := eks.NewClusterDeletedWaiter(c, func(o *eks.ClusterDeletedWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
		o.Retryable = Stepper(clock, EksTestDelay/3, &seen, func(out *eks.DescribeClusterOutput) string { return string(out.Cluster.Status) }, o.Retryable)
	})
	Must(t, w.Wait(Bg, &eks.DescribeClusterInput{Name: aws.String(name)}, 10*time.Second))
	return seen
}

// wantSeen checks a waiter saw the transitional state before the final one.
func WantSeen(t *testing.T, seen []string, first, last string) {
	t.Helper()
	if len(seen) < 2 || seen[0] != first || seen[len(seen)-1] != last {
		t.Fatalf("waiter saw %v, want %s ... %s", seen, first, last)
	}
}

// eksSession creates a role with the given inline policy and returns an EKS client acting as a
// session of it.
func EksSession(t *testing.T, e *awsemu.Emulator, name, inline string) *eks.Client {
	t.Helper()
	r := CreateRole(t, IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String(name)}, inline)
	return EksClient(e, Assume(t, e, e.RootCredentials(), *r.Arn, ""))
}

// The AWS managed access policies EKS knows, as tests name them.
const (
	EksAccessPolicyPrefix = "arn:aws:eks::aws:cluster-access-policy/"
	EksClusterAdminPolicy = EksAccessPolicyPrefix + "AmazonEKSClusterAdminPolicy"
)

// eksKubernetesVersions are the versions the emulator's EKS serves (eks.go).
var EksKubernetesVersions = []string{"1.29", "1.30", "1.31", "1.32", "1.33"}

func EksSupportedVersion(v string) bool {
	for _, s := range EksKubernetesVersions {
		if s == v {
			return true
		}
	}
	return false
}
