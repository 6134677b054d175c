package envelope

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2 actions are tried with DryRun: EC2 authorizes a dry run fully and answers DryRunOperation
// when the call would have been allowed, so nothing changes and every answer is an
// authorization decision. Tagging (the "after-tag" step) is real.

func ec2Of(p principal) *ec2.Client { return ec2.NewFromConfig(p.cfg) }

var dry = aws.Bool(true)

func tagEC2(p principal, id string) error {
	_, err := ec2Of(p).CreateTags(bg, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String(tagKey), Value: aws.String(connID)}}})
	return err
}

func ec2Attack(name string, call func(api *ec2.Client, id string) error) attack {
	return attack{name, func(p principal, id string) error { return call(ec2Of(p), id) }}
}

func ec2TagAttacks() []attack {
	return []attack{
		{"ec2:CreateTags", tagEC2},
		ec2Attack("ec2:DeleteTags", func(api *ec2.Client, id string) error {
			_, err := api.DeleteTags(bg, &ec2.DeleteTagsInput{DryRun: dry, Resources: []string{id}})
			return err
		}),
	}
}

// TestEnvelopeEC2: VPCs, subnets, route tables, internet gateways, security groups, launch
// templates and instances of the customer and of another connection.
func TestEnvelopeEC2(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	anywhere := []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	ours := connTags(connID)
	kinds := []struct {
		kind    string
		targets []target
		attacks []attack
	}{
		{"vpc", w.vpcs.foreign(), []attack{
			// ModifyVpcAttribute has no DryRun: a real call (it only flips DNS hostnames).
			ec2Attack("ec2:ModifyVpcAttribute", func(api *ec2.Client, id string) error {
				_, err := api.ModifyVpcAttribute(bg, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(id), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(false)}})
				return err
			}),
			ec2Attack("ec2:CreateSubnet-in-it", func(api *ec2.Client, id string) error {
				_, err := api.CreateSubnet(bg, &ec2.CreateSubnetInput{DryRun: dry, VpcId: aws.String(id), CidrBlock: aws.String("172.20.200.0/24"),
					TagSpecifications: ec2Tags(ec2types.ResourceTypeSubnet, ours)})
				return err
			}),
			ec2Attack("ec2:CreateSecurityGroup-in-it", func(api *ec2.Client, id string) error {
				_, err := api.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{DryRun: dry, VpcId: aws.String(id), GroupName: aws.String("lakesail-" + connID + "-x"),
					Description: aws.String("x"), TagSpecifications: ec2Tags(ec2types.ResourceTypeSecurityGroup, ours)})
				return err
			}),
			ec2Attack("ec2:CreateRouteTable-in-it", func(api *ec2.Client, id string) error {
				_, err := api.CreateRouteTable(bg, &ec2.CreateRouteTableInput{DryRun: dry, VpcId: aws.String(id), TagSpecifications: ec2Tags(ec2types.ResourceTypeRouteTable, ours)})
				return err
			}),
			ec2Attack("ec2:DeleteVpc", func(api *ec2.Client, id string) error {
				_, err := api.DeleteVpc(bg, &ec2.DeleteVpcInput{DryRun: dry, VpcId: aws.String(id)})
				return err
			}),
		}},
		{"subnet", w.subnets.foreign(), []attack{
			ec2Attack("ec2:ModifySubnetAttribute", func(api *ec2.Client, id string) error {
				_, err := api.ModifySubnetAttribute(bg, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(id), MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
				return err
			}),
			ec2Attack("ec2:AssociateRouteTable-ours", func(api *ec2.Client, id string) error {
				_, err := api.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{DryRun: dry, SubnetId: aws.String(id), RouteTableId: aws.String(w.routeTables.ours)})
				return err
			}),
			ec2Attack("ec2:DeleteSubnet", func(api *ec2.Client, id string) error {
				_, err := api.DeleteSubnet(bg, &ec2.DeleteSubnetInput{DryRun: dry, SubnetId: aws.String(id)})
				return err
			}),
		}},
		{"route-table", w.routeTables.foreign(), []attack{
			ec2Attack("ec2:CreateRoute-to-internet", func(api *ec2.Client, id string) error {
				_, err := api.CreateRoute(bg, &ec2.CreateRouteInput{DryRun: dry, RouteTableId: aws.String(id), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(w.igws.ours)})
				return err
			}),
			ec2Attack("ec2:DeleteRouteTable", func(api *ec2.Client, id string) error {
				_, err := api.DeleteRouteTable(bg, &ec2.DeleteRouteTableInput{DryRun: dry, RouteTableId: aws.String(id)})
				return err
			}),
		}},
		{"internet-gateway", w.igws.foreign(), []attack{
			ec2Attack("ec2:DetachInternetGateway", func(api *ec2.Client, id string) error {
				vpc := w.vpcs.customer
				if id == w.igws.other {
					vpc = w.vpcs.other
				}
				_, err := api.DetachInternetGateway(bg, &ec2.DetachInternetGatewayInput{DryRun: dry, InternetGatewayId: aws.String(id), VpcId: aws.String(vpc)})
				return err
			}),
			ec2Attack("ec2:DeleteInternetGateway", func(api *ec2.Client, id string) error {
				_, err := api.DeleteInternetGateway(bg, &ec2.DeleteInternetGatewayInput{DryRun: dry, InternetGatewayId: aws.String(id)})
				return err
			}),
		}},
		{"security-group", w.groups.foreign(), []attack{
			ec2Attack("ec2:AuthorizeSecurityGroupIngress-ssh-from-anywhere", func(api *ec2.Client, id string) error {
				_, err := api.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{DryRun: dry, GroupId: aws.String(id), IpPermissions: anywhere})
				return err
			}),
			ec2Attack("ec2:AuthorizeSecurityGroupEgress", func(api *ec2.Client, id string) error {
				_, err := api.AuthorizeSecurityGroupEgress(bg, &ec2.AuthorizeSecurityGroupEgressInput{DryRun: dry, GroupId: aws.String(id), IpPermissions: anywhere})
				return err
			}),
			ec2Attack("ec2:RevokeSecurityGroupEgress", func(api *ec2.Client, id string) error {
				_, err := api.RevokeSecurityGroupEgress(bg, &ec2.RevokeSecurityGroupEgressInput{DryRun: dry, GroupId: aws.String(id),
					IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
				return err
			}),
			ec2Attack("ec2:DeleteSecurityGroup", func(api *ec2.Client, id string) error {
				_, err := api.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{DryRun: dry, GroupId: aws.String(id)})
				return err
			}),
		}},
		{"launch-template", w.templates.foreign(), []attack{
			ec2Attack("ec2:CreateLaunchTemplateVersion", func(api *ec2.Client, id string) error {
				_, err := api.CreateLaunchTemplateVersion(bg, &ec2.CreateLaunchTemplateVersionInput{DryRun: dry, LaunchTemplateId: aws.String(id),
					LaunchTemplateData: &ec2types.RequestLaunchTemplateData{UserData: aws.String("I3N0ZWFs")}})
				return err
			}),
			ec2Attack("ec2:ModifyLaunchTemplate", func(api *ec2.Client, id string) error {
				_, err := api.ModifyLaunchTemplate(bg, &ec2.ModifyLaunchTemplateInput{DryRun: dry, LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("1")})
				return err
			}),
			ec2Attack("ec2:RunInstances-from-it", func(api *ec2.Client, id string) error {
				_, err := api.RunInstances(bg, &ec2.RunInstancesInput{DryRun: dry, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
					LaunchTemplate: &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id)}})
				return err
			}),
			ec2Attack("ec2:DeleteLaunchTemplate", func(api *ec2.Client, id string) error {
				_, err := api.DeleteLaunchTemplate(bg, &ec2.DeleteLaunchTemplateInput{DryRun: dry, LaunchTemplateId: aws.String(id)})
				return err
			}),
		}},
		{"instance", w.instances.foreign(), []attack{
			ec2Attack("ec2:TerminateInstances", func(api *ec2.Client, id string) error {
				_, err := api.TerminateInstances(bg, &ec2.TerminateInstancesInput{DryRun: dry, InstanceIds: []string{id}})
				return err
			}),
		}},
	}
	for _, k := range kinds {
		t.Run(k.kind, func(t *testing.T) {
			w.runEnvelope(t, k.kind, k.targets, tagEC2, append(ec2TagAttacks(), k.attacks...))
		})
	}
}

