package acm

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func acmCertificateOps() []*core.Operation {
	return []*core.Operation{
		{Name: "ImportCertificate", Action: "acm:ImportCertificate", Resources: acmImportResource, Context: core.Contexts(acmArnTags, acmImportTags), Also: acmTagOnImport, Handle: acmImportCertificate},
		{Name: "DescribeCertificate", Action: "acm:DescribeCertificate", Resources: acmArnResource, Context: acmArnTags, Handle: acmDescribeCertificate},
		{Name: "GetCertificate", Action: "acm:GetCertificate", Resources: acmArnResource, Context: acmArnTags, Handle: acmGetCertificate},
		{Name: "ListCertificates", Action: "acm:ListCertificates", Handle: acmListCertificates},
		{Name: "DeleteCertificate", Action: "acm:DeleteCertificate", Resources: acmArnResource, Context: acmArnTags, Handle: acmDeleteCertificate},
	}
}

type acmImportIn struct {
	CertificateArn                            string
	Certificate, PrivateKey, CertificateChain []byte // base64 blobs on the wire
	Tags                                      acmTagList
}

// acmImportResource: a re-import acts on its certificate, a first import on the new one.
func acmImportResource(c *core.Req) []string {
	if arn := core.JSONBody[acmImportIn](c).CertificateArn; arn != "" {
		return []string{arn}
	}
	return []string{acmNewARN(c)}
}

func acmImportTags(c *core.Req) map[string][]string {
	return core.RequestTagContext(core.JSONBody[acmImportIn](c).Tags.tags())
}

// acmTagOnImport: importing with tags also needs acm:AddTagsToCertificate.
func acmTagOnImport(c *core.Req) []core.Check {
	tags := core.JSONBody[acmImportIn](c).Tags.tags()
	if len(tags) == 0 {
		return nil
	}
	return []core.Check{{Action: "acm:AddTagsToCertificate", Resources: acmImportResource(c), Context: core.RequestTagContext(tags)}}
}

func acmImportCertificate(c *core.Req) (any, error) {
	var in acmImportIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cert, err := acmParseCertificate(in.Certificate)
	if err != nil {
		return nil, err
	}
	if _, ok := acmKeyAlgorithm(cert); !ok {
		return nil, acmValidation("The certificate's key algorithm is not supported. ACM imports RSA keys of 1024, 2048, 3072 or 4096 bits and EC keys on P-256, P-384 or P-521.")
	}
	key, err := acmParsePrivateKey(in.PrivateKey)
	if err != nil {
		return nil, err
	}
	pub, ok := key.(interface{ Public() crypto.PublicKey })
	if !ok || !pub.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey) {
		return nil, acmValidation("The private key does not match the public key in the certificate.")
	}
	switch {
	case c.Now.After(cert.NotAfter):
		return nil, acmValidation("The certificate that is attached to your request has expired.")
	case c.Now.Before(cert.NotBefore):
		return nil, acmValidation("The certificate that is attached to your request is not valid yet.")
	}
	chain := ""
	if len(in.CertificateChain) > 0 {
		if chain, err = acmParseChain(in.CertificateChain); err != nil {
			return nil, err
		}
	}
	tags := in.Tags.tags()
	if err := checkACMTags(tags); err != nil {
		return nil, err
	}
	certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	st := acmOf(c)
	if in.CertificateArn != "" {
		existing, err := acmFind(c, in.CertificateArn)
		if err != nil {
			return nil, err
		}
		if len(tags) > 0 {
			return nil, acmValidation("Tags can't be specified when reimporting a certificate.")
		}
		existing.certPEM, existing.chainPEM, existing.cert, existing.imported = certPEM, chain, cert, c.Now
		return map[string]string{"CertificateArn": existing.arn}, nil
	}
	arn := acmNewARN(c)
	st.certs[arn] = &acmCert{arn: arn, certPEM: certPEM, chainPEM: chain, cert: cert, imported: c.Now, created: c.Now, tags: tags}
	return map[string]string{"CertificateArn": arn}, nil
}

