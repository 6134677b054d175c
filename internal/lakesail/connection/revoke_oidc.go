package connection

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// eksIssuerRegion finds the region in the URL of an EKS cluster's OIDC issuer.
var eksIssuerRegion = regexp.MustCompile(`^oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/id/[A-Za-z0-9]+$`)

// KeptOIDCProvidersError says a connection was destroyed, but OIDC providers carrying its tag
// were kept because they are not shown to be its own: the connection role can add its tag to a
// provider it did not create (IAM checks the same action when a provider is created with tags),
// so the tag alone never condemns a provider. It is a warning: the connection is gone.
type KeptOIDCProvidersError struct {
	Kept []string // "arn…: why"
}

func (e *KeptOIDCProvidersError) Error() string {
	return "IAM OIDC providers carrying the connection's tag were kept: " + strings.Join(e.Kept, "; ")
}

// keepOthersOIDCProviders splits providers tagged with the connection into those to delete and
// those to keep: a provider whose URL is the issuer of an EKS cluster outside the connection's
// namespace is that cluster's (the role tagged it), and one whose cluster could not be looked up
// is kept too rather than risk the account's own.
func (c *Client) keepOthersOIDCProviders(ctx context.Context, ns namespace, providers []string) (remove, kept []string) {
	byRegion := map[string][]string{}
	for _, providerARN := range providers {
		url := providerURL(providerARN)
		m := eksIssuerRegion.FindStringSubmatch(url)
		if m == nil {
			kept = append(kept, providerARN+": not an EKS issuer, so not one a workspace made; delete it yourself if it is LakeSail's")
			continue
		}
		byRegion[m[1]] = append(byRegion[m[1]], providerARN)
	}
	for region, candidates := range byRegion {
		issuers, err := c.clusterIssuers(ctx, region, ns)
		for _, providerARN := range candidates {
			switch cluster, ok := issuers[providerURL(providerARN)]; {
			case err != nil:
				kept = append(kept, providerARN+": could not check that it is no cluster's of yours ("+err.Error()+"); delete it yourself if it is LakeSail's")
			case ok:
				kept = append(kept, providerARN+": the issuer of your cluster "+cluster+", tagged "+
					"LakeSail-Connection by the connection role; remove that tag")
			default:
				remove = append(remove, providerARN)
			}
		}
	}
	sort.Strings(remove)
	sort.Strings(kept)
	return remove, kept
}

// clusterIssuers maps the OIDC issuer (without https://) of every EKS cluster of a region that
// is not in the connection's namespace to the cluster's name.
func (c *Client) clusterIssuers(ctx context.Context, region string, ns namespace) (map[string]string, error) {
	api := c.EKSIn(region)
	out := map[string]string{}
	pages := eks.NewListClustersPaginator(api, &eks.ListClustersInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, lakesail.Classify("eks:ListClusters", err)
		}
		for _, name := range page.Clusters {
			if ns.contains("/", name) {
				continue // the connection's own cluster: its provider is the connection's
			}
			described, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
			if err := lakesail.Classify("eks:DescribeCluster", err); err != nil {
				if errors.Is(err, lakesail.ErrNotFound) {
					continue
				}
				return nil, err
			}
			if id := described.Cluster.Identity; id != nil && id.Oidc != nil {
				out[strings.TrimPrefix(aws.ToString(id.Oidc.Issuer), "https://")] = name
			}
		}
	}
	return out, nil
}

// providerURL is an OIDC provider's URL (without https://) from its ARN.
func providerURL(providerARN string) string {
	_, url, _ := strings.Cut(providerARN, ":oidc-provider/")
	return url
}
