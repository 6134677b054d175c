package ec2_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// ec2Compute is a VPC with two subnets and a security group, as the root made them, and a
// launch template that names the first subnet and the group.
type ec2Compute struct {
	root             *ec2.Client
	vpc, sub1, sub2  string
	group, otherVPCg string
	lt               string
}

func newEC2Compute(t *testing.T, e *awsemu.Emulator) ec2Compute {
	t.Helper()
	root := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, root, "", "Owner", "team")
	out := ec2Compute{root: root, vpc: vpc,
		sub1: emutest.Ec2MakeSubnet(t, root, vpc, "10.0.1.0/24", "us-east-1a"), sub2: emutest.Ec2MakeSubnet(t, root, vpc, "10.0.2.0/24", "us-east-1b")}
	sg, err := root.CreateSecurityGroup(emutest.Bg, &ec2.CreateSecurityGroupInput{VpcId: aws.String(vpc), GroupName: aws.String("nodes"), Description: aws.String("nodes"),
		TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeSecurityGroup, "Owner", "team")})
	emutest.Must(t, err)
	out.group = *sg.GroupId
	other := emutest.Ec2MakeVpc(t, root, "10.9.0.0/16")
	osg, err := root.CreateSecurityGroup(emutest.Bg, &ec2.CreateSecurityGroupInput{VpcId: aws.String(other), GroupName: aws.String("elsewhere"), Description: aws.String("x")})
	emutest.Must(t, err)
	out.otherVPCg = *osg.GroupId
	lt, err := root.CreateLaunchTemplate(emutest.Bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("team-nodes"),
		TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeLaunchTemplate, "Owner", "team"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0123456789abcdef0"), InstanceType: ec2types.InstanceTypeT3Medium,
			NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), SubnetId: aws.String(out.sub1), Groups: []string{out.group}}},
			TagSpecifications: []ec2types.LaunchTemplateTagSpecificationRequest{{ResourceType: ec2types.ResourceTypeInstance,
				Tags: []ec2types.Tag{{Key: aws.String("Owner"), Value: aws.String("team")}}}}}})
	emutest.Must(t, err)
	out.lt = *lt.LaunchTemplate.LaunchTemplateId
	return out
}

func ltSpec(id string) *ec2types.LaunchTemplateSpecification {
	return &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id)}
}

