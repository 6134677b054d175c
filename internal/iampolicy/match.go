package iampolicy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// pattern is a policy value in which '*' matches any run of characters and '?' any single
// character. When escaped is set, a backslash makes the next character literal; policy-variable
// substitution produces such patterns so that substituted text never acts as a wildcard.
type pattern struct {
	text    string
	escaped bool
}

func rawPattern(text string) pattern { return pattern{text: text} }

// next returns the token at byte offset i, its width and whether it is a wildcard.
func (p pattern) next(i int) (r rune, width int, wildcard bool) {
	if p.escaped && p.text[i] == '\\' && i+1 < len(p.text) {
		r, w := utf8.DecodeRuneInString(p.text[i+1:])
		return r, w + 1, false
	}
	r, width = utf8.DecodeRuneInString(p.text[i:])
	return r, width, r == '*' || r == '?'
}

// match reports whether s matches the whole pattern. It backtracks only to the most recent '*',
// so it takes at worst O(len(pattern)·len(s)) steps, never exponential time.
func (p pattern) match(s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p.text) {
			r, w, wild := p.next(pi)
			sr, sw := utf8.DecodeRuneInString(s[si:])
			switch {
			case wild && r == '*':
				starP, starS = pi+w, si
				pi += w
				continue
			case wild || sameRune(r, sr, fold):
				pi, si = pi+w, si+sw
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, sw := utf8.DecodeRuneInString(s[starS:])
		starS += sw
		pi, si = starP, starS
	}
	for pi < len(p.text) {
		r, w, wild := p.next(pi)
		if !wild || r != '*' {
			return false
		}
		pi += w
	}
	return true
}

func sameRune(a, b rune, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return 'A' <= a && a <= 'Z' && a+'a'-'A' == b || 'A' <= b && b <= 'Z' && b+'a'-'A' == a
	}
	return unicode.ToLower(a) == unicode.ToLower(b) || unicode.ToUpper(a) == unicode.ToUpper(b)
}

// matchAction compares actions case-insensitively, as IAM does.
func matchAction(policy, action string) bool {
	return policy == "*" || rawPattern(policy).match(action, true)
}

// arnLike compares the six colon-separated ARN segments separately, so wildcards cannot span a
// colon (ArnLike/ArnEquals semantics). The last segment keeps any further colons.
func arnLike(arn string, p pattern) bool {
	text := p.text
	for range 5 {
		var pseg, aseg string
		var pok, aok bool
		pseg, text, pok = strings.Cut(text, ":")
		aseg, arn, aok = strings.Cut(arn, ":")
		if !pok || !aok || !(pattern{pseg, p.escaped}).match(aseg, false) {
			return false
		}
	}
	return pattern{text, p.escaped}.match(arn, false)
}
