package lakesail

import "context"

// Logger is the library's one progress hook: it hears what long operations are doing (a
// workspace's steps, each change of status while waiting for AWS, retries while IAM propagates a
// role). The caller passes it once, in Options.Logger; the provider adapts it to tflog. ctx is
// the operation's context.
type Logger func(ctx context.Context, msg string, fields map[string]any)

// Log hands a progress message to the logger; a nil Logger discards it.
func (l Logger) Log(ctx context.Context, msg string, fields map[string]any) {
	if l != nil {
		l(ctx, msg, fields)
	}
}

// Log reports progress to the client's Logger (Options.Logger), if it has one.
func (c *Client) Log(ctx context.Context, msg string, fields map[string]any) {
	c.opts.Logger.Log(ctx, msg, fields)
}
