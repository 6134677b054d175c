package awsemu_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// jsonCall makes a signed AWS JSON 1.1 call, as the SDK's JSON clients do.
func jsonCall(t *testing.T, e *awsemu.Emulator, creds aws.Credentials, service, target, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.Endpoint()+"/", strings.NewReader(body))
	emutest.Must(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	emutest.Must(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()))
	resp, err := http.DefaultClient.Do(req)
	emutest.Must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	emutest.Must(t, json.Unmarshal(b, &out))
	return resp.StatusCode, resp.Header, out
}

// A service declared through the registry is routed by its credential scope and speaks its
// protocol (here JSON 1.1), with authorization, faults and errors in the service's own shape.
func TestEmuRegistryJSONService(t *testing.T) {
	e := &awsemu.Emulator{core.NewEmulator(awsemu.Options{Now: awsemu.NewClock(emutest.T0).Now}, append(awsemu.Services(), (&core.Service{Name: "kms", Protocol: core.JSONProtocol{}, Target: "TrentService"}).Add(&core.Operation{
		Name: "ListAliases", Action: "kms:ListAliases",
		Handle: func(c *core.Req) (any, error) {
			var in struct{ Limit int }
			if err := c.DecodeJSON(&in); err != nil {
				return nil, err
			}
			return map[string]any{"Aliases": []map[string]string{{"AliasName": "alias/lakesail"}}, "Limit": in.Limit}, nil
		},
	})))}
	emutest.Must(t, e.Listen("127.0.0.1:0"))
	t.Cleanup(func() { _ = e.Close() })

	status, _, out := jsonCall(t, e, e.RootCredentials(), "kms", "TrentService.ListAliases", `{"Limit":10}`)
	if status != 200 || out["Limit"].(float64) != 10 {
		t.Fatalf("ListAliases: %d %v", status, out)
	}

	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("kms-user")}, emutest.Doc(emutest.Allow("iam:ListRoles", "*")))
	sess := emutest.Assume(t, e, e.RootCredentials(), *r.Arn, "")
	status, h, out := jsonCall(t, e, sess, "kms", "TrentService.ListAliases", `{}`)
	if status != 400 || h.Get("X-Amzn-ErrorType") != "AccessDeniedException" || out["__type"] != "AccessDeniedException" ||
		!strings.Contains(out["message"].(string), "is not authorized to perform: kms:ListAliases on resource: *") {
		t.Fatalf("denied ListAliases: %d %v %v", status, h, out)
	}

	e.AddFault(awsemu.Fault{Service: "kms", Throttle: true, Times: 1})
	if status, _, out = jsonCall(t, e, e.RootCredentials(), "kms", "TrentService.ListAliases", `{}`); status != 400 || out["__type"] != "ThrottlingException" {
		t.Fatalf("throttled: %d %v", status, out)
	}
	if status, _, out = jsonCall(t, e, e.RootCredentials(), "kms", "TrentService.CreateAlias", `{}`); status != 400 || out["__type"] != "UnknownOperationException" {
		t.Fatalf("unknown op: %d %v", status, out)
	}
	wrong := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "wrong"}
	if status, _, out = jsonCall(t, e, wrong, "kms", "TrentService.ListAliases", `{}`); status != 400 || out["__type"] != "InvalidSignatureException" {
		t.Fatalf("bad signature: %d %v", status, out)
	}
	if status, _, out = jsonCall(t, e, e.RootCredentials(), "kms", "TrentService.ListAliases", `{"Limit":"x"}`); status != 400 || out["__type"] != "SerializationException" {
		t.Fatalf("bad body: %d %v", status, out)
	}
}

// queryCall makes a signed form-encoded call (awsquery/ec2query).
func queryCall(t *testing.T, e *awsemu.Emulator, creds aws.Credentials, service, body string) (int, string) {
	t.Helper()
	return emutest.Do(t, rawRequest(t, e, creds, service, body, time.Now()))
}

func TestEmuRegistryEC2Protocol(t *testing.T) {
	type vpc struct {
		VpcID     string `xml:"vpcId"`
		CidrBlock string `xml:"cidrBlock"`
	}
	type describeVpcs struct {
		Vpcs []vpc `xml:"vpcSet>item"`
	}
	e := &awsemu.Emulator{core.NewEmulator(awsemu.Options{Now: awsemu.NewClock(emutest.T0).Now}, append(awsemu.Services(), (&core.Service{Name: "ec2", Protocol: core.EC2Protocol{}, Namespace: "http://ec2.amazonaws.com/doc/2016-11-15/", Version: "2016-11-15"}).Add(&core.Operation{
		Name: "DescribeVpcs", Action: "ec2:DescribeVpcs",
		Handle: func(c *core.Req) (any, error) {
			return describeVpcs{Vpcs: []vpc{{VpcID: "vpc-1", CidrBlock: "10.0.0.0/16"}}}, nil
		},
	})))}
	emutest.Must(t, e.Listen("127.0.0.1:0"))
	t.Cleanup(func() { _ = e.Close() })

	status, body := queryCall(t, e, e.RootCredentials(), "ec2", "Action=DescribeVpcs&Version=2016-11-15")
	if status != 200 || !strings.Contains(body, `<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>`) ||
		!strings.Contains(body, "<vpcSet><item><vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/16</cidrBlock></item></vpcSet></DescribeVpcsResponse>") {
		t.Fatalf("DescribeVpcs: %d %s", status, body)
	}
	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("ec2-user")}, emutest.Doc(emutest.Allow("iam:ListRoles", "*")))
	status, body = queryCall(t, e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""), "ec2", "Action=DescribeVpcs&Version=2016-11-15")
	if status != 403 || !strings.Contains(body, "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.") {
		t.Fatalf("denied DescribeVpcs: %d %s", status, body)
	}
	status, body = queryCall(t, e, aws.Credentials{AccessKeyID: "AKIAUNKNOWN", SecretAccessKey: "x"}, "ec2", "Action=DescribeVpcs&Version=2016-11-15")
	if status != 401 || !strings.Contains(body, "<Code>AuthFailure</Code>") {
		t.Fatalf("unknown key: %d %s", status, body)
	}
}
