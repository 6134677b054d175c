package ec2_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// karpenterEnv is a LakeSail workspace's node network beside a customer's, as the root made
// them: a tagged subnet and security group of the workspace and untagged ones of the customer
// in the same VPC, the node role in an instance profile and another role in another profile,
// and a session whose policy is Karpenter's controller policy scoped to the workspace.
type karpenterEnv struct {
	root, karpenter        *ec2.Client
	subnet, customerSubnet string
	group, customerGroup   string
	nodeRole               string
	scope                  emutest.KarpenterScope
	templateTags           []string // Karpenter's and the workspace's
	image                  string
	fleetTags              []ec2types.TagSpecification
}

const (
	karpenterCluster = "ls-ws1"
	eksAMI           = "ami-0123456789abcdef0"
)

func newKarpenterEnv(t *testing.T, e *awsemu.Emulator) karpenterEnv {
	t.Helper()
	root := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, root, "")
	scopeTag := []string{"lakesail:workspace", "ws1"}
	env := karpenterEnv{root: root, image: eksAMI,
		subnet:         emutest.Ec2MakeSubnet(t, root, vpc, "10.0.1.0/24", "us-east-1a"),
		customerSubnet: emutest.Ec2MakeSubnet(t, root, vpc, "10.0.2.0/24", "us-east-1b")}
	_, err := root.CreateTags(emutest.Bg, &ec2.CreateTagsInput{Resources: []string{env.subnet},
		Tags: []ec2types.Tag{{Key: aws.String(scopeTag[0]), Value: aws.String(scopeTag[1])}}})
	emutest.Must(t, err)
	group := func(name string, tags ...string) string {
		in := &ec2.CreateSecurityGroupInput{VpcId: aws.String(vpc), GroupName: aws.String(name), Description: aws.String(name)}
		if len(tags) > 0 {
			in.TagSpecifications = emutest.Ec2TagsOn(ec2types.ResourceTypeSecurityGroup, tags...)
		}
		out, err := root.CreateSecurityGroup(emutest.Bg, in)
		emutest.Must(t, err)
		return *out.GroupId
	}
	env.group, env.customerGroup = group("ws1-nodes", scopeTag...), group("customer")
	env.nodeRole = emutest.InstanceProfileWithRole(t, e, "ws1-nodes", "ws1-node-role")
	emutest.InstanceProfileWithRole(t, e, "customer-profile", "customer-admin")
	env.scope = emutest.KarpenterScope{Cluster: karpenterCluster, NodeRoleARN: env.nodeRole, Key: scopeTag[0], Value: scopeTag[1]}
	env.karpenter = emutest.Ec2Session(t, e, "karpenter", emutest.KarpenterControllerPolicy(env.scope))
	env.templateTags = append(emutest.KarpenterTags(karpenterCluster, "default"), scopeTag...)
	env.fleetTags = emutest.FleetTags(emutest.KarpenterTags(karpenterCluster, "default")...)
	return env
}

// template creates a launch template as Karpenter makes them, tagged with tags.
func (env karpenterEnv) template(t *testing.T, name, profile string, groups []string, tags []string) string {
	t.Helper()
	return emutest.KarpenterTemplate(t, env.root, emutest.NodeLaunchTemplate{Name: name, ImageID: env.image, InstanceProfile: profile,
		SecurityGroups: groups, Tags: tags})
}

