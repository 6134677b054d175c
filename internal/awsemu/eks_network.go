package awsemu

import "strings"

// EKS against the emulator's EC2: a cluster's subnets and security groups must exist and share
// one VPC, its subnets must span two Availability Zones, and EKS creates the cluster security
// group in that VPC (removing it with the cluster), so the VPC can't be deleted under a cluster.

// eksResolveNetwork checks subnets and security groups in EC2 and returns their VPC.
func eksResolveNetwork(c *Req, subnets, groups []string) (string, *APIError) {
	s := ec2Of(c)
	vpc := ""
	zones := map[string]bool{}
	for _, id := range subnets {
		sn := s.subnets[id]
		if sn == nil {
			return "", eksInvalidParam("The subnet ID '%s' does not exist", id)
		}
		if vpc != "" && sn.vpc != vpc {
			return "", eksInvalidParam("Subnets specified must be in the same VPC: %s is in %s, not %s", id, sn.vpc, vpc)
		}
		vpc = sn.vpc
		zones[sn.az.name] = true
	}
	if len(zones) < 2 {
		return "", eksInvalidParam("Subnets specified must be in at least two different AZs")
	}
	for _, id := range groups {
		sg := s.sgs[id]
		if sg == nil {
			return "", eksInvalidParam("The security group '%s' does not exist", id)
		}
		if sg.vpc != vpc {
			return "", eksInvalidParam("Security group %s is not in the cluster's VPC %s", id, vpc)
		}
	}
	return vpc, nil
}

// eksCheckNodeSubnets checks a node group's subnets: in EC2 and in the cluster's VPC.
func eksCheckNodeSubnets(c *Req, cl *eksCluster, subnets []string) *APIError {
	s := ec2Of(c)
	for _, id := range subnets {
		sn := s.subnets[id]
		if sn == nil {
			return eksInvalidParam("The subnet ID '%s' does not exist", id)
		}
		if sn.vpc != cl.vpc.vpcID {
			return eksInvalidParam("Subnet %s is not in the VPC %s of cluster %s", id, cl.vpc.vpcID, cl.name)
		}
	}
	return nil
}

// eksCreateClusterSG creates the cluster security group EKS makes for the control plane: all
// traffic within the group and all traffic out.
func eksCreateClusterSG(c *Req, cl *eksCluster) string {
	s := ec2Of(c)
	tags := []tag{{Key: "kubernetes.io/cluster/" + cl.name, Value: "owned"}, {Key: "aws:eks:cluster-name", Value: cl.name}}
	sg := &ec2SecurityGroup{ec2Meta: s.newMeta("sg", tags), owner: c.Account.id, vpc: cl.vpc.vpcID,
		name: "eks-cluster-sg-" + cl.name + "-" + strings.ToLower(cl.id[:10]),
		desc: "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads."}
	sg.rules = []*ec2SGRule{
		{id: ec2NewID("sgr"), egress: true, proto: "-1", from: -1, to: -1, cidr: "0.0.0.0/0"},
		{id: ec2NewID("sgr"), proto: "-1", from: -1, to: -1, group: sg.id, groupOwner: c.Account.id},
	}
	s.sgs[sg.id] = sg
	return sg.id
}

// eksDeleteClusterSG removes a deleted cluster's security group.
func eksDeleteClusterSG(c *Req, cl *eksCluster) {
	delete(ec2Of(c).sgs, cl.vpc.clusterSecurityGroupID)
}
