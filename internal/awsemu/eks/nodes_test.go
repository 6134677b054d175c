package eks_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/authref"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// nodeTags are the tags the tests' launch templates give the template, and the instance, volume
// and interface of each node.
var nodeTags = []string{"LakeSail-Connection", "conn1", "LakeSail-Workspace", "ws1"}

// templateCluster is an ACTIVE cluster "c" and a node group launch template in its network.
type templateCluster struct {
	e                  *awsemu.Emulator
	clock              *awsemu.Clock
	eks                *eks.Client
	ec2                *ec2.Client
	nodeRole, key      string
	net                emutest.EksNetwork
	lt                 string // the template's id
	ltName, ltARN      string
	clusterSG, cluster string
}

func newTemplateCluster(t *testing.T) templateCluster {
	t.Helper()
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, nodeRole, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	cl := emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("c", role, net))
	ec2c := emutest.Ec2Client(e, e.RootCredentials())
	key := *emutest.CreateKey(t, emutest.KmsClient(e, e.RootCredentials()), nil).Arn
	lt := emutest.EksNodeTemplate(t, ec2c, emutest.NodeTemplate{Name: "lakesail-ws1-system", SecurityGroups: []string{net.Sg}, KmsKeyID: key, Tags: nodeTags})
	return templateCluster{e: e, clock: clock, eks: c, ec2: ec2c, nodeRole: nodeRole, key: key, net: net, lt: lt, ltName: "lakesail-ws1-system",
		ltARN: "arn:aws:ec2:us-east-1:123456789012:launch-template/" + lt, clusterSG: *cl.ResourcesVpcConfig.ClusterSecurityGroupId, cluster: "c"}
}

func (tc templateCluster) nodegroupInput(name string, lt *ekstypes.LaunchTemplateSpecification) *eks.CreateNodegroupInput {
	return &eks.CreateNodegroupInput{ClusterName: aws.String(tc.cluster), NodegroupName: aws.String(name), NodeRole: aws.String(tc.nodeRole),
		Subnets: tc.net.Subnets, LaunchTemplate: lt, InstanceTypes: []string{"m6i.large"},
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), DesiredSize: aws.Int32(2), MaxSize: aws.Int32(4)}}
}

func (tc templateCluster) describe(t *testing.T, name string) *ekstypes.Nodegroup {
	t.Helper()
	d, err := tc.eks.DescribeNodegroup(emutest.Bg, &eks.DescribeNodegroupInput{ClusterName: aws.String(tc.cluster), NodegroupName: aws.String(name)})
	emutest.Must(t, err)
	return d.Nodegroup
}

func instanceIDs(nodes []ec2types.Instance) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, *n.InstanceId)
	}
	sort.Strings(out)
	return out
}

