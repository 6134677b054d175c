package workspace

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// TagWorkspace marks every object a workspace creates with the workspace id.
const TagWorkspace = "LakeSail-Workspace"

// AddonLatest asks for the newest add-on version that runs on the cluster's Kubernetes version.
const AddonLatest = "latest"

// Workload identity mechanisms: how pods become their workload roles.
const (
	// WorkloadIdentityIRSA: IAM roles for service accounts, through the cluster's OIDC provider
	// (sts:AssumeRoleWithWebIdentity). The default.
	WorkloadIdentityIRSA = "irsa"
	// WorkloadIdentityPodIdentity: EKS Pod Identity, through the eks-pod-identity-agent add-on
	// and one Pod Identity association per workload role (eks-auth:AssumeRoleForPodIdentity).
	WorkloadIdentityPodIdentity = "pod_identity"
)

// WorkloadIdentities are the accepted values of Spec.WorkloadIdentity.
var WorkloadIdentities = []string{WorkloadIdentityIRSA, WorkloadIdentityPodIdentity}

// PodIdentityAgentAddon is the add-on that serves Pod Identity credentials on every node.
const PodIdentityAgentAddon = "eks-pod-identity-agent"

// Workload purposes: each is a role trusted by one Kubernetes service account.
const (
	PurposeStorage = "storage"
	PurposeLogging = "logging"
	// PurposeAutoscaling is the node autoscaler's role: Karpenter's controller (PurposeKarpenter).
	PurposeAutoscaling = "autoscaling"
)

// DefaultLogTypes are the control-plane logs a workspace enables unless told otherwise.
var DefaultLogTypes = []string{"api", "audit", "authenticator"}

// ClusterLogTypes are every control-plane log type EKS offers.
var ClusterLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// LogRetentionValues are the only retention periods (days) CloudWatch Logs accepts.
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// DefaultAddons are the add-ons a workspace installs unless told otherwise.
func DefaultAddons() map[string]AddonSpec {
	return map[string]AddonSpec{
		"vpc-cni":    {Version: AddonLatest},
		"kube-proxy": {Version: AddonLatest},
		"coredns":    {Version: AddonLatest},
	}
}

// Network is what a workspace runs in: the outputs of its network.
type Network struct {
	VpcID            string
	PrivateSubnetIDs []string
	// PublicSubnetIDs are where an internet-facing session load balancer goes (optional otherwise).
	PublicSubnetIDs []string
	SecurityGroupID string
	// KMSKeyARN encrypts Kubernetes secrets, the control-plane log group and the SSM parameters.
	KMSKeyARN string
	// BucketName is the workspace bucket the storage role may use.
	BucketName string
}

// NodeGroupSpec is the system node group's shape.
type NodeGroupSpec struct {
	InstanceTypes []string
	MinSize       int
	DesiredSize   int
	MaxSize       int
	DiskSize      int
	AMIType       string
}

// AddonSpec is one EKS add-on: a version (or AddonLatest) and optional configuration JSON.
type AddonSpec struct {
	Version       string
	Configuration string
}

// Spec is the desired state of a workspace.
type Spec struct {
	ConnectionID string
	TenantID     string
	WorkspaceID  string
	// AccountID and Partition of the connection role's account.
	AccountID string
	Partition string
	Network   Network

	KubernetesVersion    string
	EndpointPublicAccess bool
	PublicAccessCIDRs    []string
	LogTypes             []string
	LogRetentionDays     int
	SystemNodeGroup      NodeGroupSpec
	Addons               map[string]AddonSpec
	// WorkloadIdentity is how pods become their workload roles: WorkloadIdentityIRSA (also when
	// empty) or WorkloadIdentityPodIdentity.
	WorkloadIdentity string
	// RenewCertificate asks Update for new TLS material: the session certificate re-imported
	// into its ARN (see AccountClient) and the SSM parameters replaced. Callers set it when
	// CertificateRenewalDue says so.
	RenewCertificate bool
	// SessionLoadBalancer is how the session load balancer is reached (internal by default).
	SessionLoadBalancer SessionLoadBalancerSpec
	// Karpenter is the node autoscaler's AWS side (see KarpenterSpec); off when not Enabled.
	Karpenter KarpenterSpec
	// GlueDatabases are catalog names; each becomes lakesail_<conn>_<ws>_<name>.
	GlueDatabases []string
	// Tags are extra tags; the LakeSail tags win over them.
	Tags map[string]string
	// ConnectionRoleARN is the role the workspace is built through; its cluster administration
	// is checked on read and restored on update (skipped when empty).
	ConnectionRoleARN string
	// AccountClient acts with the account's own credentials: the client the connection role was
	// assumed from (in the provider, the one its AWS configuration built). The role may create
	// the cluster's OIDC provider and import the session certificate, but not delete or replace
	// them: DeleteWorkspace deletes them, and a rotation re-imports the certificate, with this
	// client, once they are shown to be the workspace's (the provider's URL is the issuer of the
	// workspace's cluster, the certificate is for its session domain), and only when its
	// credentials belong to AccountID: credentials of another account (LakeSail's control plane)
	// never stand in for the account's. Nil or another account's: those objects are left and
	// named (*AccountActionRequiredError from DeleteWorkspace, Workspace.AccountActions after
	// an update). Not part of the desired state: Validate ignores it.
	AccountClient *lakesail.Client
}

