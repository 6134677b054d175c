package ec2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func ec2TCP(port int32, cidrs ...string) ec2types.IpPermission {
	p := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port)}
	for _, c := range cidrs {
		p.IpRanges = append(p.IpRanges, ec2types.IpRange{CidrIp: aws.String(c), Description: aws.String("from " + c)})
	}
	return p
}

func TestEmuEC2SecurityGroupRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.Ec2Client(e, e.RootCredentials())
	vpc := emutest.Ec2MakeVpc(t, c, "")
	created, err := c.CreateSecurityGroup(emutest.Bg, &ec2.CreateSecurityGroupInput{GroupName: aws.String("lakesail-workspaces"), Description: aws.String("workspaces"),
		VpcId: aws.String(vpc), TagSpecifications: emutest.Ec2TagsOn(ec2types.ResourceTypeSecurityGroup, "LakeSail-Network", "N1")})
	emutest.Must(t, err)
	sg := *created.GroupId
	if !ec2IDPattern.MatchString(sg) || sg[:3] != "sg-" || *created.SecurityGroupArn != "arn:aws:ec2:us-east-1:123456789012:security-group/"+sg ||
		emutest.Ec2TagValue(created.Tags, "LakeSail-Network") != "N1" {
		t.Fatalf("CreateSecurityGroup = %+v", created)
	}
	_, err = c.CreateSecurityGroup(emutest.Bg, &ec2.CreateSecurityGroupInput{GroupName: aws.String("lakesail-workspaces"), Description: aws.String("x"), VpcId: aws.String(vpc)})
	emutest.WantCode(t, err, "InvalidGroup.Duplicate")
	peer, err := c.CreateSecurityGroup(emutest.Bg, &ec2.CreateSecurityGroupInput{GroupName: aws.String("peer"), Description: aws.String("peer"), VpcId: aws.String(vpc)})
	emutest.Must(t, err)

	// Ingress from a CIDR and from a referenced group; duplicates are refused.
	groupPerm := ec2types.IpPermission{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: peer.GroupId}}}
	auth, err := c.AuthorizeSecurityGroupIngress(emutest.Bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{ec2TCP(443, "10.0.0.0/16", "192.168.0.0/24"), groupPerm}})
	emutest.Must(t, err)
	if !*auth.Return || len(auth.SecurityGroupRules) != 3 || *auth.SecurityGroupRules[0].CidrIpv4 != "10.0.0.0/16" ||
		*auth.SecurityGroupRules[0].FromPort != 443 || *auth.SecurityGroupRules[2].ReferencedGroupInfo.GroupId != *peer.GroupId ||
		(*auth.SecurityGroupRules[0].SecurityGroupRuleId)[:4] != "sgr-" || *auth.SecurityGroupRules[0].IsEgress {
		t.Fatalf("AuthorizeSecurityGroupIngress = %+v", auth)
	}
	_, err = c.AuthorizeSecurityGroupIngress(emutest.Bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg), IpPermissions: []ec2types.IpPermission{ec2TCP(443, "10.0.0.0/16")}})
	emutest.WantCode(t, err, "InvalidPermission.Duplicate")
	emutest.WantContains(t, emutest.ErrMessage(err), `the specified rule "peer: 10.0.0.0/16, TCP, from port: 443, to port: 443, ALLOW" already exists`)
	_, err = c.AuthorizeSecurityGroupIngress(emutest.Bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-00000000000000000")}}}}})
	emutest.WantCode(t, err, "InvalidGroup.NotFound")
	_, err = c.AuthorizeSecurityGroupIngress(emutest.Bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	emutest.WantCode(t, err, "InvalidParameterValue") // TCP without ports
	_, err = c.AuthorizeSecurityGroupEgress(emutest.Bg, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	emutest.WantCode(t, err, "InvalidPermission.Duplicate") // the default egress rule

	// Describe groups the rules into permissions; filters by name and VPC.
	got, err := c.DescribeSecurityGroups(emutest.Bg, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{emutest.Ec2F("group-name", "lakesail-*"), emutest.Ec2F("vpc-id", vpc)}})
	emutest.Must(t, err)
	if len(got.SecurityGroups) != 1 {
		t.Fatalf("DescribeSecurityGroups = %+v", got.SecurityGroups)
	}
	g := got.SecurityGroups[0]
	if len(g.IpPermissions) != 2 || len(g.IpPermissions[0].IpRanges) != 2 || *g.IpPermissions[0].IpRanges[1].Description != "from 192.168.0.0/24" ||
		*g.IpPermissions[1].IpProtocol != "-1" || g.IpPermissions[1].FromPort != nil || *g.IpPermissions[1].UserIdGroupPairs[0].UserId != awsemu.DefaultAccountID ||
		len(g.IpPermissionsEgress) != 1 || *g.IpPermissionsEgress[0].IpRanges[0].CidrIp != "0.0.0.0/0" || *g.Description != "workspaces" {
		t.Fatalf("security group = %+v", g)
	}
	byPort, err := c.DescribeSecurityGroups(emutest.Bg, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{emutest.Ec2F("ip-permission.from-port", "443")}})
	emutest.Must(t, err)
	if len(byPort.SecurityGroups) != 1 {
		t.Fatalf("ip-permission.from-port filter = %d groups", len(byPort.SecurityGroups))
	}
	_, err = c.DescribeSecurityGroups(emutest.Bg, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidGroup.NotFound")

	rules, err := c.DescribeSecurityGroupRules(emutest.Bg, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{emutest.Ec2F("group-id", sg)}})
	emutest.Must(t, err)
	if len(rules.SecurityGroupRules) != 4 { // three ingress and the default egress
		t.Fatalf("DescribeSecurityGroupRules = %d rules", len(rules.SecurityGroupRules))
	}

	// A referenced group cannot be deleted; the VPC cannot go while groups remain.
	_, err = c.DeleteSecurityGroup(emutest.Bg, &ec2.DeleteSecurityGroupInput{GroupId: peer.GroupId})
	emutest.WantCode(t, err, "DependencyViolation")
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.WantCode(t, err, "DependencyViolation")

	// Revoke by permission and by rule id; unknown rules are InvalidPermission.NotFound.
	_, err = c.RevokeSecurityGroupIngress(emutest.Bg, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(sg), IpPermissions: []ec2types.IpPermission{groupPerm}})
	emutest.Must(t, err)
	_, err = c.RevokeSecurityGroupIngress(emutest.Bg, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(sg), IpPermissions: []ec2types.IpPermission{groupPerm}})
	emutest.WantCode(t, err, "InvalidPermission.NotFound")
	partial, err := c.RevokeSecurityGroupIngress(emutest.Bg, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(sg), IpPermissions: []ec2types.IpPermission{ec2TCP(443, "10.0.0.0/16", "172.16.0.0/12")}})
	emutest.Must(t, err)
	if len(partial.UnknownIpPermissions) != 1 || *partial.UnknownIpPermissions[0].IpRanges[0].CidrIp != "172.16.0.0/12" {
		t.Fatalf("partial revoke = %+v", partial)
	}
	_, err = c.RevokeSecurityGroupIngress(emutest.Bg, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(sg), SecurityGroupRuleIds: []string{*auth.SecurityGroupRules[1].SecurityGroupRuleId}})
	emutest.Must(t, err)
	_, err = c.RevokeSecurityGroupEgress(emutest.Bg, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	emutest.Must(t, err)
	_, err = c.RevokeSecurityGroupEgress(emutest.Bg, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(sg), SecurityGroupRuleIds: []string{"sgr-00000000000000000"}})
	emutest.WantCode(t, err, "InvalidSecurityGroupRuleId.NotFound")
	rules, err = c.DescribeSecurityGroupRules(emutest.Bg, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{emutest.Ec2F("group-id", sg)}})
	emutest.Must(t, err)
	if len(rules.SecurityGroupRules) != 0 {
		t.Fatalf("rules left = %+v", rules.SecurityGroupRules)
	}

	// The default group cannot be deleted; the others can.
	def, err := c.DescribeSecurityGroups(emutest.Bg, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{emutest.Ec2F("vpc-id", vpc), emutest.Ec2F("group-name", "default")}})
	emutest.Must(t, err)
	_, err = c.DeleteSecurityGroup(emutest.Bg, &ec2.DeleteSecurityGroupInput{GroupId: def.SecurityGroups[0].GroupId})
	emutest.WantCode(t, err, "CannotDelete")
	for _, id := range []string{*peer.GroupId, sg} {
		_, err = c.DeleteSecurityGroup(emutest.Bg, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
		emutest.Must(t, err)
	}
	_, err = c.DeleteSecurityGroup(emutest.Bg, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(sg)})
	emutest.WantCode(t, err, "InvalidGroup.NotFound")
	_, err = c.DeleteVpc(emutest.Bg, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)})
	emutest.Must(t, err)
}
