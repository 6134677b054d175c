package core

import "slices"

// AuthQuestion is what the emulator computed to authorize one call, before any policy was
// consulted: the operation and every authorization check it needs. Checks[0] is the operation's
// own Action on its Resources, with its Context; the operation's Also checks follow. A check with
// no Resources is decided on "*". For an operation that skips the policy evaluation (AlwaysAllowed,
// SelfAuthorized, or no Action), Checks holds only Checks[0], without Context. The question is
// reported whoever the caller is (root and anonymous calls too) and whatever the decision.
type AuthQuestion struct {
	Service   string  // "ec2"
	Operation string  // "CreateVpc"
	Checks    []Check // read-only: the slices are the emulator's
}

// OnAuthorize registers f to be called with the AuthQuestion of every call the emulator
// authorizes from now on (nil unregisters), so tests can judge the questions themselves, e.g.
// against AWS's Service Authorization Reference (internal/authref). f runs under the
// emulator's state lock, so it must be quick, must not call the emulator and must not block; it
// may be called from several requests' goroutines, one at a time.
func (e *Emulator) OnAuthorize(f func(AuthQuestion)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onAuthorize = f
}

// Operations names every operation the emulator serves, as "service.Operation"
// ("ec2.CreateVpc"), sorted.
func (e *Emulator) Operations() []string {
	var out []string
	for _, s := range e.services {
		for _, op := range s.order {
			out = append(out, s.Name+"."+op.Name)
		}
	}
	slices.Sort(out)
	return out
}

// reportAuthorization hands the call's authorization checks to the OnAuthorize hook, if any.
// Called with e.mu held.
func (e *Emulator) reportAuthorization(c *Req, checks *[]Check) {
	if e.onAuthorize == nil {
		return
	}
	e.onAuthorize(AuthQuestion{Service: c.Service.Name, Operation: c.Op.Name, Checks: slices.Clone(*checks)})
}

// ReportChecks hands further authorization checks an operation's handler makes itself (checks
// AWS evaluates only once the request is under way, such as the RunInstances of each launch of
// an EC2 fleet) to the OnAuthorize hook, as one more AuthQuestion of the same operation.
func (c *Req) ReportChecks(checks []Check) {
	if len(checks) > 0 {
		c.e.reportAuthorization(c, &checks)
	}
}
