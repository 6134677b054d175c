package core

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// CBORProtocol is Smithy RPC v2 CBOR (CloudWatch): POST /service/<Service.Target>/operation/<Op>
// with the header Smithy-Protocol: rpc-v2-cbor and, when there is input, Content-Type:
// application/cbor and a CBOR map of the input's members. Handlers read the body with
// Req.DecodeCBOR (Resources and Context with CBORBody). Results are CBOR maps built from the
// handler's value: exported fields named by their json tags (omitempty honoured), time.Time as
// epoch seconds under tag 1, []byte as byte strings. Errors are a map {"__type", "message"}
// with the status of the APIError.
//
// A service that is awsQueryCompatible (CloudWatch) models its errors as shapes whose wire code
// is the one its awsquery API used: ErrorShapes maps that code (APIError.Code) to the shape's
// ID for "__type", and the code goes in X-Amzn-Query-Error as "<code>;Sender" (or ";Receiver"
// for 5xx), which is the code the SDK reports. Codes ErrorShapes does not list (the
// emulator-raised AccessDenied, Throttling, ...) are sent as they are.
type CBORProtocol struct {
	QueryCompatible bool
	ErrorShapes     map[string]string
}

const (
	cborContentType  = "application/cbor"
	cborProtocolName = "rpc-v2-cbor"
)

func (CBORProtocol) Route(s *Service, r *http.Request, body []byte) (*Operation, Input, *APIError) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/service/")
	shape, name, found := strings.Cut(rest, "/operation/")
	if !ok || !found || shape != s.Target || name == "" || strings.Contains(name, "/") {
		return nil, Input{}, ServiceError(s.Name, ErrUnknownOperation, "No operation matches "+r.Method+" "+r.URL.Path)
	}
	op := s.ops[name]
	if op == nil {
		return nil, Input{}, ServiceError(s.Name, ErrUnknownOperation, "Unknown operation "+name)
	}
	if r.Method != http.MethodPost {
		return nil, Input{}, NewError("UnsupportedOperation", http.StatusMethodNotAllowed, "RPC v2 operations are called with POST, not %s", r.Method)
	}
	if p := r.Header.Get("Smithy-Protocol"); p != cborProtocolName {
		return nil, Input{}, NewError("SerializationException", http.StatusBadRequest, "Smithy-Protocol header must be %q, got %q", cborProtocolName, p)
	}
	if len(body) > 0 {
		if ct := r.Header.Get("Content-Type"); ct != cborContentType {
			return nil, Input{}, NewError("SerializationException", http.StatusUnsupportedMediaType, "Content-Type must be %q, got %q", cborContentType, ct)
		}
		payload, err := cborPayload(r.Header, body)
		if err == nil {
			_, err = cbor.Decode(payload)
		}
		if err != nil {
			return nil, Input{}, NewError("SerializationException", http.StatusBadRequest, "malformed CBOR body: %s", err)
		}
	}
	return op, Input{Params: r.URL.Query()}, nil
}

func (p CBORProtocol) WriteResult(w http.ResponseWriter, c *Req, out any) {
	var v cbor.Value = cbor.Map{}
	if out != nil {
		enc, present, err := cborEncode(reflect.ValueOf(out))
		if err != nil {
			p.WriteError(w, c, ServiceError(c.Service.Name, ErrInternal, err.Error()))
			return
		}
		if present {
			v = enc
		}
	}
	w.Header().Set("Smithy-Protocol", cborProtocolName)
	writeBody(w, c, cborContentType, http.StatusOK, cbor.Encode(v))
}

func (p CBORProtocol) WriteError(w http.ResponseWriter, c *Req, e *APIError) {
	typ := e.Code
	if shape, ok := p.ErrorShapes[e.Code]; ok {
		typ = shape
	}
	if p.QueryCompatible {
		fault := "Sender"
		if !e.Sender() {
			fault = "Receiver"
		}
		w.Header().Set("X-Amzn-Query-Error", e.Code+";"+fault)
	}
	w.Header().Set("Smithy-Protocol", cborProtocolName)
	writeBody(w, c, cborContentType, e.Status, cbor.Encode(cbor.Map{"__type": cbor.String(typ), "message": cbor.String(e.Message)}))
}

