package emutest

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

// CloudWatchClient is a CloudWatch (metrics) client: Smithy RPC v2 CBOR, signed as "monitoring".
func CloudWatchClient(e *awsemu.Emulator, creds aws.Credentials) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(e.AWSConfig(Static(creds)), func(o *cloudwatch.Options) { o.Retryer = FastRetry() })
}

// CloudWatchSession creates a role with the inline policy and returns a CloudWatch client
// acting as a session of it.
func CloudWatchSession(t *testing.T, e *awsemu.Emulator, name, inline string) *cloudwatch.Client {
	t.Helper()
	creds, _ := RoleSession(t, e, name, inline, "")
	return CloudWatchClient(e, creds)
}

// Dims builds metric dimensions from name, value pairs.
func Dims(kv ...string) []cwtypes.Dimension {
	var out []cwtypes.Dimension
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, cwtypes.Dimension{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// PutMetric puts one value of a metric at a time.
func PutMetric(c *cloudwatch.Client, namespace, name string, at time.Time, value float64, dims ...cwtypes.Dimension) error {
	_, err := c.PutMetricData(Bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String(namespace), MetricData: []cwtypes.MetricDatum{{
		MetricName: aws.String(name), Dimensions: dims, Timestamp: aws.Time(at), Value: aws.Float64(value), Unit: cwtypes.StandardUnitCount,
	}}})
	return err
}
