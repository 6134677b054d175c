package lakesail

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// clusterAdminPolicy is the EKS access policy that lets the connection role administer the
// cluster (EKS associates it with the creator's entry at creation).
func (s WorkspaceSpec) clusterAdminPolicy() string {
	return "arn:" + s.partition() + ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
}

// hasAdminAccess reports whether the connection role still administers the cluster: its access
// entry exists with AmazonEKSClusterAdminPolicy on the whole cluster.
func (c *WorkspaceClient) hasAdminAccess(ctx context.Context, s WorkspaceSpec) (bool, error) {
	api := c.eks()
	_, err := api.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(s.ClusterName()), PrincipalArn: aws.String(s.ConnectionRoleARN)})
	err = classify("eks:DescribeAccessEntry", err)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	out, err := api.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(s.ClusterName()), PrincipalArn: aws.String(s.ConnectionRoleARN)})
	if err != nil {
		return false, classify("eks:ListAssociatedAccessPolicies", err)
	}
	for _, p := range out.AssociatedAccessPolicies {
		if aws.ToString(p.PolicyArn) == s.clusterAdminPolicy() && p.AccessScope != nil && p.AccessScope.Type == ekstypes.AccessScopeTypeCluster {
			return true, nil
		}
	}
	return false, nil
}

// restoreAdminAccess gives the connection role its cluster administration back.
func (c *WorkspaceClient) restoreAdminAccess(ctx context.Context, s WorkspaceSpec) error {
	api := c.eks()
	_, err := api.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String(s.ClusterName()), PrincipalArn: aws.String(s.ConnectionRoleARN),
		Tags: s.WorkspaceTags()})
	var inUse *ekstypes.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return classify("eks:CreateAccessEntry", err)
	}
	_, err = api.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: aws.String(s.ClusterName()), PrincipalArn: aws.String(s.ConnectionRoleARN),
		PolicyArn: aws.String(s.clusterAdminPolicy()), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
	return classify("eks:AssociateAccessPolicy", err)
}
