package iam

import (
	"sort"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// iamState is one account's IAM: its roles, managed policies, OIDC providers and instance
// profiles, and the AWS managed policies it can attach.
type iamState struct {
	roles            map[string]*Role            // by lower-case name: IAM names are unique case-insensitively
	policies         map[string]*policy          // customer managed policies by ARN
	Oidc             map[string]*oidcProvider    // by ARN
	instanceProfiles map[string]*instanceProfile // by lower-case name (iam_instance_profiles.go)
	awsPolicies      map[string]*policy          // AWS managed policies by ARN
}

func newIAMState() *iamState {
	return &iamState{roles: map[string]*Role{}, policies: map[string]*policy{}, Oidc: map[string]*oidcProvider{},
		instanceProfiles: map[string]*instanceProfile{}, awsPolicies: awsManagedPolicies()}
}

// iamOf is account a's IAM.
func Of(a *core.Account) *iamState { return core.StateOf(a, "iam", newIAMState) }

type Role struct {
	Name, Id, path, description string
	trustText                   string
	Trust                       *iampolicy.Document
	MaxSession                  int // seconds
	boundary                    string
	Tags                        []core.Tag
	inline                      map[string]*inlinePolicy
	attached                    []string // managed policy ARNs in attach order
	Created                     time.Time
	LastUsed                    time.Time
	LastRegion                  string
	serviceLinked               bool
}

type inlinePolicy struct {
	name, text string
	doc        *iampolicy.Document
}

type policy struct {
	name, id, path, arn, description string
	awsManaged                       bool
	versions                         []*policyVersion // in creation order
	defaultVersion                   string
	nextVersion                      int
	tags                             []core.Tag
	created, updated                 time.Time
}

type policyVersion struct {
	id, text string
	doc      *iampolicy.Document
	created  time.Time
}

type oidcProvider struct {
	arn, url               string // url without the https:// scheme, as IAM stores it
	ClientIDs, thumbprints []string
	tags                   []core.Tag
	created                time.Time
}

func (a *iamState) Role(name string) *Role { return a.roles[strings.ToLower(name)] }

// Policy finds a managed policy this account can see: its own or an AWS managed one.
func (a *iamState) Policy(arn string) *policy {
	if p := a.awsPolicies[arn]; p != nil {
		return p
	}
	return a.policies[arn]
}

func (r *Role) Arn(acct string) string { return roleARN(acct, r.path, r.Name) }

func roleARN(acct, path, name string) string {
	return "arn:aws:iam::" + acct + ":role" + path + name
}

func policyARN(acct, path, name string) string {
	return "arn:aws:iam::" + acct + ":policy" + path + name
}

func (p *policy) version(id string) *policyVersion {
	for _, v := range p.versions {
		if v.id == id {
			return v
		}
	}
	return nil
}

// DefaultDoc is the parsed default version; AWS managed documents are parsed on first use and
// a document that fails to parse grants nothing.
func (p *policy) DefaultDoc() *iampolicy.Document {
	v := p.version(p.defaultVersion)
	if v == nil {
		return nil
	}
	if v.doc == nil && v.text != "" {
		v.doc, _ = core.ParsePolicy(v.text)
	}
	return v.doc
}

// sortedRoles lists an account's roles by name.
func (a *iamState) sortedRoles() []*Role {
	out := make([]*Role, 0, len(a.roles))
	for _, r := range a.roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// attachedTo lists the roles of a that have the policy attached.
func (a *iamState) attachedTo(arn string) []*Role {
	var out []*Role
	for _, r := range a.sortedRoles() {
		for _, p := range r.attached {
			if p == arn {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// boundaryOf lists the roles of a that use the policy as their permissions boundary.
func (a *iamState) boundaryOf(arn string) []*Role {
	var out []*Role
	for _, r := range a.sortedRoles() {
		if r.boundary == arn {
			out = append(out, r)
		}
	}
	return out
}
