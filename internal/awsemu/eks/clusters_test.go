package eks_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuEKSClusterLifecycle(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	logs := emutest.LogsClient(e, e.RootCredentials())

	// The log group is created first, tagged and with retention, so EKS must reuse it.
	group := "/aws/eks/lakesail-c1/cluster"
	_, err := logs.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group), Tags: map[string]string{"LakeSail-Workspace": "ws1"}})
	emutest.Must(t, err)
	_, err = logs.PutRetentionPolicy(emutest.Bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(365)})
	emutest.Must(t, err)

	key := *emutest.CreateKey(t, emutest.KmsClient(e, e.RootCredentials()), nil).Arn
	in := emutest.EksClusterInput("lakesail-c1", role, net)
	in.Version = aws.String("1.31")
	in.ResourcesVpcConfig = &ekstypes.VpcConfigRequest{
		SubnetIds: net.Subnets, SecurityGroupIds: []string{net.Sg},
		EndpointPrivateAccess: aws.Bool(true), EndpointPublicAccess: aws.Bool(false),
	}
	in.KubernetesNetworkConfig = &ekstypes.KubernetesNetworkConfigRequest{ServiceIpv4Cidr: aws.String("10.100.0.0/16")}
	in.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"api", "audit", "authenticator"}, Enabled: aws.Bool(true)}}}
	in.EncryptionConfig = []ekstypes.EncryptionConfig{{Resources: []string{"secrets"}, Provider: &ekstypes.Provider{KeyArn: aws.String(key)}}}
	in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApi, BootstrapClusterCreatorAdminPermissions: aws.Bool(false)}
	in.Tags = map[string]string{"LakeSail-Workspace": "ws1"}
	created, err := c.CreateCluster(emutest.Bg, in)
	emutest.Must(t, err)
	if created.Cluster.Status != ekstypes.ClusterStatusCreating || created.Cluster.Endpoint != nil || *created.Cluster.Arn != "arn:aws:eks:us-east-1:123456789012:cluster/lakesail-c1" {
		t.Fatalf("created = %s %v %s", created.Cluster.Status, created.Cluster.Endpoint, *created.Cluster.Arn)
	}
	emutest.WantSeen(t, emutest.WaitClusterActive(t, c, clock, "lakesail-c1"), "CREATING", "ACTIVE")

	cl, err := c.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("lakesail-c1")})
	emutest.Must(t, err)
	x := cl.Cluster
	if !regexp.MustCompile(`^https://[0-9A-F]{32}\.gr7\.us-east-1\.eks\.amazonaws\.com$`).MatchString(*x.Endpoint) ||
		!regexp.MustCompile(`^https://oidc\.eks\.us-east-1\.amazonaws\.com/id/[0-9A-F]{32}$`).MatchString(*x.Identity.Oidc.Issuer) ||
		*x.Version != "1.31" || *x.PlatformVersion == "" || *x.RoleArn != role || x.Tags["LakeSail-Workspace"] != "ws1" {
		t.Fatalf("cluster = %+v", x)
	}
	v := x.ResourcesVpcConfig
	if v.EndpointPublicAccess || !v.EndpointPrivateAccess || fmt.Sprint(v.SubnetIds) != fmt.Sprint(net.Subnets) || *v.VpcId != net.Vpc || *v.ClusterSecurityGroupId == "" ||
		fmt.Sprint(v.SecurityGroupIds) != "["+net.Sg+"]" {
		t.Fatalf("vpc config = %+v", v)
	}
	if *x.KubernetesNetworkConfig.ServiceIpv4Cidr != "10.100.0.0/16" || x.AccessConfig.AuthenticationMode != ekstypes.AuthenticationModeApi ||
		*x.AccessConfig.BootstrapClusterCreatorAdminPermissions || *x.EncryptionConfig[0].Provider.KeyArn != key {
		t.Fatalf("cluster config = %+v %+v %+v", x.KubernetesNetworkConfig, x.AccessConfig, x.EncryptionConfig)
	}
	if got := enabledLogTypes(x.Logging); got != "[api audit authenticator]" {
		t.Fatalf("logging = %s", got)
	}
	raw, err := base64.StdEncoding.DecodeString(*x.CertificateAuthority.Data)
	emutest.Must(t, err)
	block, _ := pem.Decode(raw)
	if block == nil {
		t.Fatal("certificate authority is not PEM")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	emutest.Must(t, err)
	if !ca.IsCA || ca.Subject.CommonName != "kubernetes" || ca.CheckSignatureFrom(ca) != nil {
		t.Fatalf("CA = %+v", ca.Subject)
	}

	// The pre-created log group was reused: one group, still tagged, retention kept.
	groups, err := logs.DescribeLogGroups(emutest.Bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/eks/lakesail-c1")})
	emutest.Must(t, err)
	if len(groups.LogGroups) != 1 || *groups.LogGroups[0].RetentionInDays != 365 {
		t.Fatalf("log groups = %+v", groups.LogGroups)
	}
	tags, err := logs.ListTagsForResource(emutest.Bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: groups.LogGroups[0].LogGroupArn})
	emutest.Must(t, err)
	if tags.Tags["LakeSail-Workspace"] != "ws1" {
		t.Fatalf("reused group lost its tags: %v", tags.Tags)
	}

	// Without a group in place, EKS creates an untagged one.
	in2 := emutest.EksClusterInput("lakesail-c2", role, net)
	in2.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"audit"}, Enabled: aws.Bool(true)}}}
	emutest.EksUpCluster(t, c, clock, in2)
	tags, err = logs.ListTagsForResource(emutest.Bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/lakesail-c2/cluster")})
	emutest.Must(t, err)
	if len(tags.Tags) != 0 {
		t.Fatalf("EKS-made group has tags %v", tags.Tags)
	}
	// A cluster without logging gets no group.
	emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("lakesail-c3", role, net))
	_, err = logs.ListTagsForResource(emutest.Bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/lakesail-c3/cluster")})
	emutest.WantCode(t, err, "ResourceNotFoundException")

	_, err = c.CreateCluster(emutest.Bg, emutest.EksClusterInput("lakesail-c1", role, net))
	emutest.WantCode(t, err, "ResourceInUseException")

	var names []string
	p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(emutest.Bg)
		emutest.Must(t, err)
		names = append(names, page.Clusters...)
	}
	if fmt.Sprint(names) != "[lakesail-c1 lakesail-c2 lakesail-c3]" {
		t.Fatalf("clusters = %v", names)
	}

	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: aws.String("lakesail-c2")})
	emutest.Must(t, err)
	emutest.WantSeen(t, emutest.WaitClusterDeleted(t, c, clock, "lakesail-c2"), "DELETING", "ResourceNotFoundException")
	_, err = c.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("lakesail-c2")})
	var nf *ekstypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("describe deleted cluster: %v", err)
	}
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: aws.String("lakesail-c2")})
	emutest.WantCode(t, err, "ResourceNotFoundException")
}

