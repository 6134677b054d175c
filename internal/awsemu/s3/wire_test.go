package s3_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// s3Request signs a raw path-style S3 request with payloadHash as X-Amz-Content-Sha256
// ("" leaves the header out, signing the body's hash).
func s3Request(t *testing.T, e *awsemu.Emulator, method, path, body, payloadHash string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, e.Endpoint()+path, strings.NewReader(body))
	emutest.Must(t, err)
	sign := payloadHash
	if sign == "" {
		sum := sha256.Sum256([]byte(body))
		sign = hex.EncodeToString(sum[:])
	} else {
		req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	}
	emutest.Must(t, v4.NewSigner().SignHTTP(context.Background(), e.RootCredentials(), req, sign, "s3", "us-east-1", time.Now(),
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }))
	return req
}

func TestEmuS3WireProtocol(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.S3Client(e, e.RootCredentials())
	emutest.CreateBucket(t, c, "lakesail-abc-ws")
	emutest.PutObject(t, c, "lakesail-abc-ws", "dir/file name.txt", "presigned")

	// Presigned GET (UNSIGNED-PAYLOAD, signature in the query) works with a plain HTTP client;
	// a tampered signature gets S3's XML error.
	ps, err := s3.NewPresignClient(c).PresignGetObject(emutest.Bg, &s3.GetObjectInput{Bucket: aws.String("lakesail-abc-ws"), Key: aws.String("dir/file name.txt")})
	emutest.Must(t, err)
	req, _ := http.NewRequest(http.MethodGet, ps.URL, nil)
	status, body := emutest.Do(t, req)
	if status != 200 || body != "presigned" {
		t.Fatalf("presigned GET: %d %q", status, body)
	}
	req, _ = http.NewRequest(http.MethodGet, strings.Replace(ps.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1), nil)
	status, body = emutest.Do(t, req)
	if status != 403 || !strings.Contains(body, "<Error><Code>SignatureDoesNotMatch</Code>") || !strings.Contains(body, "<RequestId>") {
		t.Fatalf("tampered presigned GET: %d %s", status, body)
	}

	// S3 checks the declared payload hash and requires it on header-signed requests.
	status, body = emutest.Do(t, s3Request(t, e, http.MethodPut, "/lakesail-abc-ws/k", "body", strings.Repeat("0", 64)))
	if status != 400 || !strings.Contains(body, "<Code>XAmzContentSHA256Mismatch</Code>") {
		t.Fatalf("wrong payload hash: %d %s", status, body)
	}
	status, body = emutest.Do(t, s3Request(t, e, http.MethodPut, "/lakesail-abc-ws/k", "body", ""))
	if status != 400 || !strings.Contains(body, "Missing required header for this request: x-amz-content-sha256") {
		t.Fatalf("no payload hash header: %d %s", status, body)
	}
	status, _ = emutest.Do(t, s3Request(t, e, http.MethodPut, "/lakesail-abc-ws/k", "body", "UNSIGNED-PAYLOAD"))
	if status != 200 {
		t.Fatalf("UNSIGNED-PAYLOAD put: %d", status)
	}
	// A subresource the emulator does not serve is NotImplemented.
	req = s3Request(t, e, http.MethodGet, "/lakesail-abc-ws?lifecycle", "", "UNSIGNED-PAYLOAD")
	resp, err := http.DefaultClient.Do(req)
	emutest.Must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 501 || resp.Header.Get("X-Amz-Request-Id") == "" || resp.Header.Get("X-Amz-Id-2") == "" {
		t.Fatalf("unknown subresource: %d %v", resp.StatusCode, resp.Header)
	}

	// Unknown keys and wrong secrets get S3's spelling.
	_, err = emutest.S3Client(e, aws.Credentials{AccessKeyID: "AKIANOBODY", SecretAccessKey: "x"}).ListBuckets(emutest.Bg, &s3.ListBucketsInput{})
	emutest.WantCode(t, err, "InvalidAccessKeyId")
	root := e.RootCredentials()
	root.SecretAccessKey = "wrong"
	_, err = emutest.S3Client(e, root).ListBuckets(emutest.Bg, &s3.ListBucketsInput{})
	emutest.WantCode(t, err, "SignatureDoesNotMatch")

	// Faults work for S3 and KMS like for every service.
	e.AddFault(awsemu.Fault{Service: "s3", Operation: "PutBucketPolicy", ErrorCode: "OperationAborted", HTTPStatus: 409, Times: 1})
	_, err = c.PutBucketPolicy(emutest.Bg, &s3.PutBucketPolicyInput{Bucket: aws.String("lakesail-abc-ws"), Policy: aws.String(tlsOnlyPolicy("lakesail-abc-ws"))})
	emutest.WantCode(t, err, "OperationAborted")
	e.AddFault(awsemu.Fault{Service: "s3", Operation: "DeleteBucket", Throttle: true, Times: 1})
	_, err = c.DeleteBucket(emutest.Bg, &s3.DeleteBucketInput{Bucket: aws.String("missing-bucket")})
	emutest.WantCode(t, err, "NoSuchBucket") // SlowDown was retried
	e.AddFault(awsemu.Fault{Service: "kms", Operation: "CreateAlias", ErrorCode: "KMSInternalException", HTTPStatus: 400, Times: 1})
	kc := emutest.KmsClient(e, e.RootCredentials())
	k := emutest.CreateKey(t, kc, nil)
	_, err = kc.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: k.KeyId})
	emutest.WantCode(t, err, "KMSInternalException")
	_, err = kc.CreateAlias(emutest.Bg, &kms.CreateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: k.KeyId})
	emutest.Must(t, err)

	// Reset forgets buckets, objects, keys and aliases.
	e.Reset()
	list, err := c.ListBuckets(emutest.Bg, &s3.ListBucketsInput{})
	emutest.Must(t, err)
	keys, err := kc.ListKeys(emutest.Bg, &kms.ListKeysInput{})
	emutest.Must(t, err)
	aliases, err := kc.ListAliases(emutest.Bg, &kms.ListAliasesInput{})
	emutest.Must(t, err)
	if len(list.Buckets) != 0 || len(keys.Keys) != 0 || len(aliases.Aliases) != 0 {
		t.Fatalf("after Reset: %d buckets, %d keys, %d aliases", len(list.Buckets), len(keys.Keys), len(aliases.Aliases))
	}
	emutest.CreateBucket(t, c, "lakesail-abc-ws") // the name is free again
}
