package eks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// The nodes of a node group created from a launch template. EKS launches them through its
// service-linked role, so nothing is asked of the caller then; what it asks of the caller is
// whether the caller itself may launch from the template (ec2:RunInstances on the template, the
// subnets, the template's security groups, the image and the new instance, volume and network
// interface), when the node group is created or rolled to another template version.
//
// The node group keeps desiredSize instances of its template version: created with it, added or
// terminated when a scaling update completes, all replaced when a version update completes, and
// terminated when the node group is deleted. Node groups without a launch template launch no
// instances. Changes land when EKS settles (on any EKS call), like its other transitions.

// eksNodeAMI is the EKS optimized AMI EKS launches for an AMI type at a release version: a
// stable made-up image id.
func eksNodeAMI(amiType, release string) string {
	sum := sha256.Sum256([]byte(amiType + "/" + release))
	return "ami-0" + hex.EncodeToString(sum[:])[:16]
}

// eksLaunchTemplateIn is a request's launchTemplate.
type eksLaunchTemplateIn struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// eksResolveTemplate checks a request's launchTemplate names one template and finds it in the
// caller's account and region through EC2.
func eksResolveTemplate(c *core.Req, in *eksLaunchTemplateIn) (eksLaunchTemplate, *core.APIError) {
	switch {
	case in.ID != "" && in.Name != "":
		return eksLaunchTemplate{}, eksInvalidParam("Either provide launch template ID or launch template name in the request.")
	case in.ID == "" && in.Name == "":
		return eksLaunchTemplate{}, eksInvalidParam("Either a launch template ID or a launch template name must be specified in the request.")
	}
	lt, err := eksEC2Of(c).LaunchTemplate(c, in.ID, in.Name, in.Version)
	if err != nil {
		// EKS reads the template with EC2 and reports EC2's words as its own error.
		return eksLaunchTemplate{}, eksInvalidParam("%s", err.Message)
	}
	return lt, nil
}

// eksNodeSpec is what a node of ng from template version lt is launched with.
func eksNodeSpec(cl *eksCluster, ng *eksNodegroup, lt eksNodegroupLT, amiType, release, subnet string) eksNodeLaunch {
	n := eksNodeLaunch{TemplateID: lt.id, TemplateVersion: lt.version, Subnet: subnet}
	if lt.image == "" {
		n.ImageID = eksNodeAMI(amiType, release)
	}
	if lt.instType == "" {
		n.InstanceType = "t3.medium"
		if len(ng.instanceTypes) > 0 {
			n.InstanceType = ng.instanceTypes[0]
		}
	}
	if cl != nil {
		n.SecurityGroups = []string{cl.vpc.clusterSecurityGroupID}
		n.Tags = []core.Tag{{Key: "eks:cluster-name", Value: cl.name}, {Key: "eks:nodegroup-name", Value: ng.name},
			{Key: "kubernetes.io/cluster/" + cl.name, Value: "owned"}}
	}
	return n
}

// eksRunInstancesChecks are the ec2:RunInstances questions EKS asks of the caller for launching
// ng's nodes from lt into each of its subnets, each asked once.
func eksRunInstancesChecks(c *core.Req, ng *eksNodegroup, lt eksNodegroupLT, amiType, release string) []core.Check {
	ec2 := eksEC2Of(c)
	seen := map[string]bool{}
	var out []core.Check
	for _, subnet := range ng.subnets {
		for _, ch := range ec2.RunInstancesChecks(c, eksNodeSpec(nil, ng, lt, amiType, release, subnet)) {
			key := fmt.Sprint(ch.Resources, ch.Context)
			if !seen[key] {
				seen[key] = true
				out = append(out, ch)
			}
		}
	}
	return out
}

// eksReconcileNodes brings a launch template node group's instances to its desired size (none
// while it is deleted) and its template version, replacing every node of an older version.
func eksReconcileNodes(c *core.Req, cl *eksCluster, ng *eksNodegroup) {
	if ng.lt == nil || len(ng.subnets) == 0 {
		return
	}
	ec2 := eksEC2Of(c)
	want := ng.desiredSize
	if ng.status == "DELETING" {
		want = 0
	}
	if ng.nodesVersion != ng.lt.version && len(ng.nodes) > 0 {
		ec2.TerminateNodes(c, ng.nodes)
		ng.nodes = nil
	}
	ng.nodesVersion = ng.lt.version
	if len(ng.nodes) > want {
		ec2.TerminateNodes(c, ng.nodes[want:])
		ng.nodes = append([]string(nil), ng.nodes[:want]...)
	}
	for len(ng.nodes) < want {
		subnet := ng.subnets[len(ng.nodes)%len(ng.subnets)]
		id := ec2.LaunchNode(c, eksNodeSpec(cl, ng, *ng.lt, ng.amiType, ng.releaseVersion, subnet))
		if id == "" {
			return
		}
		ng.nodes = append(ng.nodes, id)
	}
}

// eksLaunchTemplateOut is a node group's launchTemplate as DescribeNodegroup shows it.
type eksLaunchTemplateOut struct {
	Name    string `json:"name"`
	ID      string `json:"id"`
	Version string `json:"version"`
}

func (lt *eksNodegroupLT) view() *eksLaunchTemplateOut {
	if lt == nil {
		return nil
	}
	return &eksLaunchTemplateOut{Name: lt.name, ID: lt.id, Version: strconv.Itoa(lt.version)}
}
