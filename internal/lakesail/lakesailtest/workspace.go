package lakesailtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// DeleteCluster deletes only a workspace's EKS cluster (its add-ons and node groups with it, as
// EKS requires), as the account's administrator would outside Terraform, and waits until it is
// gone. Everything else of the workspace stays.
func DeleteCluster(ctx context.Context, cfg aws.Config, clusterName string) error {
	api := eks.NewFromConfig(cfg)
	groups, err := api.ListNodegroups(ctx, &eks.ListNodegroupsInput{ClusterName: aws.String(clusterName)})
	if err != nil {
		return err
	}
	for _, ng := range groups.Nodegroups {
		if _, err := api.DeleteNodegroup(ctx, &eks.DeleteNodegroupInput{ClusterName: aws.String(clusterName), NodegroupName: aws.String(ng)}); err != nil {
			return err
		}
	}
	if err := poll(ctx, func() (bool, error) {
		out, err := api.ListNodegroups(ctx, &eks.ListNodegroupsInput{ClusterName: aws.String(clusterName)})
		return err == nil && len(out.Nodegroups) == 0, err
	}); err != nil {
		return fmt.Errorf("node groups of %s: %w", clusterName, err)
	}
	if err := poll(ctx, func() (bool, error) {
		_, err := api.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: aws.String(clusterName)})
		var inUse *ekstypes.ResourceInUseException
		if errors.As(err, &inUse) {
			return false, nil // a transition still settling
		}
		return err == nil, err
	}); err != nil {
		return fmt.Errorf("deleting cluster %s: %w", clusterName, err)
	}
	return poll(ctx, func() (bool, error) {
		_, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(clusterName)})
		var notFound *ekstypes.ResourceNotFoundException
		if errors.As(err, &notFound) {
			return true, nil
		}
		return false, err
	})
}

func poll(ctx context.Context, done func() (bool, error)) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("timed out")
}

