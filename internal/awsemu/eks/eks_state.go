package eks

import (
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// eksState is one account's EKS in one region: clusters by name, each holding its node groups,
// add-ons, access entries and updates. Transitional states settle lazily: every call first
// moves whatever is due on the emulator's clock (settle), so tests drive time with a test clock.
type eksState struct {
	clusters map[string]*eksCluster
}

type eksCluster struct {
	name, arn, roleArn       string
	version, platformVersion string
	id                       string // 32 hex digits shared by the endpoint and the OIDC issuer
	endpoint, issuer, caData string
	status                   string
	settleAt                 time.Time // when CREATING/DELETING ends
	created                  time.Time
	clientRequestToken       string
	vpc                      eksVpcConfig
	serviceCidr, ipFamily    string
	logTypes                 map[string]bool // enabled control-plane log types
	encryption               []eksEncryptionOut
	authMode                 string
	bootstrapAdmin           bool
	supportType              string
	tags                     []core.Tag
	nodegroups               map[string]*eksNodegroup
	addons                   map[string]*eksAddon
	entries                  map[string]*eksAccessEntry // by principal ARN
	updates                  []*eksUpdate               // in creation order
}

type eksVpcConfig struct {
	subnetIDs, securityGroupIDs []string
	clusterSecurityGroupID      string
	vpcID                       string
	publicAccess, privateAccess bool
	publicAccessCidrs           []string
}

type eksNodegroup struct {
	name, arn, cluster              string
	version, releaseVersion         string
	status                          string
	settleAt                        time.Time
	created, modified               time.Time
	capacityType, amiType, nodeRole string
	minSize, maxSize, desiredSize   int
	instanceTypes, subnets          []string
	diskSize                        int
	labels                          map[string]string
	tags                            []core.Tag
	asgName                         string
	maxUnavailable                  int
	clientRequestToken              string
	lt                              *eksNodegroupLT // nil when created without a launch template
	// nodes are the instances EKS launched for a launch template node group (eks_nodes.go),
	// from template version nodesVersion.
	nodes        []string
	nodesVersion int
}

// eksNodegroupLT is the launch template a node group was created with and its current version.
type eksNodegroupLT struct {
	id, name string
	version  int
	image    string // the version's ImageId ("" for the EKS optimized AMI of the AMI type)
	instType string // the version's InstanceType ("" when the node group's instanceTypes say)
}

type eksAddon struct {
	name, arn, cluster    string
	version               string
	status                string
	settleAt              time.Time
	created, modified     time.Time
	serviceAccountRoleArn string
	configurationValues   string
	tags                  []core.Tag
	clientRequestToken    string
}

type eksAccessEntry struct {
	principalArn, arn, username, kind string
	groups                            []string
	created, modified                 time.Time
	tags                              []core.Tag
	policies                          map[string]*eksAccessPolicy // by policy ARN
	clientRequestToken                string
}

type eksAccessPolicy struct {
	arn                  string
	scopeType            string
	namespaces           []string
	associated, modified time.Time
}

// eksUpdate is an in-flight or finished update of a cluster, or of one of its node groups or
// add-ons (nodegroup/addon name set); apply runs when it completes.
type eksUpdate struct {
	id, kind, status  string
	token             string // the client request token that started it
	nodegroup, addon  string
	params            []eksUpdateParam
	created, settleAt time.Time
	apply             func()
}

func newEKSState() *eksState { return &eksState{clusters: map[string]*eksCluster{}} }

// eksOf is the caller's EKS state in the request's region, settled to the request's time.
func eksOf(c *core.Req) *eksState {
	st := core.RegionalStateOf(c.Account, "eks", c.Region, newEKSState)
	st.settle(c)
	return st
}

// settle completes every transition that is due at now: creations become ACTIVE, deletions
// disappear, and finished updates apply their change and free their resource.
func (st *eksState) settle(c *core.Req) {
	now := c.Now
	for name, cl := range st.clusters {
		due := !now.Before(cl.settleAt)
		switch {
		case cl.status == "DELETING" && due:
			delete(st.clusters, name)
			eksDeleteClusterSG(c, cl)
			continue
		case cl.status == "CREATING" && due:
			cl.status = "ACTIVE"
		}
		for _, u := range cl.updates {
			if u.status != "InProgress" || now.Before(u.settleAt) {
				continue
			}
			if u.apply != nil {
				u.apply()
			}
			u.status = "Successful"
		}
		if cl.status == "UPDATING" && !cl.busy("", "") {
			cl.status = "ACTIVE"
		}
		for n, ng := range cl.nodegroups {
			switch {
			case ng.status == "DELETING" && !now.Before(ng.settleAt):
				delete(cl.nodegroups, n)
				continue
			case ng.status == "CREATING" && !now.Before(ng.settleAt):
				ng.status = "ACTIVE"
			case ng.status == "UPDATING" && !cl.busy(n, ""):
				ng.status = "ACTIVE"
			}
			eksReconcileNodes(c, cl, ng)
		}
		for n, a := range cl.addons {
			switch {
			case a.status == "DELETING" && !now.Before(a.settleAt):
				delete(cl.addons, n)
			case a.status == "CREATING" && !now.Before(a.settleAt):
				a.status = "ACTIVE"
			case a.status == "UPDATING" && !cl.busy("", n):
				a.status = "ACTIVE"
			}
		}
	}
}

// busy reports whether the cluster (both names empty), a node group or an add-on has an update
// in progress.
func (cl *eksCluster) busy(nodegroup, addon string) bool {
	for _, u := range cl.updates {
		if u.status == "InProgress" && u.nodegroup == nodegroup && u.addon == addon {
			return true
		}
	}
	return false
}
