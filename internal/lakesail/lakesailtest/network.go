package lakesailtest

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// BuildNetwork makes, as the account's administrator, the pieces a workspace runs in (a VPC
// with two private subnets, a security group, a KMS key and the workspace bucket), each tagged
// for the connection as lakesail_network would. Workspace tests use it so they do not depend
// on the network resource.
func BuildNetwork(ctx context.Context, cfg aws.Config, connectionID, networkID string) (workspace.Network, error) {
	tags := map[string]string{connpolicy.TagService: connpolicy.ServiceTagValue, connpolicy.TagConnection: connectionID, connpolicy.TagNetwork: networkID}
	ec2api := ec2.NewFromConfig(cfg)
	spec := func(kind ec2types.ResourceType) []ec2types.TagSpecification {
		var t []ec2types.Tag
		for k, v := range tags {
			t = append(t, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		return []ec2types.TagSpecification{{ResourceType: kind, Tags: t}}
	}
	vpc, err := ec2api.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.40.0.0/16"), TagSpecifications: spec(ec2types.ResourceTypeVpc)})
	if err != nil {
		return workspace.Network{}, fmt.Errorf("CreateVpc: %w", err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	zones, err := ec2api.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil || len(zones.AvailabilityZones) < 2 {
		return workspace.Network{}, fmt.Errorf("DescribeAvailabilityZones found fewer than two zones: %w", err)
	}
	net := workspace.Network{VpcID: vpcID}
	for i := range 2 {
		subnet, err := ec2api.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String(fmt.Sprintf("10.40.%d.0/24", 128+i)),
			AvailabilityZone: zones.AvailabilityZones[i].ZoneName, TagSpecifications: spec(ec2types.ResourceTypeSubnet)})
		if err != nil {
			return net, fmt.Errorf("CreateSubnet: %w", err)
		}
		net.PrivateSubnetIDs = append(net.PrivateSubnetIDs, aws.ToString(subnet.Subnet.SubnetId))
	}
	sg, err := ec2api.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(vpcID), GroupName: aws.String("lakesail-" + connectionID + "-" + networkID + "-nodes"),
		Description: aws.String("LakeSail nodes"), TagSpecifications: spec(ec2types.ResourceTypeSecurityGroup)})
	if err != nil {
		return net, fmt.Errorf("CreateSecurityGroup: %w", err)
	}
	net.SecurityGroupID = aws.ToString(sg.GroupId)
	var kmsTags []kmstypes.Tag
	for k, v := range tags {
		kmsTags = append(kmsTags, kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(v)})
	}
	account, err := accountOf(ctx, cfg)
	if err != nil {
		return net, err
	}
	key, err := kms.NewFromConfig(cfg).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("LakeSail network " + networkID), Tags: kmsTags,
		Policy: aws.String(keyPolicy(account, cfg.Region, connectionID))})
	if err != nil {
		return net, fmt.Errorf("CreateKey: %w", err)
	}
	net.KMSKeyARN = aws.ToString(key.KeyMetadata.Arn)
	net.BucketName = "lakesail-" + strings.ToLower(connectionID) + "-" + strings.ToLower(networkID) + "-ws"
	s3api := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(net.BucketName)}); err != nil {
		return net, fmt.Errorf("CreateBucket: %w", err)
	}
	return net, nil
}

func accountOf(ctx context.Context, cfg aws.Config) (string, error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("GetCallerIdentity: %w", err)
	}
	return aws.ToString(out.Account), nil
}

// keyPolicy lets the account's IAM policies decide, CloudWatch Logs encrypt the connection's EKS
// control-plane log groups and Auto Scaling encrypt the node volumes, as the network's key policy
// does.
func keyPolicy(account, region, connectionID string) string {
	autoScaling := "arn:aws:iam::" + account + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	return `{"Version":"2012-10-17","Statement":[
{"Sid":"Account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"},
{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logs.` + region + `.amazonaws.com"},
 "Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey*","kms:ReEncrypt*","kms:Describe*"],"Resource":"*",
 "Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:` + region + `:` + account + `:log-group:/aws/eks/lakesail-` + connectionID + `-*"}}},
{"Sid":"AutoScaling","Effect":"Allow","Principal":{"AWS":"*"},
 "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*",
 "Condition":{"StringEquals":{"kms:CallerAccount":"` + account + `"},"ArnEquals":{"aws:PrincipalArn":"` + autoScaling + `"}}},
{"Sid":"AutoScalingGrants","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:CreateGrant","Resource":"*",
 "Condition":{"StringEquals":{"kms:CallerAccount":"` + account + `"},"ArnEquals":{"aws:PrincipalArn":"` + autoScaling + `"},
  "Bool":{"kms:GrantIsForAWSResource":"true"}}}]}`
}

// StripBoundary removes a role's permissions boundary, as an administrator might.
func StripBoundary(ctx context.Context, cfg aws.Config, roleName string) error {
	_, err := iam.NewFromConfig(cfg).DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(roleName)})
	return err
}
