package elbv2

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Service is Elastic Load Balancing v2 (awsquery, API version 2015-12-01). Each elbv2_*.go file
// declares its operations next to their handlers.
func Service() *core.Service {
	s := &core.Service{Name: "elasticloadbalancing", Protocol: core.QueryProtocol{},
		Namespace: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", Version: "2015-12-01", Impl: elbPeer{}}
	for _, group := range [][]elbSpec{elbLoadBalancerSpecs(), elbTargetGroupSpecs(), elbListenerSpecs(), elbTagSpecs()} {
		for _, sp := range group {
			s.Add(sp.op())
		}
	}
	return s
}

// elbState is one account's load balancers, target groups and listeners in one region, by ARN.
// Transitions (a load balancer provisioning, targets registering and draining) settle lazily on
// the emulator's clock: every call first moves what is due.
type elbState struct {
	seq       int // creation counter: listings come back in creation order
	lbs       map[string]*elbLB
	tgs       map[string]*elbTG
	listeners map[string]*elbListener
}

func newELBState() *elbState {
	return &elbState{lbs: map[string]*elbLB{}, tgs: map[string]*elbTG{}, listeners: map[string]*elbListener{}}
}

// elbOf is the caller's ELB state in the request's region, settled to the request's time.
func elbOf(c *core.Req) *elbState {
	st := core.RegionalStateOf(c.Account, "elasticloadbalancing", c.Region, newELBState)
	st.settle(c.Now)
	return st
}

// settle makes provisioning load balancers active, registering targets healthy and drained
// targets gone once their time has come.
func (st *elbState) settle(now time.Time) {
	for _, lb := range st.lbs {
		if lb.state == "provisioning" && !now.Before(lb.settleAt) {
			lb.state = "active"
		}
	}
	for _, tg := range st.tgs {
		kept := tg.targets[:0]
		for _, t := range tg.targets {
			due := !now.Before(t.settleAt)
			switch {
			case t.state == "draining" && due:
				continue
			case t.state == "initial" && due:
				t.state = "healthy"
			}
			kept = append(kept, t)
		}
		tg.targets = kept
	}
}

// next is the next creation rank.
func (st *elbState) next() int {
	st.seq++
	return st.seq
}

// sortedBySeq lists a map's values in creation order.
func sortedBySeq[T any](m map[string]T, seq func(T) int) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return seq(out[i]) < seq(out[j]) })
	return out
}

// Errors, all 400 as ELB returns them.
func elbErr(code, format string, args ...any) *core.APIError {
	return core.NewError(code, 400, format, args...)
}

func elbValidation(format string, args ...any) *core.APIError {
	return elbErr("ValidationError", format, args...)
}

func elbConfig(format string, args ...any) *core.APIError {
	return elbErr("InvalidConfigurationRequest", format, args...)
}

// elbRequired rejects a missing parameter as the service model does.
func elbRequired(c *core.Req, params ...string) *core.APIError {
	for _, p := range params {
		if c.Param(p) == "" {
			return elbValidation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", core.LowerFirst(p))
		}
	}
	return nil
}

// ARNs. New resources take their id from the request id, so that the ARN the authorizer
// evaluates is the one the resource gets.

func elbARN(c *core.Req, rest string) string {
	return "arn:aws:elasticloadbalancing:" + c.Region + ":" + c.Account.Id + ":" + rest
}

// elbNewID is a new resource's id: 16 hex digits of the request id.
func elbNewID(c *core.Req) string {
	return strings.ReplaceAll(c.RequestID, "-", "")[:16]
}

// elbTypePath is a load balancer type's segment in its ARN.
func elbTypePath(typ string) string {
	switch typ {
	case "network":
		return "net"
	case "gateway":
		return "gwy"
	}
	return "app"
}

func elbLBARN(c *core.Req, typ, name, id string) string {
	return elbARN(c, "loadbalancer/"+elbTypePath(typ)+"/"+name+"/"+id)
}

func elbTGARN(c *core.Req, name, id string) string { return elbARN(c, "targetgroup/"+name+"/"+id) }

// elbListenerARN is the ARN of listener id of the load balancer lbARN.
func elbListenerARN(lbARN, id string) string {
	return strings.Replace(lbARN, ":loadbalancer/", ":listener/", 1) + "/" + id
}

// elbKind is the resource type an ELB ARN names: "loadbalancer", "targetgroup", "listener", ...
func elbKind(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[2] != "elasticloadbalancing" {
		return ""
	}
	kind, _, _ := strings.Cut(parts[5], "/")
	return kind
}