// A launch template must exist in the caller's account and region, name one template, and not
// say what the request says or what EKS decides (the instance profile).
func TestEmuEKSNodegroupLaunchTemplateValidation(t *testing.T) {
	tc := newTemplateCluster(t)
	withProfile := *emutest.EksNodeTemplateData(emutest.NodeTemplate{SecurityGroups: []string{tc.net.Sg}})
	withProfile.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("nodes")}
	profileLT, err := tc.ec2.CreateLaunchTemplate(emutest.Bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("with-profile"), LaunchTemplateData: &withProfile})
	emutest.Must(t, err)
	typedLT := emutest.EksNodeTemplate(t, tc.ec2, emutest.NodeTemplate{Name: "typed", InstanceType: ec2types.InstanceTypeM5Large})
	imageLT := emutest.EksNodeTemplate(t, tc.ec2, emutest.NodeTemplate{Name: "custom-ami", ImageID: "ami-0123456789abcdef0"})
	// The same name in another region is not the caller's template here.
	west := emutest.Ec2Client(tc.e, tc.e.RootCredentials(), func(o *ec2.Options) { o.Region = "us-west-2" })
	westLT := emutest.EksNodeTemplate(t, west, emutest.NodeTemplate{Name: "west-only"})

	id := func(id, version string) *ekstypes.LaunchTemplateSpecification {
		return &ekstypes.LaunchTemplateSpecification{Id: aws.String(id), Version: aws.String(version)}
	}
	for _, c := range []struct {
		name, code, message string
		mod                 func(*eks.CreateNodegroupInput)
	}{
		{"unknown id", "InvalidParameterException", "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.",
			func(in *eks.CreateNodegroupInput) { in.LaunchTemplate = id("lt-0123456789abcdef0", "1") }},
		{"other region", "InvalidParameterException", "does not exist",
			func(in *eks.CreateNodegroupInput) { in.LaunchTemplate = id(westLT, "") }},
		{"unknown name", "InvalidParameterException", "does not exist",
			func(in *eks.CreateNodegroupInput) {
				in.LaunchTemplate = &ekstypes.LaunchTemplateSpecification{Name: aws.String("west-only")}
			}},
		{"unknown version", "InvalidParameterException", "Could not find launch template version 7",
			func(in *eks.CreateNodegroupInput) { in.LaunchTemplate = id(tc.lt, "7") }},
		{"id and name", "InvalidParameterException", "Either provide launch template ID or launch template name in the request.",
			func(in *eks.CreateNodegroupInput) {
				in.LaunchTemplate = &ekstypes.LaunchTemplateSpecification{Id: aws.String(tc.lt), Name: aws.String(tc.ltName)}
			}},
		{"neither", "InvalidParameterException", "Either a launch template ID or a launch template name must be specified in the request.",
			func(in *eks.CreateNodegroupInput) {
				in.LaunchTemplate = &ekstypes.LaunchTemplateSpecification{Version: aws.String("1")}
			}},
		{"instance profile", "InvalidParameterException", "Launch template should not specify an instance profile.",
			func(in *eks.CreateNodegroupInput) {
				in.LaunchTemplate = id(*profileLT.LaunchTemplate.LaunchTemplateId, "")
			}},
		{"disk size", "InvalidParameterException", "Disk size must be specified within the launch template.",
			func(in *eks.CreateNodegroupInput) { in.DiskSize = aws.Int32(50) }},
		{"remote access", "InvalidParameterException", "Remote access configuration cannot be specified with a launch template.",
			func(in *eks.CreateNodegroupInput) {
				in.RemoteAccess = &ekstypes.RemoteAccessConfig{Ec2SshKey: aws.String("ops")}
			}},
		{"instance types twice", "InvalidRequestException", "Cannot specify instance types in launch template and API Request",
			func(in *eks.CreateNodegroupInput) { in.LaunchTemplate = id(typedLT, "") }},
		{"AMI type with an image", "InvalidParameterException", "You cannot specify an AMI Type other than CUSTOM, when specifying an image id in your launch template.",
			func(in *eks.CreateNodegroupInput) {
				in.LaunchTemplate, in.InstanceTypes, in.AmiType = id(imageLT, ""), nil, ekstypes.AMITypesAl2023X8664Standard
			}},
		{"version with an image", "InvalidParameterException", "You cannot specify a kubernetes version to use when specifying an image id",
			func(in *eks.CreateNodegroupInput) {
				in.LaunchTemplate, in.InstanceTypes, in.Version = id(imageLT, ""), nil, aws.String("1.33")
			}},
	} {
		in := tc.nodegroupInput("n", id(tc.lt, ""))
		c.mod(in)
		_, err := tc.eks.CreateNodegroup(emutest.Bg, in)
		if emutest.ErrCode(err) != c.code || !strings.Contains(emutest.ErrMessage(err), c.message) {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.message)
		}
	}

	// A custom AMI node group is CUSTOM at its image.
	in := tc.nodegroupInput("custom", &ekstypes.LaunchTemplateSpecification{Id: aws.String(imageLT)})
	in.InstanceTypes = nil
	out, err := tc.eks.CreateNodegroup(emutest.Bg, in)
	emutest.Must(t, err)
	if ng := out.Nodegroup; ng.AmiType != ekstypes.AMITypesCustom || *ng.ReleaseVersion != "ami-0123456789abcdef0" || ng.DiskSize != nil {
		t.Fatalf("custom AMI node group = %+v", ng)
	}
	for _, n := range emutest.EksNodes(t, tc.ec2, "custom") {
		if *n.ImageId != "ami-0123456789abcdef0" {
			t.Fatalf("custom AMI node runs %s", *n.ImageId)
		}
	}
}