var (
	workspaceIDPattern  = regexp.MustCompile(`^[A-Z0-9]{10}$`)
	k8sVersionPattern   = regexp.MustCompile(`^1\.[0-9]{1,3}$`)
	catalogNamePattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	addonNamePattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)
	accountIDRegexp     = regexp.MustCompile(`^[0-9]{12}$`)
	subnetIDPattern     = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	securityGroupRegexp = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
)

// SpecError names a spec field that is wrong and how to fix it.
type SpecError struct {
	Field   string
	Problem string
}

func (e *SpecError) Error() string { return "workspace " + e.Field + ": " + e.Problem }

// Validate checks everything that can be checked without AWS; it joins one error per problem.
func (s Spec) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &SpecError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	for field, id := range map[string]string{"connection_id": s.ConnectionID, "tenant_id": s.TenantID, "workspace_id": s.WorkspaceID} {
		if !workspaceIDPattern.MatchString(id) {
			bad(field, "must be 10 upper-case letters or digits, got %q", id)
		}
	}
	if !accountIDRegexp.MatchString(s.AccountID) {
		bad("account_id", "must be a 12-digit AWS account id, got %q", s.AccountID)
	}
	if !k8sVersionPattern.MatchString(s.KubernetesVersion) {
		bad("kubernetes_version", "must look like 1.33, got %q", s.KubernetesVersion)
	}
	if len(s.Network.PrivateSubnetIDs) < 2 {
		bad("private_subnet_ids", "EKS needs subnets in at least two availability zones")
	}
	for _, id := range s.Network.PrivateSubnetIDs {
		if !subnetIDPattern.MatchString(id) {
			bad("private_subnet_ids", "%q is not a subnet id", id)
		}
	}
	if !securityGroupRegexp.MatchString(s.Network.SecurityGroupID) {
		bad("security_group_id", "%q is not a security group id", s.Network.SecurityGroupID)
	}
	if !strings.HasPrefix(s.Network.KMSKeyARN, "arn:") || !strings.Contains(s.Network.KMSKeyARN, ":kms:") {
		bad("kms_key_arn", "%q is not a KMS key ARN", s.Network.KMSKeyARN)
	}
	if !strings.HasPrefix(s.Network.BucketName, "lakesail-"+strings.ToLower(s.ConnectionID)+"-") {
		bad("bucket_name", "%q is not a bucket of connection %s (lakesail-%s-...): WorkloadBoundary admits no other",
			s.Network.BucketName, s.ConnectionID, strings.ToLower(s.ConnectionID))
	}
	if s.EndpointPublicAccess && len(s.PublicAccessCIDRs) == 0 {
		bad("public_access_cidrs", "a public endpoint needs at least one CIDR block (0.0.0.0/0 is not assumed)")
	}
	if !s.EndpointPublicAccess && len(s.PublicAccessCIDRs) > 0 {
		bad("public_access_cidrs", "is only meaningful with endpoint_public_access = true")
	}
	for _, t := range s.LogTypes {
		if !slices.Contains(ClusterLogTypes, t) {
			bad("log_types", "%q is not an EKS control-plane log type (%s)", t, strings.Join(ClusterLogTypes, ", "))
		}
	}
	if !slices.Contains(s.LogTypes, "audit") {
		bad("log_types", "must include audit: the control-plane audit log is part of LakeSail's security envelope")
	}
	if !slices.Contains(LogRetentionValues, s.LogRetentionDays) {
		bad("log_retention_days", "%d is not a retention CloudWatch Logs accepts (%s)", s.LogRetentionDays, joinInts(LogRetentionValues))
	}
	ng := s.SystemNodeGroup
	if ng.MinSize < 0 || ng.MaxSize < 1 || ng.MinSize > ng.DesiredSize || ng.DesiredSize > ng.MaxSize {
		bad("system_node_group", "sizes must satisfy 0 <= min_size <= desired_size <= max_size and max_size >= 1 (got %d/%d/%d)",
			ng.MinSize, ng.DesiredSize, ng.MaxSize)
	}
	if len(ng.InstanceTypes) == 0 {
		bad("system_node_group.instance_types", "needs at least one instance type")
	}
	if ng.DiskSize < 20 {
		bad("system_node_group.disk_size", "must be at least 20 GiB, got %d", ng.DiskSize)
	}
	if s.WorkloadIdentity != "" && !slices.Contains(WorkloadIdentities, s.WorkloadIdentity) {
		bad("workload_identity", "must be %q or %q, got %q", WorkloadIdentityIRSA, WorkloadIdentityPodIdentity, s.WorkloadIdentity)
	}
	for name := range s.Addons {
		if !addonNamePattern.MatchString(name) {
			bad("addons", "%q is not an EKS add-on name", name)
		}
	}
	s.validateSessionLoadBalancer(bad)
	s.validateKarpenter(bad)
	seen := map[string]bool{}
	for _, db := range s.GlueDatabases {
		if !catalogNamePattern.MatchString(db) {
			bad("glue_databases", "%q must be lower-case letters, digits and underscores, starting with a letter", db)
		}
		if seen[db] {
			bad("glue_databases", "%q is listed twice", db)
		}
		seen[db] = true
	}
	return errors.Join(errs...)
}

