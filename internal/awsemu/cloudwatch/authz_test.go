package cloudwatch_test

import (
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/authref"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

// A role allowed cloudwatch:PutMetricData only for one namespace (cloudwatch:namespace, from the
// request) publishes there and nowhere else; reads have no resource or namespace scope, so a
// statement naming a resource does not allow them. Every check the emulator computed is of an
// action the Service Authorization Reference lists, on "*" (none has a resource type), with only
// condition keys the SAR lists for it.
func TestEmuCloudWatchAuthz(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	var mu sync.Mutex
	var questions []awsemu.AuthQuestion
	e.OnAuthorize(func(q awsemu.AuthQuestion) {
		mu.Lock()
		defer mu.Unlock()
		questions = append(questions, q)
	})
	s := emutest.CloudWatchSession(t, e, "metrics", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*",
			Condition: map[string]any{"StringEquals": map[string]any{"cloudwatch:namespace": ns}}},
		emutest.Allow([]string{"cloudwatch:ListMetrics", "cloudwatch:GetMetricData"}, "*"),
		emutest.Allow("cloudwatch:GetMetricStatistics", "arn:aws:cloudwatch:*:*:alarm:*"),
	))
	emutest.Must(t, emutest.PutMetric(s, ns, "ExecutorCount", emutest.T0, 1))
	for _, other := range []string{"LakeSail/ZZ99YY88XX", "LakeSail/ABCDE12345/sub", "AWS/EC2", "Customer/App"} {
		err := emutest.PutMetric(s, other, "ExecutorCount", emutest.T0, 1)
		emutest.WantCode(t, err, "AccessDenied")
		emutest.WantContains(t, emutest.ErrMessage(err), "User: arn:aws:sts::123456789012:assumed-role/metrics/test-session is not authorized to perform: cloudwatch:PutMetricData on resource: * because no identity-based policy allows the cloudwatch:PutMetricData action")
	}
	_, err := s.ListMetrics(emutest.Bg, &cloudwatch.ListMetricsInput{})
	emutest.Must(t, err)
	_, err = s.GetMetricData(emutest.Bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(emutest.T0.Add(-time.Hour)), EndTime: aws.Time(emutest.T0),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("m"), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String(ns), MetricName: aws.String("ExecutorCount")}, Period: aws.Int32(60), Stat: aws.String("Sum")}}}})
	emutest.Must(t, err)
	_, err = s.GetMetricStatistics(emutest.Bg, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String(ns), MetricName: aws.String("ExecutorCount"),
		StartTime: aws.Time(emutest.T0.Add(-time.Hour)), EndTime: aws.Time(emutest.T0), Period: aws.Int32(60), Statistics: []cwtypes.Statistic{cwtypes.StatisticSum}})
	emutest.WantCode(t, err, "AccessDenied")
	emutest.WantContains(t, emutest.ErrMessage(err), "cloudwatch:GetMetricStatistics on resource: *")

	mu.Lock()
	defer mu.Unlock()
	seen := map[string]bool{}
	for _, q := range questions {
		if q.Service != "monitoring" {
			continue
		}
		for _, ch := range q.Checks {
			act, ok := authref.Lookup(ch.Action)
			if !ok {
				t.Errorf("%s: %s is not in the SAR", q.Operation, ch.Action)
				continue
			}
			seen[ch.Action] = true
			for _, res := range ch.Resources {
				if _, ok := authref.ResourceTypeOf(ch.Action, res); !ok && (!act.Unscoped() || res != "*") {
					t.Errorf("%s authorizes %s on %s, an ARN of none of the SAR's resource types for it", q.Operation, ch.Action, res)
				}
			}
			if act.Unscoped() && (len(ch.Resources) != 1 || ch.Resources[0] != "*") {
				t.Errorf("%s: %s has no resource types but is authorized on %v", q.Operation, ch.Action, ch.Resources)
			}
			for key := range ch.Context {
				if !act.HasConditionKey(key) {
					t.Errorf("%s: condition key %s is not one the SAR lists for %s", q.Operation, key, ch.Action)
				}
			}
			if ch.Action == "cloudwatch:PutMetricData" && len(ch.Context["cloudwatch:namespace"]) != 1 {
				t.Errorf("PutMetricData without cloudwatch:namespace: %v", ch.Context)
			}
		}
	}
	for _, a := range []string{"cloudwatch:PutMetricData", "cloudwatch:ListMetrics", "cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics"} {
		if !seen[a] {
			t.Errorf("no authorization of %s seen", a)
		}
	}
}
