package core

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// QueryProtocol is awsquery (IAM, STS): form-encoded Action=...&Version=... requests, responses
// <XResponse><XResult>...</XResult><ResponseMetadata/></XResponse>, errors in <ErrorResponse>.
type QueryProtocol struct{}

func (QueryProtocol) Route(s *Service, r *http.Request, body []byte) (*Operation, Input, *APIError) {
	params, err := queryParams(r, body)
	if err != nil {
		return nil, Input{}, NewError("MalformedQueryString", 400, "%s", err.Error())
	}
	in := Input{Params: params}
	action := params.Get("Action")
	op := s.ops[action]
	if op == nil {
		return nil, in, ServiceError(s.Name, ErrUnknownOperation, "Could not find operation "+action+" for version "+params.Get("Version"))
	}
	return op, in, nil
}

// queryParams merges the URL query and a form-encoded body.
func queryParams(r *http.Request, body []byte) (url.Values, error) {
	params := r.URL.Query()
	if len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	return params, nil
}

func (QueryProtocol) WriteResult(w http.ResponseWriter, c *Req, out any) {
	var buf bytes.Buffer
	name := c.Op.Name
	buf.WriteString(`<` + name + `Response xmlns="` + c.Service.Namespace + `">`)
	if out != nil {
		enc := xml.NewEncoder(&buf)
		if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: name + "Result"}}); err != nil {
			QueryProtocol{}.WriteError(w, c, ServiceError(c.Service.Name, ErrInternal, err.Error()))
			return
		}
		_ = enc.Flush()
	}
	buf.WriteString(`<ResponseMetadata><RequestId>` + c.RequestID + `</RequestId></ResponseMetadata></` + name + `Response>`)
	writeBody(w, c, "text/xml", http.StatusOK, buf.Bytes())
}

func (QueryProtocol) WriteError(w http.ResponseWriter, c *Req, e *APIError) {
	var buf bytes.Buffer
	typ := "Sender"
	if !e.Sender() {
		typ = "Receiver"
	}
	ns := "https://iam.amazonaws.com/doc/2010-05-08/"
	if c.Service != nil {
		ns = c.Service.Namespace
	}
	buf.WriteString(`<ErrorResponse xmlns="` + ns + `"><Error><Type>` + typ + `</Type><Code>`)
	_ = xml.EscapeText(&buf, []byte(e.Code))
	buf.WriteString(`</Code><Message>`)
	_ = xml.EscapeText(&buf, []byte(e.Message))
	buf.WriteString(`</Message></Error><RequestId>` + c.RequestID + `</RequestId></ErrorResponse>`)
	writeBody(w, c, "text/xml", e.Status, buf.Bytes())
}

func writeBody(w http.ResponseWriter, c *Req, contentType string, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", c.RequestID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// XMLTime renders timestamps as the query protocols do (ISO 8601, UTC, seconds).
type XMLTime time.Time

func (t XMLTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05Z")), nil
}

// Members renders an awsquery list: <Name><member>...</member>...</Name>.
type Members[T any] []T

func (l Members[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, v := range l {
		if err := e.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "member"}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}
