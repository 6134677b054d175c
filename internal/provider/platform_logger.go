package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/platform"
)

// platformLogComponent marks the platform client's lines in TF_LOG output.
const platformLogComponent = "lakesail_platform"

// tflogPlatformLogger sends the platform client's log lines to Terraform's log, under the
// context of the operation that made the call. The client scrubs the token before logging.
type tflogPlatformLogger struct{}

var _ platform.Logger = tflogPlatformLogger{}

func (tflogPlatformLogger) Debug(ctx context.Context, msg string, keysAndValues ...any) {
	tflog.Debug(ctx, msg, platformLogFields(keysAndValues))
}

func (tflogPlatformLogger) Info(ctx context.Context, msg string, keysAndValues ...any) {
	tflog.Info(ctx, msg, platformLogFields(keysAndValues))
}

func (tflogPlatformLogger) Warn(ctx context.Context, msg string, keysAndValues ...any) {
	tflog.Warn(ctx, msg, platformLogFields(keysAndValues))
}

func (tflogPlatformLogger) Error(ctx context.Context, msg string, keysAndValues ...any) {
	tflog.Error(ctx, msg, platformLogFields(keysAndValues))
}

// platformLogFields turns alternating keys and values into tflog fields. A key that is not a
// string is printed; a value left without a key is kept under "extra" rather than dropped.
func platformLogFields(keysAndValues []any) map[string]any {
	fields := map[string]any{"component": platformLogComponent}
	for i := 0; i < len(keysAndValues); i += 2 {
		key, ok := keysAndValues[i].(string)
		if !ok {
			key = fmt.Sprint(keysAndValues[i])
		}
		if i+1 == len(keysAndValues) {
			fields["extra"] = keysAndValues[i]
			break
		}
		fields[key] = keysAndValues[i+1]
	}
	return fields
}
