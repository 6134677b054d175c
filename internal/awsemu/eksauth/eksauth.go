package eksauth

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// Service is Amazon EKS Auth (REST-JSON, signing name "eks-auth"). Its one operation is in the
// EKS API Reference (API_auth_AssumeRoleForPodIdentity); its errors and their statuses are those
// of the service model (eks-auth 2023-11-26): AccessDeniedException, ExpiredTokenException,
// InvalidParameterException, InvalidRequestException and InvalidTokenException are 400,
// ResourceNotFoundException 404. The core authorizes the call (eks-auth:AssumeRoleForPodIdentity
// on the SAR's cluster resource, with the cluster's aws:ResourceTag/*, for the caller: the Pod
// Identity agent running with the node role's credentials) and spells its denial and the other
// errors it raises as eks-auth does (core's error table, "eks-auth" row).
func Service() *core.Service {
	s := &core.Service{Name: "eks-auth", Protocol: core.RestJSONProtocol{}}
	return s.Add(&core.Operation{
		Name: "AssumeRoleForPodIdentity", HTTP: "POST /clusters/{clusterName}/assume-role-for-pod-identity",
		Action: action, Resources: clusterResource, Context: clusterTags, Handle: assumeRoleForPodIdentity,
	})
}

const (
	action = "eks-auth:AssumeRoleForPodIdentity"
	// podIdentityService is the service principal EKS Pod Identity assumes roles as, and the
	// audience of the tokens it accepts (the response's audience "is always
	// pods.eks.amazonaws.com").
	podIdentityService = "pods.eks.amazonaws.com"
	// sessionLifetime is how long the credentials last. AWS documents no lifetime; the emulator
	// issues STS AssumeRole's default of one hour (Options.SessionDuration shortens it).
	sessionLifetime = time.Hour
)

var (
	reClusterName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]*$`)
	reJWT         = regexp.MustCompile(`^[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+$`)
	reRoleARN     = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role/(?:[\x21-\x7E]+/)?([\w+=,.@-]+)$`)
)

func clusterARN(c *core.Req, name string) string {
	return "arn:aws:eks:" + c.Region + ":" + c.Account.Id + ":cluster/" + name
}

// clusterResource: the SAR's cluster resource of eks-auth:AssumeRoleForPodIdentity.
func clusterResource(c *core.Req) []string {
	return []string{clusterARN(c, c.In.Labels["clusterName"])}
}

// clusterTags are the aws:ResourceTag/* of the cluster the path names, when it exists.
func clusterTags(c *core.Req) map[string][]string {
	if cl, ok := eksOf(c).PodIdentityCluster(c, c.In.Labels["clusterName"]); ok {
		return core.ResourceTagContext(cl.Tags)
	}
	return nil
}

func errInvalidParameter(format string, args ...any) *core.APIError {
	return core.NewError("InvalidParameterException", 400, format, args...)
}

func errInvalidToken(format string, args ...any) *core.APIError {
	return core.NewError("InvalidTokenException", 400, format, args...)
}

func errNotFound(format string, args ...any) *core.APIError {
	return core.NewError("ResourceNotFoundException", 404, format, args...)
}

// errAccessDenied is EKS Auth's AccessDeniedException (a 400 in its service model).
func errAccessDenied(format string, args ...any) *core.APIError {
	return core.ServiceError("eks-auth", core.ErrAccessDenied, fmt.Sprintf(format, args...))
}

type subject struct {
	Namespace      string `json:"namespace"`
	ServiceAccount string `json:"serviceAccount"`
}

type association struct {
	AssociationArn string `json:"associationArn"`
	AssociationId  string `json:"associationId"`
}

type assumedRoleUser struct {
	Arn          string `json:"arn"`
	AssumeRoleId string `json:"assumeRoleId"`
}

type credentials struct {
	SessionToken    string        `json:"sessionToken"`
	SecretAccessKey string        `json:"secretAccessKey"`
	AccessKeyId     string        `json:"accessKeyId"`
	Expiration      core.WireTime `json:"expiration"`
}

