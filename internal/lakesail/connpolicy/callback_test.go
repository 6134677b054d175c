package connpolicy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnitCallbackSignature(t *testing.T) {
	body := []byte(`{"event":"Create"}`)
	sig := CallbackSignature(body, testExternalID)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != len("sha256=")+64 {
		t.Fatalf("signature %q", sig)
	}
	if !VerifyCallbackSignature(body, testExternalID, sig) {
		t.Error("own signature rejected")
	}
	if VerifyCallbackSignature([]byte(`{"event":"Delete"}`), testExternalID, sig) || VerifyCallbackSignature(body, "other", sig) {
		t.Error("signature accepted for another body or key")
	}
}

// The harness replaces boto3 and urllib's network access, runs the inline handler on a
// CloudFormation event and records what it sent.
const lambdaHarness = `import json, sys, urllib.error, urllib.request
import index

captured = []
mode = sys.argv[1]

class Response:
    status = 202
    def __enter__(self): return self
    def __exit__(self, *args): return False

def urlopen(request, timeout=None):
    captured.append({"url": request.full_url, "method": request.get_method(),
                     "headers": {k.lower(): v for k, v in request.header_items()},
                     "body": request.data.decode()})
    if mode == "unreachable" and "platform" in request.full_url:
        raise urllib.error.URLError("unreachable")
    return Response()

urllib.request.urlopen = urlopen
index.handler(json.loads(sys.stdin.read()), None)
with open(sys.argv[2], "w") as out:
    json.dump(captured, out)
`

const fakeBoto3 = `class _CloudFormation:
    def describe_stacks(self, StackName):
        return {"Stacks": [{"StackStatus": "CREATE_IN_PROGRESS"}]}

def client(name):
    assert name == "cloudformation"
    return _CloudFormation()
`

type sentRequest struct {
	URL     string            `json:"url"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

func runLambda(t *testing.T, mode, callbackURL string) ([]sentRequest, string) {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"index.py": callbackSource, "boto3.py": fakeBoto3, "harness.py": lambdaHarness} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	event, _ := json.Marshal(map[string]any{
		"RequestType":       "Create",
		"ResponseURL":       "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/presigned",
		"StackId":           "arn:aws:cloudformation:us-east-1:111122223333:stack/lakesail-AB12CD34EF/51af3dc0",
		"RequestId":         "c2b5a3f2-0000-4000-8000-000000000001",
		"LogicalResourceId": LogicalLifecycle,
		"ResourceProperties": map[string]string{
			"ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:lakesail-AB12CD34EF-Callback",
			"CallbackURL":  callbackURL, "ExternalID": testExternalID, "ConnectionID": testConnection,
			"TenantID": testTenant, "RoleArn": "arn:aws:iam::111122223333:role/lakesail-AB12CD34EF-LakeSailRole",
			"BundleVersion": BundleVersion,
		},
	})
	out := filepath.Join(dir, "captured.json")
	cmd := exec.Command(python, "harness.py", mode, out)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(string(event))
	logs, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("handler failed: %v\n%s", err, logs)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var sent []sentRequest
	if err := json.Unmarshal(data, &sent); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(logs), testExternalID) {
		t.Error("the function printed the external id")
	}
	return sent, string(logs)
}

func answerOf(t *testing.T, r sentRequest) map[string]any {
	t.Helper()
	var answer map[string]any
	if r.Method != "PUT" || !strings.Contains(r.URL, "cloudformation-custom-resource-response") || json.Unmarshal([]byte(r.Body), &answer) != nil {
		t.Fatalf("not an answer to CloudFormation: %+v", r)
	}
	if answer["Status"] != "SUCCESS" || answer["PhysicalResourceId"] != "lakesail-lifecycle-"+testConnection {
		t.Errorf("answer %v", answer)
	}
	return answer
}

// TestUnitCallbackLambdaSignsAndAnswers runs the template's Python: the notification is an
// HTTPS POST whose X-LakeSail-Signature verifies with the Go helper, then CloudFormation is
// answered.
func TestUnitCallbackLambdaSignsAndAnswers(t *testing.T) {
	callback := "https://platform.lakesail.com/api/v1/cloud-accounts/callback"
	sent, _ := runLambda(t, "ok", callback)
	if len(sent) != 2 {
		t.Fatalf("sent %d requests, want the notification and the answer: %+v", len(sent), sent)
	}
	note := sent[0]
	if note.Method != "POST" || note.URL != callback {
		t.Fatalf("notification %+v", note)
	}
	if !VerifyCallbackSignature([]byte(note.Body), testExternalID, note.Headers[strings.ToLower(CallbackSignatureHeader)]) {
		t.Errorf("signature %q does not verify", note.Headers[strings.ToLower(CallbackSignatureHeader)])
	}
	var payload map[string]any
	if err := json.Unmarshal([]byte(note.Body), &payload); err != nil {
		t.Fatal(err)
	}
	if payload["event"] != "Create" || payload["connection_id"] != testConnection || payload["stack_status"] != "CREATE_IN_PROGRESS" ||
		payload["bundle_version"] != BundleVersion || strings.Contains(note.Body, testExternalID) {
		t.Errorf("payload %s", note.Body)
	}
	answerOf(t, sent[1])
}

// TestUnitCallbackLambdaAlwaysAnswers: when LakeSail cannot be reached, or the URL is not
// HTTPS, CloudFormation still gets SUCCESS, so deleting the stack always revokes access.
func TestUnitCallbackLambdaAlwaysAnswers(t *testing.T) {
	sent, _ := runLambda(t, "unreachable", "https://platform.lakesail.com/api/v1/cloud-accounts/callback")
	if len(sent) != 2 {
		t.Fatalf("sent %+v", sent)
	}
	if answer := answerOf(t, sent[1]); !strings.Contains(answer["Reason"].(string), "not notified") {
		t.Errorf("reason %v", answer["Reason"])
	}
	sent, _ = runLambda(t, "ok", "http://platform.lakesail.com/callback")
	if len(sent) != 1 {
		t.Fatalf("notified over plain HTTP: %+v", sent)
	}
	answerOf(t, sent[0])
}
