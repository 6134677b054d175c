package connection

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// OutsideTrust is a role the connection made (see DeleteConnection) whose trust policy admits a
// principal outside the connection: anyone but the LakeSail principal, the connection's
// provisioner principals, the AWS services EKS clusters and nodes run as (eks.amazonaws.com,
// ec2.amazonaws.com, pods.eks.amazonaws.com), and the IAM OIDC providers of the connection. Such
// a role is a way into the account that does not depend on the connection's trust policy, so it
// survives a change of external ID; destroying the connection deletes it.
type OutsideTrust struct {
	RoleName string
	RoleARN  string
	// Principals are the outside principals, each with its type: "AWS arn:aws:iam::…:root",
	// "Service lambda.amazonaws.com", "Federated …", "*" for everyone, or "NotPrincipal …".
	Principals []string
}

func (o OutsideTrust) String() string {
	return fmt.Sprintf("role %s trusts %s", o.RoleName, strings.Join(o.Principals, ", "))
}

// workloadServicePrincipals are the services a workload role may trust: the EKS control plane,
// EC2 (nodes) and EKS Pod Identity.
var workloadServicePrincipals = []string{"eks.amazonaws.com", "ec2.amazonaws.com", "pods.eks.amazonaws.com"}

// observeOutsideTrust reports the connection's workload roles that trust outside principals.
// created is when the connection was made (its OIDC providers are younger). Only the providers
// destroy would delete count as the connection's: a tagged provider that is the issuer of a
// cluster of the account's is not (the role can tag providers it did not make).
func (c *Client) observeOutsideTrust(ctx context.Context, api lakesail.IAMAPI, bundle *connpolicy.Bundle, created time.Time) ([]OutsideTrust, error) {
	roles, err := findWorkloadRoles(ctx, api, bundle)
	if err != nil || len(roles) == 0 {
		return nil, err
	}
	trusted := map[string]bool{}
	for _, p := range append([]string{bundle.Spec.LakeSailPrincipal}, bundle.Spec.ProvisionerPrincipals...) {
		trusted["AWS "+normalizeAWSPrincipal(p, bundle.Spec.Partition)] = true
	}
	for _, service := range workloadServicePrincipals {
		trusted["Service "+service] = true
		trusted["Service "+service+".cn"] = true // the aws-cn spelling
	}
	var providersLoaded bool
	var out []OutsideTrust
	for _, r := range roles {
		outside := outsidePrincipals(r.Trust, bundle.Spec.Partition, trusted)
		if slices.ContainsFunc(outside, func(p string) bool { return strings.HasPrefix(p, "Federated ") }) && !providersLoaded {
			// Only when a role trusts a federated principal: listing them costs a call each.
			tagged, err := findConnectionOIDCProviders(ctx, api, bundle.Spec.ConnectionID, created)
			if err != nil {
				return nil, err
			}
			providers, _ := c.keepOthersOIDCProviders(ctx, namespaceOf(bundle), tagged)
			for _, arn := range providers {
				trusted["Federated "+arn] = true
			}
			providersLoaded = true
		}
		outside = slices.DeleteFunc(outside, func(p string) bool { return trusted[p] })
		if len(outside) > 0 {
			out = append(out, OutsideTrust{RoleName: r.Name, RoleARN: r.ARN, Principals: outside})
		}
	}
	return out, nil
}

// outsidePrincipals lists the principals a trust policy's Allow statements admit that trusted
// does not hold (federated ones are returned for the caller to check).
func outsidePrincipals(trust, partition string, trusted map[string]bool) []string {
	doc, err := iampolicy.Parse(trust)
	if err != nil {
		return []string{"a trust policy that cannot be parsed (" + err.Error() + ")"}
	}
	var out []string
	add := func(p string) {
		if !trusted[p] && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, st := range doc.Statement {
		if st.Effect != iampolicy.Allow {
			continue
		}
		if st.NotPrincipal != nil {
			add("NotPrincipal (everyone but the principals it names)")
		}
		p := st.Principal
		if p == nil {
			continue
		}
		if p.Wildcard {
			add("*")
		}
		for _, v := range p.AWS {
			add("AWS " + normalizeAWSPrincipal(v, partition))
		}
		for _, v := range p.Service {
			add("Service " + v)
		}
		for _, v := range p.Federated {
			add("Federated " + v)
		}
	}
	return out
}

// normalizeAWSPrincipal writes an account id the way IAM stores it, as the account's root ARN.
func normalizeAWSPrincipal(p, partition string) string {
	if len(p) == 12 && strings.Trim(p, "0123456789") == "" {
		if partition == "" {
			partition = "aws"
		}
		return "arn:" + partition + ":iam::" + p + ":root"
	}
	return p
}
