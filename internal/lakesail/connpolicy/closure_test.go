package connpolicy

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lakehq/terraform-provider-lakesail/internal/authref"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// The closure check is the other half of "every call we make is allowed": for every action any
// grant names (wildcards expanded against AWS's action list, internal/authref), tried on
// resources of foreign ownership (the customer's own, untagged; another connection's; one named
// like the connection's in another account) with every request context an attacker can choose
// that satisfies a grant naming the action, the decision must be deny. What is allowed anyway
// must be one of closureExceptions, each with its reason; an exception nothing needs any more
// fails the check too, so the list cannot rot.

const (
	otherConnection = "ZZ99YY88XX"
	otherAccount    = "999999999999"
)

// closureException is an allowed (action, resource type) on a foreign resource, and why.
type closureException struct {
	action, resourceType string // resourceType "" for actions without resource types ("*")
	reason               string
	// onlyIf narrows a wildcard exception to the actions it holds for.
	onlyIf func(authref.Action) bool
}

// alsoOnDatabase: a Glue action also authorized on a database (the database being the
// connection's is what scopes it), unlike account-wide ones on the catalog alone.
func alsoOnDatabase(a authref.Action) bool {
	for _, r := range a.Resources {
		if r.Type == "database" {
			return true
		}
	}
	return false
}

