package eks

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

func eksClusterOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateCluster", HTTP: "POST /clusters", Action: "eks:CreateCluster", Context: eksCreateClusterContext, Also: eksCreateClusterAlso, Handle: eksCreateCluster},
		{Name: "DescribeCluster", HTTP: "GET /clusters/{name}", Action: "eks:DescribeCluster", Resources: eksClusterResource, Context: eksClusterTags, Handle: eksDescribeCluster},
		{Name: "ListClusters", HTTP: "GET /clusters", Action: "eks:ListClusters", Handle: eksListClusters},
		{Name: "DeleteCluster", HTTP: "DELETE /clusters/{name}", Action: "eks:DeleteCluster", Resources: eksClusterResource, Context: eksClusterTags, Handle: eksDeleteCluster},
	}
}

type eksVpcConfigIn struct {
	SubnetIds, SecurityGroupIds                 []string
	EndpointPublicAccess, EndpointPrivateAccess *bool
	PublicAccessCidrs                           []string
}

type eksCreateClusterIn struct {
	Name, Version, RoleArn, ClientRequestToken string
	ResourcesVpcConfig                         *eksVpcConfigIn
	KubernetesNetworkConfig                    *struct{ ServiceIpv4Cidr, IPFamily string }
	Logging                                    *eksLogging
	Tags                                       map[string]string
	EncryptionConfig                           []eksEncryptionOut
	AccessConfig                               *struct {
		BootstrapClusterCreatorAdminPermissions *bool
		AuthenticationMode                      string
	}
	BootstrapSelfManagedAddons *bool
	UpgradePolicy              *struct{ SupportType string }
}

// authMode and bootstrapAdmin are the request's access config with EKS's defaults.
func (in *eksCreateClusterIn) authMode() string {
	if in.AccessConfig != nil && in.AccessConfig.AuthenticationMode != "" {
		return in.AccessConfig.AuthenticationMode
	}
	return "CONFIG_MAP"
}

func (in *eksCreateClusterIn) bootstrapAdmin() bool {
	return in.AccessConfig == nil || in.AccessConfig.BootstrapClusterCreatorAdminPermissions == nil || *in.AccessConfig.BootstrapClusterCreatorAdminPermissions
}

// bootstrapsEntry reports whether creation makes an access entry for the creator.
func (in *eksCreateClusterIn) bootstrapsEntry() bool {
	return in.bootstrapAdmin() && in.authMode() != "CONFIG_MAP"
}

// eksCreateClusterContext holds CreateCluster's condition keys for what the request sets.
func eksCreateClusterContext(c *core.Req) map[string][]string {
	in := core.JSONBody[eksCreateClusterIn](c)
	m := core.MergeContext(core.RequestTagContext(core.TagsOfMap(in.Tags)), eksLoggingContext(in.Logging))
	if in.Version != "" {
		m["eks:kubernetesVersion"] = []string{in.Version}
	}
	if v := in.ResourcesVpcConfig; v != nil {
		eksEndpointContext(m, v)
	}
	if a := in.AccessConfig; a != nil {
		if a.AuthenticationMode != "" {
			m["eks:authenticationMode"] = []string{a.AuthenticationMode}
		}
		if a.BootstrapClusterCreatorAdminPermissions != nil {
			m["eks:bootstrapClusterCreatorAdminPermissions"] = core.BoolValues(*a.BootstrapClusterCreatorAdminPermissions)
		}
	}
	if in.BootstrapSelfManagedAddons != nil {
		m["eks:bootstrapSelfManagedAddons"] = core.BoolValues(*in.BootstrapSelfManagedAddons)
	}
	if in.UpgradePolicy != nil && in.UpgradePolicy.SupportType != "" {
		m["eks:supportType"] = []string{in.UpgradePolicy.SupportType}
	}
	var keys []string
	for _, e := range in.EncryptionConfig {
		keys = append(keys, e.Provider.KeyArn)
	}
	if len(keys) > 0 {
		m["eks:encryptionConfigProviderKeyArns"] = keys
	}
	return m
}

