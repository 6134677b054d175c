package envelope

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// karpenterWorld is what Karpenter's side of a workspace adds to the world, made by the root:
// the node role of Karpenter's nodes in its instance profile, a launch template as Karpenter
// makes them (the connection's tags and Karpenter's, the connection's security group, that
// profile), a bring-your-own subnet the account marked for the connection in the customer's VPC
// with a connection security group beside it, security groups of the customer and of another
// connection inside the connection's VPC, templates of the connection naming foreign groups and
// profiles, and instances that carry karpenter.sh/nodepool: one of the connection, one of the
// customer (who runs a Karpenter of its own) and one of another connection.
type karpenterWorld struct {
	cluster          string
	nodeRole         string // lakesail-<ID>-<WS>-karpenter-node
	profile          string // its instance profile (same name)
	template         string // our Karpenter template
	adoptedSubnet    string // the customer's VPC, tagged LakeSail-Adoptable-By=<ID>
	adoptedGroup     string // the connection's group in the customer's VPC
	emptyProfile     string // lakesail-<ID>-envelope-empty, no role
	groups           []target
	subnetFor        map[string]string // security group -> a subnet of its VPC the connection may use
	groupTemplates   map[string]string // security group -> our template naming it
	profileTemplates map[string]string // foreign instance profile -> our template naming it
	nodes            owned             // instances carrying karpenter.sh/nodepool
}

// kvOf flattens tag maps into key, value, ... (later maps win).
func kvOf(ms ...map[string]string) []string {
	merged := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			merged[k] = v
		}
	}
	var out []string
	for _, k := range sortedKeys(merged) {
		out = append(out, k, merged[k])
	}
	return out
}

// kvMap is the inverse of kvOf.
func kvMap(kv []string) map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// karpenterTags are Karpenter's tags on what it launches for the connection's cluster.
func (k *karpenterWorld) karpenterTags() map[string]string {
	return kvMap(emutest.KarpenterTags(k.cluster, "default"))
}

// launchTags are the tags Karpenter's launches carry: the connection's and Karpenter's.
func (k *karpenterWorld) launchTags() []string { return kvOf(connTags(connID), k.karpenterTags()) }

