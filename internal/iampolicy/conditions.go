package iampolicy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// qualifier is a set operator prefix.
type qualifier int

const (
	single qualifier = iota
	forAllValues
	forAnyValue
)

// operator is a parsed condition operator such as "ForAnyValue:StringNotLikeIfExists".
type operator struct {
	qualifier qualifier
	ifExists  bool
	*family
}

// family describes a base operator. test is the positive comparison of one context value with
// one policy value; a negated family (StringNotEquals, ...) holds when test holds for none.
type family struct {
	name      string
	test      func(value string, policy pattern) bool
	negated   bool
	isPattern bool // policy values are wildcard patterns, so substitutions are escaped
	null      bool
}

var families = []*family{
	{name: "StringEquals", test: equalsString},
	{name: "StringNotEquals", test: equalsString, negated: true},
	{name: "StringEqualsIgnoreCase", test: equalsFold},
	{name: "StringNotEqualsIgnoreCase", test: equalsFold, negated: true},
	{name: "StringLike", test: like, isPattern: true},
	{name: "StringNotLike", test: like, negated: true, isPattern: true},
	// IAM documents ArnEquals as behaving exactly like ArnLike, wildcards included.
	{name: "ArnEquals", test: arnLike, isPattern: true},
	{name: "ArnLike", test: arnLike, isPattern: true},
	{name: "ArnNotEquals", test: arnLike, negated: true, isPattern: true},
	{name: "ArnNotLike", test: arnLike, negated: true, isPattern: true},
	{name: "Bool", test: equalsFold},
	{name: "BinaryEquals", test: equalsString},
	{name: "Null", null: true},
	{name: "NumericEquals", test: numeric(func(a, b float64) bool { return a == b })},
	{name: "NumericNotEquals", test: numeric(func(a, b float64) bool { return a == b }), negated: true},
	{name: "NumericLessThan", test: numeric(func(a, b float64) bool { return a < b })},
	{name: "NumericLessThanEquals", test: numeric(func(a, b float64) bool { return a <= b })},
	{name: "NumericGreaterThan", test: numeric(func(a, b float64) bool { return a > b })},
	{name: "NumericGreaterThanEquals", test: numeric(func(a, b float64) bool { return a >= b })},
	{name: "DateEquals", test: date(func(c int) bool { return c == 0 })},
	{name: "DateNotEquals", test: date(func(c int) bool { return c == 0 }), negated: true},
	{name: "DateLessThan", test: date(func(c int) bool { return c < 0 })},
	{name: "DateLessThanEquals", test: date(func(c int) bool { return c <= 0 })},
	{name: "DateGreaterThan", test: date(func(c int) bool { return c > 0 })},
	{name: "DateGreaterThanEquals", test: date(func(c int) bool { return c >= 0 })},
	{name: "IpAddress", test: inNetwork},
	{name: "NotIpAddress", test: inNetwork, negated: true},
}

var familyByName = func() map[string]*family {
	m := make(map[string]*family, len(families))
	for _, f := range families {
		m[f.name] = f
	}
	return m
}()

func lookupFamily(name string) *family {
	if f, ok := familyByName[name]; ok {
		return f
	}
	for _, f := range families {
		if strings.EqualFold(f.name, name) {
			return f
		}
	}
	return nil
}

// parseOperator splits the ForAllValues:/ForAnyValue: prefix and IfExists suffix off an
// operator name; the parts are matched case-insensitively.
func parseOperator(name string) (operator, error) {
	var op operator
	base := name
	if q, rest, ok := strings.Cut(name, ":"); ok {
		switch {
		case strings.EqualFold(q, "ForAllValues"):
			op.qualifier = forAllValues
		case strings.EqualFold(q, "ForAnyValue"):
			op.qualifier = forAnyValue
		default:
			return op, fmt.Errorf("unknown condition qualifier %q", q)
		}
		base = rest
	}
	if n := len(base) - len("IfExists"); n > 0 && strings.EqualFold(base[n:], "IfExists") {
		op.ifExists, base = true, base[:n]
	}
	op.family = lookupFamily(base)
	switch {
	case op.family == nil:
		return op, fmt.Errorf("unknown condition operator %q", name)
	case op.null && (op.ifExists || op.qualifier != single):
		return op, fmt.Errorf("condition operator %q cannot be qualified", name)
	}
	return op, nil
}

