package workspace

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// tlsValidity is how long the Konnectivity and session certificates are valid; the workspace's
// CA is not kept, so rotation means new material from a new CA.
const tlsValidity = 5 * 365 * 24 * time.Hour

// pemPair is a certificate and its private key, PEM-encoded.
type pemPair struct {
	Cert, Key string
}

// workspaceTLS is the TLS material of one workspace: a CA, the Konnectivity server and client
// certificates it signs, and the session NLB's certificate.
type workspaceTLS struct {
	CA      pemPair
	Server  pemPair
	Client  pemPair
	Session pemPair
}

// parameters maps each SSM parameter suffix to its value; the CA key is not stored.
func (t *workspaceTLS) parameters() map[string]string {
	return map[string]string{
		"ca-cert": t.CA.Cert, "server-cert": t.Server.Cert, "server-key": t.Server.Key,
		"client-cert": t.Client.Cert, "client-key": t.Client.Key,
	}
}

// newWorkspaceTLS generates the material with ECDSA P-256 keys (ACM imports them, and
// Konnectivity accepts them).
func newWorkspaceTLS(s Spec, now time.Time) (*workspaceTLS, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTemplate := &x509.Certificate{
		Subject:               pkix.Name{CommonName: s.ClusterName() + " Konnectivity CA", Organization: []string{"LakeSail"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(tlsValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := signCertificate(caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	out := &workspaceTLS{CA: pemPair{Cert: encodePEM("CERTIFICATE", caDER)}}
	host := strings.ToLower(s.WorkspaceID) + "." + strings.ToLower(s.ConnectionID) + ".lakesail.internal"
	leaves := []struct {
		into  *pemPair
		cn    string
		dns   []string
		usage []x509.ExtKeyUsage
	}{
		{&out.Server, "konnectivity-server", []string{"konnectivity-server", "konnectivity." + host}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		{&out.Client, "konnectivity-agent", nil, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{&out.Session, "sessions." + host, []string{"sessions." + host}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
	}
	for _, leaf := range leaves {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		template := &x509.Certificate{
			Subject:     pkix.Name{CommonName: leaf.cn, Organization: []string{"LakeSail"}},
			DNSNames:    leaf.dns,
			NotBefore:   now.Add(-time.Hour),
			NotAfter:    now.Add(tlsValidity),
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: leaf.usage,
		}
		der, err := signCertificate(template, caCert, &key.PublicKey, caKey)
		if err != nil {
			return nil, err
		}
		keyDER, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return nil, err
		}
		*leaf.into = pemPair{Cert: encodePEM("CERTIFICATE", der), Key: encodePEM("EC PRIVATE KEY", keyDER)}
	}
	return out, nil
}

func signCertificate(template, parent *x509.Certificate, pub *ecdsa.PublicKey, signer *ecdsa.PrivateKey) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	template.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, template, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("signing %s: %w", template.Subject.CommonName, err)
	}
	return der, nil
}

func encodePEM(kind string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}))
}
