package awsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestEmuBoundaryAndIdentityBothNeeded(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	boundary := createPolicy(t, root, "boundary", doc(allow([]string{"iam:ListRoles", "iam:GetRole"}, "*")))
	s := sessionFor(t, e, "bounded", doc(allow([]string{"iam:ListRoles", "iam:ListPolicies"}, "*")), boundary)

	_, err := s.ListRoles(bg, &iam.ListRolesInput{}) // identity and boundary allow
	must(t, err)
	_, err = s.ListPolicies(bg, &iam.ListPoliciesInput{}) // identity allows, boundary does not
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "User: arn:aws:sts::123456789012:assumed-role/bounded/test-session is not authorized to perform: iam:ListPolicies on resource: * because no permissions boundary allows the iam:ListPolicies action")
	_, err = s.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("bounded")}) // boundary allows, identity does not
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "on resource: arn:aws:iam::123456789012:role/bounded because no identity-based policy allows the iam:GetRole action")

	// Removing the boundary lifts its limit at once; putting it back restores it.
	_, err = root.DeleteRolePermissionsBoundary(bg, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("bounded")})
	must(t, err)
	_, err = s.ListPolicies(bg, &iam.ListPoliciesInput{})
	must(t, err)
	_, err = root.PutRolePermissionsBoundary(bg, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("bounded"), PermissionsBoundary: aws.String(boundary)})
	must(t, err)
	_, err = s.ListPolicies(bg, &iam.ListPoliciesInput{})
	wantCode(t, err, "AccessDenied")
}

func TestEmuExplicitDenyWins(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	denyPol := createPolicy(t, root, "deny-get", doc(deny("iam:GetRole", "*")))
	s := sessionFor(t, e, "denied", doc(allow("iam:*", "*")), "")
	_, err := s.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("denied")})
	must(t, err)
	_, err = root.AttachRolePolicy(bg, &iam.AttachRolePolicyInput{RoleName: aws.String("denied"), PolicyArn: aws.String(denyPol)})
	must(t, err)
	_, err = s.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("denied")})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "with an explicit deny in an identity-based policy")
	// A deny in the boundary wins too, even where the boundary also allows.
	b := createPolicy(t, root, "deny-boundary", doc(allow("*", "*"), deny("iam:ListRoles", "*")))
	_, err = root.PutRolePermissionsBoundary(bg, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("denied"), PermissionsBoundary: aws.String(b)})
	must(t, err)
	_, err = s.ListRoles(bg, &iam.ListRolesInput{})
	wantCode(t, err, "AccessDenied")
	wantContains(t, errMessage(err), "with an explicit deny in a permissions boundary")
	// GetCallerIdentity is allowed whatever the policies say.
	_, err = stsClient(e, assume(t, e, e.RootCredentials(), "arn:aws:iam::123456789012:role/denied", "")).GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	must(t, err)
}

