package logs

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/kms"
)

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// logsKeyActions are what CloudWatch Logs needs the key policy to let its service principal do
// with a log group's key.
var logsKeyActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"}

// logsCheckKey checks a log group's KMS key as CloudWatch Logs does: a full key ARN, naming an
// enabled symmetric key of the emulator's KMS whose key policy lets logs.<region>.amazonaws.com
// use it for this group (encryption context aws:logs:arn = the group's ARN).
func logsCheckKey(c *core.Req, keyARN, group string) *core.APIError {
	if err := checkLogsKMSKey(keyARN); err != nil {
		return err
	}
	groupARN := logGroupARN(c, group)
	refused := logsInvalid("The specified KMS key does not exist or is not allowed to be used with Arn '%s'", groupARN)
	k, err := kms.ResolveKMSKey(c, c.Account, c.Region, keyARN, c.Now)
	if err != nil || k.Usable() != nil || k.KeySpec != "SYMMETRIC_DEFAULT" {
		return refused
	}
	service := "logs." + c.Region + ".amazonaws.com"
	for _, action := range logsKeyActions {
		req := iampolicy.Request{
			Caller: iampolicy.Caller{Service: service}, Action: action, Resource: k.Arn,
			Context: core.MergeContext(kms.KeyContext(c, k), map[string][]string{
				"kms:EncryptionContext:aws:logs:arn": {groupARN},
				"kms:EncryptionContextKeys":          {"aws:logs:arn"},
				"aws:SourceAccount":                  {c.Account.Id},
				"aws:SourceArn":                      {groupARN},
				"aws:PrincipalServiceName":           {service},
			}),
		}
		if k.Policy.Match(req).Decision != iampolicy.Allowed {
			return refused
		}
	}
	return nil
}
