package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// ensureLogGroup creates the control-plane log group with its key, tags and retention, or
// brings an existing one (an earlier attempt's) up to date.
func (c *Client) ensureLogGroup(ctx context.Context, s Spec) error {
	api := c.Logs()
	_, err := api.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{
		LogGroupName: aws.String(s.LogGroupName()),
		KmsKeyId:     aws.String(s.Network.KMSKeyARN),
		Tags:         s.WorkspaceTags(),
	})
	var exists *logstypes.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return lakesail.Classify("logs:CreateLogGroup", err)
	}
	if exists != nil {
		group, err := c.findLogGroup(ctx, s)
		if err != nil {
			return err
		}
		if aws.ToString(group.KmsKeyId) != s.Network.KMSKeyARN {
			_, err := api.AssociateKmsKey(ctx, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String(s.LogGroupName()), KmsKeyId: aws.String(s.Network.KMSKeyARN)})
			if err != nil {
				return lakesail.Classify("logs:AssociateKmsKey", err)
			}
		}
		if err := c.tagLogGroup(ctx, s, aws.ToString(group.Arn)); err != nil {
			return err
		}
	}
	return c.putRetention(ctx, s)
}

func (c *Client) putRetention(ctx context.Context, s Spec) error {
	_, err := c.Logs().PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
		LogGroupName: aws.String(s.LogGroupName()), RetentionInDays: aws.Int32(int32(s.LogRetentionDays))})
	return lakesail.Classify("logs:PutRetentionPolicy", err)
}

// findLogGroup finds the control-plane log group (DescribeLogGroups matches by prefix).
func (c *Client) findLogGroup(ctx context.Context, s Spec) (*logstypes.LogGroup, error) {
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(c.Logs(),
		&cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(s.LogGroupName())})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, lakesail.Classify("logs:DescribeLogGroups", err)
		}
		for i := range page.LogGroups {
			if aws.ToString(page.LogGroups[i].LogGroupName) == s.LogGroupName() {
				return &page.LogGroups[i], nil
			}
		}
	}
	return nil, lakesail.NewNotFound("logs:DescribeLogGroups", "ResourceNotFoundException", "log group "+s.LogGroupName()+" does not exist")
}

// tagLogGroup sets the workspace's tags on the log group and removes any others.
func (c *Client) tagLogGroup(ctx context.Context, s Spec, groupARN string) error {
	api := c.Logs()
	groupARN = trimLogGroupARN(groupARN)
	out, err := api.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(groupARN)})
	if err != nil {
		return lakesail.Classify("logs:ListTagsForResource", err)
	}
	stale, changed := lakesail.TagDiff(out.Tags, s.WorkspaceTags())
	if len(stale) > 0 {
		_, err := api.UntagResource(ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: aws.String(groupARN), TagKeys: stale})
		if err != nil {
			return lakesail.Classify("logs:UntagResource", err)
		}
	}
	if len(changed) > 0 {
		_, err := api.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(groupARN), Tags: changed})
		if err != nil {
			return lakesail.Classify("logs:TagResource", err)
		}
	}
	return nil
}

// trimLogGroupARN drops the ":*" DescribeLogGroups appends; the tagging API wants it without.
func trimLogGroupARN(arn string) string {
	if len(arn) > 2 && arn[len(arn)-2:] == ":*" {
		return arn[:len(arn)-2]
	}
	return arn
}

// ensureOIDCProvider registers the cluster's issuer with IAM for IRSA, audience STS.
func (c *Client) ensureOIDCProvider(ctx context.Context, s Spec, issuer string) error {
	_, err := c.IAM().CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url:          aws.String(issuer),
		ClientIDList: []string{"sts.amazonaws.com"},
		Tags:         lakesail.IAMTags(s.WorkspaceTags()),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		return nil
	}
	return lakesail.Classify("iam:CreateOpenIDConnectProvider", err)
}

