package envelope

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func acmTags(tags []acmTag) []acmtypes.Tag {
	var out []acmtypes.Tag
	for _, t := range tags {
		out = append(out, acmtypes.Tag{Key: aws.String(t.k), Value: aws.String(t.v)})
	}
	return out
}

func acmOf(p principal) *acm.Client             { return acm.NewFromConfig(p.cfg) }
func ssmOf(p principal) *ssm.Client             { return ssm.NewFromConfig(p.cfg) }
func logsOf(p principal) *cloudwatchlogs.Client { return cloudwatchlogs.NewFromConfig(p.cfg) }
func glueOf(p principal) *glue.Client           { return glue.NewFromConfig(p.cfg) }

func tagCert(p principal, arn string) error {
	_, err := acmOf(p).AddTagsToCertificate(bg, &acm.AddTagsToCertificateInput{CertificateArn: aws.String(arn), Tags: acmTags([]acmTag{{tagKey, connID}})})
	return err
}

func tagParameter(p principal, name string) error {
	_, err := ssmOf(p).AddTagsToResource(bg, &ssm.AddTagsToResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String(name),
		Tags: []ssmtypes.Tag{{Key: aws.String(tagKey), Value: aws.String(connID)}}})
	return err
}

// TestEnvelopeACMSSMLogsGlue: certificates, parameters, log groups and Glue databases of the
// customer and of another connection; and the account-wide Glue settings.
func TestEnvelopeACMSSMLogsGlue(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	t.Run("certificates", func(t *testing.T) {
		cert, key := selfSigned(t, "attacker.example")
		w.runEnvelope(t, "certificate", w.certs.foreign(), tagCert, []attack{
			{"acm:AddTagsToCertificate", tagCert},
			{"acm:RemoveTagsFromCertificate", func(p principal, arn string) error {
				_, err := acmOf(p).RemoveTagsFromCertificate(bg, &acm.RemoveTagsFromCertificateInput{CertificateArn: aws.String(arn), Tags: acmTags([]acmTag{{tagKey, otherID}})})
				return err
			}},
			{"acm:ImportCertificate-reimport", func(p principal, arn string) error {
				_, err := acmOf(p).ImportCertificate(bg, &acm.ImportCertificateInput{CertificateArn: aws.String(arn), Certificate: cert, PrivateKey: key})
				return err
			}},
			{"acm:DeleteCertificate", func(p principal, arn string) error {
				_, err := acmOf(p).DeleteCertificate(bg, &acm.DeleteCertificateInput{CertificateArn: aws.String(arn)})
				return err
			}},
		})
	})
	t.Run("parameters", func(t *testing.T) {
		w.runEnvelope(t, "parameter", w.params.foreign(), tagParameter, []attack{
			{"ssm:AddTagsToResource", tagParameter},
			{"ssm:RemoveTagsFromResource", func(p principal, name string) error {
				_, err := ssmOf(p).RemoveTagsFromResource(bg, &ssm.RemoveTagsFromResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String(name), TagKeys: []string{tagKey}})
				return err
			}},
			{"ssm:PutParameter-overwrite", func(p principal, name string) error {
				_, err := ssmOf(p).PutParameter(bg, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String("attacker"), Overwrite: aws.Bool(true), Type: ssmtypes.ParameterTypeString})
				return err
			}},
			{"ssm:DeleteParameter", func(p principal, name string) error {
				_, err := ssmOf(p).DeleteParameter(bg, &ssm.DeleteParameterInput{Name: aws.String(name)})
				return err
			}},
			{"ssm:DeleteParameters", func(p principal, name string) error {
				out, err := ssmOf(p).DeleteParameters(bg, &ssm.DeleteParametersInput{Names: []string{name}})
				if err == nil && len(out.DeletedParameters) == 0 {
					return errDenied // DeleteParameters reports what it could not delete
				}
				return err
			}},
		})
	})
	t.Run("log-groups", func(t *testing.T) {
		tag := func(p principal, name string) error {
			//nolint:staticcheck // the deprecated tagging call is a way in too, so it is tried
			_, err := logsOf(p).TagLogGroup(bg, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String(name), Tags: map[string]string{tagKey: connID}})
			return err
		}
		arn := func(name string) string { return "arn:aws:logs:us-east-1:" + w.account + ":log-group:" + name }
		w.runEnvelope(t, "log-group", w.logGroups.foreign(), tag, []attack{
			{"logs:TagLogGroup", tag},
			{"logs:TagResource", func(p principal, name string) error {
				_, err := logsOf(p).TagResource(bg, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn(name)), Tags: map[string]string{tagKey: connID}})
				return err
			}},
			{"logs:UntagResource", func(p principal, name string) error {
				_, err := logsOf(p).UntagResource(bg, &cloudwatchlogs.UntagResourceInput{ResourceArn: aws.String(arn(name)), TagKeys: []string{tagKey}})
				return err
			}},
			{"logs:PutRetentionPolicy-1-day", func(p principal, name string) error {
				_, err := logsOf(p).PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(1)})
				return err
			}},
			{"logs:DeleteRetentionPolicy", func(p principal, name string) error {
				_, err := logsOf(p).DeleteRetentionPolicy(bg, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(name)})
				return err
			}},
			{"logs:AssociateKmsKey", func(p principal, name string) error {
				_, err := logsOf(p).AssociateKmsKey(bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String(name), KmsKeyId: aws.String(w.keys.ours)})
				return err
			}},
			{"logs:DeleteLogGroup", func(p principal, name string) error {
				_, err := logsOf(p).DeleteLogGroup(bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
				return err
			}},
		})
	})
	t.Run("glue-databases", func(t *testing.T) {
		arn := func(name string) string { return "arn:aws:glue:us-east-1:" + w.account + ":database/" + name }
		tag := func(p principal, name string) error {
			_, err := glueOf(p).TagResource(bg, &glue.TagResourceInput{ResourceArn: aws.String(arn(name)), TagsToAdd: map[string]string{tagKey: connID}})
			return err
		}
		w.runEnvelope(t, "database", w.databases.foreign(), tag, []attack{
			{"glue:TagResource", tag},
			{"glue:UntagResource", func(p principal, name string) error {
				_, err := glueOf(p).UntagResource(bg, &glue.UntagResourceInput{ResourceArn: aws.String(arn(name)), TagsToRemove: []string{tagKey}})
				return err
			}},
			{"glue:UpdateDatabase", func(p principal, name string) error {
				_, err := glueOf(p).UpdateDatabase(bg, &glue.UpdateDatabaseInput{Name: aws.String(name), DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(name),
					LocationUri: aws.String("s3://" + w.foreignBucket + "/")}})
				return err
			}},
			{"glue:DeleteDatabase", func(p principal, name string) error {
				_, err := glueOf(p).DeleteDatabase(bg, &glue.DeleteDatabaseInput{Name: aws.String(name)})
				return err
			}},
		})
	})
	t.Run("glue-catalog", func(t *testing.T) {
		w.runEnvelope(t, "catalog", []target{{"account", w.account}}, nil, glueCatalogAttacks(w))
	})
}

