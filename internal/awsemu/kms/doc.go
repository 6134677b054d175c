// Package kms is the emulator's KMS: keys, aliases, key policies and grants (decide), and the
// cryptography other services ask of it through their interfaces (kmsPeer).
package kms
