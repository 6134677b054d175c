package acm

import (
	"crypto/x509"
	"encoding/hex"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// JSON shapes of ACM certificates: DescribeCertificate's detail and ListCertificates' summary.

type acmDetailOut struct {
	CertificateArn          string            `json:"CertificateArn"`
	DomainName              string            `json:"DomainName"`
	SubjectAlternativeNames []string          `json:"SubjectAlternativeNames"`
	Serial                  string            `json:"Serial"`
	Subject                 string            `json:"Subject"`
	Issuer                  string            `json:"Issuer"`
	ImportedAt              core.WireTime     `json:"ImportedAt"`
	Status                  string            `json:"Status"`
	NotBefore               core.WireTime     `json:"NotBefore"`
	NotAfter                core.WireTime     `json:"NotAfter"`
	KeyAlgorithm            string            `json:"KeyAlgorithm"`
	SignatureAlgorithm      string            `json:"SignatureAlgorithm"`
	InUseBy                 []string          `json:"InUseBy"`
	Type                    string            `json:"Type"`
	KeyUsages               []acmNamed        `json:"KeyUsages"`
	ExtendedKeyUsages       []acmNamed        `json:"ExtendedKeyUsages"`
	RenewalEligibility      string            `json:"RenewalEligibility"`
	Options                 map[string]string `json:"Options"`
}

type acmNamed struct {
	Name string `json:"Name"`
	OID  string `json:"OID,omitempty"`
}

type acmSummary struct {
	CertificateArn                       string        `json:"CertificateArn"`
	DomainName                           string        `json:"DomainName"`
	SubjectAlternativeNameSummaries      []string      `json:"SubjectAlternativeNameSummaries"`
	HasAdditionalSubjectAlternativeNames bool          `json:"HasAdditionalSubjectAlternativeNames"`
	Status                               string        `json:"Status"`
	Type                                 string        `json:"Type"`
	KeyAlgorithm                         string        `json:"KeyAlgorithm"`
	KeyUsages                            []string      `json:"KeyUsages"`
	ExtendedKeyUsages                    []string      `json:"ExtendedKeyUsages"`
	InUse                                bool          `json:"InUse"`
	RenewalEligibility                   string        `json:"RenewalEligibility"`
	NotBefore                            core.WireTime `json:"NotBefore"`
	NotAfter                             core.WireTime `json:"NotAfter"`
	CreatedAt                            core.WireTime `json:"CreatedAt"`
	ImportedAt                           core.WireTime `json:"ImportedAt"`
}

type acmListResult struct {
	CertificateSummaryList []acmSummary `json:"CertificateSummaryList"`
	NextToken              string       `json:"NextToken,omitempty"`
}

// acmStatus is ISSUED until the certificate's NotAfter passes on the emulator's clock.
func acmStatus(c *core.Req, cert *acmCert) string {
	if c.Now.After(cert.cert.NotAfter) {
		return "EXPIRED"
	}
	return "ISSUED"
}

// acmNames are the certificate's domain (its CN, else its first DNS name) and all its names.
func acmNames(cert *x509.Certificate) (string, []string) {
	domain := cert.Subject.CommonName
	if domain == "" && len(cert.DNSNames) > 0 {
		domain = cert.DNSNames[0]
	}
	sans := append([]string(nil), cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		sans = append(sans, ip.String())
	}
	if len(sans) == 0 && domain != "" {
		sans = []string{domain}
	}
	return domain, sans
}

var acmKeyUsageNames = []struct {
	bit  x509.KeyUsage
	name string
}{
	{x509.KeyUsageDigitalSignature, "DIGITAL_SIGNATURE"}, {x509.KeyUsageContentCommitment, "NON_REPUDIATION"},
	{x509.KeyUsageKeyEncipherment, "KEY_ENCIPHERMENT"}, {x509.KeyUsageDataEncipherment, "DATA_ENCIPHERMENT"},
	{x509.KeyUsageKeyAgreement, "KEY_AGREEMENT"}, {x509.KeyUsageCertSign, "CERTIFICATE_SIGNING"},
	{x509.KeyUsageCRLSign, "CRL_SIGNING"}, {x509.KeyUsageEncipherOnly, "ENCIPHER_ONLY"}, {x509.KeyUsageDecipherOnly, "DECIPHER_ONLY"},
}

var acmExtKeyUsages = map[x509.ExtKeyUsage]acmNamed{
	x509.ExtKeyUsageServerAuth:      {"TLS_WEB_SERVER_AUTHENTICATION", "1.3.6.1.5.5.7.3.1"},
	x509.ExtKeyUsageClientAuth:      {"TLS_WEB_CLIENT_AUTHENTICATION", "1.3.6.1.5.5.7.3.2"},
	x509.ExtKeyUsageCodeSigning:     {"CODE_SIGNING", "1.3.6.1.5.5.7.3.3"},
	x509.ExtKeyUsageEmailProtection: {"EMAIL_PROTECTION", "1.3.6.1.5.5.7.3.4"},
	x509.ExtKeyUsageTimeStamping:    {"TIME_STAMPING", "1.3.6.1.5.5.7.3.8"},
	x509.ExtKeyUsageOCSPSigning:     {"OCSP_SIGNING", "1.3.6.1.5.5.7.3.9"},
	x509.ExtKeyUsageAny:             {"ANY", "2.5.29.37.0"},
}

func acmUsages(cert *x509.Certificate) (usages, ext []acmNamed) {
	usages, ext = []acmNamed{}, []acmNamed{}
	for _, u := range acmKeyUsageNames {
		if cert.KeyUsage&u.bit != 0 {
			usages = append(usages, acmNamed{Name: u.name})
		}
	}
	for _, u := range cert.ExtKeyUsage {
		if n, ok := acmExtKeyUsages[u]; ok {
			ext = append(ext, n)
		}
	}
	for _, oid := range cert.UnknownExtKeyUsage {
		ext = append(ext, acmNamed{Name: "CUSTOM", OID: oid.String()})
	}
	return usages, ext
}

// acmSerial renders a serial number as ACM does: lower-case hex bytes separated by colons.
func acmSerial(cert *x509.Certificate) string {
	h := hex.EncodeToString(cert.SerialNumber.Bytes())
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

func acmIssuer(cert *x509.Certificate) string {
	if cert.Issuer.CommonName != "" {
		return cert.Issuer.CommonName
	}
	if len(cert.Issuer.Organization) > 0 {
		return cert.Issuer.Organization[0]
	}
	return cert.Issuer.String()
}

// acmDetail renders DescribeCertificate's detail; its KeyAlgorithm is spelled with a hyphen
// ("RSA-2048"), as ACM's DescribeCertificate does, unlike ListCertificates.
func acmDetail(c *core.Req, cert *acmCert) acmDetailOut {
	domain, sans := acmNames(cert.cert)
	alg, _ := acmKeyAlgorithm(cert.cert)
	usages, ext := acmUsages(cert.cert)
	return acmDetailOut{
		CertificateArn: cert.arn, DomainName: domain, SubjectAlternativeNames: sans, Serial: acmSerial(cert.cert),
		Subject: cert.cert.Subject.String(), Issuer: acmIssuer(cert.cert), ImportedAt: core.WireTime(cert.imported),
		Status: acmStatus(c, cert), NotBefore: core.WireTime(cert.cert.NotBefore), NotAfter: core.WireTime(cert.cert.NotAfter),
		KeyAlgorithm: strings.Replace(alg, "_", "-", 1), SignatureAlgorithm: acmSignatureAlgorithm(cert.cert.SignatureAlgorithm),
		InUseBy: []string{}, Type: "IMPORTED", KeyUsages: usages, ExtendedKeyUsages: ext, RenewalEligibility: "INELIGIBLE",
		Options: map[string]string{"CertificateTransparencyLoggingPreference": "ENABLED"},
	}
}

func acmSummaryOf(c *core.Req, cert *acmCert) acmSummary {
	domain, sans := acmNames(cert.cert)
	alg, _ := acmKeyAlgorithm(cert.cert)
	usages, ext := acmUsages(cert.cert)
	s := acmSummary{
		CertificateArn: cert.arn, DomainName: domain, SubjectAlternativeNameSummaries: sans, Status: acmStatus(c, cert),
		Type: "IMPORTED", KeyAlgorithm: alg, KeyUsages: []string{}, ExtendedKeyUsages: []string{}, RenewalEligibility: "INELIGIBLE",
		NotBefore: core.WireTime(cert.cert.NotBefore), NotAfter: core.WireTime(cert.cert.NotAfter), CreatedAt: core.WireTime(cert.created), ImportedAt: core.WireTime(cert.imported),
	}
	for _, u := range usages {
		s.KeyUsages = append(s.KeyUsages, u.Name)
	}
	for _, u := range ext {
		s.ExtendedKeyUsages = append(s.ExtendedKeyUsages, u.Name)
	}
	return s
}

// acmSignatureAlgorithm spells a signature algorithm as ACM does ("SHA256WITHRSA").
func acmSignatureAlgorithm(a x509.SignatureAlgorithm) string {
	switch a {
	case x509.SHA1WithRSA:
		return "SHA1WITHRSA"
	case x509.SHA256WithRSA:
		return "SHA256WITHRSA"
	case x509.SHA384WithRSA:
		return "SHA384WITHRSA"
	case x509.SHA512WithRSA:
		return "SHA512WITHRSA"
	case x509.ECDSAWithSHA256:
		return "SHA256WITHECDSA"
	case x509.ECDSAWithSHA384:
		return "SHA384WITHECDSA"
	case x509.ECDSAWithSHA512:
		return "SHA512WITHECDSA"
	case x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
		return "SHA256WITHRSAANDMGF1"
	}
	return strings.ToUpper(a.String())
}
