package cloudwatch_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

const ns = "LakeSail/ABCDE12345"

// Datapoints put through the SDK (Smithy RPC v2 CBOR) come back aggregated per period from
// GetMetricStatistics and GetMetricData, for the exact dimensions asked.
func TestEmuCloudWatchPutAndRead(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.CloudWatchClient(e, e.RootCredentials())
	ws := emutest.Dims("Workspace", "ws00000001")
	base := emutest.T0.Add(-time.Hour).Truncate(time.Minute)
	for i, v := range []float64{1, 3, 8} { // two in the first minute, one in the second
		at := base.Add(time.Duration(i*40) * time.Second)
		emutest.Must(t, emutest.PutMetric(c, ns, "ExecutorCount", at, v, ws...))
	}
	// Another dimension set is another metric.
	emutest.Must(t, emutest.PutMetric(c, ns, "ExecutorCount", base, 100, emutest.Dims("Workspace", "ws00000002")...))
	// A statistic set and values with counts.
	_, err := c.PutMetricData(emutest.Bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String(ns), MetricData: []cwtypes.MetricDatum{
		{MetricName: aws.String("TaskSeconds"), Dimensions: ws, Timestamp: aws.Time(base), Unit: cwtypes.StandardUnitSeconds,
			StatisticValues: &cwtypes.StatisticSet{SampleCount: aws.Float64(4), Sum: aws.Float64(10), Minimum: aws.Float64(1), Maximum: aws.Float64(4)}},
		{MetricName: aws.String("TaskSeconds"), Dimensions: ws, Timestamp: aws.Time(base), Unit: cwtypes.StandardUnitSeconds,
			Values: []float64{5, 0.5}, Counts: []float64{2, 1}},
	}})
	emutest.Must(t, err)

	stats, err := c.GetMetricStatistics(emutest.Bg, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String(ns), MetricName: aws.String("ExecutorCount"),
		Dimensions: ws, StartTime: aws.Time(base), EndTime: aws.Time(base.Add(5 * time.Minute)), Period: aws.Int32(60),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticSum, cwtypes.StatisticAverage, cwtypes.StatisticMinimum, cwtypes.StatisticMaximum, cwtypes.StatisticSampleCount}})
	emutest.Must(t, err)
	if *stats.Label != "ExecutorCount" || len(stats.Datapoints) != 2 {
		t.Fatalf("statistics: %+v", stats)
	}
	slices.SortFunc(stats.Datapoints, func(a, b cwtypes.Datapoint) int { return a.Timestamp.Compare(*b.Timestamp) })
	first, second := stats.Datapoints[0], stats.Datapoints[1]
	if !first.Timestamp.Equal(base) || *first.Sum != 4 || *first.Average != 2 || *first.Minimum != 1 || *first.Maximum != 3 || *first.SampleCount != 2 ||
		first.Unit != cwtypes.StandardUnitCount || !second.Timestamp.Equal(base.Add(time.Minute)) || *second.Sum != 8 {
		t.Fatalf("datapoints: %+v %+v", first, second)
	}
	only, err := c.GetMetricStatistics(emutest.Bg, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String(ns), MetricName: aws.String("TaskSeconds"),
		Dimensions: ws, StartTime: aws.Time(base), EndTime: aws.Time(base.Add(time.Hour)), Period: aws.Int32(3600), Statistics: []cwtypes.Statistic{cwtypes.StatisticSum}})
	emutest.Must(t, err)
	if len(only.Datapoints) != 1 || *only.Datapoints[0].Sum != 20.5 || only.Datapoints[0].Average != nil || only.Datapoints[0].Unit != cwtypes.StandardUnitSeconds {
		t.Fatalf("statistic set and values: %+v", only.Datapoints)
	}

	data, err := c.GetMetricData(emutest.Bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(base), EndTime: aws.Time(base.Add(10 * time.Minute)),
		MetricDataQueries: []cwtypes.MetricDataQuery{
			{Id: aws.String("executors"), MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String(ns), MetricName: aws.String("ExecutorCount"), Dimensions: ws},
				Period: aws.Int32(60), Stat: aws.String("Maximum")}},
			{Id: aws.String("other"), Label: aws.String("ws2"), MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String(ns), MetricName: aws.String("ExecutorCount"),
				Dimensions: emutest.Dims("Workspace", "ws00000002")}, Period: aws.Int32(300), Stat: aws.String("Average")}},
			{Id: aws.String("hidden"), ReturnData: aws.Bool(false), MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String(ns), MetricName: aws.String("ExecutorCount")},
				Period: aws.Int32(60), Stat: aws.String("Sum")}},
		}, ScanBy: cwtypes.ScanByTimestampAscending})
	emutest.Must(t, err)
	if len(data.MetricDataResults) != 2 {
		t.Fatalf("results: %+v", data.MetricDataResults)
	}
	r := data.MetricDataResults[0]
	if *r.Id != "executors" || *r.Label != "ExecutorCount" || r.StatusCode != cwtypes.StatusCodeComplete ||
		fmt.Sprint(r.Values) != "[3 8]" || len(r.Timestamps) != 2 || !r.Timestamps[0].Equal(base) {
		t.Fatalf("executors: %+v", r)
	}
	if r := data.MetricDataResults[1]; *r.Label != "ws2" || fmt.Sprint(r.Values) != "[100]" {
		t.Fatalf("ws2: %+v", r)
	}
	// Newest first by default.
	desc, err := c.GetMetricData(emutest.Bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(base), EndTime: aws.Time(base.Add(10 * time.Minute)),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("m"), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String(ns), MetricName: aws.String("ExecutorCount"), Dimensions: ws}, Period: aws.Int32(60), Stat: aws.String("Sum")}}}})
	emutest.Must(t, err)
	if fmt.Sprint(desc.MetricDataResults[0].Values) != "[8 4]" {
		t.Fatalf("descending: %v", desc.MetricDataResults[0].Values)
	}
}

