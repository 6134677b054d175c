package acm_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuACMImportRoundTrip(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.AcmClient(e, e.RootCredentials())
	pki := emutest.NewTestPKI(t, "rsa", "sessions.ws1.lakesail.internal", "*.sessions.ws1.lakesail.internal")
	imp, err := c.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: pki.CertPEM, PrivateKey: pki.KeyPEM, CertificateChain: pki.CaPEM,
		Tags: []acmtypes.Tag{{Key: aws.String("LakeSail-Workspace"), Value: aws.String("ws1")}}})
	emutest.Must(t, err)
	arn := imp.CertificateArn
	emutest.WantContains(t, *arn, "arn:aws:acm:us-east-1:123456789012:certificate/")

	d, err := c.DescribeCertificate(emutest.Bg, &acm.DescribeCertificateInput{CertificateArn: arn})
	emutest.Must(t, err)
	x := d.Certificate
	if *x.DomainName != "sessions.ws1.lakesail.internal" || len(x.SubjectAlternativeNames) != 2 || x.Status != acmtypes.CertificateStatusIssued ||
		x.Type != acmtypes.CertificateTypeImported || !x.NotBefore.Equal(pki.Cert.NotBefore) || !x.NotAfter.Equal(pki.Cert.NotAfter) ||
		!x.ImportedAt.Equal(emutest.T0) || *x.Serial != "0a:1b:2c" || *x.Issuer != "LakeSail Konnectivity CA" || *x.SignatureAlgorithm != "SHA256WITHECDSA" ||
		string(x.KeyAlgorithm) != "RSA-2048" || len(x.ExtendedKeyUsages) != 1 || x.ExtendedKeyUsages[0].Name != acmtypes.ExtendedKeyUsageNameTlsWebServerAuthentication {
		t.Fatalf("certificate = %+v", x)
	}
	got, err := c.GetCertificate(emutest.Bg, &acm.GetCertificateInput{CertificateArn: arn})
	emutest.Must(t, err)
	if *got.Certificate != string(pki.CertPEM) || *got.CertificateChain != string(pki.CaPEM) {
		t.Fatalf("GetCertificate = %q %q", *got.Certificate, *got.CertificateChain)
	}

	// ListCertificates shows RSA 1024/2048 certificates unless asked for other key types.
	ec := emutest.NewTestPKI(t, "ec", "ec.lakesail.internal")
	ecArn, err := c.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: ec.CertPEM, PrivateKey: ec.KeyPEM})
	emutest.Must(t, err)
	list, err := c.ListCertificates(emutest.Bg, &acm.ListCertificatesInput{})
	emutest.Must(t, err)
	if len(list.CertificateSummaryList) != 1 || *list.CertificateSummaryList[0].CertificateArn != *arn || list.CertificateSummaryList[0].KeyAlgorithm != acmtypes.KeyAlgorithmRsa2048 {
		t.Fatalf("default list = %+v", list.CertificateSummaryList)
	}
	list, err = c.ListCertificates(emutest.Bg, &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1}}})
	emutest.Must(t, err)
	if len(list.CertificateSummaryList) != 1 || *list.CertificateSummaryList[0].CertificateArn != *ecArn.CertificateArn {
		t.Fatalf("EC list = %+v", list.CertificateSummaryList)
	}

	// Re-importing replaces the certificate under the same ARN.
	next := emutest.NewTestPKI(t, "rsa", "sessions.ws1.lakesail.internal")
	re, err := c.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{CertificateArn: arn, Certificate: next.CertPEM, PrivateKey: next.KeyPEM})
	emutest.Must(t, err)
	if *re.CertificateArn != *arn {
		t.Fatalf("re-import ARN = %s", *re.CertificateArn)
	}

	clock.Advance(400 * 24 * time.Hour)
	d, err = c.DescribeCertificate(emutest.Bg, &acm.DescribeCertificateInput{CertificateArn: arn})
	emutest.Must(t, err)
	if d.Certificate.Status != acmtypes.CertificateStatusExpired {
		t.Fatalf("status after NotAfter = %s", d.Certificate.Status)
	}
	_, err = c.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: pki.CertPEM, PrivateKey: pki.KeyPEM})
	emutest.WantCode(t, err, "ValidationException")
	emutest.WantContains(t, emutest.ErrMessage(err), "expired")

	_, err = c.DeleteCertificate(emutest.Bg, &acm.DeleteCertificateInput{CertificateArn: arn})
	emutest.Must(t, err)
	_, err = c.DescribeCertificate(emutest.Bg, &acm.DescribeCertificateInput{CertificateArn: arn})
	var nf *acmtypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("describe deleted: %v", err)
	}
	_, err = c.DescribeCertificate(emutest.Bg, &acm.DescribeCertificateInput{CertificateArn: aws.String("arn:aws:s3:::bucket")})
	emutest.WantCode(t, err, "InvalidArnException")
}

