package eksauth_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// fixture is an emulator with two ACTIVE clusters, "pi" and "other", and the credentials of the
// Pod Identity agent on pi's nodes: a session allowed eks-auth:AssumeRoleForPodIdentity on pi only.
type fixture struct {
	e     *awsemu.Emulator
	clock *awsemu.Clock
	root  *eks.Client
	agent aws.Credentials
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("pi", role, net))
	emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("other", role, net))
	agentRole := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("agent")},
		emutest.Doc(emutest.Allow("eks-auth:AssumeRoleForPodIdentity", "arn:aws:eks:us-east-1:"+awsemu.DefaultAccountID+":cluster/pi")))
	return &fixture{e: e, clock: clock, root: c, agent: emutest.Assume(t, e, e.RootCredentials(), *agentRole.Arn, "")}
}

func (f *fixture) token(t *testing.T, cluster, namespace, sa, pod string) string {
	t.Helper()
	tok, err := f.e.PodIdentityToken(cluster, namespace, sa, pod)
	emutest.Must(t, err)
	return tok
}

func (f *fixture) assume(t *testing.T, cluster, token string) *emutest.PodIdentityCredentials {
	t.Helper()
	out, err := emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, cluster, token)
	emutest.Must(t, err)
	return out
}

// wantError checks an eks-auth error's code and HTTP status (the EKS Auth service model's).
func wantError(t *testing.T, err error, code string, status int) {
	t.Helper()
	var re *emutest.RestError
	if !errors.As(err, &re) || re.Code != code || re.Status != status {
		t.Fatalf("error = %v, want %s (%d)", err, code, status)
	}
}

const acct = awsemu.DefaultAccountID

// The agent exchanges a pod's token for credentials of the associated role: the response has the
// API Reference's shape, the session is the role's with EKS Pod Identity's session name, and the
// credentials are decided by the role's policies, with the session tags as aws:PrincipalTag.
func TestEmuEKSAuthAssumeRoleForPodIdentity(t *testing.T) {
	f := newFixture(t)
	app := emutest.PodIdentityRole(t, f.e, "app", emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"), emutest.Doc(
		emutest.Allow("eks:DescribeCluster", "arn:aws:eks:*:*:cluster/${aws:PrincipalTag/eks-cluster-name}"),
		emutest.Stmt{Effect: "Allow", Action: "iam:GetRole", Resource: "*", Condition: map[string]any{
			"StringEquals": map[string]any{"aws:PrincipalTag/kubernetes-namespace": "prod", "aws:PrincipalTag/kubernetes-pod-name": "api-7d9f"}}},
	))
	prod := emutest.Associate(t, f.root, "pi", "prod", "api", app)
	emutest.Associate(t, f.root, "pi", "dev", "api", app)

	out := f.assume(t, "pi", f.token(t, "pi", "prod", "api", "api-7d9f"))
	if out.Subject.Namespace != "prod" || out.Subject.ServiceAccount != "api" || out.Audience != "pods.eks.amazonaws.com" ||
		out.PodIdentityAssociation.AssociationId != prod ||
		out.PodIdentityAssociation.AssociationArn != "arn:aws:eks:us-east-1:"+acct+":podidentityassociation/pi/"+prod {
		t.Fatalf("response = %+v", out)
	}
	if !strings.HasPrefix(out.AssumedRoleUser.Arn, "arn:aws:sts::"+acct+":assumed-role/app/eks-pi-api-7d9f-") ||
		!strings.HasPrefix(out.AssumedRoleUser.AssumeRoleId, "AROA") || !strings.Contains(out.AssumedRoleUser.AssumeRoleId, ":eks-pi-api-7d9f-") {
		t.Fatalf("assumedRoleUser = %+v", out.AssumedRoleUser)
	}
	if exp := time.Unix(int64(out.Credentials.Expiration), 0); !exp.Equal(f.clock.Now().Add(time.Hour)) || !strings.HasPrefix(out.Credentials.AccessKeyId, "ASIA") {
		t.Fatalf("credentials expire %v (now %v), key %s", exp, f.clock.Now(), out.Credentials.AccessKeyId)
	}

	pod := out.Creds()
	who, err := emutest.StsClient(f.e, pod).GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.Must(t, err)
	if *who.Arn != out.AssumedRoleUser.Arn {
		t.Fatalf("caller %s, assumed %s", *who.Arn, out.AssumedRoleUser.Arn)
	}
	// What the role allows, for this pod's tags: its own cluster, not the other, nothing else.
	podEKS := emutest.EksClient(f.e, pod)
	_, err = podEKS.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("pi")})
	emutest.Must(t, err)
	_, err = podEKS.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("other")})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = podEKS.ListClusters(emutest.Bg, &eks.ListClustersInput{})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = emutest.IamClient(f.e, pod).GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("app")})
	emutest.Must(t, err)

	// The same role for a pod in namespace dev: its kubernetes-namespace tag does not fit.
	dev := f.assume(t, "pi", f.token(t, "pi", "dev", "api", "api-7d9f")).Creds()
	_, err = emutest.IamClient(f.e, dev).GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("app")})
	emutest.WantCode(t, err, "AccessDenied")
	_, err = emutest.EksClient(f.e, dev).DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("pi")})
	emutest.Must(t, err)

	// The agent is allowed on pi only: on other it is refused, with EKS Auth's 400.
	emutest.Associate(t, f.root, "other", "prod", "api", app)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "other", f.token(t, "other", "prod", "api", "api-1"))
	wantError(t, err, "AccessDeniedException", 400)
	emutest.WantContains(t, emutest.ErrMessage(err), "is not authorized to perform: eks-auth:AssumeRoleForPodIdentity on resource: arn:aws:eks:us-east-1:"+acct+":cluster/other")
	// Root may call it for any cluster of its account.
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.e.RootCredentials(), "other", f.token(t, "other", "prod", "api", "api-1"))
	emutest.Must(t, err)
	last := f.e.Calls()[len(f.e.Calls())-1]
	if last.Action != "eks-auth:AssumeRoleForPodIdentity" || last.Decision != "allow" {
		t.Fatalf("call log = %+v", last)
	}
}