func joinInts(values []int) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strconv.Itoa(v)
	}
	return strings.Join(out, ", ")
}

// PodIdentity tells whether the spec's pods use EKS Pod Identity.
func (s Spec) PodIdentity() bool { return s.WorkloadIdentity == WorkloadIdentityPodIdentity }

// workloadIdentity is the spec's mechanism, with the default made explicit.
func (s Spec) workloadIdentity() string {
	if s.WorkloadIdentity == "" {
		return WorkloadIdentityIRSA
	}
	return s.WorkloadIdentity
}

// effectiveAddons are the add-ons the cluster runs: the spec's, and with Pod Identity the
// agent (at AddonLatest unless the spec names it itself).
func (s Spec) effectiveAddons() map[string]AddonSpec {
	if !s.PodIdentity() {
		return s.Addons
	}
	if _, listed := s.Addons[PodIdentityAgentAddon]; listed {
		return s.Addons
	}
	out := maps.Clone(s.Addons)
	if out == nil {
		out = map[string]AddonSpec{}
	}
	out[PodIdentityAgentAddon] = AddonSpec{Version: AddonLatest}
	return out
}

// implicitAgent tells whether the Pod Identity agent is the spec's add-on without being listed.
func (s Spec) implicitAgent() bool {
	_, listed := s.Addons[PodIdentityAgentAddon]
	return s.PodIdentity() && !listed
}

// policySpec is the connection's naming context.
func (s Spec) policySpec() connpolicy.Spec {
	return connpolicy.Spec{ConnectionID: s.ConnectionID, TenantID: s.TenantID, AccountID: s.AccountID, Partition: s.partition()}
}

func (s Spec) partition() string {
	if s.Partition == "" {
		return "aws"
	}
	return s.Partition
}

// ClusterName is lakesail-<connection>-<workspace>; every other name starts with it.
func (s Spec) ClusterName() string {
	return s.policySpec().NamePrefix() + s.WorkspaceID
}

// ID is the workspace's import id, <connection_id>/<workspace_id>.
func (s Spec) ID() string { return s.ConnectionID + "/" + s.WorkspaceID }

// ParseWorkspaceID splits an import id into connection and workspace ids.
func ParseWorkspaceID(id string) (connectionID, workspaceID string, err error) {
	conn, ws, ok := strings.Cut(id, "/")
	if !ok || !workspaceIDPattern.MatchString(conn) || !workspaceIDPattern.MatchString(ws) {
		return "", "", fmt.Errorf("workspace id %q must be <connection_id>/<workspace_id>, each 10 upper-case letters or digits", id)
	}
	return conn, ws, nil
}

// ClusterRoleName, NodeRoleName and WorkloadRoleName name the workspace's IAM roles.
func (s Spec) ClusterRoleName() string { return s.ClusterName() + "-cluster" }

// NodeRoleName is the system node group's instance role.
func (s Spec) NodeRoleName() string { return s.ClusterName() + "-node" }

// WorkloadRoleName is the IRSA role of a purpose.
func (s Spec) WorkloadRoleName(purpose string) string {
	return s.ClusterName() + "-" + purpose
}

func (s Spec) roleARN(name string) string {
	return "arn:" + s.partition() + ":iam::" + s.AccountID + ":role/" + name
}

// RoleARN is the ARN of one of the workspace's roles.
func (s Spec) RoleARN(name string) string { return s.roleARN(name) }

