package iam_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuRoleRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	boundary := emutest.CreatePolicy(t, c, "b", emutest.Doc(emutest.Allow("*", "*")))
	trust := emutest.TrustDoc(emutest.RootOf("921150455437"), "ext id with spaces & symbols/+=")
	out, err := c.CreateRole(emutest.Bg, &iam.CreateRoleInput{
		RoleName: aws.String("lakesail-ABC"), Path: aws.String("/lakesail/"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("cross-account role"), MaxSessionDuration: aws.Int32(7200), PermissionsBoundary: aws.String(boundary),
		Tags: []iamtypes.Tag{{Key: aws.String("Service"), Value: aws.String("LakeSail")}},
	})
	emutest.Must(t, err)
	if *out.Role.Arn != "arn:aws:iam::123456789012:role/lakesail/lakesail-ABC" || len(*out.Role.RoleId) != 21 {
		t.Fatalf("created role = %s %s", *out.Role.Arn, *out.Role.RoleId)
	}
	_, err = c.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("LAKESAIL-abc"), AssumeRolePolicyDocument: aws.String(trust)})
	emutest.WantCode(t, err, "EntityAlreadyExists")

	got, err := c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("lakesail-ABC")})
	emutest.Must(t, err)
	r := got.Role
	if emutest.DecodeDoc(t, r.AssumeRolePolicyDocument) != trust {
		t.Fatalf("trust policy = %s", emutest.DecodeDoc(t, r.AssumeRolePolicyDocument))
	}
	if *r.Description != "cross-account role" || *r.MaxSessionDuration != 7200 || *r.Path != "/lakesail/" ||
		r.PermissionsBoundary == nil || *r.PermissionsBoundary.PermissionsBoundaryArn != boundary ||
		r.PermissionsBoundary.PermissionsBoundaryType != iamtypes.PermissionsBoundaryAttachmentTypePolicy ||
		len(r.Tags) != 1 || *r.Tags[0].Key != "Service" || r.RoleLastUsed == nil || r.RoleLastUsed.LastUsedDate != nil ||
		!r.CreateDate.Equal(emutest.T0) {
		t.Fatalf("GetRole = %+v", r)
	}

	_, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("missing")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("GetRole(missing) = %v, want NoSuchEntityException", err)
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "The role with name missing cannot be found.")

	_, err = c.UpdateRole(emutest.Bg, &iam.UpdateRoleInput{RoleName: aws.String("lakesail-ABC"), Description: aws.String("new"), MaxSessionDuration: aws.Int32(3600)})
	emutest.Must(t, err)
	_, err = c.UpdateRole(emutest.Bg, &iam.UpdateRoleInput{RoleName: aws.String("lakesail-ABC"), MaxSessionDuration: aws.Int32(60)})
	emutest.WantCode(t, err, "ValidationError")
	ud, err := c.UpdateRoleDescription(emutest.Bg, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("lakesail-ABC"), Description: aws.String("described")})
	emutest.Must(t, err)
	if *ud.Role.Description != "described" || *ud.Role.MaxSessionDuration != 3600 {
		t.Fatalf("UpdateRoleDescription = %+v", ud.Role)
	}
	newTrust := emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), "")
	_, err = c.UpdateAssumeRolePolicy(emutest.Bg, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("lakesail-ABC"), PolicyDocument: aws.String(newTrust)})
	emutest.Must(t, err)
	got, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("lakesail-ABC")})
	emutest.Must(t, err)
	if emutest.DecodeDoc(t, got.Role.AssumeRolePolicyDocument) != newTrust {
		t.Fatal("trust policy not updated")
	}

	// Tags: merge case-insensitively, untag, list.
	_, err = c.TagRole(emutest.Bg, &iam.TagRoleInput{RoleName: aws.String("lakesail-ABC"), Tags: []iamtypes.Tag{
		{Key: aws.String("service"), Value: aws.String("Other")}, {Key: aws.String("Env"), Value: aws.String("test")}}})
	emutest.Must(t, err)
	tags, err := c.ListRoleTags(emutest.Bg, &iam.ListRoleTagsInput{RoleName: aws.String("lakesail-ABC")})
	emutest.Must(t, err)
	if len(tags.Tags) != 2 || *tags.Tags[0].Value != "Other" {
		t.Fatalf("tags = %+v", tags.Tags)
	}
	_, err = c.UntagRole(emutest.Bg, &iam.UntagRoleInput{RoleName: aws.String("lakesail-ABC"), TagKeys: []string{"SERVICE"}})
	emutest.Must(t, err)
	tags, err = c.ListRoleTags(emutest.Bg, &iam.ListRoleTagsInput{RoleName: aws.String("lakesail-ABC")})
	emutest.Must(t, err)
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "Env" {
		t.Fatalf("tags after untag = %+v", tags.Tags)
	}

	_, err = c.DeleteRolePermissionsBoundary(emutest.Bg, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("lakesail-ABC")})
	emutest.Must(t, err)
	got, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("lakesail-ABC")})
	emutest.Must(t, err)
	if got.Role.PermissionsBoundary != nil {
		t.Fatal("boundary not removed")
	}
	_, err = c.PutRolePermissionsBoundary(emutest.Bg, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("lakesail-ABC"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/none")})
	emutest.WantCode(t, err, "NoSuchEntity")

	_, err = c.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("lakesail-ABC")})
	emutest.Must(t, err)
	_, err = c.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("lakesail-ABC")})
	emutest.WantCode(t, err, "NoSuchEntity")
}