// A node group from a launch template: its nodes carry the template's tags, metadata options,
// root volume and security groups; scaling adds and terminates nodes, a new template version
// replaces them, and deleting the node group terminates them.
func TestEmuEKSNodegroupFromLaunchTemplate(t *testing.T) {
	tc := newTemplateCluster(t)
	// By name, without a version: the template's default version.
	created, err := tc.eks.CreateNodegroup(emutest.Bg, tc.nodegroupInput("system", &ekstypes.LaunchTemplateSpecification{Name: aws.String(tc.ltName)}))
	emutest.Must(t, err)
	if lt := created.Nodegroup.LaunchTemplate; lt == nil || *lt.Id != tc.lt || *lt.Name != tc.ltName || *lt.Version != "1" {
		t.Fatalf("created launchTemplate = %+v", created.Nodegroup.LaunchTemplate)
	}
	emutest.WantSeen(t, waitNodegroup(t, tc.eks, tc.clock, tc.cluster, "system", false), "CREATING", "ACTIVE")
	ng := tc.describe(t, "system")
	if lt := ng.LaunchTemplate; lt == nil || *lt.Id != tc.lt || *lt.Name != tc.ltName || *lt.Version != "1" || ng.DiskSize != nil ||
		fmt.Sprint(ng.InstanceTypes) != "[m6i.large]" {
		t.Fatalf("described %+v (launchTemplate %+v)", ng, ng.LaunchTemplate)
	}

	nodes := emutest.EksNodes(t, tc.ec2, "system")
	if len(nodes) != 2 {
		t.Fatalf("%d nodes, want 2", len(nodes))
	}
	zones := map[string]bool{}
	var volumes, enis []string
	for _, n := range nodes {
		zones[*n.SubnetId] = true
		for k, v := range map[string]string{"LakeSail-Connection": "conn1", "LakeSail-Workspace": "ws1", "eks:cluster-name": "c",
			"eks:nodegroup-name": "system", "kubernetes.io/cluster/c": "owned"} {
			if got := emutest.Ec2TagValue(n.Tags, k); got != v {
				t.Errorf("node %s tag %s = %q, want %q", *n.InstanceId, k, got, v)
			}
		}
		if m := n.MetadataOptions; m == nil || m.HttpTokens != ec2types.HttpTokensStateRequired || aws.ToInt32(m.HttpPutResponseHopLimit) != 1 {
			t.Errorf("node metadata options = %+v", n.MetadataOptions)
		}
		if len(n.SecurityGroups) != 1 || *n.SecurityGroups[0].GroupId != tc.net.Sg || n.InstanceType != "m6i.large" || !strings.HasPrefix(*n.ImageId, "ami-") {
			t.Errorf("node %+v", n)
		}
		if len(n.BlockDeviceMappings) != 1 || len(n.NetworkInterfaces) != 1 {
			t.Fatalf("node devices %+v, interfaces %+v", n.BlockDeviceMappings, n.NetworkInterfaces)
		}
		volumes = append(volumes, *n.BlockDeviceMappings[0].Ebs.VolumeId)
		enis = append(enis, *n.NetworkInterfaces[0].NetworkInterfaceId)
	}
	if len(zones) != 2 {
		t.Errorf("nodes in subnets %v, want both", zones)
	}
	vols, err := tc.ec2.DescribeVolumes(emutest.Bg, &ec2.DescribeVolumesInput{VolumeIds: volumes})
	emutest.Must(t, err)
	for _, v := range vols.Volumes {
		if !aws.ToBool(v.Encrypted) || aws.ToString(v.KmsKeyId) != tc.key || aws.ToInt32(v.Size) != 50 || v.VolumeType != ec2types.VolumeTypeGp3 ||
			emutest.Ec2TagValue(v.Tags, "LakeSail-Workspace") != "ws1" || emutest.Ec2TagValue(v.Tags, "eks:nodegroup-name") != "system" ||
			len(v.Attachments) != 1 || aws.ToString(v.Attachments[0].Device) != "/dev/xvda" {
			t.Errorf("volume %+v", v)
		}
	}
	ifs, err := tc.ec2.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: enis})
	emutest.Must(t, err)
	for _, i := range ifs.NetworkInterfaces {
		if emutest.Ec2TagValue(i.TagSet, "LakeSail-Connection") != "conn1" || len(i.Groups) != 1 || *i.Groups[0].GroupId != tc.net.Sg ||
			i.Attachment == nil || i.InterfaceType != ec2types.NetworkInterfaceTypeInterface {
			t.Errorf("interface %+v", i)
		}
	}

	// Scaling out and in.
	scale := func(desired int32) {
		t.Helper()
		_, err := tc.eks.UpdateNodegroupConfig(emutest.Bg, &eks.UpdateNodegroupConfigInput{ClusterName: aws.String(tc.cluster), NodegroupName: aws.String("system"),
			ScalingConfig: &ekstypes.NodegroupScalingConfig{DesiredSize: aws.Int32(desired)}})
		emutest.Must(t, err)
		waitNodegroup(t, tc.eks, tc.clock, tc.cluster, "system", false)
		if got := emutest.EksNodes(t, tc.ec2, "system"); len(got) != int(desired) {
			t.Fatalf("after scaling to %d: %d nodes", desired, len(got))
		}
	}
	scale(4)
	scale(1)
	before := instanceIDs(emutest.EksNodes(t, tc.ec2, "system"))

	// A new template version (another workspace tag) replaces every node.
	_, err = tc.ec2.CreateLaunchTemplateVersion(emutest.Bg, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(tc.lt), SourceVersion: aws.String("1"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{TagSpecifications: []ec2types.LaunchTemplateTagSpecificationRequest{
			{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("LakeSail-Workspace"), Value: aws.String("ws1-v2")}}}}}})
	emutest.Must(t, err)
	other := emutest.EksNodeTemplate(t, tc.ec2, emutest.NodeTemplate{Name: "other"})
	_, err = tc.eks.UpdateNodegroupVersion(emutest.Bg, &eks.UpdateNodegroupVersionInput{ClusterName: aws.String(tc.cluster), NodegroupName: aws.String("system"),
		LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String(other), Version: aws.String("1")}})
	emutest.WantCode(t, err, "InvalidParameterException") // only the same template
	up, err := tc.eks.UpdateNodegroupVersion(emutest.Bg, &eks.UpdateNodegroupVersionInput{ClusterName: aws.String(tc.cluster), NodegroupName: aws.String("system"),
		LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String(tc.lt), Version: aws.String("2")}})
	emutest.Must(t, err)
	if up.Update.Type != ekstypes.UpdateTypeVersionUpdate {
		t.Fatalf("update = %+v", up.Update)
	}
	if got := instanceIDs(emutest.EksNodes(t, tc.ec2, "system")); !slices.Equal(got, before) {
		t.Fatalf("nodes replaced before the update completed: %v -> %v", before, got)
	}
	waitNodegroup(t, tc.eks, tc.clock, tc.cluster, "system", false)
	if v := *tc.describe(t, "system").LaunchTemplate.Version; v != "2" {
		t.Fatalf("launch template version = %s", v)
	}
	after := emutest.EksNodes(t, tc.ec2, "system")
	if len(after) != 1 || slices.Contains(before, *after[0].InstanceId) || emutest.Ec2TagValue(after[0].Tags, "LakeSail-Workspace") != "ws1-v2" {
		t.Fatalf("after the roll: %v (before %v)", instanceIDs(after), before)
	}
	old, err := tc.ec2.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{InstanceIds: before})
	emutest.Must(t, err)
	if s := old.Reservations[0].Instances[0].State.Name; s != ec2types.InstanceStateNameTerminated {
		t.Fatalf("replaced node is %s", s)
	}

	// Deleting the node group terminates its nodes, and their volumes go with them.
	_, err = tc.eks.DeleteNodegroup(emutest.Bg, &eks.DeleteNodegroupInput{ClusterName: aws.String(tc.cluster), NodegroupName: aws.String("system")})
	emutest.Must(t, err)
	if got := emutest.EksNodes(t, tc.ec2, "system"); len(got) != 0 {
		t.Fatalf("%d nodes left after delete", len(got))
	}
	left, err := tc.ec2.DescribeVolumes(emutest.Bg, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{emutest.Ec2F("tag:eks:nodegroup-name", "system")}})
	emutest.Must(t, err)
	if len(left.Volumes) != 0 {
		t.Fatalf("volumes left: %+v", left.Volumes)
	}
	emutest.WantSeen(t, waitNodegroup(t, tc.eks, tc.clock, tc.cluster, "system", true), "DELETING", "ResourceNotFoundException")

	// A node group without a template launches no instances, and can't take one later.
	plain := tc.nodegroupInput("plain", nil)
	_, err = tc.eks.CreateNodegroup(emutest.Bg, plain)
	emutest.Must(t, err)
	waitNodegroup(t, tc.eks, tc.clock, tc.cluster, "plain", false)
	if got := emutest.EksNodes(t, tc.ec2, "plain"); len(got) != 0 {
		t.Fatalf("plain node group launched %d instances", len(got))
	}
	_, err = tc.eks.UpdateNodegroupVersion(emutest.Bg, &eks.UpdateNodegroupVersionInput{ClusterName: aws.String(tc.cluster), NodegroupName: aws.String("plain"),
		LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String(tc.lt), Version: aws.String("2")}})
	emutest.WantCode(t, err, "InvalidParameterException")
}