// Launch templates: create (tags on create), versions with a source, describe, default version,
// delete; and their errors.
func TestEmuEC2LaunchTemplatesLifecycle(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newEC2Compute(t, e)
	root := env.root

	got, err := root.DescribeLaunchTemplates(emutest.Bg, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"team-nodes"}})
	emutest.Must(t, err)
	if len(got.LaunchTemplates) != 1 || *got.LaunchTemplates[0].LaunchTemplateId != env.lt || emutest.Ec2TagValue(got.LaunchTemplates[0].Tags, "Owner") != "team" ||
		*got.LaunchTemplates[0].DefaultVersionNumber != 1 || *got.LaunchTemplates[0].LatestVersionNumber != 1 {
		t.Fatalf("described %+v", got.LaunchTemplates)
	}
	_, err = root.CreateLaunchTemplate(emutest.Bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("team-nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-1")}})
	emutest.WantCode(t, err, "InvalidLaunchTemplateName.AlreadyExistsException")
	_, err = root.CreateLaunchTemplate(emutest.Bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("x y"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{}})
	emutest.WantCode(t, err, "InvalidParameterValue")

	// Version 2 from version 1: a new instance type, the rest kept.
	v2, err := root.CreateLaunchTemplateVersion(emutest.Bg, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(env.lt), SourceVersion: aws.String("1"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{InstanceType: ec2types.InstanceTypeM5Large}})
	emutest.Must(t, err)
	if *v2.LaunchTemplateVersion.VersionNumber != 2 || v2.LaunchTemplateVersion.LaunchTemplateData.InstanceType != ec2types.InstanceTypeM5Large ||
		aws.ToString(v2.LaunchTemplateVersion.LaunchTemplateData.ImageId) != "ami-0123456789abcdef0" {
		t.Fatalf("version 2: %+v", v2.LaunchTemplateVersion.LaunchTemplateData)
	}
	versions, err := root.DescribeLaunchTemplateVersions(emutest.Bg, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("team-nodes")})
	emutest.Must(t, err)
	if len(versions.LaunchTemplateVersions) != 2 {
		t.Fatalf("%d versions", len(versions.LaunchTemplateVersions))
	}
	v1 := versions.LaunchTemplateVersions[0]
	if !*v1.DefaultVersion || len(v1.LaunchTemplateData.NetworkInterfaces) != 1 || *v1.LaunchTemplateData.NetworkInterfaces[0].SubnetId != env.sub1 ||
		len(v1.LaunchTemplateData.NetworkInterfaces[0].Groups) != 1 || v1.LaunchTemplateData.NetworkInterfaces[0].Groups[0] != env.group ||
		len(v1.LaunchTemplateData.TagSpecifications) != 1 || v1.LaunchTemplateData.TagSpecifications[0].ResourceType != ec2types.ResourceTypeInstance {
		t.Fatalf("version 1 data: %+v", v1.LaunchTemplateData)
	}
	latest, err := root.DescribeLaunchTemplateVersions(emutest.Bg, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(env.lt), Versions: []string{"$Latest"}})
	emutest.Must(t, err)
	if len(latest.LaunchTemplateVersions) != 1 || *latest.LaunchTemplateVersions[0].VersionNumber != 2 {
		t.Fatalf("$Latest: %+v", latest.LaunchTemplateVersions)
	}
	_, err = root.DescribeLaunchTemplateVersions(emutest.Bg, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(env.lt), Versions: []string{"7"}})
	emutest.WantCode(t, err, "InvalidLaunchTemplateId.VersionNotFound")
	_, err = root.ModifyLaunchTemplate(emutest.Bg, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(env.lt), DefaultVersion: aws.String("2")})
	emutest.Must(t, err)

	_, err = root.DeleteLaunchTemplate(emutest.Bg, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String("team-nodes")})
	emutest.Must(t, err)
	_, err = root.DeleteLaunchTemplate(emutest.Bg, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(env.lt)})
	emutest.WantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	_, err = root.DescribeLaunchTemplates(emutest.Bg, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"team-nodes"}})
	emutest.WantCode(t, err, "InvalidLaunchTemplateName.NotFoundException")
}