// conditionsHold ANDs every operator and every key within it.
func (e *env) conditionsHold(c Conditions) bool {
	for name, keys := range c {
		op, err := parseOperator(name)
		if err != nil {
			return false
		}
		for key, values := range keys {
			if !e.keyHolds(op, key, values) {
				return false
			}
		}
	}
	return true
}

// keyHolds decides one key of one operator; the key's values are ORed.
func (e *env) keyHolds(op operator, key string, policy Values) bool {
	values, _ := e.req.lookup(key)
	if op.null {
		return nullHolds(len(values) == 0, policy)
	}
	if len(values) == 0 {
		return op.holdsWhenMissing()
	}
	patterns := e.expandAll(policy, op.isPattern)
	holds := func(v string) bool { return op.matchesAny(v, patterns) != op.negated }
	switch op.qualifier {
	case forAllValues:
		return every(values, holds)
	case forAnyValue:
		return some(values, holds)
	}
	// A single-valued operator on a multi-valued key: a positive operator holds when any value
	// matches, a negated one when none does.
	return some(values, func(v string) bool { return op.matchesAny(v, patterns) }) != op.negated
}

// holdsWhenMissing decides a key that is absent or present with no values: IfExists and
// ForAllValues hold, ForAnyValue fails, and an unqualified operator holds exactly when it is
// negated (IAM documents StringNotEquals, ArnNotLike, ... as true for an absent key).
func (op operator) holdsWhenMissing() bool {
	switch {
	case op.ifExists:
		return true
	case op.qualifier == forAllValues:
		return true
	case op.qualifier == forAnyValue:
		return false
	}
	return op.negated
}

func nullHolds(missing bool, policy Values) bool {
	for _, v := range policy {
		if want, err := strconv.ParseBool(v); err == nil && want == missing {
			return true
		}
	}
	return false
}

// expandAll substitutes policy variables, dropping values that cannot be resolved.
func (e *env) expandAll(policy Values, asPattern bool) []pattern {
	out := make([]pattern, 0, len(policy))
	for _, v := range policy {
		if p, ok := e.expand(v, asPattern); ok {
			out = append(out, p)
		}
	}
	return out
}

func (f *family) matchesAny(value string, patterns []pattern) bool {
	for _, p := range patterns {
		if f.test(value, p) {
			return true
		}
	}
	return false
}

func every(values []string, f func(string) bool) bool {
	for _, v := range values {
		if !f(v) {
			return false
		}
	}
	return true
}

func some(values []string, f func(string) bool) bool {
	for _, v := range values {
		if f(v) {
			return true
		}
	}
	return false
}

func equalsString(v string, p pattern) bool { return v == p.text }
func equalsFold(v string, p pattern) bool   { return strings.EqualFold(v, p.text) }
func like(v string, p pattern) bool         { return p.match(v, false) }

func numeric(cmp func(value, policy float64) bool) func(string, pattern) bool {
	return func(v string, p pattern) bool {
		a, err1 := strconv.ParseFloat(strings.TrimSpace(v), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(p.text), 64)
		return err1 == nil && err2 == nil && cmp(a, b)
	}
}

func date(cmp func(int) bool) func(string, pattern) bool {
	return func(v string, p pattern) bool {
		a, ok1 := parseDate(v)
		b, ok2 := parseDate(p.text)
		return ok1 && ok2 && cmp(a.Compare(b))
	}
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate reads the ISO 8601 forms IAM accepts, or seconds since the epoch (aws:EpochTime).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		whole := int64(secs)
		return time.Unix(whole, int64((secs-float64(whole))*1e9)), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// inNetwork reports whether the address v lies in the CIDR block (or is the single address) p.
func inNetwork(v string, p pattern) bool {
	addr, err := netip.ParseAddr(strings.TrimSpace(v))
	if err != nil {
		return false
	}
	prefix, err := netip.ParsePrefix(strings.TrimSpace(p.text))
	if err != nil {
		single, err := netip.ParseAddr(strings.TrimSpace(p.text))
		if err != nil {
			return false
		}
		prefix = netip.PrefixFrom(single, single.BitLen())
	}
	return prefix.Masked().Contains(addr.Unmap())
}
