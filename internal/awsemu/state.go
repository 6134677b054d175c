package awsemu

import (
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// state is everything the emulator remembers; Emulator.mu guards it.
type state struct {
	accounts    map[string]*account
	rootKeys    map[string]*account // root access key id -> account
	sessions    map[string]*session // session access key id -> session
	awsPolicies map[string]*policy  // AWS managed policies by ARN, shared by all accounts
}

// account is one AWS account's IAM.
type account struct {
	id       string
	root     aws.Credentials
	roles    map[string]*role         // by lower-case name: IAM names are unique case-insensitively
	policies map[string]*policy       // customer managed policies by ARN
	oidc     map[string]*oidcProvider // by ARN
	eks      map[string]*eksState     // by region (eks_state.go)
	logs     map[string]*logsState    // by region (logs.go)
	ssm      map[string]*ssmState     // by region (ssm.go)
	acm      map[string]*acmState     // by region (acm.go)
	glue     map[string]*glueState    // by region (glue.go)
	ec2      map[string]*ec2State     // by region (ec2_state.go)
	s3       *s3State                 // buckets this account owns (s3_state.go)
	kms      *kmsState                // keys and aliases, all regions (kms_state.go)

	instanceProfiles map[string]*instanceProfile // by lower-case name (iam_instance_profiles.go)
}

type tag struct{ Key, Value string }

type role struct {
	name, id, path, description string
	trustText                   string
	trust                       *iampolicy.Document
	maxSession                  int // seconds
	boundary                    string
	tags                        []tag
	inline                      map[string]*inlinePolicy
	attached                    []string // managed policy ARNs in attach order
	created                     time.Time
	lastUsed                    time.Time
	lastRegion                  string
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
	tags                             []tag
	created, updated                 time.Time
}

type policyVersion struct {
	id, text string
	doc      *iampolicy.Document
	created  time.Time
}

type oidcProvider struct {
	arn, url               string // url without the https:// scheme, as IAM stores it
	clientIDs, thumbprints []string
	tags                   []tag
	created                time.Time
}

func newState() *state {
	s := &state{accounts: map[string]*account{}, rootKeys: map[string]*account{}}
	s.reset()
	return s
}

func (s *state) addAccount(id string, root aws.Credentials) {
	a := &account{id: id, root: root}
	a.reset()
	s.accounts[id] = a
	s.rootKeys[root.AccessKeyID] = a
}

// reset drops resources and sessions but keeps accounts and their root keys.
func (s *state) reset() {
	s.sessions = map[string]*session{}
	s.awsPolicies = awsManagedPolicies()
	for _, a := range s.accounts {
		a.reset()
	}
}

func (a *account) reset() {
	a.roles = map[string]*role{}
	a.policies = map[string]*policy{}
	a.oidc = map[string]*oidcProvider{}
	a.instanceProfiles = map[string]*instanceProfile{}
	a.eks = nil
	a.logs = nil
	a.ssm = nil
	a.acm = nil
	a.glue = nil
	a.ec2 = nil
	a.s3 = newS3State()
	a.kms = newKMSState()
}

func (a *account) role(name string) *role { return a.roles[strings.ToLower(name)] }

// policy finds a managed policy this account can see: its own or an AWS managed one.
func (s *state) policy(a *account, arn string) *policy {
	if p := s.awsPolicies[arn]; p != nil {
		return p
	}
	return a.policies[arn]
}

func (r *role) arn(acct string) string { return roleARN(acct, r.path, r.name) }

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

// defaultDoc is the parsed default version; AWS managed documents are parsed on first use and
// a document that fails to parse grants nothing.
func (p *policy) defaultDoc() *iampolicy.Document {
	v := p.version(p.defaultVersion)
	if v == nil {
		return nil
	}
	if v.doc == nil && v.text != "" {
		v.doc, _ = parsePolicy(v.text)
	}
	return v.doc
}

// sortedRoles lists an account's roles by name.
func (a *account) sortedRoles() []*role {
	out := make([]*role, 0, len(a.roles))
	for _, r := range a.roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// attachedTo lists the roles of a that have the policy attached.
func (a *account) attachedTo(arn string) []*role {
	var out []*role
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
func (a *account) boundaryOf(arn string) []*role {
	var out []*role
	for _, r := range a.sortedRoles() {
		if r.boundary == arn {
			out = append(out, r)
		}
	}
	return out
}

// tagMap turns tags into a map for context keys.
func tagMap(tags []tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}
