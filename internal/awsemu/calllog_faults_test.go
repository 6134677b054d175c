package awsemu_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuCallLog(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	s := emutest.SessionFor(t, e, "logged", emutest.Doc(emutest.Allow("iam:GetRole", "*")), "")
	before := len(e.Calls())
	_, err := s.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("logged")})
	emutest.Must(t, err)
	_, err = s.DeleteRole(emutest.Bg, &iam.DeleteRoleInput{RoleName: aws.String("logged")})
	emutest.WantCode(t, err, "AccessDenied")
	calls := e.Calls()[before:]
	if len(calls) != 2 {
		t.Fatalf("calls = %+v", calls)
	}
	principal := "arn:aws:sts::123456789012:assumed-role/logged/test-session"
	want := []awsemu.Call{
		{Service: "iam", Operation: "GetRole", Action: "iam:GetRole", Principal: principal, Resources: []string{"arn:aws:iam::123456789012:role/logged"}, Decision: "allow"},
		{Service: "iam", Operation: "DeleteRole", Action: "iam:DeleteRole", Principal: principal, Resources: []string{"arn:aws:iam::123456789012:role/logged"}, Decision: "deny", ErrorCode: "AccessDenied"},
	}
	for i, w := range want {
		got := calls[i]
		if got.Service != w.Service || got.Operation != w.Operation || got.Action != w.Action || got.Principal != w.Principal ||
			fmt.Sprint(got.Resources) != fmt.Sprint(w.Resources) || got.Decision != w.Decision || got.ErrorCode != w.ErrorCode ||
			!got.Time.Equal(emutest.T0) || got.Region != "us-east-1" || got.RequestID == "" {
			t.Errorf("call %d = %+v, want %+v", i, got, w)
		}
	}
	// AssumeRole logs the role as its resource and root as principal; a trust denial is a deny.
	var assumes []awsemu.Call
	for _, c := range e.Calls() {
		if c.Operation == "AssumeRole" {
			assumes = append(assumes, c)
		}
	}
	if len(assumes) != 1 || assumes[0].Principal != "arn:aws:iam::123456789012:root" || assumes[0].Resources[0] != "arn:aws:iam::123456789012:role/logged" {
		t.Fatalf("AssumeRole log = %+v", assumes)
	}
	_, err = emutest.TryAssume(e, e.RootCredentials(), "arn:aws:iam::123456789012:role/nope", "")
	emutest.WantCode(t, err, "AccessDenied")
	last := e.Calls()[len(e.Calls())-1]
	if last.Decision != "deny" || last.ErrorCode != "AccessDenied" || last.Action != "sts:AssumeRole" {
		t.Fatalf("denied AssumeRole log = %+v", last)
	}

	b, err := json.Marshal(last)
	emutest.Must(t, err)
	for _, key := range []string{`"time"`, `"service"`, `"operation"`, `"action"`, `"principal"`, `"resources"`, `"decision"`, `"error_code"`} {
		emutest.WantContains(t, string(b), key)
	}
}

func TestEmuFaultNth(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	e.AddFault(awsemu.Fault{Service: "iam", Operation: "ListRoles", ErrorCode: "ConcurrentModification", HTTPStatus: 409, Message: "injected", Nth: 2})
	var codes []string
	for i := 0; i < 4; i++ {
		_, err := c.ListRoles(emutest.Bg, &iam.ListRolesInput{})
		codes = append(codes, emutest.ErrCode(err))
	}
	if fmt.Sprint(codes) != "[ ConcurrentModification  ]" {
		t.Fatalf("codes = %q", codes)
	}
	// Other operations are untouched.
	_, err := c.ListPolicies(emutest.Bg, &iam.ListPoliciesInput{Scope: "Local"})
	emutest.Must(t, err)
}

func TestEmuFaultFractionAndTimes(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	e.AddFault(awsemu.Fault{Operation: "ListRoles", ErrorCode: "ConcurrentModification", HTTPStatus: 409, Fraction: 1.0 / 3})
	var failed []int
	for i := 1; i <= 9; i++ {
		if _, err := c.ListRoles(emutest.Bg, &iam.ListRolesInput{}); err != nil {
			emutest.WantCode(t, err, "ConcurrentModification")
			failed = append(failed, i)
		}
	}
	if fmt.Sprint(failed) != "[3 6 9]" {
		t.Fatalf("failed calls = %v", failed)
	}
	e.ClearFaults()
	e.AddFault(awsemu.Fault{Service: "sts", ErrorCode: "RegionDisabledException", HTTPStatus: 403, Every: true, Times: 2})
	s := emutest.StsClient(e, e.RootCredentials())
	var codes []string
	for i := 0; i < 3; i++ {
		_, err := s.GetCallerIdentity(emutest.Bg, &sts.GetCallerIdentityInput{})
		codes = append(codes, emutest.ErrCode(err))
	}
	if fmt.Sprint(codes) != "[RegionDisabledException RegionDisabledException ]" {
		t.Fatalf("codes = %q", codes)
	}
}

