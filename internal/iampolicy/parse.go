package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseError says why a document is malformed.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return "malformed policy document: " + e.Reason }

// legacyVersion is the older policy language version IAM still accepts; it has no policy variables.
const legacyVersion = "2008-10-17"

// Parse reads a policy document, accepting Statement/Action/Resource as a string or a list, and
// rejects what IAM rejects as MalformedPolicyDocument (the error is a *ParseError).
func Parse(text string) (*Document, error) {
	d, err := parseDocument([]byte(text))
	if err != nil {
		return nil, &ParseError{Reason: err.Error()}
	}
	return d, nil
}

func parseDocument(data []byte) (*Document, error) {
	fields, err := objectFields(data)
	if err != nil {
		return nil, err
	}
	d := &Document{}
	for _, f := range fields {
		switch f.name {
		case "Version":
			d.Version, err = parseString(f)
			if err == nil && d.Version != Version && d.Version != legacyVersion {
				err = fmt.Errorf("unsupported Version %q", d.Version)
			}
		case "Id":
			d.ID, err = parseString(f)
		case "Statement":
			d.Statement, err = parseStatements(f.value)
		default:
			err = fmt.Errorf("unknown policy element %q", f.name)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(d.Statement) == 0 {
		return nil, errors.New("missing Statement")
	}
	return d, nil
}

func parseStatements(raw json.RawMessage) ([]Statement, error) {
	items, err := oneOrMany(raw)
	if err != nil {
		return nil, fmt.Errorf("element Statement: %w", err)
	}
	out := make([]Statement, len(items))
	for i, item := range items {
		if out[i], err = parseStatement(item); err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}
	}
	return out, nil
}

func parseStatement(raw json.RawMessage) (Statement, error) {
	var s Statement
	fields, err := objectFields(raw)
	if err != nil {
		return s, err
	}
	for _, f := range fields {
		if err := s.setField(f); err != nil {
			return s, err
		}
	}
	return s, s.validate(fields)
}

func (s *Statement) setField(f field) error {
	var err error
	switch f.name {
	case "Sid":
		s.Sid, err = parseString(f)
	case "Effect":
		var e string
		e, err = parseString(f)
		s.Effect = Effect(e)
	case "Principal":
		s.Principal, err = parsePrincipal(f)
	case "NotPrincipal":
		s.NotPrincipal, err = parsePrincipal(f)
	case "Action":
		s.Action, err = parseList(f)
	case "NotAction":
		s.NotAction, err = parseList(f)
	case "Resource":
		s.Resource, err = parseList(f)
	case "NotResource":
		s.NotResource, err = parseList(f)
	case "Condition":
		s.Condition, err = parseConditions(f.value)
	default:
		err = fmt.Errorf("unknown statement element %q", f.name)
	}
	return err
}

func (s *Statement) validate(fields []field) error {
	has := func(name string) bool { return fieldNamed(fields, name) }
	switch {
	case s.Effect != Allow && s.Effect != Deny:
		return fmt.Errorf("element Effect must be Allow or Deny, not %q", s.Effect)
	case has("Action") == has("NotAction"):
		return errors.New("exactly one of Action and NotAction is required")
	case has("Resource") && has("NotResource"):
		return errors.New("elements Resource and NotResource are mutually exclusive")
	case has("Principal") && has("NotPrincipal"):
		return errors.New("elements Principal and NotPrincipal are mutually exclusive")
	}
	for _, actions := range []Values{s.Action, s.NotAction} {
		for _, a := range actions {
			if !validAction(a) {
				return fmt.Errorf("action %q must be \"*\" or service:action", a)
			}
		}
	}
	return nil
}

// validAction accepts "*" and "service:Name", where Name may hold wildcards.
func validAction(a string) bool {
	if a == "*" {
		return true
	}
	service, name, ok := strings.Cut(a, ":")
	return ok && service != "" && name != "" && !strings.ContainsAny(service, " \t\r\n/")
}

func parsePrincipal(f field) (*Principal, error) {
	p := &Principal{}
	if err := p.UnmarshalJSON(f.value); err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	return p, nil
}

// parseList reads an Action- or Resource-style element: a string or a non-empty list of strings.
func parseList(f field) (Values, error) {
	v, err := decodeValues(f.value, false)
	if err == nil && len(v) == 0 {
		err = errors.New("must not be empty")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	return v, nil
}

func parseConditions(raw json.RawMessage) (Conditions, error) {
	ops, err := objectFields(raw)
	if err != nil {
		return nil, fmt.Errorf("element Condition: %w", err)
	}
	c := make(Conditions, len(ops))
	for _, op := range ops {
		if _, err := parseOperator(op.name); err != nil {
			return nil, fmt.Errorf("element Condition: %w", err)
		}
		keys, err := objectFields(op.value)
		if err != nil {
			return nil, fmt.Errorf("condition %s: %w", op.name, err)
		}
		c[op.name] = make(map[string]Values, len(keys))
		for _, k := range keys {
			v, err := decodeValues(k.value, true)
			if err != nil {
				return nil, fmt.Errorf("condition %s key %s: %w", op.name, k.name, err)
			}
			c[op.name][k.name] = v
		}
	}
	return c, nil
}

func parseString(f field) (string, error) {
	var s string
	if len(f.value) == 0 || f.value[0] != '"' || json.Unmarshal(f.value, &s) != nil {
		return "", fmt.Errorf("%s must be a string", f.name)
	}
	return s, nil
}

// field is one member of a JSON object.
type field struct {
	name  string
	value json.RawMessage
}

func fieldNamed(fields []field, name string) bool {
	for _, f := range fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// objectFields decodes exactly one JSON object into its members in document order. It rejects
// duplicate member names, which encoding/json would silently resolve to the last one.
func objectFields(data []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	} else if tok != json.Delim('{') {
		return nil, errors.New("expected a JSON object")
	}
	var fields []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not valid JSON: %w", err)
		}
		name := tok.(string)
		if fieldNamed(fields, name) {
			return nil, fmt.Errorf("duplicate element %q", name)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("not valid JSON: %w", err)
		}
		fields = append(fields, field{name, value})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not valid JSON: data after the object")
	}
	return fields, nil
}

// oneOrMany returns the elements of a JSON list, or the value itself when it is not a list.
func oneOrMany(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return []json.RawMessage{raw}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	return items, nil
}
