package eks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// A session without iam:PassRole for the cluster role cannot create a cluster: EKS's 403
// AccessDeniedException, naming the action and the role.
func TestEmuEKSCreateClusterNeedsPassRole(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	role, _, net := emutest.EksFixture(t, e)
	noPass := emutest.EksSession(t, e, "no-pass", emutest.Doc(emutest.Allow("eks:*", "*")))
	_, err := noPass.CreateCluster(emutest.Bg, emutest.EksClusterInput("p", role, net))
	var denied *ekstypes.AccessDeniedException
	var re *awshttp.ResponseError
	if !errors.As(err, &denied) || !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Fatalf("CreateCluster without PassRole: %v", err)
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "is not authorized to perform: iam:PassRole on resource: "+role)

	// iam:PassedToService must name EKS.
	toEC2 := emutest.EksSession(t, e, "pass-to-ec2", emutest.Doc(emutest.Allow("eks:*", "*"), emutest.Stmt{Effect: "Allow", Action: "iam:PassRole", Resource: role,
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ec2.amazonaws.com"}}}))
	_, err = toEC2.CreateCluster(emutest.Bg, emutest.EksClusterInput("p", role, net))
	emutest.WantCode(t, err, "AccessDeniedException")
	toEKS := emutest.EksSession(t, e, "pass-to-eks", emutest.Doc(emutest.Allow([]string{"eks:*", "iam:CreateServiceLinkedRole"}, "*"), emutest.Stmt{Effect: "Allow", Action: "iam:PassRole", Resource: role,
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "eks.amazonaws.com"}}}))
	_, err = toEKS.CreateCluster(emutest.Bg, emutest.EksClusterInput("p", role, net))
	emutest.Must(t, err)

	last := e.Calls()[len(e.Calls())-1]
	if last.Action != "eks:CreateCluster" || last.Decision != "allow" || last.Resources[0] != "*" {
		t.Fatalf("call log = %+v", last)
	}
}

// Tag conditions decide EKS calls both ways: aws:RequestTag on create (which also needs
// eks:TagResource), aws:ResourceTag on existing clusters.
func TestEmuEKSTagConditions(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	blue := map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "blue"}}
	owned := map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}
	s := emutest.EksSession(t, e, "blue-team", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "eks:CreateCluster", Resource: "*", Condition: blue},
		emutest.Stmt{Effect: "Allow", Action: "eks:TagResource", Resource: "*", Condition: blue},
		emutest.Stmt{Effect: "Allow", Action: []string{"eks:DescribeCluster", "eks:DeleteCluster", "eks:UpdateClusterConfig"}, Resource: "*", Condition: owned},
		emutest.Allow([]string{"iam:PassRole", "iam:CreateServiceLinkedRole"}, "*"),
	))
	in := emutest.EksClusterInput("blue", role, net)
	in.Tags = map[string]string{"team": "blue"}
	_, err := s.CreateCluster(emutest.Bg, in)
	emutest.Must(t, err)
	red := emutest.EksClusterInput("red", role, net)
	red.Tags = map[string]string{"team": "red"}
	_, err = s.CreateCluster(emutest.Bg, red)
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = s.CreateCluster(emutest.Bg, emutest.EksClusterInput("untagged", role, net))
	emutest.WantCode(t, err, "AccessDeniedException")

	red.ClientRequestToken = nil
	emutest.EksUpCluster(t, emutest.EksClient(e, e.RootCredentials()), clock, red)
	_, err = s.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("blue")})
	emutest.Must(t, err)
	_, err = s.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("red")})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "eks:DescribeCluster on resource: arn:aws:eks:us-east-1:123456789012:cluster/red")
	_, err = s.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: aws.String("red")})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = s.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: aws.String("blue")})
	emutest.Must(t, err)
}