type assumeResult struct {
	Subject                subject         `json:"subject"`
	Audience               string          `json:"audience"`
	PodIdentityAssociation association     `json:"podIdentityAssociation"`
	AssumedRoleUser        assumedRoleUser `json:"assumedRoleUser"`
	Credentials            credentials     `json:"credentials"`
}

// assumeRoleForPodIdentity checks the pod's service-account token (signed by the cluster named
// in the path, for audience pods.eks.amazonaws.com, not expired), finds the Pod Identity
// association of its namespace and service account, and assumes the association's role as the
// service principal pods.eks.amazonaws.com: the role's trust policy must allow that principal
// sts:AssumeRole and, for the session tags EKS Pod Identity adds (EKS User Guide,
// pod-id-abac.html: eks-cluster-arn, eks-cluster-name, kubernetes-namespace,
// kubernetes-service-account, kubernetes-pod-name, kubernetes-pod-uid; pod-id-role.html for the
// trust policy), sts:TagSession, with those tags as aws:RequestTag/*. The session is minted with
// core, so calls with its credentials are decided by the role's policies and permissions
// boundary, with the session tags as aws:PrincipalTag/*.
func assumeRoleForPodIdentity(c *core.Req) (any, error) {
	name := c.In.Labels["clusterName"]
	if len(name) > 100 || !reClusterName.MatchString(name) {
		return nil, errInvalidParameter("The cluster name %q is not valid", name)
	}
	eks := eksOf(c)
	cl, found := eks.PodIdentityCluster(c, name)
	var in struct {
		Token string `json:"token"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, core.NewError("InvalidRequestException", 400, "Could not parse request body: %s", err.Message)
	}
	if in.Token == "" {
		return nil, errInvalidParameter("token is required")
	}
	if !reJWT.MatchString(in.Token) {
		return nil, errInvalidParameter("The token is not a valid service account token")
	}
	if !found {
		return nil, errNotFound("No cluster found for name: %s.", name)
	}

	claims, verr := eks.VerifyPodIdentityToken(in.Token)
	if verr != nil {
		return nil, errInvalidToken("The service account token is invalid: %s", verr.Error())
	}
	if claims.Issuer != cl.Issuer {
		return nil, errInvalidToken("The service account token was not issued by cluster %s", name)
	}
	if !slices.Contains(claims.Audience, podIdentityService) {
		return nil, errInvalidToken("The service account token's audience must be %s", podIdentityService)
	}
	if c.Now.Unix() >= claims.Expires {
		return nil, core.NewError("ExpiredTokenException", 400, "The service account token is expired")
	}
	rest, ok := strings.CutPrefix(claims.Subject, "system:serviceaccount:")
	namespace, serviceAccount, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || namespace == "" || serviceAccount == "" ||
		(claims.Namespace != "" && claims.Namespace != namespace) || (claims.ServiceAccount != "" && claims.ServiceAccount != serviceAccount) {
		return nil, errInvalidToken("The service account token's subject %q names no service account", claims.Subject)
	}

	assoc, ok := eks.PodIdentityAssociation(c, name, namespace, serviceAccount)
	if !ok {
		return nil, errNotFound("No Pod Identity Association found for service account %s in namespace %s of cluster %s", serviceAccount, namespace, name)
	}

	var tags []core.Tag
	if !assoc.DisableSessionTags {
		tags = []core.Tag{
			{Key: "eks-cluster-arn", Value: cl.ARN},
			{Key: "eks-cluster-name", Value: name},
			{Key: "kubernetes-namespace", Value: namespace},
			{Key: "kubernetes-service-account", Value: serviceAccount},
		}
		if claims.PodName != "" {
			tags = append(tags, core.Tag{Key: "kubernetes-pod-name", Value: claims.PodName})
		}
		if claims.PodUID != "" {
			tags = append(tags, core.Tag{Key: "kubernetes-pod-uid", Value: claims.PodUID})
		}
	}
	iam := iamOf(c)
	if err := iam.CheckSessionTags(tags); err != nil {
		return nil, err
	}
	sessionName := sessionNameFor(name, claims.PodName, serviceAccount)
	r, err := assumableRole(c, iam, assoc, sessionName, tags)
	if err != nil {
		return nil, err
	}

	lifetime := sessionLifetime
	if limit := c.SessionDuration(); limit > 0 && limit < lifetime {
		lifetime = limit
	}
	s := &core.Session{
		AccessKeyID: core.NewID("ASIA", 16), SecretAccessKey: core.NewSecret(), SessionToken: core.NewSessionToken(),
		Account: c.Account.Id, RoleName: r.Name, RoleID: r.ID, RoleARN: r.ARN, Name: sessionName,
		Issued: c.Now, Expires: c.Now.Add(lifetime), Tags: tags,
	}
	c.AddSession(s)
	iam.RecordRoleUse(c.Account, r.Name, c.Now, c.Region)
	return assumeResult{
		Subject:                subject{Namespace: namespace, ServiceAccount: serviceAccount},
		Audience:               podIdentityService,
		PodIdentityAssociation: association{AssociationArn: assoc.ARN, AssociationId: assoc.ID},
		AssumedRoleUser:        assumedRoleUser{Arn: core.SessionARN(c.Account.Id, r.Name, sessionName), AssumeRoleId: r.ID + ":" + sessionName},
		Credentials: credentials{SessionToken: s.SessionToken, SecretAccessKey: s.SecretAccessKey, AccessKeyId: s.AccessKeyID,
			Expiration: core.WireTime(s.Expires)},
	}, nil
}

// assumableRole finds the association's role and evaluates its trust policy for
// pods.eks.amazonaws.com: sts:AssumeRole, and sts:TagSession when there are session tags.
func assumableRole(c *core.Req, iam eksAuthIAM, assoc eksAuthAssociation, sessionName string, tags []core.Tag) (eksAuthRole, *core.APIError) {
	denied := func(why string) *core.APIError {
		return errAccessDenied("EKS Pod Identity cannot assume role %s for association %s: %s", assoc.RoleARN, assoc.ID, why)
	}
	m := reRoleARN.FindStringSubmatch(assoc.RoleARN)
	if m == nil || m[1] != c.Account.Id {
		return eksAuthRole{}, denied("the role does not exist")
	}
	r, ok := iam.SessionRole(c.Account, m[2])
	if !ok || r.ARN != assoc.RoleARN {
		return eksAuthRole{}, denied("the role does not exist")
	}
	if c.Now.Before(r.Created.Add(c.PropagationDelay())) {
		return eksAuthRole{}, denied("the role does not exist") // IAM has not propagated it yet
	}
	ctx := core.MergeContext(map[string][]string{
		"aws:PrincipalServiceName": {podIdentityService},
		"aws:SourceAccount":        {c.Account.Id},
		"sts:RoleSessionName":      {sessionName},
	}, core.ResourceTagContext(r.Tags, "iam"), core.RequestTagContext(tags))
	actions := []string{"sts:AssumeRole"}
	if len(tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	for _, a := range actions {
		req := iampolicy.Request{Caller: iampolicy.Caller{Service: podIdentityService}, Action: a, Resource: r.ARN, Context: ctx}
		if r.Trust == nil || iampolicy.EvaluateTrust(req, r.Trust).Decision != iampolicy.Allowed {
			return eksAuthRole{}, denied("its trust policy does not allow " + podIdentityService + " to perform " + a)
		}
	}
	return r, nil
}

// sessionNameFor is the role session name EKS Pod Identity uses, eks-<cluster>-<pod>-<random
// UUID> (the EKS Auth API Reference's AssumedRoleUser), with the cluster and pod names cut so
// that it fits STS's 64 characters; the service account stands in for a token that names no pod.
func sessionNameFor(cluster, pod, serviceAccount string) string {
	if pod == "" {
		pod = serviceAccount
	}
	id := core.RandomUUID()
	budget := 64 - len("eks-") - 2 - len(id)
	cut := func(s string, n int) string {
		if len(s) > n {
			return s[:n]
		}
		return s
	}
	cluster = cut(cluster, max(budget-len(pod), budget/2))
	pod = cut(pod, budget-len(cluster))
	return "eks-" + cluster + "-" + pod + "-" + id
}