// ListMetrics filters by namespace, name and dimensions (a metric may have more than the
// filter names), pages by NextToken, and forgets metrics without data for two weeks.
func TestEmuCloudWatchListMetrics(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.CloudWatchClient(e, e.RootCredentials())
	var data []cwtypes.MetricDatum
	for i := range 600 {
		data = append(data, cwtypes.MetricDatum{MetricName: aws.String("Bytes"), Value: aws.Float64(1),
			Dimensions: emutest.Dims("Workspace", fmt.Sprintf("ws%08d", i), "Kind", []string{"shuffle", "spill"}[i%2])})
	}
	// 600 datums make a body over 10 KiB, which the SDK gzips.
	_, err := c.PutMetricData(emutest.Bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String(ns), MetricData: data})
	emutest.Must(t, err)
	emutest.Must(t, emutest.PutMetric(c, "Customer/App", "Latency", emutest.T0, 5))

	count := func(in *cloudwatch.ListMetricsInput) (int, int) {
		t.Helper()
		n, pages := 0, 0
		for p := cloudwatch.NewListMetricsPaginator(c, in); p.HasMorePages(); {
			out, err := p.NextPage(emutest.Bg)
			emutest.Must(t, err)
			n += len(out.Metrics)
			pages++
		}
		return n, pages
	}
	if n, pages := count(&cloudwatch.ListMetricsInput{Namespace: aws.String(ns)}); n != 600 || pages != 2 {
		t.Fatalf("namespace: %d metrics in %d pages", n, pages)
	}
	if n, _ := count(&cloudwatch.ListMetricsInput{}); n != 601 {
		t.Fatalf("all: %d", n)
	}
	if n, _ := count(&cloudwatch.ListMetricsInput{Namespace: aws.String(ns), Dimensions: []cwtypes.DimensionFilter{{Name: aws.String("Kind"), Value: aws.String("spill")}}}); n != 300 {
		t.Fatalf("dimension value: %d", n)
	}
	one, err := c.ListMetrics(emutest.Bg, &cloudwatch.ListMetricsInput{Dimensions: []cwtypes.DimensionFilter{{Name: aws.String("Workspace"), Value: aws.String("ws00000007")}}})
	emutest.Must(t, err)
	if len(one.Metrics) != 1 || *one.Metrics[0].MetricName != "Bytes" || len(one.Metrics[0].Dimensions) != 2 || *one.Metrics[0].Dimensions[0].Name != "Kind" {
		t.Fatalf("one: %+v", one.Metrics)
	}
	if n, _ := count(&cloudwatch.ListMetricsInput{MetricName: aws.String("Latency")}); n != 1 {
		t.Fatalf("name: %d", n)
	}
	_, err = c.ListMetrics(emutest.Bg, &cloudwatch.ListMetricsInput{NextToken: aws.String("bogus")})
	emutest.WantCode(t, err, "InvalidNextToken")

	clock.Advance(4 * time.Hour)
	if n, _ := count(&cloudwatch.ListMetricsInput{RecentlyActive: cwtypes.RecentlyActivePt3h}); n != 0 {
		t.Fatalf("recently active after 4h: %d", n)
	}
	clock.Advance(15 * 24 * time.Hour)
	if n, _ := count(&cloudwatch.ListMetricsInput{}); n != 0 {
		t.Fatalf("after two weeks: %d", n)
	}
}

