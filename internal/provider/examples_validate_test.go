package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestAccExamplesValidate runs `terraform get` and `terraform validate` in every
// directory under examples/ that holds .tf files, each on its own: the snippets rendered into the
// registry docs, the complete example, the demo and the modules (which are also validated through
// the examples that call them). Terraform uses the provider built from this tree through
// dev_overrides, as scripts/demo.sh does, so nothing is downloaded; an example that needs a
// provider other than lakehq/lakesail (or forgets required_providers, which makes Terraform look
// for hashicorp/lakesail) fails to validate. Each directory is validated in a copy of examples/, so no
// .terraform directory or lock file is left in the repository.
func TestAccExamplesValidate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1 (make test or make testacc set it)")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Skip("terraform CLI not found on PATH (or TF_ACC_TERRAFORM_PATH): install Terraform >= 1.11 to validate the examples")
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not found on PATH: it is needed to build the provider the examples are validated with")
	}

	root := moduleRoot(t)
	examples := filepath.Join(root, "examples")
	dirs := exampleDirs(t, examples)
	if len(dirs) == 0 {
		t.Fatalf("no directory under %s holds .tf files", examples)
	}

	// Build the provider once, under the name Terraform looks for in a dev_overrides directory.
	bin := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, goTool, "build", "-o", filepath.Join(bin, "terraform-provider-lakesail"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}

	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/lakehq/lakesail" = %q
  }
  direct {}
}
`, filepath.ToSlash(bin))
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := terraformEnv(cliConfig)

	// The subtests run in parallel after this function returns (as many at once as -parallel
	// allows, GOMAXPROCS by default); the temporary directories above are removed after them.
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			if err := os.CopyFS(work, os.DirFS(examples)); err != nil {
				t.Fatalf("copying examples/: %v", err)
			}
			chdir := filepath.Join(work, filepath.FromSlash(dir))
			// `terraform get` installs the modules an example calls by relative path (which is why
			// the whole examples/ tree is copied). Not `terraform init`: with dev_overrides it still
			// asks the registry for lakehq/lakesail and fails when the registry cannot be reached
			// (scripts/demo.sh uses get for the same reason). Validate needs neither a lock file nor
			// an installed lakehq/lakesail; any other provider (hashicorp/lakesail when
			// required_providers is missing, hashicorp/aws) is reported as not installed.
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
			defer cancel()
			get := exec.CommandContext(ctx, terraform, "-chdir="+chdir, "get", "-no-color")
			get.Env = env
			if out, err := get.CombinedOutput(); err != nil {
				t.Fatalf("examples/%s: terraform get: %v\n%s", dir, err, out)
			}
			validateExample(ctx, t, terraform, env, chdir, dir)
		})
	}
}

// devOverridesWarning is the summary of the warning every command gives with dev_overrides.
const devOverridesWarning = "Provider development overrides are in effect"

// validateExample runs `terraform validate -json` and fails on every error and on every warning
// but devOverridesWarning (an example must not use a deprecated argument, for instance).
func validateExample(ctx context.Context, t *testing.T, terraform string, env []string, chdir, dir string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, terraform, "-chdir="+chdir, "validate", "-json", "-no-color")
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var result struct {
		Valid       bool `json:"valid"`
		Diagnostics []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Detail   string `json:"detail"`
			Range    *struct {
				Filename string `json:"filename"`
				Start    struct {
					Line int `json:"line"`
				} `json:"start"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &result); err != nil {
		t.Fatalf("examples/%s: terraform validate: %v (exit: %v)\n%s%s", dir, err, runErr, stdout.String(), stderr.String())
	}
	var problems []string
	for _, d := range result.Diagnostics {
		if d.Severity == "warning" && d.Summary == devOverridesWarning {
			continue
		}
		where := ""
		if d.Range != nil {
			where = fmt.Sprintf(" (%s:%d)", d.Range.Filename, d.Range.Start.Line)
		}
		problems = append(problems, fmt.Sprintf("%s: %s%s: %s", d.Severity, d.Summary, where, d.Detail))
	}
	if !result.Valid || runErr != nil || len(problems) > 0 {
		t.Fatalf("examples/%s: terraform validate (valid=%t, exit: %v):\n%s%s", dir, result.Valid, runErr,
			strings.Join(problems, "\n"), stderr.String())
	}
}

// moduleRoot is the directory of go.mod above the test's working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// exampleDirs lists, relative to examples and with forward slashes, every directory holding .tf
// files, skipping hidden directories (.terraform left by running terraform in place).
func exampleDirs(t *testing.T, examples string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(examples, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != examples && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if filepath.Ext(path) == ".tf" {
			rel, err := filepath.Rel(examples, filepath.Dir(path))
			if err != nil {
				return err
			}
			seen[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("walking %s: %v", examples, err)
	}
	dirs := make([]string, 0, len(seen))
	for dir := range seen {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	return dirs
}

// terraformEnv is the environment with the private CLI configuration and nothing that would make
// terraform share or redirect state between the parallel runs.
func terraformEnv(cliConfig string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "TF_CLI_CONFIG_FILE", name == "TF_DATA_DIR", name == "TF_WORKSPACE",
			name == "TF_PLUGIN_CACHE_DIR", strings.HasPrefix(name, "TF_CLI_ARGS"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
}
