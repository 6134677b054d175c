package lakesail

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/iampolicy"
)

// RoleObservation is what an existing connection role says about the connection's settings:
// enough to import it or to check a write-only external ID.
type RoleObservation struct {
	RoleName           string
	RolePath           string
	TenantID           string // from the LakeSail-Tenant tag
	MaxSessionDuration time.Duration
	// ExternalIDs are the sts:ExternalId values of the trust policy (secrets: compare, never log).
	ExternalIDs []string
	// ProvisionerPrincipals are the principals of the trust policy's provisioner statement.
	ProvisionerPrincipals []string
	Tags                  map[string]string
}

// ObserveConnectionRole reads a connection role's settings from AWS.
func (c *Client) ObserveConnectionRole(ctx context.Context, roleName string) (*RoleObservation, error) {
	role, err := findRole(ctx, iamClient(c.cfg, c.opts), roleName)
	if err != nil {
		return nil, err
	}
	trust, err := decodePolicyDocument(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil {
		return nil, fmt.Errorf("decoding the trust policy of %s: %w", roleName, err)
	}
	tags := tagMap(role.Tags)
	obs := &RoleObservation{
		RoleName:           aws.ToString(role.RoleName),
		RolePath:           aws.ToString(role.Path),
		TenantID:           tags[connpolicy.TagTenant],
		MaxSessionDuration: time.Duration(aws.ToInt32(role.MaxSessionDuration)) * time.Second,
		ExternalIDs:        externalIDs(trust),
		Tags:               tags,
	}
	if doc, err := iampolicy.Parse(trust); err == nil {
		for _, st := range doc.Statement {
			if st.Sid == connpolicy.SidTrustProvisioner && st.Principal != nil {
				obs.ProvisionerPrincipals = append(obs.ProvisionerPrincipals, st.Principal.AWS...)
			}
		}
		slices.Sort(obs.ProvisionerPrincipals)
	}
	return obs, nil
}
