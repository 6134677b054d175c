package awsemu

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
)

// A session without iam:PassRole for the cluster role cannot create a cluster: EKS's 403
// AccessDeniedException, naming the action and the role.
func TestEmuEKSCreateClusterNeedsPassRole(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	role, _, net := eksFixture(t, e)
	noPass := eksSession(t, e, "no-pass", doc(allow("eks:*", "*")))
	_, err := noPass.CreateCluster(bg, eksClusterInput("p", role, net))
	var denied *ekstypes.AccessDeniedException
	var re *awshttp.ResponseError
	if !errors.As(err, &denied) || !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Fatalf("CreateCluster without PassRole: %v", err)
	}
	wantContains(t, errMessage(err), "is not authorized to perform: iam:PassRole on resource: "+role)

	// iam:PassedToService must name EKS.
	toEC2 := eksSession(t, e, "pass-to-ec2", doc(allow("eks:*", "*"), stmt{Effect: "Allow", Action: "iam:PassRole", Resource: role,
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ec2.amazonaws.com"}}}))
	_, err = toEC2.CreateCluster(bg, eksClusterInput("p", role, net))
	wantCode(t, err, "AccessDeniedException")
	toEKS := eksSession(t, e, "pass-to-eks", doc(allow([]string{"eks:*", "iam:CreateServiceLinkedRole"}, "*"), stmt{Effect: "Allow", Action: "iam:PassRole", Resource: role,
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "eks.amazonaws.com"}}}))
	_, err = toEKS.CreateCluster(bg, eksClusterInput("p", role, net))
	must(t, err)

	last := e.Calls()[len(e.Calls())-1]
	if last.Action != "eks:CreateCluster" || last.Decision != "allow" || last.Resources[0] != "*" {
		t.Fatalf("call log = %+v", last)
	}
}

// Tag conditions decide EKS calls both ways: aws:RequestTag on create (which also needs
// eks:TagResource), aws:ResourceTag on existing clusters.
func TestEmuEKSTagConditions(t *testing.T) {
	e, clock := newTestEmu(t, Options{TransitionDelay: eksTestDelay})
	role, _, net := eksFixture(t, e)
	blue := map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "blue"}}
	owned := map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}
	s := eksSession(t, e, "blue-team", doc(
		stmt{Effect: "Allow", Action: "eks:CreateCluster", Resource: "*", Condition: blue},
		stmt{Effect: "Allow", Action: "eks:TagResource", Resource: "*", Condition: blue},
		stmt{Effect: "Allow", Action: []string{"eks:DescribeCluster", "eks:DeleteCluster", "eks:UpdateClusterConfig"}, Resource: "*", Condition: owned},
		allow([]string{"iam:PassRole", "iam:CreateServiceLinkedRole"}, "*"),
	))
	in := eksClusterInput("blue", role, net)
	in.Tags = map[string]string{"team": "blue"}
	_, err := s.CreateCluster(bg, in)
	must(t, err)
	red := eksClusterInput("red", role, net)
	red.Tags = map[string]string{"team": "red"}
	_, err = s.CreateCluster(bg, red)
	wantCode(t, err, "AccessDeniedException")
	_, err = s.CreateCluster(bg, eksClusterInput("untagged", role, net))
	wantCode(t, err, "AccessDeniedException")

	red.ClientRequestToken = nil
	eksUpCluster(t, eksClient(e, e.RootCredentials()), clock, red)
	_, err = s.DescribeCluster(bg, &eks.DescribeClusterInput{Name: aws.String("blue")})
	must(t, err)
	_, err = s.DescribeCluster(bg, &eks.DescribeClusterInput{Name: aws.String("red")})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "eks:DescribeCluster on resource: arn:aws:eks:us-east-1:123456789012:cluster/red")
	_, err = s.DeleteCluster(bg, &eks.DeleteClusterInput{Name: aws.String("red")})
	wantCode(t, err, "AccessDeniedException")
	_, err = s.DeleteCluster(bg, &eks.DeleteClusterInput{Name: aws.String("blue")})
	must(t, err)
}

