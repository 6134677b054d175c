// Package logs is the emulator's CloudWatch Logs: log groups, retention, KMS keys and tags.
package logs
