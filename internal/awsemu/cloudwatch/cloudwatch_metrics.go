package cloudwatch

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Authorization follows the Service Authorization Reference (internal/authref, cloudwatch.go):
// none of these actions has a resource type, so each is evaluated on "*"; PutMetricData carries
// cloudwatch:namespace, the namespace the request publishes to.
func metricOps() []*core.Operation {
	return []*core.Operation{
		{Name: "PutMetricData", Action: "cloudwatch:PutMetricData", Context: namespaceContext, Handle: putMetricData},
		{Name: "ListMetrics", Action: "cloudwatch:ListMetrics", Handle: listMetrics},
		{Name: "GetMetricData", Action: "cloudwatch:GetMetricData", Handle: getMetricData},
		{Name: "GetMetricStatistics", Action: "cloudwatch:GetMetricStatistics", Handle: getMetricStatistics},
	}
}

// namespaceContext is cloudwatch:namespace: the request's Namespace (absent when it sends none).
func namespaceContext(c *core.Req) map[string][]string {
	if ns := core.CBORBody[struct{ Namespace string }](c).Namespace; ns != "" {
		return map[string][]string{"cloudwatch:namespace": {ns}}
	}
	return nil
}

type dimension struct {
	Name  string
	Value string `json:",omitempty"`
}

type statisticSet struct {
	SampleCount, Sum, Minimum, Maximum *float64
}

type metricDatum struct {
	MetricName        string
	Dimensions        []dimension
	Timestamp         *time.Time
	Value             *float64
	StatisticValues   *statisticSet
	Values, Counts    []float64
	Unit              string
	StorageResolution *int32
}

// How far from now PutMetricData accepts timestamps (CloudWatch User Guide: two weeks in the
// past, two hours in the future).
const (
	maxPast   = 14 * 24 * time.Hour
	maxFuture = 2 * time.Hour
)

func putMetricData(c *core.Req) (any, error) {
	var in struct {
		Namespace  string
		MetricData []metricDatum
	}
	if err := c.DecodeCBOR(&in); err != nil {
		return nil, err
	}
	if in.Namespace == "" {
		return nil, missing("Namespace")
	}
	if err := checkNamespace("Namespace", in.Namespace, true); err != nil {
		return nil, err
	}
	if len(in.MetricData) == 0 {
		return nil, missing("MetricData")
	}
	if len(in.MetricData) > 1000 {
		return nil, invalidValue("The collection MetricData must not have a size greater than 1000.")
	}
	type put struct {
		key string
		m   metric
	}
	var puts []put
	for i, d := range in.MetricData {
		p := fmt.Sprintf("MetricData.member.%d", i+1)
		pts, err := datumPoints(c, p, d)
		if err != nil {
			return nil, err
		}
		dims := sortDims(d.Dimensions)
		puts = append(puts, put{metricKey(in.Namespace, d.MetricName, dims), metric{namespace: in.Namespace, name: d.MetricName, dims: dims, points: pts}})
	}
	// All or nothing: the request is validated whole before anything is stored.
	st := stateOf(c)
	for _, p := range puts {
		m := st.metrics[p.key]
		if m == nil {
			m = &metric{namespace: p.m.namespace, name: p.m.name, dims: p.m.dims}
			st.metrics[p.key] = m
		}
		m.points = append(m.points, p.m.points...)
		m.lastPut = c.Now
	}
	return nil, nil
}

