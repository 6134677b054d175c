package lakesail

import (
	"slices"
)

// TagDiff is what turns an object's tags from current into desired: the keys to remove (sorted)
// and the tags to set (new or changed). Every service's retagging starts from it.
func TagDiff(current, desired map[string]string) (stale []string, changed map[string]string) {
	changed = map[string]string{}
	for k := range current {
		if _, keep := desired[k]; !keep {
			stale = append(stale, k)
		}
	}
	for k, v := range desired {
		if cur, ok := current[k]; !ok || cur != v {
			changed[k] = v
		}
	}
	slices.Sort(stale)
	return stale, changed
}
