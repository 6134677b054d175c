package eks_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// restCall makes a signed REST-JSON request to EKS.
func restCall(t *testing.T, e *awsemu.Emulator, creds aws.Credentials, method, path string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, e.Endpoint()+path, http.NoBody)
	emutest.Must(t, err)
	sum := sha256.Sum256(nil)
	emutest.Must(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "eks", "us-east-1", time.Now()))
	resp, err := http.DefaultClient.Do(req)
	emutest.Must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	emutest.Must(t, json.Unmarshal(b, &out))
	return resp.StatusCode, resp.Header, out
}

// The REST-JSON protocol: routes by method and path template, errors as EKS sends them.
func TestEmuEKSRestJSONProtocol(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := e.RootCredentials()
	status, h, out := restCall(t, e, root, http.MethodGet, "/clusters")
	if status != 200 || h.Get("Content-Type") != "application/json" || len(out["clusters"].([]any)) != 0 {
		t.Fatalf("ListClusters: %d %v %v", status, h, out)
	}
	status, h, out = restCall(t, e, root, http.MethodGet, "/clusters/missing")
	if status != 404 || h.Get("X-Amzn-ErrorType") != "ResourceNotFoundException" || out["message"] != "No cluster found for name: missing." {
		t.Fatalf("DescribeCluster(missing): %d %v %v", status, h, out)
	}
	status, h, _ = restCall(t, e, root, http.MethodPatch, "/clusters/x")
	if status != 404 || h.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
		t.Fatalf("unknown route: %d %v", status, h)
	}
	status, h, _ = restCall(t, e, root, http.MethodGet, "/clusters/x/node-groups/y/extra")
	if status != 404 || h.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
		t.Fatalf("too long a path: %d %v", status, h)
	}
	r := emutest.CreateRole(t, emutest.IamClient(e, root), &iam.CreateRoleInput{RoleName: aws.String("nothing")}, emutest.Doc(emutest.Allow("iam:ListRoles", "*")))
	status, h, out = restCall(t, e, emutest.Assume(t, e, root, *r.Arn, ""), http.MethodGet, "/clusters/x")
	if status != 403 || h.Get("X-Amzn-ErrorType") != "AccessDeniedException" {
		t.Fatalf("denied: %d %v %v", status, h, out)
	}
	emutest.WantContains(t, out["message"].(string), "eks:DescribeCluster on resource: arn:aws:eks:us-east-1:123456789012:cluster/x")
}

// Moving a cluster from aws-auth to access entries, one step at a time and never back.
func TestEmuEKSAccessConfigUpdate(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("ac", role, net))
	up, err := c.UpdateClusterConfig(emutest.Bg, &eks.UpdateClusterConfigInput{Name: aws.String("ac"),
		AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApiAndConfigMap}})
	emutest.Must(t, err)
	if up.Update.Type != ekstypes.UpdateTypeAccessConfigUpdate {
		t.Fatalf("update = %+v", up.Update)
	}
	clock.Advance(emutest.EksTestDelay)
	_, err = c.UpdateClusterConfig(emutest.Bg, &eks.UpdateClusterConfigInput{Name: aws.String("ac"),
		AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeConfigMap}})
	emutest.WantCode(t, err, "InvalidParameterException")
	cl, err := c.DescribeCluster(emutest.Bg, &eks.DescribeClusterInput{Name: aws.String("ac")})
	emutest.Must(t, err)
	if cl.Cluster.AccessConfig.AuthenticationMode != ekstypes.AuthenticationModeApiAndConfigMap {
		t.Fatalf("mode = %s", cl.Cluster.AccessConfig.AuthenticationMode)
	}
}

