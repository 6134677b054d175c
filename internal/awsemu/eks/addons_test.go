package eks_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func waitAddon(t *testing.T, c *eks.Client, clock *awsemu.Clock, cluster, name string, deleted bool) []string {
	t.Helper()
	var seen []string
	in := &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String(name)}
	state := func(out *eks.DescribeAddonOutput) string { return string(out.Addon.Status) }
	if deleted {
		w := eks.NewAddonDeletedWaiter(c, func(o *eks.AddonDeletedWaiterOptions) {
			o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
			o.Retryable = emutest.Stepper(clock, emutest.EksTestDelay/3, &seen, state, o.Retryable)
		})
		emutest.Must(t, w.Wait(emutest.Bg, in, 10*time.Second))
		return seen
	}
	w := eks.NewAddonActiveWaiter(c, func(o *eks.AddonActiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
		o.Retryable = emutest.Stepper(clock, emutest.EksTestDelay/3, &seen, state, o.Retryable)
	})
	emutest.Must(t, w.Wait(emutest.Bg, in, 10*time.Second))
	return seen
}

func TestEmuEKSAddonVersions(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.EksClient(e, e.RootCredentials())
	var names []string
	p := eks.NewDescribeAddonVersionsPaginator(c, &eks.DescribeAddonVersionsInput{KubernetesVersion: aws.String("1.33"), MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(emutest.Bg)
		emutest.Must(t, err)
		pages++
		for _, a := range page.Addons {
			names = append(names, *a.AddonName)
		}
	}
	if pages != 3 || fmt.Sprint(names) != "[coredns kube-proxy vpc-cni aws-ebs-csi-driver eks-pod-identity-agent]" {
		t.Fatalf("pages=%d addons=%v", pages, names)
	}
	out, err := c.DescribeAddonVersions(emutest.Bg, &eks.DescribeAddonVersionsInput{KubernetesVersion: aws.String("1.31"), AddonName: aws.String("coredns")})
	emutest.Must(t, err)
	if len(out.Addons) != 1 {
		t.Fatalf("coredns = %+v", out.Addons)
	}
	var defaults []string
	for _, v := range out.Addons[0].AddonVersions {
		if len(v.Compatibilities) != 1 || *v.Compatibilities[0].ClusterVersion != "1.31" {
			t.Fatalf("compatibilities = %+v", v.Compatibilities)
		}
		if v.Compatibilities[0].DefaultVersion {
			defaults = append(defaults, *v.AddonVersion)
		}
	}
	if len(out.Addons[0].AddonVersions) < 2 || fmt.Sprint(defaults) != "[v1.11.4-eksbuild.2]" {
		t.Fatalf("1.31 coredns versions = %+v defaults %v", out.Addons[0].AddonVersions, defaults)
	}
	storage, err := c.DescribeAddonVersions(emutest.Bg, &eks.DescribeAddonVersionsInput{Types: []string{"storage"}})
	emutest.Must(t, err)
	if len(storage.Addons) != 1 || *storage.Addons[0].AddonName != "aws-ebs-csi-driver" || !storage.Addons[0].AddonVersions[0].RequiresIamPermissions {
		t.Fatalf("storage add-ons = %+v", storage.Addons)
	}
}

func TestEmuEKSAddonLifecycle(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	irsa := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("ebs-csi")}, "")
	c := emutest.EksClient(e, e.RootCredentials())
	in := emutest.EksClusterInput("ad", role, net)
	in.Version = aws.String("1.32")
	emutest.EksUpCluster(t, c, clock, in)
	cluster := aws.String("ad")

	created, err := c.CreateAddon(emutest.Bg, &eks.CreateAddonInput{ClusterName: cluster, AddonName: aws.String("coredns")})
	emutest.Must(t, err)
	if *created.Addon.AddonVersion != "v1.11.4-eksbuild.14" || created.Addon.Status != ekstypes.AddonStatusCreating {
		t.Fatalf("default coredns = %s %s", *created.Addon.AddonVersion, created.Addon.Status)
	}
	emutest.WantContains(t, *created.Addon.AddonArn, "arn:aws:eks:us-east-1:123456789012:addon/ad/coredns/")
	emutest.WantSeen(t, waitAddon(t, c, clock, "ad", "coredns", false), "CREATING", "ACTIVE")
	_, err = c.CreateAddon(emutest.Bg, &eks.CreateAddonInput{ClusterName: cluster, AddonName: aws.String("coredns")})
	emutest.WantCode(t, err, "ResourceInUseException")

	_, err = c.CreateAddon(emutest.Bg, &eks.CreateAddonInput{ClusterName: cluster, AddonName: aws.String("vpc-cni"), AddonVersion: aws.String("v1.18.6-eksbuild.1"),
		ConfigurationValues: aws.String(`{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}`), ResolveConflicts: ekstypes.ResolveConflictsOverwrite})
	emutest.Must(t, err)
	_, err = c.CreateAddon(emutest.Bg, &eks.CreateAddonInput{ClusterName: cluster, AddonName: aws.String("aws-ebs-csi-driver"), ServiceAccountRoleArn: irsa.Arn,
		Tags: map[string]string{"LakeSail-Workspace": "ws1"}})
	emutest.Must(t, err)
	for name, in := range map[string]*eks.CreateAddonInput{
		"unknown add-on":  {ClusterName: cluster, AddonName: aws.String("istio")},
		"wrong k8s":       {ClusterName: cluster, AddonName: aws.String("kube-proxy"), AddonVersion: aws.String("v1.33.0-eksbuild.2")},
		"not json config": {ClusterName: cluster, AddonName: aws.String("kube-proxy"), ConfigurationValues: aws.String("{nope")},
	} {
		if _, err := c.CreateAddon(emutest.Bg, in); emutest.ErrCode(err) != "InvalidParameterException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	waitAddon(t, c, clock, "ad", "vpc-cni", false)
	list, err := c.ListAddons(emutest.Bg, &eks.ListAddonsInput{ClusterName: cluster})
	emutest.Must(t, err)
	if fmt.Sprint(list.Addons) != "[aws-ebs-csi-driver coredns vpc-cni]" {
		t.Fatalf("add-ons = %v", list.Addons)
	}
	d, err := c.DescribeAddon(emutest.Bg, &eks.DescribeAddonInput{ClusterName: cluster, AddonName: aws.String("aws-ebs-csi-driver")})
	emutest.Must(t, err)
	if *d.Addon.ServiceAccountRoleArn != *irsa.Arn || d.Addon.Tags["LakeSail-Workspace"] != "ws1" || *d.Addon.AddonVersion != "v1.43.0-eksbuild.1" {
		t.Fatalf("ebs add-on = %+v", d.Addon)
	}

	// Upgrade, never downgrade.
	up, err := c.UpdateAddon(emutest.Bg, &eks.UpdateAddonInput{ClusterName: cluster, AddonName: aws.String("vpc-cni"), AddonVersion: aws.String("v1.19.5-eksbuild.1")})
	emutest.Must(t, err)
	if up.Update.Type != ekstypes.UpdateTypeAddonUpdate {
		t.Fatalf("update = %+v", up.Update)
	}
	emutest.WantSeen(t, waitAddon(t, c, clock, "ad", "vpc-cni", false), "UPDATING", "ACTIVE")
	d, err = c.DescribeAddon(emutest.Bg, &eks.DescribeAddonInput{ClusterName: cluster, AddonName: aws.String("vpc-cni")})
	emutest.Must(t, err)
	if *d.Addon.AddonVersion != "v1.19.5-eksbuild.1" || *d.Addon.ConfigurationValues == "" {
		t.Fatalf("after update = %+v", d.Addon)
	}
	_, err = c.UpdateAddon(emutest.Bg, &eks.UpdateAddonInput{ClusterName: cluster, AddonName: aws.String("vpc-cni"), AddonVersion: aws.String("v1.19.2-eksbuild.1")})
	emutest.WantCode(t, err, "InvalidParameterException")
	du, err := c.DescribeUpdate(emutest.Bg, &eks.DescribeUpdateInput{Name: cluster, UpdateId: up.Update.Id, AddonName: aws.String("vpc-cni")})
	emutest.Must(t, err)
	if du.Update.Status != ekstypes.UpdateStatusSuccessful {
		t.Fatalf("add-on update = %s", du.Update.Status)
	}

	del, err := c.DeleteAddon(emutest.Bg, &eks.DeleteAddonInput{ClusterName: cluster, AddonName: aws.String("coredns"), Preserve: true})
	emutest.Must(t, err)
	if del.Addon.Status != ekstypes.AddonStatusDeleting {
		t.Fatalf("deleting = %s", del.Addon.Status)
	}
	emutest.WantSeen(t, waitAddon(t, c, clock, "ad", "coredns", true), "DELETING", "ResourceNotFoundException")
	_, err = c.DescribeAddon(emutest.Bg, &eks.DescribeAddonInput{ClusterName: cluster, AddonName: aws.String("coredns")})
	emutest.WantCode(t, err, "ResourceNotFoundException")

	// Add-ons go with their cluster.
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: cluster})
	emutest.Must(t, err)
	emutest.WaitClusterDeleted(t, c, clock, "ad")
}
