package workspace_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// The connection role may create a workspace's OIDC provider and session certificate but neither
// delete nor replace them: the library does that with the account's own credentials,
// only when they are the account's, and only for objects shown to be the workspace's.

// TestLibWorkspaceDeleteWithAccountCredentials: the provider and the certificate are deleted by
// the account itself, after the rest by the role; nothing is left and the role is never refused.
func TestLibWorkspaceDeleteWithAccountCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	from := len(env.emu.Calls())
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
	env.assertCallsByRole(t) // before assertNoOrphans, whose own calls are the administrator's
	env.assertNoOrphans(t)
	accountRoot := "arn:aws:iam::" + env.emu.AccountID() + ":root"
	deletedBy := map[string]string{}
	for _, c := range env.emu.Calls()[from:] {
		if c.Action == "iam:DeleteOpenIDConnectProvider" || c.Action == "acm:DeleteCertificate" {
			deletedBy[c.Action] = c.Principal
			if !slices.Contains(c.Resources, ws.OIDCProviderARN) && !slices.Contains(c.Resources, ws.CertificateARN) {
				t.Errorf("%s on %v, not the workspace's", c.Action, c.Resources)
			}
		}
	}
	for _, action := range []string{"iam:DeleteOpenIDConnectProvider", "acm:DeleteCertificate"} {
		if deletedBy[action] != accountRoot {
			t.Errorf("%s was made by %q, want the account itself (%s)", action, deletedBy[action], accountRoot)
		}
	}
}

// TestLibWorkspaceDeleteWithoutAccountCredentials: acting from another account (as LakeSail's
// control plane does), a delete removes everything else, leaves the provider and certificate and
// names both in an AccountActionRequiredError; the same with no account client. A later delete
// with the account's own credentials removes them.
func TestLibWorkspaceDeleteWithoutAccountCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newCrossAccountWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)

	for _, client := range []*lakesail.Client{env.other, nil} {
		spec := env.spec
		spec.AccountClient = client
		err := workspace.New(env.asRole).Delete(ctx, spec, ws.Record())
		var left *lakesail.AccountActionRequiredError
		if !errors.As(err, &left) {
			t.Fatalf("delete without the account's credentials (client %v): %v, want an AccountActionRequiredError", client != nil, err)
		}
		if client != nil && !strings.Contains(left.Reason, lakesailtest.OtherAccountID) {
			t.Errorf("reason %q does not name the credentials' account", left.Reason)
		}
		if len(left.Actions) != 2 || !strings.Contains(left.Actions[0].Object, ws.OIDCProviderARN) ||
			!strings.Contains(left.Actions[1].Object, ws.CertificateARN) ||
			!strings.Contains(left.Actions[0].Command, "delete-open-id-connect-provider") || !strings.Contains(left.Actions[1].Command, "acm delete-certificate") {
			t.Errorf("actions %+v: want the provider and the certificate, each with its command", left.Actions)
		}
		if !oidcProviderExists(t, env, ws.OIDCProviderARN) || !certificateExists(t, env, ws.CertificateARN) {
			t.Fatal("the provider or certificate was deleted without the account's credentials")
		}
	}
	for _, c := range env.emu.Calls() {
		if c.Decision != "allow" && strings.Contains(c.Principal, ":assumed-role/") {
			t.Errorf("the connection role was refused %s on %v: the library must not try what it is denied", c.Action, c.Resources)
		}
		if c.Principal == "arn:aws:iam::"+lakesailtest.OtherAccountID+":root" && c.Action != "sts:AssumeRole" && c.Action != "sts:GetCallerIdentity" {
			t.Errorf("the other account's own credentials were used for %s", c.Action)
		}
	}
	if left := leftInAccount(t, env); len(left) != 2 {
		t.Errorf("left after the delete: %v, want only the provider and the certificate", left)
	}

	// The account's own credentials finish the job.
	env.spec.AccountClient = env.root
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, ws.Record()))
	env.assertNoOrphans(t)
}

// leftInAccount lists the OIDC providers, P-256 certificates and workspace roles in the
// account, as the administrator sees them.
func leftInAccount(t *testing.T, env *workspaceEnv) []string {
	t.Helper()
	var left []string
	providers, err := iam.NewFromConfig(env.emu.AWSConfig(nil)).ListOpenIDConnectProviders(context.Background(), &iam.ListOpenIDConnectProvidersInput{})
	lakesailtest.Must(t, err)
	for _, p := range providers.OpenIDConnectProviderList {
		left = append(left, aws.ToString(p.Arn))
	}
	certs, err := acm.NewFromConfig(env.emu.AWSConfig(nil)).ListCertificates(context.Background(), &acm.ListCertificatesInput{
		Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1}}})
	lakesailtest.Must(t, err)
	for _, c := range certs.CertificateSummaryList {
		left = append(left, aws.ToString(c.CertificateArn))
	}
	roles, err := iam.NewFromConfig(env.emu.AWSConfig(nil)).ListRoles(context.Background(), &iam.ListRolesInput{})
	lakesailtest.Must(t, err)
	for _, r := range roles.Roles {
		if strings.HasPrefix(aws.ToString(r.RoleName), env.spec.ClusterName()) {
			left = append(left, aws.ToString(r.RoleName))
		}
	}
	return left
}

