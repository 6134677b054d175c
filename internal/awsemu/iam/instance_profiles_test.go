package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// TestEmuInstanceProfileRoundTrip: create, get, one role per profile, listings, and the
// DeleteConflicts AWS raises while a role and a profile still hold each other.
func TestEmuInstanceProfileRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("node")}, "")
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("other")}, "")

	out, err := c.CreateInstanceProfile(emutest.Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("node-profile"), Path: aws.String("/lakesail/"),
		Tags: []iamtypes.Tag{{Key: aws.String("Service"), Value: aws.String("LakeSail")}}})
	emutest.Must(t, err)
	if p := out.InstanceProfile; *p.Arn != "arn:aws:iam::123456789012:instance-profile/lakesail/node-profile" || len(*p.InstanceProfileId) != 21 ||
		*p.Path != "/lakesail/" || len(p.Roles) != 0 || len(p.Tags) != 1 || !p.CreateDate.Equal(emutest.T0) {
		t.Fatalf("created %+v", p)
	}
	_, err = c.CreateInstanceProfile(emutest.Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("NODE-profile")})
	emutest.WantCode(t, err, "EntityAlreadyExists")
	_, err = c.CreateInstanceProfile(emutest.Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("bad name")})
	emutest.WantCode(t, err, "ValidationError")
	_, err = c.GetInstanceProfile(emutest.Bg, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("missing")})
	emutest.WantCode(t, err, "NoSuchEntity")
	emutest.WantContains(t, emutest.ErrMessage(err), "Instance Profile missing cannot be found.")

	_, err = c.AddRoleToInstanceProfile(emutest.Bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("node-profile"), RoleName: aws.String("missing")})
	emutest.WantCode(t, err, "NoSuchEntity")
	_, err = c.AddRoleToInstanceProfile(emutest.Bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("node-profile"), RoleName: aws.String("node")})
	emutest.Must(t, err)
	_, err = c.AddRoleToInstanceProfile(emutest.Bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("node-profile"), RoleName: aws.String("other")})
	emutest.WantCode(t, err, "LimitExceeded")
	emutest.WantContains(t, emutest.ErrMessage(err), "InstanceSessionsPerInstanceProfile: 1")

	got, err := c.GetInstanceProfile(emutest.Bg, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("node-profile")})
	emutest.Must(t, err)
	if len(got.InstanceProfile.Roles) != 1 || *got.InstanceProfile.Roles[0].RoleName != "node" || *got.InstanceProfile.Roles[0].Arn != "arn:aws:iam::123456789012:role/node" {
		t.Fatalf("GetInstanceProfile roles = %+v", got.InstanceProfile.Roles)
	}
	forRole, err := c.ListInstanceProfilesForRole(emutest.Bg, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("node")})
	emutest.Must(t, err)
	if len(forRole.InstanceProfiles) != 1 || *forRole.InstanceProfiles[0].InstanceProfileName != "node-profile" || forRole.IsTruncated {
		t.Fatalf("ListInstanceProfilesForRole = %+v", forRole.InstanceProfiles)
	}
	none, err := c.ListInstanceProfilesForRole(emutest.Bg, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("other")})
	emutest.Must(t, err)
	if len(none.InstanceProfiles) != 0 {
		t.Fatalf("profiles of a role in none = %+v", none.InstanceProfiles)
	}
	_, err = c.ListInstanceProfilesForRole(emutest.Bg, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("missing")})
	emutest.WantCode(t, err, "NoSuchEntity")

	// Each holds the other: neither can be deleted.
	_, err = c.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("node")})
	emutest.WantCode(t, err, "DeleteConflict")
	emutest.WantContains(t, emutest.ErrMessage(err), "must remove roles from instance profile first")
	_, err = c.DeleteInstanceProfile(emutest.Bg, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("node-profile")})
	emutest.WantCode(t, err, "DeleteConflict")

	_, err = c.RemoveRoleFromInstanceProfile(emutest.Bg, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("node-profile"), RoleName: aws.String("node")})
	emutest.Must(t, err)
	_, err = c.RemoveRoleFromInstanceProfile(emutest.Bg, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("node-profile"), RoleName: aws.String("node")})
	emutest.WantCode(t, err, "NoSuchEntity")
	emutest.Must(t, deleteRoleErr(c, "node"))
	_, err = c.DeleteInstanceProfile(emutest.Bg, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("node-profile")})
	emutest.Must(t, err)
	_, err = c.DeleteInstanceProfile(emutest.Bg, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("node-profile")})
	emutest.WantCode(t, err, "NoSuchEntity")
}

