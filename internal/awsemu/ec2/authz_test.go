package ec2_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func cond(op, key string, value any) map[string]any {
	return map[string]any{op: map[string]any{key: value}}
}

// Tag-on-create: a role allowed ec2:CreateVpc only with its connection tag (and ec2:CreateTags
// only as part of CreateVpc) creates tagged VPCs and nothing else.
func TestEmuEC2AuthzRequestTags(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	s := emutest.Ec2Session(t, e, "network-builder", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "ec2:CreateVpc", Resource: "*", Condition: cond("StringEquals", "aws:RequestTag/LakeSail-Connection", "C1")},
		emutest.Stmt{Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:*:*:vpc/*", Condition: cond("StringEquals", "ec2:CreateAction", "CreateVpc")},
		emutest.Allow("ec2:DescribeVpcs", "*"),
	))
	vpc := emutest.Ec2MakeVpc(t, s, "", "LakeSail-Connection", "C1")

	_, err := s.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	msg := emutest.ErrMessage(err)
	emutest.WantContains(t, msg, "You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/network-builder/test-session "+
		"is not authorized to perform: ec2:CreateVpc on resource: arn:aws:ec2:us-east-1:123456789012:vpc/* because no identity-based policy allows the ec2:CreateVpc action. "+
		"Encoded authorization failure message: ")
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden {
		t.Fatalf("status of UnauthorizedOperation: %v", err)
	}
	_, err = s.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16"), TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeVpc, "LakeSail-Connection", "C2")})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	// Tagging outside a create is not allowed by the ec2:CreateAction condition.
	_, err = s.CreateTags(emutest.Bg, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []ec2types.Tag{{Key: aws.String("x"), Value: aws.String("y")}}})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:CreateTags on resource: arn:aws:ec2:us-east-1:123456789012:vpc/"+vpc)

	// Without ec2:CreateTags, a tagged create is denied on the tagging, as in AWS.
	noTag := emutest.Ec2Session(t, e, "no-create-tags", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "ec2:CreateVpc", Resource: "*", Condition: cond("StringEquals", "aws:RequestTag/LakeSail-Connection", "C1")},
	))
	_, err = noTag.CreateVpc(emutest.Bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.2.0.0/16"), TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeVpc, "LakeSail-Connection", "C1")})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "is not authorized to perform: ec2:CreateTags on resource: arn:aws:ec2:us-east-1:123456789012:vpc/*")

	// Describe calls are evaluated on "*": a statement scoped to VPC ARNs does not allow them.
	scoped := emutest.Ec2Session(t, e, "scoped-describe", emutest.Doc(emutest.Allow("ec2:DescribeVpcs", "arn:aws:ec2:*:*:vpc/*")))
	_, err = scoped.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:DescribeVpcs on resource: *")

	// DryRun answers whether the call would be allowed.
	_, err = s.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{DryRun: aws.Bool(true)})
	emutest.WantCode(t, err, "DryRunOperation")
	_, err = s.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc), DryRun: aws.Bool(true)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
}

// Existing resources are matched by their tags: a role scoped to its connection's VPCs cannot
// delete or add subnets to other VPCs. Each resource of a multi-resource action is evaluated with
// its own keys, so the new subnet (which has no tags yet) needs its own statement, as in AWS.
func TestEmuEC2AuthzResourceTags(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.Ec2Client(e, e.RootCredentials())
	mine := emutest.Ec2MakeVpc(t, root, "10.0.0.0/16", "LakeSail-Connection", "C1")
	theirs := emutest.Ec2MakeVpc(t, root, "10.1.0.0/16")
	s := emutest.Ec2Session(t, e, "scoped", emutest.Doc(
		emutest.Allow("ec2:CreateSubnet", "arn:aws:ec2:*:*:subnet/*"),
		emutest.Stmt{Effect: "Allow", Action: []string{"ec2:CreateSubnet", "ec2:DeleteVpc"}, Resource: "arn:aws:ec2:*:*:vpc/*",
			Condition: cond("StringEquals", "aws:ResourceTag/LakeSail-Connection", "C1")},
		emutest.Stmt{Effect: "Allow", Action: "ec2:DeleteSubnet", Resource: "*", Condition: cond("StringEquals", "ec2:Vpc", "arn:aws:ec2:us-east-1:123456789012:vpc/"+mine)},
	))
	before := len(e.Calls())
	subnet := emutest.Ec2MakeSubnet(t, s, mine, "10.0.0.0/24", "us-east-1a")
	_, err := s.CreateSubnet(emutest.Bg, &ec2.CreateSubnetInput{VpcId: aws.String(theirs), CidrBlock: aws.String("10.1.0.0/24")})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:CreateSubnet on resource: arn:aws:ec2:us-east-1:123456789012:vpc/"+theirs)
	_, err = s.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(theirs)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:DeleteVpc on resource: arn:aws:ec2:us-east-1:123456789012:vpc/"+theirs)

	// The call log names every resource each call was evaluated on, with the decision.
	calls := e.Calls()[before:]
	if len(calls) != 3 {
		t.Fatalf("calls = %+v", calls)
	}
	want := []string{
		fmt.Sprintf("CreateSubnet allow [arn:aws:ec2:us-east-1:123456789012:subnet/* arn:aws:ec2:us-east-1:123456789012:vpc/%s] ", mine),
		fmt.Sprintf("CreateSubnet deny [arn:aws:ec2:us-east-1:123456789012:subnet/* arn:aws:ec2:us-east-1:123456789012:vpc/%s] UnauthorizedOperation", theirs),
		fmt.Sprintf("DeleteVpc deny [arn:aws:ec2:us-east-1:123456789012:vpc/%s] UnauthorizedOperation", theirs),
	}
	for i, c := range calls {
		if got := fmt.Sprintf("%s %s %v %s", c.Operation, c.Decision, c.Resources, c.ErrorCode); got != want[i] {
			t.Errorf("call %d = %s, want %s", i, got, want[i])
		}
	}

	// ec2:Vpc scopes actions on resources inside the VPC.
	other := emutest.Ec2MakeSubnet(t, root, theirs, "10.1.0.0/24", "us-east-1a")
	_, err = s.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(other)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	_, err = s.DeleteSubnet(emutest.Bg, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
	emutest.Must(t, err)
	_, err = s.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(mine)})
	emutest.Must(t, err)

	// A blanket statement conditioned on resource tags cannot allow a create: the new subnet has none.
	blanket := emutest.Ec2Session(t, e, "blanket", emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "ec2:CreateSubnet", Resource: "*",
		Condition: cond("StringEquals", "aws:ResourceTag/LakeSail-Connection", "C1")}))
	tagged := emutest.Ec2MakeVpc(t, root, "10.2.0.0/16", "LakeSail-Connection", "C1")
	_, err = blanket.CreateSubnet(emutest.Bg, &ec2.CreateSubnetInput{VpcId: aws.String(tagged), CidrBlock: aws.String("10.2.0.0/24")})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "on resource: arn:aws:ec2:us-east-1:123456789012:subnet/*")

	// ec2:ResourceTag/* works like aws:ResourceTag/*.
	alias := emutest.Ec2Session(t, e, "alias", emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "ec2:ModifyVpcAttribute", Resource: "*",
		Condition: cond("StringEquals", "ec2:ResourceTag/LakeSail-Connection", "C1")}))
	_, err = alias.ModifyVpcAttribute(emutest.Bg, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(tagged), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
	emutest.Must(t, err)
	_, err = alias.ModifyVpcAttribute(emutest.Bg, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(theirs), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
	emutest.WantCode(t, err, "UnauthorizedOperation")
}

// CreateNatGateway needs the action on the new gateway, its subnet and its elastic IP; an
// explicit deny on one of them wins.
func TestEmuEC2AuthzNatGatewayResources(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, root, "")
	emutest.Ec2MakeAttachedIGW(t, root, vpc)
	subnet := emutest.Ec2MakeSubnet(t, root, vpc, "10.0.0.0/24", "us-east-1a")
	eip, err := root.AllocateAddress(emutest.Bg, &ec2.AllocateAddressInput{})
	emutest.Must(t, err)

	partial := emutest.Ec2Session(t, e, "no-eip", emutest.Doc(emutest.Allow("ec2:CreateNatGateway", []string{"arn:aws:ec2:*:*:natgateway/*", "arn:aws:ec2:*:*:subnet/*"})))
	_, err = partial.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:CreateNatGateway on resource: arn:aws:ec2:us-east-1:123456789012:elastic-ip/"+*eip.AllocationId)

	full := emutest.Ec2Session(t, e, "full", emutest.Doc(emutest.Allow("ec2:CreateNatGateway", "*"),
		emutest.Stmt{Effect: "Deny", Action: "ec2:CreateNatGateway", Resource: "arn:aws:ec2:*:*:subnet/" + subnet}))
	_, err = full.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "with an explicit deny in an identity-based policy")

	ok := emutest.Ec2Session(t, e, "ok", emutest.Doc(emutest.Allow("ec2:CreateNatGateway", "*")))
	_, err = ok.CreateNatGateway(emutest.Bg, &ec2.CreateNatGatewayInput{SubnetId: aws.String(subnet), AllocationId: eip.AllocationId})
	emutest.Must(t, err)
}

// Throttling is EC2's RequestLimitExceeded (503), which the SDK retries.
func TestEmuEC2Throttling(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	e.AddFault(awsemu.Fault{Service: "ec2", Operation: "DescribeVpcs", Throttle: true, Times: 2})
	c := emutest.Ec2Client(e, e.RootCredentials())
	_, err := c.DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{})
	emutest.Must(t, err)
	var codes []string
	for _, call := range e.Calls() {
		codes = append(codes, call.ErrorCode)
	}
	if fmt.Sprint(codes) != "[RequestLimitExceeded RequestLimitExceeded ]" {
		t.Fatalf("calls = %q", codes)
	}

	e.AddFault(awsemu.Fault{Service: "ec2", Operation: "DescribeVpcs", Throttle: true, Times: 1})
	_, err = emutest.Ec2Client(e, e.RootCredentials(), func(o *ec2.Options) { o.Retryer = aws.NopRetryer{} }).DescribeVpcs(emutest.Bg, &ec2.DescribeVpcsInput{})
	emutest.WantCode(t, err, "RequestLimitExceeded")
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusServiceUnavailable {
		t.Fatalf("status of RequestLimitExceeded: %v", err)
	}

	// A third of all EC2 calls throttled: building a network still succeeds.
	e.ClearFaults()
	e.AddFault(awsemu.Fault{Service: "ec2", Throttle: true, Fraction: 1.0 / 3})
	vpc := emutest.Ec2MakeVpc(t, c, "10.5.0.0/16")
	emutest.Ec2MakeAttachedIGW(t, c, vpc)
	for i := 0; i < 3; i++ {
		emutest.Ec2MakeSubnet(t, c, vpc, fmt.Sprintf("10.5.%d.0/24", i), "us-east-1a")
	}
	out, err := c.DescribeSubnets(emutest.Bg, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{emutest.Ec2F("vpc-id", vpc)}})
	emutest.Must(t, err)
	if len(out.Subnets) != 3 {
		t.Fatalf("subnets = %d", len(out.Subnets))
	}
}