// TestLibWorkspaceDeleteLeavesForeignObjects: the customer's own OIDC provider and certificate,
// which the role tagged with the connection's tags (IAM cannot stop that), are never deleted
// with the account's credentials, even when the record names them: the provider is not the
// issuer of the workspace's cluster (nor, once the cluster is gone, tagged for the workspace),
// the certificate is not for the workspace's session domain.
func TestLibWorkspaceDeleteLeavesForeignObjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	adminIAM, adminACM := iam.NewFromConfig(env.emu.AWSConfig(nil)), acm.NewFromConfig(env.emu.AWSConfig(nil))
	foreignProvider, err := adminIAM.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"), ClientIDList: []string{"sts.amazonaws.com"}})
	lakesailtest.Must(t, err)
	certPEM, keyPEM := selfSignedCertificate(t, "app.customer.example")
	foreignCert, err := adminACM.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM})
	lakesailtest.Must(t, err)

	// The role tags both with the connection's tags: allowed, and why those tags grant nothing.
	roleCfg := env.asRole.AWSConfig()
	tags := env.spec.WorkspaceTags()
	var iamTags []iamtypes.Tag
	var acmTags []acmtypes.Tag
	for k, v := range tags {
		iamTags = append(iamTags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
		acmTags = append(acmTags, acmtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	_, err = iam.NewFromConfig(roleCfg).TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: foreignProvider.OpenIDConnectProviderArn, Tags: iamTags})
	lakesailtest.Must(t, err)
	_, err = acm.NewFromConfig(roleCfg).AddTagsToCertificate(ctx, &acm.AddTagsToCertificateInput{CertificateArn: foreignCert.CertificateArn, Tags: acmTags})
	lakesailtest.Must(t, err)

	// A record naming them: the cluster's issuer decides the provider, the domain the certificate.
	forged := workspace.Record{OIDCProviderARN: aws.ToString(foreignProvider.OpenIDConnectProviderArn), CertificateARN: aws.ToString(foreignCert.CertificateArn)}
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, forged))
	if !oidcProviderExists(t, env, forged.OIDCProviderARN) || !certificateExists(t, env, forged.CertificateARN) {
		t.Fatal("a delete removed the customer's provider or certificate")
	}
	if oidcProviderExists(t, env, ws.OIDCProviderARN) {
		t.Error("the workspace cluster's own provider was not deleted")
	}
	// Once the cluster is gone, a recorded provider must also carry the workspace's tags.
	_, err = adminIAM.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: foreignProvider.OpenIDConnectProviderArn, TagKeys: []string{workspace.TagWorkspace}})
	lakesailtest.Must(t, err)
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, forged))
	if !oidcProviderExists(t, env, forged.OIDCProviderARN) || !certificateExists(t, env, forged.CertificateARN) {
		t.Fatal("a delete without a cluster removed the customer's provider or certificate")
	}
}

// TestLibWorkspaceRoleMayNotDeleteOrReimport: what the library now does with the account's own
// credentials is refused to the connection role, re-importing a certificate included (the
// role's imports must carry tags, which a re-import cannot).
func TestLibWorkspaceRoleMayNotDeleteOrReimport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	roleIAM, roleACM := iam.NewFromConfig(env.asRole.AWSConfig()), acm.NewFromConfig(env.asRole.AWSConfig())
	certPEM, keyPEM := selfSignedCertificate(t, "sessions.ws00000001.ab12cd34ef.lakesail.internal")
	attempts := map[string]error{}
	_, attempts["iam:DeleteOpenIDConnectProvider"] = roleIAM.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(ws.OIDCProviderARN)})
	_, attempts["iam:UntagOpenIDConnectProvider"] = roleIAM.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(ws.OIDCProviderARN), TagKeys: []string{"team"}})
	_, attempts["iam:AddClientIDToOpenIDConnectProvider"] = roleIAM.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(ws.OIDCProviderARN), ClientID: aws.String("attacker")})
	_, attempts["acm:DeleteCertificate"] = roleACM.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String(ws.CertificateARN)})
	_, attempts["acm:RemoveTagsFromCertificate"] = roleACM.RemoveTagsFromCertificate(ctx, &acm.RemoveTagsFromCertificateInput{
		CertificateArn: aws.String(ws.CertificateARN), Tags: []acmtypes.Tag{{Key: aws.String("team")}}})
	_, attempts["acm:ImportCertificate (re-import)"] = roleACM.ImportCertificate(ctx, &acm.ImportCertificateInput{
		CertificateArn: aws.String(ws.CertificateARN), Certificate: certPEM, PrivateKey: keyPEM})
	for what, err := range attempts {
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || !strings.Contains(apiErr.ErrorCode(), "AccessDenied") {
			t.Errorf("the connection role's %s: %v, want AccessDenied", what, err)
		}
	}
	if !oidcProviderExists(t, env, ws.OIDCProviderARN) || !certificateExists(t, env, ws.CertificateARN) {
		t.Fatal("the role changed what it may not")
	}
}

