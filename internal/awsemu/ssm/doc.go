// Package ssm is the emulator's Systems Manager Parameter Store, SecureString through KMS.
package ssm
