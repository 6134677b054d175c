package logs_test

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

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func logsSession(t *testing.T, e *awsemu.Emulator, name, inline string) *cloudwatchlogs.Client {
	t.Helper()
	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String(name)}, inline)
	return emutest.LogsClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
}

// logsKey creates a KMS key whose policy lets CloudWatch Logs use it for the account's log
// groups, as the AWS documentation's key policy for Logs does.
func logsKey(t *testing.T, e *awsemu.Emulator, logsCondition map[string]any) string {
	t.Helper()
	policy := emutest.Doc(
		emutest.Stmt{Effect: "Allow", Principal: map[string]any{"AWS": emutest.RootOf(awsemu.DefaultAccountID)}, Action: "kms:*", Resource: "*"},
		emutest.Stmt{Effect: "Allow", Principal: map[string]any{"Service": "logs.us-east-1.amazonaws.com"},
			Action: []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, Resource: "*", Condition: logsCondition},
	)
	return *emutest.CreateKey(t, emutest.KmsClient(e, e.RootCredentials()), &kms.CreateKeyInput{Policy: aws.String(policy)}).Arn
}

func TestEmuLogsGroupRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.LogsClient(e, e.RootCredentials())
	key := logsKey(t, e, map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*"}})
	for _, n := range []string{"/lakesail/a", "/lakesail/b", "/lakesail/c", "/other/x"} {
		_, err := c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(n), KmsKeyId: aws.String(key), Tags: map[string]string{"owner": n}})
		emutest.Must(t, err)
	}
	_, err := c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/lakesail/a")})
	var exists *logstypes.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("duplicate group: %v", err)
	}
	for _, bad := range []string{"has space", "aws/reserved", ""} {
		_, err = c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(bad)})
		if emutest.ErrCode(err) != "InvalidParameterException" {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	_, err = c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/k"), KmsKeyId: aws.String("alias/mine")})
	emutest.WantCode(t, err, "InvalidParameterException")

	var names []string
	pages := 0
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/lakesail/"), Limit: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(emutest.Bg)
		emutest.Must(t, err)
		pages++
		for _, g := range page.LogGroups {
			names = append(names, *g.LogGroupName)
		}
	}
	if pages != 2 || fmt.Sprint(names) != "[/lakesail/a /lakesail/b /lakesail/c]" {
		t.Fatalf("pages=%d groups=%v", pages, names)
	}
	one, err := c.DescribeLogGroups(emutest.Bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/lakesail/a")})
	emutest.Must(t, err)
	g := one.LogGroups[0]
	if *g.Arn != "arn:aws:logs:us-east-1:123456789012:log-group:/lakesail/a:*" || *g.LogGroupArn != "arn:aws:logs:us-east-1:123456789012:log-group:/lakesail/a" ||
		*g.CreationTime != emutest.T0.UnixMilli() || *g.KmsKeyId != key || g.RetentionInDays != nil || g.LogGroupClass != logstypes.LogGroupClassStandard {
		t.Fatalf("group = %+v", g)
	}

	_, err = c.DisassociateKmsKey(emutest.Bg, &cloudwatchlogs.DisassociateKmsKeyInput{LogGroupName: aws.String("/lakesail/a")})
	emutest.Must(t, err)
	_, err = c.AssociateKmsKey(emutest.Bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/lakesail/b"), KmsKeyId: aws.String("not-an-arn")})
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = c.AssociateKmsKey(emutest.Bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/nope"), KmsKeyId: aws.String(key)})
	emutest.WantCode(t, err, "ResourceNotFoundException")
	one, err = c.DescribeLogGroups(emutest.Bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("SAIL/A")})
	emutest.Must(t, err)
	if len(one.LogGroups) != 1 || one.LogGroups[0].KmsKeyId != nil {
		t.Fatalf("after disassociate: %+v", one.LogGroups)
	}
	_, err = c.AssociateKmsKey(emutest.Bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/lakesail/a"), KmsKeyId: aws.String(key)})
	emutest.Must(t, err)

	_, err = c.DeleteLogGroup(emutest.Bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/other/x")})
	emutest.Must(t, err)
	_, err = c.DeleteLogGroup(emutest.Bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/other/x")})
	var missing *logstypes.ResourceNotFoundException
	if !errors.As(err, &missing) {
		t.Fatalf("delete missing: %v", err)
	}

	e.Reset()
	all, err := c.DescribeLogGroups(emutest.Bg, &cloudwatchlogs.DescribeLogGroupsInput{})
	emutest.Must(t, err)
	if len(all.LogGroups) != 0 {
		t.Fatalf("Reset kept %d groups", len(all.LogGroups))
	}
}

func TestEmuLogsRetention(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.LogsClient(e, e.RootCredentials())
	name := aws.String("/aws/eks/x/cluster")
	_, err := c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: name})
	emutest.Must(t, err)
	for _, days := range []int32{0, 2, 366, 3650, 5000} {
		_, err := c.PutRetentionPolicy(emutest.Bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name, RetentionInDays: aws.Int32(days)})
		var ip *logstypes.InvalidParameterException
		if !errors.As(err, &ip) {
			t.Errorf("retention %d: %v", days, err)
		}
	}
	emutest.WantContains(t, emutest.ErrMessage(func() error {
		_, err := c.PutRetentionPolicy(emutest.Bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name, RetentionInDays: aws.Int32(2)})
		return err
	}()), "Member must satisfy enum value set: [1, 3, 5, 7, 14,")
	for _, days := range []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653} {
		_, err := c.PutRetentionPolicy(emutest.Bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name, RetentionInDays: aws.Int32(int32(days))})
		emutest.Must(t, err)
	}
	_, err = c.PutRetentionPolicy(emutest.Bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name, RetentionInDays: aws.Int32(365)})
	emutest.Must(t, err)
	out, err := c.DescribeLogGroups(emutest.Bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: name})
	emutest.Must(t, err)
	if *out.LogGroups[0].RetentionInDays != 365 {
		t.Fatalf("retention = %d", *out.LogGroups[0].RetentionInDays)
	}
	_, err = c.DeleteRetentionPolicy(emutest.Bg, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: name})
	emutest.Must(t, err)
	out, err = c.DescribeLogGroups(emutest.Bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: name})
	emutest.Must(t, err)
	if out.LogGroups[0].RetentionInDays != nil {
		t.Fatal("retention policy not deleted")
	}
	_, err = c.PutRetentionPolicy(emutest.Bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/nope"), RetentionInDays: aws.Int32(1)})
	emutest.WantCode(t, err, "ResourceNotFoundException")
}

