package authref

import "strings"

// ARN matching. A SAR template ("arn:${Partition}:s3:::${BucketName}/${ObjectName}") and an ARN
// or IAM resource pattern ("arn:aws:s3:::lakesail-*") are each read as a sequence of tokens: a
// literal character; "?" (any one character); "*" (any string); and a template variable, which
// stands for any string drawn from its class. arnFits asks whether some string matches both.

type tokKind uint8

const (
	tokLit  tokKind = iota
	tokOne          // "?"
	tokAny          // "*" or a ${...} policy variable in a pattern
	tokSeg          // template variable without "/" or ":" (${Region}, ${BucketName}, ${VpcId})
	tokPath         // template variable that may hold "/" but not ":" (${RoleNameWithPath})
)

type tok struct {
	kind tokKind
	c    byte
}

func (t tok) star() bool { return t.kind == tokAny || t.kind == tokSeg || t.kind == tokPath }

// accepts reports whether the token can produce character c.
func (t tok) accepts(c byte) bool {
	switch t.kind {
	case tokLit:
		return t.c == c
	case tokSeg:
		return c != '/' && c != ':'
	case tokPath:
		return c != ':'
	default:
		return true
	}
}

// pathVariables are the SAR template variables whose values may contain "/": IAM names with
// their path, S3 object keys, SSM parameter names, log group and stream names, OIDC provider
// URLs, and the generic ${ResourceName}/${EntityPath} some services use.
var pathVariables = map[string]bool{
	"ObjectName":                       true,
	"ParameterNameWithoutLeadingSlash": true,
	"LogGroupName":                     true,
	"LogStreamName":                    true,
	"OidcProviderName":                 true,
	"ResourceName":                     true,
	"EntityPath":                       true,
}

func templateTokens(tmpl string) []tok {
	var out []tok
	for i := 0; i < len(tmpl); i++ {
		if strings.HasPrefix(tmpl[i:], "${") {
			if end := strings.IndexByte(tmpl[i:], '}'); end > 0 {
				name := tmpl[i+2 : i+end]
				kind := tokSeg
				if pathVariables[name] || strings.Contains(name, "Path") {
					kind = tokPath
				}
				out = append(out, tok{kind: kind})
				i += end
				continue
			}
		}
		out = append(out, tok{kind: tokLit, c: tmpl[i]})
	}
	return out
}

func patternTokens(pat string) []tok {
	var out []tok
	for i := 0; i < len(pat); i++ {
		switch {
		case pat[i] == '*':
			out = append(out, tok{kind: tokAny})
		case pat[i] == '?':
			out = append(out, tok{kind: tokOne})
		case strings.HasPrefix(pat[i:], "${"):
			if end := strings.IndexByte(pat[i:], '}'); end > 0 {
				out = append(out, tok{kind: tokAny})
				i += end
				continue
			}
			out = append(out, tok{kind: tokLit, c: pat[i]})
		default:
			out = append(out, tok{kind: tokLit, c: pat[i]})
		}
	}
	return out
}

// arnFits reports whether some ARN matches both the pattern (an ARN, or an IAM resource pattern)
// and the SAR template.
func arnFits(pattern, template string) bool {
	return intersects(patternTokens(pattern), templateTokens(template))
}

// intersects reports whether the languages of two token sequences share a string. Star-like
// tokens may produce nothing, so a segment both sides' stars would produce together can always be
// dropped: the search only ever lets a star absorb the other side's single-character tokens.
func intersects(a, b []tok) bool {
	n, m := len(a), len(b)
	memo := make([]int8, (n+1)*(m+1)) // 0 unknown, 1 true, 2 false
	var f func(i, j int) bool
	f = func(i, j int) bool {
		if i == n && j == m {
			return true
		}
		slot := i*(m+1) + j
		if memo[slot] != 0 {
			return memo[slot] == 1
		}
		ok := false
		switch {
		case i < n && a[i].star() && f(i+1, j):
			ok = true
		case j < m && b[j].star() && f(i, j+1):
			ok = true
		case i < n && j < m && a[i].star() && !b[j].star() && compatible(a[i], b[j]) && f(i, j+1):
			ok = true
		case i < n && j < m && b[j].star() && !a[i].star() && compatible(b[j], a[i]) && f(i+1, j):
			ok = true
		case i < n && j < m && !a[i].star() && !b[j].star() && compatible(a[i], b[j]) && f(i+1, j+1):
			ok = true
		}
		memo[slot] = 2
		if ok {
			memo[slot] = 1
		}
		return ok
	}
	return f(0, 0)
}

// compatible reports whether two tokens can produce the same single character; y is never
// star-like.
func compatible(x, y tok) bool {
	if y.kind == tokLit {
		return x.accepts(y.c)
	}
	if x.kind == tokLit {
		return y.accepts(x.c)
	}
	return true // "?" against "?" or a star: both can produce, say, "a"
}

// globMatch matches s against an IAM pattern with "*" and "?" (both already lower-cased).
func globMatch(pattern, s string) bool {
	return intersects(patternTokens(pattern), literalTokens(s))
}

func literalTokens(s string) []tok {
	out := make([]tok, len(s))
	for i := range len(s) {
		out[i] = tok{kind: tokLit, c: s[i]}
	}
	return out
}
