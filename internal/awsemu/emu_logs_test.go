package awsemu

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

func logsSession(t *testing.T, e *Emulator, name, inline string) *cloudwatchlogs.Client {
	t.Helper()
	r := createRole(t, iamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String(name)}, inline)
	return logsClient(e, assume(t, e, e.RootCredentials(), *r.Arn, ""))
}

// logsKey creates a KMS key whose policy lets CloudWatch Logs use it for the account's log
// groups, as the AWS documentation's key policy for Logs does.
func logsKey(t *testing.T, e *Emulator, logsCondition map[string]any) string {
	t.Helper()
	policy := doc(
		stmt{Effect: "Allow", Principal: map[string]any{"AWS": rootOf(DefaultAccountID)}, Action: "kms:*", Resource: "*"},
		stmt{Effect: "Allow", Principal: map[string]any{"Service": "logs.us-east-1.amazonaws.com"},
			Action: []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, Resource: "*", Condition: logsCondition},
	)
	return *createKey(t, kmsClient(e, e.RootCredentials()), &kms.CreateKeyInput{Policy: aws.String(policy)}).Arn
}

func TestEmuLogsGroupRoundTrip(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := logsClient(e, e.RootCredentials())
	key := logsKey(t, e, map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*"}})
	for _, n := range []string{"/lakesail/a", "/lakesail/b", "/lakesail/c", "/other/x"} {
		_, err := c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(n), KmsKeyId: aws.String(key), Tags: map[string]string{"owner": n}})
		must(t, err)
	}
	_, err := c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/lakesail/a")})
	var exists *logstypes.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("duplicate group: %v", err)
	}
	for _, bad := range []string{"has space", "aws/reserved", ""} {
		_, err = c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(bad)})
		if errCode(err) != "InvalidParameterException" {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	_, err = c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/k"), KmsKeyId: aws.String("alias/mine")})
	wantCode(t, err, "InvalidParameterException")

	var names []string
	pages := 0
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/lakesail/"), Limit: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(bg)
		must(t, err)
		pages++
		for _, g := range page.LogGroups {
			names = append(names, *g.LogGroupName)
		}
	}
	if pages != 2 || fmt.Sprint(names) != "[/lakesail/a /lakesail/b /lakesail/c]" {
		t.Fatalf("pages=%d groups=%v", pages, names)
	}
	one, err := c.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/lakesail/a")})
	must(t, err)
	g := one.LogGroups[0]
	if *g.Arn != "arn:aws:logs:us-east-1:123456789012:log-group:/lakesail/a:*" || *g.LogGroupArn != "arn:aws:logs:us-east-1:123456789012:log-group:/lakesail/a" ||
		*g.CreationTime != t0.UnixMilli() || *g.KmsKeyId != key || g.RetentionInDays != nil || g.LogGroupClass != logstypes.LogGroupClassStandard {
		t.Fatalf("group = %+v", g)
	}

	_, err = c.DisassociateKmsKey(bg, &cloudwatchlogs.DisassociateKmsKeyInput{LogGroupName: aws.String("/lakesail/a")})
	must(t, err)
	_, err = c.AssociateKmsKey(bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/lakesail/b"), KmsKeyId: aws.String("not-an-arn")})
	wantCode(t, err, "InvalidParameterException")
	_, err = c.AssociateKmsKey(bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/nope"), KmsKeyId: aws.String(key)})
	wantCode(t, err, "ResourceNotFoundException")
	one, err = c.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("SAIL/A")})
	must(t, err)
	if len(one.LogGroups) != 1 || one.LogGroups[0].KmsKeyId != nil {
		t.Fatalf("after disassociate: %+v", one.LogGroups)
	}
	_, err = c.AssociateKmsKey(bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/lakesail/a"), KmsKeyId: aws.String(key)})
	must(t, err)

	_, err = c.DeleteLogGroup(bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/other/x")})
	must(t, err)
	_, err = c.DeleteLogGroup(bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/other/x")})
	var missing *logstypes.ResourceNotFoundException
	if !errors.As(err, &missing) {
		t.Fatalf("delete missing: %v", err)
	}

	e.Reset()
	all, err := c.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{})
	must(t, err)
	if len(all.LogGroups) != 0 {
		t.Fatalf("Reset kept %d groups", len(all.LogGroups))
	}
}

func TestEmuLogsRetention(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := logsClient(e, e.RootCredentials())
	name := aws.String("/aws/eks/x/cluster")
	_, err := c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: name})
	must(t, err)
	for _, days := range []int32{0, 2, 366, 3650, 5000} {
		_, err := c.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name, RetentionInDays: aws.Int32(days)})
		var ip *logstypes.InvalidParameterException
		if !errors.As(err, &ip) {
			t.Errorf("retention %d: %v", days, err)
		}
	}
	wantContains(t, errMessage(func() error {
		_, err := c.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name, RetentionInDays: aws.Int32(2)})
		return err
	}()), "Member must satisfy enum value set: [1, 3, 5, 7, 14,")
	for _, days := range []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653} {
		_, err := c.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name, RetentionInDays: aws.Int32(int32(days))})
		must(t, err)
	}
	_, err = c.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name, RetentionInDays: aws.Int32(365)})
	must(t, err)
	out, err := c.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: name})
	must(t, err)
	if *out.LogGroups[0].RetentionInDays != 365 {
		t.Fatalf("retention = %d", *out.LogGroups[0].RetentionInDays)
	}
	_, err = c.DeleteRetentionPolicy(bg, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: name})
	must(t, err)
	out, err = c.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: name})
	must(t, err)
	if out.LogGroups[0].RetentionInDays != nil {
		t.Fatal("retention policy not deleted")
	}
	_, err = c.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/nope"), RetentionInDays: aws.Int32(1)})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestEmuLogsTags(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := logsClient(e, e.RootCredentials())
	_, err := c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/t"), Tags: map[string]string{"a": "1"}})
	must(t, err)
	arn := aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/t")
	_, err = c.TagResource(bg, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2", "c": "3"}})
	must(t, err)
	_, err = c.UntagResource(bg, &cloudwatchlogs.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"c"}})
	must(t, err)
	got, err := c.ListTagsForResource(bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: arn})
	must(t, err)
	if fmt.Sprint(got.Tags) != "map[a:1 b:2]" {
		t.Fatalf("tags = %v", got.Tags)
	}
	_, err = c.TagLogGroup(bg, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String("/t"), Tags: map[string]string{"d": "4"}}) //nolint:staticcheck // the emulator serves the legacy tagging API too
	must(t, err)
	_, err = c.UntagLogGroup(bg, &cloudwatchlogs.UntagLogGroupInput{LogGroupName: aws.String("/t"), Tags: []string{"a"}}) //nolint:staticcheck // the emulator serves the legacy tagging API too
	must(t, err)
	old, err := c.ListTagsLogGroup(bg, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String("/t")}) //nolint:staticcheck // the emulator serves the legacy tagging API too
	must(t, err)
	if fmt.Sprint(old.Tags) != "map[b:2 d:4]" {
		t.Fatalf("ListTagsLogGroup = %v", old.Tags)
	}
	_, err = c.ListTagsForResource(bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/none")})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = c.TagResource(bg, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"aws:x": "1"}})
	wantCode(t, err, "InvalidParameterException")
	many := map[string]string{}
	for i := 0; i < 49; i++ {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	_, err = c.TagResource(bg, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: many})
	wantCode(t, err, "TooManyTagsException")
}