func TestEmuRoleLastUsed(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	r := emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("used")}, "")
	emutest.Assume(t, e, e.RootCredentials(), *r.Arn, "")
	got, err := c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("used")})
	emutest.Must(t, err)
	if got.Role.RoleLastUsed.LastUsedDate == nil || *got.Role.RoleLastUsed.Region != "us-east-1" {
		t.Fatalf("RoleLastUsed = %+v", got.Role.RoleLastUsed)
	}
}

func TestEmuListRolesPagination(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	for i := 0; i < 5; i++ {
		emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("r%d", i)), Path: aws.String("/app/")}, "")
	}
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("other")}, "")

	first, err := c.ListRoles(emutest.Bg, &iam.ListRolesInput{PathPrefix: aws.String("/app/"), MaxItems: aws.Int32(2)})
	emutest.Must(t, err)
	if !first.IsTruncated || first.Marker == nil || len(first.Roles) != 2 || *first.Roles[0].RoleName != "r0" {
		t.Fatalf("first page = %+v", first)
	}
	if first.Roles[0].Tags != nil || first.Roles[0].PermissionsBoundary != nil {
		t.Fatal("ListRoles must not return tags or boundary")
	}
	var names []string
	p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{PathPrefix: aws.String("/app/"), MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(emutest.Bg)
		emutest.Must(t, err)
		pages++
		for _, r := range page.Roles {
			names = append(names, *r.RoleName)
		}
	}
	if pages != 3 || fmt.Sprint(names) != "[r0 r1 r2 r3 r4]" {
		t.Fatalf("pages=%d names=%v", pages, names)
	}
	all, err := c.ListRoles(emutest.Bg, &iam.ListRolesInput{})
	emutest.Must(t, err)
	if len(all.Roles) != 6 || all.IsTruncated {
		t.Fatalf("all roles = %d truncated=%v", len(all.Roles), all.IsTruncated)
	}
	_, err = c.ListRoles(emutest.Bg, &iam.ListRolesInput{Marker: aws.String("garbage!")})
	emutest.WantCode(t, err, "InvalidInput")
	_, err = c.ListRoles(emutest.Bg, &iam.ListRolesInput{MaxItems: aws.Int32(1001)})
	emutest.WantCode(t, err, "ValidationError")
}

