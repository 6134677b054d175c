package emutest

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// ElbTestDelay is the TransitionDelay of ELB tests: how long a load balancer provisions and a
// target registers or drains.
const ElbTestDelay = 3 * time.Minute

// ElbClient is a real SDK Elastic Load Balancing v2 client against the emulator.
func ElbClient(e *awsemu.Emulator, creds aws.Credentials) *elbv2.Client {
	return elbv2.NewFromConfig(e.AWSConfig(Static(creds)), func(o *elbv2.Options) { o.Retryer = FastRetry() })
}

// ElbSession creates a role with the inline policy and returns an ELB client acting as a session
// of it.
func ElbSession(t *testing.T, e *awsemu.Emulator, name, inline string) *elbv2.Client {
	t.Helper()
	r := CreateRole(t, IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String(name)}, inline)
	return ElbClient(e, Assume(t, e, e.RootCredentials(), *r.Arn, ""))
}

// ElbNetwork is a workspace network as a load balancer sees it: a VPC (10.0.0.0/16) with a
// private subnet in each of two zones and a security group.
type ElbNetwork struct {
	Vpc, Sg string
	Subnets []string
}

// ElbMakeNetwork makes an ElbNetwork through EC2 as root.
func ElbMakeNetwork(t *testing.T, e *awsemu.Emulator) ElbNetwork {
	t.Helper()
	c := Ec2Client(e, e.RootCredentials())
	net := ElbNetwork{Vpc: Ec2MakeVpc(t, c, "10.0.0.0/16")}
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		net.Subnets = append(net.Subnets, Ec2MakeSubnet(t, c, net.Vpc, fmt.Sprintf("10.0.%d.0/24", i+1), az))
	}
	sg, err := c.CreateSecurityGroup(Bg, &ec2.CreateSecurityGroupInput{VpcId: aws.String(net.Vpc), GroupName: aws.String("session-proxy-nlb"), Description: aws.String("session proxy load balancer")})
	Must(t, err)
	net.Sg = *sg.GroupId
	return net
}

// ElbCertificate imports a certificate for name into ACM as root and returns its ARN.
func ElbCertificate(t *testing.T, e *awsemu.Emulator, name string) string {
	t.Helper()
	pki := NewTestPKI(t, "rsa", name)
	out, err := AcmClient(e, e.RootCredentials()).ImportCertificate(Bg, &acm.ImportCertificateInput{Certificate: pki.CertPEM, PrivateKey: pki.KeyPEM, CertificateChain: pki.CaPEM})
	Must(t, err)
	return *out.CertificateArn
}

// ElbTags are ELB tags from key/value pairs.
func ElbTags(kv ...string) []elbtypes.Tag {
	var out []elbtypes.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, elbtypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// ElbInternalNLBInput is a CreateLoadBalancer request for an internal Network Load Balancer in the
// network's subnets with its security group.
func ElbInternalNLBInput(name string, net ElbNetwork, tags ...string) *elbv2.CreateLoadBalancerInput {
	return &elbv2.CreateLoadBalancerInput{
		Name: aws.String(name), Type: elbtypes.LoadBalancerTypeEnumNetwork, Scheme: elbtypes.LoadBalancerSchemeEnumInternal,
		Subnets: net.Subnets, SecurityGroups: []string{net.Sg}, Tags: ElbTags(tags...),
	}
}

// ElbIPTargetGroupInput is a CreateTargetGroup request for a TCP target group of ip targets on
// port in the network's VPC.
func ElbIPTargetGroupInput(name string, net ElbNetwork, port int32, tags ...string) *elbv2.CreateTargetGroupInput {
	return &elbv2.CreateTargetGroupInput{
		Name: aws.String(name), Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(port), VpcId: aws.String(net.Vpc),
		TargetType: elbtypes.TargetTypeEnumIp, Tags: ElbTags(tags...),
	}
}

// ElbTLSListenerInput is a CreateListener request for a TLS listener on 443 with the certificate
// and policy, forwarding to the target group.
func ElbTLSListenerInput(lb, tg, cert, policy string) *elbv2.CreateListenerInput {
	in := &elbv2.CreateListenerInput{
		LoadBalancerArn: aws.String(lb), Protocol: elbtypes.ProtocolEnumTls, Port: aws.Int32(443),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tg)}},
	}
	if cert != "" {
		in.Certificates = []elbtypes.Certificate{{CertificateArn: aws.String(cert)}}
	}
	if policy != "" {
		in.SslPolicy = aws.String(policy)
	}
	return in
}

// ElbWaitAvailable waits with the SDK's LoadBalancerAvailable waiter, moving the clock a third of
// ElbTestDelay before each retry, and returns the states it saw.
func ElbWaitAvailable(t *testing.T, c *elbv2.Client, clock *awsemu.Clock, arn string) []string {
	t.Helper()
	var seen []string
	w := elbv2.NewLoadBalancerAvailableWaiter(c, func(o *elbv2.LoadBalancerAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
		o.Retryable = Stepper(clock, ElbTestDelay/3, &seen, func(out *elbv2.DescribeLoadBalancersOutput) string {
			if len(out.LoadBalancers) == 0 {
				return ""
			}
			return string(out.LoadBalancers[0].State.Code)
		}, o.Retryable)
	})
	Must(t, w.Wait(Bg, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{arn}}, 10*time.Second))
	return seen
}
