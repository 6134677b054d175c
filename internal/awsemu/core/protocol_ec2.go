package core

import (
	"bytes"
	"encoding/xml"
	"net/http"
)

// EC2Protocol is ec2query (EC2): form-encoded Action=...&Version=... requests like awsquery, but
// results sit directly in <XResponse> after a <requestId>, and errors are
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
// Result structs use EC2's lower-camel element names (xml:"vpcSet>item" and so on).
type EC2Protocol struct{}

func (EC2Protocol) Route(s *Service, r *http.Request, body []byte) (*Operation, Input, *APIError) {
	return QueryProtocol{}.Route(s, r, body)
}

func (EC2Protocol) WriteResult(w http.ResponseWriter, c *Req, out any) {
	var buf bytes.Buffer
	name := c.Op.Name + "Response"
	buf.WriteString(`<` + name + ` xmlns="` + c.Service.Namespace + `"><requestId>` + c.RequestID + `</requestId>`)
	if out != nil {
		var inner bytes.Buffer
		if err := xml.NewEncoder(&inner).EncodeElement(out, xml.StartElement{Name: xml.Name{Local: "x"}}); err != nil {
			EC2Protocol{}.WriteError(w, c, ServiceError(c.Service.Name, ErrInternal, err.Error()))
			return
		}
		// keep only the children of the wrapper element
		buf.Write(bytes.TrimSuffix(bytes.TrimPrefix(inner.Bytes(), []byte("<x>")), []byte("</x>")))
	}
	buf.WriteString(`</` + name + `>`)
	writeBody(w, c, "text/xml;charset=UTF-8", http.StatusOK, buf.Bytes())
}

func (EC2Protocol) WriteError(w http.ResponseWriter, c *Req, e *APIError) {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Response><Errors><Error><Code>`)
	_ = xml.EscapeText(&buf, []byte(e.Code))
	buf.WriteString(`</Code><Message>`)
	_ = xml.EscapeText(&buf, []byte(e.Message))
	buf.WriteString(`</Message></Error></Errors><RequestID>` + c.RequestID + `</RequestID></Response>`)
	writeBody(w, c, "text/xml;charset=UTF-8", e.Status, buf.Bytes())
}