// eksEndpointContext adds eks:endpointPublicAccess/eks:endpointPrivateAccess for what v sets.
func eksEndpointContext(m map[string][]string, v *eksVpcConfigIn) {
	if v.EndpointPublicAccess != nil {
		m["eks:endpointPublicAccess"] = core.BoolValues(*v.EndpointPublicAccess)
	}
	if v.EndpointPrivateAccess != nil {
		m["eks:endpointPrivateAccess"] = core.BoolValues(*v.EndpointPrivateAccess)
	}
}

// eksLoggingContext is eks:loggingType/<type> (true or false) for each type the request sets.
func eksLoggingContext(l *eksLogging) map[string][]string {
	if l == nil {
		return nil
	}
	m := map[string][]string{}
	for _, s := range l.ClusterLogging {
		for _, t := range s.Types {
			m["eks:loggingType/"+t] = core.BoolValues(s.Enabled != nil && *s.Enabled)
		}
	}
	return m
}

// eksCreateClusterAlso: passing the cluster role to EKS, tagging on create, and the creator's
// access entry when EKS bootstraps one.
func eksCreateClusterAlso(c *core.Req) []core.Check {
	in := core.JSONBody[eksCreateClusterIn](c)
	arn := eksClusterARN(c, in.Name)
	var checks []core.Check
	if in.RoleArn != "" {
		checks = append(checks, core.PassRole(in.RoleArn, "eks.amazonaws.com", arn))
	}
	checks = append(checks, eksTagOnCreate(c, arn)...)
	checks = append(checks, eksIAMOf(c).ServiceLinkedRoleCheck(c, "eks.amazonaws.com")...)
	if in.bootstrapsEntry() {
		checks = append(checks, core.Check{Action: "eks:CreateAccessEntry", Resources: []string{arn},
			Context: map[string][]string{"eks:principalArn": {eksCreatorARN(c)}, "eks:accessEntryType": {"STANDARD"}}})
	}
	return checks
}

// eksCreatorARN is the IAM identity EKS records as a cluster's creator: a session's role.
func eksCreatorARN(c *core.Req) string {
	if s := c.Caller.Session; s != nil {
		return s.RoleARN
	}
	return c.Caller.ARN
}

type eksClusterResult struct {
	Cluster eksClusterOut `json:"cluster"`
}