func enabledLogTypes(l *ekstypes.Logging) string {
	var on []ekstypes.LogType
	for _, s := range l.ClusterLogging {
		if s.Enabled != nil && *s.Enabled {
			on = append(on, s.Types...)
		}
	}
	return fmt.Sprint(on)
}

func TestEmuEKSClusterValidation(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, nodeRole, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	cases := map[string]func(*eks.CreateClusterInput){
		"one subnet":       func(in *eks.CreateClusterInput) { in.ResourcesVpcConfig.SubnetIds = net.Subnets[:1] },
		"no endpoint":      func(in *eks.CreateClusterInput) { in.ResourcesVpcConfig.EndpointPublicAccess = aws.Bool(false) },
		"bad cidr":         func(in *eks.CreateClusterInput) { in.ResourcesVpcConfig.PublicAccessCidrs = []string{"10.0.0.1/8"} },
		"old version":      func(in *eks.CreateClusterInput) { in.Version = aws.String("1.20") },
		"missing role":     func(in *eks.CreateClusterInput) { in.RoleArn = aws.String("arn:aws:iam::123456789012:role/nope") },
		"role not for eks": func(in *eks.CreateClusterInput) { in.RoleArn = aws.String(nodeRole) },
		"service cidr": func(in *eks.CreateClusterInput) {
			in.KubernetesNetworkConfig = &ekstypes.KubernetesNetworkConfigRequest{ServiceIpv4Cidr: aws.String("8.8.0.0/16")}
		},
		"log type": func(in *eks.CreateClusterInput) {
			in.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"kernel"}, Enabled: aws.Bool(true)}}}
		},
		"unknown key": func(in *eks.CreateClusterInput) {
			in.EncryptionConfig = []ekstypes.EncryptionConfig{{Resources: []string{"secrets"}, Provider: &ekstypes.Provider{KeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")}}}
		},
		"encrypted volumes": func(in *eks.CreateClusterInput) {
			in.EncryptionConfig = []ekstypes.EncryptionConfig{{Resources: []string{"volumes"}, Provider: &ekstypes.Provider{KeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/k")}}}
		},
		"reserved tag":       func(in *eks.CreateClusterInput) { in.Tags = map[string]string{"aws:owner": "x"} },
		"name with a period": func(in *eks.CreateClusterInput) { in.Name = aws.String("a.b") },
	}
	for name, mod := range cases {
		in := emutest.EksClusterInput("bad", role, net)
		mod(in)
		_, err := c.CreateCluster(emutest.Bg, in)
		if emutest.ErrCode(err) != "InvalidParameterException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A role that has not propagated yet is one EKS cannot find.
	e2, _ := emutest.NewTestEmu(t, awsemu.Options{PropagationDelay: 10 * e.Options().TransitionDelay})
	role2, _, net2 := emutest.EksFixture(t, e2)
	_, err := emutest.EksClient(e2, e2.RootCredentials()).CreateCluster(emutest.Bg, emutest.EksClusterInput("young", role2, net2))
	emutest.WantCode(t, err, "InvalidParameterException")
	emutest.WantContains(t, emutest.ErrMessage(err), "does not exist")

	// Deleting a cluster that is still being created is refused.
	_, err = c.CreateCluster(emutest.Bg, emutest.EksClusterInput("creating", role, net))
	emutest.Must(t, err)
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: aws.String("creating")})
	emutest.WantCode(t, err, "ResourceInUseException")
	clock.Advance(emutest.EksTestDelay)
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: aws.String("creating")})
	emutest.Must(t, err)
}

func TestEmuEKSClusterUpdates(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	in := emutest.EksClusterInput("up", role, net)
	in.Version = aws.String("1.30")
	emutest.EksUpCluster(t, c, clock, in)
	name := aws.String("up")

	// Logging: an update that settles after the transition delay.
	up, err := c.UpdateClusterConfig(emutest.Bg, &eks.UpdateClusterConfigInput{Name: name,
		Logging: &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"audit", "api"}, Enabled: aws.Bool(true)}}}})
	emutest.Must(t, err)
	if up.Update.Type != ekstypes.UpdateTypeLoggingUpdate || up.Update.Status != ekstypes.UpdateStatusInProgress || *up.Update.Id == "" {
		t.Fatalf("update = %+v", up.Update)
	}
	cl, err := c.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: name})
	emutest.Must(t, err)
	if cl.Cluster.Status != ekstypes.ClusterStatusUpdating || enabledLogTypes(cl.Cluster.Logging) != "[]" {
		t.Fatalf("during update: %s %s", cl.Cluster.Status, enabledLogTypes(cl.Cluster.Logging))
	}
	_, err = c.UpdateClusterVersion(emutest.Bg, &eks.UpdateClusterVersionInput{Name: name, Version: aws.String("1.31")})
	emutest.WantCode(t, err, "ResourceInUseException")
	clock.Advance(emutest.EksTestDelay)
	du, err := c.DescribeUpdate(emutest.Bg, &eks.DescribeUpdateInput{Name: name, UpdateId: up.Update.Id})
	emutest.Must(t, err)
	if du.Update.Status != ekstypes.UpdateStatusSuccessful {
		t.Fatalf("update status = %s", du.Update.Status)
	}
	cl, err = c.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: name})
	emutest.Must(t, err)
	if cl.Cluster.Status != ekstypes.ClusterStatusActive || enabledLogTypes(cl.Cluster.Logging) != "[api audit]" {
		t.Fatalf("after update: %s %s", cl.Cluster.Status, enabledLogTypes(cl.Cluster.Logging))
	}
	_, err = c.UpdateClusterConfig(emutest.Bg, &eks.UpdateClusterConfigInput{Name: name,
		Logging: &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"audit"}, Enabled: aws.Bool(true)}}}})
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = c.UpdateClusterConfig(emutest.Bg, &eks.UpdateClusterConfigInput{Name: name,
		Logging:            &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"scheduler"}, Enabled: aws.Bool(true)}}},
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{EndpointPrivateAccess: aws.Bool(true)}})
	emutest.WantCode(t, err, "InvalidParameterException")

	// Endpoint access.
	up, err = c.UpdateClusterConfig(emutest.Bg, &eks.UpdateClusterConfigInput{Name: name, ResourcesVpcConfig: &ekstypes.VpcConfigRequest{
		EndpointPrivateAccess: aws.Bool(true), EndpointPublicAccess: aws.Bool(true), PublicAccessCidrs: []string{"203.0.113.0/24"}}})
	emutest.Must(t, err)
	if up.Update.Type != ekstypes.UpdateTypeEndpointAccessUpdate || len(up.Update.Params) != 3 {
		t.Fatalf("endpoint update = %+v", up.Update)
	}
	clock.Advance(emutest.EksTestDelay)
	cl, err = c.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: name})
	emutest.Must(t, err)
	if v := cl.Cluster.ResourcesVpcConfig; !v.EndpointPrivateAccess || fmt.Sprint(v.PublicAccessCidrs) != "[203.0.113.0/24]" {
		t.Fatalf("endpoint config = %+v", v)
	}

	// Versions move one minor at a time.
	_, err = c.UpdateClusterVersion(emutest.Bg, &eks.UpdateClusterVersionInput{Name: name, Version: aws.String("1.32")})
	emutest.WantCode(t, err, "InvalidParameterException")
	emutest.WantContains(t, emutest.ErrMessage(err), "from 1.30 to 1.32")
	vu, err := c.UpdateClusterVersion(emutest.Bg, &eks.UpdateClusterVersionInput{Name: name, Version: aws.String("1.31")})
	emutest.Must(t, err)
	if vu.Update.Type != ekstypes.UpdateTypeVersionUpdate {
		t.Fatalf("version update = %+v", vu.Update)
	}
	emutest.WantSeen(t, emutest.WaitClusterActive(t, c, clock, "up"), "UPDATING", "ACTIVE")
	cl, err = c.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: name})
	emutest.Must(t, err)
	if *cl.Cluster.Version != "1.31" || *cl.Cluster.PlatformVersion != "eks.29" {
		t.Fatalf("after upgrade: %s %s", *cl.Cluster.Version, *cl.Cluster.PlatformVersion)
	}
	ids, err := c.ListUpdates(emutest.Bg, &eks.ListUpdatesInput{Name: name})
	emutest.Must(t, err)
	if len(ids.UpdateIds) != 3 {
		t.Fatalf("updates = %v", ids.UpdateIds)
	}
	_, err = c.DescribeUpdate(emutest.Bg, &eks.DescribeUpdateInput{Name: name, UpdateId: aws.String("nope")})
	emutest.WantCode(t, err, "ResourceNotFoundException")
}
