package eks

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// EKS against the emulator's EC2: a cluster's subnets and security groups must exist and share
// one VPC, its subnets must span two Availability Zones, and EKS creates the cluster security
// group in that VPC (removing it with the cluster), so the VPC can't be deleted under a cluster.

// eksEC2 is what EKS asks of EC2; the ec2 service's Impl answers it. EKS never reads or writes
// EC2's state itself.
type eksEC2 interface {
	// Subnet is the VPC and Availability Zone of the caller's subnet id; ok is false when it
	// does not exist.
	Subnet(c *core.Req, id string) (vpc, zone string, ok bool)
	// SecurityGroupVPC is the VPC of the caller's security group id; ok is false when it does
	// not exist.
	SecurityGroupVPC(c *core.Req, id string) (vpc string, ok bool)
	// CreateManagedSecurityGroup creates a security group a service manages in vpc: all traffic
	// within the group and all traffic out. It returns the group's id.
	CreateManagedSecurityGroup(c *core.Req, vpc, name, description string, tags []core.Tag) string
	// DeleteManagedSecurityGroup removes a group CreateManagedSecurityGroup made.
	DeleteManagedSecurityGroup(c *core.Req, id string)
	// LaunchTemplate is the caller's launch template named by id or name (one of them) at
	// version ("", "$Default", "$Latest" or a number), or EC2's error when there is none.
	LaunchTemplate(c *core.Req, id, name, version string) (eksLaunchTemplate, *core.APIError)
	// RunInstancesChecks are the ec2:RunInstances questions a launch of n asks of the caller,
	// as EC2 authorizes RunInstances from a launch template.
	RunInstancesChecks(c *core.Req, n eksNodeLaunch) []core.Check
	// LaunchNode launches one instance of n as EKS's service-linked role (nothing is asked of
	// the caller) and returns its id ("" when the template or subnet is gone).
	LaunchNode(c *core.Req, n eksNodeLaunch) string
	// TerminateNodes terminates instances LaunchNode launched.
	TerminateNodes(c *core.Req, ids []string)
}

// eksLaunchTemplate is a launch template version as EKS reads it. It must spell ec2's
// ec2EKSTemplate exactly (an unnamed struct type), so that the method signatures are identical
// without either package importing the other.
type eksLaunchTemplate = struct {
	ID, Name, ARN         string
	Version               int
	ImageID, InstanceType string
	InstanceProfile       bool     // the version names an IAM instance profile
	SecurityGroups        []string // the groups the version names (ids, names resolved)
}

// eksNodeLaunch is a node EKS launches from a launch template version, or asks whether the
// caller may launch. It must spell ec2's ec2EKSNode exactly.
type eksNodeLaunch = struct {
	TemplateID            string
	TemplateVersion       int
	Subnet                string
	ImageID, InstanceType string     // used when the template names none
	SecurityGroups        []string   // used when the template names none (the cluster security group)
	Tags                  []core.Tag // EKS's own tags, on the instance, its volume and its interface
}

// eksEC2Of is EC2 as EKS sees it.
func eksEC2Of(c *core.Req) eksEC2 {
	v, ok := core.Peer[eksEC2](c, "ec2")
	if !ok {
		panic("awsemu: EKS needs the ec2 service")
	}
	return v
}

// eksResolveNetwork checks subnets and security groups in EC2 and returns their VPC.
func eksResolveNetwork(c *core.Req, subnets, groups []string) (string, *core.APIError) {
	ec2 := eksEC2Of(c)
	vpc := ""
	zones := map[string]bool{}
	for _, id := range subnets {
		snVPC, zone, ok := ec2.Subnet(c, id)
		if !ok {
			return "", eksInvalidParam("The subnet ID '%s' does not exist", id)
		}
		if vpc != "" && snVPC != vpc {
			return "", eksInvalidParam("Subnets specified must be in the same VPC: %s is in %s, not %s", id, snVPC, vpc)
		}
		vpc = snVPC
		zones[zone] = true
	}
	if len(zones) < 2 {
		return "", eksInvalidParam("Subnets specified must be in at least two different AZs")
	}
	for _, id := range groups {
		sgVPC, ok := ec2.SecurityGroupVPC(c, id)
		if !ok {
			return "", eksInvalidParam("The security group '%s' does not exist", id)
		}
		if sgVPC != vpc {
			return "", eksInvalidParam("Security group %s is not in the cluster's VPC %s", id, vpc)
		}
	}
	return vpc, nil
}

// eksCheckNodeSubnets checks a node group's subnets: in EC2 and in the cluster's VPC.
func eksCheckNodeSubnets(c *core.Req, cl *eksCluster, subnets []string) *core.APIError {
	ec2 := eksEC2Of(c)
	for _, id := range subnets {
		snVPC, _, ok := ec2.Subnet(c, id)
		if !ok {
			return eksInvalidParam("The subnet ID '%s' does not exist", id)
		}
		if snVPC != cl.vpc.vpcID {
			return eksInvalidParam("Subnet %s is not in the VPC %s of cluster %s", id, cl.vpc.vpcID, cl.name)
		}
	}
	return nil
}

// eksCreateClusterSG creates the cluster security group EKS makes for the control plane.
func eksCreateClusterSG(c *core.Req, cl *eksCluster) string {
	tags := []core.Tag{{Key: "kubernetes.io/cluster/" + cl.name, Value: "owned"}, {Key: "aws:eks:cluster-name", Value: cl.name}}
	return eksEC2Of(c).CreateManagedSecurityGroup(c, cl.vpc.vpcID,
		"eks-cluster-sg-"+cl.name+"-"+strings.ToLower(cl.id[:10]),
		"EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.", tags)
}

// eksDeleteClusterSG removes a deleted cluster's security group.
func eksDeleteClusterSG(c *core.Req, cl *eksCluster) {
	eksEC2Of(c).DeleteManagedSecurityGroup(c, cl.vpc.clusterSecurityGroupID)
}
