package core

import (
	"bytes"
	"compress/gzip"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

type cborDimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value,omitempty"`
}

type cborSample struct {
	Namespace  string            `json:"Namespace"`
	Count      int32             `json:"Count,omitempty"`
	Offset     int64             `json:"Offset"`
	Value      *float64          `json:"Value,omitempty"`
	Values     []float64         `json:"Values,omitempty"`
	When       time.Time         `json:"When"`
	Blob       []byte            `json:"Blob,omitempty"`
	Flag       bool              `json:"Flag"`
	Dimensions []cborDimension   `json:"Dimensions,omitempty"`
	Tags       map[string]string `json:"Tags,omitempty"`
	Skipped    string            `json:"-"`
	unexported string
}

// Values round-trip through the encoder and decoder; timestamps are tag 1 epoch seconds (with
// milliseconds), integers CBOR integers and doubles CBOR doubles, as the SDK expects.
func TestCBORRoundTrip(t *testing.T) {
	v := 2.5
	in := cborSample{Namespace: "LakeSail/ABCDE12345", Count: 3, Offset: -7, Value: &v, Values: []float64{1, math.Inf(1)},
		When: time.Date(2030, 1, 2, 3, 4, 5, 6e8, time.UTC), Blob: []byte{1, 2}, Flag: true,
		Dimensions: []cborDimension{{Name: "Workspace", Value: "ws1"}, {Name: "Only"}}, Tags: map[string]string{"k": "v"}, Skipped: "x", unexported: "y"}
	b, err := MarshalCBOR(in)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := cbor.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	m := raw.(cbor.Map)
	if _, ok := m["Skipped"]; ok {
		t.Errorf("json:\"-\" field encoded")
	}
	if m["Count"] != cbor.Uint(3) || m["Offset"] != cbor.NegInt(7) || m["Value"] != cbor.Float64(2.5) {
		t.Errorf("numbers: %#v %#v %#v", m["Count"], m["Offset"], m["Value"])
	}
	if tag, ok := m["When"].(*cbor.Tag); !ok || tag.ID != 1 || tag.Value != cbor.Float64(1893553445.6) {
		t.Errorf("timestamp: %#v", m["When"])
	}
	if _, ok := m["Dimensions"].(cbor.List)[1].(cbor.Map)["Value"]; ok {
		t.Errorf("omitempty value encoded")
	}
	var out cborSample
	if err := UnmarshalCBOR(b, &out); err != nil {
		t.Fatal(err)
	}
	in.Skipped, in.unexported = "", ""
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", out, in)
	}
	// Member names match case-insensitively, unknown members are ignored, null leaves zero.
	b = cbor.Encode(cbor.Map{"namespace": cbor.String("n"), "Unknown": cbor.Uint(1), "Value": &cbor.Nil{}})
	out = cborSample{}
	if err := UnmarshalCBOR(b, &out); err != nil || out.Namespace != "n" || out.Value != nil {
		t.Fatalf("lenient decode: %+v %v", out, err)
	}
	// A string where a number belongs is refused, naming the member.
	b = cbor.Encode(cbor.Map{"Dimensions": cbor.List{cbor.Map{"Name": cbor.Uint(1)}}})
	if err := UnmarshalCBOR(b, &out); err == nil || !bytes.Contains([]byte(err.Error()), []byte("Dimensions[0].Name")) {
		t.Fatalf("type mismatch: %v", err)
	}
	var generic map[string]any
	if err := UnmarshalCBOR(cbor.Encode(cbor.Map{"a": cbor.List{cbor.NegInt(1), cbor.String("s")}}), &generic); err != nil ||
		!reflect.DeepEqual(generic, map[string]any{"a": []any{int64(-1), "s"}}) {
		t.Fatalf("generic: %#v %v", generic, err)
	}
}

func cborTestService() *Service {
	s := &Service{Name: "monitoring", Target: "GraniteServiceVersion20100801",
		Protocol: CBORProtocol{QueryCompatible: true, ErrorShapes: map[string]string{"InvalidParameterValue": "com.amazonaws.cloudwatch#InvalidParameterValueException"}}}
	return s.Add(&Operation{Name: "ListMetrics"})
}