func deleteRoleErr(c *iam.Client, name string) error {
	_, err := c.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	return err
}

// TestEmuInstanceProfileListingsPaginate: ListInstanceProfiles filters by path prefix and pages
// with Marker/MaxItems, leaving tags out as IAM's listings do.
func TestEmuInstanceProfileListingsPaginate(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	for _, p := range []struct{ name, path string }{{"a", "/x/"}, {"b", "/x/"}, {"c", "/x/"}, {"d", "/"}} {
		_, err := c.CreateInstanceProfile(emutest.Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(p.name), Path: aws.String(p.path),
			Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		emutest.Must(t, err)
	}
	var names []string
	pages := iam.NewListInstanceProfilesPaginator(c, &iam.ListInstanceProfilesInput{PathPrefix: aws.String("/x/"), MaxItems: aws.Int32(2)})
	n := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(emutest.Bg)
		emutest.Must(t, err)
		n++
		for _, p := range page.InstanceProfiles {
			if len(p.Tags) != 0 {
				t.Errorf("listing returned tags for %s", *p.InstanceProfileName)
			}
			names = append(names, *p.InstanceProfileName)
		}
	}
	if n != 2 || len(names) != 3 || names[0] != "a" || names[2] != "c" {
		t.Fatalf("pages=%d names=%v", n, names)
	}
	tags, err := c.ListInstanceProfileTags(emutest.Bg, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("d")})
	emutest.Must(t, err)
	if len(tags.Tags) != 1 {
		t.Fatalf("tags = %+v", tags.Tags)
	}
	_, err = c.UntagInstanceProfile(emutest.Bg, &iam.UntagInstanceProfileInput{InstanceProfileName: aws.String("d"), TagKeys: []string{"k"}})
	emutest.Must(t, err)
	_, err = c.TagInstanceProfile(emutest.Bg, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String("d"), Tags: []iamtypes.Tag{{Key: aws.String("n"), Value: aws.String("1")}}})
	emutest.Must(t, err)
	got, err := c.GetInstanceProfile(emutest.Bg, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("d")})
	emutest.Must(t, err)
	if len(got.InstanceProfile.Tags) != 1 || *got.InstanceProfile.Tags[0].Key != "n" {
		t.Fatalf("tags after tag/untag = %+v", got.InstanceProfile.Tags)
	}
}