func eksCreateCluster(c *core.Req) (any, error) {
	var in eksCreateClusterIn
	if err := eksDecode(c, &in); err != nil {
		return nil, err
	}
	if err := checkEKSName("clusterName", in.Name, 100); err != nil {
		return nil, err
	}
	st := eksOf(c)
	if cl := st.clusters[in.Name]; cl != nil {
		if in.ClientRequestToken != "" && cl.clientRequestToken == in.ClientRequestToken {
			return eksClusterResult{cl.view()}, nil // an idempotent retry
		}
		return nil, eksInUse("Cluster already exists with name: %s", in.Name)
	}
	version := in.Version
	if version == "" {
		version = eksKubernetesVersions[len(eksKubernetesVersions)-1]
	}
	if !eksSupportedVersion(version) {
		return nil, eksInvalidParam("unsupported Kubernetes version %s", version)
	}
	if err := eksCheckServiceRole(c, in.RoleArn, "eks.amazonaws.com"); err != nil {
		return nil, err
	}
	if in.ResourcesVpcConfig == nil {
		return nil, eksInvalidParam("resourcesVpcConfig is required")
	}
	vpc, err := eksNewVpcConfig(c, in.ResourcesVpcConfig)
	if err != nil {
		return nil, err
	}
	serviceCidr, ipFamily, err := eksNetworkConfig(in.KubernetesNetworkConfig)
	if err != nil {
		return nil, err
	}
	logTypes, err := eksApplyLogging(map[string]bool{}, in.Logging)
	if err != nil {
		return nil, err
	}
	if err := eksCheckEncryption(c, in.EncryptionConfig); err != nil {
		return nil, err
	}
	if err := eksGrantSecretsKey(c, in.EncryptionConfig); err != nil {
		return nil, err
	}
	authMode := in.authMode()
	if !core.OneOf(authMode, "CONFIG_MAP", "API", "API_AND_CONFIG_MAP") {
		return nil, eksInvalidParam("Unsupported authentication mode: %s", authMode)
	}
	supportType := "EXTENDED"
	if in.UpgradePolicy != nil && in.UpgradePolicy.SupportType != "" {
		supportType = in.UpgradePolicy.SupportType
		if !core.OneOf(supportType, "STANDARD", "EXTENDED") {
			return nil, eksInvalidParam("Unsupported support type: %s", supportType)
		}
	}
	if err := checkEKSTags(in.Tags, "InvalidParameterException"); err != nil {
		return nil, err
	}
	ca, caErr := eksClusterCA(c.Now)
	if caErr != nil {
		return nil, caErr
	}
	id := eksClusterID()
	cl := &eksCluster{
		name: in.Name, arn: eksClusterARN(c, in.Name), roleArn: in.RoleArn,
		version: version, platformVersion: eksPlatformVersions[version], id: id,
		endpoint: "https://" + id + ".gr7." + c.Region + ".eks.amazonaws.com",
		issuer:   "https://oidc.eks." + c.Region + ".amazonaws.com/id/" + id,
		caData:   ca, status: "CREATING", settleAt: c.Now.Add(c.TransitionDelay()), created: c.Now,
		clientRequestToken: in.ClientRequestToken, vpc: vpc, serviceCidr: serviceCidr, ipFamily: ipFamily,
		logTypes: logTypes, encryption: in.EncryptionConfig, authMode: authMode, bootstrapAdmin: in.bootstrapAdmin(),
		supportType: supportType, tags: core.TagsOfMap(in.Tags),
		nodegroups: map[string]*eksNodegroup{}, addons: map[string]*eksAddon{}, entries: map[string]*eksAccessEntry{},
	}
	eksIAMOf(c).EnsureServiceLinkedRole(c, "eks.amazonaws.com")
	cl.vpc.clusterSecurityGroupID = eksCreateClusterSG(c, cl)
	st.clusters[cl.name] = cl
	eksEnsureLogGroup(c, cl)
	if in.bootstrapsEntry() {
		e := eksNewAccessEntry(c, cl, eksCreatorARN(c), "STANDARD", "", nil, nil)
		e.policies[eksClusterAdminPolicy] = &eksAccessPolicy{arn: eksClusterAdminPolicy, scopeType: "cluster", associated: c.Now, modified: c.Now}
		cl.entries[e.principalArn] = e
	}
	return eksClusterResult{cl.view()}, nil
}

// eksEnsureLogGroup creates the cluster's log group /aws/eks/<name>/cluster when any control-plane
// logging is enabled and the group does not exist yet, as EKS does; an existing group (one the
// caller made first, with its tags, retention and key) is left as it is.
func eksEnsureLogGroup(c *core.Req, cl *eksCluster) {
	for _, on := range cl.logTypes {
		if on {
			eksLogsOf(c).EnsureGroup(c, "/aws/eks/"+cl.name+"/cluster")
			return
		}
	}
}

// eksCheckServiceRole checks a role handed to EKS: it must exist in the caller's account, have
// propagated, and trust service.
func eksCheckServiceRole(c *core.Req, roleARN, service string) *core.APIError {
	if roleARN == "" {
		return eksInvalidParam("roleArn is required")
	}
	created, exists, trusted := eksIAMOf(c).ServiceRole(c, roleARN, service)
	if !exists || c.Now.Before(created.Add(c.PropagationDelay())) {
		return eksInvalidParam("Role with arn: %s, does not exist", roleARN)
	}
	if !trusted {
		return eksInvalidParam("Role with arn: %s, cannot be assumed by %s. Check the role's trust relationship.", roleARN, service)
	}
	return nil
}

// eksNewVpcConfig validates and completes a cluster's VPC configuration against EC2.
func eksNewVpcConfig(c *core.Req, in *eksVpcConfigIn) (eksVpcConfig, *core.APIError) {
	subnets := core.Unique(in.SubnetIds)
	if len(subnets) < 2 {
		return eksVpcConfig{}, eksInvalidParam("Subnets specified must be in at least two different AZs")
	}
	if len(in.SecurityGroupIds) > 5 {
		return eksVpcConfig{}, eksInvalidParam("You can specify up to 5 security groups")
	}
	vpcID, err := eksResolveNetwork(c, subnets, in.SecurityGroupIds)
	if err != nil {
		return eksVpcConfig{}, err
	}
	v := eksVpcConfig{
		subnetIDs: subnets, securityGroupIDs: core.Unique(in.SecurityGroupIds), vpcID: vpcID,
		publicAccess: true, publicAccessCidrs: []string{"0.0.0.0/0"},
	}
	if err := eksApplyEndpoint(&v, in); err != nil {
		return eksVpcConfig{}, err
	}
	return v, nil
}

