package awsemu

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func acmClient(e *Emulator, creds aws.Credentials) *acm.Client {
	return acm.NewFromConfig(e.AWSConfig(static(creds)), func(o *acm.Options) { o.Retryer = fastRetry() })
}

// testPKI is a CA and a server certificate it issued, as PEM, valid around the test clock's t0.
type testPKI struct {
	caPEM, certPEM, keyPEM []byte
	cert                   *x509.Certificate
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// newTestPKI issues a server certificate for the names with a key of the given kind ("rsa" or
// "ec"), signed by a fresh ECDSA CA.
func newTestPKI(t *testing.T, kind string, names ...string) testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "LakeSail Konnectivity CA", Organization: []string{"LakeSail"}},
		NotBefore: t0.Add(-time.Hour), NotAfter: t0.AddDate(5, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	must(t, err)
	ca, err := x509.ParseCertificate(caDER)
	must(t, err)
	var key crypto.Signer
	if kind == "rsa" {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x0a1b2c), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: t0.Add(-time.Hour), NotAfter: t0.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	must(t, err)
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	must(t, err)
	return testPKI{caPEM: pemOf("CERTIFICATE", caDER), certPEM: pemOf("CERTIFICATE", der), keyPEM: pemOf("PRIVATE KEY", keyDER), cert: cert}
}

func TestEmuACMImportRoundTrip(t *testing.T) {
	e, clock := newTestEmu(t, Options{})
	c := acmClient(e, e.RootCredentials())
	pki := newTestPKI(t, "rsa", "sessions.ws1.lakesail.internal", "*.sessions.ws1.lakesail.internal")
	imp, err := c.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: pki.certPEM, PrivateKey: pki.keyPEM, CertificateChain: pki.caPEM,
		Tags: []acmtypes.Tag{{Key: aws.String("LakeSail-Workspace"), Value: aws.String("ws1")}}})
	must(t, err)
	arn := imp.CertificateArn
	wantContains(t, *arn, "arn:aws:acm:us-east-1:123456789012:certificate/")

	d, err := c.DescribeCertificate(bg, &acm.DescribeCertificateInput{CertificateArn: arn})
	must(t, err)
	x := d.Certificate
	if *x.DomainName != "sessions.ws1.lakesail.internal" || len(x.SubjectAlternativeNames) != 2 || x.Status != acmtypes.CertificateStatusIssued ||
		x.Type != acmtypes.CertificateTypeImported || !x.NotBefore.Equal(pki.cert.NotBefore) || !x.NotAfter.Equal(pki.cert.NotAfter) ||
		!x.ImportedAt.Equal(t0) || *x.Serial != "0a:1b:2c" || *x.Issuer != "LakeSail Konnectivity CA" || *x.SignatureAlgorithm != "SHA256WITHECDSA" ||
		string(x.KeyAlgorithm) != "RSA-2048" || len(x.ExtendedKeyUsages) != 1 || x.ExtendedKeyUsages[0].Name != acmtypes.ExtendedKeyUsageNameTlsWebServerAuthentication {
		t.Fatalf("certificate = %+v", x)
	}
	got, err := c.GetCertificate(bg, &acm.GetCertificateInput{CertificateArn: arn})
	must(t, err)
	if *got.Certificate != string(pki.certPEM) || *got.CertificateChain != string(pki.caPEM) {
		t.Fatalf("GetCertificate = %q %q", *got.Certificate, *got.CertificateChain)
	}

	// ListCertificates shows RSA 1024/2048 certificates unless asked for other key types.
	ec := newTestPKI(t, "ec", "ec.lakesail.internal")
	ecArn, err := c.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: ec.certPEM, PrivateKey: ec.keyPEM})
	must(t, err)
	list, err := c.ListCertificates(bg, &acm.ListCertificatesInput{})
	must(t, err)
	if len(list.CertificateSummaryList) != 1 || *list.CertificateSummaryList[0].CertificateArn != *arn || list.CertificateSummaryList[0].KeyAlgorithm != acmtypes.KeyAlgorithmRsa2048 {
		t.Fatalf("default list = %+v", list.CertificateSummaryList)
	}
	list, err = c.ListCertificates(bg, &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1}}})
	must(t, err)
	if len(list.CertificateSummaryList) != 1 || *list.CertificateSummaryList[0].CertificateArn != *ecArn.CertificateArn {
		t.Fatalf("EC list = %+v", list.CertificateSummaryList)
	}

	// Re-importing replaces the certificate under the same ARN.
	next := newTestPKI(t, "rsa", "sessions.ws1.lakesail.internal")
	re, err := c.ImportCertificate(bg, &acm.ImportCertificateInput{CertificateArn: arn, Certificate: next.certPEM, PrivateKey: next.keyPEM})
	must(t, err)
	if *re.CertificateArn != *arn {
		t.Fatalf("re-import ARN = %s", *re.CertificateArn)
	}

	clock.Advance(400 * 24 * time.Hour)
	d, err = c.DescribeCertificate(bg, &acm.DescribeCertificateInput{CertificateArn: arn})
	must(t, err)
	if d.Certificate.Status != acmtypes.CertificateStatusExpired {
		t.Fatalf("status after NotAfter = %s", d.Certificate.Status)
	}
	_, err = c.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: pki.certPEM, PrivateKey: pki.keyPEM})
	wantCode(t, err, "ValidationException")
	wantContains(t, errMessage(err), "expired")

	_, err = c.DeleteCertificate(bg, &acm.DeleteCertificateInput{CertificateArn: arn})
	must(t, err)
	_, err = c.DescribeCertificate(bg, &acm.DescribeCertificateInput{CertificateArn: arn})
	var nf *acmtypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("describe deleted: %v", err)
	}
	_, err = c.DescribeCertificate(bg, &acm.DescribeCertificateInput{CertificateArn: aws.String("arn:aws:s3:::bucket")})
	wantCode(t, err, "InvalidArnException")
}

