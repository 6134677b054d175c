package iampolicy

import "strings"

// lookup returns the values of a condition key. Names are matched case-insensitively, as IAM
// does; an exact match is tried first because it is the common case and allocates nothing.
// Keys the emulator does not supply but that follow from the Caller (aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType, aws:username) are derived from it.
func (r *Request) lookup(key string) ([]string, bool) {
	if v, ok := r.Context[key]; ok {
		return v, true
	}
	for k, v := range r.Context {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	if v := r.Caller.derived(key); v != "" {
		return []string{v}, true
	}
	return nil, false
}

func (c Caller) derived(key string) string {
	switch {
	case strings.EqualFold(key, "aws:PrincipalArn"):
		if c.RoleARN != "" {
			return c.RoleARN
		}
		return c.ARN
	case strings.EqualFold(key, "aws:PrincipalAccount"):
		return c.Account
	case strings.EqualFold(key, "aws:PrincipalType"):
		return c.principalType()
	case strings.EqualFold(key, "aws:username") && c.principalType() == "User":
		return c.ARN[strings.LastIndex(c.ARN, "/")+1:]
	}
	return ""
}

// principalType is the aws:PrincipalType value for the caller's ARN.
func (c Caller) principalType() string {
	_, resource, _ := strings.Cut(strings.TrimPrefix(c.ARN, "arn:"), "::")
	_, resource, _ = strings.Cut(resource, ":")
	switch {
	case c.ARN == "":
		return ""
	case resource == "root":
		return "Account"
	case strings.HasPrefix(resource, "user/"):
		return "User"
	case strings.HasPrefix(resource, "assumed-role/"):
		return "AssumedRole"
	case strings.HasPrefix(resource, "federated-user/"):
		return "FederatedUser"
	}
	return ""
}
