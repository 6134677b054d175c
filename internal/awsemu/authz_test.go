package awsemu_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuBoundaryAndIdentityBothNeeded(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	boundary := emutest.CreatePolicy(t, root, "boundary", emutest.Doc(emutest.Allow([]string{"iam:ListRoles", "iam:GetRole"}, "*")))
	s := emutest.SessionFor(t, e, "bounded", emutest.Doc(emutest.Allow([]string{"iam:ListRoles", "iam:ListPolicies"}, "*")), boundary)

	_, err := s.ListRoles(emutest.Bg, &iam.ListRolesInput{}) // identity and boundary allow
	emutest.Must(t, err)
	_, err = s.ListPolicies(emutest.Bg, &iam.ListPoliciesInput{}) // identity allows, boundary does not
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "User: arn:aws:sts::123456789012:assumed-role/bounded/test-session is not authorized to perform: iam:ListPolicies on resource: * because no permissions boundary allows the iam:ListPolicies action")
	_, err = s.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("bounded")}) // boundary allows, identity does not
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "on resource: arn:aws:iam::123456789012:role/bounded because no identity-based policy allows the iam:GetRole action")

	// Removing the boundary lifts its limit at once; putting it back restores it.
	_, err = root.DeleteRolePermissionsBoundary(emutest.Bg, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("bounded")})
	emutest.Must(t, err)
	_, err = s.ListPolicies(emutest.Bg, &iam.ListPoliciesInput{})
	emutest.Must(t, err)
	_, err = root.PutRolePermissionsBoundary(emutest.Bg, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("bounded"), PermissionsBoundary: aws.String(boundary)})
	emutest.Must(t, err)
	_, err = s.ListPolicies(emutest.Bg, &iam.ListPoliciesInput{})
	emutest.WantCode(t, err, "AccessDenied")
}

func TestEmuExplicitDenyWins(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	denyPol := emutest.CreatePolicy(t, root, "deny-get", emutest.Doc(emutest.Deny("iam:GetRole", "*")))
	s := emutest.SessionFor(t, e, "denied", emutest.Doc(emutest.Allow("iam:*", "*")), "")
	_, err := s.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("denied")})
	emutest.Must(t, err)
	_, err = root.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String("denied"), PolicyArn: aws.String(denyPol)})
	emutest.Must(t, err)
	_, err = s.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("denied")})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "with an explicit deny in an identity-based policy")
	// A deny in the boundary wins too, even where the boundary also allows.
	b := emutest.CreatePolicy(t, root, "deny-boundary", emutest.Doc(emutest.Allow("*", "*"), emutest.Deny("iam:ListRoles", "*")))
	_, err = root.PutRolePermissionsBoundary(emutest.Bg, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("denied"), PermissionsBoundary: aws.String(b)})
	emutest.Must(t, err)
	_, err = s.ListRoles(emutest.Bg, &iam.ListRolesInput{})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "with an explicit deny in a permissions boundary")
	// GetCallerIdentity is allowed whatever the policies say.
	_, err = emutest.StsClient(e, emutest.Assume(t, e, e.RootCredentials(), "arn:aws:iam::123456789012:role/denied", "")).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.Must(t, err)
}

