package sts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// TestWebIdentityIRSA: a token signed for a cluster's issuer assumes a role whose trust names
// the issuer's OIDC provider with :sub and :aud; every other token is refused as AWS refuses it.
func TestWebIdentityIRSA(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{})
	root := e.RootCredentials()
	admin := emutest.IamClient(e, root)
	issuer := "https://oidc.eks.us-east-1.amazonaws.com/id/" + strings.ToUpper(core.NewSecret()[:32])
	host := strings.TrimPrefix(issuer, "https://")
	provider, err := admin.CreateOpenIDConnectProvider(emutest.Bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}})
	emutest.Must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + aws.ToString(provider.OpenIDConnectProviderArn) +
		`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `:sub":"system:serviceaccount:lakesail:sail-worker","` +
		host + `:aud":"sts.amazonaws.com"}}}]}`
	role := emutest.CreateRole(t, admin, &iam.CreateRoleInput{RoleName: aws.String("irsa"), AssumeRolePolicyDocument: aws.String(trust)},
		emutest.Doc(emutest.Allow("s3:ListBucket", "*")))

	mint := func(sub, aud string, ttl time.Duration) string {
		now := e.Now()
		token, err := awsemu.MintServiceAccountToken(issuer, sub, aud, now, ttl)
		emutest.Must(t, err)
		return token
	}
	anon := sts.NewFromConfig(e.AWSConfig(aws.AnonymousCredentials{}), func(o *sts.Options) { o.Retryer = emutest.FastRetry() })
	assume := func(token string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return anon.AssumeRoleWithWebIdentity(emutest.Bg, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Arn, RoleSessionName: aws.String("pod"), WebIdentityToken: aws.String(token)})
	}

	out, err := assume(mint("system:serviceaccount:lakesail:sail-worker", "sts.amazonaws.com", time.Hour))
	emutest.Must(t, err)
	if aws.ToString(out.SubjectFromWebIdentityToken) != "system:serviceaccount:lakesail:sail-worker" ||
		!strings.Contains(aws.ToString(out.AssumedRoleUser.Arn), ":assumed-role/irsa/pod") {
		t.Fatalf("unexpected result %+v", out)
	}
	caller, err := emutest.StsClient(e, aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}).
		GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
	emutest.Must(t, err)
	if !strings.Contains(aws.ToString(caller.Arn), ":assumed-role/irsa/pod") {
		t.Fatalf("the session is %s", aws.ToString(caller.Arn))
	}

	_, err = assume(mint("system:serviceaccount:lakesail:other", "sts.amazonaws.com", time.Hour))
	emutest.WantCode(t, err, "AccessDenied")
	_, err = assume(mint("system:serviceaccount:lakesail:sail-worker", "someone-else", time.Hour))
	emutest.WantCode(t, err, "InvalidIdentityToken")
	token := mint("system:serviceaccount:lakesail:sail-worker", "sts.amazonaws.com", time.Hour)
	_, err = assume(token[:len(token)-4] + "AAAA")
	emutest.WantCode(t, err, "InvalidIdentityToken")
	expiring := mint("system:serviceaccount:lakesail:sail-worker", "sts.amazonaws.com", time.Minute)
	clock.Advance(2 * time.Minute)
	_, err = assume(expiring)
	emutest.WantCode(t, err, "ExpiredTokenException")

	// Another issuer, signed by the emulator but without an OIDC provider in the account.
	stranger := "https://oidc.eks.us-east-1.amazonaws.com/id/" + strings.ToUpper(core.NewSecret()[:32])
	now := e.Now()
	strangerToken, err := awsemu.MintServiceAccountToken(stranger, "system:serviceaccount:lakesail:sail-worker", "sts.amazonaws.com", now, time.Hour)
	emutest.Must(t, err)
	_, err = assume(strangerToken)
	emutest.WantCode(t, err, "InvalidIdentityToken")
}
