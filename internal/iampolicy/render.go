package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// JSON renders the document compactly. The output is deterministic: statement members keep the
// struct order and map keys (condition operators and keys, principal types) are sorted.
func (d *Document) JSON() string { return d.render("") }

// Indent renders the document like JSON, indented by two spaces, for review.
func (d *Document) Indent() string { return d.render("  ") }

func (d *Document) render(indent string) string {
	out, err := encode(d, indent)
	if err != nil {
		// Every field is a string, a slice of strings or a map of them: encoding cannot fail.
		panic("iampolicy: rendering document: " + err.Error())
	}
	return string(out)
}

// encode is json.Marshal without HTML escaping, so that "<", ">" and "&" in ARNs and condition
// values render as themselves; MarshalJSON methods use it too because the outer encoder keeps
// their output as it is.
func encode(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// MarshalJSON renders one value as a string and any other number of values as a list.
func (v Values) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return encode(v[0], "")
	}
	if v == nil {
		return []byte("[]"), nil
	}
	return encode([]string(v), "")
}

// UnmarshalJSON reads a string or a list. Booleans and numbers are accepted and kept as their
// JSON text, as IAM does for condition values.
func (v *Values) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	out, err := decodeValues(data, true)
	if err != nil {
		return err
	}
	*v = out
	return nil
}

// decodeValues reads a string or a list of strings; with scalars it also accepts booleans and
// numbers, converted to their JSON text.
func decodeValues(raw json.RawMessage, scalars bool) (Values, error) {
	items, err := oneOrMany(raw)
	if err != nil {
		return nil, err
	}
	out := make(Values, 0, len(items))
	for _, item := range items {
		s, err := decodeScalar(item, scalars)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func decodeScalar(raw json.RawMessage, scalars bool) (string, error) {
	raw = bytes.TrimSpace(raw)
	var s string
	if len(raw) > 0 && raw[0] == '"' {
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var scalar any
	if scalars && json.Unmarshal(raw, &scalar) == nil {
		switch scalar.(type) {
		case bool, float64:
			return string(raw), nil
		}
	}
	if scalars {
		return "", fmt.Errorf("expected a string, boolean or number, got %s", raw)
	}
	return "", fmt.Errorf("expected a string, got %s", raw)
}

// principalTypes are the Principal map keys this package understands, in rendering order.
var principalTypes = []string{"AWS", "Federated", "Service"}

func (p *Principal) values(kind string) *Values {
	switch kind {
	case "AWS":
		return &p.AWS
	case "Federated":
		return &p.Federated
	case "Service":
		return &p.Service
	}
	return nil
}

// MarshalJSON renders "*" for a wildcard and otherwise an object of the non-empty principal types.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Wildcard {
		return []byte(`"*"`), nil
	}
	m := make(map[string]Values, len(principalTypes))
	for _, kind := range principalTypes {
		if v := *p.values(kind); len(v) > 0 {
			m[kind] = v
		}
	}
	return encode(m, "")
}

// UnmarshalJSON reads "*" or an object whose keys are AWS, Service and Federated.
func (p *Principal) UnmarshalJSON(data []byte) error {
	var star string
	if json.Unmarshal(data, &star) == nil {
		if star != "*" {
			return fmt.Errorf("a principal string must be \"*\", got %q", star)
		}
		*p = Principal{Wildcard: true}
		return nil
	}
	fields, err := objectFields(data)
	if err != nil {
		return err
	}
	if len(fields) == 0 {
		return errors.New("names no principal")
	}
	*p = Principal{}
	for _, f := range fields {
		target := p.values(f.name)
		if target == nil {
			return fmt.Errorf("unsupported principal type %q", f.name)
		}
		if *target, err = decodeValues(f.value, false); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}