// TestEmuInstanceProfileAuthorization: the instance-profile resource and its tags, iam:PassRole
// on the role for AddRoleToInstanceProfile, iam:TagInstanceProfile for a tagged create.
func TestEmuInstanceProfileAuthorization(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("app-node")}, "")
	emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("admin")}, "")
	profiles := "arn:aws:iam::123456789012:instance-profile/app-*"
	withoutPass := emutest.SessionFor(t, e, "no-pass", emutest.Doc(emutest.Allow([]string{"iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile",
		"iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile"}, profiles)), "")
	passToEC2 := emutest.Stmt{Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/app-*",
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ec2.amazonaws.com"}}}
	withPass := emutest.SessionFor(t, e, "with-pass", emutest.Doc(emutest.Allow([]string{"iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile",
		"iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"}, profiles), passToEC2), "")

	_, err := withoutPass.CreateInstanceProfile(emutest.Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("other-profile")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = withoutPass.CreateInstanceProfile(emutest.Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app-profile"),
		Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	emutest.WantCode(t, err, "AccessDenied") // tagging on create needs iam:TagInstanceProfile
	_, err = withoutPass.CreateInstanceProfile(emutest.Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app-profile")})
	emutest.Must(t, err)
	_, err = withoutPass.AddRoleToInstanceProfile(emutest.Bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app-profile"), RoleName: aws.String("app-node")})
	emutest.WantCode(t, err, "AccessDenied") // no iam:PassRole on the role
	_, err = withPass.AddRoleToInstanceProfile(emutest.Bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app-profile"), RoleName: aws.String("admin")})
	emutest.WantCode(t, err, "AccessDenied") // PassRole only for app-*
	_, err = withPass.AddRoleToInstanceProfile(emutest.Bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app-profile"), RoleName: aws.String("app-node")})
	emutest.Must(t, err)

	// The role the profile holds is the resource of ListInstanceProfilesForRole, not the profile.
	_, err = withoutPass.ListInstanceProfilesForRole(emutest.Bg, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("app-node")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = withoutPass.ListInstanceProfiles(emutest.Bg, &iam.ListInstanceProfilesInput{})
	emutest.WantCode(t, err, "AccessDenied")

	// aws:ResourceTag/* of the profile.
	_, err = root.TagInstanceProfile(emutest.Bg, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String("app-profile"), Tags: []iamtypes.Tag{{Key: aws.String("owner"), Value: aws.String("ops")}}})
	emutest.Must(t, err)
	tagged := emutest.SessionFor(t, e, "tagged", emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/owner": "ops"}}}), "")
	_, err = tagged.GetInstanceProfile(emutest.Bg, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("app-profile")})
	emutest.Must(t, err)
	_, err = root.CreateInstanceProfile(emutest.Bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("untagged")})
	emutest.Must(t, err)
	_, err = tagged.GetInstanceProfile(emutest.Bg, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("untagged")})
	emutest.WantCode(t, err, "AccessDenied")

	_, err = withPass.DeleteInstanceProfile(emutest.Bg, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("app-profile")})
	emutest.WantCode(t, err, "DeleteConflict")
	_, err = withPass.RemoveRoleFromInstanceProfile(emutest.Bg, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("app-profile"), RoleName: aws.String("app-node")})
	emutest.Must(t, err)
	_, err = withPass.DeleteInstanceProfile(emutest.Bg, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("app-profile")})
	emutest.Must(t, err)
}

// TestEmuListEntitiesForPolicyUsageFilter: a policy used as a permissions policy by one role and
// as a boundary by another; PolicyUsageFilter and EntityFilter pick them apart, as the library's
// destroy relies on to name what blocks a DeletePolicy.
func TestEmuListEntitiesForPolicyUsageFilter(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	policy := emutest.CreatePolicy(t, c, "shared", emutest.Doc(emutest.Allow("s3:GetObject", "*")))
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("bounded"), PermissionsBoundary: aws.String(policy)}, "")
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("attached")}, "")
	_, err := c.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String("attached"), PolicyArn: aws.String(policy)})
	emutest.Must(t, err)

	roles := func(in *iam.ListEntitiesForPolicyInput) []string {
		t.Helper()
		in.PolicyArn = aws.String(policy)
		out, err := c.ListEntitiesForPolicy(emutest.Bg, in)
		emutest.Must(t, err)
		var names []string
		for _, r := range out.PolicyRoles {
			names = append(names, *r.RoleName)
		}
		if len(out.PolicyUsers) != 0 || len(out.PolicyGroups) != 0 {
			t.Fatalf("users %v groups %v", out.PolicyUsers, out.PolicyGroups)
		}
		return names
	}
	if got := roles(&iam.ListEntitiesForPolicyInput{}); len(got) != 2 {
		t.Fatalf("all uses = %v", got)
	}
	if got := roles(&iam.ListEntitiesForPolicyInput{EntityFilter: iamtypes.EntityTypeRole, PolicyUsageFilter: iamtypes.PolicyUsageTypePermissionsBoundary}); len(got) != 1 || got[0] != "bounded" {
		t.Fatalf("boundary uses = %v", got)
	}
	if got := roles(&iam.ListEntitiesForPolicyInput{PolicyUsageFilter: iamtypes.PolicyUsageTypePermissionsPolicy}); len(got) != 1 || got[0] != "attached" {
		t.Fatalf("permissions-policy uses = %v", got)
	}
	if got := roles(&iam.ListEntitiesForPolicyInput{EntityFilter: iamtypes.EntityTypeUser}); len(got) != 0 {
		t.Fatalf("user filter returned roles %v", got)
	}
	_, err = c.DeletePolicy(emutest.Bg, &iam.DeletePolicyInput{PolicyArn: aws.String(policy)})
	emutest.WantCode(t, err, "DeleteConflict")
}
