package core

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxBody bounds request bodies (S3 uploads in tests are small).
const maxBody = 64 << 20

// Handler serves the AWS APIs and the /_emu/ control endpoints.
func (e *Emulator) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_emu/") {
			e.serveControl(w, r)
			return
		}
		e.serveAWS(w, r)
	})
}

// serveAWS runs one AWS call: authenticate, route, authorize, faults, handler; every outcome
// lands in the call log.
func (e *Emulator) serveAWS(w http.ResponseWriter, r *http.Request) {
	c := &Req{e: e, HTTP: r, RequestID: newRequestID(), start: time.Now()}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		c.Now = e.Now()
		e.fail(w, c, QueryProtocol{}, NewError("RequestEntityTooLarge", 413, "request body too large or unreadable"))
		return
	}
	c.Body = body
	if e.opts.Latency > 0 {
		time.Sleep(e.opts.Latency)
	}

	sig, sigErr := parseSigV4(r)
	svc := e.serviceFor(r, body, sig)
	c.Now = e.Now()
	if svc == nil {
		c.denied = true
		switch {
		case sigErr != "":
			e.fail(w, c, QueryProtocol{}, ServiceError("", errIncompleteSignature, sigErr))
		case sig != nil:
			e.fail(w, c, QueryProtocol{}, NewError("UnknownService", 400, "awsemu does not serve %q", sig.Service))
		default:
			e.fail(w, c, QueryProtocol{}, ServiceError("", errMissingAuthentication, ""))
		}
		return
	}
	c.Service = svc
	op, in, routeErr := svc.Protocol.Route(svc, r, body)
	c.Op, c.In = op, in
	switch {
	case sigErr != "":
		c.denied = true
		e.fail(w, c, svc.Protocol, ServiceError(svc.Name, errIncompleteSignature, sigErr))
		return
	case sig != nil:
		c.Region = sig.Region
	case op != nil && op.Anonymous:
		c.Caller, c.Region = anonymous(), e.opts.Region
	default:
		c.denied = true
		e.fail(w, c, svc.Protocol, ServiceError(svc.Name, errMissingAuthentication, ""))
		return
	}

	e.mu.Lock()
	if sig != nil {
		if authErr := e.authenticate(c, sig); authErr != nil {
			e.mu.Unlock()
			c.denied = true
			e.fail(w, c, svc.Protocol, authErr)
			return
		}
	}
	if routeErr != nil {
		e.mu.Unlock()
		e.fail(w, c, svc.Protocol, routeErr)
		return
	}
	authzErr := e.authorize(c)
	e.mu.Unlock()
	if authzErr != nil {
		e.fail(w, c, svc.Protocol, authzErr)
		return
	}

	if f := e.faults.hit(svc.Name, op.Name); f != nil {
		if faultErr := f.apply(svc.Name); faultErr != nil {
			e.fail(w, c, svc.Protocol, faultErr)
			return
		}
	}

	e.mu.Lock()
	out, handleErr := op.Handle(c)
	e.mu.Unlock()
	var apiErr *APIError
	if errors.As(handleErr, &apiErr) && apiErr == nil {
		handleErr = nil // a nil *APIError returned as error is success
	}
	if handleErr != nil {
		if !errors.As(handleErr, &apiErr) {
			apiErr = ServiceError(svc.Name, ErrInternal, handleErr.Error())
		}
		e.fail(w, c, svc.Protocol, apiErr)
		return
	}
	e.record(c, nil)
	svc.Protocol.WriteResult(w, c, out)
}

func (e *Emulator) fail(w http.ResponseWriter, c *Req, p Protocol, err *APIError) {
	e.record(c, err)
	p.WriteError(w, c, err)
}

// serviceFor picks the service: the credential scope's for signed requests; for unsigned ones
// the awsquery service whose API Version the form names.
func (e *Emulator) serviceFor(r *http.Request, body []byte, sig *sigV4) *Service {
	if sig != nil {
		return e.services[sig.Service]
	}
	params, err := queryParams(r, body)
	if err != nil {
		return nil
	}
	if v := params.Get("Version"); v != "" {
		for _, s := range e.services {
			if s.Version == v {
				return s
			}
		}
	}
	return nil
}
