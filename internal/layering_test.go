package internal_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestUnitLayering keeps the layers apart (the same rule as depguard in .golangci.yml): the
// library imports no Terraform package, the provider imports no AWS service client.
func TestUnitLayering(t *testing.T) {
	rules := []struct {
		dir       string
		forbidden string
		why       string
	}{
		{"lakesail", "github.com/hashicorp/terraform-plugin", "the library is reused outside Terraform"},
		{"provider", "github.com/aws/aws-sdk-go-v2/service/", "the provider adapts; AWS calls live in internal/lakesail"},
	}
	for _, rule := range rules {
		checked := 0
		err := filepath.WalkDir(rule.dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			checked++
			for _, imp := range file.Imports {
				importPath, _ := strconv.Unquote(imp.Path.Value)
				if strings.HasPrefix(importPath, rule.forbidden) {
					t.Errorf("%s imports %s: %s", path, importPath, rule.why)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if checked == 0 {
			t.Fatalf("no Go files found under internal/%s", rule.dir)
		}
	}
}
