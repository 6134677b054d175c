package core

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RestJSONProtocol is AWS REST-JSON (EKS): the operation is the one whose Operation.HTTP template
// ("POST /clusters/{name}/node-groups") matches the request's method and path. Path labels fill
// Input.Labels (URL-decoded, so ARNs with slashes survive), the query string Input.Params, and
// handlers read the JSON body with Req.DecodeJSON. Results are JSON objects; errors are
// {"message": ...} with the code in X-Amzn-ErrorType, which is what the SDK reads first.
type RestJSONProtocol struct{}

func (RestJSONProtocol) Route(s *Service, r *http.Request, body []byte) (*Operation, Input, *APIError) {
	segs := splitPath(r.URL.EscapedPath())
	var best *Operation
	var bestLabels map[string]string
	bestScore := -1
	for _, op := range s.order {
		method, tmpl, ok := strings.Cut(op.HTTP, " ")
		if !ok || method != r.Method {
			continue
		}
		labels, score, ok := matchRoute(splitPath(tmpl), segs)
		if ok && score > bestScore {
			best, bestLabels, bestScore = op, labels, score
		}
	}
	if best == nil {
		return nil, Input{}, ServiceError(s.Name, ErrUnknownOperation, "No operation matches "+r.Method+" "+r.URL.Path)
	}
	return best, Input{Params: r.URL.Query(), Labels: bestLabels}, nil
}

// splitPath splits an escaped path into its segments, without empty ones.
func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// matchRoute matches escaped path segments against a template's; score counts literal segments so
// the most specific template wins. A "{name+}" label takes the rest of the path.
func matchRoute(tmpl, segs []string) (map[string]string, int, bool) {
	labels := map[string]string{}
	score := 0
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			name := t[1 : len(t)-1]
			if greedy, ok := strings.CutSuffix(name, "+"); ok {
				if i >= len(segs) {
					return nil, 0, false
				}
				parts := make([]string, 0, len(segs)-i)
				for _, s := range segs[i:] {
					v, err := url.PathUnescape(s)
					if err != nil {
						return nil, 0, false
					}
					parts = append(parts, v)
				}
				labels[greedy] = strings.Join(parts, "/")
				return labels, score, true
			}
			if i >= len(segs) {
				return nil, 0, false
			}
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, 0, false
			}
			labels[name] = v
			continue
		}
		if i >= len(segs) || segs[i] != t {
			return nil, 0, false
		}
		score++
	}
	if len(tmpl) != len(segs) {
		return nil, 0, false
	}
	return labels, score, true
}

func (RestJSONProtocol) WriteResult(w http.ResponseWriter, c *Req, out any) {
	body := []byte("{}")
	if out != nil {
		b, err := json.Marshal(out)
		if err != nil {
			RestJSONProtocol{}.WriteError(w, c, ServiceError(c.Service.Name, ErrInternal, err.Error()))
			return
		}
		body = b
	}
	writeBody(w, c, "application/json", http.StatusOK, body)
}

func (RestJSONProtocol) WriteError(w http.ResponseWriter, c *Req, e *APIError) {
	body, _ := json.Marshal(map[string]string{"message": e.Message})
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	writeBody(w, c, "application/json", e.Status, body)
}

// Values on the wire shared by the JSON services (REST-JSON and JSON 1.1).

// WireTime renders a timestamp as JSON protocols do by default: epoch seconds, with
// milliseconds as a fraction.
type WireTime time.Time

func (t WireTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

// PageByToken cuts items (already in listing order) at an opaque next token (an encoded offset)
// and a page size; ok is false for a token the service never issued.
func PageByToken[T any](items []T, token string, size int) (out []T, next string, ok bool) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		n, convErr := strconv.Atoi(strings.TrimPrefix(string(raw), "o:"))
		if err != nil || convErr != nil || !strings.HasPrefix(string(raw), "o:") || n < 0 || n > len(items) {
			return nil, "", false
		}
		start = n
	}
	end := start + size
	if size <= 0 || end >= len(items) {
		return items[start:], "", true
	}
	return items[start:end], base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(end))), true
}

// RandomUUID is a random UUID, the shape of the ids AWS puts at the end of many ARNs.
func RandomUUID() string { return newRequestID() }

// JSONBody decodes the request's JSON body into a T for Resources, Context and Also functions;
// a malformed body yields the zero T (the handler reports the error).
func JSONBody[T any](c *Req) T {
	var v T
	if len(c.Body) > 0 {
		_ = json.Unmarshal(c.Body, &v)
	}
	return v
}
