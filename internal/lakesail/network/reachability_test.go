package network_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// TestLibNetworkReachability inspects the emulator's state for both NAT layouts: only the public
// subnets route to the internet gateway; each private subnet routes to the internet only through
// a NAT gateway (its own zone's in per_az) and to S3 through the gateway endpoint; no security
// group in the VPC admits traffic from the internet.
func TestLibNetworkReachability(t *testing.T) {
	t.Parallel()
	for _, mode := range []network.NATMode{network.NATSingle, network.NATPerAZ} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newNetworkEnv(t, awsemu.Options{})
			spec := env.spec()
			spec.NATGateways, spec.AvailabilityZoneCount = mode, 3
			n, err := network.New(env.client).Create(ctx, spec, nil, nil)
			lakesailtest.Must(t, err)
			api := env.ec2()

			tables, err := api.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{n.VPCID}}}})
			lakesailtest.Must(t, err)
			subnets, err := api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{n.VPCID}}}})
			lakesailtest.Must(t, err)
			nats, err := api.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: n.NATGatewayIDs})
			lakesailtest.Must(t, err)
			zoneOf := map[string]string{}
			for _, s := range subnets.Subnets {
				zoneOf[aws.ToString(s.SubnetId)] = aws.ToString(s.AvailabilityZone)
			}
			natZone := map[string]string{}
			for _, g := range nats.NatGateways {
				if !slices.Contains(n.PublicSubnetIDs, aws.ToString(g.SubnetId)) {
					t.Errorf("NAT gateway %s is in %s, not a public subnet", aws.ToString(g.NatGatewayId), aws.ToString(g.SubnetId))
				}
				natZone[aws.ToString(g.NatGatewayId)] = zoneOf[aws.ToString(g.SubnetId)]
			}
			if len(subnets.Subnets) != 2*len(n.AvailabilityZones) {
				t.Errorf("%d subnets in the VPC, want %d", len(subnets.Subnets), 2*len(n.AvailabilityZones))
			}

			for _, s := range subnets.Subnets {
				id := aws.ToString(s.SubnetId)
				routes := effectiveRoutes(tables.RouteTables, id)
				toIGW, toNAT, toS3 := "", "", ""
				for _, r := range routes {
					gateway := aws.ToString(r.GatewayId)
					switch {
					case gateway == "local":
					case strings.HasPrefix(gateway, "igw-"):
						toIGW = aws.ToString(r.DestinationCidrBlock)
					case strings.HasPrefix(gateway, "vpce-") && gateway == n.S3EndpointID && r.DestinationPrefixListId != nil:
						toS3 = aws.ToString(r.DestinationPrefixListId)
					case r.NatGatewayId != nil && aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0":
						toNAT = aws.ToString(r.NatGatewayId)
					default:
						t.Errorf("subnet %s has an unexpected route %+v", id, r)
					}
				}
				if slices.Contains(n.PublicSubnetIDs, id) {
					if toIGW != "0.0.0.0/0" || toNAT != "" || toS3 != "" {
						t.Errorf("public subnet %s: internet gateway %q, NAT %q, S3 %q; want only 0.0.0.0/0 to the internet gateway", id, toIGW, toNAT, toS3)
					}
					continue
				}
				if toIGW != "" || toNAT == "" || toS3 == "" {
					t.Errorf("private subnet %s: internet gateway %q, NAT %q, S3 %q; want the NAT gateway and the S3 endpoint only", id, toIGW, toNAT, toS3)
				}
				if mode == network.NATPerAZ && natZone[toNAT] != zoneOf[id] {
					t.Errorf("private subnet %s in %s goes out through the NAT gateway of %s", id, zoneOf[id], natZone[toNAT])
				}
			}

			groups, err := api.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{})
			lakesailtest.Must(t, err)
			for _, rule := range groups.SecurityGroupRules {
				open := aws.ToString(rule.CidrIpv4) == "0.0.0.0/0" || aws.ToString(rule.CidrIpv6) == "::/0"
				if !aws.ToBool(rule.IsEgress) && open {
					t.Errorf("security group %s admits the internet: rule %s", aws.ToString(rule.GroupId), aws.ToString(rule.SecurityGroupRuleId))
				}
			}
		})
	}
}

// effectiveRoutes are the routes a subnet uses: its route table's, or the main table's.
func effectiveRoutes(tables []ec2types.RouteTable, subnetID string) []ec2types.Route {
	var main []ec2types.Route
	for _, rt := range tables {
		for _, a := range rt.Associations {
			if aws.ToString(a.SubnetId) == subnetID {
				return rt.Routes
			}
			if aws.ToBool(a.Main) {
				main = rt.Routes
			}
		}
	}
	return main
}

// TestLibNetworkBucketOnlyOverTLS: the bucket's policy denies a request made without TLS, even
// to the account's root, while the same request over TLS succeeds.
func TestLibNetworkBucketOnlyOverTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	n, err := network.New(env.client).Create(ctx, env.spec(), nil, nil)
	lakesailtest.Must(t, err)
	_, err = env.s3().PutObject(ctx, putObject(n.BucketName, "warehouse/part-0000.parquet"))
	lakesailtest.Must(t, err)
	get := &s3.GetObjectInput{Bucket: aws.String(n.BucketName), Key: aws.String("warehouse/part-0000.parquet")}
	out, err := env.s3().GetObject(ctx, get)
	lakesailtest.Must(t, err)
	out.Body.Close()
	if out.SSEKMSKeyId == nil || aws.ToString(out.SSEKMSKeyId) != n.KMSKeyARN || !aws.ToBool(out.BucketKeyEnabled) {
		t.Errorf("object encrypted with %q (bucket key %v), want %s with a bucket key", aws.ToString(out.SSEKMSKeyId), aws.ToBool(out.BucketKeyEnabled), n.KMSKeyARN)
	}

	plain := s3.NewFromConfig(env.emu.AWSConfig(nil), func(o *s3.Options) { o.UsePathStyle = true })
	_, err = plain.GetObject(ctx, get)
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
		t.Fatalf("GetObject over plain HTTP: %v, want AccessDenied", err)
	}
	denied := false
	for _, c := range env.emu.Calls() {
		denied = denied || (c.Action == "s3:GetObject" && c.Decision == "deny")
	}
	if !denied {
		t.Error("the call log shows no denied s3:GetObject")
	}
}