func cborRequest(path, protocol, contentType string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	if protocol != "" {
		r.Header.Set("Smithy-Protocol", protocol)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func TestCBORRoute(t *testing.T) {
	s := cborTestService()
	body := cbor.Encode(cbor.Map{"Namespace": cbor.String("n")})
	const path = "/service/GraniteServiceVersion20100801/operation/ListMetrics"
	op, _, err := s.Protocol.Route(s, cborRequest(path, "rpc-v2-cbor", "application/cbor", body), body)
	if err != nil || op.Name != "ListMetrics" {
		t.Fatalf("route: %v %v", op, err)
	}
	// No body needs no Content-Type.
	if _, _, err := s.Protocol.Route(s, cborRequest(path, "rpc-v2-cbor", "", nil), nil); err != nil {
		t.Fatalf("empty body: %v", err)
	}
	// A gzipped body (the SDK compresses large PutMetricData requests) is accepted and decoded.
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	_, _ = zw.Write(body)
	_ = zw.Close()
	zr := cborRequest(path, "rpc-v2-cbor", "application/cbor", zb.Bytes())
	zr.Header.Set("Content-Encoding", "gzip")
	if _, _, err := s.Protocol.Route(s, zr, zb.Bytes()); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	c := &Req{HTTP: zr, Body: zb.Bytes()}
	if got := CBORBody[struct{ Namespace string }](c); got.Namespace != "n" {
		t.Fatalf("CBORBody of gzip: %+v", got)
	}
	for name, r := range map[string]*http.Request{
		"other service shape": cborRequest("/service/Other/operation/ListMetrics", "rpc-v2-cbor", "application/cbor", body),
		"unknown operation":   cborRequest("/service/GraniteServiceVersion20100801/operation/Nope", "rpc-v2-cbor", "application/cbor", body),
		"no protocol header":  cborRequest(path, "", "application/cbor", body),
		"JSON content type":   cborRequest(path, "rpc-v2-cbor", "application/json", body),
		"malformed body":      cborRequest(path, "rpc-v2-cbor", "application/cbor", []byte{0xbf}),
	} {
		b := body
		if name == "malformed body" {
			b = []byte{0xbf}
		}
		if _, _, err := s.Protocol.Route(s, r, b); err == nil {
			t.Errorf("%s: routed", name)
		}
	}
}

// Errors are {"__type", "message"}; a modeled code is sent as its shape, and every code in
// X-Amzn-Query-Error for a query-compatible service.
func TestCBORWriteError(t *testing.T) {
	s := cborTestService()
	c := &Req{Service: s, RequestID: "rid"}
	for _, tc := range []struct {
		err        *APIError
		typ, query string
	}{
		{NewError("InvalidParameterValue", 400, "bad"), "com.amazonaws.cloudwatch#InvalidParameterValueException", "InvalidParameterValue;Sender"},
		{ServiceError("monitoring", ErrAccessDenied, "denied"), "AccessDenied", "AccessDenied;Sender"},
		{ServiceError("monitoring", ErrInternal, ""), "ServiceFailure", "ServiceFailure;Receiver"},
	} {
		w := httptest.NewRecorder()
		s.Protocol.WriteError(w, c, tc.err)
		v, err := cbor.Decode(w.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		m := v.(cbor.Map)
		if w.Code != tc.err.Status || m["__type"] != cbor.String(tc.typ) || m["message"] != cbor.String(tc.err.Message) ||
			w.Header().Get("X-Amzn-Query-Error") != tc.query || w.Header().Get("Smithy-Protocol") != "rpc-v2-cbor" ||
			w.Header().Get("Content-Type") != "application/cbor" {
			t.Errorf("%v: %d %v %v", tc.err, w.Code, m, w.Header())
		}
	}
	w := httptest.NewRecorder()
	s.Protocol.WriteResult(w, c, nil)
	if v, err := cbor.Decode(w.Body.Bytes()); err != nil || len(v.(cbor.Map)) != 0 || w.Code != 200 {
		t.Fatalf("empty result: %v %v", v, err)
	}
}