// Tags on add-ons and access entries, whose ARNs end in ids.
func TestEmuEKSTagsOnAddonsAndEntries(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, nodeRole, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	in := emutest.EksClusterInput("t", role, net)
	in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApi, BootstrapClusterCreatorAdminPermissions: aws.Bool(false)}
	emutest.EksUpCluster(t, c, clock, in)
	a, err := c.CreateAddon(emutest.Bg, &eks.CreateAddonInput{ClusterName: aws.String("t"), AddonName: aws.String("kube-proxy"), Tags: map[string]string{"a": "1"}})
	emutest.Must(t, err)
	ae, err := c.CreateAccessEntry(emutest.Bg, &eks.CreateAccessEntryInput{ClusterName: aws.String("t"), PrincipalArn: aws.String(nodeRole), Type: aws.String("EC2_LINUX")})
	emutest.Must(t, err)
	if *ae.AccessEntry.Username != "system:node:{{EC2PrivateDNSName}}" {
		t.Fatalf("node entry = %+v", ae.AccessEntry)
	}
	for _, arn := range []*string{a.Addon.AddonArn, ae.AccessEntry.AccessEntryArn} {
		_, err = c.TagResource(emutest.Bg, &eks.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2"}})
		emutest.Must(t, err)
		got, err := c.ListTagsForResource(emutest.Bg, &eks.ListTagsForResourceInput{ResourceArn: arn})
		emutest.Must(t, err)
		if got.Tags["b"] != "2" {
			t.Fatalf("%s tags = %v", *arn, got.Tags)
		}
	}
	_, err = c.AssociateAccessPolicy(emutest.Bg, &eks.AssociateAccessPolicyInput{ClusterName: aws.String("t"), PrincipalArn: aws.String(nodeRole),
		PolicyArn: aws.String(emutest.EksClusterAdminPolicy), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
	emutest.WantCode(t, err, "InvalidRequestException")
}

// Emulator.Reset forgets what EKS, CloudWatch Logs, SSM, ACM and Glue hold.
func TestEmuEKSResetForgetsWorkspaceServices(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{})
	role, _, net := emutest.EksFixture(t, e)
	root := e.RootCredentials()
	in := emutest.EksClusterInput("r", role, net)
	in.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"audit"}, Enabled: aws.Bool(true)}}}
	emutest.EksUpCluster(t, emutest.EksClient(e, root), clock, in)
	emutest.SsmPut(t, emutest.SsmClient(e, root), "/r", "v", ssmtypes.ParameterTypeString)
	pki := emutest.NewTestPKI(t, "ec", "r.lakesail.internal")
	_, err := emutest.AcmClient(e, root).ImportCertificate(emutest.Bg, &acm.ImportCertificateInput{Certificate: pki.CertPEM, PrivateKey: pki.KeyPEM})
	emutest.Must(t, err)
	_, err = emutest.GlueClient(e, root).CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("r")}})
	emutest.Must(t, err)

	e.Reset()
	clusters, err := emutest.EksClient(e, root).ListClusters(emutest.Bg, &eks.ListClustersInput{})
	emutest.Must(t, err)
	groups, err := emutest.LogsClient(e, root).DescribeLogGroups(emutest.Bg, &cloudwatchlogs.DescribeLogGroupsInput{})
	emutest.Must(t, err)
	params, err := emutest.SsmClient(e, root).DescribeParameters(emutest.Bg, &ssm.DescribeParametersInput{})
	emutest.Must(t, err)
	certs, err := emutest.AcmClient(e, root).ListCertificates(emutest.Bg, &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1}}})
	emutest.Must(t, err)
	dbs, err := emutest.GlueClient(e, root).GetDatabases(emutest.Bg, &glue.GetDatabasesInput{})
	emutest.Must(t, err)
	if len(clusters.Clusters)+len(groups.LogGroups)+len(params.Parameters)+len(certs.CertificateSummaryList)+len(dbs.DatabaseList) != 0 {
		t.Fatalf("after Reset: %v %v %v %v %v", clusters.Clusters, groups.LogGroups, params.Parameters, certs.CertificateSummaryList, dbs.DatabaseList)
	}
}
