package iampolicy

import "unicode"

// Size is the length IAM counts against its policy size quotas: the number of characters
// (Unicode code points, not bytes) other than white space. IAM documents that white space does
// not count; counting characters rather than bytes is our reading of "characters".
func Size(text string) int {
	n := 0
	for _, r := range text {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
