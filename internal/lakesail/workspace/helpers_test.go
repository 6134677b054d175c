package workspace_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

const testWorkspaceID = "WS00000001"

// fastWaits poll the emulator every few milliseconds instead of AWS's seconds.
var fastWaits = lakesail.Options{Partition: "aws", WaitMinDelay: 5 * time.Millisecond, WaitMaxDelay: 20 * time.Millisecond}

// fastRetries keep the SDK's retry behaviour (throttling, 5xx) with millisecond backoff.
func fastRetries(cfg aws.Config) aws.Config {
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			// The provider's default is 25 attempts; 12 keeps a call that a third of the time is
			// throttled from failing by chance ((1/3)^12 per call) while still retrying for real.
			o.MaxAttempts = 12
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 5 * time.Millisecond, nil })
			// No client-side retry quota: a test that throttles a third of the calls on purpose
			// would otherwise drain it and fail on "Rate exceeded" by chance.
			o.RateLimiter = ratelimit.None
		})
	}
	return cfg
}

// workspaceEnv is an emulator with a connection, a network built by the administrator, and a
// library client acting as the connection role. The spec's AccountClient is the administrator's
// client (the account's own credentials), as the provider passes its own.
type workspaceEnv struct {
	emu    *awsemu.Emulator
	root   *lakesail.Client
	asRole *lakesail.Client
	spec   workspace.Spec
	// adminOps are calls the test itself makes as the administrator (tampering).
	adminOps map[string]bool
	// other is a client of lakesailtest.OtherAccountID, which the connection role also trusts (nil unless
	// built by newCrossAccountWorkspaceEnv).
	other *lakesail.Client
}

func newWorkspaceEnv(t *testing.T, opts awsemu.Options) *workspaceEnv {
	t.Helper()
	return buildWorkspaceEnv(t, opts, false)
}

// newCrossAccountWorkspaceEnv is newWorkspaceEnv whose connection role also trusts the root of
// lakesailtest.OtherAccountID, and whose asRole is assumed from that account: it acts as the connection role
// with no credentials of the connection's account, as LakeSail's control plane does. The spec's
// AccountClient is that account's client, which the library must never use for the account.
func newCrossAccountWorkspaceEnv(t *testing.T, opts awsemu.Options) *workspaceEnv {
	t.Helper()
	return buildWorkspaceEnv(t, opts, true)
}

func buildWorkspaceEnv(t *testing.T, opts awsemu.Options, crossAccount bool) *workspaceEnv {
	t.Helper()
	ctx := context.Background()
	if opts.TransitionDelay == 0 {
		opts.TransitionDelay = 20 * time.Millisecond
	}
	emu := awsemu.Test(t, opts)
	rootCfg := fastRetries(emu.AWSConfig(nil))
	root, err := lakesail.NewClient(rootCfg, fastWaits)
	lakesailtest.Must(t, err)
	connSpec := lakesailtest.ConnectionSpec(emu.AccountID())
	env := &workspaceEnv{emu: emu, root: root}
	from := root
	if crossAccount {
		creds := emu.AddAccount(lakesailtest.OtherAccountID)
		otherCfg := fastRetries(emu.AWSConfig(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })))
		env.other, err = lakesail.NewClient(otherCfg, fastWaits)
		lakesailtest.Must(t, err)
		connSpec.Policy.ProvisionerPrincipals = append(connSpec.Policy.ProvisionerPrincipals, "arn:aws:iam::"+lakesailtest.OtherAccountID+":root")
		from = env.other
	}
	conn := lakesailtest.CreateConnection(t, root, connSpec)
	network, err := lakesailtest.BuildNetwork(ctx, rootCfg, lakesailtest.ConnectionID, "NET0000001")
	lakesailtest.Must(t, err)
	env.asRole, err = from.AssumeRole(lakesail.RoleSession{RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID})
	lakesailtest.Must(t, err)
	env.spec = testWorkspaceSpec(emu, network)
	env.spec.ConnectionRoleARN = conn.RoleARN
	env.spec.AccountClient = from
	return env
}

