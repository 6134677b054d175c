package eks

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// EKS Pod Identity associations (CreatePodIdentityAssociation and its kin): each maps a
// Kubernetes service account of a cluster to an IAM role that the EKS Pod Identity agent
// assumes for the pods running as it, through eks-auth:AssumeRoleForPodIdentity (the eksauth
// service, which asks EKS through eksPeer in peer.go).
//
// Authorization follows the Service Authorization Reference (internal/authref, eks.go there):
// create and list act on the cluster (create with aws:RequestTag/aws:TagKeys, plus
// eks:TagResource on the new association when it carries tags, as every EKS create does);
// describe, update and delete act on the podidentityassociation resource, with its
// aws:ResourceTag. The EKS User Guide's "Configure a Kubernetes service account to assume an IAM
// role with EKS Pod Identity" (docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html)
// lists as a prerequisite that "the IAM principal that is creating the association must have
// iam:PassRole": create and update check iam:PassRole on the role, passed to the EKS Pod Identity
// service principal pods.eks.amazonaws.com (the principal the role's trust policy names, per
// pod-id-role.html), for the association.

// podIdentityService is the service principal EKS Pod Identity assumes roles as, and the audience
// of the service-account tokens the Pod Identity agent sends to eks-auth.
const podIdentityService = "pods.eks.amazonaws.com"

// eksPodIdentityOps are the Pod Identity association operations (their tags are served by the
// tagging operations of eks_tags.go).
func eksPodIdentityOps() []*core.Operation {
	base := "/clusters/{name}/pod-identity-associations"
	return []*core.Operation{
		{Name: "CreatePodIdentityAssociation", HTTP: "POST " + base, Action: "eks:CreatePodIdentityAssociation", Resources: eksClusterResource, Context: core.Contexts(eksClusterTags, eksRequestTags), Also: eksCreatePIAAlso, Handle: eksCreatePIA},
		{Name: "DescribePodIdentityAssociation", HTTP: "GET " + base + "/{associationId}", Action: "eks:DescribePodIdentityAssociation", Resources: eksPIAResource, Context: eksPIATags, Handle: eksDescribePIA},
		{Name: "ListPodIdentityAssociations", HTTP: "GET " + base, Action: "eks:ListPodIdentityAssociations", Resources: eksClusterResource, Context: eksClusterTags, Handle: eksListPIAs},
		{Name: "UpdatePodIdentityAssociation", HTTP: "POST " + base + "/{associationId}", Action: "eks:UpdatePodIdentityAssociation", Resources: eksPIAResource, Context: eksPIATags, Also: eksUpdatePIAAlso, Handle: eksUpdatePIA},
		{Name: "DeletePodIdentityAssociation", HTTP: "DELETE " + base + "/{associationId}", Action: "eks:DeletePodIdentityAssociation", Resources: eksPIAResource, Context: eksPIATags, Handle: eksDeletePIA},
	}
}

// eksPIA is one Pod Identity association.
type eksPIA struct {
	id, arn, cluster          string
	clusterID                 string // the cluster's id when created: a recreated cluster has none
	namespace, serviceAccount string
	roleArn                   string
	disableSessionTags        bool
	tags                      []core.Tag
	created, modified         time.Time
	clientRequestToken        string
	updateToken               string // the client request token of the last update
	createdSeq                int    // creation order, for listings
}

// eksPIAState is one account's associations in one region, by cluster name and id. EKS keeps it
// beside its clusters (eksState) under its own key; associations of a cluster that is gone (or
// was deleted and created again) are dropped when next read, as AWS deletes them with it.
type eksPIAState struct {
	byCluster map[string]map[string]*eksPIA
	seq       int
}

func newEKSPIAState() *eksPIAState { return &eksPIAState{byCluster: map[string]map[string]*eksPIA{}} }

// eksPIAsOf is the cluster's associations (nil when the cluster does not exist), settled.
func eksPIAsOf(c *core.Req, cluster string) map[string]*eksPIA {
	st := core.RegionalStateOf(c.Account, "eks-pod-identity", c.Region, newEKSPIAState)
	cl := eksOf(c).clusters[cluster]
	if cl == nil {
		delete(st.byCluster, cluster)
		return nil
	}
	m := st.byCluster[cluster]
	if m == nil {
		m = map[string]*eksPIA{}
		st.byCluster[cluster] = m
	}
	for id, a := range m {
		if a.clusterID != cl.id {
			delete(m, id)
		}
	}
	return m
}

