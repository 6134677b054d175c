package workspace_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// TestLibWorkspaceWorkloadSessionConfined signs in as a pod would (IRSA: a service-account token
// the emulated cluster signs, exchanged with sts:AssumeRoleWithWebIdentity): the storage pod
// reaches the workspace bucket, but not another connection's bucket nor a service outside
// WorkloadBoundary, and no other service account can become the storage role.
func TestLibWorkspaceWorkloadSessionConfined(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newWorkspaceEnv(t, awsemu.Options{})
	ws := env.create(t)
	rootCfg := env.emu.AWSConfig(nil)
	rootS3 := s3.NewFromConfig(rootCfg, func(o *s3.Options) { o.UsePathStyle = true })
	otherBucket := "lakesail-zz99yy88xx-net0000001-ws"
	_, err := rootS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(otherBucket)})
	lakesailtest.Must(t, err)

	anon := sts.NewFromConfig(env.emu.AWSConfig(aws.AnonymousCredentials{}))
	webIdentity := func(sub, purpose string) (aws.Config, error) {
		token, err := env.emu.ServiceAccountTokenFor(ws.ClusterName, sub, "sts.amazonaws.com")
		lakesailtest.Must(t, err)
		out, err := anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(ws.WorkloadRoleARNs[purpose]), RoleSessionName: aws.String("pod"), WebIdentityToken: aws.String(token)})
		if err != nil {
			return aws.Config{}, err
		}
		creds := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
			SessionToken: aws.ToString(out.Credentials.SessionToken)}
		return env.emu.AWSConfig(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })), nil
	}

	pod, err := webIdentity("system:serviceaccount:"+strings.Replace(workspace.WorkloadServiceAccount("storage"), "/", ":", 1), "storage")
	lakesailtest.Must(t, err)
	podS3 := s3.NewFromConfig(pod, func(o *s3.Options) { o.UsePathStyle = true })
	_, err = podS3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(env.spec.Network.BucketName)})
	lakesailtest.Must(t, err)
	_, err = podS3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(otherBucket)})
	wantDenied(t, "listing another connection's bucket", err)
	_, err = podS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(otherBucket), Key: aws.String("x"), Body: strings.NewReader("x")})
	wantDenied(t, "writing another connection's bucket", err)
	_, err = dynamodb.NewFromConfig(pod).ListTables(ctx, &dynamodb.ListTablesInput{})
	wantDenied(t, "DynamoDB, outside WorkloadBoundary", err)

	// The storage role admits only its service account; the logging role not the storage one.
	_, err = webIdentity("system:serviceaccount:lakesail:intruder", "storage")
	wantDenied(t, "another service account assuming the storage role", err)
	_, err = webIdentity("system:serviceaccount:lakesail:sail-worker", "logging")
	wantDenied(t, "the storage service account assuming the logging role", err)
}

func wantDenied(t *testing.T, what string, err error) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.ErrorCode(), "AccessDenied") {
		t.Errorf("%s: want AccessDenied, got %v", what, err)
	}
}