// The role's trust policy decides for pods.eks.amazonaws.com: without sts:TagSession the session
// tags are refused (unless the association disables them), and conditions on the request tags
// hold; the role's permissions boundary limits the pod's credentials.
func TestEmuEKSAuthTrustAndBoundary(t *testing.T) {
	f := newFixture(t)
	noTag := emutest.PodIdentityRole(t, f.e, "no-tag", emutest.PodIdentityTrust("sts:AssumeRole"),
		emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*", Condition: map[string]any{
			"Null": map[string]any{"aws:PrincipalTag/eks-cluster-name": "true"}}}))
	id := emutest.Associate(t, f.root, "pi", "prod", "no-tag", noTag)
	_, err := emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", f.token(t, "pi", "prod", "no-tag", "p"))
	wantError(t, err, "AccessDeniedException", 400)
	emutest.WantContains(t, emutest.ErrMessage(err), "sts:TagSession")
	_, err = f.root.UpdatePodIdentityAssociation(emutest.Bg, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: aws.String(id), DisableSessionTags: aws.Bool(true)})
	emutest.Must(t, err)
	untagged := f.assume(t, "pi", f.token(t, "pi", "prod", "no-tag", "p")).Creds()
	_, err = emutest.EksClient(f.e, untagged).DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("pi")})
	emutest.Must(t, err) // no session tags, so no aws:PrincipalTag/eks-cluster-name

	// A trust policy restricted to one namespace by the request tags EKS Pod Identity sends.
	prodOnly := emutest.PodIdentityRole(t, f.e, "prod-only", emutest.Doc(emutest.Stmt{Effect: "Allow",
		Principal: map[string]any{"Service": "pods.eks.amazonaws.com"}, Action: []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: map[string]any{"StringEquals": map[string]any{"aws:RequestTag/kubernetes-namespace": "prod", "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-east-1:" + acct + ":cluster/pi"}}}), "")
	emutest.Associate(t, f.root, "pi", "prod", "job", prodOnly)
	emutest.Associate(t, f.root, "pi", "dev", "job", prodOnly)
	f.assume(t, "pi", f.token(t, "pi", "prod", "job", "job-1"))
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", f.token(t, "pi", "dev", "job", "job-1"))
	wantError(t, err, "AccessDeniedException", 400)

	// A trust policy naming another service does not admit EKS Pod Identity.
	ec2Trust := emutest.PodIdentityRole(t, f.e, "ec2-trust", emutest.Doc(emutest.Stmt{Effect: "Allow",
		Principal: map[string]any{"Service": "ec2.amazonaws.com"}, Action: []string{"sts:AssumeRole", "sts:TagSession"}}), "")
	emutest.Associate(t, f.root, "pi", "prod", "ec2", ec2Trust)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", f.token(t, "pi", "prod", "ec2", "p"))
	wantError(t, err, "AccessDeniedException", 400)

	// The permissions boundary caps what the pod's credentials can do.
	rootIAM := emutest.IamClient(f.e, f.e.RootCredentials())
	boundary := emutest.CreatePolicy(t, rootIAM, "describe-only", emutest.Doc(emutest.Allow("eks:DescribeCluster", "*")))
	bounded := emutest.CreateRole(t, rootIAM, &iam.CreateRoleInput{RoleName: aws.String("bounded"), PermissionsBoundary: aws.String(boundary),
		AssumeRolePolicyDocument: aws.String(emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"))}, emutest.Doc(emutest.Allow("eks:*", "*")))
	emutest.Associate(t, f.root, "pi", "prod", "bounded", *bounded.Arn)
	b := emutest.EksClient(f.e, f.assume(t, "pi", f.token(t, "pi", "prod", "bounded", "b")).Creds())
	_, err = b.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("other")})
	emutest.Must(t, err)
	_, err = b.ListClusters(emutest.Bg, &eks.ListClustersInput{})
	emutest.WantCode(t, err, "AccessDeniedException")

	// A role deleted after the association was made cannot be assumed.
	gone := emutest.PodIdentityRole(t, f.e, "gone", emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"), "")
	emutest.Associate(t, f.root, "pi", "prod", "gone", gone)
	_, err = rootIAM.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("gone")})
	emutest.Must(t, err)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", f.token(t, "pi", "prod", "gone", "p"))
	wantError(t, err, "AccessDeniedException", 400)
}