// closureExceptions: read-only calls AWS offers no resource-level scope for, creates that can
// only make something new, and the few uses that are scoped by something other than ownership.
var closureExceptions = []closureException{
	// Reads without resource-level permissions.
	{"ec2:Describe*", "", "EC2 describe calls have no resource-level permissions", nil},
	{"elasticloadbalancing:Describe*", "", "ELB describe calls have no resource-level permissions", nil},
	{"eks:DescribeAddonVersions", "", "no resource-level permission; add-on catalog", nil},
	{"acm:ListCertificates", "", "no resource-level permission; lists ARNs and domains", nil},
	{"iam:ListOpenIDConnectProviders", "", "no resource-level permission; lists ARNs", nil},
	{"kms:ListAliases", "", "no resource-level permission; lists alias names", nil},
	{"sts:GetCallerIdentity", "", "no permission needed at all", nil},
	{"servicequotas:Get*", "", "no resource-level permission; quota values", nil},
	{"pricing:GetProducts", "", "no resource-level permission; public prices", nil},
	{"ecr:GetAuthorizationToken", "", "no resource-level permission; a registry login token, images are authorized separately", nil},
	{"cloudformation:DescribeStackDriftDetectionStatus", "", "no resource-level permission; the detection id is its input", nil},
	{"logs:DescribeLogGroups", "", "authorized against every log group of the account whatever the name prefix asked", nil},
	{"cloudwatch:GetMetricData", "", "no resource-level permission nor namespace key; reads any metric of the account (guide: residuals)", nil},
	{"cloudwatch:GetMetricStatistics", "", "no resource-level permission nor namespace key; reads any metric of the account (guide: residuals)", nil},
	{"cloudwatch:ListMetrics", "", "no resource-level permission nor namespace key; lists every metric of the account (guide: residuals)", nil},
	// Creates without resource-level permissions: they make something new and change nothing
	// that exists.
	{"kms:CreateKey", "", "no resource-level permission; makes a new key (a single-region symmetric one)", nil},
	{"eks:CreateCluster", "", "no resource-level permission; makes a new cluster, tagged with the connection", nil},
	// Reads with a resource type that the network reads on the account's VPCs and quotas
	// (bring-your-own VPCs carry no connection tag).
	{"ec2:DescribeVpcAttribute", "vpc", "a read of a VPC's DNS settings, also of a bring-your-own VPC", nil},
	{"servicequotas:GetServiceQuota", "quota", "a read of a quota value", nil},
	// EC2 creates: the check on the type being created is on the new resource (with its request
	// tags); an existing resource of that type can never be its target.
	{"ec2:AllocateAddress", "elastic-ip", "creates a new address", nil},
	{"ec2:CreateInternetGateway", "internet-gateway", "creates a new gateway", nil},
	{"ec2:CreateLaunchTemplate", "launch-template", "creates a new template", nil},
	{"ec2:CreateNatGateway", "natgateway", "creates a new NAT gateway (its subnet and address must be the connection's)", nil},
	{"ec2:CreateRouteTable", "route-table", "creates a new route table (its VPC must be the connection's)", nil},
	{"ec2:CreateSecurityGroup", "security-group", "creates a new group (its VPC must be the connection's)", nil},
	{"ec2:CreateSubnet", "subnet", "creates a new subnet (its VPC must be the connection's)", nil},
	{"ec2:CreateVpc", "vpc", "creates a new VPC", nil},
	{"ec2:CreateVpcEndpoint", "vpc-endpoint", "creates a new endpoint (its VPC and route tables must be the connection's)", nil},
	{"ec2:AuthorizeSecurityGroup*", "security-group-rule", "the rule is new; its group must be the connection's", nil},
	// Creates authorized on the new resource's ARN: AWS refuses them for an existing name.
	{"iam:CreateOpenIDConnectProvider", "oidc-provider", "creates a new provider; an existing URL is EntityAlreadyExists", nil},
	{"acm:ImportCertificate", "certificate", "only with request tags, which a re-import cannot carry: always a new certificate", nil},
	{"ec2:RunInstances", "instance", "the instance is new; its subnet, groups and template must be the connection's", nil},
	{"ec2:RunInstances", "volume", "the volumes are new; its subnet, groups and template must be the connection's", nil},
	{"ec2:RunInstances", "network-interface", "the interfaces are new; its subnet, groups and template must be the connection's", nil},
	{"ec2:RunInstances", "image", "an image is only read by a launch", nil},
	{"ec2:RunInstances", "snapshot", "an image's snapshot is only read by a launch", nil},
	// Karpenter's instant fleets: the fleet and what it launches are new (with the connection's
	// request tags); its template, subnets and groups must be the connection's.
	{"ec2:CreateFleet", "fleet", "the fleet is new", nil},
	{"ec2:CreateFleet", "instance", "the fleet's instances are new", nil},
	{"ec2:CreateFleet", "volume", "the fleet's volumes are new", nil},
	{"ec2:CreateFleet", "image", "an image is only read by a launch", nil},
	{"ec2:CreateNetworkInterface", "network-interface", "VPC CNI: the interface is new and must carry a cluster tag of the connection", nil},
	// Tags IAM cannot bind to creation: the create checks the same action an existing
	// resource's tagging does. Nothing grants anything on these resources' tags but reads.
	{"iam:TagOpenIDConnectProvider", "oidc-provider", "checked by CreateOpenIDConnectProvider with tags; the tags grant only a read", nil},
	{"acm:AddTagsToCertificate", "certificate", "checked by ImportCertificate with tags; the tags grant only a read", nil},
	{"iam:GetOpenIDConnectProvider", "oidc-provider", "a read, possible on a provider the role tagged (see iam:TagOpenIDConnectProvider)", nil},
	{"acm:DescribeCertificate", "certificate", "a read, possible on a certificate the role tagged (see acm:AddTagsToCertificate)", nil},
	// Co-resources: Glue authorizes database calls on the catalog as well as on the database.
	{"glue:*", "rootcatalog", "Glue checks the catalog alongside the database, which must be the connection's", alsoOnDatabase},
	// Uses scoped by where they happen rather than by whose the key is.
	{"kms:Decrypt", "key", "only through S3 for objects of the connection's buckets (a key the customer configured for them)", nil},
	{"kms:GenerateDataKey", "key", "only through S3 for objects of the connection's buckets (a key the customer configured for them)", nil},
	{"ecr:BatchGetImage", "repository", "image pulls from registries of other accounts (AWS's add-on images); never the account's own", nil},
	{"ecr:GetDownloadUrlForLayer", "repository", "image pulls from registries of other accounts; never the account's own", nil},
	{"ecr:BatchCheckLayerAvailability", "repository", "image pulls from registries of other accounts; never the account's own", nil},
}

// principalUnderTest is one role the envelope binds: its grants and how it is evaluated.
type principalUnderTest struct {
	name     string
	caller   iampolicy.Caller
	identity []*iampolicy.Document
	boundary *iampolicy.Document
	// grants are the Allow statements whose actions are tried.
	grants []iampolicy.Statement
}