// An instant fleet Karpenter's scoped session launches from the workspace's template into the
// workspace's subnet: its instance, volume and interface carry the tags given at creation, the
// instance runs the template's image with its instance profile, and the session can terminate
// it but not a customer's instance.
func TestEmuEC2FleetKarpenterLaunch(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newKarpenterEnv(t, e)
	lt := env.template(t, "karpenter-default", "ws1-nodes", []string{env.group}, env.templateTags)
	var asked []core.Check
	e.OnAuthorize(func(q awsemu.AuthQuestion) {
		if q.Operation == "CreateFleet" {
			asked = append(asked, q.Checks...)
		}
	})

	out, err := env.karpenter.CreateFleet(emutest.Bg, emutest.InstantFleet(lt, 1, env.fleetTags, emutest.FleetOverride("m6i.large", env.subnet)))
	e.OnAuthorize(nil)
	// The launch's own checks are reported to the hook too, not only the call's.
	seen := map[string]bool{}
	for _, ch := range asked {
		seen[ch.Action] = true
	}
	for _, action := range []string{"ec2:CreateFleet", "ec2:CreateTags", "ec2:RunInstances", "iam:PassRole"} {
		if !seen[action] {
			t.Errorf("CreateFleet reported no %s check to OnAuthorize: %v", action, asked)
		}
	}
	emutest.Must(t, err)
	ids := emutest.FleetInstanceIDs(out)
	if len(ids) != 1 || len(out.Errors) != 0 || !strings.HasPrefix(aws.ToString(out.FleetId), "fleet-") {
		t.Fatalf("fleet: %s instances %v errors %s", aws.ToString(out.FleetId), ids, fleetErrors(out))
	}
	set := out.Instances[0]
	if set.InstanceType != ec2types.InstanceTypeM6iLarge || set.Lifecycle != ec2types.InstanceLifecycleOnDemand ||
		aws.ToString(set.LaunchTemplateAndOverrides.LaunchTemplateSpecification.LaunchTemplateId) != lt ||
		aws.ToString(set.LaunchTemplateAndOverrides.Overrides.SubnetId) != env.subnet {
		t.Fatalf("instance set: %+v", set)
	}

	desc, err := env.root.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{InstanceIds: ids})
	emutest.Must(t, err)
	in := desc.Reservations[0].Instances[0]
	if aws.ToString(in.SubnetId) != env.subnet || aws.ToString(in.ImageId) != env.image || len(in.SecurityGroups) != 1 ||
		aws.ToString(in.SecurityGroups[0].GroupId) != env.group || in.IamInstanceProfile == nil ||
		!strings.HasSuffix(aws.ToString(in.IamInstanceProfile.Arn), ":instance-profile/ws1-nodes") ||
		in.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired {
		t.Fatalf("instance: %+v", in)
	}
	if emutest.Ec2TagValue(in.Tags, "karpenter.sh/nodepool") != "default" || emutest.Ec2TagValue(in.Tags, "aws:ec2:fleet-id") != aws.ToString(out.FleetId) {
		t.Fatalf("instance tags: %+v", in.Tags)
	}
	vols, err := env.root.DescribeVolumes(emutest.Bg, &ec2.DescribeVolumesInput{VolumeIds: []string{aws.ToString(in.BlockDeviceMappings[0].Ebs.VolumeId)}})
	emutest.Must(t, err)
	if v := vols.Volumes[0]; emutest.Ec2TagValue(v.Tags, "kubernetes.io/cluster/"+karpenterCluster) != "owned" || aws.ToInt32(v.Size) != 20 || !aws.ToBool(v.Encrypted) {
		t.Fatalf("volume: %+v", v)
	}
	enis, err := env.root.DescribeNetworkInterfaces(emutest.Bg, &ec2.DescribeNetworkInterfacesInput{
		NetworkInterfaceIds: []string{aws.ToString(in.NetworkInterfaces[0].NetworkInterfaceId)}})
	emutest.Must(t, err)
	if emutest.Ec2TagValue(enis.NetworkInterfaces[0].TagSet, "eks:eks-cluster-name") != karpenterCluster {
		t.Fatalf("interface: %+v", enis.NetworkInterfaces[0])
	}

	// Karpenter terminates its own nodes, and not the customer's.
	customer, err := env.root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		ImageId: aws.String(env.image), SubnetId: aws.String(env.customerSubnet)})
	emutest.Must(t, err)
	_, err = env.karpenter.TerminateInstances(emutest.Bg, &ec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(customer.Instances[0].InstanceId)}})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	_, err = env.karpenter.TerminateInstances(emutest.Bg, &ec2.TerminateInstancesInput{InstanceIds: ids})
	emutest.Must(t, err)
}

