package envelope

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

const (
	connID         = "AB12CD34EF"
	tenantID       = "TENANT0001"
	externalID     = "0f8fad5b-d9cb-469f-a165-70867728950e"
	networkID      = "NET0000001"
	workspaceID    = "WS00000001"
	otherID        = "ZZ99YY88XX" // another connection of the same account
	foreignAccount = "210987654321"
	image          = "ami-0123456789abcdef0"
	tagKey         = connpolicy.TagConnection
)

var bg = context.Background()

// principal is who a call is made as: the connection role or one of the workload roles.
type principal struct {
	name    string
	cfg     aws.Config
	session string // what the call log's principal ARN contains for this principal
}

// owned is one resource of each kind for the three owners the tests tell apart.
type owned struct{ ours, customer, other string }

// world is an account with a connection, its network and workspace, and resources of the
// customer and of another connection next to them.
type world struct {
	emu     *awsemu.Emulator
	root    aws.Config
	account string
	conn    *connection.Connection
	bundle  *connpolicy.Bundle
	net     *network.Network
	ws      *workspace.Workspace

	connection principal
	workloads  []principal // cluster, node and IRSA roles, escalated to Allow *:* by the connection role
	escalated  map[string]bool

	// IAM
	roles, policies, profiles, oidc owned
	profilesMissing                 string // the missing IAM operation when the emulator has no instance profiles
	// KMS
	keys, aliases, grants owned
	// S3 (buckets; foreignBucket is named like ours but lives in foreignAccount)
	buckets       owned
	foreignBucket string
	// EC2
	vpcs, subnets, routeTables, igws, groups, templates, instances owned
	// EKS: clusters, node groups (cluster/nodegroup), add-ons (cluster/addon), access entries (cluster|principal)
	clusters, nodegroups, addons, accessEntries owned
	// ACM, SSM, Logs, Glue
	certs, params, logGroups, databases owned
}

