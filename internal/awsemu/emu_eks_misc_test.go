package awsemu

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
)

// restCall makes a signed REST-JSON request to EKS.
func restCall(t *testing.T, e *Emulator, creds aws.Credentials, method, path string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, e.Endpoint()+path, http.NoBody)
	must(t, err)
	sum := sha256.Sum256(nil)
	must(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "eks", "us-east-1", time.Now()))
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	must(t, json.Unmarshal(b, &out))
	return resp.StatusCode, resp.Header, out
}

// The REST-JSON protocol: routes by method and path template, errors as EKS sends them.
func TestEmuEKSRestJSONProtocol(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
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
	r := createRole(t, iamClient(e, root), &iam.CreateRoleInput{RoleName: aws.String("nothing")}, doc(allow("iam:ListRoles", "*")))
	status, h, out = restCall(t, e, assume(t, e, root, *r.Arn, ""), http.MethodGet, "/clusters/x")
	if status != 403 || h.Get("X-Amzn-ErrorType") != "AccessDeniedException" {
		t.Fatalf("denied: %d %v %v", status, h, out)
	}
	wantContains(t, out["message"].(string), "eks:DescribeCluster on resource: arn:aws:eks:us-east-1:123456789012:cluster/x")
}

// Moving a cluster from aws-auth to access entries, one step at a time and never back.
func TestEmuEKSAccessConfigUpdate(t *testing.T) {
	e, clock := newTestEmu(t, Options{TransitionDelay: eksTestDelay})
	role, _, net := eksFixture(t, e)
	c := eksClient(e, e.RootCredentials())
	eksUpCluster(t, c, clock, eksClusterInput("ac", role, net))
	up, err := c.UpdateClusterConfig(bg, &eks.UpdateClusterConfigInput{Name: aws.String("ac"),
		AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApiAndConfigMap}})
	must(t, err)
	if up.Update.Type != ekstypes.UpdateTypeAccessConfigUpdate {
		t.Fatalf("update = %+v", up.Update)
	}
	clock.Advance(eksTestDelay)
	_, err = c.UpdateClusterConfig(bg, &eks.UpdateClusterConfigInput{Name: aws.String("ac"),
		AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeConfigMap}})
	wantCode(t, err, "InvalidParameterException")
	cl, err := c.DescribeCluster(bg, &eks.DescribeClusterInput{Name: aws.String("ac")})
	must(t, err)
	if cl.Cluster.AccessConfig.AuthenticationMode != ekstypes.AuthenticationModeApiAndConfigMap {
		t.Fatalf("mode = %s", cl.Cluster.AccessConfig.AuthenticationMode)
	}
}

// Tags on add-ons and access entries, whose ARNs end in ids.
func TestEmuEKSTagsOnAddonsAndEntries(t *testing.T) {
	e, clock := newTestEmu(t, Options{TransitionDelay: eksTestDelay})
	role, nodeRole, net := eksFixture(t, e)
	c := eksClient(e, e.RootCredentials())
	in := eksClusterInput("t", role, net)
	in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApi, BootstrapClusterCreatorAdminPermissions: aws.Bool(false)}
	eksUpCluster(t, c, clock, in)
	a, err := c.CreateAddon(bg, &eks.CreateAddonInput{ClusterName: aws.String("t"), AddonName: aws.String("kube-proxy"), Tags: map[string]string{"a": "1"}})
	must(t, err)
	ae, err := c.CreateAccessEntry(bg, &eks.CreateAccessEntryInput{ClusterName: aws.String("t"), PrincipalArn: aws.String(nodeRole), Type: aws.String("EC2_LINUX")})
	must(t, err)
	if *ae.AccessEntry.Username != "system:node:{{EC2PrivateDNSName}}" {
		t.Fatalf("node entry = %+v", ae.AccessEntry)
	}
	for _, arn := range []*string{a.Addon.AddonArn, ae.AccessEntry.AccessEntryArn} {
		_, err = c.TagResource(bg, &eks.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2"}})
		must(t, err)
		got, err := c.ListTagsForResource(bg, &eks.ListTagsForResourceInput{ResourceArn: arn})
		must(t, err)
		if got.Tags["b"] != "2" {
			t.Fatalf("%s tags = %v", *arn, got.Tags)
		}
	}
	_, err = c.AssociateAccessPolicy(bg, &eks.AssociateAccessPolicyInput{ClusterName: aws.String("t"), PrincipalArn: aws.String(nodeRole),
		PolicyArn: aws.String(eksClusterAdminPolicy), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
	wantCode(t, err, "InvalidRequestException")
}

// Emulator.Reset forgets what EKS, CloudWatch Logs, SSM, ACM and Glue hold.
func TestEmuEKSResetForgetsWorkspaceServices(t *testing.T) {
	e, clock := newTestEmu(t, Options{})
	role, _, net := eksFixture(t, e)
	root := e.RootCredentials()
	in := eksClusterInput("r", role, net)
	in.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"audit"}, Enabled: aws.Bool(true)}}}
	eksUpCluster(t, eksClient(e, root), clock, in)
	ssmPut(t, ssmClient(e, root), "/r", "v", ssmtypes.ParameterTypeString)
	pki := newTestPKI(t, "ec", "r.lakesail.internal")
	_, err := acmClient(e, root).ImportCertificate(bg, &acm.ImportCertificateInput{Certificate: pki.certPEM, PrivateKey: pki.keyPEM})
	must(t, err)
	_, err = glueClient(e, root).CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("r")}})
	must(t, err)

	e.Reset()
	clusters, err := eksClient(e, root).ListClusters(bg, &eks.ListClustersInput{})
	must(t, err)
	groups, err := logsClient(e, root).DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{})
	must(t, err)
	params, err := ssmClient(e, root).DescribeParameters(bg, &ssm.DescribeParametersInput{})
	must(t, err)
	certs, err := acmClient(e, root).ListCertificates(bg, &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1}}})
	must(t, err)
	dbs, err := glueClient(e, root).GetDatabases(bg, &glue.GetDatabasesInput{})
	must(t, err)
	if len(clusters.Clusters)+len(groups.LogGroups)+len(params.Parameters)+len(certs.CertificateSummaryList)+len(dbs.DatabaseList) != 0 {
		t.Fatalf("after Reset: %v %v %v %v %v", clusters.Clusters, groups.LogGroups, params.Parameters, certs.CertificateSummaryList, dbs.DatabaseList)
	}
}
