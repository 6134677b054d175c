package core

import (
	"encoding/json"
	"net/http"
	"strings"
)

// JSONProtocol is AWS JSON 1.1 (KMS, CloudWatch Logs, SSM, ACM, Glue): POST / with
// X-Amz-Target: <Service.Target>.<Operation> and a JSON body; results are JSON objects, errors
// {"__type": code, "message": ...} with the code also in X-Amzn-ErrorType.
type JSONProtocol struct{}

func (JSONProtocol) Route(s *Service, r *http.Request, body []byte) (*Operation, Input, *APIError) {
	target := r.Header.Get("X-Amz-Target")
	prefix, name, ok := strings.Cut(target, ".")
	if !ok || prefix != s.Target {
		return nil, Input{}, ServiceError(s.Name, ErrUnknownOperation, "Unknown target: "+target)
	}
	op := s.ops[name]
	if op == nil {
		return nil, Input{}, ServiceError(s.Name, ErrUnknownOperation, "Unknown operation "+name)
	}
	return op, Input{Params: r.URL.Query()}, nil
}

func (JSONProtocol) WriteResult(w http.ResponseWriter, c *Req, out any) {
	body := []byte("{}")
	if out != nil {
		b, err := json.Marshal(out)
		if err != nil {
			JSONProtocol{}.WriteError(w, c, ServiceError(c.Service.Name, ErrInternal, err.Error()))
			return
		}
		body = b
	}
	writeBody(w, c, "application/x-amz-json-1.1", http.StatusOK, body)
}

func (JSONProtocol) WriteError(w http.ResponseWriter, c *Req, e *APIError) {
	body, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	writeBody(w, c, "application/x-amz-json-1.1", e.Status, body)
}