// Tokens EKS Auth refuses: another audience (an IRSA token), another cluster's, a forged
// signature, a malformed one, an expired one; and the errors for a service account without an
// association and a cluster that does not exist.
func TestEmuEKSAuthTokenRefusals(t *testing.T) {
	f := newFixture(t)
	app := emutest.PodIdentityRole(t, f.e, "app", emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"), "")
	emutest.Associate(t, f.root, "pi", "prod", "api", app)
	good := f.token(t, "pi", "prod", "api", "api-1")
	f.assume(t, "pi", good)

	irsa, err := f.e.ServiceAccountToken("pi", "prod", "api") // audience sts.amazonaws.com
	emutest.Must(t, err)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", irsa)
	wantError(t, err, "InvalidTokenException", 400)
	emutest.WantContains(t, emutest.ErrMessage(err), "audience")
	aud, err := f.e.ServiceAccountTokenFor("pi", "system:serviceaccount:prod:api", "pods.eks.amazonaws.com")
	emutest.Must(t, err)
	f.assume(t, "pi", aud) // a token without the pod claims still names the service account

	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", f.token(t, "other", "prod", "api", "api-1"))
	wantError(t, err, "InvalidTokenException", 400)

	other := f.token(t, "pi", "prod", "api", "api-2")
	forged := good[:strings.LastIndex(good, ".")] + other[strings.LastIndex(other, "."):]
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", forged)
	wantError(t, err, "InvalidTokenException", 400)
	foreign, err := awsemu.MintServiceAccountToken("https://oidc.eks.us-east-1.amazonaws.com/id/FORGED", "system:serviceaccount:prod:api", "pods.eks.amazonaws.com", f.clock.Now(), time.Hour)
	emutest.Must(t, err)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", foreign)
	wantError(t, err, "InvalidTokenException", 400)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", "not-a-jwt")
	wantError(t, err, "InvalidParameterException", 400)

	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "pi", f.token(t, "pi", "prod", "unassociated", "p"))
	wantError(t, err, "ResourceNotFoundException", 404)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.e.RootCredentials(), "missing", good)
	wantError(t, err, "ResourceNotFoundException", 404)

	// Two hours on, the token has expired (root signs: the agent's own session has too).
	f.clock.Advance(2 * time.Hour)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.e.RootCredentials(), "pi", good)
	wantError(t, err, "ExpiredTokenException", 400)
}

// EKS Auth's errors as AWS's eks-auth answers them (REST-JSON): the code in X-Amzn-ErrorType and
// a {"message": ...} body, with the service model's statuses. A denial of
// eks-auth:AssumeRoleForPodIdentity is AccessDeniedException, 400; the errors the emulator raises
// for every service (an unknown access key, throttling) are spelled as a REST-JSON service does.
func TestEmuEKSAuthErrorShape(t *testing.T) {
	f := newFixture(t)
	app := emutest.PodIdentityRole(t, f.e, "app", emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"), "")
	emutest.Associate(t, f.root, "other", "prod", "api", app)
	token := f.token(t, "other", "prod", "api", "api-1")

	_, err := emutest.AssumeRoleForPodIdentity(t, f.e, f.agent, "other", token)
	var re *emutest.RestError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v", err)
	}
	var body map[string]any
	if jerr := json.Unmarshal(re.Body, &body); jerr != nil || len(body) != 1 {
		t.Fatalf("body = %s (%v), want {\"message\": ...} only", re.Body, jerr)
	}
	want := "is not authorized to perform: eks-auth:AssumeRoleForPodIdentity on resource: arn:aws:eks:us-east-1:" + acct + ":cluster/other"
	if msg, _ := body["message"].(string); re.Status != 400 || re.Code != "AccessDeniedException" || !strings.Contains(msg, want) {
		t.Fatalf("denial = %d %s %s", re.Status, re.Code, re.Body)
	}
	last := f.e.Calls()[len(f.e.Calls())-1]
	if last.Action != "eks-auth:AssumeRoleForPodIdentity" || last.Decision != "deny" || last.ErrorCode != "AccessDeniedException" {
		t.Fatalf("call log = %+v", last)
	}

	unknown := aws.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: "x"}
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, unknown, "other", token)
	wantError(t, err, "UnrecognizedClientException", 403)

	f.e.AddFault(awsemu.Fault{Service: "eks-auth", Throttle: true, Times: 1})
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.e.RootCredentials(), "other", token)
	wantError(t, err, "ThrottlingException", 429)
	_, err = emutest.AssumeRoleForPodIdentity(t, f.e, f.e.RootCredentials(), "other", token)
	emutest.Must(t, err)
}
