package iam_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// bigDoc is an identity policy of at least size characters (white space excluded).
func bigDoc(size int) string {
	var actions []string
	for i := 0; ; i++ {
		d := emutest.Doc(emutest.Allow(actions, "*"))
		if iampolicy.Size(d) >= size {
			return d
		}
		actions = append(actions, fmt.Sprintf("s3:GetObjectVersion%04d", i))
	}
}

func TestEmuManagedPolicySizeLimit(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	big := bigDoc(6145)
	_, err := c.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	emutest.WantCode(t, err, "LimitExceeded")
	emutest.WantContains(t, emutest.ErrMessage(err), "Cannot exceed quota for PolicySize: 6144")
	// White space does not count.
	spaced := strings.ReplaceAll(bigDoc(6000), ",", ",     ")
	_, err = c.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("spaced"), PolicyDocument: aws.String(spaced)})
	emutest.Must(t, err)
	_, err = c.CreatePolicyVersion(emutest.Bg, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/spaced"), PolicyDocument: aws.String(big)})
	emutest.WantCode(t, err, "LimitExceeded")
}

func TestEmuTrustPolicySizeLimit(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	var accounts []string
	for i := 0; len(strings.Join(accounts, `","`)) < 2100; i++ {
		accounts = append(accounts, fmt.Sprintf("arn:aws:iam::%012d:root", 100000000000+i))
	}
	trust := emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": accounts}, Action: "sts:AssumeRole"})
	_, err := c.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("wide"), AssumeRolePolicyDocument: aws.String(trust)})
	emutest.WantCode(t, err, "LimitExceeded")
	emutest.WantContains(t, emutest.ErrMessage(err), "Cannot exceed quota for ACLSizePerRole: 2048")
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("narrow")}, "")
	_, err = c.UpdateAssumeRolePolicy(emutest.Bg, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("narrow"), PolicyDocument: aws.String(trust)})
	emutest.WantCode(t, err, "LimitExceeded")
}

func TestEmuPoliciesPerRoleLimit(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("many")}, "")
	for i := 1; i <= 11; i++ {
		arn := emutest.CreatePolicy(t, c, fmt.Sprintf("p%d", i), emutest.Doc(emutest.Allow("s3:GetObject", "*")))
		_, err := c.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String("many"), PolicyArn: aws.String(arn)})
		if i <= 10 {
			emutest.Must(t, err)
			continue
		}
		emutest.WantCode(t, err, "LimitExceeded")
		emutest.WantContains(t, emutest.ErrMessage(err), "Cannot exceed quota for PoliciesPerRole: 10")
	}
}

func TestEmuPolicyVersionLimit(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	arn := emutest.CreatePolicy(t, c, "versions", emutest.Doc(emutest.Allow("s3:GetObject", "*")))
	for i := 2; i <= 6; i++ {
		_, err := c.CreatePolicyVersion(emutest.Bg, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(emutest.Doc(emutest.Allow("s3:GetObject", fmt.Sprintf("arn:aws:s3:::b%d/*", i))))})
		if i <= 5 {
			emutest.Must(t, err)
			continue
		}
		emutest.WantCode(t, err, "LimitExceeded")
	}
	// Deleting a version frees a slot; version ids are never reused.
	_, err := c.DeletePolicyVersion(emutest.Bg, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
	emutest.Must(t, err)
	out, err := c.CreatePolicyVersion(emutest.Bg, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(emutest.Doc(emutest.Allow("s3:PutObject", "*")))})
	emutest.Must(t, err)
	if *out.PolicyVersion.VersionId != "v6" {
		t.Fatalf("new version id = %s", *out.PolicyVersion.VersionId)
	}
}

func TestEmuInlinePolicySizeLimit(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("inline")}, "")
	put := func(name, d string) error {
		_, err := c.PutRolePolicy(emutest.Bg, &iam.PutRolePolicyInput{RoleName: aws.String("inline"), PolicyName: aws.String(name), PolicyDocument: aws.String(d)})
		return err
	}
	emutest.Must(t, put("a", bigDoc(6000)))
	err := put("b", bigDoc(5000))
	emutest.WantCode(t, err, "LimitExceeded")
	emutest.WantContains(t, emutest.ErrMessage(err), "Cannot exceed quota for RolePolicySize: 10240")
	emutest.Must(t, put("a", bigDoc(4000))) // replacing a policy counts its new size only
	emutest.Must(t, put("b", bigDoc(5000)))
}

func TestEmuTagLimits(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	tags := func(n, from int) []iamtypes.Tag {
		var out []iamtypes.Tag
		for i := 0; i < n; i++ {
			out = append(out, iamtypes.Tag{Key: aws.String(fmt.Sprintf("k%d", from+i)), Value: aws.String("v")})
		}
		return out
	}
	_, err := c.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("t"), AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), "")), Tags: tags(51, 0)})
	emutest.WantCode(t, err, "ValidationError")
	_, err = c.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("t"), AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), "")), Tags: tags(50, 0)})
	emutest.Must(t, err)
	_, err = c.TagRole(emutest.Bg, &iam.TagRoleInput{RoleName: aws.String("t"), Tags: tags(1, 50)})
	emutest.WantCode(t, err, "LimitExceeded")
	_, err = c.TagRole(emutest.Bg, &iam.TagRoleInput{RoleName: aws.String("t"), Tags: tags(1, 0)}) // overwrite keeps 50
	emutest.Must(t, err)
	_, err = c.TagRole(emutest.Bg, &iam.TagRoleInput{RoleName: aws.String("t"), Tags: []iamtypes.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	emutest.WantCode(t, err, "InvalidInput")
	_, err = c.TagRole(emutest.Bg, &iam.TagRoleInput{RoleName: aws.String("t"), Tags: []iamtypes.Tag{{Key: aws.String("Dup"), Value: aws.String("1")}, {Key: aws.String("dup"), Value: aws.String("2")}}})
	emutest.WantCode(t, err, "InvalidInput")
}
