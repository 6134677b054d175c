package lakesailtest

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// sessionLoadBalancerLeftovers lists the load balancers and target groups named clusterName and
// the security groups tagged with the workspace.
func sessionLoadBalancerLeftovers(ctx context.Context, cfg aws.Config, clusterName, workspaceID string) ([]string, error) {
	var out []string
	api := elb.NewFromConfig(cfg)
	lbs, err := api.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil {
		return nil, err
	}
	for _, lb := range lbs.LoadBalancers {
		if aws.ToString(lb.LoadBalancerName) == clusterName {
			out = append(out, "load balancer "+aws.ToString(lb.LoadBalancerArn))
		}
	}
	tgs, err := api.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})
	if err != nil {
		return nil, err
	}
	for _, tg := range tgs.TargetGroups {
		if aws.ToString(tg.TargetGroupName) == clusterName {
			out = append(out, "target group "+aws.ToString(tg.TargetGroupArn))
		}
	}
	groups, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag:LakeSail-Workspace"), Values: []string{workspaceID}}}})
	if err != nil {
		return nil, err
	}
	for _, g := range groups.SecurityGroups {
		out = append(out, "security group "+aws.ToString(g.GroupId))
	}
	return out, nil
}

// SessionListener is the TLS listener on 443 of the load balancer named name: its certificate
// and security policy, read with cfg's credentials.
func SessionListener(ctx context.Context, cfg aws.Config, name string) (listenerARN, certificateARN, policy string, err error) {
	l, err := sessionListener(ctx, cfg, name)
	if err != nil {
		return "", "", "", err
	}
	if len(l.Certificates) == 1 {
		certificateARN = aws.ToString(l.Certificates[0].CertificateArn)
	}
	return aws.ToString(l.ListenerArn), certificateARN, aws.ToString(l.SslPolicy), nil
}

func sessionListener(ctx context.Context, cfg aws.Config, name string) (*elbtypes.Listener, error) {
	api := elb.NewFromConfig(cfg)
	lbs, err := api.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{name}})
	if err != nil {
		return nil, err
	}
	listeners, err := api.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		return nil, err
	}
	for i, l := range listeners.Listeners {
		if aws.ToInt32(l.Port) == 443 {
			return &listeners.Listeners[i], nil
		}
	}
	return nil, fmt.Errorf("load balancer %s has no listener on 443", name)
}

// SessionLoadBalancerTags are the tags of the load balancer named name, of its listener on 443 and
// of the target group named name, keyed "load balancer", "listener" and "target group", read with
// cfg's credentials.
func SessionLoadBalancerTags(ctx context.Context, cfg aws.Config, name string) (map[string]map[string]string, error) {
	l, err := sessionListener(ctx, cfg, name)
	if err != nil {
		return nil, err
	}
	api := elb.NewFromConfig(cfg)
	tgs, err := api.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{name}})
	if err != nil {
		return nil, err
	}
	kinds := map[string]string{aws.ToString(l.LoadBalancerArn): "load balancer", aws.ToString(l.ListenerArn): "listener",
		aws.ToString(tgs.TargetGroups[0].TargetGroupArn): "target group"}
	arns := make([]string, 0, len(kinds))
	for arn := range kinds {
		arns = append(arns, arn)
	}
	out, err := api.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: arns})
	if err != nil {
		return nil, err
	}
	tags := map[string]map[string]string{}
	for _, d := range out.TagDescriptions {
		m := map[string]string{}
		for _, t := range d.Tags {
			m[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		tags[kinds[aws.ToString(d.ResourceArn)]] = m
	}
	return tags, nil
}

// UntagSessionTargetGroup removes the tag key from the target group named name, as someone might
// outside Terraform.
func UntagSessionTargetGroup(ctx context.Context, cfg aws.Config, name, key string) error {
	api := elb.NewFromConfig(cfg)
	tgs, err := api.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{name}})
	if err != nil {
		return err
	}
	_, err = api.RemoveTags(ctx, &elb.RemoveTagsInput{ResourceArns: []string{aws.ToString(tgs.TargetGroups[0].TargetGroupArn)}, TagKeys: []string{key}})
	return err
}

// WeakenSessionListener sets an older security policy on the session listener, as someone
// might outside Terraform.
func WeakenSessionListener(ctx context.Context, cfg aws.Config, name string) error {
	l, err := sessionListener(ctx, cfg, name)
	if err != nil {
		return err
	}
	_, err = elb.NewFromConfig(cfg).ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: l.ListenerArn,
		SslPolicy: aws.String("ELBSecurityPolicy-2016-08")})
	return err
}

// AddPublicSubnets gives the network built by BuildNetwork an internet gateway and two public
// subnets (for an internet-facing session load balancer), tagged for the connection, made as the
// account's administrator.
func AddPublicSubnets(ctx context.Context, cfg aws.Config, connectionID string, net *workspace.Network) error {
	api := ec2.NewFromConfig(cfg)
	tags := []ec2types.Tag{{Key: aws.String(connpolicy.TagConnection), Value: aws.String(connectionID)}}
	igw, err := api.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{TagSpecifications: []ec2types.TagSpecification{
		{ResourceType: ec2types.ResourceTypeInternetGateway, Tags: tags}}})
	if err != nil {
		return fmt.Errorf("CreateInternetGateway: %w", err)
	}
	if _, err := api.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId,
		VpcId: aws.String(net.VpcID)}); err != nil {
		return fmt.Errorf("AttachInternetGateway: %w", err)
	}
	zones, err := api.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil || len(zones.AvailabilityZones) < 2 {
		return fmt.Errorf("DescribeAvailabilityZones found fewer than two zones: %w", err)
	}
	for i := range 2 {
		subnet, err := api.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(net.VpcID), CidrBlock: aws.String(fmt.Sprintf("10.40.%d.0/24", i)),
			AvailabilityZone: zones.AvailabilityZones[i].ZoneName, TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSubnet, Tags: tags}}})
		if err != nil {
			return fmt.Errorf("CreateSubnet: %w", err)
		}
		net.PublicSubnetIDs = append(net.PublicSubnetIDs, aws.ToString(subnet.Subnet.SubnetId))
	}
	return nil
}