func TestEmuLogsTags(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.LogsClient(e, e.RootCredentials())
	_, err := c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/t"), Tags: map[string]string{"a": "1"}})
	emutest.Must(t, err)
	arn := aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/t")
	_, err = c.TagResource(emutest.Bg, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2", "c": "3"}})
	emutest.Must(t, err)
	_, err = c.UntagResource(emutest.Bg, &cloudwatchlogs.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"c"}})
	emutest.Must(t, err)
	got, err := c.ListTagsForResource(emutest.Bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: arn})
	emutest.Must(t, err)
	if fmt.Sprint(got.Tags) != "map[a:1 b:2]" {
		t.Fatalf("tags = %v", got.Tags)
	}
	_, err = c.TagLogGroup(emutest.Bg, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String("/t"), Tags: map[string]string{"d": "4"}}) //nolint:staticcheck // the emulator serves the legacy tagging API too
	emutest.Must(t, err)
	_, err = c.UntagLogGroup(emutest.Bg, &cloudwatchlogs.UntagLogGroupInput{LogGroupName: aws.String("/t"), Tags: []string{"a"}}) //nolint:staticcheck // the emulator serves the legacy tagging API too
	emutest.Must(t, err)
	old, err := c.ListTagsLogGroup(emutest.Bg, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String("/t")}) //nolint:staticcheck // the emulator serves the legacy tagging API too
	emutest.Must(t, err)
	if fmt.Sprint(old.Tags) != "map[b:2 d:4]" {
		t.Fatalf("ListTagsLogGroup = %v", old.Tags)
	}
	_, err = c.ListTagsForResource(emutest.Bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/none")})
	emutest.WantCode(t, err, "ResourceNotFoundException")
	_, err = c.TagResource(emutest.Bg, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"aws:x": "1"}})
	emutest.WantCode(t, err, "InvalidParameterException")
	many := map[string]string{}
	for i := 0; i < 49; i++ {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	_, err = c.TagResource(emutest.Bg, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: many})
	emutest.WantCode(t, err, "TooManyTagsException")
}

