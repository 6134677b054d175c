// Package cloudwatch is the emulator's CloudWatch metrics: PutMetricData, ListMetrics,
// GetMetricData and GetMetricStatistics over the datapoints an account put, spoken in Smithy
// RPC v2 CBOR as the SDK does (signing name "monitoring", IAM prefix "cloudwatch").
package cloudwatch