// datumPoints validates one datum and turns it into points: a Value is one sample, a
// StatisticSet an aggregate, Values with Counts each value that many times.
func datumPoints(c *core.Req, p string, d metricDatum) ([]point, *core.APIError) {
	if d.MetricName == "" {
		return nil, missing(p + ".MetricName")
	}
	if err := checkLength(p+".MetricName", d.MetricName, 1, 255); err != nil {
		return nil, err
	}
	if err := checkDimensions(p+".Dimensions", d.Dimensions); err != nil {
		return nil, err
	}
	if err := checkUnit(p+".Unit", d.Unit); err != nil {
		return nil, err
	}
	unit := d.Unit
	if unit == "" {
		unit = "None"
	}
	if r := d.StorageResolution; r != nil && *r != 1 && *r != 60 {
		return nil, invalidValue("The value %d for parameter %s.StorageResolution is invalid: it must be 1 or 60.", *r, p)
	}
	at := c.Now
	if d.Timestamp != nil {
		at = *d.Timestamp
		if at.After(c.Now.Add(maxFuture)) {
			return nil, invalidValue("The parameter %s.Timestamp must specify a time no more than two hours in the future.", p)
		}
		if at.Before(c.Now.Add(-maxPast)) {
			return nil, invalidValue("The parameter %s.Timestamp must specify a time within the past two weeks.", p)
		}
	}
	given := 0
	for _, set := range []bool{d.Value != nil, d.StatisticValues != nil, d.Values != nil} {
		if set {
			given++
		}
	}
	if given > 1 {
		return nil, invalidCombination("The parameters %[1]s.Value, %[1]s.StatisticValues and %[1]s.Values are mutually exclusive and you have specified more than one.", p)
	}
	switch {
	case d.Value != nil:
		if err := checkValue(p+".Value", *d.Value); err != nil {
			return nil, err
		}
		v := *d.Value
		return []point{{at: at, count: 1, sum: v, lo: v, hi: v, unit: unit}}, nil
	case d.StatisticValues != nil:
		s := d.StatisticValues
		vals := map[string]*float64{"SampleCount": s.SampleCount, "Sum": s.Sum, "Minimum": s.Minimum, "Maximum": s.Maximum}
		for _, name := range []string{"SampleCount", "Sum", "Minimum", "Maximum"} {
			if vals[name] == nil {
				return nil, missing(p + ".StatisticValues." + name)
			}
			if err := checkValue(p+".StatisticValues."+name, *vals[name]); err != nil {
				return nil, err
			}
		}
		if *s.SampleCount <= 0 || *s.Minimum > *s.Maximum {
			return nil, invalidValue("The parameter %s.StatisticValues is invalid: SampleCount must be positive and Minimum at most Maximum.", p)
		}
		return []point{{at: at, count: *s.SampleCount, sum: *s.Sum, lo: *s.Minimum, hi: *s.Maximum, unit: unit}}, nil
	case d.Values != nil:
		if len(d.Values) > 150 {
			return nil, invalidValue("The collection %s.Values must not have a size greater than 150.", p)
		}
		if d.Counts != nil && len(d.Counts) != len(d.Values) {
			return nil, invalidCombination("The parameters %[1]s.Values and %[1]s.Counts must be arrays of the same length.", p)
		}
		var out []point
		for j, v := range d.Values {
			if err := checkValue(fmt.Sprintf("%s.Values.member.%d", p, j+1), v); err != nil {
				return nil, err
			}
			n := 1.0
			if d.Counts != nil {
				n = d.Counts[j]
				if math.IsNaN(n) || n <= 0 || math.IsInf(n, 0) {
					return nil, invalidValue("The value %v for parameter %s.Counts.member.%d is invalid: counts must be positive.", n, p, j+1)
				}
			}
			out = append(out, point{at: at, count: n, sum: v * n, lo: v, hi: v, unit: unit})
		}
		return out, nil
	}
	return nil, invalidCombination("One of the parameters %[1]s.Value, %[1]s.StatisticValues or %[1]s.Values must be specified.", p)
}

type dimensionFilter struct {
	Name  string
	Value *string
}

type metricOut struct {
	Namespace  string
	MetricName string
	Dimensions []dimension
}

// listMetricsPage is ListMetrics' page size (CloudWatch API Reference: up to 500 results).
const listMetricsPage = 500