func testWorkspaceSpec(emu *awsemu.Emulator, network workspace.Network) workspace.Spec {
	return workspace.Spec{
		ConnectionID: lakesailtest.ConnectionID, TenantID: lakesailtest.TenantID, WorkspaceID: testWorkspaceID,
		AccountID: emu.AccountID(), Partition: "aws", Network: network,
		KubernetesVersion: "1.32",
		LogTypes:          workspace.DefaultLogTypes,
		LogRetentionDays:  30,
		SystemNodeGroup: workspace.NodeGroupSpec{InstanceTypes: []string{"t3.medium"}, MinSize: 1, DesiredSize: 2, MaxSize: 3,
			DiskSize: 20, AMIType: "AL2023_x86_64_STANDARD"},
		Addons:        workspace.DefaultAddons(),
		GlueDatabases: []string{"analytics"},
		Tags:          map[string]string{"team": "data"},
	}
}

func (e *workspaceEnv) create(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.New(e.asRole).Create(context.Background(), e.spec, nil)
	if err != nil {
		t.Fatalf("CreateWorkspace: %v", err)
	}
	return ws
}

// assertNoOrphans lists, as the administrator, everything named for the workspace's
// connection, and everything EC2 holds tagged with the workspace (Karpenter's nodes and
// templates among it) or for its cluster, and fails on anything left.
func (e *workspaceEnv) assertNoOrphans(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cfg := e.emu.AWSConfig(nil)
	prefix := "lakesail-" + lakesailtest.ConnectionID + "-" + testWorkspaceID
	var left []string
	clusters, err := eks.NewFromConfig(cfg).ListClusters(ctx, &eks.ListClustersInput{})
	lakesailtest.Must(t, err)
	left = append(left, clusters.Clusters...)
	roles, err := iam.NewFromConfig(cfg).ListRoles(ctx, &iam.ListRolesInput{})
	lakesailtest.Must(t, err)
	for _, r := range roles.Roles {
		if strings.HasPrefix(aws.ToString(r.RoleName), prefix) {
			left = append(left, "role "+aws.ToString(r.RoleName))
		}
	}
	providers, err := iam.NewFromConfig(cfg).ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	lakesailtest.Must(t, err)
	for _, p := range providers.OpenIDConnectProviderList {
		left = append(left, "oidc "+aws.ToString(p.Arn))
	}
	groups, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/eks/")})
	lakesailtest.Must(t, err)
	for _, g := range groups.LogGroups {
		left = append(left, "log group "+aws.ToString(g.LogGroupName))
	}
	params, err := ssm.NewFromConfig(cfg).GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String("/lakesail/"), Recursive: aws.Bool(true)})
	lakesailtest.Must(t, err)
	for _, p := range params.Parameters {
		left = append(left, "parameter "+aws.ToString(p.Name))
	}
	certs, err := acm.NewFromConfig(cfg).ListCertificates(ctx, &acm.ListCertificatesInput{Includes: &acmtypes.Filters{
		KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1, acmtypes.KeyAlgorithmRsa2048}}})
	lakesailtest.Must(t, err)
	for _, c := range certs.CertificateSummaryList {
		left = append(left, "certificate "+aws.ToString(c.CertificateArn))
	}
	dbs, err := glue.NewFromConfig(cfg).GetDatabases(ctx, &glue.GetDatabasesInput{})
	lakesailtest.Must(t, err)
	for _, d := range dbs.DatabaseList {
		left = append(left, "database "+aws.ToString(d.Name))
	}
	profiles, err := iam.NewFromConfig(cfg).ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{})
	lakesailtest.Must(t, err)
	for _, p := range profiles.InstanceProfiles {
		if strings.HasPrefix(aws.ToString(p.InstanceProfileName), prefix) {
			left = append(left, "instance profile "+aws.ToString(p.InstanceProfileName))
		}
	}
	// The node group's template by name, and any tagged with the workspace (Karpenter's).
	templates, err := ec2.NewFromConfig(cfg).DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	lakesailtest.Must(t, err)
	for _, lt := range templates.LaunchTemplates {
		if strings.HasPrefix(aws.ToString(lt.LaunchTemplateName), prefix) || tagsOf(lt.Tags)[workspace.TagWorkspace] == testWorkspaceID {
			left = append(left, "launch template "+aws.ToString(lt.LaunchTemplateName))
		}
	}
	// Nor Karpenter's discovery tag on the network's security group.
	if id := e.spec.Network.SecurityGroupID; id != "" {
		groups, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
		lakesailtest.Must(t, err)
		for _, g := range groups.SecurityGroups {
			if _, ok := tagsOf(g.Tags)[e.spec.KarpenterDiscoveryTag()]; ok {
				left = append(left, "discovery tag on security group "+id)
			}
		}
	}
	// Nothing EC2 holds is tagged with the workspace: no node, volume or interface.
	tagged := []ec2types.Filter{{Name: aws.String("tag:" + workspace.TagWorkspace), Values: []string{testWorkspaceID}}}
	instances, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: append(tagged,
		ec2types.Filter{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped", "shutting-down"}})})
	lakesailtest.Must(t, err)
	for _, r := range instances.Reservations {
		for _, in := range r.Instances {
			left = append(left, "instance "+aws.ToString(in.InstanceId))
		}
	}
	volumes, err := ec2.NewFromConfig(cfg).DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: tagged})
	lakesailtest.Must(t, err)
	for _, v := range volumes.Volumes {
		left = append(left, "volume "+aws.ToString(v.VolumeId))
	}
	interfaces, err := ec2.NewFromConfig(cfg).DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: tagged})
	lakesailtest.Must(t, err)
	for _, ni := range interfaces.NetworkInterfaces {
		left = append(left, "network interface "+aws.ToString(ni.NetworkInterfaceId))
	}
	// Nor anything of the session load balancer.
	lbs, err := elb.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	lakesailtest.Must(t, err)
	for _, lb := range lbs.LoadBalancers {
		left = append(left, "load balancer "+aws.ToString(lb.LoadBalancerName))
	}
	tgs, err := elb.NewFromConfig(cfg).DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})
	lakesailtest.Must(t, err)
	for _, tg := range tgs.TargetGroups {
		left = append(left, "target group "+aws.ToString(tg.TargetGroupName))
	}
	sgs, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: tagged})
	lakesailtest.Must(t, err)
	for _, g := range sgs.SecurityGroups {
		left = append(left, "security group "+aws.ToString(g.GroupName))
	}
	if len(left) > 0 {
		t.Errorf("left behind after delete: %v", left)
	}
}