// What the scoped policy refuses, as AWS refuses it: ec2:CreateFleet on the template, the subnet
// and the fleet fails the call; ec2:RunInstances on a security group and iam:PassRole of the
// profile's role fail the launch, which the fleet reports as its error.
func TestEmuEC2FleetKarpenterRefused(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newKarpenterEnv(t, e)
	good := env.template(t, "karpenter-default", "ws1-nodes", []string{env.group}, env.templateTags)
	untagged := env.template(t, "untagged", "ws1-nodes", []string{env.group}, nil)
	another := env.template(t, "another-cluster", "ws1-nodes", []string{env.group},
		append(emutest.KarpenterTags("other", "default"), "lakesail:workspace", "ws1"))
	customerGroup := env.template(t, "customer-group", "ws1-nodes", []string{env.customerGroup}, env.templateTags)
	customerProfile := env.template(t, "customer-profile", "customer-profile", []string{env.group}, env.templateTags)

	refused := func(name string, in *ec2.CreateFleetInput, action, resource string) {
		t.Helper()
		_, err := env.karpenter.CreateFleet(emutest.Bg, in)
		emutest.WantCode(t, err, "UnauthorizedOperation")
		if msg := emutest.ErrMessage(err); !strings.Contains(msg, "perform: "+action+" on resource: "+resource) {
			t.Fatalf("%s: %s", name, msg)
		}
	}
	arn := func(typ, id string) string {
		return "arn:aws:ec2:us-east-1:" + awsemu.DefaultAccountID + ":" + typ + "/" + id
	}
	refused("untagged template", emutest.InstantFleet(untagged, 1, env.fleetTags, emutest.FleetOverride("m6i.large", env.subnet)),
		"ec2:CreateFleet", arn("launch-template", untagged))
	refused("another cluster's template", emutest.InstantFleet(another, 1, env.fleetTags, emutest.FleetOverride("m6i.large", env.subnet)),
		"ec2:CreateFleet", arn("launch-template", another))
	refused("customer subnet", emutest.InstantFleet(good, 1, env.fleetTags, emutest.FleetOverride("m6i.large", env.customerSubnet)),
		"ec2:CreateFleet", arn("subnet", env.customerSubnet))
	refused("no request tags", emutest.InstantFleet(good, 1, nil, emutest.FleetOverride("m6i.large", env.subnet)),
		"ec2:CreateFleet", arn("fleet", "*"))
	// Tags that do not name the cluster are no better than none.
	refused("another cluster's tags", emutest.InstantFleet(good, 1, emutest.FleetTags(emutest.KarpenterTags("other", "default")...),
		emutest.FleetOverride("m6i.large", env.subnet)), "ec2:CreateFleet", arn("fleet", "*"))

	fleetError := func(name, lt, action, resource string) {
		t.Helper()
		out, err := env.karpenter.CreateFleet(emutest.Bg, emutest.InstantFleet(lt, 1, env.fleetTags, emutest.FleetOverride("m6i.large", env.subnet)))
		emutest.Must(t, err)
		if len(out.Instances) != 0 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].ErrorCode) != "UnauthorizedOperation" ||
			!strings.Contains(aws.ToString(out.Errors[0].ErrorMessage), "perform: "+action+" on resource: "+resource) {
			t.Fatalf("%s: instances %+v errors %s", name, out.Instances, fleetErrors(out))
		}
		if lto := out.Errors[0].LaunchTemplateAndOverrides; aws.ToString(lto.LaunchTemplateSpecification.LaunchTemplateId) != lt ||
			lto.Overrides.InstanceType != ec2types.InstanceTypeM6iLarge {
			t.Fatalf("%s: error's launch %+v", name, lto)
		}
	}
	fleetError("customer security group", customerGroup, "ec2:RunInstances", arn("security-group", env.customerGroup))
	fleetError("customer profile's role", customerProfile, "iam:PassRole", "arn:aws:iam::"+awsemu.DefaultAccountID+":role/customer-admin")

	// Nothing was launched by the refused calls.
	desc, err := env.root.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{})
	emutest.Must(t, err)
	if len(desc.Reservations) != 0 {
		t.Fatalf("launched: %+v", desc.Reservations)
	}
}