// Instances: launched from the template (its subnet, groups and tags), a request parameter
// overriding the template, tags through CreateTags/DeleteTags, describe filters, terminate.
func TestEmuEC2InstancesLifecycle(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newEC2Compute(t, e)
	root := env.root

	run, err := root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt),
		TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeInstance, "Name", "node-1")})
	emutest.Must(t, err)
	in := run.Instances[0]
	if *in.SubnetId != env.sub1 || *in.VpcId != env.vpc || len(in.SecurityGroups) != 1 || *in.SecurityGroups[0].GroupId != env.group ||
		in.InstanceType != ec2types.InstanceTypeT3Medium || in.State.Name != ec2types.InstanceStateNamePending ||
		emutest.Ec2TagValue(in.Tags, "Owner") != "team" || emutest.Ec2TagValue(in.Tags, "Name") != "node-1" || *in.Placement.AvailabilityZone != "us-east-1a" {
		t.Fatalf("launched %+v", in)
	}
	// The request's subnet overrides the template's; the template's groups stay.
	over, err := root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(2), MaxCount: aws.Int32(2), LaunchTemplate: ltSpec(env.lt), SubnetId: aws.String(env.sub2)})
	emutest.Must(t, err)
	if len(over.Instances) != 2 || *over.Instances[0].SubnetId != env.sub2 || *over.Instances[0].SecurityGroups[0].GroupId != env.group {
		t.Fatalf("override: %+v", over.Instances)
	}
	// Without a template and without groups: the VPC's default group.
	plain, err := root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: aws.String("ami-0aaaaaaaaaaaaaaaa"), SubnetId: aws.String(env.sub2)})
	emutest.Must(t, err)
	if g := plain.Instances[0].SecurityGroups; len(g) != 1 || *g[0].GroupName != "default" {
		t.Fatalf("default group: %+v", g)
	}
	// Errors: a group of another VPC, an unknown subnet, no image, an unknown key pair, a bad tag type.
	_, err = root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt), SecurityGroupIds: []string{env.otherVPCg}})
	emutest.WantCode(t, err, "InvalidParameterValue")
	_, err = root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: aws.String("ami-1"), SubnetId: aws.String("subnet-00000000000000000")})
	emutest.WantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(env.sub1)})
	emutest.WantCode(t, err, "MissingParameter")
	_, err = root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt), KeyName: aws.String("mine")})
	emutest.WantCode(t, err, "InvalidKeyPair.NotFound")
	_, err = root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt),
		TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeVpc, "a", "b")})
	emutest.WantCode(t, err, "InvalidParameterValue")
	_, err = root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec("lt-00000000000000000")})
	emutest.WantCode(t, err, "InvalidLaunchTemplateId.NotFound")

	id := *in.InstanceId
	_, err = root.CreateTags(emutest.Bg, &ec2.CreateTagsInput{Resources: []string{id, env.lt}, Tags: []ec2types.Tag{{Key: aws.String("Env"), Value: aws.String("dev")}}})
	emutest.Must(t, err)
	_, err = root.DeleteTags(emutest.Bg, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String("Name")}}})
	emutest.Must(t, err)
	desc, err := root.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{emutest.Ec2F("tag:Env", "dev")}})
	emutest.Must(t, err)
	if len(desc.Reservations) != 1 || len(desc.Reservations[0].Instances) != 1 || *desc.Reservations[0].Instances[0].InstanceId != id ||
		emutest.Ec2TagValue(desc.Reservations[0].Instances[0].Tags, "Name") != "" || desc.Reservations[0].Instances[0].State.Name != ec2types.InstanceStateNameRunning {
		t.Fatalf("describe by tag: %+v", desc.Reservations)
	}
	tags, err := root.DescribeTags(emutest.Bg, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{emutest.Ec2F("resource-id", env.lt)}})
	emutest.Must(t, err)
	if len(tags.Tags) != 2 || tags.Tags[0].ResourceType != ec2types.ResourceTypeLaunchTemplate {
		t.Fatalf("launch template tags: %+v", tags.Tags)
	}
	all, err := root.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{emutest.Ec2F("subnet-id", env.sub2)}})
	emutest.Must(t, err)
	if n := len(all.Reservations); n != 2 {
		t.Fatalf("%d reservations in subnet 2", n)
	}
	term, err := root.TerminateInstances(emutest.Bg, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
	emutest.Must(t, err)
	if term.TerminatingInstances[0].CurrentState.Name != ec2types.InstanceStateNameShuttingDown {
		t.Fatalf("terminate: %+v", term.TerminatingInstances)
	}
	desc, err = root.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	emutest.Must(t, err)
	if desc.Reservations[0].Instances[0].State.Name != ec2types.InstanceStateNameTerminated {
		t.Fatalf("after terminate: %+v", desc.Reservations[0].Instances[0].State)
	}
	_, err = root.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidInstanceID.NotFound")
}

