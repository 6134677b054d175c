package logs

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// logsKMS is what CloudWatch Logs asks of KMS; the kms service's Impl answers it. Logs never
// reads KMS's state (or a key policy) itself.
type logsKMS interface {
	// ResolveKey is the ARN of the key ref names for the caller in region, or KMS's error when
	// there is none.
	ResolveKey(c *core.Req, region, ref string) (arn string, err *core.APIError)
	// KeyByARN is the spec and usage of the key arn names and KMS's error for using it now
	// (nil when it is usable); exists is false when there is no such key.
	KeyByARN(c *core.Req, arn string) (spec, usage string, unusable *core.APIError, exists bool)
	// KeyPolicyAllowsService reports whether the key policy of keyARN lets the service
	// principal service make action on the key with context ctx.
	KeyPolicyAllowsService(c *core.Req, keyARN, service, action string, ctx map[string][]string) bool
}

// logsKMSOf is KMS as CloudWatch Logs sees it.
func logsKMSOf(c *core.Req) logsKMS {
	v, ok := core.Peer[logsKMS](c, "kms")
	if !ok {
		panic("awsemu: CloudWatch Logs needs the kms service")
	}
	return v
}

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
	kms := logsKMSOf(c)
	arn, err := kms.ResolveKey(c, c.Region, keyARN)
	if err != nil {
		return refused
	}
	if spec, _, unusable, _ := kms.KeyByARN(c, arn); unusable != nil || spec != "SYMMETRIC_DEFAULT" {
		return refused
	}
	service := "logs." + c.Region + ".amazonaws.com"
	ctx := map[string][]string{
		"kms:EncryptionContext:aws:logs:arn": {groupARN},
		"kms:EncryptionContextKeys":          {"aws:logs:arn"},
		"aws:SourceAccount":                  {c.Account.Id},
		"aws:SourceArn":                      {groupARN},
		"aws:PrincipalServiceName":           {service},
	}
	for _, action := range logsKeyActions {
		if !kms.KeyPolicyAllowsService(c, arn, service, action, ctx) {
			return refused
		}
	}
	return nil
}
