package authref

import "strings"

// The helpers below keep the per-service data files short: a() is an action, r() one of its
// resource types ("key*" when required) with that row's condition keys, k() its request-level
// condition keys, d() its dependent actions, rt() a resource type.

type part func(*Action)

func a(name string, access AccessLevel, parts ...part) Action {
	act := Action{Name: name, Access: access}
	for _, p := range parts {
		p(&act)
	}
	return act
}

func r(resourceType string, keys ...string) part {
	return func(act *Action) {
		name, required := strings.CutSuffix(resourceType, "*")
		act.Resources = append(act.Resources, ResourceRef{Type: name, Required: required, ConditionKeys: keys})
	}
}

func k(keys ...string) part {
	return func(act *Action) { act.ConditionKeys = append(act.ConditionKeys, keys...) }
}

func d(actions ...string) part {
	return func(act *Action) { act.Dependent = append(act.Dependent, actions...) }
}

func rt(name, arn string, keys ...string) ResourceType {
	return ResourceType{Name: name, ARN: arn, ConditionKeys: keys}
}

func actions(list ...Action) map[string]Action {
	m := make(map[string]Action, len(list))
	for _, act := range list {
		m[act.Name] = act
	}
	return m
}

func resourceTypes(list ...ResourceType) map[string]ResourceType {
	m := make(map[string]ResourceType, len(list))
	for _, t := range list {
		m[t.Name] = t
	}
	return m
}

// withARNs adds further ARN forms to a resource type (see ResourceType.MoreARNs).
func withARNs(t ResourceType, arns ...string) ResourceType {
	t.MoreARNs = append(t.MoreARNs, arns...)
	return t
}
