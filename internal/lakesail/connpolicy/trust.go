package connpolicy

import "github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"

// Trust policy Sids.
const (
	SidTrustLakeSail    = "LakeSailControlPlaneAssumesWithExternalId"
	SidTrustProvisioner = "TerraformProvisionerAssumesWithExternalId"
)

// trustPolicy admits the LakeSail control plane and, in a separate statement a reviewer can spot
// and a security team can drop, the principals that run Terraform; both only with the external
// ID. Only sts:AssumeRole is granted: the library sets neither session tags nor a source
// identity, so sts:TagSession and sts:SetSourceIdentity would be unused trust.
func trustPolicy(n names) iampolicy.Document {
	externalID := cond("StringEquals", "sts:ExternalId", n.external)
	statements := []iampolicy.Statement{{
		Sid:       SidTrustLakeSail,
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{AWS: iampolicy.Values{n.principal}},
		Action:    iampolicy.Values{"sts:AssumeRole"},
		Condition: externalID,
	}}
	if len(n.provisioners) > 0 {
		statements = append(statements, iampolicy.Statement{
			Sid:       SidTrustProvisioner,
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values(n.provisioners)},
			Action:    iampolicy.Values{"sts:AssumeRole"},
			Condition: cond("StringEquals", "sts:ExternalId", n.external),
		})
	}
	return document(statements...)
}