// Tag conditions decide Logs calls (a JSON 1.1 service) both ways, and tagging on create needs
// logs:TagResource too.
func TestEmuLogsTagConditions(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.LogsClient(e, e.RootCredentials())
	for _, team := range []string{"blue", "red"} {
		_, err := root.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/" + team), Tags: map[string]string{"team": team}})
		emutest.Must(t, err)
	}
	blue := map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "blue"}}
	s := logsSession(t, e, "blue-logs", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: []string{"logs:CreateLogGroup", "logs:TagResource"}, Resource: "*", Condition: blue},
		emutest.Stmt{Effect: "Allow", Action: []string{"logs:PutRetentionPolicy", "logs:DeleteLogGroup"}, Resource: "arn:aws:logs:*:*:log-group:*",
			Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}},
	))
	_, err := s.PutRetentionPolicy(emutest.Bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/blue"), RetentionInDays: aws.Int32(7)})
	emutest.Must(t, err)
	_, err = s.PutRetentionPolicy(emutest.Bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/red"), RetentionInDays: aws.Int32(7)})
	var re *awshttp.ResponseError
	if emutest.ErrCode(err) != "AccessDeniedException" || !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Fatalf("red retention: %v", err)
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "logs:PutRetentionPolicy on resource: arn:aws:logs:us-east-1:123456789012:log-group:/red:*")
	_, err = s.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/blue2"), Tags: map[string]string{"team": "blue"}})
	emutest.Must(t, err)
	_, err = s.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/red2"), Tags: map[string]string{"team": "red"}})
	emutest.WantCode(t, err, "AccessDeniedException")

	createOnly := logsSession(t, e, "create-only", emutest.Doc(emutest.Allow("logs:CreateLogGroup", "*")))
	_, err = createOnly.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/tagged"), Tags: map[string]string{"a": "b"}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "logs:TagResource")
	_, err = createOnly.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/plain")})
	emutest.Must(t, err)
}

// A log group's key must be an enabled key whose key policy lets CloudWatch Logs use it for
// that group; otherwise Logs refuses it.
func TestEmuLogsKMSKeyPolicy(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.LogsClient(e, e.RootCredentials())
	plain := *emutest.CreateKey(t, emutest.KmsClient(e, e.RootCredentials()), nil).Arn // default policy: the account only
	onlyWS1 := logsKey(t, e, map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/ws1-*"}})
	_, err := c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws1-a/cluster"), KmsKeyId: aws.String(plain)})
	emutest.WantCode(t, err, "InvalidParameterException")
	emutest.WantContains(t, emutest.ErrMessage(err), "The specified KMS key does not exist or is not allowed to be used with Arn 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/ws1-a/cluster'")
	_, err = c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws1-a/cluster"), KmsKeyId: aws.String(onlyWS1)})
	emutest.Must(t, err)
	_, err = c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws2-a/cluster"), KmsKeyId: aws.String(onlyWS1)})
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws2-a/cluster")})
	emutest.Must(t, err)
	_, err = c.AssociateKmsKey(emutest.Bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/aws/eks/ws2-a/cluster"), KmsKeyId: aws.String(onlyWS1)})
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = emutest.KmsClient(e, e.RootCredentials()).DisableKey(emutest.Bg, &kms.DisableKeyInput{KeyId: aws.String(onlyWS1)})
	emutest.Must(t, err)
	_, err = c.CreateLogGroup(emutest.Bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/ws1-b/cluster"), KmsKeyId: aws.String(onlyWS1)})
	emutest.WantCode(t, err, "InvalidParameterException")
}
