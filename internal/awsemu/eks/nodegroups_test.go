package eks_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func waitNodegroup(t *testing.T, c *eks.Client, clock *awsemu.Clock, cluster, name string, deleted bool) []string {
	t.Helper()
	var seen []string
	in := &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String(name)}
	state := func(out *eks.DescribeNodegroupOutput) string { return string(out.Nodegroup.Status) }
	if deleted {
		w := eks.NewNodegroupDeletedWaiter(c, func(o *eks.NodegroupDeletedWaiterOptions) {
			o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
			o.Retryable = emutest.Stepper(clock, emutest.EksTestDelay/3, &seen, state, o.Retryable)
		})
		emutest.Must(t, w.Wait(emutest.Bg, in, 10*time.Second))
		return seen
	}
	w := eks.NewNodegroupActiveWaiter(c, func(o *eks.NodegroupActiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
		o.Retryable = emutest.Stepper(clock, emutest.EksTestDelay/3, &seen, state, o.Retryable)
	})
	emutest.Must(t, w.Wait(emutest.Bg, in, 10*time.Second))
	return seen
}

func TestEmuEKSNodegroupLifecycle(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, nodeRole, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	in := emutest.EksClusterInput("ng", role, net)
	in.Version = aws.String("1.32")
	emutest.EksUpCluster(t, c, clock, in)
	cluster := aws.String("ng")

	ngIn := &eks.CreateNodegroupInput{
		ClusterName: cluster, NodegroupName: aws.String("system"), NodeRole: aws.String(nodeRole),
		Subnets: net.Subnets, InstanceTypes: []string{"m6i.large"}, DiskSize: aws.Int32(50),
		AmiType: ekstypes.AMITypesAl2023X8664Standard, Labels: map[string]string{"role": "system"},
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), DesiredSize: aws.Int32(2), MaxSize: aws.Int32(3)},
		Tags:          map[string]string{"LakeSail-Workspace": "ws1"},
	}
	created, err := c.CreateNodegroup(emutest.Bg, ngIn)
	emutest.Must(t, err)
	ng := created.Nodegroup
	if ng.Status != ekstypes.NodegroupStatusCreating || *ng.Version != "1.32" || *ng.ReleaseVersion == "" {
		t.Fatalf("created = %+v", ng)
	}
	emutest.WantContains(t, *ng.NodegroupArn, "arn:aws:eks:us-east-1:123456789012:nodegroup/ng/system/")
	again, err := c.CreateNodegroup(emutest.Bg, ngIn) // the SDK filled in a client request token: a retry
	emutest.Must(t, err)
	if *again.Nodegroup.NodegroupArn != *ng.NodegroupArn {
		t.Fatal("a retried create made another node group")
	}
	ngIn.ClientRequestToken = nil
	_, err = c.CreateNodegroup(emutest.Bg, ngIn)
	emutest.WantCode(t, err, "ResourceInUseException")
	emutest.WantSeen(t, waitNodegroup(t, c, clock, "ng", "system", false), "CREATING", "ACTIVE")

	d, err := c.DescribeNodegroup(emutest.Bg, &eks.DescribeNodegroupInput{ClusterName: cluster, NodegroupName: aws.String("system")})
	emutest.Must(t, err)
	ng = d.Nodegroup
	if *ng.ScalingConfig.DesiredSize != 2 || *ng.DiskSize != 50 || ng.Labels["role"] != "system" || *ng.NodeRole != nodeRole ||
		len(ng.Resources.AutoScalingGroups) != 1 || ng.Tags["LakeSail-Workspace"] != "ws1" || ng.CapacityType != ekstypes.CapacityTypesOnDemand {
		t.Fatalf("nodegroup = %+v", ng)
	}
	list, err := c.ListNodegroups(emutest.Bg, &eks.ListNodegroupsInput{ClusterName: cluster})
	emutest.Must(t, err)
	if fmt.Sprint(list.Nodegroups) != "[system]" {
		t.Fatalf("nodegroups = %v", list.Nodegroups)
	}

	// A cluster with a node group can't be deleted.
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: cluster})
	emutest.WantCode(t, err, "ResourceInUseException")

	// Scaling and labels.
	_, err = c.UpdateNodegroupConfig(emutest.Bg, &eks.UpdateNodegroupConfigInput{ClusterName: cluster, NodegroupName: aws.String("system"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(4)}})
	emutest.WantCode(t, err, "InvalidParameterException")
	up, err := c.UpdateNodegroupConfig(emutest.Bg, &eks.UpdateNodegroupConfigInput{ClusterName: cluster, NodegroupName: aws.String("system"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(2), DesiredSize: aws.Int32(3), MaxSize: aws.Int32(5)},
		Labels:        &ekstypes.UpdateLabelsPayload{AddOrUpdateLabels: map[string]string{"tier": "core"}, RemoveLabels: []string{"role"}}})
	emutest.Must(t, err)
	if up.Update.Type != ekstypes.UpdateTypeConfigUpdate {
		t.Fatalf("update = %+v", up.Update)
	}
	emutest.WantSeen(t, waitNodegroup(t, c, clock, "ng", "system", false), "UPDATING", "ACTIVE")
	du, err := c.DescribeUpdate(emutest.Bg, &eks.DescribeUpdateInput{Name: cluster, UpdateId: up.Update.Id, NodegroupName: aws.String("system")})
	emutest.Must(t, err)
	if du.Update.Status != ekstypes.UpdateStatusSuccessful {
		t.Fatalf("nodegroup update = %s", du.Update.Status)
	}
	_, err = c.DescribeUpdate(emutest.Bg, &eks.DescribeUpdateInput{Name: cluster, UpdateId: up.Update.Id})
	emutest.WantCode(t, err, "ResourceNotFoundException") // a node group's update is found with its name only
	d, err = c.DescribeNodegroup(emutest.Bg, &eks.DescribeNodegroupInput{ClusterName: cluster, NodegroupName: aws.String("system")})
	emutest.Must(t, err)
	if *d.Nodegroup.ScalingConfig.MinSize != 2 || *d.Nodegroup.ScalingConfig.MaxSize != 5 || fmt.Sprint(d.Nodegroup.Labels) != "map[tier:core]" {
		t.Fatalf("after update: %+v %v", d.Nodegroup.ScalingConfig, d.Nodegroup.Labels)
	}

	// Version: the cluster first, then the node group follows.
	_, err = c.UpdateNodegroupVersion(emutest.Bg, &eks.UpdateNodegroupVersionInput{ClusterName: cluster, NodegroupName: aws.String("system"), Version: aws.String("1.33")})
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = c.UpdateClusterVersion(emutest.Bg, &eks.UpdateClusterVersionInput{Name: cluster, Version: aws.String("1.33")})
	emutest.Must(t, err)
	clock.Advance(emutest.EksTestDelay)
	_, err = c.UpdateClusterVersion(emutest.Bg, &eks.UpdateClusterVersionInput{Name: cluster, Version: aws.String("1.34")})
	emutest.WantCode(t, err, "InvalidParameterException")
	vu, err := c.UpdateNodegroupVersion(emutest.Bg, &eks.UpdateNodegroupVersionInput{ClusterName: cluster, NodegroupName: aws.String("system")})
	emutest.Must(t, err)
	if vu.Update.Type != ekstypes.UpdateTypeVersionUpdate {
		t.Fatalf("version update = %+v", vu.Update)
	}
	waitNodegroup(t, c, clock, "ng", "system", false)
	d, err = c.DescribeNodegroup(emutest.Bg, &eks.DescribeNodegroupInput{ClusterName: cluster, NodegroupName: aws.String("system")})
	emutest.Must(t, err)
	if *d.Nodegroup.Version != "1.33" || *d.Nodegroup.ReleaseVersion != "1.33.0-20250519" {
		t.Fatalf("nodegroup version = %s %s", *d.Nodegroup.Version, *d.Nodegroup.ReleaseVersion)
	}
	ups, err := c.ListUpdates(emutest.Bg, &eks.ListUpdatesInput{Name: cluster, NodegroupName: aws.String("system")})
	emutest.Must(t, err)
	if len(ups.UpdateIds) != 2 {
		t.Fatalf("nodegroup updates = %v", ups.UpdateIds)
	}

	del, err := c.DeleteNodegroup(emutest.Bg, &eks.DeleteNodegroupInput{ClusterName: cluster, NodegroupName: aws.String("system")})
	emutest.Must(t, err)
	if del.Nodegroup.Status != ekstypes.NodegroupStatusDeleting {
		t.Fatalf("deleting = %s", del.Nodegroup.Status)
	}
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: cluster})
	emutest.WantCode(t, err, "ResourceInUseException") // still deleting
	emutest.WantSeen(t, waitNodegroup(t, c, clock, "ng", "system", true), "DELETING", "ResourceNotFoundException")
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: cluster})
	emutest.Must(t, err)
}

