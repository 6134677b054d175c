package emutest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// The Go SDK's eksauth client is not available to this module, so tests call eks-auth as it
// would: a SigV4-signed REST-JSON request (signing name "eks-auth"), errors read from
// X-Amzn-ErrorType and the {"message"} body.

// PodIdentityCredentials is AssumeRoleForPodIdentity's response (EKS API Reference,
// API_auth_AssumeRoleForPodIdentity).
type PodIdentityCredentials struct {
	Subject struct {
		Namespace      string `json:"namespace"`
		ServiceAccount string `json:"serviceAccount"`
	} `json:"subject"`
	Audience               string `json:"audience"`
	PodIdentityAssociation struct {
		AssociationArn string `json:"associationArn"`
		AssociationId  string `json:"associationId"`
	} `json:"podIdentityAssociation"`
	AssumedRoleUser struct {
		Arn          string `json:"arn"`
		AssumeRoleId string `json:"assumeRoleId"`
	} `json:"assumedRoleUser"`
	Credentials struct {
		SessionToken    string  `json:"sessionToken"`
		SecretAccessKey string  `json:"secretAccessKey"`
		AccessKeyId     string  `json:"accessKeyId"`
		Expiration      float64 `json:"expiration"` // Unix seconds
	} `json:"credentials"`
}

// Creds are the response's credentials as the SDK takes them.
func (p *PodIdentityCredentials) Creds() aws.Credentials {
	exp := time.Unix(int64(p.Credentials.Expiration), 0)
	return aws.Credentials{AccessKeyID: p.Credentials.AccessKeyId, SecretAccessKey: p.Credentials.SecretAccessKey,
		SessionToken: p.Credentials.SessionToken, CanExpire: true, Expires: exp}
}

// RestError is a REST-JSON error response; it satisfies smithy.APIError, so ErrCode and
// ErrMessage read it as they read the SDK's errors.
type RestError struct {
	Status        int
	Code, Message string
	Body          []byte // the response body as sent
}

var _ smithy.APIError = (*RestError)(nil)

func (e *RestError) Error() string                 { return e.Code + ": " + e.Message }
func (e *RestError) ErrorCode() string             { return e.Code }
func (e *RestError) ErrorMessage() string          { return e.Message }
func (e *RestError) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// RestJSONCall makes a SigV4-signed REST-JSON call of service (its signing name) and decodes a
// successful response into out; a service error comes back as *RestError.
func RestJSONCall(t *testing.T, e *awsemu.Emulator, creds aws.Credentials, service, method, path string, in, out any) error {
	t.Helper()
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		Must(t, err)
		body = b
	}
	req, err := http.NewRequest(method, e.Endpoint()+path, bytes.NewReader(body))
	Must(t, err)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	Must(t, v4.NewSigner().SignHTTP(Bg, creds, req, hex.EncodeToString(sum[:]), service, e.Region(), time.Now()))
	resp, err := http.DefaultClient.Do(req)
	Must(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		var msg struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &msg)
		return &RestError{Status: resp.StatusCode, Code: resp.Header.Get("X-Amzn-ErrorType"), Message: msg.Message, Body: b}
	}
	if out != nil {
		Must(t, json.Unmarshal(b, out))
	}
	return nil
}

// AssumeRoleForPodIdentity calls eks-auth as the EKS Pod Identity agent does, with the agent's
// (the node role's) credentials and a pod's service-account token.
func AssumeRoleForPodIdentity(t *testing.T, e *awsemu.Emulator, creds aws.Credentials, cluster, token string) (*PodIdentityCredentials, error) {
	t.Helper()
	var out PodIdentityCredentials
	err := RestJSONCall(t, e, creds, "eks-auth", http.MethodPost, "/clusters/"+url.PathEscape(cluster)+"/assume-role-for-pod-identity",
		map[string]string{"token": token}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PodIdentityTrust is a trust policy letting EKS Pod Identity (pods.eks.amazonaws.com) perform
// actions on the role: the EKS User Guide's (pod-id-role.html) is sts:AssumeRole and sts:TagSession.
func PodIdentityTrust(actions ...string) string {
	return Doc(Stmt{Effect: "Allow", Principal: map[string]any{"Service": "pods.eks.amazonaws.com"}, Action: actions})
}

// PodIdentityRole creates a role with the trust policy and inline policy (none when empty) and
// returns its ARN.
func PodIdentityRole(t *testing.T, e *awsemu.Emulator, name, trust, inline string) string {
	t.Helper()
	r := CreateRole(t, IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}, inline)
	return *r.Arn
}

// Associate creates a Pod Identity association of namespace/serviceAccount with role and returns
// its id.
func Associate(t *testing.T, c *eks.Client, cluster, namespace, serviceAccount, role string) string {
	t.Helper()
	out, err := c.CreatePodIdentityAssociation(Bg, &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
		Namespace: aws.String(namespace), ServiceAccount: aws.String(serviceAccount), RoleArn: aws.String(role)})
	Must(t, err)
	return *out.Association.AssociationId
}
