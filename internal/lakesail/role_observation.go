package lakesail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
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

	Role *iamtypes.Role // as read, for ReadObservedConnection
}

// ObserveConnectionRole reads a connection role's settings from AWS.
func (c *Client) ObserveConnectionRole(ctx context.Context, roleName string) (*RoleObservation, error) {
	role, err := FindRole(ctx, c.IAM(), roleName)
	if err != nil {
		return nil, err
	}
	trust, err := DecodePolicyDocument(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil {
		return nil, fmt.Errorf("decoding the trust policy of %s: %w", roleName, err)
	}
	tags := TagMap(role.Tags)
	obs := &RoleObservation{
		RoleName:           aws.ToString(role.RoleName),
		RolePath:           aws.ToString(role.Path),
		TenantID:           tags[connpolicy.TagTenant],
		MaxSessionDuration: time.Duration(aws.ToInt32(role.MaxSessionDuration)) * time.Second,
		ExternalIDs:        ExternalIDs(trust),
		Tags:               tags,
		Role:               role,
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

// externalIDs collects every sts:ExternalId condition value of a trust policy.
func ExternalIDs(trust string) []string {
	doc, err := iampolicy.Parse(trust)
	if err != nil {
		return nil
	}
	var out []string
	for _, st := range doc.Statement {
		for _, keys := range st.Condition {
			for key, values := range keys {
				if strings.EqualFold(key, "sts:ExternalId") {
					out = append(out, values...)
				}
			}
		}
	}
	return out
}