// putParameters stores the Konnectivity material as SecureString parameters encrypted with the
// network's key, replacing what an earlier attempt or rotation left.
func (c *Client) putParameters(ctx context.Context, s Spec, values map[string]string) error {
	api := c.SSM()
	for _, suffix := range konnectivityParameters {
		name := s.ParameterPath() + suffix
		_, err := api.PutParameter(ctx, &ssm.PutParameterInput{
			Name: aws.String(name), Value: aws.String(values[suffix]), Type: ssmtypes.ParameterTypeSecureString,
			KeyId: aws.String(s.Network.KMSKeyARN), Tier: ssmtypes.ParameterTierAdvanced,
			Description: aws.String("LakeSail workspace " + s.WorkspaceID + ": Konnectivity " + suffix),
			Tags:        ssmTags(s.WorkspaceTags()),
		})
		var exists *ssmtypes.ParameterAlreadyExists
		if errors.As(err, &exists) {
			// SSM takes no tags with Overwrite: overwrite, then tag.
			_, err = api.PutParameter(ctx, &ssm.PutParameterInput{
				Name: aws.String(name), Value: aws.String(values[suffix]), Type: ssmtypes.ParameterTypeSecureString,
				KeyId: aws.String(s.Network.KMSKeyARN), Tier: ssmtypes.ParameterTierAdvanced, Overwrite: aws.Bool(true),
			})
			if err != nil {
				return lakesail.Classify("ssm:PutParameter", err)
			}
			err = c.tagParameter(ctx, s, name)
		}
		if err != nil {
			return lakesail.Classify("ssm:PutParameter", err)
		}
	}
	return nil
}

func (c *Client) tagParameter(ctx context.Context, s Spec, name string) error {
	_, err := c.SSM().AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{
		ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String(name), Tags: ssmTags(s.WorkspaceTags())})
	return lakesail.Classify("ssm:AddTagsToResource", err)
}

func ssmTags(tags map[string]string) []ssmtypes.Tag {
	var out []ssmtypes.Tag
	for _, k := range sortedMapKeys(tags) {
		out = append(out, ssmtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// importCertificate imports the session certificate as a new, tagged certificate through the
// role (a re-import replaces one in place and is the account's: reimportCertificate).
func (c *Client) importCertificate(ctx context.Context, s Spec, material *workspaceTLS) (string, error) {
	out, err := c.ACM().ImportCertificate(ctx, &acm.ImportCertificateInput{
		Certificate:      []byte(material.Session.Cert),
		PrivateKey:       []byte(material.Session.Key),
		CertificateChain: []byte(material.CA.Cert),
		Tags:             acmTags(s.WorkspaceTags()),
	})
	if err != nil {
		return "", lakesail.Classify("acm:ImportCertificate", err)
	}
	return aws.ToString(out.CertificateArn), nil
}

func acmTags(tags map[string]string) []acmtypes.Tag {
	var out []acmtypes.Tag
	for _, k := range sortedMapKeys(tags) {
		out = append(out, acmtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// ensureGlueDatabases creates the spec's databases that do not exist and deletes those of
// removed catalogs (names of the workspace only).
func (c *Client) ensureGlueDatabases(ctx context.Context, s Spec, removed []string) error {
	api := c.Glue()
	for _, name := range s.GlueDatabaseNames() {
		_, err := api.CreateDatabase(ctx, &glue.CreateDatabaseInput{
			DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(name), Description: aws.String("LakeSail workspace " + s.WorkspaceID)},
			Tags:          s.WorkspaceTags(),
		})
		var exists *gluetypes.AlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return lakesail.Classify("glue:CreateDatabase", err)
		}
	}
	for _, name := range removed {
		if err := c.deleteGlueDatabase(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) deleteGlueDatabase(ctx context.Context, name string) error {
	_, err := c.Glue().DeleteDatabase(ctx, &glue.DeleteDatabaseInput{Name: aws.String(name)})
	return lakesail.IgnoreNotFound(lakesail.Classify("glue:DeleteDatabase", err))
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.Sort(keys)
	return keys
}

// sameJSONDocument compares two JSON documents by value ("" equals "" only).
func sameJSONDocument(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" {
		return false
	}
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
