package internal_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/lakehq/terraform-provider-lakesail/"

// layerRule forbids the Go files under dirs (directories under internal/, walked recursively)
// to import any package whose path starts with one of forbidden, except the _test.go files
// directly in one of testsMay.
type layerRule struct {
	dirs      []string
	forbidden []string
	testsMay  []string
	why       string
}

// layerRules are the same rules as depguard's in .golangci.yml, and README.md "Layout".
var layerRules = []layerRule{
	{
		dirs:      []string{"lakesail"},
		forbidden: []string{"github.com/hashicorp/terraform-plugin"},
		why:       "the library is reused outside Terraform",
	},
	{
		dirs:      []string{"provider"},
		forbidden: []string{"github.com/aws/aws-sdk-go-v2/service/"},
		why:       "the provider adapts; AWS calls live in internal/lakesail",
	},
	{
		dirs:      []string{"provider", "lakesail"},
		forbidden: []string{module + "internal/awsemu"},
		testsMay:  []string{"provider", "lakesail"},
		why:       "product code never depends on the emulator; only the provider's and the library's own tests start it",
	},
	{
		dirs:      []string{"awsemu"},
		forbidden: []string{module + "internal/lakesail", module + "internal/provider"},
		why:       "the emulator judges the product, so it imports nothing of it, tests included (tests that drive the library through the emulator live in internal/sarcheck or internal/envelope)",
	},
	{
		dirs:      []string{"iampolicy", "authref"},
		forbidden: []string{module},
		why:       "the evaluator and the SAR belong to neither the product nor the emulator, which both import them: they import nothing of the project",
	},
}

// TestUnitLayering keeps the layers apart (the same rules as depguard in .golangci.yml): the
// library imports no Terraform package, the provider no AWS service client; product code imports
// the emulator only in the tests that start it, the emulator nothing of the product, and the
// evaluator (internal/iampolicy) and the SAR (internal/authref) nothing of the project.
func TestUnitLayering(t *testing.T) {
	for _, rule := range layerRules {
		for _, dir := range rule.dirs {
			checked := 0
			err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
					return err
				}
				file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
				if err != nil {
					return err
				}
				checked++
				if strings.HasSuffix(path, "_test.go") && slices.Contains(rule.testsMay, filepath.ToSlash(filepath.Dir(path))) {
					return nil
				}
				for _, imp := range file.Imports {
					importPath, _ := strconv.Unquote(imp.Path.Value)
					for _, forbidden := range rule.forbidden {
						if strings.HasPrefix(importPath, forbidden) {
							t.Errorf("%s imports %s: %s", path, importPath, rule.why)
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if checked == 0 {
				t.Fatalf("no Go files found under internal/%s", dir)
			}
		}
	}
}
