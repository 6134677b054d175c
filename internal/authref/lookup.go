package authref

import (
	"sort"
	"strings"
)

// byPrefix indexes the catalog by lower-case prefix; byAction by lower-case action name
// within each prefix. Both are built once, in init, after every data file's variable.
var (
	byPrefix map[string]*Service
	byAction map[string]map[string]Action
)

func init() {
	byPrefix = make(map[string]*Service, len(catalog))
	byAction = make(map[string]map[string]Action, len(catalog))
	for _, s := range catalog {
		p := strings.ToLower(s.Prefix)
		if _, dup := byPrefix[p]; dup {
			panic("authref: service " + s.Prefix + " is in the catalog twice")
		}
		byPrefix[p] = s
		full := make(map[string]Action, len(s.Actions))
		idx := make(map[string]Action, len(s.Actions))
		for name, act := range s.Actions {
			act.Name = s.Prefix + ":" + name
			full[name] = act
			idx[strings.ToLower(name)] = act
		}
		s.Actions = full
		byAction[p] = idx
	}
}

// Services returns the catalog's service prefixes, sorted.
func Services() []string {
	out := make([]string, 0, len(catalog))
	for _, s := range catalog {
		out = append(out, s.Prefix)
	}
	sort.Strings(out)
	return out
}

// ServiceOf returns the service with the given prefix ("kms"), case-insensitively. The result
// is shared: callers must not modify it.
func ServiceOf(prefix string) (*Service, bool) {
	s, ok := byPrefix[strings.ToLower(prefix)]
	return s, ok
}

// Lookup returns the action named "prefix:Name" ("kms:CreateKey"), matched case-insensitively as
// IAM matches action names. The returned Action's Name is spelled as the SAR spells it.
func Lookup(action string) (Action, bool) {
	prefix, name := splitAction(action)
	if name == "" {
		return Action{}, false
	}
	act, ok := byAction[strings.ToLower(prefix)][strings.ToLower(name)]
	return act, ok
}

// Expand returns the catalog's actions an IAM action pattern matches ("glue:*",
// "autoscaling:Describe*", "kms:GenerateDataKey*", "*"), case-insensitively with IAM's "*" and
// "?" wildcards, sorted. For a service that is not Complete it can only return the actions the
// catalog holds. An unknown service yields nothing.
func Expand(pattern string) []string {
	var prefixPat, namePat string
	if pattern == "*" {
		prefixPat, namePat = "*", "*"
	} else {
		prefixPat, namePat = splitAction(pattern)
		if namePat == "" {
			return nil
		}
	}
	prefixPat, namePat = strings.ToLower(prefixPat), strings.ToLower(namePat)
	var out []string
	for p, acts := range byAction {
		if !globMatch(prefixPat, p) {
			continue
		}
		for name, act := range acts {
			if globMatch(namePat, name) {
				out = append(out, act.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ResourceTypeOf returns the first of the action's resource types (in SAR order) whose ARN
// template an ARN can match. arn may be an IAM resource pattern with "*" and "?" wildcards (and
// ${...} variables, which match anything): then the result is a resource type some ARN matching
// the pattern belongs to. It reports false for unknown actions, for actions without resource
// types, and for ARNs of none of the action's types.
func ResourceTypeOf(action, arn string) (ResourceType, bool) {
	act, ok := Lookup(action)
	if !ok {
		return ResourceType{}, false
	}
	s := byPrefix[strings.ToLower(act.Prefix())]
	for _, ref := range act.Resources {
		t, ok := s.ResourceTypes[ref.Type]
		if !ok {
			continue
		}
		for _, tmpl := range append([]string{t.ARN}, t.MoreARNs...) {
			if arnFits(arn, tmpl) {
				return t, true
			}
		}
	}
	return ResourceType{}, false
}

// splitAction splits "prefix:Name"; name is empty when there is no colon.
func splitAction(action string) (prefix, name string) {
	prefix, name, ok := strings.Cut(action, ":")
	if !ok {
		return action, ""
	}
	return prefix, name
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
