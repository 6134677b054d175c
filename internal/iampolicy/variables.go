package iampolicy

import "strings"

// expand substitutes policy variables (${key}, ${key, 'default'}, ${*}, ${?}, ${$}) in a Resource
// or condition value. As a wildcard pattern, substituted text is escaped so that it only matches
// itself; as a literal, it is inserted as is. ok is false when a variable has no single value in
// the request context and no default, and then the value matches nothing.
//
// Only documents of Version 2012-10-17 have policy variables; elsewhere the text is literal.
func (e *env) expand(value string, asPattern bool) (p pattern, ok bool) {
	if !e.variables || !strings.Contains(value, "${") {
		return rawPattern(value), true
	}
	var b strings.Builder
	rest := value
	for {
		before, after, found := strings.Cut(rest, "${")
		name, tail, closed := strings.Cut(after, "}")
		if !found || !closed {
			writeText(&b, rest, asPattern, false)
			return pattern{text: b.String(), escaped: asPattern}, true
		}
		writeText(&b, before, asPattern, false)
		sub, ok := e.resolve(name)
		if !ok {
			return pattern{}, false
		}
		writeText(&b, sub, asPattern, true)
		rest = tail
	}
}

// resolve returns the value of the variable named inside ${...}.
func (e *env) resolve(name string) (string, bool) {
	key, fallback, hasDefault := strings.Cut(name, ",")
	key = strings.TrimSpace(key)
	switch key {
	case "*", "?", "$":
		return key, true
	}
	if v, ok := e.req.lookup(key); ok && len(v) == 1 {
		return v[0], true
	}
	fallback = strings.TrimSpace(fallback)
	if hasDefault && len(fallback) >= 2 && fallback[0] == '\'' && fallback[len(fallback)-1] == '\'' {
		return fallback[1 : len(fallback)-1], true
	}
	return "", false
}

// writeText appends s; in a pattern it escapes backslashes and, when quoteWildcards is set,
// also '*' and '?'.
func writeText(b *strings.Builder, s string, asPattern, quoteWildcards bool) {
	if !asPattern {
		b.WriteString(s)
		return
	}
	for _, r := range s {
		if r == '\\' || quoteWildcards && (r == '*' || r == '?') {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
}
