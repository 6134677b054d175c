package connection_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// TestLibConnectionDestroyKeepsOIDCProviderOfCustomerCluster: the account makes an EKS cluster
// and its OIDC provider after the connection, and the connection role adds its tag to that
// provider (IAM cannot refuse it: creating a provider with tags checks the same action).
// Destroying the connection, with the account's credentials, keeps the provider and says why:
// its URL is the issuer of a cluster outside the connection's namespace.
func TestLibConnectionDestroyKeepsOIDCProviderOfCustomerCluster(t *testing.T) {
	ctx := context.Background()
	clock := awsemu.NewClock(time.Now().UTC())
	emu, client := newEmulatedClient(t, awsemu.Options{Now: clock.Now})
	root := emu.AWSConfig(nil)
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	conn := lakesailtest.CreateConnection(t, client, spec)
	clock.Advance(time.Minute)

	// The account's own cluster and provider, both newer than the connection.
	network := ec2.NewFromConfig(root)
	vpc, err := network.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	lakesailtest.Must(t, err)
	var subnets []string
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		subnet, err := network.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId,
			CidrBlock: aws.String([]string{"10.9.1.0/24", "10.9.2.0/24"}[i]), AvailabilityZone: aws.String(zone)})
		lakesailtest.Must(t, err)
		subnets = append(subnets, aws.ToString(subnet.Subnet.SubnetId))
	}
	clusterRole, err := iam.NewFromConfig(root).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("payments-eks"),
		AssumeRolePolicyDocument: trustJSON(`{"Service":"eks.amazonaws.com"}`)})
	lakesailtest.Must(t, err)
	clusters := eks.NewFromConfig(root)
	_, err = clusters.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("payments"), RoleArn: clusterRole.Role.Arn,
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: subnets}})
	lakesailtest.Must(t, err)
	clock.Advance(time.Hour)
	cluster, err := clusters.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("payments")})
	lakesailtest.Must(t, err)
	issuer := aws.ToString(cluster.Cluster.Identity.Oidc.Issuer)
	customerProvider := createOIDCProvider(t, iam.NewFromConfig(root), issuer, nil)

	asRole, err := client.AssumeRole(lakesail.RoleSession{RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID})
	lakesailtest.Must(t, err)
	_, err = iam.NewFromConfig(asRole.AWSConfig()).TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(customerProvider), Tags: connectionRequestTags()})
	lakesailtest.Must(t, err)

	// A workload role trusting that provider trusts the account's cluster, not the connection's:
	// the read reports it although the provider carries the connection's tag.
	bundle, err := connection.New(client).Bundle(ctx, spec)
	lakesailtest.Must(t, err)
	federated := `{"Federated":"` + customerProvider + `"}`
	_, err = iam.NewFromConfig(asRole.AWSConfig()).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("lakesail-" + lakesailtest.ConnectionID + "-payments-irsa"), PermissionsBoundary: aws.String(bundle.WorkloadBoundary.ARN),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + federated +
			`,"Action":"sts:AssumeRoleWithWebIdentity"}]}`), Tags: connectionRequestTags()})
	lakesailtest.Must(t, err)
	read, err := connection.New(client).Read(ctx, spec)
	lakesailtest.Must(t, err)
	if len(read.OutsideTrust) != 1 || !strings.Contains(read.OutsideTrust[0].String(), customerProvider) {
		t.Errorf("OutsideTrust = %v, want the role trusting %s", read.OutsideTrust, customerProvider)
	}

	err = connection.New(client).Delete(ctx, spec)
	var kept *connection.KeptOIDCProvidersError
	if !errors.As(err, &kept) {
		t.Fatalf("DeleteConnection = %v, want a KeptOIDCProvidersError naming %s", err, customerProvider)
	}
	if len(kept.Kept) != 1 || !strings.Contains(kept.Kept[0], customerProvider) || !strings.Contains(kept.Kept[0], "payments") {
		t.Errorf("kept = %v, want %s as the issuer of cluster payments", kept.Kept, customerProvider)
	}
	if _, err := iam.NewFromConfig(root).GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(customerProvider)}); err != nil {
		t.Errorf("destroying the connection deleted the account's provider: %v", err)
	}
	if _, err := connection.New(client).Read(ctx, spec); !errors.Is(err, lakesail.ErrNotFound) {
		t.Errorf("ReadConnection after destroy = %v, want not found: the connection is gone all the same", err)
	}
}
