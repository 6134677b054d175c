package connpolicy

import (
	"maps"
	"slices"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// Small constructors that keep the documents readable.

func allow(sid string, actions, resources []string, conds ...iampolicy.Conditions) iampolicy.Statement {
	return statement(iampolicy.Allow, sid, actions, resources, conds)
}

func deny(sid string, actions, resources []string, conds ...iampolicy.Conditions) iampolicy.Statement {
	return statement(iampolicy.Deny, sid, actions, resources, conds)
}

func statement(effect iampolicy.Effect, sid string, actions, resources []string, conds []iampolicy.Conditions) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       sid,
		Effect:    effect,
		Action:    iampolicy.Values(actions),
		Resource:  iampolicy.Values(resources),
		Condition: and(conds...),
	}
}

// cond is one condition operator on one key.
func cond(operator, key string, values ...string) iampolicy.Conditions {
	return iampolicy.Conditions{operator: {key: iampolicy.Values(values)}}
}

// and merges conditions; IAM ANDs every operator and every key.
func and(conds ...iampolicy.Conditions) iampolicy.Conditions {
	var out iampolicy.Conditions
	for _, c := range conds {
		for op, keys := range c {
			if out == nil {
				out = iampolicy.Conditions{}
			}
			if out[op] == nil {
				out[op] = map[string]iampolicy.Values{}
			}
			maps.Copy(out[op], keys)
		}
	}
	return out
}

func list(values ...string) []string { return values }

// withPrefix prefixes every action with its service, e.g. withPrefix("ec2", "CreateVpc").
func withPrefix(service string, actions ...string) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = service + ":" + a
	}
	return out
}

// Condition shorthands on the connection tag.

func (n names) requestTagged() iampolicy.Conditions {
	return cond("StringEquals", "aws:RequestTag/"+TagConnection, n.id)
}

func (n names) resourceTagged() iampolicy.Conditions {
	return cond("StringEquals", "aws:ResourceTag/"+TagConnection, n.id)
}

// inOwnAccount scopes S3 to the connection's account: bucket ARNs carry no account, so a
// bucket named like the connection's in another account would otherwise match.
func (n names) inOwnAccount() iampolicy.Conditions {
	return cond("StringEquals", "s3:ResourceAccount", n.account)
}

// document finishes a document: values inside each statement are sorted and de-duplicated so
// that the rendering does not depend on the order they were written or supplied in; the order
// of statements is kept.
func document(statements ...iampolicy.Statement) iampolicy.Document {
	for i := range statements {
		s := &statements[i]
		s.Action = sortedValues(s.Action)
		s.NotAction = sortedValues(s.NotAction)
		s.Resource = sortedValues(s.Resource)
		s.NotResource = sortedValues(s.NotResource)
		if s.Principal != nil {
			p := *s.Principal
			p.AWS, p.Service, p.Federated = sortedValues(p.AWS), sortedValues(p.Service), sortedValues(p.Federated)
			s.Principal = &p
		}
		for _, keys := range s.Condition {
			for k, v := range keys {
				keys[k] = sortedValues(v)
			}
		}
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: statements}
}

func sortedValues(v iampolicy.Values) iampolicy.Values {
	if len(v) == 0 {
		return v
	}
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}