func (w *world) buildKarpenter(t *testing.T) *karpenterWorld {
	t.Helper()
	api := ec2.NewFromConfig(w.root)
	ours := connTags(connID)
	k := &karpenterWorld{cluster: w.ws.ClusterName, subnetFor: map[string]string{}, groupTemplates: map[string]string{}, profileTemplates: map[string]string{}}
	k.nodeRole = w.ws.ClusterName + "-karpenter-node"
	k.profile = k.nodeRole
	emutest.InstanceProfileWithRole(t, w.emu, k.profile, k.nodeRole)
	k.emptyProfile = "lakesail-" + connID + "-envelope-empty"
	must1[*iam.CreateInstanceProfileOutput](t)(iam.NewFromConfig(w.root).CreateInstanceProfile(bg, &iam.CreateInstanceProfileInput{
		InstanceProfileName: aws.String(k.emptyProfile), Tags: iamTags(ours)}))
	template := func(name, group, profile string) string {
		return emutest.KarpenterTemplate(t, api, emutest.NodeLaunchTemplate{Name: name, ImageID: image, InstanceProfile: profile,
			SecurityGroups: []string{group}, Tags: k.launchTags()})
	}
	k.template = template("lakesail-"+connID+"-envelope-karpenter", w.groups.ours, k.profile)

	// A bring-your-own subnet of the customer's VPC, marked for the connection by the account,
	// and the connection's node security group in that VPC.
	k.adoptedSubnet = aws.ToString(must1[*ec2.CreateSubnetOutput](t)(api.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: aws.String(w.vpcs.customer),
		CidrBlock: aws.String("172.20.2.0/24"), AvailabilityZone: aws.String("us-east-1a"),
		TagSpecifications: ec2Tags(ec2types.ResourceTypeSubnet, map[string]string{"Owner": "customer", connpolicy.TagAdoptableBy: connID})})).Subnet.SubnetId)
	group := func(vpc, name string, tags map[string]string) string {
		return aws.ToString(must1[*ec2.CreateSecurityGroupOutput](t)(api.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: aws.String(vpc),
			GroupName: aws.String(name), Description: aws.String(name), TagSpecifications: ec2Tags(ec2types.ResourceTypeSecurityGroup, tags)})).GroupId)
	}
	k.adoptedGroup = group(w.vpcs.customer, "lakesail-"+connID+"-byo-nodes", ours)

	// Foreign security groups a launch of the connection could name: the customer's in its own
	// VPC (next to the adopted subnet), and the customer's and another connection's inside the
	// connection's VPC.
	k.groups = []target{
		{"customer", w.groups.customer},
		{"customer-in-our-vpc", group(w.vpcs.ours, "customer-db-clients", map[string]string{"Owner": "customer"})},
		{"other-connection-in-our-vpc", group(w.vpcs.ours, "lakesail-"+otherID+"-nodes", connTags(otherID))},
	}
	k.subnetFor[w.groups.customer] = k.adoptedSubnet
	for _, g := range k.groups {
		if k.subnetFor[g.id] == "" {
			k.subnetFor[g.id] = w.subnets.ours
		}
		k.groupTemplates[g.id] = template("lakesail-"+connID+"-envelope-sg-"+g.label, g.id, k.profile)
	}
	for _, p := range w.profiles.foreign() {
		if p.id != "" {
			k.profileTemplates[p.id] = template("lakesail-"+connID+"-envelope-profile-"+p.label, w.groups.ours, p.id)
		}
	}

	// Instances carrying karpenter.sh/nodepool: ours, the customer's (its own Karpenter) and the
	// other connection's.
	run := func(lt, subnet string, tags map[string]string) string {
		in := &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeT3Medium,
			LaunchTemplate: &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)}, TagSpecifications: ec2Tags(ec2types.ResourceTypeInstance, tags)}
		if subnet != "" {
			in.SubnetId = aws.String(subnet)
		}
		return aws.ToString(must1[*ec2.RunInstancesOutput](t)(api.RunInstances(bg, in)).Instances[0].InstanceId)
	}
	k.nodes.ours = run(k.template, w.subnets.ours, kvMap(k.launchTags()))
	k.nodes.customer = run(w.templates.customer, "", map[string]string{"Owner": "customer", "karpenter.sh/nodepool": "default",
		"kubernetes.io/cluster/" + w.clusters.customer: "owned"})
	k.nodes.other = run(w.templates.other, "", kvMap(kvOf(connTags(otherID), kvMap(emutest.KarpenterTags(w.clusters.other, "default")))))
	return k
}

// instanceTags are the tags of an instance.
func (w *world) instanceTags(t *testing.T, id string) map[string]string {
	t.Helper()
	out := must1[*ec2.DescribeInstancesOutput](t)(ec2.NewFromConfig(w.root).DescribeInstances(bg, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}))
	tags := map[string]string{}
	for _, tg := range out.Reservations[0].Instances[0].Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return tags
}

// fleetOutcome is what a CreateFleet call amounts to: the call's error; else, when it launched
// nothing, the error of a launch (EC2 reports a launch it refused, ec2:RunInstances on a launch's
// resources or iam:PassRole of its profile's role, not as the call's error but as an error of the
// fleet: UnauthorizedOperation, which counts as a refusal); else nil.
func fleetOutcome(out *ec2.CreateFleetOutput, err error) error {
	if err != nil {
		return err
	}
	if len(emutest.FleetInstanceIDs(out)) > 0 {
		return nil
	}
	for _, e := range out.Errors {
		if aws.ToString(e.ErrorCode) == "UnauthorizedOperation" {
			return &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "fleet error: " + aws.ToString(e.ErrorMessage)}
		}
	}
	if len(out.Errors) > 0 {
		return &smithy.GenericAPIError{Code: aws.ToString(out.Errors[0].ErrorCode), Message: "fleet error: " + aws.ToString(out.Errors[0].ErrorMessage)}
	}
	return &smithy.GenericAPIError{Code: "NothingLaunched", Message: "the fleet launched nothing and reported no error"}
}

// createFleet launches one m6i.large instant fleet from template lt into subnet, tagged tags.
func createFleet(p principal, lt, subnet string, tags []string) (*ec2.CreateFleetOutput, error) {
	var specs []ec2types.TagSpecification
	if len(tags) > 0 {
		specs = emutest.FleetTags(tags...)
	}
	return ec2Of(p).CreateFleet(bg, emutest.InstantFleet(lt, 1, specs, emutest.FleetOverride("m6i.large", subnet)))
}

