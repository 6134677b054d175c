package core

import (
	"slices"
	"sync"
	"time"
)

// Call is one AWS call as the emulator saw it, allowed or denied.
type Call struct {
	Time time.Time `json:"time"` // the emulator's clock (tests may move it)
	// Start and End are wall-clock times: when the request arrived and when its answer was
	// decided. Calls whose intervals overlap were in flight together (see Rounds).
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Service   string    `json:"service"`
	Operation string    `json:"operation"`
	Action    string    `json:"action"`
	Principal string    `json:"principal"`
	Resources []string  `json:"resources"`
	Decision  string    `json:"decision"` // "allow" | "deny"
	ErrorCode string    `json:"error_code,omitempty"`
	Region    string    `json:"region,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
}

type callLog struct {
	mu    sync.Mutex
	calls []Call
}

func (l *callLog) add(c Call) {
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
}

func (l *callLog) list() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append(make([]Call, 0, len(l.calls)), l.calls...)
}

func (l *callLog) reset() {
	l.mu.Lock()
	l.calls = nil
	l.mu.Unlock()
}

// Calls returns the call log so far, oldest first.
func (e *Emulator) Calls() []Call { return e.log.list() }

// record appends c's outcome to the call log.
func (e *Emulator) record(c *Req, apiErr *APIError) {
	call := Call{
		Time:      c.Now,
		Start:     c.start,
		End:       time.Now(),
		Region:    c.Region,
		RequestID: c.RequestID,
		Resources: c.resources,
		Decision:  "allow",
	}
	if c.Service != nil {
		call.Service = c.Service.Name
	}
	if c.Op != nil {
		call.Operation = c.Op.Name
		call.Action = c.Op.Action
	}
	if c.Action != "" {
		call.Action = c.Action
	}
	if c.Caller != nil {
		call.Principal = c.Caller.ARN
	}
	if c.denied {
		call.Decision = "deny"
	}
	if apiErr != nil {
		call.ErrorCode = apiErr.Code
	}
	e.log.add(call)
}

// Rounds groups calls into rounds of calls in flight together: sorted by start, a call opens a
// new round when it starts after every call of the current round has ended; otherwise it joins
// it. Calls made one after another are one round each; calls made concurrently share one.
func Rounds(calls []Call) [][]Call {
	sorted := slices.Clone(calls)
	slices.SortStableFunc(sorted, func(a, b Call) int { return a.Start.Compare(b.Start) })
	var rounds [][]Call
	var roundEnd time.Time
	for i, call := range sorted {
		if i == 0 || call.Start.After(roundEnd) {
			rounds = append(rounds, nil)
			roundEnd = call.End
		}
		rounds[len(rounds)-1] = append(rounds[len(rounds)-1], call)
		if call.End.After(roundEnd) {
			roundEnd = call.End
		}
	}
	return rounds
}