// fastRetryer keeps the SDK's retries without its multi-second backoff.
func fastRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func must1[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func connTags(id string) map[string]string {
	return map[string]string{connpolicy.TagService: connpolicy.ServiceTagValue, tagKey: id, connpolicy.TagTenant: tenantID}
}

func iamTags(m map[string]string) []iamtypes.Tag {
	var out []iamtypes.Tag
	for _, k := range sortedKeys(m) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func ec2Tags(rt ec2types.ResourceType, m map[string]string) []ec2types.TagSpecification {
	if len(m) == 0 {
		return nil
	}
	spec := ec2types.TagSpecification{ResourceType: rt}
	for _, k := range sortedKeys(m) {
		spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return []ec2types.TagSpecification{spec}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func s3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// newWorld builds the account. Every test builds its own, so that what one test manages to do
// (an attack that succeeds) cannot change what another test sees.
func newWorld(t *testing.T) *world {
	t.Helper()
	emu := awsemu.Test(t, awsemu.Options{TransitionDelay: 2 * time.Millisecond})
	must(t, emu.ListenTLS("127.0.0.1:0"))
	root := emu.TLSAWSConfig(nil)
	root.Retryer = fastRetryer
	w := &world{emu: emu, root: root, account: emu.AccountID(), escalated: map[string]bool{}}
	client, err := lakesail.NewClient(root, lakesail.Options{Partition: "aws", WaitMinDelay: 2 * time.Millisecond, WaitMaxDelay: 10 * time.Millisecond})
	must(t, err)

	// The connection, made with the customer's credentials.
	spec := connection.Spec{Policy: connpolicy.Spec{ConnectionID: connID, TenantID: tenantID, ExternalID: externalID,
		ProvisionerPrincipals: []string{"arn:aws:iam::" + w.account + ":root"}}}
	w.conn, err = connection.New(client).Create(bg, spec, nil)
	must(t, err)
	w.bundle, err = connection.New(client).Bundle(bg, spec)
	must(t, err)

	// The network and the workspace, built through the connection role.
	w.net, err = network.New(client).Create(bg, network.Spec{ConnectionID: connID, RoleARN: w.conn.RoleARN, ExternalID: externalID,
		NetworkID: networkID, CIDRBlock: "10.20.0.0/16"}, nil, nil)
	must(t, err)
	asRole, err := client.AssumeRole(lakesail.RoleSession{RoleARN: w.conn.RoleARN, ExternalID: externalID})
	must(t, err)
	w.connection = principal{name: "connection-role", cfg: asRole.AWSConfig(), session: ":assumed-role/" + w.conn.RoleName + "/"}
	w.connection.cfg.Retryer = fastRetryer
	wsSpec := workspace.Spec{ConnectionID: connID, TenantID: tenantID, WorkspaceID: workspaceID, AccountID: w.account,
		Partition: "aws", ConnectionRoleARN: w.conn.RoleARN, KubernetesVersion: "1.32", LogTypes: workspace.DefaultLogTypes, LogRetentionDays: 30,
		Network: workspace.Network{VpcID: w.net.VPCID, PrivateSubnetIDs: w.net.PrivateSubnetIDs, SecurityGroupID: w.net.SecurityGroupID,
			KMSKeyARN: w.net.KMSKeyARN, BucketName: w.net.BucketName},
		SystemNodeGroup: workspace.NodeGroupSpec{InstanceTypes: []string{"t3.medium"}, MinSize: 1, DesiredSize: 1, MaxSize: 2, DiskSize: 20,
			AMIType: "AL2023_x86_64_STANDARD"},
		Addons: workspace.DefaultAddons(), GlueDatabases: []string{"analytics"}}
	w.ws, err = workspace.New(asRole).Create(bg, wsSpec, nil)
	must(t, err)

	w.buildOurs(t, wsSpec)
	w.buildCustomerAndOther(t)
	w.buildWorkloadPrincipals(t, wsSpec)
	if os.Getenv("ENVELOPE_BUNDLE") == "3" {
		// Re-run the suite against the documents of bundle 3 (before the envelope was closed),
		// to see that it finds the take-overs they allowed.
		must(t, lakesailtest.InstallBundle3(bg, w.root, lakesailtest.Target{ConnectionID: connID, AccountID: w.account, RoleName: w.conn.RoleName}))
	}
	return w
}

// buildOurs records the connection's own resources (the node launch template is the one the
// workspace made) and launches, as the connection role, an instance from that template.
func (w *world) buildOurs(t *testing.T, s workspace.Spec) {
	t.Helper()
	w.roles.ours = s.NodeRoleName()
	w.policies.ours = w.bundle.WorkloadBoundary.ARN
	w.oidc.ours = w.ws.OIDCProviderARN
	w.keys.ours = w.net.KMSKeyARN
	w.aliases.ours = w.net.KMSAlias
	w.buckets.ours = w.net.BucketName
	w.vpcs.ours, w.subnets.ours, w.igws.ours = w.net.VPCID, w.net.PrivateSubnetIDs[0], w.net.InternetGatewayID
	w.routeTables.ours, w.groups.ours = w.net.PrivateRouteTableIDs[0], w.net.SecurityGroupID
	w.clusters.ours = w.ws.ClusterName
	w.certs.ours = w.ws.CertificateARN
	w.params.ours = w.ws.SSMParameterNames[0]
	w.logGroups.ours = w.ws.LogGroupName
	w.databases.ours = w.ws.GlueDatabaseNames[0]
	groups := must1[*eks.ListNodegroupsOutput](t)(eks.NewFromConfig(w.root).ListNodegroups(bg, &eks.ListNodegroupsInput{ClusterName: aws.String(w.ws.ClusterName)}))
	if len(groups.Nodegroups) > 0 {
		w.nodegroups.ours = w.ws.ClusterName + "/" + groups.Nodegroups[0]
	}
	addons := must1[*eks.ListAddonsOutput](t)(eks.NewFromConfig(w.root).ListAddons(bg, &eks.ListAddonsInput{ClusterName: aws.String(w.ws.ClusterName)}))
	if len(addons.Addons) > 0 {
		w.addons.ours = w.ws.ClusterName + "/" + addons.Addons[0]
	}
	w.accessEntries.ours = w.ws.ClusterName + "|" + w.conn.RoleARN

	lts := must1[*ec2.DescribeLaunchTemplatesOutput](t)(ec2.NewFromConfig(w.root).DescribeLaunchTemplates(bg, &ec2.DescribeLaunchTemplatesInput{
		LaunchTemplateNames: []string{s.LaunchTemplateName()}}))
	if len(lts.LaunchTemplates) != 1 {
		t.Fatalf("the workspace made no node launch template %s", s.LaunchTemplateName())
	}
	lt := lts.LaunchTemplates[0]
	w.templates.ours = aws.ToString(lt.LaunchTemplateId)
	run, err := ec2.NewFromConfig(w.connection.cfg).RunInstances(bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		ImageId: aws.String(image), SubnetId: aws.String(w.subnets.ours),
		LaunchTemplate: &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(w.templates.ours)}})
	if err != nil {
		t.Fatalf("the connection role could not launch from its own launch template: %v", err)
	}
	w.instances.ours = aws.ToString(run.Instances[0].InstanceId)
}

// buildCustomerAndOther makes, as the customer (root), one resource of each type that the
// customer owns (untagged, or tagged Owner=customer) and one of another connection.
func (w *world) buildCustomerAndOther(t *testing.T) {
	t.Helper()
	other := connTags(otherID)
	customer := map[string]string{}
	otherPrefix := "lakesail-" + otherID + "-"
	otherLower := strings.ToLower(otherID)
	iamAPI, kmsAPI, s3API, ec2API := iam.NewFromConfig(w.root), kms.NewFromConfig(w.root), s3Client(w.root), ec2.NewFromConfig(w.root)

	// IAM: roles (the other connection's carries its own WorkloadBoundary), policies, instance profiles, OIDC providers.
	ec2Trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	eksTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`
	otherBoundary := must1[*iam.CreatePolicyOutput](t)(iamAPI.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String(otherPrefix + "WorkloadBoundary"),
		PolicyDocument: aws.String(doc), Tags: iamTags(other)}))
	w.policies.other = aws.ToString(otherBoundary.Policy.Arn)
	w.policies.customer = aws.ToString(must1[*iam.CreatePolicyOutput](t)(iamAPI.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String("customer-app-policy"),
		PolicyDocument: aws.String(doc)})).Policy.Arn)
	w.roles.customer = "customer-app-role"
	must1[*iam.CreateRoleOutput](t)(iamAPI.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String(w.roles.customer), AssumeRolePolicyDocument: aws.String(ec2Trust)}))
	w.roles.other = otherPrefix + workspaceID + "-node"
	must1[*iam.CreateRoleOutput](t)(iamAPI.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String(w.roles.other), AssumeRolePolicyDocument: aws.String(ec2Trust),
		PermissionsBoundary: otherBoundary.Policy.Arn, Tags: iamTags(other)}))
	customerEKSRole := must1[*iam.CreateRoleOutput](t)(iamAPI.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("customer-eks-cluster"), AssumeRolePolicyDocument: aws.String(eksTrust)}))
	otherEKSRole := must1[*iam.CreateRoleOutput](t)(iamAPI.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String(otherPrefix + workspaceID + "-cluster"),
		AssumeRolePolicyDocument: aws.String(eksTrust), PermissionsBoundary: otherBoundary.Policy.Arn, Tags: iamTags(other)}))
	customerNodeRole := "arn:aws:iam::" + w.account + ":role/" + w.roles.customer
	otherNodeRole := "arn:aws:iam::" + w.account + ":role/" + w.roles.other
	if _, err := iamAPI.CreateInstanceProfile(bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("customer-app-profile")}); err != nil {
		w.profilesMissing = "iam:CreateInstanceProfile (" + errCode(err) + ")"
	} else {
		w.profiles.customer = "customer-app-profile"
		must1[*iam.AddRoleToInstanceProfileOutput](t)(iamAPI.AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(w.profiles.customer), RoleName: aws.String(w.roles.customer)}))
		w.profiles.other = otherPrefix + workspaceID + "-node"
		must1[*iam.CreateInstanceProfileOutput](t)(iamAPI.CreateInstanceProfile(bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(w.profiles.other), Tags: iamTags(other)}))
		must1[*iam.AddRoleToInstanceProfileOutput](t)(iamAPI.AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(w.profiles.other), RoleName: aws.String(w.roles.other)}))
	}
	thumb := []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}
	w.oidc.customer = aws.ToString(must1[*iam.CreateOpenIDConnectProviderOutput](t)(iamAPI.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://oidc.eks.us-east-1.amazonaws.com/id/C0570AE5C0570AE5C0570AE5C0570AE5"), ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: thumb})).OpenIDConnectProviderArn)
	w.oidc.other = aws.ToString(must1[*iam.CreateOpenIDConnectProviderOutput](t)(iamAPI.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://oidc.eks.us-east-1.amazonaws.com/id/07E507E507E507E507E507E507E507E5"), ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: thumb,
		Tags: iamTags(other)})).OpenIDConnectProviderArn)

	// KMS: keys (the customer's with the default key policy, so IAM decides), aliases, grants.
	var kmsOther []kmstypes.Tag
	for _, k := range sortedKeys(other) {
		kmsOther = append(kmsOther, kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(other[k])})
	}
	w.keys.customer = aws.ToString(must1[*kms.CreateKeyOutput](t)(kmsAPI.CreateKey(bg, &kms.CreateKeyInput{Description: aws.String("customer data key")})).KeyMetadata.Arn)
	w.keys.other = aws.ToString(must1[*kms.CreateKeyOutput](t)(kmsAPI.CreateKey(bg, &kms.CreateKeyInput{Description: aws.String("LakeSail network of " + otherID), Tags: kmsOther})).KeyMetadata.Arn)
	w.aliases.customer, w.aliases.other = "alias/customer-data", "alias/"+otherPrefix+networkID
	must1[*kms.CreateAliasOutput](t)(kmsAPI.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String(w.aliases.customer), TargetKeyId: aws.String(w.keys.customer)}))
	must1[*kms.CreateAliasOutput](t)(kmsAPI.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String(w.aliases.other), TargetKeyId: aws.String(w.keys.other)}))
	grant := func(key string) string {
		out := must1[*kms.CreateGrantOutput](t)(kmsAPI.CreateGrant(bg, &kms.CreateGrantInput{KeyId: aws.String(key), GranteePrincipal: aws.String(customerNodeRole),
			Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}}))
		return key + "|" + aws.ToString(out.GrantId)
	}
	w.grants.customer, w.grants.other = grant(w.keys.customer), grant(w.keys.other)

	// S3: buckets with a policy, a public access block and encryption; the other connection's is
	// named as a LakeSail bucket; a bucket named like ours lives in a foreign account whose owner lets our account do anything with it.
	w.buckets.customer, w.buckets.other = "customer-datalake", "lakesail-"+otherLower+"-"+strings.ToLower(networkID)+"-ws"
	for _, b := range []string{w.buckets.customer, w.buckets.other} {
		must1[*s3.CreateBucketOutput](t)(s3API.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String(b)}))
		must1[*s3.PutPublicAccessBlockOutput](t)(s3API.PutPublicAccessBlock(bg, &s3.PutPublicAccessBlockInput{Bucket: aws.String(b), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}))
		must1[*s3.PutBucketEncryptionOutput](t)(s3API.PutBucketEncryption(bg, &s3.PutBucketEncryptionInput{Bucket: aws.String(b), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(w.keys.customer)}}}}}))
		must1[*s3.PutBucketPolicyOutput](t)(s3API.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(tlsOnly(b))}))
	}
	must1[*s3.PutBucketTaggingOutput](t)(s3API.PutBucketTagging(bg, &s3.PutBucketTaggingInput{Bucket: aws.String(w.buckets.other), Tagging: s3Tagging(other)}))
	w.foreignBucket = "lakesail-" + strings.ToLower(connID) + "-" + strings.ToLower(networkID) + "-exfil"
	foreign := w.emu.TLSAWSConfig(aws.NewCredentialsCache(staticCreds(w.emu.AddAccount(foreignAccount))))
	foreignS3 := s3Client(foreign)
	must1[*s3.CreateBucketOutput](t)(foreignS3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String(w.foreignBucket)}))
	must1[*s3.PutBucketPolicyOutput](t)(foreignS3.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: aws.String(w.foreignBucket), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + w.account + `:root"},"Action":"s3:*","Resource":["arn:aws:s3:::` + w.foreignBucket + `","arn:aws:s3:::` + w.foreignBucket + `/*"]}]}`)}))

	// EC2: a VPC with a subnet, a route table, an attached internet gateway, a security group,
	// a launch template and an instance launched from it; for the customer and the other connection.
	makeEC2 := func(cidr string, tags map[string]string, name string) (vpc, subnet, rtb, igw, sg, lt, instance string) {
		v := must1[*ec2.CreateVpcOutput](t)(ec2API.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr + ".0.0/16"), TagSpecifications: ec2Tags(ec2types.ResourceTypeVpc, tags)}))
		vpc = aws.ToString(v.Vpc.VpcId)
		for i, zone := range []string{"us-east-1a", "us-east-1b"} {
			sn := must1[*ec2.CreateSubnetOutput](t)(ec2API.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(fmt.Sprintf("%s.%d.0/24", cidr, i)),
				AvailabilityZone: aws.String(zone), TagSpecifications: ec2Tags(ec2types.ResourceTypeSubnet, tags)}))
			if i == 0 {
				subnet = aws.ToString(sn.Subnet.SubnetId)
			}
		}
		rtb = aws.ToString(must1[*ec2.CreateRouteTableOutput](t)(ec2API.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc),
			TagSpecifications: ec2Tags(ec2types.ResourceTypeRouteTable, tags)})).RouteTable.RouteTableId)
		igw = aws.ToString(must1[*ec2.CreateInternetGatewayOutput](t)(ec2API.CreateInternetGateway(bg, &ec2.CreateInternetGatewayInput{
			TagSpecifications: ec2Tags(ec2types.ResourceTypeInternetGateway, tags)})).InternetGateway.InternetGatewayId)
		must1[*ec2.AttachInternetGatewayOutput](t)(ec2API.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpc)}))
		sg = aws.ToString(must1[*ec2.CreateSecurityGroupOutput](t)(ec2API.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: aws.String(vpc), GroupName: aws.String(name + "-sg"),
			Description: aws.String(name), TagSpecifications: ec2Tags(ec2types.ResourceTypeSecurityGroup, tags)})).GroupId)
		lt = aws.ToString(must1[*ec2.CreateLaunchTemplateOutput](t)(ec2API.CreateLaunchTemplate(bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name + "-nodes"),
			TagSpecifications: ec2Tags(ec2types.ResourceTypeLaunchTemplate, tags),
			LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(image), InstanceType: ec2types.InstanceTypeT3Medium,
				NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), SubnetId: aws.String(subnet), Groups: []string{sg}}}}})).LaunchTemplate.LaunchTemplateId)
		run := must1[*ec2.RunInstancesOutput](t)(ec2API.RunInstances(bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			LaunchTemplate: &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)}, TagSpecifications: ec2Tags(ec2types.ResourceTypeInstance, tags)}))
		instance = aws.ToString(run.Instances[0].InstanceId)
		return
	}
	w.vpcs.customer, w.subnets.customer, w.routeTables.customer, w.igws.customer, w.groups.customer, w.templates.customer, w.instances.customer =
		makeEC2("172.20", map[string]string{"Owner": "customer"}, "customer")
	w.vpcs.other, w.subnets.other, w.routeTables.other, w.igws.other, w.groups.other, w.templates.other, w.instances.other =
		makeEC2("172.30", other, otherPrefix+networkID)
	_ = customer

	// EKS: a cluster with a node group, an add-on and an access entry, each.
	eksAPI := eks.NewFromConfig(w.root)
	makeEKS := func(name, clusterRole, nodeRole, vpc string, tags map[string]string) {
		subnets := must1[*ec2.DescribeSubnetsOutput](t)(ec2API.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}}))
		var ids []string
		for _, sn := range subnets.Subnets {
			ids = append(ids, aws.ToString(sn.SubnetId))
		}
		must1[*eks.CreateClusterOutput](t)(eksAPI.CreateCluster(bg, &eks.CreateClusterInput{Name: aws.String(name), RoleArn: aws.String(clusterRole), Version: aws.String("1.32"),
			ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: ids}, Tags: tags,
			AccessConfig: &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApi}}))
		waitActive(t, eksAPI, name)
		must1[*eks.CreateNodegroupOutput](t)(eksAPI.CreateNodegroup(bg, &eks.CreateNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String("system"),
			NodeRole: aws.String(nodeRole), Subnets: ids, Tags: tags}))
		must1[*eks.CreateAddonOutput](t)(eksAPI.CreateAddon(bg, &eks.CreateAddonInput{ClusterName: aws.String(name), AddonName: aws.String("vpc-cni"), Tags: tags}))
		must1[*eks.CreateAccessEntryOutput](t)(eksAPI.CreateAccessEntry(bg, &eks.CreateAccessEntryInput{ClusterName: aws.String(name), PrincipalArn: aws.String(nodeRole), Tags: tags}))
	}
	w.clusters.customer, w.clusters.other = "customer-analytics", otherPrefix+workspaceID
	makeEKS(w.clusters.customer, aws.ToString(customerEKSRole.Role.Arn), customerNodeRole, w.vpcs.customer, nil)
	makeEKS(w.clusters.other, aws.ToString(otherEKSRole.Role.Arn), otherNodeRole, w.vpcs.other, other)
	w.nodegroups.customer, w.nodegroups.other = w.clusters.customer+"/system", w.clusters.other+"/system"
	w.addons.customer, w.addons.other = w.clusters.customer+"/vpc-cni", w.clusters.other+"/vpc-cni"
	w.accessEntries.customer, w.accessEntries.other = w.clusters.customer+"|"+customerNodeRole, w.clusters.other+"|"+otherNodeRole

	// ACM: imported certificates.
	acmAPI := acm.NewFromConfig(w.root)
	importCert := func(cn string, tags map[string]string) string {
		cert, key := selfSigned(t, cn)
		var at []acmTag
		for _, k := range sortedKeys(tags) {
			at = append(at, acmTag{k, tags[k]})
		}
		out := must1[*acm.ImportCertificateOutput](t)(acmAPI.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: cert, PrivateKey: key, Tags: acmTags(at)}))
		return aws.ToString(out.CertificateArn)
	}
	w.certs.customer, w.certs.other = importCert("shop.customer.example", nil), importCert("sessions."+strings.ToLower(otherID)+".lakesail.example", other)

	// SSM, Logs, Glue.
	ssmAPI := ssm.NewFromConfig(w.root)
	w.params.customer, w.params.other = "/customer/db/password", "/lakesail/"+otherID+"/"+workspaceID+"/konnectivity/ca"
	must1[*ssm.PutParameterOutput](t)(ssmAPI.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String(w.params.customer), Value: aws.String("hunter2"), Type: ssmtypes.ParameterTypeSecureString}))
	var st []ssmtypes.Tag
	for _, k := range sortedKeys(other) {
		st = append(st, ssmtypes.Tag{Key: aws.String(k), Value: aws.String(other[k])})
	}
	must1[*ssm.PutParameterOutput](t)(ssmAPI.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String(w.params.other), Value: aws.String("ca"), Type: ssmtypes.ParameterTypeString, Tags: st}))
	logsAPI := cloudwatchlogs.NewFromConfig(w.root)
	w.logGroups.customer, w.logGroups.other = "/customer/app", "/aws/eks/"+otherPrefix+workspaceID+"/cluster"
	must1[*cloudwatchlogs.CreateLogGroupOutput](t)(logsAPI.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(w.logGroups.customer)}))
	must1[*cloudwatchlogs.CreateLogGroupOutput](t)(logsAPI.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(w.logGroups.other), Tags: other}))
	glueAPI := glue.NewFromConfig(w.root)
	w.databases.customer, w.databases.other = "customer_sales", "lakesail_"+otherLower+"_analytics"
	must1[*glue.CreateDatabaseOutput](t)(glueAPI.CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(w.databases.customer)}}))
	must1[*glue.CreateDatabaseOutput](t)(glueAPI.CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(w.databases.other)}, Tags: other}))
}

// buildWorkloadPrincipals makes each role the workspace created into a principal: its trust
// gains a statement admitting the account's root (its permissions are unchanged), and the
// connection role gives it an inline policy allowing everything, so that only WorkloadBoundary
// stands between it and the account (when the connection role may not do that, the role keeps
// only its own policies).
func (w *world) buildWorkloadPrincipals(t *testing.T, s workspace.Spec) {
	t.Helper()
	rootIAM := iam.NewFromConfig(w.root)
	connIAM := iam.NewFromConfig(w.connection.cfg)
	names := []string{s.ClusterRoleName(), s.NodeRoleName()}
	for _, p := range workspace.WorkloadPurposes() {
		names = append(names, s.WorkloadRoleName(p))
	}
	stsAPI := sts.NewFromConfig(w.root)
	for _, name := range names {
		role := must1[*iam.GetRoleOutput](t)(rootIAM.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String(name)}))
		trust, err := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
		must(t, err)
		var doc map[string]any
		must(t, json.Unmarshal([]byte(trust), &doc))
		doc["Statement"] = append(asList(doc["Statement"]), map[string]any{"Sid": "EnvelopeTestAssumesThisRole", "Effect": "Allow",
			"Principal": map[string]any{"AWS": "arn:aws:iam::" + w.account + ":root"}, "Action": "sts:AssumeRole"})
		b, _ := json.Marshal(doc)
		must1[*iam.UpdateAssumeRolePolicyOutput](t)(rootIAM.UpdateAssumeRolePolicy(bg, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(name), PolicyDocument: aws.String(string(b))}))
		_, err = connIAM.PutRolePolicy(bg, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("envelope-escalation"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
		w.escalated[name] = err == nil
		if err != nil {
			t.Logf("the connection role could not put an allow-all inline policy on %s (%s): it keeps its own policies", name, errCode(err))
		}
		out := must1[*sts.AssumeRoleOutput](t)(stsAPI.AssumeRole(bg, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("envelope")}))
		creds := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
			SessionToken: aws.ToString(out.Credentials.SessionToken), Source: "envelope"}
		cfg := w.emu.TLSAWSConfig(staticCreds(creds))
		cfg.Retryer = fastRetryer
		short := strings.TrimPrefix(name, "lakesail-"+connID+"-"+workspaceID+"-")
		w.workloads = append(w.workloads, principal{name: short + "-role", cfg: cfg, session: ":assumed-role/" + name + "/"})
	}
}

// isEscalated tells whether p is a workload role the connection role escalated to Allow *:*, so
// that WorkloadBoundary alone decides what it may do.
func (w *world) isEscalated(p principal) bool {
	return w.escalated[strings.TrimSuffix(strings.TrimPrefix(p.session, ":assumed-role/"), "/")]
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func staticCreds(c aws.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })
}

func waitActive(t *testing.T, api *eks.Client, name string) {
	t.Helper()
	for range 500 {
		out, err := api.DescribeCluster(bg, &eks.DescribeClusterInput{Name: aws.String(name)})
		must(t, err)
		if out.Cluster.Status == ekstypes.ClusterStatusActive {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("cluster %s never became ACTIVE", name)
}

func tlsOnly(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
}

func s3Tagging(m map[string]string) *s3types.Tagging {
	out := &s3types.Tagging{}
	for _, k := range sortedKeys(m) {
		out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// selfSigned is a throwaway ECDSA certificate and key in PEM.
func selfSigned(t *testing.T, cn string) (cert, key []byte) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	must(t, err)
	pk, err := x509.MarshalPKCS8PrivateKey(priv)
	must(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})
}

// errCode is the AWS error code of err ("" when it is not an AWS error).
func errCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// refused reports whether err is the service's authorization refusal.
func refused(err error) bool {
	code := errCode(err)
	return strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation"
}

// lastCall describes the call log's last call by p, for a failure message.
func (w *world) lastCall(p principal) string {
	calls := w.emu.Calls()
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		if strings.Contains(c.Principal, p.session) {
			return fmt.Sprintf("%s decided %s on %v (error %q)", c.Action, c.Decision, c.Resources, c.ErrorCode)
		}
	}
	return "no call logged"
}

// wantRefused fails the test unless err is an authorization refusal; it names what the emulator decided.
func (w *world) wantRefused(t *testing.T, p principal, what string, err error) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("ALLOWED: %s as %s succeeded; call log: %s", what, p.name, w.lastCall(p))
	case errCode(err) == "DryRunOperation":
		t.Errorf("ALLOWED: %s as %s would succeed (DryRun); call log: %s", what, p.name, w.lastCall(p))
	case !refused(err):
		t.Errorf("NOT REFUSED: %s as %s failed with %v instead of an authorization refusal; call log: %s", what, p.name, err, w.lastCall(p))
	}
}

// residuals are the calls the envelope cannot refuse because IAM cannot tell them apart from a
// call the product needs, keyed "<principal>/<target>/<action>". The guide
// (docs/guides/reviewing-iam-and-revoking-access.md, "What IAM cannot express") lists them with
// what closes them. Each is asserted to be allowed, so that the guide is corrected when one stops
// being so, and the attacks that would make it matter (every other mutation, after the tag) are
// still refused by the matrix.
var residuals = map[string]string{
	"connection-role/customer/acm:AddTagsToCertificate": "ImportCertificate with tags checks acm:AddTagsToCertificate on the new " +
		"certificate, which no condition tells from an existing one; a certificate's tags grant the role nothing but a read",
	"connection-role/customer/iam:TagOpenIDConnectProvider": "CreateOpenIDConnectProvider with tags checks iam:TagOpenIDConnectProvider " +
		"on the new provider, which no condition tells from an existing one; a provider's tags grant the role nothing but a read",
}

// wantResidual checks a documented residual: the call goes through (see residuals).
func (w *world) wantResidual(t *testing.T, p principal, what, reason string, err error) {
	t.Helper()
	if err != nil && errCode(err) != "DryRunOperation" {
		t.Errorf("%s as %s is now refused (%v): it is listed as a residual risk (%s); update residuals and the guide", what, p.name, err, reason)
	}
}

// wantAllowed fails the test unless the call was authorized (DryRunOperation counts as allowed).
func (w *world) wantAllowed(t *testing.T, p principal, what string, err error) {
	t.Helper()
	if err != nil && errCode(err) != "DryRunOperation" {
		t.Errorf("positive control: %s as %s failed: %v; call log: %s", what, p.name, err, w.lastCall(p))
	}
}

// attack is one mutating action on one resource.
type attack struct {
	name string
	call func(p principal, id string) error
}

// target is a resource the principals must not touch: its label ("customer", "other-connection")
// and its id.
type target struct{ label, id string }

func (o owned) foreign() []target {
	return []target{{"customer", o.customer}, {"other-connection", o.other}}
}

// principals are the workload roles, then the connection role (so that what the connection role
// manages to do cannot change what the workload roles are tested on).
func (w *world) principals() []principal {
	return append(append([]principal(nil), w.workloads...), w.connection)
}

// runEnvelope tries every attack on every target as every principal, once directly and once
// after trying to put LakeSail-Connection=<our id> on the target (tag's error is ignored: the tag
// itself is one of the attacks). Each (principal, target, action, order) is a subtest.
func (w *world) runEnvelope(t *testing.T, kind string, targets []target, tag func(p principal, id string) error, attacks []attack) {
	t.Helper()
	for _, p := range w.principals() {
		for _, tg := range targets {
			orders := []string{"direct", "after-tag"}
			if tag == nil {
				orders = orders[:1]
			}
			for _, order := range orders {
				for _, a := range attacks {
					t.Run(p.name+"/"+kind+"-"+tg.label+"/"+a.name+"/"+order, func(t *testing.T) {
						if order == "after-tag" {
							_ = tag(p, tg.id)
						}
						what := a.name + " on " + tg.label + " " + kind + " " + tg.id
						if reason, ok := residuals[p.name+"/"+tg.label+"/"+a.name]; ok {
							w.wantResidual(t, p, what, reason, a.call(p, tg.id))
							return
						}
						w.wantRefused(t, p, what, a.call(p, tg.id))
					})
				}
			}
		}
	}
}

type acmTag struct{ k, v string }

// errDenied stands in for a refusal a service reports in its result rather than as an error.
var errDenied = &smithy.GenericAPIError{Code: "AccessDenied", Message: "reported as not processed"}

// TestEnvelopePositiveControls: the same principals can do, on the connection's own resources,
// what the product needs, so that the envelope tests cannot pass because everything is denied.
func TestEnvelopePositiveControls(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c := w.connection
	ours := connTags(connID)
	checks := []struct {
		name string
		p    principal
		call func() error
	}{
		{"iam:TagRole on our node role", c, func() error { return tagIAMRole(c, w.roles.ours) }},
		{"iam:TagOpenIDConnectProvider on our provider", c, func() error { return tagOIDC(c, w.oidc.ours) }},
		{"kms:EnableKeyRotation on our key", c, func() error {
			_, err := kmsOf(c).EnableKeyRotation(bg, &kms.EnableKeyRotationInput{KeyId: aws.String(w.keys.ours)})
			return err
		}},
		{"kms:CreateAlias on our key", c, func() error {
			_, err := kmsOf(c).CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/lakesail-" + connID + "-extra"), TargetKeyId: aws.String(w.keys.ours)})
			return err
		}},
		{"s3:PutBucketTagging on our bucket", c, func() error { return tagBucket(c, w.buckets.ours) }},
		{"s3:GetBucketPolicy on our bucket", c, func() error {
			_, err := s3Of(c).GetBucketPolicy(bg, &s3.GetBucketPolicyInput{Bucket: aws.String(w.buckets.ours)})
			return err
		}},
		{"ec2:CreateTags on our VPC", c, func() error { return tagEC2(c, w.vpcs.ours) }},
		{"ec2:RunInstances from our launch template", c, func() error {
			_, err := ec2Of(c).RunInstances(bg, &ec2.RunInstancesInput{DryRun: dry, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
				LaunchTemplate: &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(w.templates.ours)}})
			return err
		}},
		{"ec2:CreateLaunchTemplateVersion on our template", c, func() error {
			_, err := ec2Of(c).CreateLaunchTemplateVersion(bg, &ec2.CreateLaunchTemplateVersionInput{DryRun: dry, LaunchTemplateId: aws.String(w.templates.ours),
				LaunchTemplateData: &ec2types.RequestLaunchTemplateData{InstanceType: ec2types.InstanceTypeT3Large}})
			return err
		}},
		{"ec2:AuthorizeSecurityGroupIngress on our group", c, func() error {
			_, err := ec2Of(c).AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{DryRun: dry, GroupId: aws.String(w.groups.ours),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.20.0.0/16")}}}}})
			return err
		}},
		{"eks:TagResource on our cluster", c, func() error {
			_, err := eksOf(c).TagResource(bg, &eks.TagResourceInput{ResourceArn: aws.String(w.ws.ClusterARN), Tags: ours})
			return err
		}},
		{"acm:AddTagsToCertificate on our certificate", c, func() error { return tagCert(c, w.certs.ours) }},
		{"ssm:PutParameter overwrite of our parameter", c, func() error {
			_, err := ssmOf(c).PutParameter(bg, &ssm.PutParameterInput{Name: aws.String(w.params.ours), Value: aws.String("rotated"), Overwrite: aws.Bool(true),
				Type: ssmtypes.ParameterTypeSecureString, KeyId: aws.String(w.keys.ours)})
			return err
		}},
		{"logs:PutRetentionPolicy on our log group", c, func() error {
			_, err := logsOf(c).PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(w.logGroups.ours), RetentionInDays: aws.Int32(90)})
			return err
		}},
		{"glue:TagResource on our database", c, func() error {
			_, err := glueOf(c).TagResource(bg, &glue.TagResourceInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:" + w.account + ":database/" + w.databases.ours), TagsToAdd: ours})
			return err
		}},
	}
	for _, p := range w.workloads {
		switch {
		case strings.HasPrefix(p.name, "storage"):
			checks = append(checks, struct {
				name string
				p    principal
				call func() error
			}{"s3:PutObject into our bucket", p, func() error {
				_, err := s3Of(p).PutObject(bg, &s3.PutObjectInput{Bucket: aws.String(w.buckets.ours), Key: aws.String("tables/x.parquet"), Body: strings.NewReader("x")})
				return err
			}})
		case strings.HasPrefix(p.name, "node"):
			checks = append(checks, struct {
				name string
				p    principal
				call func() error
			}{"ec2:DescribeInstances", p, func() error {
				_, err := ec2Of(p).DescribeInstances(bg, &ec2.DescribeInstancesInput{})
				return err
			}})
		case strings.HasPrefix(p.name, "cluster"):
			checks = append(checks, struct {
				name string
				p    principal
				call func() error
			}{"kms:DescribeKey on our key", p, func() error {
				_, err := kmsOf(p).DescribeKey(bg, &kms.DescribeKeyInput{KeyId: aws.String(w.keys.ours)})
				return err
			}})
		}
	}
	for _, ch := range checks {
		t.Run(ch.p.name+"/"+ch.name, func(t *testing.T) { w.wantAllowed(t, ch.p, ch.name, ch.call()) })
	}
}
