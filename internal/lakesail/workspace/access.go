package workspace

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// clusterAdminPolicy is the EKS access policy that lets the connection role administer the
// cluster (EKS associates it with the creator's entry at creation).
func (s Spec) clusterAdminPolicy() string {
	return "arn:" + s.partition() + ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
}

// hasAdminAccess reports whether the connection role still administers the cluster: its access
// entry exists with AmazonEKSClusterAdminPolicy on the whole cluster. One call answers both:
// ListAssociatedAccessPolicies fails with ResourceNotFoundException when the entry is gone.
func (c *Client) hasAdminAccess(ctx context.Context, s Spec) (bool, error) {
	api := c.EKS()
	out, err := api.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(s.ClusterName()), PrincipalArn: aws.String(s.ConnectionRoleARN)})
	err = lakesail.Classify("eks:ListAssociatedAccessPolicies", err)
	if errors.Is(err, lakesail.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, p := range out.AssociatedAccessPolicies {
		if aws.ToString(p.PolicyArn) == s.clusterAdminPolicy() && p.AccessScope != nil && p.AccessScope.Type == ekstypes.AccessScopeTypeCluster {
			return true, nil
		}
	}
	return false, nil
}

// restoreAdminAccess gives the connection role its cluster administration back.
func (c *Client) restoreAdminAccess(ctx context.Context, s Spec) error {
	api := c.EKS()
	_, err := api.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String(s.ClusterName()), PrincipalArn: aws.String(s.ConnectionRoleARN),
		Tags: s.WorkspaceTags()})
	var inUse *ekstypes.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return lakesail.Classify("eks:CreateAccessEntry", err)
	}
	_, err = api.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: aws.String(s.ClusterName()), PrincipalArn: aws.String(s.ConnectionRoleARN),
		PolicyArn: aws.String(s.clusterAdminPolicy()), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
	return lakesail.Classify("eks:AssociateAccessPolicy", err)
}