func eksNextPIASeq(c *core.Req) int {
	st := core.RegionalStateOf(c.Account, "eks-pod-identity", c.Region, newEKSPIAState)
	st.seq++
	return st.seq
}

// eksPIAID is the id of the association a create request makes: "a-" and 17 lower-case letters
// and digits, derived from the request id so that authorization and the handler agree on it.
func eksPIAID(c *core.Req) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte("pod-identity-association " + c.RequestID))
	b := make([]byte, 17)
	for i := range b {
		b[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return "a-" + string(b)
}

func eksPIAARN(c *core.Req, cluster, id string) string {
	return eksARN(c, "podidentityassociation/"+cluster+"/"+id)
}

// eksPIAResource is the ARN of the association named in the path.
func eksPIAResource(c *core.Req) []string {
	return []string{eksPIAARN(c, eksClusterLabel(c), c.In.Labels["associationId"])}
}

// eksPIATags is aws:ResourceTag/* of the association named in the path.
func eksPIATags(c *core.Req) map[string][]string {
	if a := eksPIAsOf(c, eksClusterLabel(c))[c.In.Labels["associationId"]]; a != nil {
		return core.ResourceTagContext(a.tags)
	}
	return nil
}

type eksPIAIn struct {
	Namespace, ServiceAccount, RoleArn, ClientRequestToken string
	TargetRoleArn, Policy                                  *string
	DisableSessionTags                                     *bool
	Tags                                                   map[string]string
}

// eksCreatePIAAlso: passing the role to EKS Pod Identity, and tagging on create.
func eksCreatePIAAlso(c *core.Req) []core.Check {
	in := core.JSONBody[eksPIAIn](c)
	arn := eksPIAARN(c, eksClusterLabel(c), eksPIAID(c))
	var checks []core.Check
	if in.RoleArn != "" {
		checks = append(checks, core.PassRole(in.RoleArn, podIdentityService, arn))
	}
	return append(checks, eksTagOnCreate(c, arn)...)
}

func eksUpdatePIAAlso(c *core.Req) []core.Check {
	if r := core.JSONBody[eksPIAIn](c).RoleArn; r != "" {
		return []core.Check{core.PassRole(r, podIdentityService, eksPIAResource(c)[0])}
	}
	return nil
}

type eksPIAOut struct {
	ClusterName        string            `json:"clusterName"`
	Namespace          string            `json:"namespace"`
	ServiceAccount     string            `json:"serviceAccount"`
	RoleArn            string            `json:"roleArn"`
	AssociationArn     string            `json:"associationArn"`
	AssociationId      string            `json:"associationId"`
	Tags               map[string]string `json:"tags,omitempty"`
	CreatedAt          core.WireTime     `json:"createdAt"`
	ModifiedAt         core.WireTime     `json:"modifiedAt"`
	DisableSessionTags bool              `json:"disableSessionTags"`
}

func (a *eksPIA) view() eksPIAOut {
	return eksPIAOut{
		ClusterName: a.cluster, Namespace: a.namespace, ServiceAccount: a.serviceAccount, RoleArn: a.roleArn,
		AssociationArn: a.arn, AssociationId: a.id, Tags: core.JSONTags(a.tags),
		CreatedAt: core.WireTime(a.created), ModifiedAt: core.WireTime(a.modified), DisableSessionTags: a.disableSessionTags,
	}
}

type eksPIAResult struct {
	Association eksPIAOut `json:"association"`
}

// eksCheckPIARole checks that the association's role is a role of the caller's account.
func eksCheckPIARole(c *core.Req, roleArn string) *core.APIError {
	if roleArn == "" {
		return eksInvalidParam("roleArn is required")
	}
	if !eksIAMOf(c).RoleExists(c, roleArn) {
		return eksInvalidParam("Role %s does not exist in account %s", roleArn, c.Account.Id)
	}
	return nil
}

// eksPIAUnsupported refuses the request fields for cross-account target roles and association
// session policies, which the emulator does not model (rather than ignoring them silently).
func eksPIAUnsupported(in *eksPIAIn) *core.APIError {
	switch {
	case in.TargetRoleArn != nil && *in.TargetRoleArn != "":
		return eksInvalidParam("targetRoleArn is not supported by the emulator")
	case in.Policy != nil && *in.Policy != "":
		return eksInvalidParam("policy is not supported by the emulator")
	}
	return nil
}

func eksCreatePIA(c *core.Req) (any, error) {
	var in eksPIAIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	if in.Namespace == "" {
		return nil, eksInvalidParam("namespace is required")
	}
	if in.ServiceAccount == "" {
		return nil, eksInvalidParam("serviceAccount is required")
	}
	if err := eksPIAUnsupported(&in); err != nil {
		return nil, err
	}
	pias := eksPIAsOf(c, cl.name)
	for _, a := range pias {
		if a.namespace == in.Namespace && a.serviceAccount == in.ServiceAccount {
			if in.ClientRequestToken != "" && a.clientRequestToken == in.ClientRequestToken {
				return eksPIAResult{a.view()}, nil // an idempotent retry
			}
			return nil, eksInUse("Association already exists: %s", a.id)
		}
	}
	if err := eksCheckPIARole(c, in.RoleArn); err != nil {
		return nil, err
	}
	if err := checkEKSTags(in.Tags, "InvalidParameterException"); err != nil {
		return nil, err
	}
	id := eksPIAID(c)
	a := &eksPIA{
		id: id, arn: eksPIAARN(c, cl.name, id), cluster: cl.name, clusterID: cl.id,
		namespace: in.Namespace, serviceAccount: in.ServiceAccount, roleArn: in.RoleArn,
		disableSessionTags: in.DisableSessionTags != nil && *in.DisableSessionTags,
		tags:               core.TagsOfMap(in.Tags), created: c.Now, modified: c.Now,
		clientRequestToken: in.ClientRequestToken, createdSeq: eksNextPIASeq(c),
	}
	pias[id] = a
	return eksPIAResult{a.view()}, nil
}

// eksFindPIA finds the association named in the path.
func eksFindPIA(c *core.Req) (*eksPIA, *core.APIError) {
	if _, err := eksFindCluster(c); err != nil {
		return nil, err
	}
	id := c.In.Labels["associationId"]
	a := eksPIAsOf(c, eksClusterLabel(c))[id]
	if a == nil {
		return nil, eksNotFound("No Pod Identity Association found for id %s", id)
	}
	return a, nil
}

func eksDescribePIA(c *core.Req) (any, error) {
	a, err := eksFindPIA(c)
	if err != nil {
		return nil, err
	}
	return eksPIAResult{a.view()}, nil
}

func eksUpdatePIA(c *core.Req) (any, error) {
	var in eksPIAIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	a, err := eksFindPIA(c)
	if err != nil {
		return nil, err
	}
	if err := eksPIAUnsupported(&in); err != nil {
		return nil, err
	}
	if in.ClientRequestToken != "" && in.ClientRequestToken == a.updateToken {
		return eksPIAResult{a.view()}, nil // an idempotent retry
	}
	if in.RoleArn != "" {
		if err := eksCheckPIARole(c, in.RoleArn); err != nil {
			return nil, err
		}
		a.roleArn = in.RoleArn
	}
	if in.DisableSessionTags != nil {
		a.disableSessionTags = *in.DisableSessionTags
	}
	a.modified, a.updateToken = c.Now, in.ClientRequestToken
	return eksPIAResult{a.view()}, nil
}

func eksDeletePIA(c *core.Req) (any, error) {
	a, err := eksFindPIA(c)
	if err != nil {
		return nil, err
	}
	delete(eksPIAsOf(c, a.cluster), a.id)
	return eksPIAResult{a.view()}, nil
}

type eksPIASummary struct {
	ClusterName    string `json:"clusterName"`
	Namespace      string `json:"namespace"`
	ServiceAccount string `json:"serviceAccount"`
	AssociationArn string `json:"associationArn"`
	AssociationId  string `json:"associationId"`
}

type eksListPIAsResult struct {
	Associations []eksPIASummary `json:"associations"`
	NextToken    string          `json:"nextToken,omitempty"`
}

func eksListPIAs(c *core.Req) (any, error) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	pias := eksPIAsOf(c, cl.name)
	ns, sa := c.Param("namespace"), c.Param("serviceAccount")
	var matched []*eksPIA
	for _, a := range pias {
		if (ns == "" || a.namespace == ns) && (sa == "" || a.serviceAccount == sa) {
			matched = append(matched, a)
		}
	}
	sort.Slice(matched, func(i, j int) bool { return matched[i].createdSeq < matched[j].createdSeq })
	ids := make([]string, len(matched))
	for i, a := range matched {
		ids[i] = a.id
	}
	page, next, perr := eksPage(c, ids, 100)
	if perr != nil {
		return nil, perr
	}
	out := eksListPIAsResult{Associations: []eksPIASummary{}, NextToken: next}
	for _, id := range page {
		a := pias[id]
		out.Associations = append(out.Associations, eksPIASummary{ClusterName: a.cluster, Namespace: a.namespace,
			ServiceAccount: a.serviceAccount, AssociationArn: a.arn, AssociationId: a.id})
	}
	return out, nil
}