// PutMetricData is validated whole as CloudWatch's model states, and the SDK reads the errors
// as CloudWatch's modeled types with their awsquery codes.
func TestEmuCloudWatchValidation(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.CloudWatchClient(e, e.RootCredentials())
	put := func(namespace string, d ...cwtypes.MetricDatum) error {
		_, err := c.PutMetricData(emutest.Bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String(namespace), MetricData: d})
		return err
	}
	v := func(x float64) cwtypes.MetricDatum {
		return cwtypes.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(x)}
	}

	err := put("AWS/EC2", v(1))
	var invalid *cwtypes.InvalidParameterValueException
	if !errors.As(err, &invalid) || invalid.ErrorCode() != "InvalidParameterValue" {
		t.Fatalf("AWS/ namespace: %v", err)
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "AWS/EC2")
	var missing *cwtypes.MissingRequiredParameterException
	if err := put("", v(1)); !errors.As(err, &missing) || emutest.ErrCode(err) != "MissingParameter" {
		t.Fatalf("no namespace: %v", err)
	}
	var combination *cwtypes.InvalidParameterCombinationException
	both := v(1)
	both.StatisticValues = &cwtypes.StatisticSet{SampleCount: aws.Float64(1), Sum: aws.Float64(1), Minimum: aws.Float64(1), Maximum: aws.Float64(1)}
	if err := put(ns, both); !errors.As(err, &combination) || emutest.ErrCode(err) != "InvalidParameterCombination" {
		t.Fatalf("value and statistic set: %v", err)
	}
	tooMany := make([]cwtypes.MetricDatum, 1001)
	for i := range tooMany {
		tooMany[i] = v(1)
	}
	for name, err := range map[string]error{
		"1001 datums":        put(ns, tooMany...),
		"bad namespace":      put("has|pipe", v(1)),
		"NaN":                put(ns, v(math.NaN())),
		"huge":               put(ns, v(math.Ldexp(1, 400))),
		"31 dimensions":      put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Dimensions: manyDims(31)}),
		"duplicate dims":     put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Dimensions: emutest.Dims("a", "1", "a", "2")}),
		"empty dim value":    put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Dimensions: emutest.Dims("a", "")}),
		"unit":               put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Unit: "Parsecs"}),
		"resolution":         put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), StorageResolution: aws.Int32(5)}),
		"three weeks ago":    put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Timestamp: aws.Time(emutest.T0.Add(-21 * 24 * time.Hour))}),
		"three hours ahead":  put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Timestamp: aws.Time(emutest.T0.Add(3 * time.Hour))}),
		"counts mismatch":    put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), Values: []float64{1, 2}, Counts: []float64{1}}),
		"no value":           put(ns, cwtypes.MetricDatum{MetricName: aws.String("m")}),
		"minimum over max":   put(ns, cwtypes.MetricDatum{MetricName: aws.String("m"), StatisticValues: &cwtypes.StatisticSet{SampleCount: aws.Float64(1), Sum: aws.Float64(1), Minimum: aws.Float64(2), Maximum: aws.Float64(1)}}),
		"no datums":          put(ns),
		"one bad of several": put(ns, v(1), v(math.Inf(1))),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if code := emutest.ErrCode(err); code != "InvalidParameterValue" && code != "MissingParameter" && code != "InvalidParameterCombination" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Nothing of a refused request was stored.
	out, err := c.ListMetrics(emutest.Bg, &cloudwatch.ListMetricsInput{})
	emutest.Must(t, err)
	if len(out.Metrics) != 0 {
		t.Fatalf("stored from refused requests: %+v", out.Metrics)
	}

	start, end := aws.Time(emutest.T0.Add(-time.Hour)), aws.Time(emutest.T0)
	stat := func(in cloudwatch.GetMetricStatisticsInput) error {
		in.Namespace, in.MetricName = aws.String(ns), aws.String("m")
		if in.StartTime == nil {
			in.StartTime, in.EndTime = start, end
		}
		_, err := c.GetMetricStatistics(emutest.Bg, &in)
		return err
	}
	sum := []cwtypes.Statistic{cwtypes.StatisticSum}
	for name, err := range map[string]error{
		"period 45":          stat(cloudwatch.GetMetricStatisticsInput{Period: aws.Int32(45), Statistics: sum}),
		"no statistics":      stat(cloudwatch.GetMetricStatisticsInput{Period: aws.Int32(60)}),
		"both statistics":    stat(cloudwatch.GetMetricStatisticsInput{Period: aws.Int32(60), Statistics: sum, ExtendedStatistics: []string{"p99"}}),
		"end before start":   stat(cloudwatch.GetMetricStatisticsInput{Period: aws.Int32(60), Statistics: sum, StartTime: end, EndTime: start}),
		"too many points":    stat(cloudwatch.GetMetricStatisticsInput{Period: aws.Int32(1), Statistics: sum}),
		"unknown statistic":  stat(cloudwatch.GetMetricStatisticsInput{Period: aws.Int32(60), Statistics: []cwtypes.Statistic{"Median"}}),
		"bad query id":       getData(c, "Bad", "Sum", 60),
		"percentile":         getData(c, "m", "p99", 60),
		"query period 45":    getData(c, "m", "Sum", 45),
		"unsupported metric": mathQuery(c),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if code := emutest.ErrCode(err); code != "InvalidParameterValue" && code != "MissingParameter" && code != "InvalidParameterCombination" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func manyDims(n int) []cwtypes.Dimension {
	var kv []string
	for i := range n {
		kv = append(kv, fmt.Sprintf("d%d", i), "v")
	}
	return emutest.Dims(kv...)
}

func getData(c *cloudwatch.Client, id, stat string, period int32) error {
	_, err := c.GetMetricData(emutest.Bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(emutest.T0.Add(-time.Hour)), EndTime: aws.Time(emutest.T0),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String(ns), MetricName: aws.String("m")}, Period: aws.Int32(period), Stat: aws.String(stat)}}}})
	return err
}

func mathQuery(c *cloudwatch.Client) error {
	_, err := c.GetMetricData(emutest.Bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(emutest.T0.Add(-time.Hour)), EndTime: aws.Time(emutest.T0),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("e"), Expression: aws.String("SUM(METRICS())")}}})
	return err
}