func listMetrics(c *core.Req) (any, error) {
	var in struct {
		Namespace, MetricName, NextToken, RecentlyActive, OwningAccount string
		Dimensions                                                      []dimensionFilter
		IncludeLinkedAccounts                                           bool
	}
	if err := c.DecodeCBOR(&in); err != nil {
		return nil, err
	}
	if in.Namespace != "" {
		if err := checkNamespace("Namespace", in.Namespace, false); err != nil {
			return nil, err
		}
	}
	if len(in.Dimensions) > 10 {
		return nil, invalidValue("The collection Dimensions must not have a size greater than 10.")
	}
	for i, f := range in.Dimensions {
		if f.Name == "" {
			return nil, missing(fmt.Sprintf("Dimensions.member.%d.Name", i+1))
		}
	}
	since := c.Now.Add(-maxPast)
	switch in.RecentlyActive {
	case "":
	case "PT3H":
		since = c.Now.Add(-3 * time.Hour)
	default:
		return nil, invalidValue("The value %s for parameter RecentlyActive is invalid: the only valid value is PT3H.", in.RecentlyActive)
	}
	if in.OwningAccount != "" && in.OwningAccount != c.Account.Id {
		return nil, invalidValue("The value %s for parameter OwningAccount is invalid: the account is not linked to this monitoring account.", in.OwningAccount)
	}
	var found []*metric
	for _, m := range stateOf(c).sortedMetrics() {
		if (in.Namespace != "" && m.namespace != in.Namespace) || (in.MetricName != "" && m.name != in.MetricName) ||
			m.lastPut.Before(since) || !hasDimensions(m, in.Dimensions) {
			continue
		}
		found = append(found, m)
	}
	page, next, ok := core.PageByToken(found, in.NextToken, listMetricsPage)
	if !ok {
		return nil, core.NewError(codeInvalidNextToken, 400, "The service cannot use the next token %s.", in.NextToken)
	}
	out := struct {
		Metrics        []metricOut
		NextToken      string   `json:",omitempty"`
		OwningAccounts []string `json:",omitempty"`
	}{Metrics: []metricOut{}, NextToken: next}
	for _, m := range page {
		out.Metrics = append(out.Metrics, metricOut{Namespace: m.namespace, MetricName: m.name, Dimensions: slices.Clone(m.dims)})
		if in.IncludeLinkedAccounts {
			out.OwningAccounts = append(out.OwningAccounts, c.Account.Id)
		}
	}
	return out, nil
}

// hasDimensions: the metric has every filtered dimension (with the filtered value, when one
// is given); it may have more.
func hasDimensions(m *metric, filters []dimensionFilter) bool {
	for _, f := range filters {
		i := slices.IndexFunc(m.dims, func(d dimension) bool { return d.Name == f.Name })
		if i < 0 || (f.Value != nil && m.dims[i].Value != *f.Value) {
			return false
		}
	}
	return true
}

// bucket is the aggregate of a metric's points over one period.
type bucket struct {
	at                 time.Time
	count, sum, lo, hi float64
	unit               string
}

func (b bucket) stat(name string) float64 {
	switch name {
	case "SampleCount":
		return b.count
	case "Sum":
		return b.sum
	case "Minimum":
		return b.lo
	case "Maximum":
		return b.hi
	}
	return b.sum / b.count // Average
}

// aggregate groups the points of m (with unit, when set) in [start, end) into periods counted
// from start, in time order; only periods with data are returned. start is rounded down to the
// minute for periods of a minute or more, to the second otherwise, as CloudWatch does.
func aggregate(m *metric, start, end time.Time, period time.Duration, unit string) []bucket {
	if m == nil {
		return nil
	}
	if period >= time.Minute {
		start = start.Truncate(time.Minute)
	} else {
		start = start.Truncate(time.Second)
	}
	byIndex := map[int64]*bucket{}
	for _, p := range m.points {
		if p.at.Before(start) || !p.at.Before(end) || (unit != "" && p.unit != unit) {
			continue
		}
		i := int64(p.at.Sub(start) / period)
		b := byIndex[i]
		if b == nil {
			b = &bucket{at: start.Add(time.Duration(i) * period), lo: p.lo, hi: p.hi, unit: p.unit}
			byIndex[i] = b
		}
		b.count += p.count
		b.sum += p.sum
		b.lo, b.hi = min(b.lo, p.lo), max(b.hi, p.hi)
	}
	out := make([]bucket, 0, len(byIndex))
	for _, b := range byIndex {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b bucket) int { return a.at.Compare(b.at) })
	return out
}

// maxStatisticsDatapoints is GetMetricStatistics' limit on the datapoints one call may ask for.
const maxStatisticsDatapoints = 1440