// Tagging associations: TagResource, UntagResource and ListTagsForResource (eks_tags.go) take any
// EKS resource ARN; eksTagPodIdentityAssociations extends them to association ARNs, with the
// association's aws:ResourceTag/* and the same rules and errors as for the other EKS resources.

// eksPIAOfARN finds the association an ARN names; isPIA reports whether the ARN is an
// association ARN of the caller's account and region at all.
func eksPIAOfARN(c *core.Req, arn string) (a *eksPIA, isPIA bool) {
	rest, ok := strings.CutPrefix(arn, eksARN(c, "podidentityassociation/"))
	if !ok {
		return nil, false
	}
	cluster, id, ok := strings.Cut(rest, "/")
	if !ok {
		return nil, true
	}
	return eksPIAsOf(c, cluster)[id], true
}

// What eks-auth asks of EKS (peer.go answers with these).

// eksPodIdentityCluster finds a cluster of the caller's account and region for eks-auth.
func eksPodIdentityCluster(c *core.Req, name string) (*eksCluster, bool) {
	cl := eksOf(c).clusters[name]
	return cl, cl != nil
}

// eksPodIdentityAssociation finds the association of namespace/serviceAccount in the cluster.
func eksPodIdentityAssociation(c *core.Req, cluster, namespace, serviceAccount string) (*eksPIA, bool) {
	for _, a := range eksPIAsOf(c, cluster) {
		if a.namespace == namespace && a.serviceAccount == serviceAccount {
			return a, true
		}
	}
	return nil, false
}

