package workspace

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Remnants lists what is left of a workspace besides its cluster: its roles, the OIDC
// provider, the node group's launch template, the session load balancer's pieces, the parameters, the certificate, the log group,
// the Glue databases and anything of Karpenter (its instance profile, parameter and discovery tag, and the instances and launch
// templates its controller made). It returns nil when nothing remains, so that a workspace whose cluster is
// gone can be forgotten only when forgetting it orphans nothing.
func (c *Client) Remnants(ctx context.Context, s Spec, rec Record) ([]string, error) {
	var out []string
	found := func(what string, err error) error {
		switch {
		case err == nil:
			out = append(out, what)
			return nil
		case errors.Is(err, lakesail.ErrNotFound):
			return nil
		default:
			return err
		}
	}
	api := c.IAM()
	for _, name := range []string{s.ClusterRoleName(), s.NodeRoleName(), s.WorkloadRoleName(PurposeStorage),
		s.WorkloadRoleName(PurposeLogging), s.WorkloadRoleName(PurposeKarpenter),
		s.KarpenterNodeRoleName()} {
		_, err := lakesail.FindRole(ctx, api, name)
		if err := found("IAM role "+name, err); err != nil {
			return nil, err
		}
	}
	// The provider and the certificate are listed (their reads need the connection's tag); the
	// delete that follows removes them with the account's own credentials, or names them.
	if rec.OIDCProviderARN != "" {
		listed, err := c.oidcProviderListed(ctx, rec.OIDCProviderARN)
		if err != nil {
			return nil, err
		}
		if listed {
			out = append(out, "OIDC provider "+rec.OIDCProviderARN)
		}
	}
	params := c.SSM()
	for _, name := range s.ParameterNames() {
		_, err := params.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
		if err := found("SSM parameter "+name, lakesail.Classify("ssm:GetParameter", err)); err != nil {
			return nil, err
		}
	}
	if rec.CertificateARN != "" {
		listed, err := c.certificateListed(ctx, rec.CertificateARN)
		if err != nil {
			return nil, err
		}
		if listed {
			out = append(out, "ACM certificate "+rec.CertificateARN)
		}
	}
	_, err := c.lookUpLaunchTemplate(ctx, s)
	if err := found("launch template "+s.LaunchTemplateName(), err); err != nil {
		return nil, err
	}
	lb, err := c.sessionLoadBalancerRemnants(ctx, s)
	if err != nil {
		return nil, err
	}
	out = append(out, lb...)
	karpenter, err := c.karpenterRemnants(ctx, s)
	if err != nil {
		return nil, err
	}
	out = append(out, karpenter...)
	_, err = c.findLogGroup(ctx, s)
	if err := found("log group "+s.LogGroupName(), err); err != nil {
		return nil, err
	}
	catalog := c.Glue()
	for _, name := range s.GlueDatabaseNames() {
		_, err := catalog.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String(name)})
		if err := found("Glue database "+name, lakesail.Classify("glue:GetDatabase", err)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