func principalsOf(spec Spec, docs map[PolicyKind]*iampolicy.Document) []principalUnderTest {
	n := namesFor(spec.withDefaults())
	role := principalUnderTest{
		name:     "connection role",
		caller:   iampolicy.Caller{ARN: "arn:aws:sts::" + n.account + ":assumed-role/" + n.roleName + "/lakesail-attacker", Account: n.account, RoleARN: n.roleARN()},
		identity: []*iampolicy.Document{docs[KindExplicitDeny]},
		boundary: docs[KindRoleBoundary],
	}
	for _, kind := range ScopedPolicyKinds() {
		role.identity = append(role.identity, docs[kind])
		role.grants = append(role.grants, allowsOf(docs[kind])...)
	}
	// A workload role's own policies are whatever the connection role writes: the worst case
	// grants everything, and WorkloadBoundary alone decides.
	everything := &iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{
		Effect: iampolicy.Allow, Action: iampolicy.Values{"*"}, Resource: iampolicy.Values{"*"}}}}
	workloadRole := n.prefix() + "ws00000001-node"
	workload := principalUnderTest{
		name:     "workload role",
		caller:   iampolicy.Caller{ARN: "arn:aws:sts::" + n.account + ":assumed-role/" + workloadRole + "/i-0attacker", Account: n.account, RoleARN: n.iam("role/" + workloadRole)},
		identity: []*iampolicy.Document{everything},
		boundary: docs[KindWorkloadBoundary],
		grants:   allowsOf(docs[KindWorkloadBoundary]),
	}
	return []principalUnderTest{role, workload}
}

func allowsOf(d *iampolicy.Document) []iampolicy.Statement {
	var out []iampolicy.Statement
	for _, s := range d.Statement {
		if s.Effect == iampolicy.Allow {
			out = append(out, s)
		}
	}
	return out
}

// foreignResource is one resource the connection does not own, with the condition keys AWS
// derives from it.
type foreignResource struct {
	owner string // "customer", "other connection", "other account", "customer, tagged by the role"
	arn   string
	facts map[string][]string
}

// resourceFactKeys are derived by AWS from the resource, never chosen by the caller.
func isResourceFact(key string) bool {
	for _, prefix := range []string{"aws:ResourceTag/", "iam:ResourceTag/", "s3:ResourceAccount", "aws:ResourceAccount",
		"ec2:CreateAction", "s3:BucketTag/"} {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

// nameShapes are every shape a connection's names take; for another connection each is tried.
func nameShapes(id string) []string {
	lower := strings.ToLower(id)
	return []string{
		"lakesail-" + id + "-ws00000009", "lakesail-" + lower + "-net0000009-ws", "lakesail_" + lower + "_ws00000009",
		"lakesail/" + id + "/ws00000009/x", "/aws/eks/lakesail-" + id + "-ws00000009/cluster",
		"/lakesail/" + id + "/ws00000009", "oidc.eks.us-east-1.amazonaws.com/id/" + id,
	}
}

// fill replaces the SAR template's variables: every resource variable gets value.
func fill(template, account, value string) string {
	out := strings.NewReplacer("${Partition}", "aws", "${Region}", "us-east-1", "${Account}", account).Replace(template)
	for {
		start := strings.Index(out, "${")
		if start < 0 {
			return out
		}
		end := strings.Index(out[start:], "}")
		out = out[:start] + value + out[start+end+1:]
	}
}

func foreignResources(spec Spec, template string, ownTagged bool) []foreignResource {
	n := namesFor(spec.withDefaults())
	otherTags := map[string][]string{
		"aws:ResourceTag/" + TagConnection: {otherConnection}, "aws:ResourceTag/" + TagService: {ServiceTagValue},
		"aws:ResourceTag/" + TagTenant: {"TN0000099Z"}, "aws:ResourceTag/eks:cluster-name": {"lakesail-" + otherConnection + "-ws00000009"},
		"aws:ResourceTag/aws:eks:cluster-name": {"lakesail-" + otherConnection + "-ws00000009"},
		"aws:ResourceTag/" + eniClusterTag:     {"lakesail-" + otherConnection + "-ws00000009"},
		"aws:ResourceTag/" + TagAdoptableBy:    {otherConnection},
		"iam:PermissionsBoundary":              {"arn:aws:iam::" + n.account + ":policy/lakesail-" + otherConnection + "-WorkloadBoundary"},
		"s3:ResourceAccount":                   {n.account},
		"aws:ResourceAccount":                  {n.account},
	}
	own := map[string][]string{"s3:ResourceAccount": {n.account}, "aws:ResourceAccount": {n.account}}
	var out []foreignResource
	for _, value := range []string{"customer-data", "oidc.eks.us-east-1.amazonaws.com/id/CUSTOMER"} {
		out = append(out, foreignResource{"customer", fill(template, n.account, value), own})
		if ownTagged {
			tagged := map[string][]string{"aws:ResourceTag/" + TagConnection: {n.id}}
			for k, v := range own {
				tagged[k] = v
			}
			out = append(out, foreignResource{"customer, tagged by the role", fill(template, n.account, value), tagged})
		}
	}
	for _, value := range nameShapes(otherConnection) {
		out = append(out, foreignResource{"other connection", fill(template, n.account, value), otherTags})
	}
	elsewhere := map[string][]string{"s3:ResourceAccount": {otherAccount}, "aws:ResourceAccount": {otherAccount}}
	for _, value := range nameShapes(n.id) {
		out = append(out, foreignResource{"other account", fill(template, otherAccount, value), elsewhere})
	}
	return out
}

// attackerContexts are request contexts that satisfy the non-resource conditions of each grant
// naming the action (one per combination of the values a condition admits), plus the empty one.
func attackerContexts(action string, grants []iampolicy.Statement) []map[string][]string {
	out := []map[string][]string{{}}
	for _, s := range grants {
		if !statementNames(s, action) {
			continue
		}
		contexts := []map[string][]string{{}}
		for operator, keys := range s.Condition {
			for key, values := range keys {
				if isResourceFact(key) || targetKeys[key] != nil {
					continue
				}
				choices := satisfying(operator, values)
				var next []map[string][]string
				for _, ctx := range contexts {
					for _, choice := range choices {
						c := maps.Clone(ctx)
						c[key] = choice
						next = append(next, c)
					}
				}
				if len(next) > 0 {
					contexts = next
				}
			}
		}
		out = append(out, contexts...)
	}
	return out
}

func statementNames(s iampolicy.Statement, action string) bool {
	d := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{
		Effect: iampolicy.Allow, Action: s.Action, NotAction: s.NotAction, Resource: iampolicy.Values{"*"}}}}
	return d.Match(iampolicy.Request{Action: action, Resource: "*"}).Decision == iampolicy.Allowed
}

