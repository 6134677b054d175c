package eks_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuEKSAccessEntries(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	root := emutest.IamClient(e, e.RootCredentials())
	admin := emutest.CreateRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("admin"), Path: aws.String("/teams/")}, "")

	// The creator, a role session, gets an access entry with cluster admin when EKS bootstraps one.
	creator := emutest.EksSession(t, e, "creator", emutest.Doc(emutest.Allow([]string{"eks:*", "iam:PassRole", "iam:CreateServiceLinkedRole"}, "*")))
	in := emutest.EksClusterInput("ae", role, net)
	in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApiAndConfigMap}
	emutest.EksUpCluster(t, creator, clock, in)
	c := emutest.EksClient(e, e.RootCredentials())
	cluster := aws.String("ae")
	creatorARN := "arn:aws:iam::123456789012:role/creator"
	entries, err := c.ListAccessEntries(emutest.Bg, &eks.ListAccessEntriesInput{ClusterName: cluster})
	emutest.Must(t, err)
	if fmt.Sprint(entries.AccessEntries) != "["+creatorARN+"]" {
		t.Fatalf("entries = %v", entries.AccessEntries)
	}
	pol, err := c.ListAssociatedAccessPolicies(emutest.Bg, &eks.ListAssociatedAccessPoliciesInput{ClusterName: cluster, PrincipalArn: aws.String(creatorARN)})
	emutest.Must(t, err)
	if len(pol.AssociatedAccessPolicies) != 1 || *pol.AssociatedAccessPolicies[0].PolicyArn != emutest.EksClusterAdminPolicy {
		t.Fatalf("creator policies = %+v", pol.AssociatedAccessPolicies)
	}

	created, err := c.CreateAccessEntry(emutest.Bg, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn,
		KubernetesGroups: []string{"lakesail-admins"}, Tags: map[string]string{"LakeSail-Workspace": "ws1"}})
	emutest.Must(t, err)
	ae := created.AccessEntry
	if *ae.Username != "arn:aws:sts::123456789012:assumed-role/admin/{{SessionName}}" || *ae.Type != "STANDARD" ||
		fmt.Sprint(ae.KubernetesGroups) != "[lakesail-admins]" {
		t.Fatalf("entry = %+v", ae)
	}
	emutest.WantContains(t, *ae.AccessEntryArn, "arn:aws:eks:us-east-1:123456789012:access-entry/ae/role/123456789012/admin/")
	_, err = c.CreateAccessEntry(emutest.Bg, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn})
	emutest.WantCode(t, err, "ResourceInUseException")
	for name, p := range map[string]string{
		"session ARN":  "arn:aws:sts::123456789012:assumed-role/admin/s",
		"missing role": "arn:aws:iam::123456789012:role/nope",
	} {
		if _, err := c.CreateAccessEntry(emutest.Bg, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(p)}); emutest.ErrCode(err) != "InvalidParameterException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = c.CreateAccessEntry(emutest.Bg, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String("arn:aws:iam::123456789012:role/eks-node"), KubernetesGroups: []string{"system:masters"}})
	emutest.WantCode(t, err, "InvalidParameterException")

	d, err := c.DescribeAccessEntry(emutest.Bg, &eks.DescribeAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn})
	emutest.Must(t, err)
	if d.AccessEntry.Tags["LakeSail-Workspace"] != "ws1" {
		t.Fatalf("describe = %+v", d.AccessEntry)
	}
	upd, err := c.UpdateAccessEntry(emutest.Bg, &eks.UpdateAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn, KubernetesGroups: []string{"a", "b"}})
	emutest.Must(t, err)
	if fmt.Sprint(upd.AccessEntry.KubernetesGroups) != "[a b]" {
		t.Fatalf("updated = %+v", upd.AccessEntry)
	}

	view := emutest.EksAccessPolicyPrefix + "AmazonEKSViewPolicy"
	as, err := c.AssociateAccessPolicy(emutest.Bg, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(view),
		AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: []string{"lakesail"}}})
	emutest.Must(t, err)
	if *as.AssociatedAccessPolicy.PolicyArn != view || fmt.Sprint(as.AssociatedAccessPolicy.AccessScope.Namespaces) != "[lakesail]" {
		t.Fatalf("associated = %+v", as.AssociatedAccessPolicy)
	}
	_, err = c.AssociateAccessPolicy(emutest.Bg, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(view),
		AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace}})
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = c.AssociateAccessPolicy(emutest.Bg, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(emutest.EksAccessPolicyPrefix + "Root"),
		AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
	emutest.WantCode(t, err, "InvalidParameterException")
	filtered, err := c.ListAccessEntries(emutest.Bg, &eks.ListAccessEntriesInput{ClusterName: cluster, AssociatedPolicyArn: aws.String(view)})
	emutest.Must(t, err)
	if fmt.Sprint(filtered.AccessEntries) != "["+*admin.Arn+"]" {
		t.Fatalf("filtered = %v", filtered.AccessEntries)
	}
	_, err = c.DisassociateAccessPolicy(emutest.Bg, &eks.DisassociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(view)})
	emutest.Must(t, err)
	_, err = c.DisassociateAccessPolicy(emutest.Bg, &eks.DisassociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: admin.Arn, PolicyArn: aws.String(view)})
	emutest.WantCode(t, err, "ResourceNotFoundException")
	_, err = c.DeleteAccessEntry(emutest.Bg, &eks.DeleteAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn})
	emutest.Must(t, err)
	_, err = c.DescribeAccessEntry(emutest.Bg, &eks.DescribeAccessEntryInput{ClusterName: cluster, PrincipalArn: admin.Arn})
	emutest.WantCode(t, err, "ResourceNotFoundException")

	// A CONFIG_MAP cluster has no access entries, and its creator gets none.
	emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("cm", role, net))
	_, err = c.CreateAccessEntry(emutest.Bg, &eks.CreateAccessEntryInput{ClusterName: aws.String("cm"), PrincipalArn: admin.Arn})
	emutest.WantCode(t, err, "InvalidRequestException")
}

