package core

func OneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func Unique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// eksBool renders a boolean condition key value.
func BoolValues(b bool) []string {
	if b {
		return []string{"true"}
	}
	return []string{"false"}
}

// MaxTags is how many tags a resource can carry (IAM, EKS, Logs, SSM, ACM, Glue: 50).
const MaxTags = 50