// TestLibWorkspaceRotationReimportsWithAccountCredentials: missing Konnectivity material means new
// material throughout; the account re-imports the session certificate in place (same ARN).
func TestLibWorkspaceRotationReimportsWithAccountCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	deleteParameter(t, env, env.spec.ParameterNames()[1])
	from := len(env.emu.Calls())
	updated, err := workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if updated.CertificateARN != ws.CertificateARN || len(updated.AccountActions) > 0 || len(updated.Drift) > 0 {
		t.Fatalf("after rotation: certificate %s (was %s), actions %v, drift %v", updated.CertificateARN, ws.CertificateARN, updated.AccountActions, updated.Drift)
	}
	reimported := false
	for _, c := range env.emu.Calls()[from:] {
		if c.Action == "acm:ImportCertificate" {
			reimported = c.Principal == "arn:aws:iam::"+env.emu.AccountID()+":root" && slices.Contains(c.Resources, ws.CertificateARN)
		}
	}
	if !reimported {
		t.Error("the certificate was not re-imported in place by the account")
	}
	env.assertCallsByRole(t)
	lakesailtest.Must(t, workspace.New(env.asRole).Delete(ctx, env.spec, updated.Record()))
	env.assertNoOrphans(t)
}

// TestLibWorkspaceRotationWithoutAccountCredentials: the role imports a new certificate (tagged)
// and the old one is named for the account to delete.
func TestLibWorkspaceRotationWithoutAccountCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newCrossAccountWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	deleteParameter(t, env, env.spec.ParameterNames()[0])
	updated, err := workspace.New(env.asRole).Update(ctx, env.spec, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if updated.CertificateARN == "" || updated.CertificateARN == ws.CertificateARN || len(updated.Drift) > 0 {
		t.Fatalf("after rotation: certificate %s (was %s), drift %v", updated.CertificateARN, ws.CertificateARN, updated.Drift)
	}
	if len(updated.AccountActions) != 1 || !strings.Contains(updated.AccountActions[0].Object, ws.CertificateARN) ||
		!strings.Contains(updated.AccountActions[0].Action, updated.CertificateARN) {
		t.Errorf("actions %+v: want the old certificate, saying what replaced it", updated.AccountActions)
	}
	if !certificateExists(t, env, ws.CertificateARN) {
		t.Error("the old certificate was deleted without the account's credentials")
	}
	for _, c := range env.emu.Calls() {
		if c.Decision != "allow" && strings.Contains(c.Principal, ":assumed-role/") {
			t.Errorf("the connection role was refused %s on %v", c.Action, c.Resources)
		}
	}
}

func deleteParameter(t *testing.T, env *workspaceEnv, name string) {
	t.Helper()
	if env.adminOps == nil {
		env.adminOps = map[string]bool{}
	}
	env.adminOps["ssm:DeleteParameter"] = true
	_, err := ssm.NewFromConfig(env.emu.AWSConfig(nil)).DeleteParameter(context.Background(), &ssm.DeleteParameterInput{Name: aws.String(name)})
	lakesailtest.Must(t, err)
}

func oidcProviderExists(t *testing.T, env *workspaceEnv, providerARN string) bool {
	t.Helper()
	_, err := iam.NewFromConfig(env.emu.AWSConfig(nil)).GetOpenIDConnectProvider(context.Background(),
		&iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	var missing *iamtypes.NoSuchEntityException
	if errors.As(err, &missing) {
		return false
	}
	lakesailtest.Must(t, err)
	return true
}

func certificateExists(t *testing.T, env *workspaceEnv, certificateARN string) bool {
	t.Helper()
	_, err := acm.NewFromConfig(env.emu.AWSConfig(nil)).DescribeCertificate(context.Background(),
		&acm.DescribeCertificateInput{CertificateArn: aws.String(certificateARN)})
	var missing *acmtypes.ResourceNotFoundException
	if errors.As(err, &missing) {
		return false
	}
	lakesailtest.Must(t, err)
	return true
}

// selfSignedCertificate is a P-256 certificate for domain and its key, PEM-encoded.
func selfSignedCertificate(t *testing.T, domain string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	lakesailtest.Must(t, err)
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: domain}, DNSNames: []string{domain},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	lakesailtest.Must(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	lakesailtest.Must(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}