// satisfying are the context values that meet a condition, one choice each; none when the
// condition is met by the key's absence (negated operators), so it is left out.
func satisfying(operator string, values iampolicy.Values) [][]string {
	base := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(operator, "ForAllValues:"), "ForAnyValue:"), "IfExists")
	switch {
	case strings.Contains(base, "Not"):
		return nil
	case base == "Null":
		if len(values) > 0 && values[0] == "false" {
			return [][]string{{"Service"}}
		}
		return nil
	}
	concrete := make([]string, 0, len(values))
	for _, v := range values {
		concrete = append(concrete, strings.NewReplacer("*", "x", "?", "x").Replace(v))
	}
	if strings.HasPrefix(operator, "ForAllValues:") {
		return [][]string{concrete}
	}
	out := make([][]string, len(concrete))
	for i, v := range concrete {
		out[i] = []string{v}
	}
	return out
}

// closureViolation is a foreign resource an action was allowed on.
type closureViolation struct {
	principal, action, resourceType, owner, arn, statement string
}

func (v closureViolation) String() string {
	return fmt.Sprintf("%s: %s on %s's %s %s (allowed by %s)", v.principal, v.action, v.owner, v.resourceTypeOrStar(), v.arn, v.statement)
}

func (v closureViolation) resourceTypeOrStar() string {
	if v.resourceType == "" {
		return "*"
	}
	return v.resourceType
}

