package eks

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// JSON shapes of EKS clusters as DescribeCluster returns them (lower-camel member names).

type eksClusterOut struct {
	Name                    string              `json:"name"`
	Arn                     string              `json:"arn"`
	CreatedAt               core.WireTime       `json:"createdAt"`
	Version                 string              `json:"version"`
	Endpoint                string              `json:"endpoint,omitempty"`
	RoleArn                 string              `json:"roleArn"`
	ResourcesVpcConfig      eksVpcConfigOut     `json:"resourcesVpcConfig"`
	KubernetesNetworkConfig eksNetworkOut       `json:"kubernetesNetworkConfig"`
	Logging                 eksLogging          `json:"logging"`
	Identity                *eksIdentity        `json:"identity,omitempty"`
	Status                  string              `json:"status"`
	CertificateAuthority    eksCertificate      `json:"certificateAuthority"`
	ClientRequestToken      string              `json:"clientRequestToken,omitempty"`
	PlatformVersion         string              `json:"platformVersion"`
	Tags                    map[string]string   `json:"tags,omitempty"`
	EncryptionConfig        []eksEncryptionOut  `json:"encryptionConfig,omitempty"`
	Health                  eksHealth           `json:"health"`
	AccessConfig            eksAccessConfigOut  `json:"accessConfig"`
	UpgradePolicy           eksUpgradePolicyOut `json:"upgradePolicy"`
}

type eksVpcConfigOut struct {
	SubnetIds              []string `json:"subnetIds"`
	SecurityGroupIds       []string `json:"securityGroupIds"`
	ClusterSecurityGroupID string   `json:"clusterSecurityGroupId,omitempty"`
	VpcID                  string   `json:"vpcId"`
	EndpointPublicAccess   bool     `json:"endpointPublicAccess"`
	EndpointPrivateAccess  bool     `json:"endpointPrivateAccess"`
	PublicAccessCidrs      []string `json:"publicAccessCidrs"`
}

type eksNetworkOut struct {
	ServiceIpv4Cidr string `json:"serviceIpv4Cidr"`
	IPFamily        string `json:"ipFamily"`
}

// eksLogging is both the request and the response shape of cluster logging.
type eksLogging struct {
	ClusterLogging []eksLogSetup `json:"clusterLogging"`
}

type eksLogSetup struct {
	Types   []string `json:"types"`
	Enabled *bool    `json:"enabled,omitempty"`
}

type eksIdentity struct {
	OIDC struct {
		Issuer string `json:"issuer"`
	} `json:"oidc"`
}

type eksCertificate struct {
	Data string `json:"data,omitempty"`
}

type eksEncryptionOut struct {
	Resources []string `json:"resources"`
	Provider  struct {
		KeyArn string `json:"keyArn"`
	} `json:"provider"`
}

type eksHealth struct {
	Issues []struct{} `json:"issues"`
}

type eksAccessConfigOut struct {
	BootstrapClusterCreatorAdminPermissions bool   `json:"bootstrapClusterCreatorAdminPermissions"`
	AuthenticationMode                      string `json:"authenticationMode"`
}

type eksUpgradePolicyOut struct {
	SupportType string `json:"supportType"`
}

// eksLogTypes are the control-plane log types, in EKS's order.
var eksLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// eksLoggingOut renders enabled log types the way EKS does: one setup for the enabled types and one
// for the disabled ones.
func eksLoggingOut(enabled map[string]bool) eksLogging {
	var on, off []string
	for _, t := range eksLogTypes {
		if enabled[t] {
			on = append(on, t)
		} else {
			off = append(off, t)
		}
	}
	yes, no := true, false
	var out eksLogging
	if len(on) > 0 {
		out.ClusterLogging = append(out.ClusterLogging, eksLogSetup{Types: on, Enabled: &yes})
	}
	if len(off) > 0 {
		out.ClusterLogging = append(out.ClusterLogging, eksLogSetup{Types: off, Enabled: &no})
	}
	return out
}

// view renders a cluster. The endpoint, certificate authority and OIDC issuer appear once the
// control plane is up, as on EKS.
func (cl *eksCluster) view() eksClusterOut {
	out := eksClusterOut{
		Name: cl.name, Arn: cl.arn, CreatedAt: core.WireTime(cl.created), Version: cl.version, RoleArn: cl.roleArn,
		ResourcesVpcConfig: eksVpcConfigOut{
			SubnetIds: eksList(cl.vpc.subnetIDs), SecurityGroupIds: eksList(cl.vpc.securityGroupIDs),
			ClusterSecurityGroupID: cl.vpc.clusterSecurityGroupID, VpcID: cl.vpc.vpcID,
			EndpointPublicAccess: cl.vpc.publicAccess, EndpointPrivateAccess: cl.vpc.privateAccess,
			PublicAccessCidrs: eksList(cl.vpc.publicAccessCidrs),
		},
		KubernetesNetworkConfig: eksNetworkOut{ServiceIpv4Cidr: cl.serviceCidr, IPFamily: cl.ipFamily},
		Logging:                 eksLoggingOut(cl.logTypes),
		Status:                  cl.status,
		ClientRequestToken:      cl.clientRequestToken,
		PlatformVersion:         cl.platformVersion,
		Tags:                    core.JSONTags(cl.tags),
		EncryptionConfig:        cl.encryption,
		Health:                  eksHealth{Issues: []struct{}{}},
		AccessConfig:            eksAccessConfigOut{BootstrapClusterCreatorAdminPermissions: cl.bootstrapAdmin, AuthenticationMode: cl.authMode},
		UpgradePolicy:           eksUpgradePolicyOut{SupportType: cl.supportType},
	}
	if cl.status != "CREATING" {
		out.Endpoint = cl.endpoint
		out.CertificateAuthority.Data = cl.caData
		out.Identity = &eksIdentity{}
		out.Identity.OIDC.Issuer = cl.issuer
	}
	return out
}

// eksList turns a nil slice into an empty one so JSON shows [] rather than null.
func eksList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
