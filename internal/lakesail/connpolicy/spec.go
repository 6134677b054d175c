package connpolicy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// DefaultLakeSailPrincipal is LakeSail's production control-plane account in the aws partition.
const DefaultLakeSailPrincipal = "arn:aws:iam::921150455437:root"

// Spec is everything the documents of one connection depend on.
type Spec struct {
	// ConnectionID is LakeSail's connection id: 10 upper-case letters or digits.
	ConnectionID string
	// TenantID is LakeSail's tenant id: 10 upper-case letters or digits.
	TenantID string
	// AccountID is the customer's 12-digit AWS account id.
	AccountID string
	// Partition is "aws" (the default when empty), "aws-cn" or "aws-us-gov".
	Partition string
	// LakeSailPrincipal is the principal LakeSail's control plane assumes the role from
	// (DefaultLakeSailPrincipal when empty; required outside the aws partition).
	LakeSailPrincipal string
	// ExternalID is the per-connection secret required by the trust policy. It never appears
	// in an error.
	ExternalID string
	// ProvisionerPrincipals are the IAM ARNs of whoever runs Terraform, trusted (also under
	// the external ID) in a separate, visibly named statement. Order does not matter; empty
	// means no such statement.
	ProvisionerPrincipals []string
	// RoleName is the connection role's name (DefaultRoleName when empty).
	RoleName string
	// RolePath is the connection role's path ("/" when empty).
	RolePath string
}

// SpecError says which Spec field is wrong and how to fix it. Validate returns one per problem,
// joined with errors.Join; errors.As finds the first.
type SpecError struct {
	Field   string
	Problem string
	Fix     string
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("connpolicy: %s %s; %s", e.Field, e.Problem, e.Fix)
}

var (
	lakeSailIDPattern = regexp.MustCompile(`^[A-Z0-9]{10}$`)
	accountIDPattern  = regexp.MustCompile(`^[0-9]{12}$`)
	externalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	roleNamePattern   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	rolePathPattern   = regexp.MustCompile(`^/([\x21-\x2E\x30-\x7E]+/)*$`)
	// iamPrincipalPattern accepts an account root, a user or a role; the partition is checked
	// separately so that the error can say which one is expected.
	iamPrincipalPattern = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::[0-9]{12}:(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+)$`)
	sessionPattern      = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):sts::([0-9]{12}):assumed-role/([\w+=,.@-]+)/`)
)

var partitions = []string{"aws", "aws-cn", "aws-us-gov"}

// DefaultRoleName is the connection role's name when Spec.RoleName is empty.
func DefaultRoleName(connectionID string) string {
	return "lakesail-" + connectionID + "-LakeSailRole"
}

// withDefaults fills the optional fields and normalises ProvisionerPrincipals (sorted, without
// duplicates), so that documents do not depend on input order.
func (s Spec) withDefaults() Spec {
	if s.Partition == "" {
		s.Partition = "aws"
	}
	if s.LakeSailPrincipal == "" && s.Partition == "aws" {
		s.LakeSailPrincipal = DefaultLakeSailPrincipal
	}
	if s.RoleName == "" {
		s.RoleName = DefaultRoleName(s.ConnectionID)
	}
	if s.RolePath == "" {
		s.RolePath = "/"
	}
	principals := slices.Clone(s.ProvisionerPrincipals)
	slices.Sort(principals)
	s.ProvisionerPrincipals = slices.Compact(principals)
	return s
}

// Normalized returns the spec with defaults applied, as Build uses it.
func (s Spec) Normalized() Spec { return s.withDefaults() }