func TestEmuFaultThrottleIsRetried(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	e.AddFault(awsemu.Fault{Service: "iam", Operation: "GetRole", Throttle: true, Times: 2})
	c := emutest.IamClient(e, e.RootCredentials())
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("th")}, "")
	_, err := c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("th")})
	emutest.Must(t, err) // the SDK retried through two Throttling errors
	var codes []string
	for _, call := range e.Calls() {
		if call.Operation == "GetRole" {
			codes = append(codes, call.ErrorCode)
		}
	}
	if fmt.Sprint(codes) != "[Throttling Throttling ]" {
		t.Fatalf("GetRole attempts = %q", codes)
	}
	// With every call throttled, the SDK gives up with the service's throttling error.
	e.AddFault(awsemu.Fault{Service: "iam", Operation: "GetRole", Throttle: true})
	_, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("th")})
	emutest.WantCode(t, err, "Throttling")
	emutest.WantContains(t, emutest.ErrMessage(err), "Rate exceeded")
}

func TestEmuLatency(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{Latency: 30 * time.Millisecond})
	c := emutest.IamClient(e, e.RootCredentials())
	e.AddFault(awsemu.Fault{Operation: "ListRoles", Latency: 50 * time.Millisecond, Times: 1})
	start := time.Now()
	_, err := c.ListRoles(emutest.Bg, &iam.ListRolesInput{})
	emutest.Must(t, err)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("first call took %v, want >= 80ms (latency + fault latency)", d)
	}
	start = time.Now()
	_, err = c.ListRoles(emutest.Bg, &iam.ListRolesInput{})
	emutest.Must(t, err)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("second call took %v, want >= 30ms", d)
	}
}

// Latency sleeps do not hold the state lock: concurrent slow calls overlap.
func TestEmuLatencyIsConcurrent(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	e.AddFault(awsemu.Fault{Operation: "ListRoles", Latency: 150 * time.Millisecond, Every: true})
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListRoles(emutest.Bg, &iam.ListRolesInput{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if d := time.Since(start); d > 900*time.Millisecond { // serialised would be 1.2s
		t.Fatalf("8 concurrent calls took %v: latency is serialised", d)
	}
}

func TestEmuControlEndpoints(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	emutest.CreateRole(t, c, &iam.CreateRoleInput{RoleName: aws.String("ctl")}, "")
	httpDo := func(method, path, body string) (int, string) {
		req, err := http.NewRequest(method, e.Endpoint()+path, bytes.NewBufferString(body))
		emutest.Must(t, err)
		return emutest.Do(t, req)
	}

	status, body := httpDo("POST", "/_emu/faults", `{"service":"iam","operation":"GetRole","error_code":"NoSuchEntity","http_status":404,"message":"injected","latency":"5ms","times":1}`)
	if status != 201 {
		t.Fatalf("POST faults: %d %s", status, body)
	}
	if status, body = httpDo("POST", "/_emu/faults", `{"latency":"soon"}`); status != 400 {
		t.Fatalf("bad fault accepted: %d %s", status, body)
	}
	if status, body = httpDo("POST", "/_emu/faults", `{"service":"iam"}`); status != 400 {
		t.Fatalf("empty fault accepted: %d %s", status, body)
	}
	status, body = httpDo("GET", "/_emu/faults", "")
	var faults []awsemu.Fault
	emutest.Must(t, json.Unmarshal([]byte(body), &faults))
	if status != 200 || len(faults) != 1 || faults[0].Latency != 5*time.Millisecond || faults[0].Times != 1 {
		t.Fatalf("GET faults: %d %s", status, body)
	}
	_, err := c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("ctl")})
	emutest.WantCode(t, err, "NoSuchEntity")
	emutest.WantContains(t, emutest.ErrMessage(err), "injected")
	_, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("ctl")})
	emutest.Must(t, err)

	status, body = httpDo("GET", "/_emu/calls", "")
	var calls []awsemu.Call
	emutest.Must(t, json.Unmarshal([]byte(body), &calls))
	if status != 200 || len(calls) < 3 || calls[len(calls)-2].ErrorCode != "NoSuchEntity" || !strings.Contains(body, `"error_code": "NoSuchEntity"`) {
		t.Fatalf("GET calls: %d %s", status, body)
	}

	if status, _ = httpDo("DELETE", "/_emu/faults", ""); status != 204 || len(e.Faults()) != 0 {
		t.Fatalf("DELETE faults: %d", status)
	}
	e.AddFault(awsemu.Fault{ErrorCode: "X", Every: true})
	if status, _ = httpDo("POST", "/_emu/reset", ""); status != 204 {
		t.Fatalf("reset: %d", status)
	}
	if len(e.Calls()) != 0 || len(e.Faults()) != 0 {
		t.Fatal("reset kept calls or faults")
	}
	_, err = c.GetRole(emutest.Bg, &iam.GetRoleInput{RoleName: aws.String("ctl")})
	emutest.WantCode(t, err, "NoSuchEntity") // root keys still work; the role is gone
	if status, body = httpDo("GET", "/_emu/calls", ""); status != 200 || !strings.HasPrefix(strings.TrimSpace(body), "[") {
		t.Fatalf("calls after reset: %d %s", status, body)
	}
	if status, _ = httpDo("GET", "/_emu/nope", ""); status != 404 {
		t.Fatalf("unknown control endpoint: %d", status)
	}
}