// Service condition keys: a policy can insist on a private endpoint and API authentication.
func TestEmuEKSServiceConditionKeys(t *testing.T) {
	e, clock := newTestEmu(t, Options{TransitionDelay: eksTestDelay})
	role, _, net := eksFixture(t, e)
	s := eksSession(t, e, "private-only", doc(
		stmt{Effect: "Allow", Action: "eks:CreateCluster", Resource: "*", Condition: map[string]any{
			"Bool":         map[string]any{"eks:endpointPublicAccess": "false", "eks:bootstrapClusterCreatorAdminPermissions": "false"},
			"StringEquals": map[string]any{"eks:authenticationMode": "API", "eks:kubernetesVersion": "1.33"},
		}},
		stmt{Effect: "Allow", Action: "eks:UpdateClusterConfig", Resource: "*", Condition: map[string]any{"Bool": map[string]any{"eks:endpointPublicAccess": "false"}}},
		allow([]string{"iam:PassRole", "iam:CreateServiceLinkedRole"}, "*"),
	))
	in := eksClusterInput("priv", role, net)
	in.Version = aws.String("1.33")
	in.ResourcesVpcConfig.EndpointPublicAccess = aws.Bool(false)
	in.ResourcesVpcConfig.EndpointPrivateAccess = aws.Bool(true)
	in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApi, BootstrapClusterCreatorAdminPermissions: aws.Bool(false)}
	_, err := s.CreateCluster(bg, in)
	must(t, err)
	public := eksClusterInput("pub", role, net)
	public.Version = aws.String("1.33")
	public.AccessConfig = in.AccessConfig
	_, err = s.CreateCluster(bg, public)
	wantCode(t, err, "AccessDeniedException")
	clock.Advance(eksTestDelay)
	_, err = s.UpdateClusterConfig(bg, &eks.UpdateClusterConfigInput{Name: aws.String("priv"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{EndpointPublicAccess: aws.Bool(true)}})
	wantCode(t, err, "AccessDeniedException")
}

// EKS makes its service-linked roles on first use, which needs iam:CreateServiceLinkedRole for
// eks.amazonaws.com (clusters) and eks-nodegroup.amazonaws.com (node groups).
func TestEmuEKSServiceLinkedRoles(t *testing.T) {
	e, clock := newTestEmu(t, Options{TransitionDelay: eksTestDelay})
	role, nodeRole, net := eksFixture(t, e)
	slr := func(svc string) stmt {
		return stmt{Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": svc}}}
	}
	s := eksSession(t, e, "eks-admin", doc(allow([]string{"eks:*", "iam:PassRole"}, "*"), slr("eks.amazonaws.com")))
	_, err := eksSession(t, e, "no-slr", doc(allow([]string{"eks:*", "iam:PassRole"}, "*"))).CreateCluster(bg, eksClusterInput("a", role, net))
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "iam:CreateServiceLinkedRole on resource: arn:aws:iam::123456789012:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS")
	eksUpCluster(t, s, clock, eksClusterInput("a", role, net))
	got, err := iamClient(e, e.RootCredentials()).GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForAmazonEKS")})
	must(t, err)
	if *got.Role.Path != "/aws-service-role/eks.amazonaws.com/" {
		t.Fatalf("service-linked role = %+v", got.Role)
	}
	ng := &eks.CreateNodegroupInput{ClusterName: aws.String("a"), NodegroupName: aws.String("n"), NodeRole: aws.String(nodeRole), Subnets: net.subnets}
	_, err = s.CreateNodegroup(bg, ng)
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "AWSServiceRoleForAmazonEKSNodegroup")
	ng.ClientRequestToken = nil
	_, err = eksSession(t, e, "ng-admin", doc(allow([]string{"eks:*", "iam:PassRole"}, "*"), slr("eks-nodegroup.amazonaws.com"))).CreateNodegroup(bg, ng)
	must(t, err)
	// Once the roles exist, no one needs the permission again.
	_, err = eksSession(t, e, "later", doc(allow([]string{"eks:*", "iam:PassRole"}, "*"))).CreateCluster(bg, eksClusterInput("b", role, net))
	must(t, err)
}

