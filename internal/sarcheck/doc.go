// Package sarcheck holds the test that judges the emulator's authorization against AWS's
// Service Authorization Reference (internal/authref) on the calls the product really makes: it
// drives the library's (internal/lakesail) connection, network and workspace lifecycles through
// the emulator (internal/awsemu), records every authorization question the emulator computes
// with its OnAuthorize hook, and checks each action, resource and condition key against the SAR.
//
// It lives outside both: the emulator's own tests import nothing of the library, and the
// library's tests do not judge the emulator.
//
// The package has only tests.
package sarcheck
