package lakesail

import (
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func clientsTestClient(t *testing.T, endpoints map[string]string) *Client {
	t.Helper()
	cfg := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	client, err := NewClient(cfg, Options{AccountID: "123456789012", Partition: "aws", Endpoints: endpoints})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// Each SDK client is built once per set of credentials: a copy that keeps cfg shares them, a
// client acting with other credentials has its own.
func TestUnitClientsBuiltOncePerCredentials(t *testing.T) {
	base := clientsTestClient(t, nil)
	var wg sync.WaitGroup
	got := make([]IAMAPI, 8)
	for i := range got {
		wg.Go(func() { got[i] = base.IAM() })
	}
	wg.Wait()
	for _, api := range got[1:] {
		if api != got[0] {
			t.Fatal("concurrent first uses built more than one IAM client")
		}
	}
	if base.WithWaitDelays(time.Millisecond, time.Second).EKS() != base.EKS() {
		t.Error("a copy with the same credentials built its own EKS client")
	}
	role, err := base.AssumeRole(RoleSession{RoleARN: "arn:aws:iam::123456789012:role/x", ExternalID: "e"})
	if err != nil {
		t.Fatal(err)
	}
	if role.IAM() == base.IAM() {
		t.Error("the assumed role reuses the base client's IAM client")
	}
	if base.EKSIn(base.Region()) != base.EKS() || base.EKSIn("us-east-2") != base.EKSIn("us-east-2") ||
		base.EKSIn("us-east-2").(*eks.Client).Options().Region != "us-east-2" {
		t.Error("EKS clients of other regions are not kept per region")
	}
}

// Endpoint overrides reach the cached clients, S3 path-style behind one.
func TestUnitClientsKeepEndpointOverrides(t *testing.T) {
	overridden := clientsTestClient(t, map[string]string{"s3": "http://127.0.0.1:1", "iam": "http://127.0.0.1:2"})
	s3Options := overridden.S3().(*s3.Client).Options()
	if aws.ToString(s3Options.BaseEndpoint) != "http://127.0.0.1:1" || !s3Options.UsePathStyle {
		t.Errorf("S3 behind an override: endpoint %q, path-style %v", aws.ToString(s3Options.BaseEndpoint), s3Options.UsePathStyle)
	}
	if plain := clientsTestClient(t, nil).S3().(*s3.Client).Options(); plain.BaseEndpoint != nil || plain.UsePathStyle {
		t.Errorf("S3 without an override: endpoint %v, path-style %v", plain.BaseEndpoint, plain.UsePathStyle)
	}
}