// The cluster's subnets and security groups come from EC2, and EKS's cluster security group
// keeps the VPC from being deleted until the cluster is gone.
func TestEmuEKSClusterNetwork(t *testing.T) {
	e, clock := newTestEmu(t, Options{TransitionDelay: eksTestDelay})
	role, _, net := eksFixture(t, e)
	c := eksClient(e, e.RootCredentials())
	ec2c := ec2.NewFromConfig(e.AWSConfig(static(e.RootCredentials())), func(o *ec2.Options) { o.Retryer = fastRetry() })
	other, err := ec2c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	must(t, err)
	elsewhere, err := ec2c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: other.Vpc.VpcId, CidrBlock: aws.String("10.9.1.0/24"), AvailabilityZone: aws.String("us-east-1c")})
	must(t, err)
	sameZone, err := ec2c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: aws.String(net.vpc), CidrBlock: aws.String("10.0.3.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	must(t, err)
	for name, subnets := range map[string][]string{
		"unknown subnet": {net.subnets[0], "subnet-0123456789abcdef0"},
		"two VPCs":       {net.subnets[0], *elsewhere.Subnet.SubnetId},
		"one zone":       {net.subnets[0], *sameZone.Subnet.SubnetId},
	} {
		in := eksClusterInput("x", role, net)
		in.ResourcesVpcConfig.SubnetIds = subnets
		if _, err := c.CreateCluster(bg, in); errCode(err) != "InvalidParameterException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	in := eksClusterInput("x", role, net)
	in.ResourcesVpcConfig.SecurityGroupIds = []string{"sg-0123456789abcdef0"}
	_, err = c.CreateCluster(bg, in)
	wantCode(t, err, "InvalidParameterException")

	cl := eksUpCluster(t, c, clock, eksClusterInput("net", role, net))
	sgs, err := ec2c.DescribeSecurityGroups(bg, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{*cl.ResourcesVpcConfig.ClusterSecurityGroupId}})
	must(t, err)
	if g := sgs.SecurityGroups[0]; *g.VpcId != net.vpc || !strings.HasPrefix(*g.GroupName, "eks-cluster-sg-net-") {
		t.Fatalf("cluster security group = %+v", g)
	}
	_, err = c.CreateNodegroup(bg, &eks.CreateNodegroupInput{ClusterName: aws.String("net"), NodegroupName: aws.String("n"), NodeRole: aws.String(role),
		Subnets: []string{*elsewhere.Subnet.SubnetId}})
	wantCode(t, err, "InvalidParameterException")

	for _, id := range append([]string{net.sg}, *sameZone.Subnet.SubnetId) {
		if strings.HasPrefix(id, "sg-") {
			_, err = ec2c.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
		} else {
			_, err = ec2c.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(id)})
		}
		must(t, err)
	}
	for _, id := range net.subnets {
		_, err = ec2c.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(id)})
		must(t, err)
	}
	_, err = ec2c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: aws.String(net.vpc)})
	wantCode(t, err, "DependencyViolation")
	_, err = c.DeleteCluster(bg, &eks.DeleteClusterInput{Name: aws.String("net")})
	must(t, err)
	waitClusterDeleted(t, c, clock, "net")
	_, err = ec2c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: aws.String(net.vpc)})
	must(t, err)
}

// Secrets encryption has EKS create a grant on the key as the caller: kms:CreateGrant via EKS,
// decided by the key policy and the caller's policies.
func TestEmuEKSSecretsKeyGrant(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	role, _, net := eksFixture(t, e)
	key := *createKey(t, kmsClient(e, e.RootCredentials()), nil).Arn
	base := allow([]string{"eks:*", "iam:PassRole", "iam:CreateServiceLinkedRole"}, "*")
	in := func(name string) *eks.CreateClusterInput {
		x := eksClusterInput(name, role, net)
		x.EncryptionConfig = []ekstypes.EncryptionConfig{{Resources: []string{"secrets"}, Provider: &ekstypes.Provider{KeyArn: aws.String(key)}}}
		return x
	}
	_, err := eksSession(t, e, "no-grant", doc(base)).CreateCluster(bg, in("a"))
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "kms:CreateGrant on resource: "+key)
	grant := stmt{Effect: "Allow", Action: "kms:CreateGrant", Resource: key, Condition: map[string]any{
		"StringEquals": map[string]any{"kms:ViaService": "eks.us-east-1.amazonaws.com"}, "Bool": map[string]any{"kms:GrantIsForAWSResource": "true"}}}
	_, err = eksSession(t, e, "grant", doc(base, grant)).CreateCluster(bg, in("b"))
	must(t, err)
}
