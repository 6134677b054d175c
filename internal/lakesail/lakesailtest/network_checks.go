package lakesailtest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Checks and changes the network's acceptance tests make as the account's administrator (the
// provider package makes no AWS calls of its own, tests included).

func s3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// TaggedWithNetwork lists the EC2 objects that still carry the network's LakeSail-Network tag.
// Deleted NAT gateways stay visible for an hour, as in AWS, and do not count.
func TaggedWithNetwork(ctx context.Context, cfg aws.Config, networkID string) ([]string, error) {
	api := ec2.NewFromConfig(cfg)
	out, err := api.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{
		{Name: aws.String("key"), Values: []string{connpolicy.TagNetwork}}, {Name: aws.String("value"), Values: []string{networkID}}}})
	if err != nil {
		return nil, err
	}
	var left []string
	for _, tag := range out.Tags {
		id := aws.ToString(tag.ResourceId)
		if tag.ResourceType == ec2types.ResourceTypeNatgateway {
			nats, err := api.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
			if err == nil && len(nats.NatGateways) == 1 && nats.NatGateways[0].State == ec2types.NatGatewayStateDeleted {
				continue
			}
		}
		left = append(left, id)
	}
	return left, nil
}

// NetworkStorage reports whether the bucket exists and the state of the key the network's alias
// names ("" when there is no alias).
func NetworkStorage(ctx context.Context, cfg aws.Config, bucket, alias string) (bool, string, error) {
	_, headErr := s3Client(cfg).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	out, err := kms.NewFromConfig(cfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(alias)})
	var noAlias *kmstypes.NotFoundException
	if errors.As(err, &noAlias) {
		return headErr == nil, "", nil // the key's scheduled deletion took its alias, or there never was one
	}
	if err != nil {
		return false, "", err
	}
	return headErr == nil, string(out.KeyMetadata.KeyState), nil
}

// TagsOf is an EC2 object's tags.
func TagsOf(ctx context.Context, cfg aws.Config, id string) (map[string]string, error) {
	out, err := ec2.NewFromConfig(cfg).DescribeTags(ctx, &ec2.DescribeTagsInput{
		Filters: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{id}}}})
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, tag := range out.Tags {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return tags, nil
}

// CustomerVPC is a VPC with two private and two public subnets in us-east-1a and us-east-1b, as a
// customer makes one before bringing it to LakeSail. It carries the tag Owner=customer.
func CustomerVPC(ctx context.Context, cfg aws.Config) (vpcID string, private, public []string, err error) {
	api := ec2.NewFromConfig(cfg)
	vpc, err := api.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("172.20.0.0/16"), TagSpecifications: []ec2types.TagSpecification{{
		ResourceType: ec2types.ResourceTypeVpc, Tags: []ec2types.Tag{{Key: aws.String("Owner"), Value: aws.String("customer")}}}}})
	if err != nil {
		return "", nil, nil, err
	}
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		for j, list := range []*[]string{&private, &public} {
			out, err := api.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId,
				CidrBlock: aws.String(fmt.Sprintf("172.20.%d.0/24", 10*j+i)), AvailabilityZone: aws.String(zone)})
			if err != nil {
				return "", nil, nil, err
			}
			*list = append(*list, aws.ToString(out.Subnet.SubnetId))
		}
	}
	return aws.ToString(vpc.Vpc.VpcId), private, public, nil
}

// SubnetCount is how many subnets a VPC has.
func SubnetCount(ctx context.Context, cfg aws.Config, vpcID string) (int, error) {
	out, err := ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	if err != nil {
		return 0, err
	}
	return len(out.Subnets), nil
}

// PutObject writes a small object into a bucket.
func PutObject(ctx context.Context, cfg aws.Config, bucket, key string) error {
	_, err := s3Client(cfg).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("sail")})
	return err
}

// TamperNetwork changes a network the way an administrator might behind Terraform's back: it
// deletes the NAT gateway, opens SSH in the workspaces' security group to the internet, removes
// the bucket's public access block and policy, and turns key rotation off.
func TamperNetwork(ctx context.Context, cfg aws.Config, networkID, bucket, alias string) error {
	api := ec2.NewFromConfig(cfg)
	ofNetwork := []ec2types.Filter{{Name: aws.String("tag:" + connpolicy.TagNetwork), Values: []string{networkID}}}
	nats, err := api.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: ofNetwork})
	if err != nil || len(nats.NatGateways) == 0 {
		return fmt.Errorf("no NAT gateway to delete: %w", err)
	}
	if _, err := api.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: nats.NatGateways[0].NatGatewayId}); err != nil {
		return err
	}
	groups, err := api.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: ofNetwork})
	if err != nil || len(groups.SecurityGroups) == 0 {
		return fmt.Errorf("no security group to open: %w", err)
	}
	_, err = api.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: groups.SecurityGroups[0].GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	if err != nil {
		return err
	}
	if _, err := s3Client(cfg).DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)}); err != nil {
		return err
	}
	if _, err := s3Client(cfg).DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
		return err
	}
	_, err = kms.NewFromConfig(cfg).DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: aws.String(alias)})
	return err
}
