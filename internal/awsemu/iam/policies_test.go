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
)

func TestEmuPolicyRoundTrip(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	v1 := emutest.Doc(emutest.Allow("ec2:Describe*", "*"))
	out, err := c.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{
		PolicyName: aws.String("lakesail-net"), Path: aws.String("/lakesail/"), PolicyDocument: aws.String(v1),
		Description: aws.String("network read"), Tags: []iamtypes.Tag{{Key: aws.String("Service"), Value: aws.String("LakeSail")}},
	})
	emutest.Must(t, err)
	arn := *out.Policy.Arn
	if arn != "arn:aws:iam::123456789012:policy/lakesail/lakesail-net" || *out.Policy.DefaultVersionId != "v1" || !out.Policy.IsAttachable {
		t.Fatalf("CreatePolicy = %+v", out.Policy)
	}
	_, err = c.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("lakesail-net"), PolicyDocument: aws.String(v1)})
	emutest.WantCode(t, err, "EntityAlreadyExists")

	gp, err := c.GetPolicy(emutest.Bg, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	if *gp.Policy.Description != "network read" || len(gp.Policy.Tags) != 1 || *gp.Policy.AttachmentCount != 0 {
		t.Fatalf("GetPolicy = %+v", gp.Policy)
	}
	gv, err := c.GetPolicyVersion(emutest.Bg, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	emutest.Must(t, err)
	if emutest.DecodeDoc(t, gv.PolicyVersion.Document) != v1 || !gv.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion = %+v", gv.PolicyVersion)
	}

	clock.Advance(60e9)
	v2 := emutest.Doc(emutest.Allow([]string{"ec2:Describe*", "ec2:CreateTags"}, "*"))
	cv, err := c.CreatePolicyVersion(emutest.Bg, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(v2), SetAsDefault: true})
	emutest.Must(t, err)
	if *cv.PolicyVersion.VersionId != "v2" || !cv.PolicyVersion.IsDefaultVersion || cv.PolicyVersion.Document != nil {
		t.Fatalf("CreatePolicyVersion = %+v", cv.PolicyVersion)
	}
	gp, err = c.GetPolicy(emutest.Bg, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	if *gp.Policy.DefaultVersionId != "v2" || !gp.Policy.UpdateDate.After(*gp.Policy.CreateDate) {
		t.Fatalf("policy after v2 = %+v", gp.Policy)
	}
	lv, err := c.ListPolicyVersions(emutest.Bg, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	if len(lv.Versions) != 2 || *lv.Versions[0].VersionId != "v2" {
		t.Fatalf("ListPolicyVersions = %+v", lv.Versions)
	}
	_, err = c.DeletePolicyVersion(emutest.Bg, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
	emutest.WantCode(t, err, "DeleteConflict")
	_, err = c.SetDefaultPolicyVersion(emutest.Bg, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	emutest.Must(t, err)
	_, err = c.SetDefaultPolicyVersion(emutest.Bg, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	emutest.WantCode(t, err, "NoSuchEntity")

	// Attached policies and extra versions block deletion.
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("user"), Path: aws.String("/svc/")}, "")
	_, err = c.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String("user"), PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	ents, err := c.ListEntitiesForPolicy(emutest.Bg, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	if len(ents.PolicyRoles) != 1 || *ents.PolicyRoles[0].RoleName != "user" || len(ents.PolicyUsers) != 0 {
		t.Fatalf("ListEntitiesForPolicy = %+v", ents)
	}
	gp, err = c.GetPolicy(emutest.Bg, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	if *gp.Policy.AttachmentCount != 1 {
		t.Fatalf("AttachmentCount = %d", *gp.Policy.AttachmentCount)
	}
	_, err = c.DeletePolicy(emutest.Bg, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	emutest.WantCode(t, err, "DeleteConflict")
	emutest.WantContains(t, emutest.ErrMessage(err), "attached to entities")
	_, err = c.DetachRolePolicy(emutest.Bg, &iam.DetachRolePolicyInput{RoleName: aws.String("user"), PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	_, err = c.DeletePolicy(emutest.Bg, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	emutest.WantCode(t, err, "DeleteConflict")
	emutest.WantContains(t, emutest.ErrMessage(err), "more than one version")
	_, err = c.DeletePolicyVersion(emutest.Bg, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
	emutest.Must(t, err)

	// A policy in use as a permissions boundary cannot be deleted either.
	_, err = c.PutRolePermissionsBoundary(emutest.Bg, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("user"), PermissionsBoundary: aws.String(arn)})
	emutest.Must(t, err)
	_, err = c.DeletePolicy(emutest.Bg, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	emutest.WantCode(t, err, "DeleteConflict")
	_, err = c.DeleteRolePermissionsBoundary(emutest.Bg, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("user")})
	emutest.Must(t, err)

	// Tags.
	_, err = c.TagPolicy(emutest.Bg, &iam.TagPolicyInput{PolicyArn: aws.String(arn), Tags: []iamtypes.Tag{{Key: aws.String("Owner"), Value: aws.String("me")}}})
	emutest.Must(t, err)
	_, err = c.UntagPolicy(emutest.Bg, &iam.UntagPolicyInput{PolicyArn: aws.String(arn), TagKeys: []string{"Service"}})
	emutest.Must(t, err)
	pt, err := c.ListPolicyTags(emutest.Bg, &iam.ListPolicyTagsInput{PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	if len(pt.Tags) != 1 || *pt.Tags[0].Key != "Owner" {
		t.Fatalf("ListPolicyTags = %+v", pt.Tags)
	}

	_, err = c.DeletePolicy(emutest.Bg, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	emutest.Must(t, err)
	_, err = c.GetPolicy(emutest.Bg, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	emutest.WantCode(t, err, "NoSuchEntity")
}

func TestEmuListPolicies(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	local := emutest.CreatePolicy(t, c, "local-one", emutest.Doc(emutest.Allow("s3:*", "*")))
	emutest.CreatePolicy(t, c, "local-two", emutest.Doc(emutest.Allow("s3:*", "*")))
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("r")}, "")
	_, err := c.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(local)})
	emutest.Must(t, err)

	count := func(in *iam.ListPoliciesInput) []string {
		var names []string
		p := iam.NewListPoliciesPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(emutest.Bg)
			emutest.Must(t, err)
			for _, pol := range page.Policies {
				names = append(names, *pol.PolicyName)
			}
		}
		return names
	}
	if got := count(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, MaxItems: aws.Int32(1)}); fmt.Sprint(got) != "[local-one local-two]" {
		t.Fatalf("Local = %v", got)
	}
	managed := count(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, MaxItems: aws.Int32(3)})
	if len(managed) != 9 || !strings.Contains(fmt.Sprint(managed), "AdministratorAccess") {
		t.Fatalf("AWS = %v", managed)
	}
	if got := count(&iam.ListPoliciesInput{OnlyAttached: true}); fmt.Sprint(got) != "[local-one]" {
		t.Fatalf("OnlyAttached = %v", got)
	}
}

func TestEmuAWSManagedPolicies(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	all, err := c.ListPolicies(emutest.Bg, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws})
	emutest.Must(t, err)
	if len(all.Policies) != 9 {
		t.Fatalf("AWS managed policies = %d", len(all.Policies))
	}
	for _, p := range all.Policies {
		gv, err := c.GetPolicyVersion(emutest.Bg, &iam.GetPolicyVersionInput{PolicyArn: p.Arn, VersionId: awsString("v1")})
		emutest.Must(t, err)
		if text := emutest.DecodeDoc(t, gv.PolicyVersion.Document); !strings.Contains(text, "Statement") {
			t.Errorf("%s: %s", aws.ToString(p.Arn), text)
		}
	}
	_, err = c.CreatePolicyVersion(emutest.Bg, &iam.CreatePolicyVersionInput{PolicyArn: awsString("arn:aws:iam::aws:policy/AdministratorAccess"), PolicyDocument: awsString(emutest.Doc(emutest.Allow("s3:*", "*")))})
	emutest.WantCode(t, err, "AccessDenied")
	// AdministratorAccess attached to a role grants it everything.
	r := emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: awsString("admin")}, "")
	_, err = c.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: r.RoleName, PolicyArn: awsString("arn:aws:iam::aws:policy/AdministratorAccess")})
	emutest.Must(t, err)
	s := emutest.IamClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err = s.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: awsString("by-admin"), PolicyDocument: awsString(emutest.Doc(emutest.Allow("s3:*", "*")))})
	emutest.Must(t, err)
}

func awsString(s string) *string { return &s }
