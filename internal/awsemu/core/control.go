package core

import (
	"encoding/json"
	"net/http"
)

// serveControl serves the unsigned test-control endpoints:
//
//	GET    /_emu/calls   the call log (JSON list of Call)
//	POST   /_emu/reset   forget all state, faults and the call log
//	GET    /_emu/faults  the installed faults
//	POST   /_emu/faults  install a fault (JSON Fault)
//	DELETE /_emu/faults  remove all faults
//	GET    /_emu/health  liveness
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.Method + " " + r.URL.Path {
	case "GET /_emu/calls":
		writeJSON(w, http.StatusOK, e.Calls())
	case "POST /_emu/reset":
		e.Reset()
		w.WriteHeader(http.StatusNoContent)
	case "GET /_emu/faults":
		writeJSON(w, http.StatusOK, e.Faults())
	case "POST /_emu/faults":
		var f Fault
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if err := f.validate(); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		e.faults.add(f)
		writeJSON(w, http.StatusCreated, f)
	case "DELETE /_emu/faults":
		e.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	case "GET /_emu/health":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "account_id": e.opts.AccountID, "region": e.opts.Region})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such control endpoint: " + r.Method + " " + r.URL.Path})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