// cborPayload is the request body, gunzipped when the client compressed it (the SDK gzips
// PutMetricData bodies of 10 KiB or more: Content-Encoding: gzip).
func cborPayload(h http.Header, body []byte) ([]byte, error) {
	if !strings.Contains(strings.ToLower(h.Get("Content-Encoding")), "gzip") || len(body) == 0 {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if len(out) > maxBody {
		return nil, fmt.Errorf("gzip: body larger than %d bytes", maxBody)
	}
	return out, nil
}

// DecodeCBOR decodes the CBOR request body into v (a pointer), member names matched to json
// tags (or field names) as encoding/json does; members v does not have are ignored. An empty
// body leaves v as it is.
func (c *Req) DecodeCBOR(v any) *APIError {
	if len(c.Body) == 0 {
		return nil
	}
	payload, err := cborPayload(c.HTTP.Header, c.Body)
	if err == nil {
		err = UnmarshalCBOR(payload, v)
	}
	if err != nil {
		return NewError("SerializationException", http.StatusBadRequest, "%s", err.Error())
	}
	return nil
}

// CBORBody decodes the request's CBOR body into a T for Resources, Context and Also functions;
// a malformed body yields what could be decoded (the handler reports the error).
func CBORBody[T any](c *Req) T {
	var v T
	if len(c.Body) > 0 {
		if payload, err := cborPayload(c.HTTP.Header, c.Body); err == nil {
			_ = UnmarshalCBOR(payload, &v)
		}
	}
	return v
}

// MarshalCBOR encodes v as CBORProtocol renders results.
func MarshalCBOR(v any) ([]byte, error) {
	enc, present, err := cborEncode(reflect.ValueOf(v))
	if err != nil {
		return nil, err
	}
	if !present {
		enc = &cbor.Nil{}
	}
	return cbor.Encode(enc), nil
}

// UnmarshalCBOR decodes CBOR data into v, a non-nil pointer.
func UnmarshalCBOR(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("cbor: decode target must be a non-nil pointer, not %T", v)
	}
	val, err := cbor.Decode(data)
	if err != nil {
		return fmt.Errorf("malformed CBOR: %w", err)
	}
	return cborDecode(val, rv.Elem(), "")
}

var timeType = reflect.TypeFor[time.Time]()

// cborEncode renders a Go value; present is false for nil pointers, interfaces, maps and
// slices, which are left out of the enclosing map.
func cborEncode(v reflect.Value) (cbor.Value, bool, error) {
	if !v.IsValid() {
		return nil, false, nil
	}
	if v.Kind() == reflect.Struct && v.Type().ConvertibleTo(timeType) {
		t := v.Convert(timeType).Interface().(time.Time)
		return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.UnixMilli()) / 1e3)}, true, nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, false, nil
		}
		return cborEncode(v.Elem())
	case reflect.String:
		return cbor.String(v.String()), true, nil
	case reflect.Bool:
		return cbor.Bool(v.Bool()), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := v.Int()
		if n < 0 {
			return cbor.NegInt(uint64(-(n + 1)) + 1), true, nil // NegInt holds |n|
		}
		return cbor.Uint(uint64(n)), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return cbor.Uint(v.Uint()), true, nil
	case reflect.Float32, reflect.Float64:
		return cbor.Float64(v.Float()), true, nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil, false, nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return cbor.Slice(b), true, nil
		}
		out := make(cbor.List, 0, v.Len())
		for i := range v.Len() {
			item, present, err := cborEncode(v.Index(i))
			if err != nil {
				return nil, false, err
			}
			if !present {
				item = &cbor.Nil{}
			}
			out = append(out, item)
		}
		return out, true, nil
	case reflect.Map:
		if v.IsNil() {
			return nil, false, nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, false, fmt.Errorf("cbor: map keys must be strings, not %s", v.Type().Key())
		}
		out := cbor.Map{}
		for it := v.MapRange(); it.Next(); {
			item, present, err := cborEncode(it.Value())
			if err != nil {
				return nil, false, err
			}
			if present {
				out[it.Key().String()] = item
			}
		}
		return out, true, nil
	case reflect.Struct:
		out := cbor.Map{}
		for _, f := range cborFields(v.Type()) {
			fv := v.FieldByIndex(f.index)
			if f.omitEmpty && fv.IsZero() {
				continue
			}
			item, present, err := cborEncode(fv)
			if err != nil {
				return nil, false, err
			}
			if present {
				out[f.name] = item
			}
		}
		return out, true, nil
	}
	return nil, false, fmt.Errorf("cbor: cannot encode %s", v.Type())
}

