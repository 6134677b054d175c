package envelope

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

func cloudwatchOf(p principal) *cloudwatch.Client { return cloudwatch.NewFromConfig(p.cfg) }

func putMetric(c *cloudwatch.Client, namespace string) error {
	_, err := c.PutMetricData(bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String(namespace), MetricData: []cwtypes.MetricDatum{{
		MetricName: aws.String("ExecutorCount"), Value: aws.Float64(3), Unit: cwtypes.StandardUnitCount,
		Dimensions: []cwtypes.Dimension{{Name: aws.String("Workspace"), Value: aws.String(workspaceID)}},
	}}})
	return err
}

// metricReadResidual: IAM has no resource types and no namespace condition key for the
// CloudWatch metric reads, so the role that reads the connection's metrics reads the account's.
const metricReadResidual = "cloudwatch:ListMetrics, GetMetricData and GetMetricStatistics have no resource types and no " +
	"namespace condition key: they reach every metric of the account (names, dimensions and values; no data)"

// TestEnvelopeCloudWatchMetrics: the connection role publishes metrics to its own namespace
// (LakeSail/<ID>) only: not to another connection's, the customer's, a lookalike or AWS/*; the
// workload roles publish nowhere. The metric reads are a documented residual.
func TestEnvelopeCloudWatchMetrics(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	own := w.bundle.Spec.MetricNamespace()
	if own != "LakeSail/"+connID {
		t.Fatalf("metric namespace %q", own)
	}
	customer := principal{name: "customer", cfg: w.root}
	for _, ns := range []string{"Customer/App", "LakeSail/" + otherID} {
		must(t, putMetric(cloudwatchOf(customer), ns))
	}

	// Positive controls: the connection role emits and reads its metrics.
	w.wantAllowed(t, w.connection, "cloudwatch:PutMetricData to "+own, putMetric(cloudwatchOf(w.connection), own))
	data, err := cloudwatchOf(w.connection).GetMetricData(bg, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(time.Now().Add(-time.Hour)), EndTime: aws.Time(time.Now().Add(time.Hour)),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("executors"), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String(own), MetricName: aws.String("ExecutorCount"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("Workspace"), Value: aws.String(workspaceID)}}},
			Period: aws.Int32(3600), Stat: aws.String("Sum")}}},
	})
	w.wantAllowed(t, w.connection, "cloudwatch:GetMetricData on "+own, err)
	if err == nil && (len(data.MetricDataResults) != 1 || len(data.MetricDataResults[0].Values) != 1 || data.MetricDataResults[0].Values[0] != 3) {
		t.Errorf("GetMetricData of %s: %+v", own, data.MetricDataResults)
	}

	for _, p := range w.principals() {
		for _, ns := range []string{"Customer/App", "LakeSail/" + otherID, "LakeSail/" + connID + "X", "LakeSail/" + connID + "/sub", "AWS/EKS", "AWS/EC2"} {
			t.Run(p.name+"/PutMetricData/"+ns, func(t *testing.T) {
				w.wantRefused(t, p, "cloudwatch:PutMetricData to "+ns, putMetric(cloudwatchOf(p), ns))
			})
		}
	}
	for _, p := range w.workloads {
		t.Run(p.name+"/PutMetricData/own", func(t *testing.T) {
			w.wantRefused(t, p, "cloudwatch:PutMetricData to "+own, putMetric(cloudwatchOf(p), own))
		})
	}

	// Residual: the reads see the customer's metrics too.
	t.Run("connection-role/residual/ListMetrics", func(t *testing.T) {
		out, err := cloudwatchOf(w.connection).ListMetrics(bg, &cloudwatch.ListMetricsInput{Namespace: aws.String("Customer/App")})
		w.wantResidual(t, w.connection, "cloudwatch:ListMetrics of Customer/App", metricReadResidual, err)
		if err == nil && len(out.Metrics) != 1 {
			t.Errorf("ListMetrics of Customer/App: %+v", out.Metrics)
		}
	})
	t.Run("connection-role/residual/GetMetricStatistics", func(t *testing.T) {
		_, err := cloudwatchOf(w.connection).GetMetricStatistics(bg, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("Customer/App"),
			MetricName: aws.String("ExecutorCount"), Dimensions: []cwtypes.Dimension{{Name: aws.String("Workspace"), Value: aws.String(workspaceID)}},
			StartTime: aws.Time(time.Now().Add(-time.Hour)), EndTime: aws.Time(time.Now().Add(time.Hour)), Period: aws.Int32(3600),
			Statistics: []cwtypes.Statistic{cwtypes.StatisticSum}})
		w.wantResidual(t, w.connection, "cloudwatch:GetMetricStatistics of Customer/App", metricReadResidual, err)
	})
}