// runInstances is a dry-run launch of one instance, its instance, volume and network interface
// tagged tags (as Karpenter tags a launch).
func runInstances(p principal, in *ec2.RunInstancesInput, tags []string) error {
	in.DryRun, in.MinCount, in.MaxCount = dry, aws.Int32(1), aws.Int32(1)
	if in.InstanceType == "" {
		in.InstanceType = ec2types.InstanceTypeM6iLarge
	}
	if len(tags) > 0 {
		m := kvMap(tags)
		for _, rt := range []ec2types.ResourceType{ec2types.ResourceTypeInstance, ec2types.ResourceTypeVolume, ec2types.ResourceTypeNetworkInterface} {
			in.TagSpecifications = append(in.TagSpecifications, ec2Tags(rt, m)...)
		}
	}
	_, err := ec2Of(p).RunInstances(bg, in)
	return err
}

// refusedOn makes an attack's refusal count only when its message names one of the resources
// why gives (the foreign object the attack is about): a launch touches many resources, and a
// refusal on another one (an untagged interface, say) would prove nothing about the target.
func refusedOn(a attack, why func(p principal, id string) []string) attack {
	return attack{a.name, func(p principal, id string) error {
		err := a.call(p, id)
		if !refused(err) {
			return err
		}
		msg := errMessage(err)
		for _, r := range why(p, id) {
			if strings.Contains(msg, r) {
				return err
			}
		}
		return &smithy.GenericAPIError{Code: "RefusedForAnotherReason", Message: fmt.Sprintf("refused, but not on %v: %s", why(p, id), msg)}
	}}
}

func errMessage(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorMessage()
	}
	return ""
}

// ec2On is the refusal of a launch on the EC2 resource typ/id.
func (w *world) ec2On(typ string) func(p principal, id string) []string {
	return func(p principal, id string) []string { return w.orNoFleet(p, ":"+typ+"/"+id) }
}

// orNoFleet adds, for the connection role (which has no ec2:CreateFleet at all), the refusal of
// a fleet on the new fleet itself.
func (w *world) orNoFleet(p principal, why ...string) []string {
	if p.name == w.connection.name {
		why = append(why, "perform: ec2:CreateFleet on resource: arn:aws:ec2:us-east-1:"+w.account+":fleet/*")
	}
	return why
}

func ltSpec(id string) *ec2types.LaunchTemplateSpecification {
	return &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id)}
}

// karpenterTemplateInput is a launch template as Karpenter makes them, naming group and profile.
func karpenterTemplateInput(name, group, profile string, tags []string) *ec2.CreateLaunchTemplateInput {
	in := &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
		ImageId: aws.String(image), SecurityGroupIds: []string{group},
		IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String(profile)},
		MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired,
			HttpPutResponseHopLimit: aws.Int32(1)},
		BlockDeviceMappings: []ec2types.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: aws.String("/dev/xvda"),
			Ebs: &ec2types.LaunchTemplateEbsBlockDeviceRequest{VolumeSize: aws.Int32(20), VolumeType: ec2types.VolumeTypeGp3, Encrypted: aws.Bool(true)}}},
	}}
	if len(tags) > 0 {
		in.TagSpecifications = ec2Tags(ec2types.ResourceTypeLaunchTemplate, kvMap(tags))
	}
	return in
}

// publicAMIParameter is the public SSM parameter Karpenter reads the EKS AMI of an alias from.
const publicAMIParameter = "/aws/service/eks/optimized-ami/1.32/amazon-linux-2023/x86_64/standard/recommended/image_id"

