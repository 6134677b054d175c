package awsemu

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestEmuEKSAccessEntries(t *testing.T) {
	e, clock := newTestEmu(t, Options{TransitionDelay: eksTestDelay})
	role, _, net := eksFixture(t, e)
	root := iamClient(e, e.RootCredentials())
	admin := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("admin"), Path: aws.String("/teams/")}, "")

	// The creator, a role session, gets an access entry with cluster admin when EKS bootstraps one.
	creator := eksSession(t, e, "creator", doc(allow([]string{"eks:*", "iam:PassRole", "iam:CreateServiceLinkedRole"}, "*")))
	in := eksClusterInput("ae", role, net)
	in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApiAndConfigMap}
	eksUpCluster(t, creator, clock, in)
	c := eksClient(e, e.RootCredentials())
	cluster := aws.String("ae")
	creatorARN := "arn:aws:iam::123456789012:role/creator"
	entries, err := c.ListAccessEntries(bg, &eks.ListAccessEntriesInput{ClusterName: cluster})
	must(t, err)
	if fmt.Sprint(entries.AccessEntries) != "["+creatorARN+"]" {
		t.Fatalf("entries = %v", entries.AccessEntries)
	}
	pol, err := c.ListAssociatedAccessPolicies(bg, &eks.ListAssociatedAccessPoliciesInput{ClusterName: cluster, PrincipalArn: aws.String(creatorARN)})
	must(t, err)
	if len(pol.AssociatedAccessPolicies) != 1 || *pol.AssociatedAccessPolicies[0].PolicyArn != eksClusterAdminPolicy {
		t.Fatalf("creator policies = %+v", pol.AssociatedAccessPolicies)
	}

	created, err := c.CreateAccessEntry(bg, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn,
		KubernetesGroups: []string{"lakesail-admins"}, Tags: map[string]string{"LakeSail-Workspace": "ws1"}})
	must(t, err)
	ae := created.AccessEntry
	if *ae.Username != "arn:aws:sts::123456789012:assumed-role/admin/{{SessionName}}" || *ae.Type != "STANDARD" ||
		fmt.Sprint(ae.KubernetesGroups) != "[lakesail-admins]" {
		t.Fatalf("entry = %+v", ae)
	}
	wantContains(t, *ae.AccessEntryArn, "arn:aws:eks:us-east-1:123456789012:access-entry/ae/role/123456789012/admin/")
	_, err = c.CreateAccessEntry(bg, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn})
	wantCode(t, err, "ResourceInUseException")
	for name, p := range map[string]string{
		"session ARN":  "arn:aws:sts::123456789012:assumed-role/admin/s",
		"missing role": "arn:aws:iam::123456789012:role/nope",
	} {
		if _, err := c.CreateAccessEntry(bg, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(p)}); errCode(err) != "InvalidParameterException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = c.CreateAccessEntry(bg, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String("arn:aws:iam::123456789012:role/eks-node"), KubernetesGroups: []string{"system:masters"}})
	wantCode(t, err, "InvalidParameterException")

	d, err := c.DescribeAccessEntry(bg, &eks.DescribeAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn})
	must(t, err)
	if d.AccessEntry.Tags["LakeSail-Workspace"] != "ws1" {
		t.Fatalf("describe = %+v", d.AccessEntry)
	}
	upd, err := c.UpdateAccessEntry(bg, &eks.UpdateAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn, KubernetesGroups: []string{"a", "b"}})
	must(t, err)
	if fmt.Sprint(upd.AccessEntry.KubernetesGroups) != "[a b]" {
		t.Fatalf("updated = %+v", upd.AccessEntry)
	}

	view := eksAccessPolicyPrefix + "AmazonEKSViewPolicy"
	as, err := c.AssociateAccessPolicy(bg, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(view),
		AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: []string{"lakesail"}}})
	must(t, err)
	if *as.AssociatedAccessPolicy.PolicyArn != view || fmt.Sprint(as.AssociatedAccessPolicy.AccessScope.Namespaces) != "[lakesail]" {
		t.Fatalf("associated = %+v", as.AssociatedAccessPolicy)
	}
	_, err = c.AssociateAccessPolicy(bg, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(view),
		AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace}})
	wantCode(t, err, "InvalidParameterException")
	_, err = c.AssociateAccessPolicy(bg, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(eksAccessPolicyPrefix + "Root"),
		AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
	wantCode(t, err, "InvalidParameterException")
	filtered, err := c.ListAccessEntries(bg, &eks.ListAccessEntriesInput{ClusterName: cluster, AssociatedPolicyArn: aws.String(view)})
	must(t, err)
	if fmt.Sprint(filtered.AccessEntries) != "["+*admin.Arn+"]" {
		t.Fatalf("filtered = %v", filtered.AccessEntries)
	}
	_, err = c.DisassociateAccessPolicy(bg, &eks.DisassociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(view)})
	must(t, err)
	_, err = c.DisassociateAccessPolicy(bg, &eks.DisassociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(view)})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = c.DeleteAccessEntry(bg, &eks.DeleteAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn})
	must(t, err)
	_, err = c.DescribeAccessEntry(bg, &eks.DescribeAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn})
	wantCode(t, err, "ResourceNotFoundException")

	// A CONFIG_MAP cluster has no access entries, and its creator gets none.
	eksUpCluster(t, c, clock, eksClusterInput("cm", role, net))
	_, err = c.CreateAccessEntry(bg, &eks.CreateAccessEntryInput{ClusterName: aws.String("cm"), PrincipalArn: admin.Arn})
	wantCode(t, err, "InvalidRequestException")
}

func TestEmuEKSTags(t *testing.T) {
	e, clock := newTestEmu(t, Options{TransitionDelay: eksTestDelay})
	role, nodeRole, net := eksFixture(t, e)
	c := eksClient(e, e.RootCredentials())
	cl := eksUpCluster(t, c, clock, eksClusterInput("tg", role, net))
	ng, err := c.CreateNodegroup(bg, &eks.CreateNodegroupInput{ClusterName: aws.String("tg"), NodegroupName: aws.String("n"), NodeRole: aws.String(nodeRole),
		Subnets: net.subnets[:1], Tags: map[string]string{"a": "1"}})
	must(t, err)
	for _, arn := range []string{*cl.Arn, *ng.Nodegroup.NodegroupArn} {
		_, err = c.TagResource(bg, &eks.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"b": "2", "c": "3"}})
		must(t, err)
		_, err = c.UntagResource(bg, &eks.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"c", "absent"}})
		must(t, err)
		got, err := c.ListTagsForResource(bg, &eks.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		must(t, err)
		if got.Tags["b"] != "2" || got.Tags["c"] != "" {
			t.Fatalf("%s tags = %v", arn, got.Tags)
		}
	}
	_, err = c.ListTagsForResource(bg, &eks.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:eks:us-east-1:123456789012:cluster/nope")})
	wantCode(t, err, "NotFoundException")
	_, err = c.TagResource(bg, &eks.TagResourceInput{ResourceArn: aws.String("arn:aws:s3:::bucket"), Tags: map[string]string{"a": "b"}})
	wantCode(t, err, "BadRequestException")
	_, err = c.TagResource(bg, &eks.TagResourceInput{ResourceArn: cl.Arn, Tags: map[string]string{"aws:x": "b"}})
	wantCode(t, err, "BadRequestException")
}