// launchPolicy is how LakeSail scopes launches: instances only from launch templates carrying
// the connection tag; the other resources of the launch only when a template is used (and,
// in the strict variant, only when they are the template's own).
func launchPolicy(strict bool) string {
	others := emutest.Stmt{Effect: "Allow", Action: "ec2:RunInstances", Resource: []string{"arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:volume/*",
		"arn:aws:ec2:*:*:network-interface/*", "arn:aws:ec2:*:*:subnet/*", "arn:aws:ec2:*:*:security-group/*", "arn:aws:ec2:*::image/*"},
		Condition: cond("ArnLike", "ec2:LaunchTemplate", "arn:aws:ec2:*:*:launch-template/*")}
	if strict {
		others.Condition["Bool"] = map[string]any{"ec2:IsLaunchTemplateResource": "true"}
	}
	return emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "ec2:RunInstances", Resource: "arn:aws:ec2:*:*:launch-template/*", Condition: cond("StringEquals", "aws:ResourceTag/Owner", "team")},
		others,
		emutest.Stmt{Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: cond("StringEquals", "ec2:CreateAction", "RunInstances")},
		emutest.Stmt{Effect: "Allow", Action: "ec2:TerminateInstances", Resource: "*", Condition: cond("StringEquals", "aws:ResourceTag/Owner", "team")},
	)
}