// cborField is a struct field as a CBOR map member: its json tag's name, else the field's.
type cborField struct {
	name      string
	index     []int
	omitEmpty bool
}

func cborFields(t reflect.Type) []cborField {
	var out []cborField
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, cborField{name: name, index: f.Index, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	return out
}

// cborDecode stores val in v; path names the member for errors.
func cborDecode(val cbor.Value, v reflect.Value, path string) error {
	switch val.(type) {
	case *cbor.Nil, *cbor.Undefined:
		v.SetZero()
		return nil
	}
	mismatch := func() error {
		if path == "" {
			path = "input"
		}
		return fmt.Errorf("cbor: cannot decode %T into %s at %s", val, v.Type(), path)
	}
	if v.Kind() == reflect.Struct && v.Type().ConvertibleTo(timeType) {
		t, err := cbor.AsTime(val)
		if err != nil {
			return fmt.Errorf("cbor: timestamp at %s: %w", path, err)
		}
		v.Set(reflect.ValueOf(t.UTC()).Convert(v.Type()))
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return cborDecode(val, v.Elem(), path)
	case reflect.Interface:
		if v.NumMethod() != 0 {
			return mismatch()
		}
		g, err := cborGeneric(val)
		if err != nil {
			return fmt.Errorf("cbor: at %s: %w", path, err)
		}
		if g != nil {
			v.Set(reflect.ValueOf(g))
		}
		return nil
	case reflect.String:
		s, ok := val.(cbor.String)
		if !ok {
			return mismatch()
		}
		v.SetString(string(s))
	case reflect.Bool:
		b, ok := val.(cbor.Bool)
		if !ok {
			return mismatch()
		}
		v.SetBool(bool(b))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := cbor.AsInt64(val)
		if err != nil || v.OverflowInt(n) {
			return mismatch()
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, ok := val.(cbor.Uint)
		if !ok || v.OverflowUint(uint64(u)) {
			return mismatch()
		}
		v.SetUint(uint64(u))
	case reflect.Float32, reflect.Float64:
		f, err := cbor.AsFloat64(val)
		if err != nil {
			return mismatch()
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b, ok := val.(cbor.Slice)
			if !ok {
				return mismatch()
			}
			v.SetBytes(append([]byte(nil), b...))
			return nil
		}
		l, ok := val.(cbor.List)
		if !ok {
			return mismatch()
		}
		out := reflect.MakeSlice(v.Type(), len(l), len(l))
		for i, item := range l {
			if err := cborDecode(item, out.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(out)
	case reflect.Map:
		m, ok := val.(cbor.Map)
		if !ok || v.Type().Key().Kind() != reflect.String {
			return mismatch()
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, item := range m {
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := cborDecode(item, elem, path+"."+k); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), elem)
		}
		v.Set(out)
	case reflect.Struct:
		m, ok := val.(cbor.Map)
		if !ok {
			return mismatch()
		}
		fields := cborFields(v.Type())
		for k, item := range m {
			for _, f := range fields {
				if strings.EqualFold(f.name, k) {
					if err := cborDecode(item, v.FieldByIndex(f.index), strings.TrimPrefix(path+"."+k, ".")); err != nil {
						return err
					}
					break
				}
			}
		}
	default:
		return mismatch()
	}
	return nil
}

// cborGeneric is a CBOR value as plain Go values (for `any` members): maps, slices, strings,
// float64 and int64 numbers, bools, []byte and time.Time.
func cborGeneric(val cbor.Value) (any, error) {
	switch x := val.(type) {
	case cbor.Uint:
		if uint64(x) > math.MaxInt64 {
			return float64(x), nil
		}
		return int64(x), nil
	case cbor.NegInt:
		return cbor.AsInt64(x)
	case cbor.Float32:
		return float64(x), nil
	case cbor.Float64:
		return float64(x), nil
	case cbor.String:
		return string(x), nil
	case cbor.Slice:
		return []byte(x), nil
	case cbor.Bool:
		return bool(x), nil
	case *cbor.Nil, *cbor.Undefined:
		return nil, nil
	case *cbor.Tag:
		return cbor.AsTime(x)
	case cbor.List:
		out := make([]any, len(x))
		for i, item := range x {
			g, err := cborGeneric(item)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	case cbor.Map:
		out := make(map[string]any, len(x))
		for k, item := range x {
			g, err := cborGeneric(item)
			if err != nil {
				return nil, err
			}
			out[k] = g
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported CBOR value %T", val)
}
