package awsemu

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// A session without iam:PassRole for the cluster role cannot create a cluster: EKS's 403
// AccessDeniedException, naming the action and the role.
func TestEmuEKSCreateClusterNeedsPassRole(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	role, _ := eksRoles(t, e)
	noPass := eksSession(t, e, "no-pass", doc(allow("eks:*", "*")))
	_, err := noPass.CreateCluster(bg, eksClusterInput("p", role))
	var denied *ekstypes.AccessDeniedException
	var re *awshttp.ResponseError
	if !errors.As(err, &denied) || !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Fatalf("CreateCluster without PassRole: %v", err)
	}
	wantContains(t, errMessage(err), "is not authorized to perform: iam:PassRole on resource: "+role)

	// iam:PassedToService must name EKS.
	toEC2 := eksSession(t, e, "pass-to-ec2", doc(allow("eks:*", "*"), stmt{Effect: "Allow", Action: "iam:PassRole", Resource: role,
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ec2.amazonaws.com"}}}))
	_, err = toEC2.CreateCluster(bg, eksClusterInput("p", role))
	wantCode(t, err, "AccessDeniedException")
	toEKS := eksSession(t, e, "pass-to-eks", doc(allow("eks:*", "*"), stmt{Effect: "Allow", Action: "iam:PassRole", Resource: role,
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "eks.amazonaws.com"}}}))
	_, err = toEKS.CreateCluster(bg, eksClusterInput("p", role))
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
	role, _ := eksRoles(t, e)
	blue := map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "blue"}}
	owned := map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}
	s := eksSession(t, e, "blue-team", doc(
		stmt{Effect: "Allow", Action: "eks:CreateCluster", Resource: "*", Condition: blue},
		stmt{Effect: "Allow", Action: "eks:TagResource", Resource: "*", Condition: blue},
		stmt{Effect: "Allow", Action: []string{"eks:DescribeCluster", "eks:DeleteCluster", "eks:UpdateClusterConfig"}, Resource: "*", Condition: owned},
		allow("iam:PassRole", role),
	))
	in := eksClusterInput("blue", role)
	in.Tags = map[string]string{"team": "blue"}
	_, err := s.CreateCluster(bg, in)
	must(t, err)
	red := eksClusterInput("red", role)
	red.Tags = map[string]string{"team": "red"}
	_, err = s.CreateCluster(bg, red)
	wantCode(t, err, "AccessDeniedException")
	_, err = s.CreateCluster(bg, eksClusterInput("untagged", role))
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
	role, _ := eksRoles(t, e)
	s := eksSession(t, e, "private-only", doc(
		stmt{Effect: "Allow", Action: "eks:CreateCluster", Resource: "*", Condition: map[string]any{
			"Bool":         map[string]any{"eks:endpointPublicAccess": "false", "eks:bootstrapClusterCreatorAdminPermissions": "false"},
			"StringEquals": map[string]any{"eks:authenticationMode": "API", "eks:kubernetesVersion": "1.33"},
		}},
		stmt{Effect: "Allow", Action: "eks:UpdateClusterConfig", Resource: "*", Condition: map[string]any{"Bool": map[string]any{"eks:endpointPublicAccess": "false"}}},
		allow("iam:PassRole", role),
	))
	in := eksClusterInput("priv", role)
	in.Version = aws.String("1.33")
	in.ResourcesVpcConfig.EndpointPublicAccess = aws.Bool(false)
	in.ResourcesVpcConfig.EndpointPrivateAccess = aws.Bool(true)
	in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApi, BootstrapClusterCreatorAdminPermissions: aws.Bool(false)}
	_, err := s.CreateCluster(bg, in)
	must(t, err)
	public := eksClusterInput("pub", role)
	public.Version = aws.String("1.33")
	public.AccessConfig = in.AccessConfig
	_, err = s.CreateCluster(bg, public)
	wantCode(t, err, "AccessDeniedException")
	clock.Advance(eksTestDelay)
	_, err = s.UpdateClusterConfig(bg, &eks.UpdateClusterConfigInput{Name: aws.String("priv"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{EndpointPublicAccess: aws.Bool(true)}})
	wantCode(t, err, "AccessDeniedException")
}
