package internal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
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
	flat      bool // only the files directly in dirs, not their subdirectories
	why       string
}

const sideBySide = "connection, network and workspace stand side by side over the library's core (internal/lakesail); what two of them share belongs in the core"

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
		testsMay:  []string{"provider", "lakesail", "lakesail/connection", "lakesail/network", "lakesail/workspace"},
		why:       "product code never depends on the emulator; only the provider's and the library's own tests start it",
	},
	{
		dirs:      []string{"awsemu"},
		forbidden: []string{module + "internal/lakesail", module + "internal/provider"},
		why:       "the emulator judges the product, so it imports nothing of it, tests included (tests that drive the library through the emulator live in internal/sarcheck or internal/envelope)",
	},
	{
		dirs:      []string{"lakesail/connection"},
		forbidden: []string{module + "internal/lakesail/network", module + "internal/lakesail/workspace"},
		why:       sideBySide,
	},
	{
		dirs:      []string{"lakesail/network"},
		forbidden: []string{module + "internal/lakesail/connection", module + "internal/lakesail/workspace"},
		testsMay:  []string{"lakesail/network"}, // its tests make the connection a network is built through
		why:       sideBySide,
	},
	{
		dirs:      []string{"lakesail/workspace"},
		forbidden: []string{module + "internal/lakesail/connection", module + "internal/lakesail/network"},
		testsMay:  []string{"lakesail/workspace"}, // its tests make the connection a workspace is built through
		why:       sideBySide,
	},
	{
		dirs:      []string{"lakesail"},
		flat:      true,
		forbidden: []string{module + "internal/lakesail/connection", module + "internal/lakesail/network", module + "internal/lakesail/workspace"},
		testsMay:  []string{"lakesail"},
		why:       "the library's core knows none of the packages built over it",
	},
	{
		dirs:      []string{"awsemu/core"},
		forbidden: []string{module + "internal/awsemu"},
		why:       "the emulator's core serves every service and knows none: services register with it",
	},
	{
		dirs:      emulatorServices,
		forbidden: emulatorServicePaths(),
		why:       "an emulated service owns its state and reaches another only through a small interface it declares, answered by that service's Impl (core.Peer)",
	},
	{
		dirs:      []string{"iampolicy", "authref"},
		forbidden: []string{module},
		why:       "the evaluator and the SAR belong to neither the product nor the emulator, which both import them: they import nothing of the project",
	},
}

// emulatorServices are the emulator's service packages (internal/awsemu/<service>).
var emulatorServices = []string{"awsemu/iam", "awsemu/sts", "awsemu/ec2", "awsemu/eks", "awsemu/eksauth", "awsemu/s3", "awsemu/kms",
	"awsemu/logs", "awsemu/ssm", "awsemu/acm", "awsemu/glue", "awsemu/elbv2", "awsemu/cloudwatch",
	"awsemu/outside"}

func emulatorServicePaths() []string {
	out := make([]string, 0, len(emulatorServices))
	for _, s := range emulatorServices {
		out = append(out, module+"internal/"+s)
	}
	return out
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
				if err != nil {
					return err
				}
				if d.IsDir() && rule.flat && path != dir {
					return filepath.SkipDir
				}
				if d.IsDir() || !strings.HasSuffix(path, ".go") {
					return nil
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

// sessionCalls are the library methods that act as, or read, a connection role by hand; the
// provider leaves them to the library's connection session (lakesail.Client.OpenConnectionSession).
var sessionCalls = []string{"AssumeRole", "ObserveConnectionRole", "ObserveConnectionRoleCached"}

// sessionCallsAllowed are the provider files that may still call one of sessionCalls, and why.
var sessionCallsAllowed = map[string]map[string]string{
	// The connection resource owns the role and reads it with the account's own credentials (to
	// import it, and to find a write-only external ID for drift); it never acts as the role.
	"provider/resource_connection.go": {
		"ObserveConnectionRole":       "the connection resource reads the role it manages",
		"ObserveConnectionRoleCached": "the connection resource reads the role it manages, once per refresh",
	},
}

// TestUnitProviderActsThroughTheLibrary keeps AWS work out of the provider: no non-test file
// assumes a connection role or reads its trust policy itself (the library's connection session
// does, with the propagation retry and refreshing credentials), and no package-level variable
// holds wait delays (tests pass short waits as library options, through the provider's
// configuration).
func TestUnitProviderActsThroughTheLibrary(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("provider", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files found under internal/provider: %v", err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !slices.Contains(sessionCalls, sel.Sel.Name) {
				return true
			}
			if _, allowed := sessionCallsAllowed[filepath.ToSlash(path)][sel.Sel.Name]; !allowed {
				t.Errorf("%s calls %s: the provider passes configuration to the library's connection session (OpenConnectionSession) instead",
					fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, spec := range gen.Specs {
				value := spec.(*ast.ValueSpec)
				typeText := ""
				if value.Type != nil {
					typeText = types.ExprString(value.Type)
				}
				for _, name := range value.Names {
					lower := strings.ToLower(name.Name)
					if strings.Contains(lower, "wait") || strings.Contains(lower, "delay") || strings.Contains(typeText, "time.Duration") {
						t.Errorf("%s: package-level variable %s holds wait delays: pass them as library options (lakesail.Options.WaitMinDelay/WaitMaxDelay) instead",
							fset.Position(name.Pos()), name.Name)
					}
				}
			}
		}
	}
	// The scan sees the calls it forbids (a rename of the methods would make it vacuous).
	src := `package p; func f() { c.AssumeRole(x); c.ObserveConnectionRole(ctx, n); c.ObserveConnectionRoleCached(ctx, a) }`
	file, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	ast.Inspect(file, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && slices.Contains(sessionCalls, sel.Sel.Name) {
				found++
			}
		}
		return true
	})
	if found != len(sessionCalls) {
		t.Errorf("the scan found %d of the %d forbidden calls in its own sample", found, len(sessionCalls))
	}
}