// Validate reports every problem with the spec (after defaults), each naming the field and the
// fix. The external ID's value is never part of an error.
func (s Spec) Validate() error {
	s = s.withDefaults()
	var errs []error
	bad := func(field, problem, fix string) {
		errs = append(errs, &SpecError{Field: field, Problem: problem, Fix: fix})
	}
	if !lakeSailIDPattern.MatchString(s.ConnectionID) {
		bad("ConnectionID", fmt.Sprintf("is %q, not 10 upper-case letters or digits", s.ConnectionID),
			"use the connection id LakeSail shows for the cloud account, e.g. AB12CD34EF")
	}
	if !lakeSailIDPattern.MatchString(s.TenantID) {
		bad("TenantID", fmt.Sprintf("is %q, not 10 upper-case letters or digits", s.TenantID),
			"use the tenant id LakeSail shows in the console settings")
	}
	if !accountIDPattern.MatchString(s.AccountID) {
		bad("AccountID", fmt.Sprintf("is %q, not a 12-digit AWS account id", s.AccountID),
			"use the id of the account the role is created in (sts get-caller-identity)")
	}
	if !slices.Contains(partitions, s.Partition) {
		bad("Partition", fmt.Sprintf("is %q", s.Partition), "use one of aws, aws-cn, aws-us-gov")
	}
	if s.LakeSailPrincipal == "" {
		bad("LakeSailPrincipal", "is empty outside the aws partition",
			"set the LakeSail control-plane principal published for the "+s.Partition+" partition")
	} else if problem := checkPrincipal(s.LakeSailPrincipal, s.Partition); problem != "" {
		bad("LakeSailPrincipal", problem, "use an IAM ARN such as "+DefaultLakeSailPrincipal)
	}
	switch {
	case s.ExternalID == "":
		bad("ExternalID", "is empty", "set the external id LakeSail generated for this connection")
	case len(s.ExternalID) < 2 || len(s.ExternalID) > 1224 || !externalIDPattern.MatchString(s.ExternalID):
		bad("ExternalID", "is not 2 to 1,224 characters of letters, digits and +=,.@:/-",
			"copy the external id exactly as LakeSail shows it (a UUID)")
	}
	for i, p := range s.ProvisionerPrincipals {
		if problem := checkPrincipal(p, s.Partition); problem != "" {
			fix := "use the IAM ARN of the user or role that runs Terraform"
			if m := sessionPattern.FindStringSubmatch(p); m != nil {
				fix = fmt.Sprintf("trust the role, not the session: arn:%s:iam::%s:role/%s (with its path)", m[1], m[2], m[3])
			}
			bad(fmt.Sprintf("ProvisionerPrincipals[%d]", i), problem, fix)
		}
	}
	if !roleNamePattern.MatchString(s.RoleName) {
		bad("RoleName", fmt.Sprintf("is %q, not 1 to 64 characters of letters, digits and +=,.@_-", s.RoleName),
			"leave it empty for "+DefaultRoleName("<ID>")+" or choose a valid IAM role name")
	} else if s.ConnectionID != "" && s.RoleName == CallbackRoleNameFor(s.ConnectionID) {
		bad("RoleName", "is the callback role's name", "choose another name")
	}
	if len(s.RolePath) > 512 || !rolePathPattern.MatchString(s.RolePath) {
		bad("RolePath", fmt.Sprintf("is %q", s.RolePath),
			`use "/" or a path that starts and ends with "/" (e.g. /lakesail/), at most 512 characters`)
	}
	return errors.Join(errs...)
}

// checkPrincipal returns why p is not an IAM principal ARN of the partition, or "".
func checkPrincipal(p, partition string) string {
	switch {
	case p == "*" || strings.Contains(p, "*") || strings.Contains(p, "?"):
		return fmt.Sprintf("is %q: wildcards would let anyone assume the role", p)
	case sessionPattern.MatchString(p):
		return fmt.Sprintf("is the session %q, which changes every time it is assumed", p)
	case !iamPrincipalPattern.MatchString(p):
		return fmt.Sprintf("is %q, not an IAM account-root, user or role ARN", p)
	case !strings.HasPrefix(p, "arn:"+partition+":"):
		return fmt.Sprintf("is %q, outside the %s partition", p, partition)
	}
	return ""
}
