package connpolicy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// CallbackSignatureHeader carries the lifecycle Lambda's signature of the request body.
const CallbackSignatureHeader = "X-LakeSail-Signature"

// CallbackSignature is the header value the lifecycle Lambda sends: "sha256=" and the hex
// HMAC-SHA256 of the body, keyed on the connection's external ID.
func CallbackSignature(body []byte, externalID string) string {
	mac := hmac.New(sha256.New, []byte(externalID))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifyCallbackSignature reports, in constant time, whether header signs body.
func VerifyCallbackSignature(body []byte, externalID, header string) bool {
	want := CallbackSignature(body, externalID)
	return hmac.Equal([]byte(strings.TrimSpace(header)), []byte(want))
}

// callbackTrust lets only Lambda assume the callback role.
func callbackTrust(n names) iampolicy.Document {
	return document(iampolicy.Statement{
		Sid:       "LambdaRunsTheLifecycleCallback",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: iampolicy.Values{n.servicePrincipal("lambda")}},
		Action:    iampolicy.Values{"sts:AssumeRole"},
	})
}

// callbackPolicy: the callback function writes its own log group (which the template creates,
// with retention) and reads its own stack's status. Drift detection is not granted: the
// function does not run it, and it would need reads on every resource of the stack.
func callbackPolicy(n names) iampolicy.Document {
	logGroup := n.own("logs", "log-group:/aws/lambda/"+n.callbackFunction())
	return document(
		allow("WriteOwnLogGroup",
			withPrefix("logs", "CreateLogStream", "PutLogEvents"),
			list(logGroup+":*")),
		allow("DescribeOwnStack",
			list("cloudformation:DescribeStacks"),
			list(n.own("cloudformation", "stack/"+n.stackName+"/*"))),
	)
}