// TestEnvelopeKarpenter: what WorkloadBoundary admits for Karpenter (the node autoscaler) and the
// connection role's share of it (the node role's instance profile, terminating Karpenter's nodes)
// reach only the connection's launch templates, subnets (its own or one the account marked for
// it), security groups, node roles and public images. Every principal is refused launching from a
// foreign template, into a foreign subnet, with a foreign security group or instance profile,
// making templates or launches without the connection's tag, terminating or tagging foreign
// instances, and re-tagging its own instances to another connection; an escalated workload role
// can still do all Karpenter does on the connection's own objects.
func TestEnvelopeKarpenter(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	k := w.buildKarpenter(t)
	launch := k.launchTags()

	t.Run("launch-templates", func(t *testing.T) {
		on := w.ec2On("launch-template")
		w.runEnvelope(t, "launch-template", w.templates.foreign(), tagEC2, []attack{
			refusedOn(attack{"ec2:CreateFleet-from-it-into-our-subnet", func(p principal, id string) error {
				return fleetOutcome(createFleet(p, id, w.subnets.ours, launch))
			}}, on),
			refusedOn(attack{"ec2:RunInstances-from-it-into-our-subnet-with-our-group", func(p principal, id string) error {
				return runInstances(p, &ec2.RunInstancesInput{LaunchTemplate: ltSpec(id), SubnetId: aws.String(w.subnets.ours),
					SecurityGroupIds: []string{w.groups.ours}}, launch)
			}}, on),
		})
	})
	t.Run("subnets", func(t *testing.T) {
		on := w.ec2On("subnet")
		w.runEnvelope(t, "subnet", w.subnets.foreign(), tagEC2, []attack{
			refusedOn(attack{"ec2:CreateFleet-our-template-into-it", func(p principal, id string) error {
				return fleetOutcome(createFleet(p, k.template, id, launch))
			}}, on),
			refusedOn(attack{"ec2:RunInstances-our-template-into-it", func(p principal, id string) error {
				return runInstances(p, &ec2.RunInstancesInput{LaunchTemplate: ltSpec(k.template), SubnetId: aws.String(id)}, launch)
			}}, on),
		})
	})
	t.Run("security-groups", func(t *testing.T) {
		on := w.ec2On("security-group")
		w.runEnvelope(t, "security-group", k.groups, tagEC2, []attack{
			refusedOn(attack{"ec2:CreateFleet-our-template-naming-it", func(p principal, id string) error {
				return fleetOutcome(createFleet(p, k.groupTemplates[id], k.subnetFor[id], launch))
			}}, on),
			refusedOn(attack{"ec2:RunInstances-our-template-naming-it", func(p principal, id string) error {
				return runInstances(p, &ec2.RunInstancesInput{LaunchTemplate: ltSpec(k.groupTemplates[id]), SubnetId: aws.String(k.subnetFor[id])}, launch)
			}}, on),
			refusedOn(attack{"ec2:RunInstances-naming-it", func(p principal, id string) error {
				return runInstances(p, &ec2.RunInstancesInput{LaunchTemplate: ltSpec(k.template), SubnetId: aws.String(k.subnetFor[id]),
					SecurityGroupIds: []string{id}}, launch)
			}}, on),
		})
	})
	t.Run("instance-profiles", func(t *testing.T) {
		if w.profilesMissing != "" {
			t.Skip("the emulator has no instance profiles: " + w.profilesMissing)
		}
		tag := func(p principal, name string) error {
			_, err := iamOf(p).TagInstanceProfile(bg, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String(name), Tags: iamTags(map[string]string{tagKey: connID})})
			return err
		}
		// The refusal is iam:PassRole of the profile's role.
		roleOf := map[string]string{w.profiles.customer: w.roles.customer, w.profiles.other: w.roles.other}
		on := func(p principal, name string) []string {
			return w.orNoFleet(p, "perform: iam:PassRole on resource: arn:aws:iam::"+w.account+":role/"+roleOf[name])
		}
		w.runEnvelope(t, "instance-profile", w.profiles.foreign(), tag, []attack{
			refusedOn(attack{"ec2:CreateFleet-our-template-naming-it", func(p principal, name string) error {
				return fleetOutcome(createFleet(p, k.profileTemplates[name], w.subnets.ours, launch))
			}}, on),
			refusedOn(attack{"ec2:RunInstances-naming-it", func(p principal, name string) error {
				return runInstances(p, &ec2.RunInstancesInput{LaunchTemplate: ltSpec(k.template), SubnetId: aws.String(w.subnets.ours),
					IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String(name)}}, launch)
			}}, on),
		})
	})
	t.Run("roles-into-our-profile", func(t *testing.T) {
		w.runEnvelope(t, "role", w.roles.foreign(), tagIAMRole, []attack{
			{"iam:AddRoleToInstanceProfile-into-our-profile", func(p principal, role string) error {
				_, err := iamOf(p).AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(k.emptyProfile), RoleName: aws.String(role)})
				return err
			}},
		})
	})
	t.Run("instances", func(t *testing.T) {
		targets := append(w.instances.foreign(), target{"customer-karpenter-node", k.nodes.customer}, target{"other-connection-karpenter-node", k.nodes.other})
		w.runEnvelope(t, "instance", targets, tagEC2, []attack{
			{"ec2:CreateTags-connection-tag", tagEC2},
			ec2Attack("ec2:CreateTags-Name", func(api *ec2.Client, id string) error {
				_, err := api.CreateTags(bg, &ec2.CreateTagsInput{DryRun: dry, Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("karpenter-node")}}})
				return err
			}),
			ec2Attack("ec2:TerminateInstances", func(api *ec2.Client, id string) error {
				_, err := api.TerminateInstances(bg, &ec2.TerminateInstancesInput{DryRun: dry, InstanceIds: []string{id}})
				return err
			}),
		})
	})
	t.Run("our-instances-retagged", func(t *testing.T) {
		ours := []target{{"ours-system-node", w.instances.ours}, {"ours-karpenter-node", k.nodes.ours}}
		w.runEnvelope(t, "instance", ours, nil, []attack{
			ec2Attack("ec2:CreateTags-connection-tag-to-other-connection", func(api *ec2.Client, id string) error {
				_, err := api.CreateTags(bg, &ec2.CreateTagsInput{DryRun: dry, Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String(tagKey), Value: aws.String(otherID)}}})
				return err
			}),
		})
	})
	t.Run("parameters", func(t *testing.T) {
		w.runEnvelope(t, "parameter", w.params.foreign(), tagParameter, []attack{
			{"ssm:GetParameter", func(p principal, name string) error {
				_, err := ssmOf(p).GetParameter(bg, &ssm.GetParameterInput{Name: aws.String(name)})
				return err
			}},
			{"ssm:GetParameters", func(p principal, name string) error {
				out, err := ssmOf(p).GetParameters(bg, &ssm.GetParametersInput{Names: []string{name}})
				if err == nil && len(out.Parameters) == 0 {
					return errDenied // GetParameters reports what it could not read
				}
				return err
			}},
		})
	})

	// Launch templates and launches without the connection's request tag, or with another
	// connection's.
	t.Run("untagged-creations", func(t *testing.T) {
		karpenterOnly := kvOf(k.karpenterTags())
		otherTags := kvOf(connTags(otherID), k.karpenterTags())
		cases := []struct {
			name string
			call func(p principal) error
		}{
			{"ec2:CreateLaunchTemplate-untagged", func(p principal) error {
				_, err := ec2Of(p).CreateLaunchTemplate(bg, withDryRun(karpenterTemplateInput("lakesail-"+connID+"-x-untagged", w.groups.ours, k.profile, nil)))
				return err
			}},
			{"ec2:CreateLaunchTemplate-karpenter-tags-only", func(p principal) error {
				_, err := ec2Of(p).CreateLaunchTemplate(bg, withDryRun(karpenterTemplateInput("lakesail-"+connID+"-x-karpenter-only", w.groups.ours, k.profile, karpenterOnly)))
				return err
			}},
			{"ec2:CreateLaunchTemplate-other-connection-tags", func(p principal) error {
				_, err := ec2Of(p).CreateLaunchTemplate(bg, withDryRun(karpenterTemplateInput("lakesail-"+connID+"-x-other", w.groups.ours, k.profile, otherTags)))
				return err
			}},
			{"ec2:CreateFleet-our-template-untagged", func(p principal) error {
				return fleetOutcome(createFleet(p, k.template, w.subnets.ours, nil))
			}},
			{"ec2:CreateFleet-our-template-karpenter-tags-only", func(p principal) error {
				return fleetOutcome(createFleet(p, k.template, w.subnets.ours, karpenterOnly))
			}},
			{"ec2:CreateFleet-our-template-other-connection-tags", func(p principal) error {
				return fleetOutcome(createFleet(p, k.template, w.subnets.ours, otherTags))
			}},
		}
		for _, p := range w.principals() {
			for _, c := range cases {
				t.Run(p.name+"/"+c.name, func(t *testing.T) {
					// Refused on what is created: the new template, or the new fleet (the
					// connection role has no ec2:CreateFleet at all).
					on := ":fleet/*"
					if strings.HasPrefix(c.name, "ec2:CreateLaunchTemplate") {
						on = ":launch-template/*"
					}
					w.wantRefused(t, p, c.name, refusedOn(attack{c.name, func(p principal, _ string) error { return c.call(p) }},
						func(principal, string) []string { return []string{on} }).call(p, ""))
				})
			}
		}
	})

	// The connection role's own share: instance profiles only under its prefix, only its node
	// roles in them, and only Karpenter's nodes terminated.
	t.Run("connection-role", func(t *testing.T) {
		c := w.connection
		if tags := w.instanceTags(t, w.instances.ours); tags[tagKey] != connID || tags["karpenter.sh/nodepool"] != "" {
			t.Fatalf("the system node %s should carry the connection's tag and no node pool: %v", w.instances.ours, tags)
		}
		cases := []struct {
			name string
			call func() error
		}{
			{"iam:CreateInstanceProfile-customer-name", func() error {
				_, err := iamOf(c).CreateInstanceProfile(bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("customer-karpenter-nodes"), Tags: iamTags(connTags(connID))})
				return err
			}},
			{"iam:CreateInstanceProfile-other-connection-name", func() error {
				_, err := iamOf(c).CreateInstanceProfile(bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("lakesail-" + otherID + "-" + workspaceID + "-karpenter-node"),
					Tags: iamTags(connTags(connID))})
				return err
			}},
			{"iam:AddRoleToInstanceProfile-customer-role-into-our-profile", func() error {
				_, err := iamOf(c).AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(k.emptyProfile), RoleName: aws.String(w.roles.customer)})
				return err
			}},
			{"ec2:TerminateInstances-our-system-node", func() error {
				_, err := ec2Of(c).TerminateInstances(bg, &ec2.TerminateInstancesInput{DryRun: dry, InstanceIds: []string{w.instances.ours}})
				return err
			}},
		}
		for _, cs := range cases {
			t.Run(cs.name, func(t *testing.T) { w.wantRefused(t, c, cs.name, cs.call()) })
		}
	})

	// Positive controls: every escalated workload role (WorkloadBoundary alone decides) does what
	// Karpenter does on the connection's objects; the connection role makes the node role's
	// instance profile and terminates a Karpenter node.
	t.Run("positive-controls", func(t *testing.T) {
		ran := 0
		for _, p := range w.workloads {
			if !w.isEscalated(p) {
				continue
			}
			ran++
			t.Run(p.name, func(t *testing.T) { w.karpenterPositive(t, k, p) })
		}
		if ran == 0 {
			t.Error("no workload role was escalated: the workload roles' positive controls ran for none")
		}
		c := w.connection
		t.Run(c.name, func(t *testing.T) {
			profile := "lakesail-" + connID + "-x-karpenter-node"
			_, err := iamOf(c).CreateInstanceProfile(bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(profile), Tags: iamTags(connTags(connID))})
			w.wantAllowed(t, c, "iam:CreateInstanceProfile "+profile, err)
			_, err = iamOf(c).AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(profile), RoleName: aws.String(w.roles.ours)})
			w.wantAllowed(t, c, "iam:AddRoleToInstanceProfile of our node role", err)
			_, err = iamOf(c).GetInstanceProfile(bg, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(profile)})
			w.wantAllowed(t, c, "iam:GetInstanceProfile of our profile", err)
			cluster, principalARN, _ := strings.Cut(w.accessEntries.ours, "|")
			_, err = eksOf(c).DescribeAccessEntry(bg, &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principalARN)})
			w.wantAllowed(t, c, "eks:DescribeAccessEntry on our cluster", err)
			w.wantAllowed(t, c, "ec2:RunInstances (dry run) from our Karpenter template into our private subnet",
				runInstances(c, &ec2.RunInstancesInput{LaunchTemplate: ltSpec(k.template), SubnetId: aws.String(w.subnets.ours)}, k.launchTags()))
			if tags := w.instanceTags(t, k.nodes.ours); tags[tagKey] != connID || tags["karpenter.sh/nodepool"] == "" {
				t.Fatalf("our Karpenter node %s should carry the connection's tag and a node pool: %v", k.nodes.ours, tags)
			}
			_, err = ec2Of(c).TerminateInstances(bg, &ec2.TerminateInstancesInput{InstanceIds: []string{k.nodes.ours}})
			w.wantAllowed(t, c, "ec2:TerminateInstances of our Karpenter node", err)
		})
	})
}

