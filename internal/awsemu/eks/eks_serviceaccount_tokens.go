package eks

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// saSigningKeys holds each emulated cluster's service-account signing key by issuer URL. Issuers
// carry a random cluster id, so emulators in one process never share a key; only tokens minted
// by ServiceAccountToken verify, as only the cluster's API server can sign real ones.
var saSigningKeys sync.Map // issuer URL -> *rsa.PrivateKey

func saSigningKey(issuer string) (*rsa.PrivateKey, error) {
	if k, ok := saSigningKeys.Load(issuer); ok {
		return k.(*rsa.PrivateKey), nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	actual, _ := saSigningKeys.LoadOrStore(issuer, key)
	return actual.(*rsa.PrivateKey), nil
}

// saClaims are the claims of a projected service-account token EKS mints for IRSA.
type saClaims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  []string `json:"aud"`
	IssuedAt  int64    `json:"iat"`
	NotBefore int64    `json:"nbf"`
	Expires   int64    `json:"exp"`
}

// ServiceAccountToken mints the token a pod running as namespace/serviceAccount in the cluster
// would get for IRSA (audience sts.amazonaws.com, valid one hour on the emulator's clock), as
// the cluster's API server signs it. The cluster must exist in the default account and region.
func ServiceAccountToken(e *core.Emulator, clusterName, namespace, serviceAccount string) (string, error) {
	return ServiceAccountTokenFor(e, clusterName, "system:serviceaccount:"+namespace+":"+serviceAccount, "sts.amazonaws.com")
}

// ServiceAccountTokenFor mints a token with any subject and audience (tests of refusals).
func ServiceAccountTokenFor(e *core.Emulator, clusterName, subject, audience string) (string, error) {
	issuer, err := clusterIssuer(e, clusterName)
	if err != nil {
		return "", err
	}
	return signServiceAccountToken(issuer, newSAClaims(issuer, subject, audience, e.Now(), time.Hour))
}

// clusterIssuer is the OIDC issuer URL of a cluster in the emulator's default account and region.
func clusterIssuer(e *core.Emulator, clusterName string) (string, error) {
	var issuer string
	e.InDefaultAccount(func(a *core.Account, region string) {
		if cl := core.RegionalStateOf(a, "eks", region, newEKSState).clusters[clusterName]; cl != nil {
			issuer = cl.issuer
		}
	})
	if issuer == "" {
		return "", fmt.Errorf("awsemu: no cluster %s in %s", clusterName, e.Region())
	}
	return issuer, nil
}

// newSAClaims are the claims of a token issued at issued and valid for ttl.
func newSAClaims(issuer, subject, audience string, issued time.Time, ttl time.Duration) saClaims {
	return saClaims{Issuer: issuer, Subject: subject, Audience: []string{audience},
		IssuedAt: issued.Unix(), NotBefore: issued.Unix(), Expires: issued.Add(ttl).Unix()}
}

// signServiceAccountToken signs claims (saClaims, or a struct that embeds them) with the
// issuer's key as an RS256 JWT.
func signServiceAccountToken(issuer string, claims any) (string, error) {
	key, err := saSigningKey(issuer)
	if err != nil {
		return "", err
	}
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "emulated"})
	body, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(body)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// VerifyServiceAccountToken checks a token's signature against its issuer's key and returns its
// claims; a token from an issuer the emulator never signed for is refused.
func VerifyServiceAccountToken(token string) (*saClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("the token is not a JWT")
	}
	var header struct{ Alg string }
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(raw, &header) != nil || header.Alg != "RS256" {
		return nil, errors.New("the token's header is not an RS256 JWT header")
	}
	raw, err = base64.RawURLEncoding.DecodeString(parts[1])
	var claims saClaims
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return nil, errors.New("the token's claims cannot be read")
	}
	k, ok := saSigningKeys.Load(claims.Issuer)
	if !ok {
		return nil, fmt.Errorf("no key of issuer %s signed the token", claims.Issuer)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("the token's signature cannot be read")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&k.(*rsa.PrivateKey).PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return nil, errors.New("the token's signature is invalid")
	}
	return &claims, nil
}

// MintToken signs a service-account token for issuer as a cluster's API server would (tests
// forge tokens of clusters the emulator does not hold, or with other lifetimes).
func MintToken(issuer, subject, audience string, issued time.Time, ttl time.Duration) (string, error) {
	return signServiceAccountToken(issuer, newSAClaims(issuer, subject, audience, issued, ttl))
}
