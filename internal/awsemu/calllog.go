package awsemu

import (
	"sync"
	"time"
)

// Call is one AWS call as the emulator saw it, allowed or denied.
type Call struct {
	Time      time.Time `json:"time"`
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
	if c.action != "" {
		call.Action = c.action
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