func TestEmuACMRejectsBadMaterial(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := acmClient(e, e.RootCredentials())
	a := newTestPKI(t, "ec", "a.lakesail.internal")
	b := newTestPKI(t, "ec", "b.lakesail.internal")
	_, err := c.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: a.certPEM, PrivateKey: b.keyPEM})
	var ve *acmtypes.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("mismatched key: %v", err)
	}
	wantContains(t, errMessage(err), "private key does not match")
	for name, in := range map[string]*acm.ImportCertificateInput{
		"two certificates": {Certificate: append(append([]byte{}, a.certPEM...), a.caPEM...), PrivateKey: a.keyPEM},
		"not PEM":          {Certificate: []byte("hello"), PrivateKey: a.keyPEM},
		"key is a cert":    {Certificate: a.certPEM, PrivateKey: a.caPEM},
		"encrypted key":    {Certificate: a.certPEM, PrivateKey: pemOf("ENCRYPTED PRIVATE KEY", []byte{1, 2, 3})},
		"chain not certs":  {Certificate: a.certPEM, PrivateKey: a.keyPEM, CertificateChain: a.keyPEM},
	} {
		if _, err := c.ImportCertificate(bg, in); errCode(err) != "ValidationException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = c.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: a.certPEM, PrivateKey: a.keyPEM, Tags: []acmtypes.Tag{{Key: aws.String("aws:x"), Value: aws.String("y")}}})
	wantCode(t, err, "InvalidTagException")
}

func TestEmuACMTags(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := acmClient(e, e.RootCredentials())
	a := newTestPKI(t, "ec", "a.lakesail.internal")
	imp, err := c.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: a.certPEM, PrivateKey: a.keyPEM})
	must(t, err)
	_, err = c.AddTagsToCertificate(bg, &acm.AddTagsToCertificateInput{CertificateArn: imp.CertificateArn,
		Tags: []acmtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("c"), Value: aws.String("3")}}})
	must(t, err)
	_, err = c.RemoveTagsFromCertificate(bg, &acm.RemoveTagsFromCertificateInput{CertificateArn: imp.CertificateArn,
		Tags: []acmtypes.Tag{{Key: aws.String("a")}, {Key: aws.String("b"), Value: aws.String("other")}}})
	must(t, err)
	got, err := c.ListTagsForCertificate(bg, &acm.ListTagsForCertificateInput{CertificateArn: imp.CertificateArn})
	must(t, err)
	if len(got.Tags) != 2 || *got.Tags[0].Key != "b" || *got.Tags[1].Key != "c" {
		t.Fatalf("tags = %+v", got.Tags)
	}
}

// Importing with tags needs acm:AddTagsToCertificate, and tags decide access to certificates.
func TestEmuACMAuthorization(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	a := newTestPKI(t, "ec", "a.lakesail.internal")
	r := createRole(t, iamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("certs")}, doc(
		allow("acm:ImportCertificate", "*"),
		stmt{Effect: "Allow", Action: "acm:DescribeCertificate", Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}},
	))
	s := acmClient(e, assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err := s.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: a.certPEM, PrivateKey: a.keyPEM, Tags: []acmtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "acm:AddTagsToCertificate")
	imp, err := s.ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: a.certPEM, PrivateKey: a.keyPEM})
	must(t, err)
	_, err = s.DescribeCertificate(bg, &acm.DescribeCertificateInput{CertificateArn: imp.CertificateArn})
	wantCode(t, err, "AccessDeniedException")
	_, err = acmClient(e, e.RootCredentials()).AddTagsToCertificate(bg, &acm.AddTagsToCertificateInput{CertificateArn: imp.CertificateArn,
		Tags: []acmtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	must(t, err)
	_, err = s.DescribeCertificate(bg, &acm.DescribeCertificateInput{CertificateArn: imp.CertificateArn})
	must(t, err)
	calls := e.Calls()
	if last := calls[len(calls)-1]; last.Resources[0] != *imp.CertificateArn || last.Decision != "allow" {
		t.Fatalf("call log = %+v", last)
	}
}