func TestEmuPermissionsBoundaryCondition(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	required := createPolicy(t, root, "RoleBoundary", doc(allow("s3:*", "*")))
	other := createPolicy(t, root, "Other", doc(allow("*", "*")))
	s := sessionFor(t, e, "creator", doc(stmt{
		Effect: "Allow", Action: "iam:CreateRole", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": required}},
	}), "")
	trust := aws.String(trustDoc(rootOf(DefaultAccountID), ""))

	_, err := s.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("no-boundary"), AssumeRolePolicyDocument: trust})
	wantCode(t, err, "AccessDenied")
	_, err = s.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("other-boundary"), AssumeRolePolicyDocument: trust, PermissionsBoundary: aws.String(other)})
	wantCode(t, err, "AccessDenied")
	_, err = s.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("bounded"), AssumeRolePolicyDocument: trust, PermissionsBoundary: aws.String(required)})
	must(t, err)

	// Attach/Detach see the role's existing boundary as iam:PermissionsBoundary, and iam:PolicyARN.
	s2 := sessionFor(t, e, "attacher", doc(stmt{
		Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*",
		Condition: map[string]any{
			"StringEquals": map[string]any{"iam:PermissionsBoundary": required},
			"ArnLike":      map[string]any{"iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonEKS*"},
		},
	}), "")
	_, err = root.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("unbounded"), AssumeRolePolicyDocument: trust})
	must(t, err)
	attach := func(role, pol string) error {
		_, err := s2.AttachRolePolicy(bg, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(pol)})
		return err
	}
	must(t, attach("bounded", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"))
	wantCode(t, attach("unbounded", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"), "AccessDenied")
	wantCode(t, attach("bounded", "arn:aws:iam::aws:policy/AdministratorAccess"), "AccessDenied")
}

func TestEmuRequestTagCondition(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	s := sessionFor(t, e, "tagger", doc(stmt{
		Effect: "Allow", Action: []string{"iam:CreatePolicy", "iam:TagPolicy", "iam:CreateRole", "iam:TagRole"}, Resource: "*",
		Condition: map[string]any{
			"StringEquals":              map[string]any{"aws:RequestTag/Service": "LakeSail"},
			"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []string{"Service", "LakeSail-Connection"}},
		},
	}), "")
	pdoc := aws.String(doc(allow("s3:GetObject", "*")))
	tags := func(kv ...string) []iamtypes.Tag {
		var out []iamtypes.Tag
		for i := 0; i < len(kv); i += 2 {
			out = append(out, iamtypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		return out
	}
	_, err := s.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String("untagged"), PolicyDocument: pdoc})
	wantCode(t, err, "AccessDenied")
	_, err = s.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String("wrong"), PolicyDocument: pdoc, Tags: tags("Service", "Other")})
	wantCode(t, err, "AccessDenied")
	_, err = s.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String("extra-key"), PolicyDocument: pdoc, Tags: tags("Service", "LakeSail", "Owner", "me")})
	wantCode(t, err, "AccessDenied")
	_, err = s.CreatePolicy(bg, &iam.CreatePolicyInput{PolicyName: aws.String("tagged"), PolicyDocument: pdoc, Tags: tags("Service", "LakeSail", "LakeSail-Connection", "ABCDE12345")})
	must(t, err)

	trust := aws.String(trustDoc(rootOf(DefaultAccountID), ""))
	_, err = s.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: trust})
	wantCode(t, err, "AccessDenied")
	_, err = s.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: trust, Tags: tags("Service", "LakeSail")})
	must(t, err)
	_, err = s.TagRole(bg, &iam.TagRoleInput{RoleName: aws.String("r2"), Tags: tags("Service", "Nope")})
	wantCode(t, err, "AccessDenied")
}

func TestEmuResourceTagCondition(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	s := sessionFor(t, e, "reader", doc(stmt{
		Effect: "Allow", Action: "iam:GetRole", Resource: "*",
		Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/Service": "LakeSail"}},
	}), "")
	_, err := root.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("mine"), AssumeRolePolicyDocument: aws.String(trustDoc(rootOf(DefaultAccountID), "")),
		Tags: []iamtypes.Tag{{Key: aws.String("Service"), Value: aws.String("LakeSail")}}})
	must(t, err)
	_, err = s.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("mine")})
	must(t, err)
	_, err = s.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("reader")})
	wantCode(t, err, "AccessDenied")
}

func TestEmuPrincipalTagAndResourceARN(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	r := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("team-a"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}},
		doc(stmt{Effect: "Allow", Action: "iam:GetRole", Resource: "arn:aws:iam::123456789012:role/${aws:PrincipalTag/team}-*"}))
	createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("a-app")}, "")
	createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("b-app")}, "")
	s := iamClient(e, assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err := s.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("a-app")})
	must(t, err)
	_, err = s.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("b-app")})
	wantCode(t, err, "AccessDenied")
}

func TestEmuDeletedRoleSessionLosesAccess(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := iamClient(e, e.RootCredentials())
	s := sessionFor(t, e, "gone", doc(allow("iam:ListRoles", "*")), "")
	_, err := s.ListRoles(bg, &iam.ListRolesInput{})
	must(t, err)
	_, err = root.DeleteRolePolicy(bg, &iam.DeleteRolePolicyInput{RoleName: aws.String("gone"), PolicyName: aws.String("inline")})
	must(t, err)
	_, err = root.DeleteRole(bg, &iam.DeleteRoleInput{RoleName: aws.String("gone")})
	must(t, err)
	// Recreating the role with the same name and policy does not revive old sessions.
	createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("gone")}, doc(allow("iam:ListRoles", "*")))
	_, err = s.ListRoles(bg, &iam.ListRolesInput{})
	wantCode(t, err, "AccessDenied")
}