// acmParseCertificate reads exactly one PEM certificate.
func acmParseCertificate(blob []byte) (*x509.Certificate, *core.APIError) {
	block, rest := pem.Decode(blob)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, acmValidation("Could not decode the certificate: it must be a PEM-encoded X.509 certificate.")
	}
	if next, _ := pem.Decode(rest); next != nil {
		return nil, acmValidation("The certificate field contains more than one certificate. You can specify only one certificate in this field.")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, acmValidation("Could not parse the certificate: %s", err.Error())
	}
	return cert, nil
}

// acmParsePrivateKey reads an unencrypted PEM private key (PKCS#8, PKCS#1 RSA or SEC 1 EC).
func acmParsePrivateKey(blob []byte) (crypto.PrivateKey, *core.APIError) {
	block, _ := pem.Decode(blob)
	if block == nil {
		return nil, acmValidation("Could not decode the private key: it must be a PEM-encoded private key.")
	}
	if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] != "" {
		return nil, acmValidation("The private key is encrypted. ACM imports only unencrypted private keys.")
	}
	var key crypto.PrivateKey
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		err = fmt.Errorf("unsupported PEM block %q", block.Type)
	}
	if err != nil {
		return nil, acmValidation("Could not parse the private key: %s", err.Error())
	}
	return key, nil
}

// acmParseChain checks that a chain is one or more PEM certificates and returns it re-encoded.
func acmParseChain(blob []byte) (string, *core.APIError) {
	var out strings.Builder
	rest := blob
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return "", acmValidation("The certificate chain must contain only PEM-encoded certificates.")
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return "", acmValidation("Could not parse a certificate in the chain: %s", err.Error())
		}
		out.Write(pem.EncodeToMemory(block))
	}
	if out.Len() == 0 {
		return "", acmValidation("Could not decode the certificate chain: it must be PEM-encoded certificates.")
	}
	return out.String(), nil
}

func acmDescribeCertificate(c *core.Req) (any, error) {
	cert, err := acmFindIn(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Certificate": acmDetail(c, cert)}, nil
}

func acmGetCertificate(c *core.Req) (any, error) {
	cert, err := acmFindIn(c)
	if err != nil {
		return nil, err
	}
	out := map[string]string{"Certificate": cert.certPEM}
	if cert.chainPEM != "" {
		out["CertificateChain"] = cert.chainPEM
	}
	return out, nil
}

func acmDeleteCertificate(c *core.Req) (any, error) {
	cert, err := acmFindIn(c)
	if err != nil {
		return nil, err
	}
	// ResourceInUseException is for certificates bound to load balancers and the like, which
	// the emulator never binds.
	delete(acmOf(c).certs, cert.arn)
	return nil, nil
}

type acmListIn struct {
	CertificateStatuses []string
	Includes            *struct{ KeyTypes []string }
	MaxItems            *int
	NextToken           string
}

func acmListCertificates(c *core.Req) (any, error) {
	var in acmListIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	keyTypes := []string{"RSA_1024", "RSA_2048"} // ACM's default filter
	if in.Includes != nil && len(in.Includes.KeyTypes) > 0 {
		keyTypes = in.Includes.KeyTypes
	}
	size := 1000
	if in.MaxItems != nil {
		if *in.MaxItems < 1 || *in.MaxItems > 1000 {
			return nil, acmValidation("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", *in.MaxItems)
		}
		size = *in.MaxItems
	}
	var found []*acmCert
	for _, cert := range acmOf(c).sorted() {
		alg, _ := acmKeyAlgorithm(cert.cert)
		if !core.OneOf(alg, keyTypes...) {
			continue
		}
		if len(in.CertificateStatuses) > 0 && !core.OneOf(acmStatus(c, cert), in.CertificateStatuses...) {
			continue
		}
		found = append(found, cert)
	}
	page, next, ok := core.PageByToken(found, in.NextToken, size)
	if !ok {
		return nil, core.NewError("InvalidArgsException", 400, "The nextToken is not valid.")
	}
	out := acmListResult{CertificateSummaryList: []acmSummary{}, NextToken: next}
	for _, cert := range page {
		out.CertificateSummaryList = append(out.CertificateSummaryList, acmSummaryOf(c, cert))
	}
	return out, nil
}