// elbTagsOf are the tags of the resource arn names (nil when it does not exist).
func (st *elbState) tagsOf(arn string) *[]core.Tag {
	switch elbKind(arn) {
	case "loadbalancer":
		if lb := st.lbs[arn]; lb != nil {
			return &lb.tags
		}
	case "targetgroup":
		if tg := st.tgs[arn]; tg != nil {
			return &tg.tags
		}
	case "listener":
		if l := st.listeners[arn]; l != nil {
			return &l.tags
		}
	}
	return nil
}

// elbNotFound is the error for a resource arn that does not exist, by its type.
func elbNotFound(arn string) *core.APIError {
	switch elbKind(arn) {
	case "targetgroup":
		return elbErr("TargetGroupNotFound", "Target groups '%s' not found", arn)
	case "listener":
		return elbErr("ListenerNotFound", "One or more listeners not found")
	case "loadbalancer":
		return elbErr("LoadBalancerNotFound", "One or more load balancers not found")
	}
	return elbValidation("'%s' is not a valid load balancer, target group or listener ARN", arn)
}

// Authorization. elbAuth is one resource an action is evaluated on, with that resource's
// condition keys; an elbSpec declares an operation by the resources it acts on.

type elbAuth struct {
	arn string
	ctx map[string][]string
}

// elbSpec declares one operation: the resources its action is evaluated on (nil means "*"; the
// first is the operation's own resource, the others are further checks of the same action), what
// it creates with tags (tag-on-create needs elasticloadbalancing:AddTags with
// elasticloadbalancing:CreateAction), and its handler.
type elbSpec struct {
	name    string
	on      func(c *core.Req) []elbAuth
	creates func(c *core.Req) (arn string, tags []core.Tag)
	handle  func(c *core.Req) (any, error)
}

func (sp elbSpec) op() *core.Operation {
	op := &core.Operation{Name: sp.name, Action: "elasticloadbalancing:" + sp.name, Handle: sp.handle}
	on := func(c *core.Req) []elbAuth {
		if sp.on == nil {
			return []elbAuth{{arn: "*"}}
		}
		if ts := sp.on(c); len(ts) > 0 {
			return ts
		}
		return []elbAuth{{arn: "*"}}
	}
	if sp.on != nil {
		op.Resources = func(c *core.Req) []string { return []string{on(c)[0].arn} }
		op.Context = func(c *core.Req) map[string][]string { return on(c)[0].ctx }
	}
	if sp.on == nil && sp.creates == nil {
		return op
	}
	op.Also = func(c *core.Req) []core.Check {
		ts := on(c)
		var checks []core.Check
		arns := make([]string, 0, len(ts))
		for i, t := range ts {
			arns = append(arns, t.arn)
			if i > 0 {
				checks = append(checks, core.Check{Action: op.Action, Resources: []string{t.arn}, Context: t.ctx})
			}
		}
		if sp.creates != nil {
			if arn, tags := sp.creates(c); len(tags) > 0 {
				ctx := core.MergeContext(core.RequestTagContext(tags), map[string][]string{"elasticloadbalancing:CreateAction": {sp.name}})
				checks = append(checks, core.Check{Action: "elasticloadbalancing:AddTags", Resources: []string{arn}, Context: ctx})
			}
		}
		c.SetResources(arns...) // the call log names every resource the action was evaluated on
		return checks
	}
	return op
}

// elbExisting is the resource arn with its aws:ResourceTag (and elasticloadbalancing:ResourceTag)
// keys, plus extra keys of the request.
func elbExisting(c *core.Req, arn string, extra ...map[string][]string) elbAuth {
	if arn == "" {
		arn = "*"
	}
	var ctx map[string][]string
	if tags := elbOf(c).tagsOf(arn); tags != nil {
		ctx = core.ResourceTagContext(*tags, "elasticloadbalancing")
	}
	return elbAuth{arn: arn, ctx: core.MergeContext(append([]map[string][]string{ctx}, extra...)...)}
}

// elbOnParam is the resource a parameter names (LoadBalancerArn, TargetGroupArn, ListenerArn).
func elbOnParam(param string) func(c *core.Req) []elbAuth {
	return func(c *core.Req) []elbAuth { return []elbAuth{elbExisting(c, c.Param(param))} }
}

// Tags.

var reTagKey = regexp.MustCompile(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)

// elbCheckTags checks tags a request sets: keys 1-128 characters (not aws:), values at most 256,
// no key twice, at most 50.
func elbCheckTags(tags []core.Tag) *core.APIError {
	if len(tags) > core.MaxTags {
		return elbErr("TooManyTags", "The request exceeds the maximum of %d tags per resource", core.MaxTags)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if seen[t.Key] {
			return elbErr("DuplicateTagKeys", "Tag key '%s' is duplicated in the request", t.Key)
		}
		seen[t.Key] = true
		if err := elbCheckTagKey(t.Key); err != nil {
			return err
		}
		if utf8.RuneCountInString(t.Value) > 256 || !reTagKey.MatchString(t.Value) {
			return elbValidation("Tag value '%s' is not valid: at most 256 letters, digits, spaces and _.:/=+-@", t.Value)
		}
	}
	return nil
}