func glueCatalogAttacks(w *world) []attack {
	return []attack{
		{"glue:PutResourcePolicy", func(p principal, _ string) error {
			_, err := glueOf(p).PutResourcePolicy(bg, &glue.PutResourcePolicyInput{PolicyInJson: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
				`"Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"glue:*","Resource":"arn:aws:glue:us-east-1:` + w.account + `:*"}]}`)})
			return err
		}},
		{"glue:PutDataCatalogEncryptionSettings", func(p principal, _ string) error {
			_, err := glueOf(p).PutDataCatalogEncryptionSettings(bg, &glue.PutDataCatalogEncryptionSettingsInput{DataCatalogEncryptionSettings: &gluetypes.DataCatalogEncryptionSettings{
				EncryptionAtRest: &gluetypes.EncryptionAtRest{CatalogEncryptionMode: gluetypes.CatalogEncryptionModeDisabled}}})
			return err
		}},
	}
}

// TestEnvelopeAttack_TagThenDeleteCustomerCertificate: the connection role tags an imported
// customer certificate with its connection tag, then deletes it.
func TestEnvelopeAttack_TagThenDeleteCustomerCertificate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.connection
	w.wantResidual(t, p, "acm:AddTagsToCertificate LakeSail-Connection="+connID+" on the customer's certificate",
		residuals["connection-role/customer/acm:AddTagsToCertificate"], tagCert(p, w.certs.customer))
	_, err := acmOf(p).DeleteCertificate(bg, &acm.DeleteCertificateInput{CertificateArn: aws.String(w.certs.customer)})
	w.wantRefused(t, p, "acm:DeleteCertificate on the customer's certificate (after trying to tag it)", err)
}

// TestEnvelopeAttack_WorkloadRoleGlueAccountWide: no workload role changes the account's Data
// Catalog resource policy or its encryption settings.
func TestEnvelopeAttack_WorkloadRoleGlueAccountWide(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, p := range w.workloads {
		for _, a := range glueCatalogAttacks(w) {
			w.wantRefused(t, p, a.name+" (account-wide)", a.call(p, ""))
		}
	}
}
