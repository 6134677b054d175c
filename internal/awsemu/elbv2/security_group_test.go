package elbv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// EC2 refuses to delete a security group a load balancer is in (its network interfaces are),
// with DependencyViolation, and deletes it once the load balancer is gone.
func TestEmuELBSecurityGroupInUse(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	net := emutest.ElbMakeNetwork(t, e)
	c := emutest.ElbClient(e, e.RootCredentials())
	lb, err := c.CreateLoadBalancer(emutest.Bg, emutest.ElbInternalNLBInput("lakesail-ws1", net))
	emutest.Must(t, err)
	ec2c := emutest.Ec2Client(e, e.RootCredentials())
	_, err = ec2c.DeleteSecurityGroup(emutest.Bg, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(net.Sg)})
	emutest.WantCode(t, err, "DependencyViolation")
	_, err = c.DeleteLoadBalancer(emutest.Bg, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn})
	emutest.Must(t, err)
	_, err = ec2c.DeleteSecurityGroup(emutest.Bg, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(net.Sg)})
	emutest.Must(t, err)
}