func elbCheckTagKey(k string) *core.APIError {
	if k == "" || utf8.RuneCountInString(k) > 128 || !reTagKey.MatchString(k) {
		return elbValidation("Tag key '%s' is not valid: 1 to 128 letters, digits, spaces and _.:/=+-@", k)
	}
	if strings.HasPrefix(strings.ToLower(k), "aws:") {
		return elbValidation("Tag key '%s' is not valid: the 'aws:' prefix is reserved for AWS use", k)
	}
	return nil
}

// elbRequestTags are the request's Tags.
func elbRequestTags(c *core.Req) []core.Tag { return c.ParamTags("Tags") }

// Paging: Marker and PageSize (1-400) as every Describe call of ELB takes them.
func elbPage[T any](c *core.Req, items []T) ([]T, string, *core.APIError) {
	size := 400
	if c.Param("PageSize") != "" {
		n, err := strconv.Atoi(c.Param("PageSize"))
		if err != nil || n < 1 || n > 400 {
			return nil, "", elbValidation("1 validation error detected: Value '%s' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400", c.Param("PageSize"))
		}
		size = n
	}
	page, next, ok := core.PageByToken(items, c.Param("Marker"), size)
	if !ok {
		return nil, "", elbValidation("The marker '%s' is not valid", c.Param("Marker"))
	}
	return page, next, nil
}

// elbInt reads an integer parameter within [lo, hi]; ok is false when it was not sent.
func elbInt(c *core.Req, param string, lo, hi int) (n int, ok bool, err *core.APIError) {
	v := c.Param(param)
	if v == "" {
		return 0, false, nil
	}
	n, convErr := strconv.Atoi(v)
	if convErr != nil || n < lo || n > hi {
		return 0, false, elbValidation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have value between %d and %d", v, core.LowerFirst(param), lo, hi)
	}
	return n, true, nil
}

// reName is what load balancer and target group names may hold.
var reName = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// elbCheckName validates a load balancer or target group name (what: "Load balancer", "Target group").
func elbCheckName(what, name string) *core.APIError {
	switch {
	case len(name) > 32:
		return elbValidation("%s name '%s' cannot be longer than '32' characters", what, name)
	case !reName.MatchString(name):
		return elbValidation("%s name '%s' can only contain characters that are alphanumeric characters or hyphens(-)", what, name)
	case strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-"):
		return elbValidation("%s name '%s' cannot begin or end with '-' character", what, name)
	}
	return nil
}

// elbAttribute is a Key/Value attribute of a load balancer or target group.
type elbAttribute struct {
	Key   string
	Value string
}

// elbAttributeSpec says which values an attribute takes.
type elbAttributeSpec func(v string) bool

func elbBoolAttr(v string) bool { return v == "true" || v == "false" }

func elbIntAttr(lo, hi int) elbAttributeSpec {
	return func(v string) bool {
		n, err := strconv.Atoi(v)
		return err == nil && n >= lo && n <= hi
	}
}

func elbEnumAttr(values ...string) elbAttributeSpec {
	return func(v string) bool { return core.OneOf(v, values...) }
}

func elbAnyAttr(string) bool { return true }

// elbModifyAttributes applies Attributes.member.N to attrs (all or nothing) after checking each
// against specs; what names the owner in errors ("Load balancer", "Target group").
func elbModifyAttributes(c *core.Req, what string, attrs map[string]string, specs map[string]elbAttributeSpec) *core.APIError {
	in := c.ParamStructs("Attributes", "Key", "Value")
	if len(in) == 0 {
		return elbValidation("1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null")
	}
	for _, a := range in {
		spec := specs[a["Key"]]
		if spec == nil {
			return elbValidation("%s attribute key '%s' is not recognized", what, a["Key"])
		}
		if !spec(a["Value"]) {
			return elbValidation("%s attribute '%s' does not take the value '%s'", what, a["Key"], a["Value"])
		}
	}
	for _, a := range in {
		attrs[a["Key"]] = a["Value"]
	}
	return nil
}

// elbAttributeList lists attrs in key order.
func elbAttributeList(attrs map[string]string) core.Members[elbAttribute] {
	out := core.Members[elbAttribute]{}
	for _, k := range core.SortedKeys(attrs) {
		out = append(out, elbAttribute{Key: k, Value: attrs[k]})
	}
	return out
}

// elbEmpty is the result of calls that return nothing: ELB still sends an empty <XResult/>,
// which the SDK's deserializers expect.
type elbEmpty struct{}