func getMetricStatistics(c *core.Req) (any, error) {
	var in struct {
		Namespace, MetricName, Unit    string
		Dimensions                     []dimension
		StartTime, EndTime             *time.Time
		Period                         *int32
		Statistics, ExtendedStatistics []string
	}
	if err := c.DecodeCBOR(&in); err != nil {
		return nil, err
	}
	switch {
	case in.Namespace == "":
		return nil, missing("Namespace")
	case in.MetricName == "":
		return nil, missing("MetricName")
	}
	if err := checkNamespace("Namespace", in.Namespace, false); err != nil {
		return nil, err
	}
	if err := checkDimensions("Dimensions", in.Dimensions); err != nil {
		return nil, err
	}
	if err := checkRange(in.StartTime, in.EndTime); err != nil {
		return nil, err
	}
	if err := checkPeriod("Period", in.Period); err != nil {
		return nil, err
	}
	if err := checkUnit("Unit", in.Unit); err != nil {
		return nil, err
	}
	switch {
	case len(in.Statistics) > 0 && len(in.ExtendedStatistics) > 0:
		return nil, invalidCombination("The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.")
	case len(in.ExtendedStatistics) > 0:
		return nil, invalidValue("The parameter ExtendedStatistics is not supported by awsemu (percentiles are not kept).")
	case len(in.Statistics) == 0:
		return nil, invalidCombination("Must specify either Statistics or ExtendedStatistics.")
	case len(in.Statistics) > 5:
		return nil, invalidValue("The collection Statistics must not have a size greater than 5.")
	}
	for i, s := range in.Statistics {
		if !slices.Contains(statistics, s) {
			return nil, invalidValue("The value %s for parameter Statistics.member.%d is invalid: it must be one of %s.", s, i+1, strings.Join(statistics, ", "))
		}
	}
	period := time.Duration(*in.Period) * time.Second
	if n := int64((in.EndTime.Sub(*in.StartTime) + period - 1) / period); n > maxStatisticsDatapoints {
		return nil, invalidCombination("You have requested up to %d datapoints, which exceeds the limit of %d. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", n, maxStatisticsDatapoints)
	}
	type datapoint struct {
		Timestamp                                   time.Time
		SampleCount, Average, Sum, Minimum, Maximum *float64 `json:",omitempty"`
		Unit                                        string
	}
	m := stateOf(c).metrics[metricKey(in.Namespace, in.MetricName, sortDims(in.Dimensions))]
	out := struct {
		Label      string
		Datapoints []datapoint
	}{Label: in.MetricName, Datapoints: []datapoint{}}
	for _, b := range aggregate(m, *in.StartTime, *in.EndTime, period, in.Unit) {
		dp := datapoint{Timestamp: b.at, Unit: b.unit}
		for _, s := range in.Statistics {
			v := b.stat(s)
			switch s {
			case "SampleCount":
				dp.SampleCount = &v
			case "Average":
				dp.Average = &v
			case "Sum":
				dp.Sum = &v
			case "Minimum":
				dp.Minimum = &v
			case "Maximum":
				dp.Maximum = &v
			}
		}
		out.Datapoints = append(out.Datapoints, dp)
	}
	return out, nil
}

type metricStat struct {
	Metric *struct {
		Namespace, MetricName string
		Dimensions            []dimension
	}
	Period *int32
	Stat   string
	Unit   string
}

type metricDataQuery struct {
	ID         string `json:"Id"`
	MetricStat *metricStat
	Expression string
	Label      string
	ReturnData *bool
	Period     *int32
	AccountID  string `json:"AccountId"`
}

type metricDataResult struct {
	ID         string `json:"Id"`
	Label      string
	Timestamps []time.Time
	Values     []float64
	StatusCode string
	Messages   []struct{} `json:",omitempty"`
}

// maxMetricDataQueries is how many queries one GetMetricData call may hold.
const maxMetricDataQueries = 500

