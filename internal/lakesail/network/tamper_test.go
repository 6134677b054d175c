package network_test

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// networkTampering is one change the account's administrator makes that Read must report and
// Update must undo.
type networkTampering struct {
	name  string
	apply func(ctx context.Context) error
	seen  func(drift string) bool
}

func mentions(parts ...string) func(string) bool {
	return func(drift string) bool {
		for _, p := range parts {
			if !strings.Contains(drift, p) {
				return false
			}
		}
		return true
	}
}

func networkTamperings(env *networkEnv, n *network.Network) []networkTampering {
	ec2c, s3c, kmsc := env.ec2(), env.s3(), env.kms()
	bucket := aws.String(n.BucketName)
	return []networkTampering{
		{"NAT gateway deleted", func(ctx context.Context) error {
			_, err := ec2c.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(n.NATGatewayIDs[0])})
			return err
		}, mentions("NAT gateway", "missing")},
		{"public default route deleted", func(ctx context.Context) error {
			_, err := ec2c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(n.PublicRouteTableID), DestinationCidrBlock: aws.String("0.0.0.0/0")})
			return err
		}, mentions(n.PublicRouteTableID, "default route", "missing")},
		{"SSH opened to the internet", func(ctx context.Context) error {
			_, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(n.SecurityGroupID),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
					IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
			return err
		}, mentions(n.SecurityGroupID, "inbound rule", "0.0.0.0/0")},
		{"subnet tag removed", func(ctx context.Context) error {
			_, err := ec2c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{n.PrivateSubnetIDs[0]}, Tags: []ec2types.Tag{{Key: aws.String("team")}}})
			return err
		}, mentions(n.PrivateSubnetIDs[0], "tag team missing")},
		{"public access block removed", func(ctx context.Context) error {
			_, err := s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: bucket})
			return err
		}, mentions("public access")},
		{"default encryption removed", func(ctx context.Context) error {
			_, err := s3c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: bucket})
			return err
		}, mentions("default encryption")},
		{"TLS-only policy removed", func(ctx context.Context) error {
			_, err := s3c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket})
			return err
		}, mentions("without TLS")},
		{"key rotation turned off", func(ctx context.Context) error {
			_, err := kmsc.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: aws.String(n.KMSKeyARN)})
			return err
		}, mentions("rotation is off")},
	}
}

func putObject(bucket, key string) *s3.PutObjectInput {
	return &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("sail")}
}
