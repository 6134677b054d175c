package awsemu_test

import (
	"strings"
	"testing"

	"github.com/lakehq/terraform-provider-lakesail/internal/authref"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// TestEmuOperationsNameSARActions checks that every operation the emulator registers is
// authorized on an action of the Service Authorization Reference (internal/authref). That the
// resources and condition keys each call is authorized on fit the SAR too is checked in
// internal/sarcheck, which drives the library's lifecycles through the emulator (the emulator's
// own tests import nothing of the library).
func TestEmuOperationsNameSARActions(t *testing.T) {
	ops := 0
	for _, s := range awsemu.Services() {
		for _, op := range s.Operations() {
			ops++
			if op.Action == "" {
				if !op.AlwaysAllowed {
					t.Errorf("%s.%s: no IAM action", s.Name, op.Name)
				}
				continue
			}
			if _, ok := authref.Lookup(op.Action); !ok {
				t.Errorf("%s.%s: action %s is not in the SAR", s.Name, op.Name, op.Action)
			}
			if prefix, _, _ := strings.Cut(op.Action, ":"); prefix != s.Name {
				t.Logf("%s.%s is authorized as %s", s.Name, op.Name, op.Action)
			}
		}
	}
	if ops < 100 {
		t.Fatalf("only %d operations registered", ops)
	}
}