// eksApplyEndpoint applies endpoint access settings onto v and validates the result.
func eksApplyEndpoint(v *eksVpcConfig, in *eksVpcConfigIn) *core.APIError {
	if in.EndpointPublicAccess != nil {
		v.publicAccess = *in.EndpointPublicAccess
	}
	if in.EndpointPrivateAccess != nil {
		v.privateAccess = *in.EndpointPrivateAccess
	}
	if !v.publicAccess && !v.privateAccess {
		return eksInvalidParam("Private and public endpoint access can't both be disabled")
	}
	if in.PublicAccessCidrs != nil {
		if len(in.PublicAccessCidrs) == 0 || len(in.PublicAccessCidrs) > 40 {
			return eksInvalidParam("publicAccessCidrs must contain between 1 and 40 CIDR blocks")
		}
		for _, cidr := range in.PublicAccessCidrs {
			ip, n, err := net.ParseCIDR(cidr)
			if err != nil || ip.To4() == nil || !ip.Equal(n.IP) {
				return eksInvalidParam("The following CIDRs are invalid in publicAccessCidrs: [%s]", cidr)
			}
		}
		v.publicAccessCidrs = append([]string(nil), in.PublicAccessCidrs...)
	}
	return nil
}

// eksNetworkConfig validates the service CIDR (a private /12 to /24) and IP family.
func eksNetworkConfig(in *struct{ ServiceIpv4Cidr, IPFamily string }) (string, string, *core.APIError) {
	cidr, family := "172.20.0.0/16", "ipv4"
	if in == nil {
		return cidr, family, nil
	}
	if in.IPFamily != "" {
		if !core.OneOf(in.IPFamily, "ipv4", "ipv6") {
			return "", "", eksInvalidParam("Unsupported ipFamily: %s", in.IPFamily)
		}
		family = in.IPFamily
	}
	if in.ServiceIpv4Cidr != "" {
		ip, n, err := net.ParseCIDR(in.ServiceIpv4Cidr)
		ones, _ := 0, 0
		if n != nil {
			ones, _ = n.Mask.Size()
		}
		private := false
		for _, p := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} {
			_, pn, _ := net.ParseCIDR(p)
			if ip != nil && pn.Contains(ip) {
				private = true
			}
		}
		if err != nil || ip.To4() == nil || !private || ones < 12 || ones > 24 {
			return "", "", eksInvalidParam("The specified serviceIpv4Cidr %s is invalid. It must be within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 and between /12 and /24", in.ServiceIpv4Cidr)
		}
		cidr = n.String()
	}
	return cidr, family, nil
}

// eksApplyLogging applies a logging request onto the enabled types (a copy is returned).
func eksApplyLogging(current map[string]bool, l *eksLogging) (map[string]bool, *core.APIError) {
	out := map[string]bool{}
	for k, v := range current {
		out[k] = v
	}
	if l == nil {
		return out, nil
	}
	for _, s := range l.ClusterLogging {
		for _, t := range s.Types {
			if !core.OneOf(t, eksLogTypes...) {
				return nil, eksInvalidParam("Unsupported logging type: %s. Supported types are %s", t, strings.Join(eksLogTypes, ", "))
			}
			out[t] = s.Enabled != nil && *s.Enabled
		}
	}
	return out, nil
}