// Service condition keys: a policy can insist on a private endpoint and API authentication.
func TestEmuEKSServiceConditionKeys(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	s := emutest.EksSession(t, e, "private-only", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "eks:CreateCluster", Resource: "*", Condition: map[string]any{
			"Bool":         map[string]any{"eks:endpointPublicAccess": "false", "eks:bootstrapClusterCreatorAdminPermissions": "false"},
			"StringEquals": map[string]any{"eks:authenticationMode": "API", "eks:kubernetesVersion": "1.33"},
		}},
		emutest.Stmt{Effect: "Allow", Action: "eks:UpdateClusterConfig", Resource: "*", Condition: map[string]any{"Bool": map[string]any{"eks:endpointPublicAccess": "false"}}},
		emutest.Allow([]string{"iam:PassRole", "iam:CreateServiceLinkedRole"}, "*"),
	))
	in := emutest.EksClusterInput("priv", role, net)
	in.Version = aws.String("1.33")
	in.ResourcesVpcConfig.EndpointPublicAccess = aws.Bool(false)
	in.ResourcesVpcConfig.EndpointPrivateAccess = aws.Bool(true)
	in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApi, BootstrapClusterCreatorAdminPermissions: aws.Bool(false)}
	_, err := s.CreateCluster(emutest.Bg, in)
	emutest.Must(t, err)
	public := emutest.EksClusterInput("pub", role, net)
	public.Version = aws.String("1.33")
	public.AccessConfig = in.AccessConfig
	_, err = s.CreateCluster(emutest.Bg, public)
	emutest.WantCode(t, err, "AccessDeniedException")
	clock.Advance(emutest.EksTestDelay)
	_, err = s.UpdateClusterConfig(emutest.Bg, &eks.UpdateClusterConfigInput{Name: aws.String("priv"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{EndpointPublicAccess: aws.Bool(true)}})
	emutest.WantCode(t, err, "AccessDeniedException")
}

// EKS makes its service-linked roles on first use, which needs iam:CreateServiceLinkedRole for
// eks.amazonaws.com (clusters) and eks-nodegroup.amazonaws.com (node groups).
func TestEmuEKSServiceLinkedRoles(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, nodeRole, net := emutest.EksFixture(t, e)
	slr := func(svc string) emutest.Stmt {
		return emutest.Stmt{Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": svc}}}
	}
	s := emutest.EksSession(t, e, "eks-admin", emutest.Doc(emutest.Allow([]string{"eks:*", "iam:PassRole"}, "*"), slr("eks.amazonaws.com")))
	_, err := emutest.EksSession(t, e, "no-slr", emutest.Doc(emutest.Allow([]string{"eks:*", "iam:PassRole"}, "*"))).CreateCluster(emutest.Bg, emutest.EksClusterInput("a", role, net))
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "iam:CreateServiceLinkedRole on resource: arn:aws:iam::123456789012:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS")
	emutest.EksUpCluster(t, s, clock, emutest.EksClusterInput("a", role, net))
	got, err := emutest.IamClient(e, e.RootCredentials()).GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForAmazonEKS")})
	emutest.Must(t, err)
	if *got.Role.Path != "/aws-service-role/eks.amazonaws.com/" {
		t.Fatalf("service-linked role = %+v", got.Role)
	}
	ng := &eks.CreateNodegroupInput{ClusterName: aws.String("a"), NodegroupName: aws.String("n"), NodeRole: aws.String(nodeRole), Subnets: net.Subnets}
	_, err = s.CreateNodegroup(emutest.Bg, ng)
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "AWSServiceRoleForAmazonEKSNodegroup")
	ng.ClientRequestToken = nil
	_, err = emutest.EksSession(t, e, "ng-admin", emutest.Doc(emutest.Allow([]string{"eks:*", "iam:PassRole"}, "*"), slr("eks-nodegroup.amazonaws.com"))).CreateNodegroup(emutest.Bg, ng)
	emutest.Must(t, err)
	// Once the roles exist, no one needs the permission again.
	_, err = emutest.EksSession(t, e, "later", emutest.Doc(emutest.Allow([]string{"eks:*", "iam:PassRole"}, "*"))).CreateCluster(emutest.Bg, emutest.EksClusterInput("b", role, net))
	emutest.Must(t, err)
}