// podTokenClaims are the claims of a projected service-account token as Kubernetes mints them,
// with the pod it is mounted in ("kubernetes.io"), which the Pod Identity agent forwards.
type podTokenClaims struct {
	saClaims
	Kubernetes *podTokenKubernetes `json:"kubernetes.io,omitempty"`
}

type podTokenKubernetes struct {
	Namespace      string       `json:"namespace"`
	Pod            *podTokenRef `json:"pod,omitempty"`
	ServiceAccount *podTokenRef `json:"serviceaccount,omitempty"`
}

type podTokenRef struct {
	Name string `json:"name"`
	UID  string `json:"uid"`
}

// verifyPodToken verifies a service-account token (VerifyServiceAccountToken) and reads the pod
// claims it carries too.
func verifyPodToken(token string) (*podTokenClaims, error) {
	if _, err := VerifyServiceAccountToken(token); err != nil {
		return nil, err
	}
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims podTokenClaims
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return nil, errors.New("the token's claims cannot be read")
	}
	return &claims, nil
}

// PodIdentityToken mints the token the EKS Pod Identity agent receives from a pod named pod
// running as namespace/serviceAccount in the cluster (audience pods.eks.amazonaws.com, the pod's
// name and a random uid among its claims, valid one hour on the emulator's clock), as the
// cluster's API server signs it. The cluster must exist in the default account and region.
func PodIdentityToken(e *core.Emulator, clusterName, namespace, serviceAccount, pod string) (string, error) {
	issuer, err := clusterIssuer(e, clusterName)
	if err != nil {
		return "", err
	}
	claims := podTokenClaims{
		saClaims:   newSAClaims(issuer, "system:serviceaccount:"+namespace+":"+serviceAccount, podIdentityService, e.Now(), time.Hour),
		Kubernetes: &podTokenKubernetes{Namespace: namespace, ServiceAccount: &podTokenRef{Name: serviceAccount, UID: core.RandomUUID()}},
	}
	if pod != "" {
		claims.Kubernetes.Pod = &podTokenRef{Name: pod, UID: core.RandomUUID()}
	}
	return signServiceAccountToken(issuer, claims)
}