// WorkloadBoundaryARN is the boundary every workspace role carries.
func (s Spec) WorkloadBoundaryARN() string {
	return s.policySpec().PolicyARN(connpolicy.KindWorkloadBoundary)
}

// LogGroupName is the cluster's control-plane log group.
func (s Spec) LogGroupName() string { return connpolicy.ClusterLogGroupName(s.ClusterName()) }

// NodeGroupName is the system node group's name.
func (s Spec) NodeGroupName() string { return "system" }

// sessionDomain is the session certificate's only name (its subject and DNS name), which the
// library chose; a certificate for another name is not the workspace's.
func (s Spec) sessionDomain() string {
	return "sessions." + strings.ToLower(s.WorkspaceID) + "." + strings.ToLower(s.ConnectionID) + ".lakesail.internal"
}

// DefaultCertificateRenewalDays is how long before its expiry the session certificate is
// renewed unless told otherwise.
const DefaultCertificateRenewalDays = 30

// MaxCertificateRenewalDays bounds the renewal window: a window as long as the certificate's
// validity would renew it on every apply.
const MaxCertificateRenewalDays = 365

// CertificateRenewalDue tells whether a certificate valid until notAfter is within days of its
// expiry (or past it) at now. A zero notAfter (unknown) is never due.
func CertificateRenewalDue(notAfter, now time.Time, days int) bool {
	if notAfter.IsZero() {
		return false
	}
	return !now.Before(notAfter.Add(-time.Duration(days) * 24 * time.Hour))
}

// ParameterPath is the SSM path of the workspace's parameters.
func (s Spec) ParameterPath() string {
	return s.policySpec().SSMParameterPath() + s.WorkspaceID + "/konnectivity/"
}

// konnectivityParameters are the TLS objects stored under ParameterPath, in creation order.
var konnectivityParameters = []string{"ca-cert", "server-cert", "server-key", "client-cert", "client-key"}

// ParameterNames are the full names of the workspace's SSM parameters.
func (s Spec) ParameterNames() []string {
	out := make([]string, len(konnectivityParameters))
	for i, p := range konnectivityParameters {
		out[i] = s.ParameterPath() + p
	}
	return out
}

// GlueDatabaseName is the Glue name of a catalog: lakesail_<conn>_<ws>_<catalog>.
func (s Spec) GlueDatabaseName(catalog string) string {
	return s.policySpec().GlueDatabasePrefix() + strings.ToLower(s.WorkspaceID) + "_" + catalog
}

// GlueDatabaseNames are the Glue names of every catalog, sorted.
func (s Spec) GlueDatabaseNames() []string {
	out := make([]string, 0, len(s.GlueDatabases))
	for _, c := range s.GlueDatabases {
		out = append(out, s.GlueDatabaseName(c))
	}
	slices.Sort(out)
	return out
}

// WorkspaceTags are what every object of the workspace carries: the extra tags overlaid with
// the connection's tags and LakeSail-Workspace.
func (s Spec) WorkspaceTags() map[string]string {
	tags := maps.Clone(s.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, connpolicy.Tags(s.policySpec()))
	tags[TagWorkspace] = s.WorkspaceID
	return tags
}

// serviceAccount is the Kubernetes service account a workload role trusts.
type serviceAccount struct{ Namespace, Name string }

// workloadServiceAccounts: the only service account each IRSA role admits.
var workloadServiceAccounts = map[string]serviceAccount{
	PurposeStorage:   {"lakesail", "sail-worker"},
	PurposeLogging:   {"lakesail", "log-forwarder"},
	PurposeKarpenter: {"kube-system", "karpenter"},
}

// WorkloadPurposes lists, in creation order, the workload purposes every workspace has (storage,
// logging). The roles of one spec are Spec.WorkloadPurposes: these, and the autoscaling role
// (Karpenter's controller) when the spec turns Karpenter on.
func WorkloadPurposes() []string { return []string{PurposeStorage, PurposeLogging} }

// WorkloadPurposes lists the spec's workload purposes in creation order: the ones every workspace
// has, then PurposeKarpenter when Karpenter is on.
func (s Spec) WorkloadPurposes() []string {
	out := WorkloadPurposes()
	if s.Karpenter.Enabled {
		out = append(out, PurposeKarpenter)
	}
	return out
}

// allWorkloadPurposes are every purpose a workspace may have had a role for: what a delete and
// the search for leftovers cover, whatever the spec says now.
func allWorkloadPurposes() []string { return append(WorkloadPurposes(), PurposeKarpenter) }

// WorkloadServiceAccount is the namespace/name the workload role of a purpose trusts.
func WorkloadServiceAccount(purpose string) string {
	sa := workloadServiceAccounts[purpose]
	return sa.Namespace + "/" + sa.Name
}