// eksCheckEncryption validates secrets encryption: one config, resources ["secrets"], and an
// enabled symmetric KMS key of the emulator's KMS in the cluster's region.
func eksCheckEncryption(c *core.Req, cfg []eksEncryptionOut) *core.APIError {
	if len(cfg) > 1 {
		return eksInvalidParam("Only one encryptionConfig is supported")
	}
	for _, e := range cfg {
		if len(e.Resources) != 1 || e.Resources[0] != "secrets" {
			return eksInvalidParam("Unsupported encryption resources %v: only [secrets] is supported", e.Resources)
		}
		if !strings.HasPrefix(e.Provider.KeyArn, "arn:aws:kms:"+c.Region+":") {
			return eksInvalidParam("Invalid KMS key ARN %q: it must be the ARN of a key in %s", e.Provider.KeyArn, c.Region)
		}
		kms := eksKMSOf(c)
		arn, err := kms.ResolveKey(c, c.Region, e.Provider.KeyArn)
		if err != nil {
			return eksInvalidParam("Key %s does not exist", e.Provider.KeyArn)
		}
		spec, usage, unusable, _ := kms.KeyByARN(c, arn)
		if unusable != nil {
			return eksInvalidParam("Key %s is not usable: %s", e.Provider.KeyArn, unusable.Message)
		}
		if spec != "SYMMETRIC_DEFAULT" || usage != "ENCRYPT_DECRYPT" {
			return eksInvalidParam("Key %s must be a symmetric encryption key", e.Provider.KeyArn)
		}
	}
	return nil
}

// eksGrantSecretsKey is the kms:CreateGrant EKS makes on the secrets key with the caller's
// identity (kms:ViaService eks.<region>.amazonaws.com, kms:GrantIsForAWSResource), decided by
// the key policy and the caller's policies as KMS decides it.
func eksGrantSecretsKey(c *core.Req, cfg []eksEncryptionOut) *core.APIError {
	for _, e := range cfg {
		kms := eksKMSOf(c)
		arn, err := kms.ResolveKey(c, c.Region, e.Provider.KeyArn)
		if err != nil {
			return eksInvalidParam("Key %s does not exist", e.Provider.KeyArn)
		}
		ctx := map[string][]string{
			"kms:ViaService":            {"eks." + c.Region + ".amazonaws.com"},
			"kms:GrantIsForAWSResource": {"true"},
			"aws:ViaAWSService":         {"true"},
		}
		if r := kms.Decide(c, "kms:CreateGrant", arn, ctx); r.Decision != iampolicy.Allowed {
			c.Deny()
			return core.AccessDenied(c.Service.Name, c.Caller.ARN, "kms:CreateGrant", arn, &r)
		}
	}
	return nil
}

func eksDescribeCluster(c *core.Req) (any, error) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	return eksClusterResult{cl.view()}, nil
}

type eksListClustersResult struct {
	Clusters  []string `json:"clusters"`
	NextToken string   `json:"nextToken,omitempty"`
}

func eksListClusters(c *core.Req) (any, error) {
	names := core.SortedKeys(eksOf(c).clusters)
	page, next, err := eksPage(c, names, 100)
	if err != nil {
		return nil, err
	}
	return eksListClustersResult{Clusters: page, NextToken: next}, nil
}

func eksDeleteCluster(c *core.Req) (any, error) {
	cl, err := eksFindCluster(c)
	if err != nil {
		return nil, err
	}
	switch cl.status {
	case "DELETING":
		return eksClusterResult{cl.view()}, nil
	case "CREATING":
		return nil, eksInUse("Cluster %s is currently being created", cl.name)
	case "UPDATING":
		return nil, eksInUse("Cluster %s has an update in progress", cl.name)
	}
	if len(cl.nodegroups) > 0 {
		return nil, eksInUse("Cluster has nodegroups attached: %s", strings.Join(core.SortedKeys(cl.nodegroups), ", "))
	}
	cl.status = "DELETING"
	cl.settleAt = c.Now.Add(c.TransitionDelay())
	for _, a := range cl.addons {
		a.status, a.settleAt = "DELETING", cl.settleAt
	}
	return eksClusterResult{cl.view()}, nil
}

// Small helpers for the EKS handlers.

// eksRandHex is n random lower-case hex digits (resource ids such as sg-0123...).
func eksRandHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// eksClusterID is the 32 upper-case hex digits of a cluster's endpoint and OIDC issuer.
func eksClusterID() string { return strings.ToUpper(eksRandHex(32)) }
