package core

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// Fault makes matching calls fail, throttle or slow down. A call matches when Service and
// Operation match ("" matches any). Which matching calls it hits: the Nth only, or a
// deterministic Fraction (1/3 hits the 3rd, 6th, ...), otherwise every one (Every); Times caps
// the hits (0 = unlimited). Faults apply to authenticated, authorized calls, before the handler.
type Fault struct {
	Service    string        `json:"service,omitempty"`
	Operation  string        `json:"operation,omitempty"`
	ErrorCode  string        `json:"error_code,omitempty"`
	HTTPStatus int           `json:"http_status,omitempty"` // default 400 (5xx for known server-side codes)
	Message    string        `json:"message,omitempty"`
	Throttle   bool          `json:"throttle,omitempty"` // the service's own throttling error, which SDKs retry
	Latency    time.Duration `json:"latency,omitempty"`  // JSON: a Go duration string ("250ms")
	Nth        int           `json:"nth,omitempty"`
	Every      bool          `json:"every,omitempty"`
	Fraction   float64       `json:"fraction,omitempty"`
	Times      int           `json:"times,omitempty"`
}

type faultJSON struct {
	Service    string  `json:"service,omitempty"`
	Operation  string  `json:"operation,omitempty"`
	ErrorCode  string  `json:"error_code,omitempty"`
	HTTPStatus int     `json:"http_status,omitempty"`
	Message    string  `json:"message,omitempty"`
	Throttle   bool    `json:"throttle,omitempty"`
	Latency    string  `json:"latency,omitempty"`
	Nth        int     `json:"nth,omitempty"`
	Every      bool    `json:"every,omitempty"`
	Fraction   float64 `json:"fraction,omitempty"`
	Times      int     `json:"times,omitempty"`
}

// MarshalJSON writes Latency as a Go duration string.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{f.Service, f.Operation, f.ErrorCode, f.HTTPStatus, f.Message, f.Throttle, "", f.Nth, f.Every, f.Fraction, f.Times}
	if f.Latency != 0 {
		j.Latency = f.Latency.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads Latency as a Go duration string.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	*f = Fault{Service: j.Service, Operation: j.Operation, ErrorCode: j.ErrorCode, HTTPStatus: j.HTTPStatus, Message: j.Message,
		Throttle: j.Throttle, Nth: j.Nth, Every: j.Every, Fraction: j.Fraction, Times: j.Times}
	if j.Latency != "" {
		d, err := time.ParseDuration(j.Latency)
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		f.Latency = d
	}
	return nil
}

// validate rejects faults that would never do anything or could not be rendered.
func (f Fault) validate() error {
	switch {
	case f.ErrorCode == "" && !f.Throttle && f.Latency <= 0:
		return fmt.Errorf("fault needs error_code, throttle or latency")
	case f.Nth < 0 || f.Times < 0 || f.Latency < 0:
		return fmt.Errorf("nth, times and latency must not be negative")
	case f.Fraction < 0 || f.Fraction > 1:
		return fmt.Errorf("fraction must be within [0, 1]")
	case f.HTTPStatus != 0 && (f.HTTPStatus < 400 || f.HTTPStatus > 599):
		return fmt.Errorf("http_status must be 4xx or 5xx")
	}
	return nil
}

type activeFault struct {
	Fault
	seen, hits int
}

type faultSet struct {
	mu     sync.Mutex
	faults []*activeFault
}

// AddFault installs a fault; it panics on a fault that validate rejects (a test bug).
func (e *Emulator) AddFault(f Fault) {
	if err := f.validate(); err != nil {
		panic("awsemu: " + err.Error())
	}
	e.faults.add(f)
}

// ClearFaults removes all faults.
func (e *Emulator) ClearFaults() { e.faults.clear() }

// Faults lists the installed faults.
func (e *Emulator) Faults() []Fault { return e.faults.list() }

func (s *faultSet) add(f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, &activeFault{Fault: f})
	s.mu.Unlock()
}

func (s *faultSet) clear() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

func (s *faultSet) list() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = f.Fault
	}
	return out
}

// hit counts the call against every matching fault and returns the first one that fires.
func (s *faultSet) hit(service, operation string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var fired *Fault
	for _, f := range s.faults {
		if (f.Service != "" && !strings.EqualFold(f.Service, service)) ||
			(f.Operation != "" && !strings.EqualFold(f.Operation, operation)) {
			continue
		}
		if f.Times > 0 && f.hits >= f.Times {
			continue
		}
		f.seen++
		fires := true
		switch {
		case f.Nth > 0:
			fires = f.seen == f.Nth
		case f.Fraction > 0:
			fires = math.Floor(float64(f.seen)*f.Fraction+1e-9) > math.Floor(float64(f.seen-1)*f.Fraction+1e-9)
		}
		if fires && fired == nil {
			f.hits++
			ff := f.Fault
			fired = &ff
		}
	}
	return fired
}

// serverErrorStatus gives the usual status of server-side error codes when a fault sets none.
var serverErrorStatus = map[string]int{
	"ServiceFailure": 500, "InternalFailure": 500, "InternalError": 500, "ServerException": 500,
	"ServiceUnavailable": 503, "ServiceUnavailableException": 503, "Unavailable": 503,
}

// apply sleeps for the fault's latency and returns its error, if it has one.
func (f *Fault) apply(service string) *APIError {
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	if f.Throttle {
		err := ServiceError(service, errThrottling, f.Message)
		if f.HTTPStatus != 0 {
			err.Status = f.HTTPStatus
		}
		return err
	}
	if f.ErrorCode == "" {
		return nil
	}
	status := f.HTTPStatus
	if status == 0 {
		status = 400
		if st, ok := serverErrorStatus[f.ErrorCode]; ok {
			status = st
		}
	}
	msg := f.Message
	if msg == "" {
		msg = statusText(f.ErrorCode, status)
	}
	return &APIError{Code: f.ErrorCode, Status: status, Message: msg}
}
