package awsemu

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
)

// s3Request signs a raw path-style S3 request with payloadHash as X-Amz-Content-Sha256
// ("" leaves the header out, signing the body's hash).
func s3Request(t *testing.T, e *Emulator, method, path, body, payloadHash string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, e.Endpoint()+path, strings.NewReader(body))
	must(t, err)
	sign := payloadHash
	if sign == "" {
		sum := sha256.Sum256([]byte(body))
		sign = hex.EncodeToString(sum[:])
	} else {
		req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	}
	must(t, v4.NewSigner().SignHTTP(context.Background(), e.RootCredentials(), req, sign, "s3", "us-east-1", time.Now(),
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }))
	return req
}

func TestEmuS3WireProtocol(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := s3Client(e, e.RootCredentials())
	createBucket(t, c, "lakesail-abc-ws")
	putObject(t, c, "lakesail-abc-ws", "dir/file name.txt", "presigned")

	// Presigned GET (UNSIGNED-PAYLOAD, signature in the query) works with a plain HTTP client;
	// a tampered signature gets S3's XML error.
	ps, err := s3.NewPresignClient(c).PresignGetObject(bg, &s3.GetObjectInput{Bucket: aws.String("lakesail-abc-ws"), Key: aws.String("dir/file name.txt")})
	must(t, err)
	req, _ := http.NewRequest(http.MethodGet, ps.URL, nil)
	status, body := do(t, req)
	if status != 200 || body != "presigned" {
		t.Fatalf("presigned GET: %d %q", status, body)
	}
	req, _ = http.NewRequest(http.MethodGet, strings.Replace(ps.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1), nil)
	status, body = do(t, req)
	if status != 403 || !strings.Contains(body, "<Error><Code>SignatureDoesNotMatch</Code>") || !strings.Contains(body, "<RequestId>") {
		t.Fatalf("tampered presigned GET: %d %s", status, body)
	}

	// S3 checks the declared payload hash and requires it on header-signed requests.
	status, body = do(t, s3Request(t, e, http.MethodPut, "/lakesail-abc-ws/k", "body", strings.Repeat("0", 64)))
	if status != 400 || !strings.Contains(body, "<Code>XAmzContentSHA256Mismatch</Code>") {
		t.Fatalf("wrong payload hash: %d %s", status, body)
	}
	status, body = do(t, s3Request(t, e, http.MethodPut, "/lakesail-abc-ws/k", "body", ""))
	if status != 400 || !strings.Contains(body, "Missing required header for this request: x-amz-content-sha256") {
		t.Fatalf("no payload hash header: %d %s", status, body)
	}
	status, _ = do(t, s3Request(t, e, http.MethodPut, "/lakesail-abc-ws/k", "body", "UNSIGNED-PAYLOAD"))
	if status != 200 {
		t.Fatalf("UNSIGNED-PAYLOAD put: %d", status)
	}
	// A subresource the emulator does not serve is NotImplemented.
	req = s3Request(t, e, http.MethodGet, "/lakesail-abc-ws?lifecycle", "", "UNSIGNED-PAYLOAD")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 501 || resp.Header.Get("X-Amz-Request-Id") == "" || resp.Header.Get("X-Amz-Id-2") == "" {
		t.Fatalf("unknown subresource: %d %v", resp.StatusCode, resp.Header)
	}

	// Unknown keys and wrong secrets get S3's spelling.
	_, err = s3Client(e, aws.Credentials{AccessKeyID: "AKIANOBODY", SecretAccessKey: "x"}).ListBuckets(bg, &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidAccessKeyId")
	root := e.RootCredentials()
	root.SecretAccessKey = "wrong"
	_, err = s3Client(e, root).ListBuckets(bg, &s3.ListBucketsInput{})
	wantCode(t, err, "SignatureDoesNotMatch")

	// Faults work for S3 and KMS like for every service.
	e.AddFault(Fault{Service: "s3", Operation: "PutBucketPolicy", ErrorCode: "OperationAborted", HTTPStatus: 409, Times: 1})
	_, err = c.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: aws.String("lakesail-abc-ws"), Policy: aws.String(tlsOnlyPolicy("lakesail-abc-ws"))})
	wantCode(t, err, "OperationAborted")
	e.AddFault(Fault{Service: "s3", Operation: "DeleteBucket", Throttle: true, Times: 1})
	_, err = c.DeleteBucket(bg, &s3.DeleteBucketInput{Bucket: aws.String("missing-bucket")})
	wantCode(t, err, "NoSuchBucket") // SlowDown was retried
	e.AddFault(Fault{Service: "kms", Operation: "CreateAlias", ErrorCode: "KMSInternalException", HTTPStatus: 400, Times: 1})
	kc := kmsClient(e, e.RootCredentials())
	k := createKey(t, kc, nil)
	_, err = kc.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: k.KeyId})
	wantCode(t, err, "KMSInternalException")
	_, err = kc.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: k.KeyId})
	must(t, err)

	// Reset forgets buckets, objects, keys and aliases.
	e.Reset()
	list, err := c.ListBuckets(bg, &s3.ListBucketsInput{})
	must(t, err)
	keys, err := kc.ListKeys(bg, &kms.ListKeysInput{})
	must(t, err)
	aliases, err := kc.ListAliases(bg, &kms.ListAliasesInput{})
	must(t, err)
	if len(list.Buckets) != 0 || len(keys.Keys) != 0 || len(aliases.Aliases) != 0 {
		t.Fatalf("after Reset: %d buckets, %d keys, %d aliases", len(list.Buckets), len(keys.Keys), len(aliases.Aliases))
	}
	createBucket(t, c, "lakesail-abc-ws") // the name is free again
}
