package core

// Tags: one representation (Tag), and the helpers every service uses to read, write and
// authorize them (request and resource tag context keys, tag-on-create, untag).

// RequestTagContext yields aws:RequestTag/<key> and aws:TagKeys for tags a request sets.
func RequestTagContext(tags []Tag) map[string][]string {
	if len(tags) == 0 {
		return nil
	}
	m := map[string][]string{}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		m["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	m["aws:TagKeys"] = keys
	return m
}

// ResourceTagContext yields aws:ResourceTag/<key> (and the service's own alias, e.g.
// iam:ResourceTag/<key>) for a resource's current tags.
func ResourceTagContext(tags []Tag, aliases ...string) map[string][]string {
	if len(tags) == 0 {
		return nil
	}
	m := map[string][]string{}
	for _, t := range tags {
		m["aws:ResourceTag/"+t.Key] = []string{t.Value}
		for _, a := range aliases {
			m[a+":ResourceTag/"+t.Key] = []string{t.Value}
		}
	}
	return m
}

type Tag struct{ Key, Value string }

// tagMap turns tags into a map for context keys.
func tagMap(tags []Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// TagsOfMap turns a JSON tag map into tags in key order.
func TagsOfMap(m map[string]string) []Tag {
	out := make([]Tag, 0, len(m))
	for _, k := range SortedKeys(m) {
		out = append(out, Tag{Key: k, Value: m[k]})
	}
	return out
}

// jsonTagsOf is tags as a JSON tag map (nil when there are none, so omitempty drops it).
func JSONTags(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	return tagMap(tags)
}

// PutTags applies tags over existing ones with case-sensitive keys (EKS, Logs, SSM, ACM, Glue).
func PutTags(existing, add []Tag) []Tag {
	out := append([]Tag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// CutTags removes the given keys (case-sensitive).
func CutTags(existing []Tag, keys []string) []Tag {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	var out []Tag
	for _, t := range existing {
		if !drop[t.Key] {
			out = append(out, t)
		}
	}
	return out
}

// UntagContext is aws:TagKeys for an untag request.
func UntagContext(keys []string) map[string][]string {
	if len(keys) == 0 {
		return nil
	}
	return map[string][]string{"aws:TagKeys": keys}
}

func TagList(tags []Tag) []map[string]string {
	out := make([]map[string]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, map[string]string{"Key": t.Key, "Value": t.Value})
	}
	return out
}