func getMetricData(c *core.Req) (any, error) {
	var in struct {
		MetricDataQueries  []metricDataQuery
		StartTime, EndTime *time.Time
		NextToken, ScanBy  string
		MaxDatapoints      *int32
	}
	if err := c.DecodeCBOR(&in); err != nil {
		return nil, err
	}
	if len(in.MetricDataQueries) == 0 {
		return nil, missing("MetricDataQueries")
	}
	if len(in.MetricDataQueries) > maxMetricDataQueries {
		return nil, invalidValue("The collection MetricDataQueries must not have a size greater than %d.", maxMetricDataQueries)
	}
	if err := checkRange(in.StartTime, in.EndTime); err != nil {
		return nil, err
	}
	if in.NextToken != "" {
		// Every result is returned in one page, so no token is ever issued.
		return nil, core.NewError(codeInvalidNextToken, 400, "The service cannot use the next token %s.", in.NextToken)
	}
	descending := true
	switch in.ScanBy {
	case "", "TimestampDescending":
	case "TimestampAscending":
		descending = false
	default:
		return nil, invalidValue("The value %s for parameter ScanBy is invalid: it must be TimestampDescending or TimestampAscending.", in.ScanBy)
	}
	if in.MaxDatapoints != nil && *in.MaxDatapoints < 1 {
		return nil, invalidValue("The value %d for parameter MaxDatapoints is invalid: it must be positive.", *in.MaxDatapoints)
	}
	seen := map[string]bool{}
	for i, q := range in.MetricDataQueries {
		if err := checkQuery(c, fmt.Sprintf("MetricDataQueries.member.%d", i+1), q); err != nil {
			return nil, err
		}
		if seen[q.ID] {
			return nil, invalidValue("The value %s for parameter MetricDataQueries.member.%d.Id is invalid: the ids of the queries must be unique.", q.ID, i+1)
		}
		seen[q.ID] = true
	}
	st := stateOf(c)
	out := struct {
		MetricDataResults []metricDataResult
		Messages          []struct{}
	}{MetricDataResults: []metricDataResult{}, Messages: []struct{}{}}
	for _, q := range in.MetricDataQueries {
		if q.ReturnData != nil && !*q.ReturnData {
			continue
		}
		ms := q.MetricStat
		m := st.metrics[metricKey(ms.Metric.Namespace, ms.Metric.MetricName, sortDims(ms.Metric.Dimensions))]
		buckets := aggregate(m, *in.StartTime, *in.EndTime, time.Duration(*ms.Period)*time.Second, ms.Unit)
		if descending {
			slices.Reverse(buckets)
		}
		label := q.Label
		if label == "" {
			label = ms.Metric.MetricName
		}
		r := metricDataResult{ID: q.ID, Label: label, Timestamps: []time.Time{}, Values: []float64{}, StatusCode: "Complete"}
		for _, b := range buckets {
			r.Timestamps = append(r.Timestamps, b.at)
			r.Values = append(r.Values, b.stat(ms.Stat))
		}
		out.MetricDataResults = append(out.MetricDataResults, r)
	}
	return out, nil
}

// checkQuery validates one query of GetMetricData. Metric math (Expression) is not emulated.
func checkQuery(c *core.Req, p string, q metricDataQuery) *core.APIError {
	if q.ID == "" {
		return missing(p + ".Id")
	}
	if len(q.ID) > 255 || !reQueryID.MatchString(q.ID) {
		return invalidValue("The value %s for parameter %s.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.", q.ID, p)
	}
	switch {
	case q.MetricStat != nil && q.Expression != "":
		return invalidCombination("The parameters %[1]s.MetricStat and %[1]s.Expression are mutually exclusive and you have specified both.", p)
	case q.Expression != "":
		return invalidValue("The parameter %s.Expression is not supported by awsemu (metric math is not evaluated).", p)
	case q.MetricStat == nil:
		return invalidCombination("One of the parameters %[1]s.MetricStat or %[1]s.Expression must be specified.", p)
	}
	if q.AccountID != "" && q.AccountID != c.Account.Id {
		return invalidValue("The value %s for parameter %s.AccountId is invalid: the account is not linked to this monitoring account.", q.AccountID, p)
	}
	ms := q.MetricStat
	if ms.Metric == nil || ms.Metric.MetricName == "" {
		return missing(p + ".MetricStat.Metric.MetricName")
	}
	if ms.Metric.Namespace == "" {
		return missing(p + ".MetricStat.Metric.Namespace")
	}
	if err := checkNamespace(p+".MetricStat.Metric.Namespace", ms.Metric.Namespace, false); err != nil {
		return err
	}
	if err := checkDimensions(p+".MetricStat.Metric.Dimensions", ms.Metric.Dimensions); err != nil {
		return err
	}
	if err := checkPeriod(p+".MetricStat.Period", ms.Period); err != nil {
		return err
	}
	if ms.Stat == "" {
		return missing(p + ".MetricStat.Stat")
	}
	if !slices.Contains(statistics, ms.Stat) {
		return invalidValue("The value %s for parameter %s.MetricStat.Stat is invalid: awsemu computes %s (not percentiles or trimmed statistics).", ms.Stat, p, strings.Join(statistics, ", "))
	}
	return checkUnit(p+".MetricStat.Unit", ms.Unit)
}