// An instant fleet fills its capacity from its overrides in order: an override that cannot
// launch (a subnet that does not exist) is an error of the fleet and the next one is used.
// Requests EC2 refuses outright, DescribeFleets and DeleteFleets.
func TestEmuEC2FleetInstant(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newKarpenterEnv(t, e)
	lt := env.template(t, "karpenter-default", "ws1-nodes", []string{env.group}, env.templateTags)
	root := env.root

	out, err := root.CreateFleet(emutest.Bg, emutest.InstantFleet(lt, 3, env.fleetTags,
		emutest.FleetOverride("m7g.xlarge", "subnet-0000000000000000a"), emutest.FleetOverride("c6i.large", env.subnet)))
	emutest.Must(t, err)
	if ids := emutest.FleetInstanceIDs(out); len(ids) != 3 || out.Instances[0].InstanceType != ec2types.InstanceTypeC6iLarge ||
		len(out.Errors) != 1 || aws.ToString(out.Errors[0].ErrorCode) != "InvalidSubnetID.NotFound" {
		t.Fatalf("instances %+v errors %s", out.Instances, fleetErrors(out))
	}
	fleet := aws.ToString(out.FleetId)

	bad := emutest.InstantFleet(lt, 1, nil, emutest.FleetOverride("m6i.large", env.subnet))
	bad.Type = ec2types.FleetTypeMaintain
	_, err = root.CreateFleet(emutest.Bg, bad)
	emutest.WantCode(t, err, "Unsupported")
	_, err = root.CreateFleet(emutest.Bg, emutest.InstantFleet("lt-0000000000000000a", 1, nil))
	emutest.WantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	bad = emutest.InstantFleet(lt, 1, []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpc,
		Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}})
	_, err = root.CreateFleet(emutest.Bg, bad)
	emutest.WantCode(t, err, "InvalidParameterValue")
	_, err = root.CreateFleet(emutest.Bg, emutest.InstantFleet(lt, 0, nil))
	emutest.WantCode(t, err, "InvalidParameterValue")

	described, err := root.DescribeFleets(emutest.Bg, &ec2.DescribeFleetsInput{FleetIds: []string{fleet}})
	emutest.Must(t, err)
	if f := described.Fleets[0]; f.Type != ec2types.FleetTypeInstant || f.FleetState != ec2types.FleetStateCodeActive ||
		aws.ToFloat64(f.FulfilledCapacity) != 3 || len(f.Instances) != 1 || emutest.Ec2TagValue(f.Tags, "karpenter.sh/nodepool") != "default" {
		t.Fatalf("described %+v", f)
	}
	// Instant fleets appear only when asked for by id.
	all, err := root.DescribeFleets(emutest.Bg, &ec2.DescribeFleetsInput{})
	emutest.Must(t, err)
	if len(all.Fleets) != 0 {
		t.Fatalf("listed %+v", all.Fleets)
	}
	// An instant fleet can't be deleted and leave its instances; deleting it terminates them.
	_, err = root.DeleteFleets(emutest.Bg, &ec2.DeleteFleetsInput{FleetIds: []string{fleet}, TerminateInstances: aws.Bool(false)})
	emutest.WantCode(t, err, "InvalidParameterCombination")
	del, err := root.DeleteFleets(emutest.Bg, &ec2.DeleteFleetsInput{FleetIds: []string{fleet, "fleet-00000000-0000-0000-0000-000000000000"}, TerminateInstances: aws.Bool(true)})
	emutest.Must(t, err)
	if len(del.SuccessfulFleetDeletions) != 1 || len(del.UnsuccessfulFleetDeletions) != 1 ||
		del.UnsuccessfulFleetDeletions[0].Error.Code != ec2types.DeleteFleetErrorCodeFleetIdDoesNotExist {
		t.Fatalf("deleted %+v", del)
	}
	running, err := root.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		emutest.Ec2F("tag:aws:ec2:fleet-id", fleet), emutest.Ec2F("instance-state-name", "running")}})
	emutest.Must(t, err)
	if len(running.Reservations) != 0 {
		t.Fatalf("still running: %+v", running.Reservations)
	}
}