func TestEmuACMRejectsBadMaterial(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.AcmClient(e, e.RootCredentials())
	a := emutest.NewTestPKI(t, "ec", "a.lakesail.internal")
	b := emutest.NewTestPKI(t, "ec", "b.lakesail.internal")
	_, err := c.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: a.CertPEM, PrivateKey: b.KeyPEM})
	var ve *acmtypes.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("mismatched key: %v", err)
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "private key does not match")
	for name, in := range map[string]*acm.ImportCertificateInput{
		"two certificates": {Certificate: append(append([]byte{}, a.CertPEM...), a.CaPEM...), PrivateKey: a.KeyPEM},
		"not PEM":          {Certificate: []byte("hello"), PrivateKey: a.KeyPEM},
		"key is a cert":    {Certificate: a.CertPEM, PrivateKey: a.CaPEM},
		"encrypted key":    {Certificate: a.CertPEM, PrivateKey: emutest.PemOf("ENCRYPTED PRIVATE KEY", []byte{1, 2, 3})},
		"chain not certs":  {Certificate: a.CertPEM, PrivateKey: a.KeyPEM, CertificateChain: a.KeyPEM},
	} {
		if _, err := c.ImportCertificate(emutest.Bg, in); emutest.ErrCode(err) != "ValidationException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = c.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: a.CertPEM, PrivateKey: a.KeyPEM, Tags: []acmtypes.Tag{{Key: aws.String("aws:x"), Value: aws.String("y")}}})
	emutest.WantCode(t, err, "InvalidTagException")
}

func TestEmuACMTags(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.AcmClient(e, e.RootCredentials())
	a := emutest.NewTestPKI(t, "ec", "a.lakesail.internal")
	imp, err := c.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: a.CertPEM, PrivateKey: a.KeyPEM})
	emutest.Must(t, err)
	_, err = c.AddTagsToCertificate(emutest.Bg, &acm.AddTagsToCertificateInput{CertificateArn: imp.CertificateArn,
		Tags: []acmtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("c"), Value: aws.String("3")}}})
	emutest.Must(t, err)
	_, err = c.RemoveTagsFromCertificate(emutest.Bg, &acm.RemoveTagsFromCertificateInput{CertificateArn: imp.CertificateArn,
		Tags: []acmtypes.Tag{{Key: aws.String("a")}, {Key: aws.String("b"), Value: aws.String("other")}}})
	emutest.Must(t, err)
	got, err := c.ListTagsForCertificate(emutest.Bg, &acm.ListTagsForCertificateInput{CertificateArn: imp.CertificateArn})
	emutest.Must(t, err)
	if len(got.Tags) != 2 || *got.Tags[0].Key != "b" || *got.Tags[1].Key != "c" {
		t.Fatalf("tags = %+v", got.Tags)
	}
}

// Importing with tags needs acm:AddTagsToCertificate, and tags decide access to certificates.
func TestEmuACMAuthorization(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	a := emutest.NewTestPKI(t, "ec", "a.lakesail.internal")
	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("certs")}, emutest.Doc(
		emutest.Allow("acm:ImportCertificate", "*"),
		emutest.Stmt{Effect: "Allow", Action: "acm:DescribeCertificate", Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}},
	))
	s := emutest.AcmClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err := s.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: a.CertPEM, PrivateKey: a.KeyPEM, Tags: []acmtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "acm:AddTagsToCertificate")
	imp, err := s.ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: a.CertPEM, PrivateKey: a.KeyPEM})
	emutest.Must(t, err)
	_, err = s.DescribeCertificate(emutest.Bg, &acm.DescribeCertificateInput{CertificateArn: imp.CertificateArn})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = emutest.AcmClient(e, e.RootCredentials()).AddTagsToCertificate(emutest.Bg, &acm.AddTagsToCertificateInput{CertificateArn: imp.CertificateArn,
		Tags: []acmtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	emutest.Must(t, err)
	_, err = s.DescribeCertificate(emutest.Bg, &acm.DescribeCertificateInput{CertificateArn: imp.CertificateArn})
	emutest.Must(t, err)
	calls := e.Calls()
	if last := calls[len(calls)-1]; last.Resources[0] != *imp.CertificateArn || last.Decision != "allow" {
		t.Fatalf("call log = %+v", last)
	}
}
