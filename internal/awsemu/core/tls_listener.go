package core

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// The emulator's optional TLS listener. The plain-HTTP endpoint makes every request's
// aws:SecureTransport false, so a bucket policy that denies non-TLS requests (as the workspace
// bucket's does) denies everything sent there, exactly as AWS would. ListenTLS serves the same
// emulator over HTTPS with a self-signed certificate so such buckets stay usable: clients trust
// CertificatePEM (TLSAWSConfig does it for SDK clients; AWS_CA_BUNDLE for Terraform).

type tlsServer struct {
	srv      *http.Server
	endpoint string
	certPEM  []byte
	pool     *x509.CertPool
	served   chan struct{}
}

// ListenTLS serves the emulator over TLS on addr (host:port; port 0 picks a free one), beside
// any plain-HTTP listener, with a fresh self-signed certificate for 127.0.0.1, ::1 and localhost.
func (e *Emulator) ListenTLS(addr string) error {
	cert, certPEM, err := selfSignedCert()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.tls != nil {
		_ = ln.Close()
		return errors.New("awsemu: already listening with TLS")
	}
	t := &tlsServer{
		srv: &http.Server{
			Handler: e.Handler(), ReadHeaderTimeout: 30 * time.Second,
			TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		},
		endpoint: "https://" + ln.Addr().String(),
		certPEM:  certPEM,
		pool:     pool,
		served:   make(chan struct{}),
	}
	e.tls = t
	go func() {
		defer close(t.served)
		_ = t.srv.ServeTLS(ln, "", "")
	}()
	return nil
}

// TLSEndpoint is the HTTPS base URL ("https://127.0.0.1:PORT"); empty before ListenTLS.
func (e *Emulator) TLSEndpoint() string {
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.tls == nil {
		return ""
	}
	return e.tls.endpoint
}

// CertificatePEM is the TLS listener's self-signed certificate (nil before ListenTLS).
func (e *Emulator) CertificatePEM() []byte {
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.tls == nil {
		return nil
	}
	return e.tls.certPEM
}

// TLSAWSConfig is AWSConfig aimed at the TLS endpoint, with an HTTP client that trusts its
// certificate.
func (e *Emulator) TLSAWSConfig(creds aws.CredentialsProvider) aws.Config {
	cfg := e.AWSConfig(creds)
	e.srvMu.Lock()
	t := e.tls
	e.srvMu.Unlock()
	if t == nil {
		return cfg
	}
	cfg.BaseEndpoint = aws.String(t.endpoint)
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: t.pool, MinVersion: tls.VersionTLS12}
	})
	return cfg
}

// closeTLS stops the TLS listener, if any.
func (e *Emulator) closeTLS() {
	e.srvMu.Lock()
	t := e.tls
	e.tls = nil
	e.srvMu.Unlock()
	if t == nil {
		return
	}
	_ = t.srv.Close() // like Close: SDK clients leave idle dialled connections Shutdown would wait for
	<-t.served
}

func selfSignedCert() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "awsemu"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	return cert, certPEM, err
}

// TLSVersionName is the s3:TlsVersion value of a negotiated version.
func TLSVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "1.3"
	case tls.VersionTLS12:
		return "1.2"
	case tls.VersionTLS11:
		return "1.1"
	}
	return "1.0"
}
