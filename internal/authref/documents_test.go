package authref

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// documentsDir holds the IAM documents the project renders (the connpolicy golden files).
const documentsDir = "../lakesail/connpolicy/testdata"

// TestUnitAuthrefDocumentsFitSAR checks every IAM document the project renders against the SAR:
// every action it names is known (a wildcard expands to at least one action), and in each Allow
// or Deny statement with a Resource element
//   - every named action is matched by at least one of the statement's resources: "*", or a
//     pattern some ARN of one of the action's resource types matches (an action without resource
//     types is matched by "*" only, so scoping it to an ARN makes the statement dead for it), and
//   - every resource pattern fits at least one of the statement's actions.
//
// CloudFormation placeholders (${AWS::AccountId}, ...) and policy variables match anything.
func TestUnitAuthrefDocumentsFitSAR(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(documentsDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rendered documents under %s (%v)", documentsDir, err)
	}
	var problems []string
	statements := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		forEachStatement(v, filepath.Base(file), func(where string, st map[string]any) {
			statements++
			problems = append(problems, checkStatement(where, st)...)
		})
	}
	if statements == 0 {
		t.Fatal("no statements found")
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// forEachStatement finds every policy document ("Statement" list) in v, however deeply nested
// (CloudFormation resources nest them in Properties).
func forEachStatement(v any, where string, fn func(string, map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		if list, ok := x["Statement"].([]any); ok {
			for i, s := range list {
				if st, ok := s.(map[string]any); ok {
					name := fmt.Sprintf("%s statement %d", where, i)
					if sid, ok := st["Sid"].(string); ok {
						name = where + " " + sid
					}
					fn(name, st)
				}
			}
			return
		}
		keys := make([]string, 0, len(x))
		for key := range x {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			next := where
			if strings.HasSuffix(where, ".json") || !strings.Contains(where, "/") {
				next = where + "/" + key
			}
			forEachStatement(x[key], next, fn)
		}
	case []any:
		for _, e := range x {
			forEachStatement(e, where, fn)
		}
	}
}

// stringsOf returns the plain strings of a policy element (a string or a list); a
// CloudFormation {"Fn::Sub": "..."} contributes its template string, other intrinsics nothing.
func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, stringsOf(e)...)
		}
		return out
	case map[string]any:
		if s, ok := x["Fn::Sub"].(string); ok {
			return []string{s}
		}
	}
	return nil
}

func checkStatement(where string, st map[string]any) []string {
	var problems []string
	actionKey := "Action"
	if _, ok := st["NotAction"]; ok {
		actionKey = "NotAction"
	}
	var named, wild []string
	for _, action := range stringsOf(st[actionKey]) {
		if strings.Contains(action, "${") {
			continue // a CloudFormation placeholder, not an action
		}
		if strings.ContainsAny(action, "*?") {
			if len(Expand(action)) == 0 {
				problems = append(problems, fmt.Sprintf("%s: %s %q matches no known action", where, actionKey, action))
			}
			wild = append(wild, action)
			continue
		}
		if _, ok := Lookup(action); !ok {
			problems = append(problems, fmt.Sprintf("%s: %s %q is not an action of the SAR", where, actionKey, action))
			continue
		}
		named = append(named, action)
	}
	resources, scoped := st["Resource"]
	if actionKey != "Action" || !scoped {
		return problems // NotAction/NotResource statements and trust policies: names only
	}
	patterns := stringsOf(resources)
	if len(patterns) == 0 {
		return problems
	}
	for _, action := range named {
		act, _ := Lookup(action)
		if !actionMatched(action, patterns) {
			if act.Unscoped() {
				problems = append(problems, fmt.Sprintf("%s: %s has no resource type in the SAR (only \"*\"), but the statement scopes it to %v",
					where, action, patterns))
			} else {
				problems = append(problems, fmt.Sprintf("%s: %s: none of %v is an ARN of its resource types %v",
					where, action, patterns, templatesOf(act)))
			}
		}
	}
	for _, pattern := range patterns {
		if pattern == "*" {
			continue
		}
		fits := false
		for _, action := range named {
			if _, ok := ResourceTypeOf(action, pattern); ok {
				fits = true
				break
			}
		}
		for _, w := range wild {
			for _, action := range Expand(w) {
				if _, ok := ResourceTypeOf(action, pattern); ok {
					fits = true
					break
				}
			}
		}
		if !fits && len(named)+len(wild) > 0 {
			problems = append(problems, fmt.Sprintf("%s: resource %q is an ARN of none of the statement's actions' resource types",
				where, pattern))
		}
	}
	return problems
}

func actionMatched(action string, patterns []string) bool {
	for _, p := range patterns {
		if p == "*" {
			return true
		}
		if _, ok := ResourceTypeOf(action, p); ok {
			return true
		}
	}
	return false
}

func templatesOf(act Action) []string {
	s, _ := ServiceOf(act.Prefix())
	var out []string
	for _, ref := range act.Resources {
		out = append(out, s.ResourceTypes[ref.Type].ARN)
	}
	return out
}
