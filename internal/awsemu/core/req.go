package core

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Req is one AWS call in flight: what was asked, by whom, and what the authorizer decided.
type Req struct {
	e         *Emulator
	Service   *Service
	Op        *Operation
	HTTP      *http.Request
	Body      []byte
	In        Input
	Region    string
	RequestID string
	Now       time.Time
	start     time.Time // wall clock at arrival, for the call log
	Caller    *Principal
	Account   *Account // the caller's account: where IAM operations act

	resources []string // for the call log
	denied    bool
	Action    string // overrides Op.Action in the call log when set
}

// AccountByID is the account with id (nil when the emulator has none); only use it from
// Resources, Context, Also, Decide and Handle, which run under the state lock.
func (c *Req) AccountByID(id string) *Account { return c.e.st.accounts[id] }

// AllAccounts lists every account the emulator holds, by id.
func (c *Req) AllAccounts() []*Account {
	out := make([]*Account, 0, len(c.e.st.accounts))
	for _, id := range SortedKeys(c.e.st.accounts) {
		out = append(out, c.e.st.accounts[id])
	}
	return out
}

// AddSession makes a session's credentials usable (AssumeRole and its kin mint them).
func (c *Req) AddSession(s *Session) { c.e.st.sessions[s.AccessKeyID] = s }

// PropagationDelay is Options.PropagationDelay: how long a new role is not yet usable.
func (c *Req) PropagationDelay() time.Duration { return c.e.opts.PropagationDelay }

// TransitionDelay is Options.TransitionDelay: how long asynchronous resources stay transitional.
func (c *Req) TransitionDelay() time.Duration { return c.e.opts.TransitionDelay }

// Param is a form parameter ("" when absent).
func (c *Req) Param(name string) string { return c.In.Params.Get(name) }

// HasParam reports whether the parameter was sent.
func (c *Req) HasParam(name string) bool { _, ok := c.In.Params[name]; return ok }

// ParamList reads an awsquery list: name.member.1, name.member.2, ...
func (c *Req) ParamList(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := c.In.Params[name+".member."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// ParamStructs reads an awsquery list of structures: name.member.N.field for each field.
func (c *Req) ParamStructs(name string, fields ...string) []map[string]string {
	var out []map[string]string
	for i := 1; ; i++ {
		prefix := name + ".member." + strconv.Itoa(i) + "."
		m := map[string]string{}
		found := false
		for _, f := range fields {
			if v, ok := c.In.Params[prefix+f]; ok {
				m[f] = v[0]
				found = true
			}
		}
		if !found {
			return out
		}
		out = append(out, m)
	}
}

// ParamTags reads a Key/Value tag list (Tags.member.N.Key / .Value).
func (c *Req) ParamTags(name string) []Tag {
	var out []Tag
	for _, m := range c.ParamStructs(name, "Key", "Value") {
		out = append(out, Tag{Key: m["Key"], Value: m["Value"]})
	}
	return out
}

// ParamInt reads an integer parameter; ok is false when absent.
func (c *Req) ParamInt(name string) (n int, ok bool, err *APIError) {
	v := c.Param(name)
	if !c.HasParam(name) || v == "" {
		return 0, false, nil
	}
	n, convErr := strconv.Atoi(v)
	if convErr != nil {
		return 0, false, ValidationError("Value '%s' at '%s' failed to satisfy constraint: Member must be a number", v, LowerFirst(name))
	}
	return n, true, nil
}

// ParamBool reads a boolean parameter (false when absent).
func (c *Req) ParamBool(name string) bool { return strings.EqualFold(c.Param(name), "true") }

// DecodeJSON decodes a JSON request body into v (JSON protocols).
func (c *Req) DecodeJSON(v any) *APIError {
	if len(c.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Body, v); err != nil {
		return NewError("SerializationException", 400, "%s", err.Error())
	}
	return nil
}

// Deny records that a self-authorized operation denied the call (for the call log).
func (c *Req) Deny() { c.denied = true }

// SetResources records the resources a self-authorized operation evaluated (for the call log).
func (c *Req) SetResources(arns ...string) { c.resources = arns }

// MergeContext merges context maps; later maps win on the same key.
func MergeContext(ms ...map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func LowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func ValidationError(format string, args ...any) *APIError {
	return NewError("ValidationError", 400, "1 validation error detected: "+format, args...)
}

// SessionDuration is Options.SessionDuration: when set, the longest a session may last.
func (c *Req) SessionDuration() time.Duration { return c.e.opts.SessionDuration }