// closure runs the check and returns what was allowed, excepted or not.
func closure(t *testing.T, spec Spec, docs map[PolicyKind]*iampolicy.Document) []closureViolation {
	t.Helper()
	var out []closureViolation
	for _, p := range principalsOf(spec, docs) {
		actions := expandGrants(t, p.grants)
		// decide names the statement that allowed the request ("" when denied): the grant's,
		// or for a workload role the boundary's.
		decide := func(action, resource string, ctx map[string][]string) string {
			req := iampolicy.Request{Caller: p.caller, Action: action, Resource: resource, Context: ctx}
			res := iampolicy.Evaluate(req, p.identity, p.boundary)
			switch {
			case res.Decision != iampolicy.Allowed:
				return ""
			case res.Statement == "" && p.boundary != nil:
				return p.boundary.Match(req).Statement
			}
			return res.Statement
		}
		// Pass 1: which resource types the principal can tag although it does not own them.
		taggable := map[string]bool{}
		for _, action := range actions {
			act, _ := authref.Lookup(action)
			if act.Access != authref.Tagging {
				continue
			}
			for _, typ := range resourceTypesOf(act) {
				for _, r := range foreignResources(spec, typ.ARN, false) {
					if r.owner == "customer" && allowedSomehow(decide, action, r, attackerContexts(action, p.grants)) != "" {
						taggable[typ.Name] = true
					}
				}
			}
		}
		// Pass 2: every action on every foreign resource, including those the principal tagged.
		for _, action := range actions {
			act, _ := authref.Lookup(action)
			contexts := attackerContexts(action, p.grants)
			if act.Unscoped() {
				for _, r := range unscopedTargets(spec, act) {
					if sid := allowedSomehow(decide, action, r, contexts); sid != "" {
						out = append(out, closureViolation{p.name, action, "", r.owner, r.arn, sid})
					}
				}
				continue
			}
			for _, typ := range resourceTypesOf(act) {
				for _, r := range foreignResources(spec, typ.ARN, taggable[typ.Name]) {
					if sid := allowedSomehow(decide, action, r, contexts); sid != "" {
						out = append(out, closureViolation{p.name, action, typ.Name, r.owner, r.arn, sid})
					}
				}
			}
		}
	}
	return out
}

// targetKeys are condition keys that name what an action without resource types acts on, as an
// ARN does for other actions: the request chooses them, but the closure tries the foreign values
// (another connection's, the customer's, AWS's) in their place instead of the values a grant
// admits, as it tries foreign resources.
var targetKeys = map[string]func(n names) []foreignResource{
	// PutMetricData's namespace: LakeSail/<ID> is the connection's.
	"cloudwatch:namespace": func(n names) []foreignResource {
		ns := func(owner, value string) foreignResource {
			return foreignResource{owner: owner, arn: "*", facts: map[string][]string{"cloudwatch:namespace": {value}}}
		}
		return []foreignResource{
			ns("customer", "Customer/App"), ns("other connection", "LakeSail/"+otherConnection),
			ns("other connection", "LakeSail/"+otherConnection+"/"+n.id), ns("lookalike", "LakeSail/"+n.id+"X"),
			ns("lookalike", "LakeSail/"+n.id+"/sub"), ns("AWS", "AWS/EC2"), ns("AWS", "AWS/EKS"),
		}
	},
}

// unscopedTargets are what an action without resource types is tried on: "*" with no target
// key, and "*" with each foreign value of every target key the action has.
func unscopedTargets(spec Spec, act authref.Action) []foreignResource {
	out := []foreignResource{{owner: "anyone", arn: "*"}}
	for _, key := range slices.Sorted(maps.Keys(targetKeys)) {
		if act.HasConditionKey(key) {
			out = append(out, targetKeys[key](namesFor(spec.withDefaults()))...)
		}
	}
	return out
}

func allowedSomehow(decide func(string, string, map[string][]string) string, action string, r foreignResource, contexts []map[string][]string) string {
	for _, attacker := range contexts {
		ctx := map[string][]string{}
		for k, v := range attacker {
			ctx[k] = v
		}
		for k, v := range r.facts {
			ctx[k] = v
		}
		if sid := decide(action, r.arn, ctx); sid != "" {
			return sid
		}
	}
	return ""
}

func resourceTypesOf(act authref.Action) []authref.ResourceType {
	s, _ := authref.ServiceOf(strings.SplitN(act.Name, ":", 2)[0])
	var out []authref.ResourceType
	for _, ref := range act.Resources {
		if typ, ok := s.ResourceTypes[ref.Type]; ok {
			out = append(out, typ)
		}
	}
	return out
}

