package network

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// The workspaces' security group admits traffic only from its own members and lets them reach
// anything outbound (through the NAT gateway or the S3 endpoint): nothing from the internet.

// securityGroupRules lists a group's rules.
func (r *networkRun) securityGroupRules(ctx context.Context, groupID string) ([]ec2types.SecurityGroupRule, error) {
	var rules []ec2types.SecurityGroupRule
	pages := ec2.NewDescribeSecurityGroupRulesPaginator(r.ec2, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{groupID}}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, lakesail.Classify("ec2:DescribeSecurityGroupRules", err)
		}
		rules = append(rules, page.SecurityGroupRules...)
	}
	return rules, nil
}

// isSelfIngress is the one inbound rule: all traffic from members of the group.
func isSelfIngress(rule ec2types.SecurityGroupRule, groupID string) bool {
	return !aws.ToBool(rule.IsEgress) && aws.ToString(rule.IpProtocol) == "-1" &&
		rule.ReferencedGroupInfo != nil && aws.ToString(rule.ReferencedGroupInfo.GroupId) == groupID
}

// isOpenEgress is the one outbound rule: all traffic to anywhere over IPv4.
func isOpenEgress(rule ec2types.SecurityGroupRule) bool {
	return aws.ToBool(rule.IsEgress) && aws.ToString(rule.IpProtocol) == "-1" && aws.ToString(rule.CidrIpv4) == defaultRoute
}

// securityGroupDrift compares a group's rules with the two it should have.
type securityGroupDrift struct {
	missingSelfIngress, missingOpenEgress bool
	extraIngress, extraEgress             []ec2types.SecurityGroupRule
}

func compareSecurityGroupRules(groupID string, rules []ec2types.SecurityGroupRule) securityGroupDrift {
	d := securityGroupDrift{missingSelfIngress: true, missingOpenEgress: true}
	for _, rule := range rules {
		switch {
		case isSelfIngress(rule, groupID):
			d.missingSelfIngress = false
		case isOpenEgress(rule):
			d.missingOpenEgress = false
		case aws.ToBool(rule.IsEgress):
			d.extraEgress = append(d.extraEgress, rule)
		default:
			d.extraIngress = append(d.extraIngress, rule)
		}
	}
	return d
}

func (d securityGroupDrift) describe(what string) []string {
	var out []string
	if d.missingSelfIngress {
		out = append(out, what+": the rule admitting its own members is missing")
	}
	if d.missingOpenEgress {
		out = append(out, what+": the outbound rule is missing")
	}
	for _, rule := range d.extraIngress {
		source := aws.ToString(rule.CidrIpv4) + aws.ToString(rule.CidrIpv6) + aws.ToString(rule.PrefixListId)
		if rule.ReferencedGroupInfo != nil {
			source += aws.ToString(rule.ReferencedGroupInfo.GroupId)
		}
		out = append(out, what+": inbound rule "+aws.ToString(rule.SecurityGroupRuleId)+" from "+source+" was added")
	}
	for _, rule := range d.extraEgress {
		out = append(out, what+": outbound rule "+aws.ToString(rule.SecurityGroupRuleId)+" was added")
	}
	return out
}

func (b *networkBuild) ensureSecurityGroup(ctx context.Context, vpcID string) error {
	name := b.plan.securityGroupName()
	b.inv.mu.Lock()
	sg, ok := b.inv.securityGroups[name]
	b.inv.mu.Unlock()
	var groupID string
	var rules []ec2types.SecurityGroupRule
	if ok {
		groupID = aws.ToString(sg.GroupId)
		var err error
		if rules, err = b.r.securityGroupRules(ctx, groupID); err != nil {
			return lakesail.WrapStep(err, "reading the rules of security group %s", groupID)
		}
	} else {
		out, err := b.r.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName:         aws.String(name),
			VpcId:             aws.String(vpcID),
			Description:       aws.String("LakeSail workspaces of network " + b.r.spec.NetworkID + ": traffic between members only; no inbound from outside"),
			TagSpecifications: tagOnCreate(ec2types.ResourceTypeSecurityGroup, b.r.objectTags(name, nil)),
		})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:CreateSecurityGroup", err), "creating security group %s", name)
		}
		groupID = aws.ToString(out.GroupId)
		// A new group comes with the open outbound rule only.
		rules = []ec2types.SecurityGroupRule{{IsEgress: aws.Bool(true), IpProtocol: aws.String("-1"), CidrIpv4: aws.String(defaultRoute)}}
	}
	b.note(func(n *Network) { n.SecurityGroupID = groupID })
	return b.repairSecurityGroupRules(ctx, groupID, compareSecurityGroupRules(groupID, rules))
}

func (b *networkBuild) repairSecurityGroupRules(ctx context.Context, groupID string, d securityGroupDrift) error {
	ruleTags := tagOnCreate(ec2types.ResourceTypeSecurityGroupRule, b.r.objectTags(b.plan.securityGroupName(), nil))
	allTraffic := func(peer ec2types.IpPermission) []ec2types.IpPermission {
		peer.IpProtocol = aws.String("-1")
		return []ec2types.IpPermission{peer}
	}
	if ids := ruleIDs(d.extraIngress); len(ids) > 0 {
		_, err := b.r.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(groupID), SecurityGroupRuleIds: ids})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:RevokeSecurityGroupIngress", err), "removing inbound rules %v from security group %s", ids, groupID)
		}
	}
	if ids := ruleIDs(d.extraEgress); len(ids) > 0 {
		_, err := b.r.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(groupID), SecurityGroupRuleIds: ids})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:RevokeSecurityGroupEgress", err), "removing outbound rules %v from security group %s", ids, groupID)
		}
	}
	if d.missingSelfIngress {
		_, err := b.r.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
			GroupId:           aws.String(groupID),
			IpPermissions:     allTraffic(ec2types.IpPermission{UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(groupID), Description: aws.String("members of the group")}}}),
			TagSpecifications: ruleTags,
		})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:AuthorizeSecurityGroupIngress", err), "admitting members of security group %s", groupID)
		}
	}
	if d.missingOpenEgress {
		_, err := b.r.ec2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{
			GroupId:           aws.String(groupID),
			IpPermissions:     allTraffic(ec2types.IpPermission{IpRanges: []ec2types.IpRange{{CidrIp: aws.String(defaultRoute), Description: aws.String("outbound through the NAT gateway")}}}),
			TagSpecifications: ruleTags,
		})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("ec2:AuthorizeSecurityGroupEgress", err), "restoring the outbound rule of security group %s", groupID)
		}
	}
	return nil
}

func ruleIDs(rules []ec2types.SecurityGroupRule) []string {
	var ids []string
	for _, rule := range rules {
		ids = append(ids, aws.ToString(rule.SecurityGroupRuleId))
	}
	return ids
}