func TestEmuInlineAndAttachedPolicies(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("holder")}, "")
	inline := emutest.Doc(emutest.Allow([]string{"s3:GetObject", "s3:PutObject"}, "arn:aws:s3:::bucket/*"))
	_, err := c.PutRolePolicy(emutest.Bg, &iam.PutRolePolicyInput{RoleName: aws.String("holder"), PolicyName: aws.String("s3"), PolicyDocument: aws.String(inline)})
	emutest.Must(t, err)
	gp, err := c.GetRolePolicy(emutest.Bg, &iam.GetRolePolicyInput{RoleName: aws.String("holder"), PolicyName: aws.String("s3")})
	emutest.Must(t, err)
	if emutest.DecodeDoc(t, gp.PolicyDocument) != inline || *gp.PolicyName != "s3" || *gp.RoleName != "holder" {
		t.Fatalf("GetRolePolicy = %+v", gp)
	}
	lp, err := c.ListRolePolicies(emutest.Bg, &iam.ListRolePoliciesInput{RoleName: aws.String("holder")})
	emutest.Must(t, err)
	if fmt.Sprint(lp.PolicyNames) != "[s3]" {
		t.Fatalf("ListRolePolicies = %v", lp.PolicyNames)
	}
	_, err = c.GetRolePolicy(emutest.Bg, &iam.GetRolePolicyInput{RoleName: aws.String("holder"), PolicyName: aws.String("nope")})
	emutest.WantCode(t, err, "NoSuchEntity")

	eks := "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
	_, err = c.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String("holder"), PolicyArn: aws.String(eks)})
	emutest.Must(t, err)
	_, err = c.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String("holder"), PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
	emutest.WantCode(t, err, "NoSuchEntity")
	_, err = c.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String("holder"), PolicyArn: aws.String("not-an-arn")})
	emutest.WantCode(t, err, "InvalidInput")
	ap, err := c.ListAttachedRolePolicies(emutest.Bg, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("holder")})
	emutest.Must(t, err)
	if len(ap.AttachedPolicies) != 1 || *ap.AttachedPolicies[0].PolicyArn != eks || *ap.AttachedPolicies[0].PolicyName != "AmazonEKSClusterPolicy" {
		t.Fatalf("ListAttachedRolePolicies = %+v", ap.AttachedPolicies)
	}

	_, err = c.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("holder")})
	emutest.WantCode(t, err, "DeleteConflict")
	_, err = c.DeleteRolePolicy(emutest.Bg, &iam.DeleteRolePolicyInput{RoleName: aws.String("holder"), PolicyName: aws.String("s3")})
	emutest.Must(t, err)
	_, err = c.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("holder")})
	emutest.WantCode(t, err, "DeleteConflict")
	emutest.WantContains(t, emutest.ErrMessage(err), "must detach all policies first")
	_, err = c.DetachRolePolicy(emutest.Bg, &iam.DetachRolePolicyInput{RoleName: aws.String("holder"), PolicyArn: aws.String(eks)})
	emutest.Must(t, err)
	_, err = c.DetachRolePolicy(emutest.Bg, &iam.DetachRolePolicyInput{RoleName: aws.String("holder"), PolicyArn: aws.String(eks)})
	emutest.WantCode(t, err, "NoSuchEntity")
	_, err = c.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("holder")})
	emutest.Must(t, err)
}

func TestEmuMalformedDocuments(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	cases := map[string]string{
		"not json":            "{",
		"principal in policy": emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*"}),
		"no resource":         emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "s3:*"}),
	}
	for name, d := range cases {
		_, err := c.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
		if emutest.ErrCode(err) != "MalformedPolicyDocument" {
			t.Errorf("%s: %v", name, err)
		}
	}
	trusts := map[string]string{
		"resource in trust":  emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": emutest.RootOf(awsemu.DefaultAccountID)}, Action: "sts:AssumeRole", Resource: "*"}),
		"no principal":       emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "sts:AssumeRole"}),
		"missing role":       emutest.TrustDoc("arn:aws:iam::123456789012:role/does-not-exist", ""),
		"non-sts trust verb": emutest.Doc(emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": emutest.RootOf(awsemu.DefaultAccountID)}, Action: "s3:GetObject"}),
	}
	for name, d := range trusts {
		_, err := c.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(d)})
		if emutest.ErrCode(err) != "MalformedPolicyDocument" {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, in := range map[string]*iam.CreateRoleInput{
		"long name":   {RoleName: aws.String(fmt.Sprintf("%065d", 0))},
		"bad name":    {RoleName: aws.String("has space")},
		"bad path":    {RoleName: aws.String("ok"), Path: aws.String("no-slashes")},
		"max session": {RoleName: aws.String("ok"), MaxSessionDuration: aws.Int32(43201)},
	} {
		in.AssumeRolePolicyDocument = aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), ""))
		_, err := c.CreateRole(emutest.Bg, in)
		if emutest.ErrCode(err) != "ValidationError" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEmuServiceLinkedRole(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	out, err := c.CreateServiceLinkedRole(emutest.Bg, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("eks.amazonaws.com")})
	emutest.Must(t, err)
	if *out.Role.RoleName != "AWSServiceRoleForAmazonEKS" || *out.Role.Path != "/aws-service-role/eks.amazonaws.com/" {
		t.Fatalf("SLR = %s %s", *out.Role.RoleName, *out.Role.Path)
	}
	_, err = c.CreateServiceLinkedRole(emutest.Bg, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("eks.amazonaws.com")})
	emutest.WantCode(t, err, "InvalidInput")
	_, err = c.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("AWSServiceRoleForAmazonEKS")})
	emutest.WantCode(t, err, "UnmodifiableEntity")
	_, err = c.CreateServiceLinkedRole(emutest.Bg, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("nonsense.example.com")})
	emutest.WantCode(t, err, "InvalidInput")

	// iam:AWSServiceName decides CreateServiceLinkedRole for sessions.
	s := emutest.SessionFor(t, e, "slr", emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": "eks-nodegroup.amazonaws.com"}}}), "")
	_, err = s.CreateServiceLinkedRole(emutest.Bg, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("autoscaling.amazonaws.com")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreateServiceLinkedRole(emutest.Bg, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("eks-nodegroup.amazonaws.com")})
	emutest.Must(t, err)
}