// Tag conditions decide Logs calls (a JSON 1.1 service) both ways, and tagging on create needs
// logs:TagResource too.
func TestEmuLogsTagConditions(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	root := logsClient(e, e.RootCredentials())
	for _, team := range []string{"blue", "red"} {
		_, err := root.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/" + team), Tags: map[string]string{"team": team}})
		must(t, err)
	}
	blue := map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "blue"}}
	s := logsSession(t, e, "blue-logs", doc(
		stmt{Effect: "Allow", Action: []string{"logs:CreateLogGroup", "logs:TagResource"}, Resource: "*", Condition: blue},
		stmt{Effect: "Allow", Action: []string{"logs:PutRetentionPolicy", "logs:DeleteLogGroup"}, Resource: "arn:aws:logs:*:*:log-group:*",
			Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}},
	))
	_, err := s.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/blue"), RetentionInDays: aws.Int32(7)})
	must(t, err)
	_, err = s.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/red"), RetentionInDays: aws.Int32(7)})
	var re *awshttp.ResponseError
	if errCode(err) != "AccessDeniedException" || !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Fatalf("red retention: %v", err)
	}
	wantContains(t, errMessage(err), "logs:PutRetentionPolicy on resource: arn:aws:logs:us-east-1:123456789012:log-group:/red:*")
	_, err = s.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/blue2"), Tags: map[string]string{"team": "blue"}})
	must(t, err)
	_, err = s.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/red2"), Tags: map[string]string{"team": "red"}})
	wantCode(t, err, "AccessDeniedException")

	createOnly := logsSession(t, e, "create-only", doc(allow("logs:CreateLogGroup", "*")))
	_, err = createOnly.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/tagged"), Tags: map[string]string{"a": "b"}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "logs:TagResource")
	_, err = createOnly.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/plain")})
	must(t, err)
}

// A log group's key must be an enabled key whose key policy lets CloudWatch Logs use it for
// that group; otherwise Logs refuses it.
func TestEmuLogsKMSKeyPolicy(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := logsClient(e, e.RootCredentials())
	plain := *createKey(t, kmsClient(e, e.RootCredentials()), nil).Arn // default policy: the account only
	onlyWS1 := logsKey(t, e, map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/ws1-*"}})
	_, err := c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws1-a/cluster"), KmsKeyId: aws.String(plain)})
	wantCode(t, err, "InvalidParameterException")
	wantContains(t, errMessage(err), "The specified KMS key does not exist or is not allowed to be used with Arn 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/ws1-a/cluster'")
	_, err = c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws1-a/cluster"), KmsKeyId: aws.String(onlyWS1)})
	must(t, err)
	_, err = c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws2-a/cluster"), KmsKeyId: aws.String(onlyWS1)})
	wantCode(t, err, "InvalidParameterException")
	_, err = c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws2-a/cluster")})
	must(t, err)
	_, err = c.AssociateKmsKey(bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/aws/eks/ws2-a/cluster"), KmsKeyId: aws.String(onlyWS1)})
	wantCode(t, err, "InvalidParameterException")
	_, err = kmsClient(e, e.RootCredentials()).DisableKey(bg, &kms.DisableKeyInput{KeyId: aws.String(onlyWS1)})
	must(t, err)
	_, err = c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws1-b/cluster"), KmsKeyId: aws.String(onlyWS1)})
	wantCode(t, err, "InvalidParameterException")
}
