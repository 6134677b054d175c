package iampolicy

import "strings"

// matches reports whether the caller is one of the principals p names.
func (p *Principal) matches(c Caller) bool {
	if p.Wildcard {
		return true
	}
	for _, v := range p.AWS {
		if v == "*" || matchAWSPrincipal(v, c) {
			return true
		}
	}
	return contains(p.Service, c.Service) || contains(p.Federated, c.Federated)
}

// matchAWSPrincipal compares one AWS principal value. An account (its id or its root ARN) admits
// every principal of that account; any other ARN names one user, one role (whose sessions it
// admits) or one role session.
func matchAWSPrincipal(v string, c Caller) bool {
	if account, ok := principalAccount(v); ok {
		return c.Account != "" && account == c.Account
	}
	return v == c.ARN && c.ARN != "" || v == c.RoleARN && c.RoleARN != ""
}

// principalAccount recognises "123456789012" and "arn:PARTITION:iam::123456789012:root".
func principalAccount(v string) (string, bool) {
	if isAccountID(v) {
		return v, true
	}
	rest, ok := strings.CutPrefix(v, "arn:")
	if !ok {
		return "", false
	}
	_, rest, _ = strings.Cut(rest, ":")
	account, ok := strings.CutPrefix(rest, "iam::")
	if !ok {
		return "", false
	}
	account, ok = strings.CutSuffix(account, ":root")
	return account, ok && isAccountID(account)
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func contains(list Values, s string) bool {
	if s == "" {
		return false
	}
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