// The instance type catalog, the types that fit instance requirements, and the EKS images, as
// Karpenter reads them with its controller policy.
func TestEmuEC2InstanceCatalog(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newKarpenterEnv(t, e)
	c := env.karpenter

	types, err := c.DescribeInstanceTypes(emutest.Bg, &ec2.DescribeInstanceTypesInput{Filters: []ec2types.Filter{
		emutest.Ec2F("processor-info.supported-architecture", "arm64"), emutest.Ec2F("supported-virtualization-type", "hvm")}})
	emutest.Must(t, err)
	var names []string
	for _, it := range types.InstanceTypes {
		names = append(names, string(it.InstanceType))
	}
	if !slices.Equal(names, []string{"m7g.large", "m7g.xlarge", "m7g.2xlarge", "m7g.4xlarge"}) {
		t.Fatalf("arm64 types: %v", names)
	}
	one, err := c.DescribeInstanceTypes(emutest.Bg, &ec2.DescribeInstanceTypesInput{InstanceTypes: []ec2types.InstanceType{ec2types.InstanceTypeR6i2xlarge}})
	emutest.Must(t, err)
	if it := one.InstanceTypes[0]; aws.ToInt32(it.VCpuInfo.DefaultVCpus) != 8 || aws.ToInt64(it.MemoryInfo.SizeInMiB) != 65536 ||
		it.ProcessorInfo.SupportedArchitectures[0] != ec2types.ArchitectureTypeX8664 || aws.ToInt32(it.NetworkInfo.MaximumNetworkInterfaces) != 4 ||
		!slices.Contains(it.SupportedUsageClasses, ec2types.UsageClassTypeSpot) {
		t.Fatalf("r6i.2xlarge: %+v", it)
	}
	_, err = c.DescribeInstanceTypes(emutest.Bg, &ec2.DescribeInstanceTypesInput{InstanceTypes: []ec2types.InstanceType{"t9.huge"}})
	emutest.WantCode(t, err, "InvalidParameterValue")
	// The SDK's paginator walks the whole catalog.
	pages, count := ec2.NewDescribeInstanceTypesPaginator(c, &ec2.DescribeInstanceTypesInput{MaxResults: aws.Int32(5)}), 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(emutest.Bg)
		emutest.Must(t, err)
		count += len(page.InstanceTypes)
	}
	if count != 20 {
		t.Fatalf("%d types", count)
	}

	fit, err := c.GetInstanceTypesFromInstanceRequirements(emutest.Bg, &ec2.GetInstanceTypesFromInstanceRequirementsInput{
		ArchitectureTypes: []ec2types.ArchitectureType{ec2types.ArchitectureTypeX8664}, VirtualizationTypes: []ec2types.VirtualizationType{ec2types.VirtualizationTypeHvm},
		InstanceRequirements: &ec2types.InstanceRequirementsRequest{VCpuCount: &ec2types.VCpuCountRangeRequest{Min: aws.Int32(4), Max: aws.Int32(8)},
			MemoryMiB: &ec2types.MemoryMiBRequest{Min: aws.Int32(16384)}, ExcludedInstanceTypes: []string{"r6i.*"}}})
	emutest.Must(t, err)
	names = nil
	for _, it := range fit.InstanceTypes {
		names = append(names, aws.ToString(it.InstanceType))
	}
	if !slices.Equal(names, []string{"m6i.xlarge", "m6i.2xlarge", "m7i.xlarge", "m7i.2xlarge", "c6i.2xlarge"}) {
		t.Fatalf("fitting types: %v", names)
	}

	images, err := c.DescribeImages(emutest.Bg, &ec2.DescribeImagesInput{Owners: []string{"amazon"}, Filters: []ec2types.Filter{
		emutest.Ec2F("name", "amazon-eks-node-al2023-arm64-standard-1.33-*")}})
	emutest.Must(t, err)
	if len(images.Images) != 1 || images.Images[0].Architecture != ec2types.ArchitectureValuesArm64 || aws.ToString(images.Images[0].ImageOwnerAlias) != "amazon" {
		t.Fatalf("images: %+v", images.Images)
	}
	byID, err := c.DescribeImages(emutest.Bg, &ec2.DescribeImagesInput{ImageIds: []string{env.image, aws.ToString(images.Images[0].ImageId)}})
	emutest.Must(t, err)
	if len(byID.Images) != 2 || aws.ToString(byID.Images[0].ImageId) != env.image || byID.Images[1].Architecture != ec2types.ArchitectureValuesArm64 {
		t.Fatalf("images by id: %+v", byID.Images)
	}
	mine, err := c.DescribeImages(emutest.Bg, &ec2.DescribeImagesInput{Owners: []string{"self"}})
	emutest.Must(t, err)
	if len(mine.Images) != 0 {
		t.Fatalf("own images: %+v", mine.Images)
	}
	// A session without the read actions is refused.
	none := emutest.Ec2Session(t, e, "no-reads", emutest.Doc(emutest.Allow("ec2:DescribeVpcs", "*")))
	_, err = none.DescribeInstanceTypes(emutest.Bg, &ec2.DescribeInstanceTypesInput{})
	emutest.WantCode(t, err, "UnauthorizedOperation")

	offers, err := c.DescribeInstanceTypeOfferings(emutest.Bg, &ec2.DescribeInstanceTypeOfferingsInput{LocationType: ec2types.LocationTypeAvailabilityZone,
		Filters: []ec2types.Filter{emutest.Ec2F("instance-type", "m6i.large")}})
	emutest.Must(t, err)
	if len(offers.InstanceTypeOfferings) != 3 || aws.ToString(offers.InstanceTypeOfferings[0].Location) != "us-east-1a" {
		t.Fatalf("offerings: %+v", offers.InstanceTypeOfferings)
	}
	prices, err := c.DescribeSpotPriceHistory(emutest.Bg, &ec2.DescribeSpotPriceHistoryInput{InstanceTypes: []ec2types.InstanceType{ec2types.InstanceTypeM6iLarge},
		ProductDescriptions: []string{"Linux/UNIX"}})
	emutest.Must(t, err)
	if len(prices.SpotPriceHistory) != 3 || aws.ToString(prices.SpotPriceHistory[0].SpotPrice) == "" {
		t.Fatalf("spot prices: %+v", prices.SpotPriceHistory)
	}
}

func fleetErrors(out *ec2.CreateFleetOutput) string {
	var b strings.Builder
	for _, e := range out.Errors {
		b.WriteString(aws.ToString(e.ErrorCode) + ": " + aws.ToString(e.ErrorMessage) + "; ")
	}
	return b.String()
}