// authRecorder keeps the checks the emulator computed for each operation.
type authRecorder struct {
	mu     sync.Mutex
	checks map[string][]awsemu.AuthQuestion
}

func recordAuth(e *awsemu.Emulator) *authRecorder {
	r := &authRecorder{checks: map[string][]awsemu.AuthQuestion{}}
	e.OnAuthorize(func(q awsemu.AuthQuestion) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.checks[q.Service+"."+q.Operation] = append(r.checks[q.Service+"."+q.Operation], q)
	})
	return r
}

// runInstances are the ec2:RunInstances checks of op's last call, by resource.
func (r *authRecorder) runInstances(op string) map[string]map[string][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	qs := r.checks[op]
	out := map[string]map[string][]string{}
	if len(qs) == 0 {
		return out
	}
	for _, ch := range qs[len(qs)-1].Checks {
		if ch.Action == "ec2:RunInstances" {
			for _, res := range ch.Resources {
				out[res] = ch.Context
			}
		}
	}
	return out
}

// EKS asks whether the caller may launch from the template (ec2:RunInstances on the template,
// each subnet, the template's security groups, the image and the new instance, volume and
// interface, each with ec2:LaunchTemplate and the existing resources' tags), reports those
// checks, and refuses a caller who may create node groups but not launch from the template.
func TestEmuEKSNodegroupLaunchTemplateAuthz(t *testing.T) {
	tc := newTemplateCluster(t)
	rec := recordAuth(tc.e)
	// The network is the connection's: tagged as its subnets and group are.
	_, err := tc.ec2.CreateTags(emutest.Bg, &ec2.CreateTagsInput{Resources: append([]string{tc.net.Sg}, tc.net.Subnets...),
		Tags: []ec2types.Tag{{Key: aws.String("LakeSail-Connection"), Value: aws.String("conn1")}}})
	emutest.Must(t, err)
	base := []emutest.Stmt{
		emutest.Allow([]string{"eks:CreateNodegroup", "eks:DescribeNodegroup", "eks:UpdateNodegroupVersion", "eks:TagResource", "iam:CreateServiceLinkedRole"}, "*"),
		emutest.Allow("iam:PassRole", tc.nodeRole),
	}
	noLaunch := emutest.EksSession(t, tc.e, "no-launch", emutest.Doc(base...))
	_, err = noLaunch.CreateNodegroup(emutest.Bg, tc.nodegroupInput("denied", &ekstypes.LaunchTemplateSpecification{Id: aws.String(tc.lt)}))
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:RunInstances on resource: ")

	got := rec.runInstances("eks.CreateNodegroup")
	region, acct := "us-east-1", "123456789012"
	arn := func(typ, id string) string { return "arn:aws:ec2:" + region + ":" + acct + ":" + typ + "/" + id }
	want := []string{tc.ltARN, arn("subnet", tc.net.Subnets[0]), arn("subnet", tc.net.Subnets[1]), arn("security-group", tc.net.Sg),
		arn("instance", "*"), arn("volume", "*"), arn("network-interface", "*")}
	image := ""
	for res := range got {
		if strings.HasPrefix(res, "arn:aws:ec2:"+region+"::image/ami-") {
			image = res
		}
	}
	if image == "" {
		t.Fatalf("no image among the RunInstances checks %v", keys(got))
	}
	want = append(want, image)
	if g := keys(got); !slices.Equal(g, sorted(want)) {
		t.Fatalf("RunInstances checked on\n%v\nwant\n%v", g, sorted(want))
	}
	act, _ := authref.Lookup("ec2:RunInstances")
	for res, ctx := range got {
		if fmt.Sprint(ctx["ec2:LaunchTemplate"]) != "["+tc.ltARN+"]" {
			t.Errorf("%s: ec2:LaunchTemplate = %v", res, ctx["ec2:LaunchTemplate"])
		}
		if _, ok := authref.ResourceTypeOf("ec2:RunInstances", res); !ok {
			t.Errorf("%s is no resource type of ec2:RunInstances", res)
		}
		for k := range ctx {
			if !sarListsKey(act, k) {
				t.Errorf("%s: key %s is not a condition key of ec2:RunInstances", res, k)
			}
		}
	}
	for _, res := range []string{tc.ltARN, arn("subnet", tc.net.Subnets[0]), arn("security-group", tc.net.Sg)} {
		if fmt.Sprint(got[res]["aws:ResourceTag/LakeSail-Connection"]) != "[conn1]" {
			t.Errorf("%s: no resource tags in %v", res, got[res])
		}
	}
	if fmt.Sprint(got[arn("instance", "*")]["aws:RequestTag/LakeSail-Workspace"]) != "[ws1]" ||
		fmt.Sprint(got[arn("instance", "*")]["ec2:MetadataHttpTokens"]) != "[required]" {
		t.Errorf("instance check context %v", got[arn("instance", "*")])
	}

	// Allowed exactly as the connection role allows it: on the connection's template, subnets
	// and groups, and on new instances, volumes, interfaces and images only from such a template.
	tagged := map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/LakeSail-Connection": "conn1"}}
	fromTemplate := map[string]any{"ArnLike": map[string]any{"ec2:LaunchTemplate": tc.ltARN}}
	launch := append(slices.Clone(base),
		emutest.Stmt{Effect: "Allow", Action: "ec2:RunInstances", Resource: []string{arn("launch-template", "*"), arn("subnet", "*"), arn("security-group", "*")}, Condition: tagged},
		emutest.Stmt{Effect: "Allow", Action: "ec2:RunInstances", Resource: []string{arn("instance", "*"), arn("volume", "*"), arn("network-interface", "*"), "arn:aws:ec2:*::image/*"},
			Condition: fromTemplate})
	s := emutest.EksSession(t, tc.e, "launcher", emutest.Doc(launch...))
	_, err = s.CreateNodegroup(emutest.Bg, tc.nodegroupInput("allowed", &ekstypes.LaunchTemplateSpecification{Id: aws.String(tc.lt)}))
	emutest.Must(t, err)
	if n := len(emutest.EksNodes(t, tc.ec2, "allowed")); n != 2 {
		t.Fatalf("%d nodes launched for the caller, want 2", n)
	}
	// An untagged template of the same account is refused.
	untagged := emutest.EksNodeTemplate(t, tc.ec2, emutest.NodeTemplate{Name: "untagged", SecurityGroups: []string{tc.net.Sg}})
	_, err = s.CreateNodegroup(emutest.Bg, tc.nodegroupInput("untagged", &ekstypes.LaunchTemplateSpecification{Id: aws.String(untagged)}))
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:RunInstances on resource: ")

	// Rolling to a new version asks again: the session without RunInstances can't.
	waitNodegroup(t, tc.eks, tc.clock, tc.cluster, "allowed", false)
	_, err = tc.ec2.CreateLaunchTemplateVersion(emutest.Bg, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(tc.lt), SourceVersion: aws.String("1"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{
			HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(1)}}})
	emutest.Must(t, err)
	roll := &eks.UpdateNodegroupVersionInput{ClusterName: aws.String(tc.cluster), NodegroupName: aws.String("allowed"),
		LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String(tc.lt), Version: aws.String("2")}}
	_, err = noLaunch.UpdateNodegroupVersion(emutest.Bg, roll)
	emutest.WantCode(t, err, "AccessDeniedException")
	if got := rec.runInstances("eks.UpdateNodegroupVersion"); len(got) != len(want) {
		t.Fatalf("UpdateNodegroupVersion checked RunInstances on %v", keys(got))
	}
	roll.ClientRequestToken = nil
	_, err = s.UpdateNodegroupVersion(emutest.Bg, roll)
	emutest.Must(t, err)
}

// sarListsKey reports whether the SAR lists key for act or one of its resource types.
func sarListsKey(act authref.Action, key string) bool {
	listed := func(keys []string) bool {
		for _, k := range keys {
			if prefix, _, ok := strings.Cut(k, "${"); ok && strings.HasPrefix(key, prefix) || k == key {
				return true
			}
		}
		return false
	}
	if listed(act.ConditionKeys) {
		return true
	}
	svc, _ := authref.ServiceOf(act.Prefix())
	for _, ref := range act.Resources {
		if listed(ref.ConditionKeys) || listed(svc.ResourceTypes[ref.Type].ConditionKeys) {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}