func TestEmuEKSNodegroupValidation(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, nodeRole, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	_, err := c.CreateCluster(emutest.Bg, emutest.EksClusterInput("v", role, net))
	emutest.Must(t, err)
	base := func() *eks.CreateNodegroupInput {
		return &eks.CreateNodegroupInput{ClusterName: aws.String("v"), NodegroupName: aws.String("n"), NodeRole: aws.String(nodeRole), Subnets: net.Subnets[:1]}
	}
	_, err = c.CreateNodegroup(emutest.Bg, base())
	emutest.WantCode(t, err, "InvalidRequestException") // the cluster is still CREATING
	clock.Advance(emutest.EksTestDelay)
	for name, mod := range map[string]func(*eks.CreateNodegroupInput){
		"node role for eks": func(in *eks.CreateNodegroupInput) { in.NodeRole = aws.String(role) },
		"desired > max": func(in *eks.CreateNodegroupInput) {
			in.ScalingConfig = &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), DesiredSize: aws.Int32(4), MaxSize: aws.Int32(3)}
		},
		"AL2 on 1.33":  func(in *eks.CreateNodegroupInput) { in.AmiType = ekstypes.AMITypesAl2X8664 },
		"newer than":   func(in *eks.CreateNodegroupInput) { in.Version = aws.String("1.34") },
		"bad subnet":   func(in *eks.CreateNodegroupInput) { in.Subnets = []string{"vpc-1"} },
		"reserved tag": func(in *eks.CreateNodegroupInput) { in.Tags = map[string]string{"aws:x": "y"} },
	} {
		in := base()
		mod(in)
		if _, err := c.CreateNodegroup(emutest.Bg, in); emutest.ErrCode(err) != "InvalidParameterException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = c.CreateNodegroup(emutest.Bg, &eks.CreateNodegroupInput{ClusterName: aws.String("nope"), NodegroupName: aws.String("n"), NodeRole: aws.String(nodeRole), Subnets: net.Subnets[:1]})
	emutest.WantCode(t, err, "ResourceNotFoundException")
	_, err = c.DescribeNodegroup(emutest.Bg, &eks.DescribeNodegroupInput{ClusterName: aws.String("v"), NodegroupName: aws.String("n")})
	emutest.WantCode(t, err, "ResourceNotFoundException")
}