func withDryRun(in *ec2.CreateLaunchTemplateInput) *ec2.CreateLaunchTemplateInput {
	in.DryRun = dry
	return in
}

// karpenterPositive: as p, what Karpenter does: a launch template with the connection's and
// Karpenter's tags naming the connection's group and node profile, an instant fleet from it into
// the connection's subnet and into the adopted one, naming and terminating the node, deleting
// the template, reading the EKS AMI's public parameter.
func (w *world) karpenterPositive(t *testing.T, k *karpenterWorld, p principal) {
	t.Helper()
	api := ec2Of(p)
	launch := k.launchTags()
	fleet := func(what, lt, subnet string) string {
		t.Helper()
		out, err := createFleet(p, lt, subnet, launch)
		w.wantAllowed(t, p, what, fleetOutcome(out, err))
		if err != nil {
			return ""
		}
		ids := emutest.FleetInstanceIDs(out)
		if len(ids) != 1 || len(out.Errors) != 0 {
			var errs []string
			for _, e := range out.Errors {
				errs = append(errs, aws.ToString(e.ErrorCode)+": "+aws.ToString(e.ErrorMessage))
			}
			t.Errorf("positive control: %s as %s launched %v with fleet errors %v", what, p.name, ids, errs)
			return ""
		}
		if tags := w.instanceTags(t, ids[0]); tags[tagKey] != connID || tags["karpenter.sh/nodepool"] != "default" {
			t.Errorf("positive control: %s as %s: the node's tags are %v", what, p.name, tags)
		}
		return ids[0]
	}
	template := func(name, group string) string {
		t.Helper()
		out, err := api.CreateLaunchTemplate(bg, karpenterTemplateInput(name, group, k.profile, launch))
		w.wantAllowed(t, p, "ec2:CreateLaunchTemplate "+name+" with the connection's tags", err)
		if err != nil {
			return ""
		}
		return aws.ToString(out.LaunchTemplate.LaunchTemplateId)
	}

	lt := template("karpenter-"+p.name, w.groups.ours)
	if lt == "" {
		return
	}
	// The launch the attacks vary one resource of.
	w.wantAllowed(t, p, "ec2:RunInstances (dry run) from our template into our private subnet",
		runInstances(p, &ec2.RunInstancesInput{LaunchTemplate: ltSpec(k.template), SubnetId: aws.String(w.subnets.ours)}, launch))
	if id := fleet("ec2:CreateFleet from our template into our private subnet", lt, w.subnets.ours); id != "" {
		_, err := api.CreateTags(bg, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("karpenter-node")},
			{Key: aws.String("karpenter.sh/nodeclaim"), Value: aws.String("default-abcde")}}})
		w.wantAllowed(t, p, "ec2:CreateTags Name on our Karpenter node", err)
		_, err = api.TerminateInstances(bg, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
		w.wantAllowed(t, p, "ec2:TerminateInstances of our Karpenter node", err)
	}
	if byo := template("karpenter-byo-"+p.name, k.adoptedGroup); byo != "" {
		if id := fleet("ec2:CreateFleet from our template into the adopted subnet", byo, k.adoptedSubnet); id != "" {
			_, err := api.TerminateInstances(bg, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
			w.wantAllowed(t, p, "ec2:TerminateInstances of our Karpenter node in the adopted subnet", err)
		}
		_, err := api.DeleteLaunchTemplate(bg, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(byo)})
		w.wantAllowed(t, p, "ec2:DeleteLaunchTemplate of our Karpenter template", err)
	}
	// The EKS AMI id Karpenter resolves its alias from: a public parameter, whose ARN has no
	// account (arn:aws:ssm:<region>::parameter/aws/service/...).
	out, err := ssmOf(p).GetParameter(bg, &ssm.GetParameterInput{Name: aws.String(publicAMIParameter)})
	w.wantAllowed(t, p, "ssm:GetParameter "+publicAMIParameter, err)
	if err == nil && !strings.HasPrefix(aws.ToString(out.Parameter.Value), "ami-") {
		t.Errorf("%s = %q, not an image id", publicAMIParameter, aws.ToString(out.Parameter.Value))
	}
}