func TestEmuEKSTags(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, nodeRole, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	cl := emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("tg", role, net))
	ng, err := c.CreateNodegroup(emutest.Bg, &eks.CreateNodegroupInput{ClusterName: aws.String("tg"), NodegroupName: aws.String("n"), NodeRole: aws.String(nodeRole),
		Subnets: net.Subnets[:1], Tags: map[string]string{"a": "1"}})
	emutest.Must(t, err)
	for _, arn := range []string{*cl.Arn, *ng.Nodegroup.NodegroupArn} {
		_, err = c.TagResource(emutest.Bg, &eks.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"b": "2", "c": "3"}})
		emutest.Must(t, err)
		_, err = c.UntagResource(emutest.Bg, &eks.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"c", "absent"}})
		emutest.Must(t, err)
		got, err := c.ListTagsForResource(emutest.Bg, &eks.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		emutest.Must(t, err)
		if got.Tags["b"] != "2" || got.Tags["c"] != "" {
			t.Fatalf("%s tags = %v", arn, got.Tags)
		}
	}
	_, err = c.ListTagsForResource(emutest.Bg, &eks.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:eks:us-east-1:123456789012:cluster/nope")})
	emutest.WantCode(t, err, "NotFoundException")
	_, err = c.TagResource(emutest.Bg, &eks.TagResourceInput{ResourceArn: aws.String("arn:aws:s3:::bucket"), Tags: map[string]string{"a": "b"}})
	emutest.WantCode(t, err, "BadRequestException")
	_, err = c.TagResource(emutest.Bg, &eks.TagResourceInput{ResourceArn: cl.Arn, Tags: map[string]string{"aws:x": "b"}})
	emutest.WantCode(t, err, "BadRequestException")
}