// WorkspaceLeftovers lists, as the administrator, every EKS cluster, IAM role, OIDC provider, SSM
// parameter, ACM certificate, Glue database, log group and launch template whose name or tags
// belong to the workspace (cluster name lakesail-<connection>-<workspace>), and every instance,
// volume, network interface, Pod Identity association and security group tagged with it, and
// the session load balancer and target group.
func WorkspaceLeftovers(ctx context.Context, cfg aws.Config, connectionID, workspaceID string) ([]string, error) {
	clusterName := "lakesail-" + connectionID + "-" + workspaceID
	var out []string
	iamAPI := iam.NewFromConfig(cfg)
	roles := iam.NewListRolesPaginator(iamAPI, &iam.ListRolesInput{})
	for roles.HasMorePages() {
		page, err := roles.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Roles {
			if strings.HasPrefix(aws.ToString(r.RoleName), clusterName) {
				out = append(out, "role "+aws.ToString(r.RoleName))
			}
		}
	}
	providers, err := iamAPI.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return nil, err
	}
	for _, p := range providers.OpenIDConnectProviderList {
		// Only workspaces create OIDC providers, and the test account holds one workspace.
		out = append(out, "OIDC provider "+aws.ToString(p.Arn))
	}
	params := ssm.NewDescribeParametersPaginator(ssm.NewFromConfig(cfg), &ssm.DescribeParametersInput{})
	for params.HasMorePages() {
		page, err := params.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Parameters {
			if strings.Contains(aws.ToString(p.Name), workspaceID) || strings.Contains(aws.ToString(p.Name), strings.ToLower(workspaceID)) {
				out = append(out, "parameter "+aws.ToString(p.Name))
			}
		}
	}
	certs := acm.NewListCertificatesPaginator(acm.NewFromConfig(cfg), &acm.ListCertificatesInput{
		Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmRsa2048, acmtypes.KeyAlgorithmEcPrime256v1}}})
	for certs.HasMorePages() {
		page, err := certs.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range page.CertificateSummaryList {
			if strings.Contains(aws.ToString(c.DomainName), strings.ToLower(workspaceID)) {
				out = append(out, "certificate "+aws.ToString(c.CertificateArn))
			}
		}
	}
	dbs := glue.NewGetDatabasesPaginator(glue.NewFromConfig(cfg), &glue.GetDatabasesInput{})
	for dbs.HasMorePages() {
		page, err := dbs.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range page.DatabaseList {
			if strings.Contains(aws.ToString(d.Name), strings.ToLower(workspaceID)) {
				out = append(out, "Glue database "+aws.ToString(d.Name))
			}
		}
	}
	groups := cloudwatchlogs.NewDescribeLogGroupsPaginator(cloudwatchlogs.NewFromConfig(cfg), &cloudwatchlogs.DescribeLogGroupsInput{})
	for groups.HasMorePages() {
		page, err := groups.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, g := range page.LogGroups {
			if strings.Contains(aws.ToString(g.LogGroupName), clusterName) {
				out = append(out, "log group "+aws.ToString(g.LogGroupName))
			}
		}
	}
	ec2API := ec2.NewFromConfig(cfg)
	templates, err := ec2API.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	if err != nil {
		return nil, err
	}
	for _, lt := range templates.LaunchTemplates {
		if strings.HasPrefix(aws.ToString(lt.LaunchTemplateName), clusterName) {
			out = append(out, "launch template "+aws.ToString(lt.LaunchTemplateName))
		}
	}
	// Nothing EC2 holds is tagged with the workspace: no node, volume or interface.
	tagged := []ec2types.Filter{{Name: aws.String("tag:LakeSail-Workspace"), Values: []string{workspaceID}}}
	instances, err := ec2API.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: append(tagged,
		ec2types.Filter{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped", "shutting-down"}})})
	if err != nil {
		return nil, err
	}
	for _, r := range instances.Reservations {
		for _, in := range r.Instances {
			out = append(out, "instance "+aws.ToString(in.InstanceId))
		}
	}
	volumes, err := ec2API.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: tagged})
	if err != nil {
		return nil, err
	}
	for _, v := range volumes.Volumes {
		out = append(out, "volume "+aws.ToString(v.VolumeId))
	}
	interfaces, err := ec2API.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: tagged})
	if err != nil {
		return nil, err
	}
	for _, ni := range interfaces.NetworkInterfaces {
		out = append(out, "network interface "+aws.ToString(ni.NetworkInterfaceId))
	}
	// The session load balancer, its target group and its security group.
	lbLeft, err := sessionLoadBalancerLeftovers(ctx, cfg, clusterName, workspaceID)
	if err != nil {
		return nil, err
	}
	out = append(out, lbLeft...)
	// The cluster (its add-ons and Pod Identity associations go with it), and any association
	// tagged with the workspace in another cluster.
	eksAPI := eks.NewFromConfig(cfg)
	clusters, err := eksAPI.ListClusters(ctx, &eks.ListClustersInput{})
	if err != nil {
		return nil, err
	}
	for _, name := range clusters.Clusters {
		if name == clusterName {
			out = append(out, "EKS cluster "+name)
		}
		associations, err := eksAPI.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		for _, a := range associations.Associations {
			got, err := eksAPI.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(name), AssociationId: a.AssociationId})
			if err != nil {
				return nil, err
			}
			if got.Association.Tags["LakeSail-Workspace"] == workspaceID {
				out = append(out, "Pod Identity association "+aws.ToString(a.AssociationArn))
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// DeleteLaunchTemplate deletes a launch template by name, as the account's administrator might
// outside Terraform.
func DeleteLaunchTemplate(ctx context.Context, cfg aws.Config, name string) error {
	_, err := ec2.NewFromConfig(cfg).DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String(name)})
	return err
}

// CertificateBody is the PEM certificate ACM serves under arn, read with cfg's credentials (the
// account's own: the connection role may not read certificate bodies).
func CertificateBody(ctx context.Context, cfg aws.Config, arn string) (string, error) {
	out, err := acm.NewFromConfig(cfg).GetCertificate(ctx, &acm.GetCertificateInput{CertificateArn: aws.String(arn)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Certificate), nil
}
