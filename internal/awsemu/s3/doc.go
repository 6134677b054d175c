// Package s3 is the emulator's S3 (REST-XML, path style): buckets, their configuration and
// policies (Decide), and objects with SSE-KMS through the KMS interface it declares.
package s3
