package awsemu

import (
	"strings"
	"testing"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	emueks "github.com/lakehq/terraform-provider-lakesail/internal/awsemu/eks"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestWebIdentityIRSA: a token signed for a cluster's issuer assumes a role whose trust names
// the issuer's OIDC provider with :sub and :aud; every other token is refused as AWS refuses it.
func TestWebIdentityIRSA(t *testing.T) {
	e, clock := newTestEmu(t, Options{})
	root := e.RootCredentials()
	admin := iamClient(e, root)
	issuer := "https://oidc.eks.us-east-1.amazonaws.com/id/" + strings.ToUpper(core.NewSecret()[:32])
	host := strings.TrimPrefix(issuer, "https://")
	provider, err := admin.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}})
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + aws.ToString(provider.OpenIDConnectProviderArn) +
		`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `:sub":"system:serviceaccount:lakesail:sail-worker","` +
		host + `:aud":"sts.amazonaws.com"}}}]}`
	role := createRole(t, admin, &iam.CreateRoleInput{RoleName: aws.String("irsa"), AssumeRolePolicyDocument: aws.String(trust)},
		doc(allow("s3:ListBucket", "*")))

	mint := func(sub, aud string, ttl time.Duration) string {
		now := e.Now()
		token, err := emueks.MintToken(issuer, sub, aud, now, ttl)
		must(t, err)
		return token
	}
	anon := sts.NewFromConfig(e.AWSConfig(aws.AnonymousCredentials{}), func(o *sts.Options) { o.Retryer = fastRetry() })
	assume := func(token string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return anon.AssumeRoleWithWebIdentity(bg, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Arn, RoleSessionName: aws.String("pod"), WebIdentityToken: aws.String(token)})
	}

	out, err := assume(mint("system:serviceaccount:lakesail:sail-worker", "sts.amazonaws.com", time.Hour))
	must(t, err)
	if aws.ToString(out.SubjectFromWebIdentityToken) != "system:serviceaccount:lakesail:sail-worker" ||
		!strings.Contains(aws.ToString(out.AssumedRoleUser.Arn), ":assumed-role/irsa/pod") {
		t.Fatalf("unexpected result %+v", out)
	}
	caller, err := stsClient(e, aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}).
		GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	must(t, err)
	if !strings.Contains(aws.ToString(caller.Arn), ":assumed-role/irsa/pod") {
		t.Fatalf("the session is %s", aws.ToString(caller.Arn))
	}

	_, err = assume(mint("system:serviceaccount:lakesail:other", "sts.amazonaws.com", time.Hour))
	wantCode(t, err, "AccessDenied")
	_, err = assume(mint("system:serviceaccount:lakesail:sail-worker", "someone-else", time.Hour))
	wantCode(t, err, "InvalidIdentityToken")
	token := mint("system:serviceaccount:lakesail:sail-worker", "sts.amazonaws.com", time.Hour)
	_, err = assume(token[:len(token)-4] + "AAAA")
	wantCode(t, err, "InvalidIdentityToken")
	expiring := mint("system:serviceaccount:lakesail:sail-worker", "sts.amazonaws.com", time.Minute)
	clock.Advance(2 * time.Minute)
	_, err = assume(expiring)
	wantCode(t, err, "ExpiredTokenException")

	// Another issuer, signed by the emulator but without an OIDC provider in the account.
	stranger := "https://oidc.eks.us-east-1.amazonaws.com/id/" + strings.ToUpper(core.NewSecret()[:32])
	now := e.Now()
	strangerToken, err := emueks.MintToken(stranger, "system:serviceaccount:lakesail:sail-worker", "sts.amazonaws.com", now, time.Hour)
	must(t, err)
	_, err = assume(strangerToken)
	wantCode(t, err, "InvalidIdentityToken")
}