// TestEnvelopeAttack_RunInstancesOutsideConnection: instances launch only into the connection's
// subnets and security groups, never from a customer's (or another connection's) template, and
// naming the connection's own template does not make a foreign subnet or group usable. The
// connection role launches only from a launch template; a workload role may launch without one,
// but only what carries the connection's tag (instance, volume and interface).
func TestEnvelopeAttack_RunInstancesOutsideConnection(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ourLT := &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(w.templates.ours)}
	cases := []struct {
		name string
		in   *ec2.RunInstancesInput
	}{
		{"our-template-into-customer-subnet-and-group", &ec2.RunInstancesInput{LaunchTemplate: ourLT, SubnetId: aws.String(w.subnets.customer), SecurityGroupIds: []string{w.groups.customer}}},
		{"our-template-into-customer-subnet", &ec2.RunInstancesInput{LaunchTemplate: ourLT, SubnetId: aws.String(w.subnets.customer)}},
		{"our-template-with-customer-group", &ec2.RunInstancesInput{LaunchTemplate: ourLT, SecurityGroupIds: []string{w.groups.customer}}},
		{"our-template-into-other-connection-subnet-and-group", &ec2.RunInstancesInput{LaunchTemplate: ourLT, SubnetId: aws.String(w.subnets.other), SecurityGroupIds: []string{w.groups.other}}},
		{"customer-template", &ec2.RunInstancesInput{LaunchTemplate: &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(w.templates.customer)}}},
		{"other-connection-template", &ec2.RunInstancesInput{LaunchTemplate: &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(w.templates.other)}}},
		// Without a template, into our subnet with our group, only the instance tagged as the
		// connection's: its volume and network interface are untagged (for a workload role, the
		// refusal is on them; see the tagged launch below).
		{"no-template-into-our-subnet-untagged-volume-and-interface", noTemplateLaunch(w, ec2types.ResourceTypeInstance)},
	}
	untaggedOn := func(p principal, name string) []string {
		if p.name == w.connection.name || !strings.HasPrefix(name, "no-template-") {
			return []string{""} // any refusal
		}
		return []string{":volume/*", ":network-interface/*"}
	}
	run := func(p principal, in *ec2.RunInstancesInput) error {
		cp := *in
		cp.DryRun, cp.MinCount, cp.MaxCount = dry, aws.Int32(1), aws.Int32(1)
		_, err := ec2Of(p).RunInstances(bg, &cp)
		return err
	}
	for _, p := range w.principals() {
		for _, c := range cases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				w.wantRefused(t, p, "ec2:RunInstances "+c.name, refusedOn(attack{c.name, func(p principal, _ string) error { return run(p, c.in) }},
					untaggedOn).call(p, c.name))
			})
		}
	}

	// The same launch with the instance, its volume and its interface all tagged as the
	// connection's. The connection role launches only from a launch template (its policy
	// requires ec2:LaunchTemplate), so it is refused. WorkloadBoundary admits it for an
	// escalated workload role: Karpenter's launches are new instances, volumes and interfaces
	// carrying the connection's request tag, into the connection's subnets and security groups,
	// with no condition on a template; a template would add nothing there, since a workload role
	// may create any launch template that carries the connection's tag. The launch stays within
	// the connection (its subnet, its group, its tag), which is what the envelope guards.
	tagged := noTemplateLaunch(w, ec2types.ResourceTypeInstance, ec2types.ResourceTypeVolume, ec2types.ResourceTypeNetworkInterface)
	for _, p := range w.principals() {
		t.Run(p.name+"/no-template-into-our-subnet-tagged", func(t *testing.T) {
			err := run(p, tagged)
			switch {
			case p.name == w.connection.name:
				w.wantRefused(t, p, "ec2:RunInstances without a launch template", err)
			case w.isEscalated(p):
				w.wantAllowed(t, p, "ec2:RunInstances without a launch template, tagged, into our subnet and group", err)
			default:
				t.Skipf("%s keeps its own policies (not escalated): WorkloadBoundary is not what decides", p.name)
			}
		})
	}
}

// noTemplateLaunch is a launch without a launch template of the test image into the connection's
// subnet with its security group, the given resource types tagged as the connection's.
func noTemplateLaunch(w *world, tagged ...ec2types.ResourceType) *ec2.RunInstancesInput {
	in := &ec2.RunInstancesInput{ImageId: aws.String(image), SubnetId: aws.String(w.subnets.ours), SecurityGroupIds: []string{w.groups.ours}}
	for _, rt := range tagged {
		in.TagSpecifications = append(in.TagSpecifications, ec2Tags(rt, connTags(connID))...)
	}
	return in
}