// accountOps are the workspace calls made, by design, with the account's own credentials: the
// connection role may import the session certificate but neither delete nor re-import it, and
// the certificate is read first to show it is the workspace's. (The OIDC provider's are IAM
// calls, outside workspaceServices.)
var accountOps = map[string]bool{"acm:DescribeCertificate": true, "acm:DeleteCertificate": true, "acm:ImportCertificate": true}

// assertCallsByRole checks the call log: every workspace service call was made by the
// connection role's session, or is one of accountOps made by the account itself, and allowed.
func (e *workspaceEnv) assertCallsByRole(t *testing.T) int {
	t.Helper()
	roleSession := ":assumed-role/lakesail-" + lakesailtest.ConnectionID + "-LakeSailRole/lakesail-"
	accountRoot := "arn:aws:iam::" + e.emu.AccountID() + ":root"
	workspaceServices := map[string]bool{"eks": true, "logs": true, "ssm": true, "acm": true, "glue": true}
	table, err := connpolicy.Calls(connpolicy.Spec{ConnectionID: lakesailtest.ConnectionID, TenantID: lakesailtest.TenantID, AccountID: e.emu.AccountID(), ExternalID: lakesailtest.ExternalID})
	lakesailtest.Must(t, err)
	documented := map[string]bool{}
	for _, c := range table {
		documented[c.Action] = true
	}
	n := 0
	for _, call := range e.emu.Calls() {
		if strings.Contains(call.Principal, roleSession) && !documented[call.Action] {
			t.Errorf("%s (%s:%s) is not in connpolicy's call table", call.Action, call.Service, call.Operation)
		}
		byRole := strings.Contains(call.Principal, roleSession)
		byAccount := call.Principal == accountRoot && accountOps[call.Action]
		if workspaceServices[call.Service] && !byRole && !byAccount && !e.adminOps[call.Service+":"+call.Operation] {
			t.Errorf("%s:%s was made by %s, not the connection role's session", call.Service, call.Operation, call.Principal)
		}
		if byRole {
			n++
			if call.Decision != "allow" {
				t.Errorf("the connection role was denied %s on %v (%s)", call.Action, call.Resources, call.ErrorCode)
			}
		}
	}
	return n
}
