package core

// ctx merges context functions into one.
func Contexts(fns ...func(*Req) map[string][]string) func(*Req) map[string][]string {
	return func(c *Req) map[string][]string {
		ms := make([]map[string][]string, len(fns))
		for i, f := range fns {
			ms[i] = f(c)
		}
		return MergeContext(ms...)
	}
}