// expandGrants expands every action the grants name against AWS's action list.
func expandGrants(t *testing.T, grants []iampolicy.Statement) []string {
	seen := map[string]bool{}
	for _, s := range grants {
		for _, pattern := range s.Action {
			expanded := authref.Expand(pattern)
			if len(expanded) == 0 {
				t.Errorf("%s: %s matches no action AWS knows", s.Sid, pattern)
			}
			for _, a := range expanded {
				seen[a] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func excepted(v closureViolation) (int, bool) {
	for i, e := range closureExceptions {
		if e.resourceType != v.resourceType {
			continue
		}
		if !statementNames(iampolicy.Statement{Action: iampolicy.Values{e.action}}, v.action) {
			continue
		}
		if act, _ := authref.Lookup(v.action); e.onlyIf == nil || e.onlyIf(act) {
			return i, true
		}
	}
	return 0, false
}

func bundleDocuments(b *Bundle) map[PolicyKind]*iampolicy.Document {
	out := map[PolicyKind]*iampolicy.Document{}
	for _, p := range b.Documents() {
		out[p.Kind] = &p.Document
	}
	return out
}

// TestUnitClosureNothingElseAllowed: on the documents this package renders, every action any
// grant names is denied on every foreign resource, except closureExceptions; and every
// exception is still needed.
func TestUnitClosureNothingElseAllowed(t *testing.T) {
	spec := testSpec()
	violations := closure(t, spec, bundleDocuments(mustBuild(t, spec)))
	used := map[int]bool{}
	for _, v := range violations {
		i, ok := excepted(v)
		if !ok {
			t.Errorf("allowed on a resource the connection does not own: %s", v)
			continue
		}
		used[i] = true
	}
	for i, e := range closureExceptions {
		if !used[i] {
			t.Errorf("exception %s on %q is no longer needed: remove it", e.action, e.resourceType)
		}
	}
}

// bundle3Documents are the documents of policy bundle 3 as rendered for testSpec.
func bundle3Documents(t *testing.T) map[PolicyKind]*iampolicy.Document {
	t.Helper()
	docs := map[PolicyKind]*iampolicy.Document{}
	for _, kind := range DocumentKinds() {
		text, err := os.ReadFile(filepath.Join("..", "lakesailtest", "bundle3", string(kind)+".json"))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := iampolicy.Parse(string(text))
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		docs[kind] = doc
	}
	return docs
}

// TestUnitClosureFlagsBundle3: the same check on the documents of bundle 3 (lakesailtest/bundle3)
// finds the take-overs found by hand, so the check can fail.
func TestUnitClosureFlagsBundle3(t *testing.T) {
	docs := bundle3Documents(t)
	var flagged []string
	for _, v := range closure(t, testSpec(), docs) {
		if _, ok := excepted(v); !ok {
			flagged = append(flagged, v.principal+" "+v.action+" "+v.owner)
		}
	}
	for _, want := range []string{
		"connection role kms:TagResource customer",
		"connection role kms:PutKeyPolicy customer, tagged by the role",
		"connection role kms:ScheduleKeyDeletion customer, tagged by the role",
		"connection role acm:DeleteCertificate customer, tagged by the role",
		"connection role iam:DeleteOpenIDConnectProvider customer, tagged by the role",
		"connection role ec2:RunInstances customer",
		"workload role glue:PutResourcePolicy customer",
		"workload role s3:PutObject other account",
	} {
		if !slices.Contains(flagged, want) {
			t.Errorf("bundle 3: the closure check does not flag %q", want)
		}
	}
	if t.Failed() {
		t.Logf("flagged: %s", strings.Join(slices.Compact(flagged), "\n"))
	}
}

// TestUnitClosureFlagsWideMetricNamespaces: the check flags a PutMetricData grant wider than the
// connection's namespace (a wildcard over LakeSail/*, or no namespace condition at all), so the
// namespace targets can fail it.
func TestUnitClosureFlagsWideMetricNamespaces(t *testing.T) {
	spec := testSpec()
	for _, tc := range []struct {
		cond iampolicy.Conditions
		want []string
	}{
		{cond("StringLike", "cloudwatch:namespace", "LakeSail/*"), []string{"other connection", "lookalike"}},
		{nil, []string{"anyone", "customer", "other connection", "AWS"}},
	} {
		docs := bundleDocuments(mustBuild(t, spec))
		doc := *docs[KindCloudFormationAndObservabilityAndIdentity]
		doc.Statement = slices.Clone(doc.Statement)
		for i, s := range doc.Statement {
			if s.Sid == "PutOwnMetricsHasNoResourceScope" {
				doc.Statement[i].Condition = tc.cond
			}
		}
		docs[KindCloudFormationAndObservabilityAndIdentity] = &doc
		flagged := map[string]bool{}
		for _, v := range closure(t, spec, docs) {
			if _, ok := excepted(v); !ok && v.action == "cloudwatch:PutMetricData" {
				flagged[v.owner] = true
			}
		}
		for _, owner := range tc.want {
			if !flagged[owner] {
				t.Errorf("PutMetricData with condition %v: not flagged for %s's namespaces (flagged %v)", tc.cond, owner, flagged)
			}
		}
	}
}
