package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// completeForImport fills what an imported workspace's spec cannot know from its id: the bucket
// and catalogs come from the storage role's policy, which names both.
func (c *Client) completeForImport(ctx context.Context, s Spec) Spec {
	out, err := c.IAM().GetRolePolicy(ctx, &iam.GetRolePolicyInput{
		RoleName: aws.String(s.WorkloadRoleName(PurposeStorage)), PolicyName: aws.String(inlinePolicyName)})
	if err != nil {
		return s
	}
	text, err := lakesail.DecodePolicyDocument(aws.ToString(out.PolicyDocument))
	if err != nil {
		return s
	}
	var doc struct {
		Statement []struct {
			Sid      string
			Resource json.RawMessage
		}
	}
	if json.Unmarshal([]byte(text), &doc) != nil {
		return s
	}
	prefix := s.GlueDatabaseName("")
	for _, st := range doc.Statement {
		var resources []string
		if json.Unmarshal(st.Resource, &resources) != nil {
			var one string
			_ = json.Unmarshal(st.Resource, &one)
			resources = []string{one}
		}
		for _, r := range resources {
			switch {
			case st.Sid == "WorkspaceBucketListing" && strings.HasPrefix(r, "arn:"):
				s.Network.BucketName = r[strings.LastIndex(r, ":")+1:]
			case st.Sid == "WorkspaceCatalogs" && strings.Contains(r, ":database/"+prefix):
				catalog := strings.TrimPrefix(r[strings.Index(r, ":database/")+len(":database/"):], prefix)
				if !slices.Contains(s.GlueDatabases, catalog) {
					s.GlueDatabases = append(s.GlueDatabases, catalog)
				}
			}
		}
	}
	slices.Sort(s.GlueDatabases)
	return s
}

// findCertificate finds the session certificate by its domain among the certificates the
// connection may describe (others are refused and skipped).
func (c *Client) findCertificate(ctx context.Context, s Spec) (string, error) {
	api := c.ACM()
	domain := s.sessionDomain()
	pages := acm.NewListCertificatesPaginator(api, sessionCertificateFilter())
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", lakesail.Classify("acm:ListCertificates", err)
		}
		for _, summary := range page.CertificateSummaryList {
			if aws.ToString(summary.DomainName) != "" && aws.ToString(summary.DomainName) != domain {
				continue
			}
			out, err := api.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: summary.CertificateArn})
			var awsErr *lakesail.AWSError
			if err := lakesail.Classify("acm:DescribeCertificate", err); errors.As(err, &awsErr) && awsErr.IsAccessDenied() {
				continue
			} else if err != nil {
				return "", err
			}
			if aws.ToString(out.Certificate.DomainName) == domain {
				return aws.ToString(summary.CertificateArn), nil
			}
		}
	}
	return "", nil
}

// sessionCertificateFilter lists certificates of the session certificate's key type: ListCertificates
// returns only RSA-2048 ones unless told otherwise.
func sessionCertificateFilter() *acm.ListCertificatesInput {
	return &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1}}}
}