// The cluster's subnets and security groups come from EC2, and EKS's cluster security group
// keeps the VPC from being deleted until the cluster is gone.
func TestEmuEKSClusterNetwork(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	ec2c := ec2.NewFromConfig(e.AWSConfig(emutest.Static(e.RootCredentials())), func(o *ec2.Options) { o.Retryer = emutest.FastRetry() })
	other, err := ec2c.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	emutest.Must(t, err)
	elsewhere, err := ec2c.CreateSubnet(emutest.Bg, &ec2.CreateSubnetInput{VpcId: other.Vpc.VpcId, CidrBlock: aws.String("10.9.1.0/24"), AvailabilityZone: aws.String("us-east-1c")})
	emutest.Must(t, err)
	sameZone, err := ec2c.CreateSubnet(emutest.Bg, &ec2.CreateSubnetInput{VpcId: aws.String(net.Vpc), CidrBlock: aws.String("10.0.3.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	emutest.Must(t, err)
	for name, subnets := range map[string][]string{
		"unknown subnet": {net.Subnets[0], "subnet-0123456789abcdef0"},
		"two VPCs":       {net.Subnets[0], *elsewhere.Subnet.SubnetId},
		"one zone":       {net.Subnets[0], *sameZone.Subnet.SubnetId},
	} {
		in := emutest.EksClusterInput("x", role, net)
		in.ResourcesVpcConfig.SubnetIds = subnets
		if _, err := c.CreateCluster(emutest.Bg, in); emutest.ErrCode(err) != "InvalidParameterException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	in := emutest.EksClusterInput("x", role, net)
	in.ResourcesVpcConfig.SecurityGroupIds = []string{"sg-0123456789abcdef0"}
	_, err = c.CreateCluster(emutest.Bg, in)
	emutest.WantCode(t, err, "InvalidParameterException")

	cl := emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("net", role, net))
	sgs, err := ec2c.DescribeSecurityGroups(emutest.Bg, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{*cl.ResourcesVpcConfig.ClusterSecurityGroupId}})
	emutest.Must(t, err)
	if g := sgs.SecurityGroups[0]; *g.VpcId != net.Vpc || !strings.HasPrefix(*g.GroupName, "eks-cluster-sg-net-") {
		t.Fatalf("cluster security group = %+v", g)
	}
	_, err = c.CreateNodegroup(emutest.Bg, &eks.CreateNodegroupInput{ClusterName: aws.String("net"), NodegroupName: aws.String("n"), NodeRole: aws.String(role),
		Subnets: []string{*elsewhere.Subnet.SubnetId}})
	emutest.WantCode(t, err, "InvalidParameterException")

	for _, id := range append([]string{net.Sg}, *sameZone.Subnet.SubnetId) {
		if strings.HasPrefix(id, "sg-") {
			_, err = ec2c.DeleteSecurityGroup(emutest.Bg, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
		} else {
			_, err = ec2c.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(id)})
		}
		emutest.Must(t, err)
	}
	for _, id := range net.Subnets {
		_, err = ec2c.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(id)})
		emutest.Must(t, err)
	}
	_, err = ec2c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(net.Vpc)})
	emutest.WantCode(t, err, "DependencyViolation")
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: aws.String("net")})
	emutest.Must(t, err)
	emutest.WaitClusterDeleted(t, c, clock, "net")
	_, err = ec2c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(net.Vpc)})
	emutest.Must(t, err)
}

// Secrets encryption has EKS create a grant on the key as the caller: kms:CreateGrant via EKS,
// decided by the key policy and the caller's policies.
func TestEmuEKSSecretsKeyGrant(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	role, _, net := emutest.EksFixture(t, e)
	key := *emutest.CreateKey(t, emutest.KmsClient(e, e.RootCredentials()), nil).Arn
	base := emutest.Allow([]string{"eks:*", "iam:PassRole", "iam:CreateServiceLinkedRole"}, "*")
	in := func(name string) *eks.CreateClusterInput {
		x := emutest.EksClusterInput(name, role, net)
		x.EncryptionConfig = []ekstypes.EncryptionConfig{{Resources: []string{"secrets"}, Provider: &ekstypes.Provider{KeyArn: aws.String(key)}}}
		return x
	}
	_, err := emutest.EksSession(t, e, "no-grant", emutest.Doc(base)).CreateCluster(emutest.Bg, in("a"))
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "kms:CreateGrant on resource: "+key)
	grant := emutest.Stmt{Effect: "Allow", Action: "kms:CreateGrant", Resource: key, Condition: map[string]any{
		"StringEquals": map[string]any{"kms:ViaService": "eks.us-east-1.amazonaws.com"}, "Bool": map[string]any{"kms:GrantIsForAWSResource": "true"}}}
	_, err = emutest.EksSession(t, e, "grant", emutest.Doc(base, grant)).CreateCluster(emutest.Bg, in("b"))
	emutest.Must(t, err)
}