func TestEmuPermissionsBoundaryCondition(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	required := emutest.CreatePolicy(t, root, "RoleBoundary", emutest.Doc(emutest.Allow("s3:*", "*")))
	other := emutest.CreatePolicy(t, root, "Other", emutest.Doc(emutest.Allow("*", "*")))
	s := emutest.SessionFor(t, e, "creator", emutest.Doc(emutest.Stmt{
		Effect: "Allow", Action: "iam:CreateRole", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": required}},
	}), "")
	trust := aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), ""))

	_, err := s.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("no-boundary"), AssumeRolePolicyDocument: trust})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("other-boundary"), AssumeRolePolicyDocument: trust, PermissionsBoundary: aws.String(other)})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("bounded"), AssumeRolePolicyDocument: trust, PermissionsBoundary: aws.String(required)})
	emutest.Must(t, err)

	// Attach/Detach see the role's existing boundary as iam:PermissionsBoundary, and iam:PolicyARN.
	s2 := emutest.SessionFor(t, e, "attacher", emutest.Doc(emutest.Stmt{
		Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*",
		Condition: map[string]any{
			"StringEquals": map[string]any{"iam:PermissionsBoundary": required},
			"ArnLike":      map[string]any{"iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonEKS*"},
		},
	}), "")
	_, err = root.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("unbounded"), AssumeRolePolicyDocument: trust})
	emutest.Must(t, err)
	attach := func(role, pol string) error {
		_, err := s2.AttachRolePolicy(emutest.Bg, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(pol)})
		return err
	}
	emutest.Must(t, attach("bounded", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"))
	emutest.WantCode(t, attach("unbounded", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"), "AccessDenied")
	emutest.WantCode(t, attach("bounded", "arn:aws:iam::aws:policy/AdministratorAccess"), "AccessDenied")
}

func TestEmuRequestTagCondition(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	s := emutest.SessionFor(t, e, "tagger", emutest.Doc(emutest.Stmt{
		Effect: "Allow", Action: []string{"iam:CreatePolicy", "iam:TagPolicy", "iam:CreateRole", "iam:TagRole"}, Resource: "*",
		Condition: map[string]any{
			"StringEquals":              map[string]any{"aws:RequestTag/Service": "LakeSail"},
			"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []string{"Service", "LakeSail-Connection"}},
		},
	}), "")
	pdoc := aws.String(emutest.Doc(emutest.Allow("s3:GetObject", "*")))
	tags := func(kv ...string) []iamtypes.Tag {
		var out []iamtypes.Tag
		for i := 0; i < len(kv); i += 2 {
			out = append(out, iamtypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		return out
	}
	_, err := s.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("untagged"), PolicyDocument: pdoc})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("wrong"), PolicyDocument: pdoc, Tags: tags("Service", "Other")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("extra-key"), PolicyDocument: pdoc, Tags: tags("Service", "LakeSail", "Owner", "me")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreatePolicy(emutest.Bg, &iam.CreatePolicyInput{PolicyName: aws.String("tagged"), PolicyDocument: pdoc, Tags: tags("Service", "LakeSail", "LakeSail-Connection", "ABCDE12345")})
	emutest.Must(t, err)

	trust := aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), ""))
	_, err = s.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: trust})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = s.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: trust, Tags: tags("Service", "LakeSail")})
	emutest.Must(t, err)
	_, err = s.TagRole(emutest.Bg, &iam.TagRoleInput{RoleName: aws.String("r2"), Tags: tags("Service", "Nope")})
	emutest.WantCode(t, err, "AccessDenied")
}

func TestEmuResourceTagCondition(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	s := emutest.SessionFor(t, e, "reader", emutest.Doc(emutest.Stmt{
		Effect: "Allow", Action: "iam:GetRole", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/Service": "LakeSail"}},
	}), "")
	_, err := root.CreateRole(emutest.Bg, &iam.CreateRoleInput{RoleName: aws.String("mine"), AssumeRolePolicyDocument: aws.String(emutest.TrustDoc(emutest.RootOf(awsemu.DefaultAccountID), "")),
		Tags: []iamtypes.Tag{{Key: aws.String("Service"), Value: aws.String("LakeSail")}}})
	emutest.Must(t, err)
	_, err = s.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("mine")})
	emutest.Must(t, err)
	_, err = s.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("reader")})
	emutest.WantCode(t, err, "AccessDenied")
}

func TestEmuPrincipalTagAndResourceARN(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	r := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("team-a"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}},
		emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "iam:GetRole", Resource: "arn:aws:iam::123456789012:role/${aws:PrincipalTag/team}-*"}))
	emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("a-app")}, "")
	emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("b-app")}, "")
	s := emutest.IamClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err := s.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("a-app")})
	emutest.Must(t, err)
	_, err = s.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("b-app")})
	emutest.WantCode(t, err, "AccessDenied")
}

func TestEmuDeletedRoleSessionLosesAccess(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.IamClient(e, e.RootCredentials())
	s := emutest.SessionFor(t, e, "gone", emutest.Doc(emutest.Allow("iam:ListRoles", "*")), "")
	_, err := s.ListRoles(emutest.Bg, &iam.ListRolesInput{})
	emutest.Must(t, err)
	_, err = root.DeleteRolePolicy(emutest.Bg, &iam.DeleteRolePolicyInput{RoleName: aws.String("gone"), PolicyName: aws.String("inline")})
	emutest.Must(t, err)
	_, err = root.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("gone")})
	emutest.Must(t, err)
	// Recreating the role with the same name and policy does not revive old sessions.
	emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("gone")}, emutest.Doc(emutest.Allow("iam:ListRoles", "*")))
	_, err = s.ListRoles(emutest.Bg, &iam.ListRolesInput{})
	emutest.WantCode(t, err, "AccessDenied")
}