// RunInstances is authorized on every resource it touches, as the Service Authorization
// Reference lists them, each with its own condition keys.
func TestEmuEC2RunInstancesAuthorizesEveryResource(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newEC2Compute(t, e)
	untagged, err := env.root.CreateLaunchTemplate(emutest.Bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("someone-else"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0123456789abcdef0"),
			NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), SubnetId: aws.String(env.sub1)}}}})
	emutest.Must(t, err)
	loose := emutest.Ec2Session(t, e, "launcher", launchPolicy(false))
	strict := emutest.Ec2Session(t, e, "strict-launcher", launchPolicy(true))

	// From the tagged template: allowed; every resource was evaluated and is in the call log.
	from := len(e.Calls())
	run, err := loose.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt)})
	emutest.Must(t, err)
	call := e.Calls()[from]
	joined := strings.Join(call.Resources, " ")
	for _, want := range []string{":instance/*", ":volume/*", ":network-interface/*", ":subnet/" + env.sub1, ":security-group/" + env.group,
		"::image/ami-0123456789abcdef0", ":launch-template/" + env.lt} {
		if !strings.Contains(joined, want) {
			t.Errorf("RunInstances was not evaluated on %s: %v", want, call.Resources)
		}
	}
	// Without a template: the launch-template-conditioned statement does not apply to the subnet.
	_, err = loose.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: aws.String("ami-0123456789abcdef0"), SubnetId: aws.String(env.sub1)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/*")
	// From a template without the tag: denied on the launch template.
	_, err = loose.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(*untagged.LaunchTemplate.LaunchTemplateId)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "launch-template/"+*untagged.LaunchTemplate.LaunchTemplateId)
	// Naming the tagged template but another subnet: ec2:LaunchTemplate is present on the subnet
	// too, so the loose policy allows it (the gap ec2:IsLaunchTemplateResource closes) ...
	_, err = loose.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt), SubnetId: aws.String(env.sub2)})
	emutest.Must(t, err)
	// ... and the strict one refuses it: the subnet is not the template's.
	_, err = strict.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt), SubnetId: aws.String(env.sub2)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "subnet/"+env.sub2)
	_, err = strict.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt), SecurityGroupIds: []string{env.group}})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "security-group/"+env.group)
	_, err = strict.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt)})
	emutest.Must(t, err)

	// Tags on create need ec2:CreateTags with ec2:CreateAction=RunInstances, the template's tags too.
	noTags := emutest.Ec2Session(t, e, "no-tags", emutest.Doc(emutest.Stmt{Effect: "Allow", Action: "ec2:RunInstances", Resource: "*"}))
	_, err = noTags.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(env.lt)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "ec2:CreateTags on resource: arn:aws:ec2:us-east-1:123456789012:instance/*")
	_, err = noTags.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(*untagged.LaunchTemplate.LaunchTemplateId)})
	emutest.Must(t, err)

	// aws:RequestTag on the new instance: a policy that requires a tag on it.
	tagged := emutest.Ec2Session(t, e, "tagged-launcher", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "ec2:RunInstances", Resource: "arn:aws:ec2:*:*:instance/*", Condition: cond("StringEquals", "aws:RequestTag/Team", "a")},
		emutest.Allow("ec2:RunInstances", []string{"arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*:*:network-interface/*", "arn:aws:ec2:*:*:subnet/*",
			"arn:aws:ec2:*:*:security-group/*", "arn:aws:ec2:*::image/*", "arn:aws:ec2:*:*:launch-template/*"}),
		emutest.Stmt{Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: cond("StringEquals", "ec2:CreateAction", "RunInstances")},
	))
	_, err = tagged.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(*untagged.LaunchTemplate.LaunchTemplateId)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	_, err = tagged.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(*untagged.LaunchTemplate.LaunchTemplateId),
		TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeInstance, "Team", "a")})
	emutest.Must(t, err)

	// TerminateInstances on the instance's tags.
	_, err = loose.TerminateInstances(emutest.Bg, &ec2.TerminateInstancesInput{InstanceIds: []string{*run.Instances[0].InstanceId}})
	emutest.Must(t, err)
	plain, err := env.root.RunInstances(emutest.Bg, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: aws.String("ami-0aaaaaaaaaaaaaaaa"), SubnetId: aws.String(env.sub2)})
	emutest.Must(t, err)
	_, err = loose.TerminateInstances(emutest.Bg, &ec2.TerminateInstancesInput{InstanceIds: []string{*plain.Instances[0].InstanceId}})
	emutest.WantCode(t, err, "UnauthorizedOperation")
}

// Launch templates are authorized like other EC2 resources: create on the request tag (and
// ec2:CreateTags with ec2:CreateAction), later changes on the template's tags.
func TestEmuEC2LaunchTemplateAuthz(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newEC2Compute(t, e)
	s := emutest.Ec2Session(t, e, "templates", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "ec2:CreateLaunchTemplate", Resource: "*", Condition: cond("StringEquals", "aws:RequestTag/Owner", "me")},
		emutest.Stmt{Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:*:*:launch-template/*", Condition: cond("StringEquals", "ec2:CreateAction", "CreateLaunchTemplate")},
		emutest.Stmt{Effect: "Allow", Action: []string{"ec2:CreateLaunchTemplateVersion", "ec2:DeleteLaunchTemplate"}, Resource: "*", Condition: cond("StringEquals", "aws:ResourceTag/Owner", "me")},
		emutest.Allow([]string{"ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"}, "*"),
	))
	data := &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0123456789abcdef0")}
	mine, err := s.CreateLaunchTemplate(emutest.Bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("mine"), LaunchTemplateData: data,
		TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeLaunchTemplate, "Owner", "me")})
	emutest.Must(t, err)
	_, err = s.CreateLaunchTemplate(emutest.Bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("untagged"), LaunchTemplateData: data})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	_, err = s.CreateLaunchTemplateVersion(emutest.Bg, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateName: aws.String("mine"), LaunchTemplateData: data})
	emutest.Must(t, err)
	// The team's template (by name, resolved to its id for authorization) is not the session's.
	_, err = s.CreateLaunchTemplateVersion(emutest.Bg, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateName: aws.String("team-nodes"), LaunchTemplateData: data})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), "launch-template/"+env.lt)
	_, err = s.DeleteLaunchTemplate(emutest.Bg, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(env.lt)})
	emutest.WantCode(t, err, "UnauthorizedOperation")
	_, err = s.DescribeLaunchTemplateVersions(emutest.Bg, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(env.lt)})
	emutest.Must(t, err)
	_, err = s.DeleteLaunchTemplate(emutest.Bg, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: mine.LaunchTemplate.LaunchTemplateId})
	emutest.Must(t, err)
}

// RunInstances with an instance profile, from the request or from the template, needs
// iam:PassRole of the profile's role passed to ec2.amazonaws.com (a dependent action of
// ec2:RunInstances in the Service Authorization Reference), asked when the call is authorized,
// so a dry run is refused as well; the instance then carries the profile.
func TestEmuEC2RunInstancesPassesInstanceProfileRole(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	env := newEC2Compute(t, e)
	nodeRole := emutest.InstanceProfileWithRole(t, e, "nodes", "node-role")
	emutest.InstanceProfileWithRole(t, e, "admin", "admin-role")
	adminLT, err := env.root.CreateLaunchTemplate(emutest.Bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("admin-nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0123456789abcdef0"),
			IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("admin")}}})
	emutest.Must(t, err)
	launcher := func(name string, passedTo string) *ec2.Client {
		return emutest.Ec2Session(t, e, name, emutest.Doc(
			emutest.Allow("ec2:RunInstances", "*"),
			emutest.Stmt{Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: cond("StringEquals", "ec2:CreateAction", "RunInstances")},
			emutest.Stmt{Effect: "Allow", Action: "iam:PassRole", Resource: nodeRole, Condition: cond("StringEquals", "iam:PassedToService", passedTo)},
		))
	}
	s := launcher("launcher", "ec2.amazonaws.com")
	run := func(c *ec2.Client, profile string, dryRun bool, lt string) (*ec2.RunInstancesOutput, error) {
		in := &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: ltSpec(lt), SubnetId: aws.String(env.sub1), DryRun: aws.Bool(dryRun)}
		if profile != "" {
			in.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Name: aws.String(profile)}
		}
		return c.RunInstances(emutest.Bg, in)
	}
	passRole := "perform: iam:PassRole on resource: arn:aws:iam::" + awsemu.DefaultAccountID + ":role/"

	// The node role may be passed: the launch is allowed and the instance has the profile.
	var asked []string
	e.OnAuthorize(func(q awsemu.AuthQuestion) {
		for _, c := range q.Checks {
			if q.Operation == "RunInstances" && c.Action == "iam:PassRole" {
				asked = append(asked, strings.Join(c.Resources, ",")+"|"+strings.Join(c.Context["iam:PassedToService"], ","))
			}
		}
	})
	out, err := run(s, "nodes", false, env.lt)
	emutest.Must(t, err)
	e.OnAuthorize(nil)
	if want := nodeRole + "|ec2.amazonaws.com"; len(asked) != 1 || asked[0] != want {
		t.Fatalf("iam:PassRole asked %v, want [%s]", asked, want)
	}
	desc, err := env.root.DescribeInstances(emutest.Bg, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(out.Instances[0].InstanceId)}})
	emutest.Must(t, err)
	if p := desc.Reservations[0].Instances[0].IamInstanceProfile; p == nil ||
		aws.ToString(p.Arn) != "arn:aws:iam::"+awsemu.DefaultAccountID+":instance-profile/nodes" || aws.ToString(p.Id) == "" {
		t.Fatalf("instance profile = %+v", p)
	}

	// Another profile's role may not be passed: refused, also as a dry run, and from a template
	// that names the profile.
	_, err = run(s, "admin", false, env.lt)
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), passRole+"admin-role")
	_, err = run(s, "admin", true, env.lt)
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), passRole+"admin-role")
	_, err = run(s, "", true, aws.ToString(adminLT.LaunchTemplate.LaunchTemplateId))
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), passRole+"admin-role")
	// The request's profile replaces the template's: only the node role is passed.
	_, err = run(s, "nodes", true, aws.ToString(adminLT.LaunchTemplate.LaunchTemplateId))
	emutest.WantCode(t, err, "DryRunOperation")

	// The role passed to another service does not let EC2 have it.
	_, err = run(launcher("passes-to-eks", "eks.amazonaws.com"), "nodes", true, env.lt)
	emutest.WantCode(t, err, "UnauthorizedOperation")
	emutest.WantContains(t, emutest.ErrMessage(err), passRole+"node-role")

	// Without a profile nothing is passed; a profile that does not exist is EC2's error.
	_, err = run(s, "", false, env.lt)
	emutest.Must(t, err)
	_, err = run(s, "missing", false, env.lt)
	emutest.WantCode(t, err, "InvalidParameterValue")
}
