package acm

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// acmService is AWS Certificate Manager for imported certificates (JSON 1.1, X-Amz-Target
// CertificateManager.<Operation>).
func Service() *core.Service {
	s := &core.Service{Name: "acm", Protocol: core.JSONProtocol{}, Target: "CertificateManager", Impl: acmPeer{}}
	s.Add(acmCertificateOps()...)
	s.Add(acmTagOps()...)
	return s
}

// acmState is one account's ACM in one region.
type acmState struct {
	certs map[string]*acmCert // by ARN
}

type acmCert struct {
	arn               string
	certPEM, chainPEM string
	cert              *x509.Certificate
	imported, created time.Time
	tags              []core.Tag
}

// acmOf is the caller's ACM in the request's region.
func acmOf(c *core.Req) *acmState {
	return core.RegionalStateOf(c.Account, "acm", c.Region, func() *acmState { return &acmState{certs: map[string]*acmCert{}} })
}

func (st *acmState) sorted() []*acmCert {
	out := make([]*acmCert, 0, len(st.certs))
	for _, cert := range st.certs {
		out = append(out, cert)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].created.Equal(out[j].created) {
			return out[i].created.Before(out[j].created)
		}
		return out[i].arn < out[j].arn
	})
	return out
}

// acmNewARN is the ARN an import without CertificateArn gives its certificate (the request id
// is its UUID, so authorization and creation agree).
func acmNewARN(c *core.Req) string {
	return "arn:aws:acm:" + c.Region + ":" + c.Account.Id + ":certificate/" + c.RequestID
}

func acmValidation(format string, args ...any) *core.APIError {
	return core.NewError("ValidationException", 400, format, args...)
}

// acmFind resolves a CertificateArn: InvalidArnException for what is not a certificate ARN,
// ResourceNotFoundException for one that does not exist here.
func acmFind(c *core.Req, arn string) (*acmCert, *core.APIError) {
	if !strings.HasPrefix(arn, "arn:aws:acm:") || !strings.Contains(arn, ":certificate/") {
		return nil, core.NewError("InvalidArnException", 400, "String '%s' is not a valid ARN", arn)
	}
	cert := acmOf(c).certs[arn]
	if cert == nil {
		return nil, core.NewError("ResourceNotFoundException", 400, "Could not find certificate %s.", arn)
	}
	return cert, nil
}

// acmFindIn finds the certificate the request's CertificateArn names.
func acmFindIn(c *core.Req) (*acmCert, *core.APIError) {
	var in struct{ CertificateArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	return acmFind(c, in.CertificateArn)
}

// acmArnResource is the certificate the body's CertificateArn names.
func acmArnResource(c *core.Req) []string {
	return []string{core.JSONBody[struct{ CertificateArn string }](c).CertificateArn}
}

// acmArnTags is aws:ResourceTag/* of the certificate the body names.
func acmArnTags(c *core.Req) map[string][]string {
	if cert := acmOf(c).certs[core.JSONBody[struct{ CertificateArn string }](c).CertificateArn]; cert != nil {
		return core.ResourceTagContext(cert.tags)
	}
	return nil
}

// acmTagList is ACM's Key/Value tag list (Value optional when removing).
type acmTagList []struct {
	Key   string
	Value *string
}

func (l acmTagList) tags() []core.Tag {
	out := make([]core.Tag, 0, len(l))
	for _, t := range l {
		v := ""
		if t.Value != nil {
			v = *t.Value
		}
		out = append(out, core.Tag{Key: t.Key, Value: v})
	}
	return out
}

func checkACMTags(tags []core.Tag) *core.APIError {
	if len(tags) > core.MaxTags {
		return core.NewError("TooManyTagsException", 400, "the TagSet contains too many tags")
	}
	for _, t := range tags {
		if t.Key == "" || utf8.RuneCountInString(t.Key) > 128 || utf8.RuneCountInString(t.Value) > 256 {
			return core.NewError("InvalidTagException", 400, "Tag keys must be 1 to 128 and values at most 256 characters (tag %q)", t.Key)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return core.NewError("InvalidTagException", 400, "One or more tag keys contains the reserved prefix aws:")
		}
	}
	return nil
}

// acmKeyAlgorithm names a certificate's key as ACM does ("RSA_2048", "EC_prime256v1"); ok is
// false for keys ACM does not import.
func acmKeyAlgorithm(cert *x509.Certificate) (string, bool) {
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		if bits == 1024 || bits == 2048 || bits == 3072 || bits == 4096 {
			return "RSA_" + strconv.Itoa(bits), true
		}
	case *ecdsa.PublicKey:
		switch k.Curve.Params().Name {
		case "P-256":
			return "EC_prime256v1", true
		case "P-384":
			return "EC_secp384r1", true
		case "P-521":
			return "EC_secp521r1", true
		}
	}
	return "", false
}
