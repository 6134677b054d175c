package cloudwatch

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Service is CloudWatch (metrics): Smithy RPC v2 CBOR on the service shape
// GraniteServiceVersion20100801, signed as "monitoring". CloudWatch is awsQueryCompatible: its
// errors carry the awsquery codes (InvalidParameterValue, MissingParameter, ...) in
// X-Amzn-Query-Error, and the emulator-raised ones are awsquery's (AccessDenied, Throttling).
func Service() *core.Service {
	s := &core.Service{Name: "monitoring", Target: "GraniteServiceVersion20100801",
		Protocol: core.CBORProtocol{QueryCompatible: true, ErrorShapes: errorShapes}}
	return s.Add(metricOps()...)
}

// errorShapes are the modeled errors of the operations served, by their awsquery code.
var errorShapes = map[string]string{
	codeInvalidValue:       "com.amazonaws.cloudwatch#InvalidParameterValueException",
	codeMissing:            "com.amazonaws.cloudwatch#MissingRequiredParameterException",
	codeInvalidCombination: "com.amazonaws.cloudwatch#InvalidParameterCombinationException",
	codeInvalidNextToken:   "com.amazonaws.cloudwatch#InvalidNextToken",
	"InternalServiceError": "com.amazonaws.cloudwatch#InternalServiceFault",
}

const (
	codeInvalidValue       = "InvalidParameterValue"
	codeMissing            = "MissingParameter"
	codeInvalidCombination = "InvalidParameterCombination"
	codeInvalidNextToken   = "InvalidNextToken"
)

func invalidValue(format string, args ...any) *core.APIError {
	return core.NewError(codeInvalidValue, 400, format, args...)
}

func missing(param string) *core.APIError {
	return core.NewError(codeMissing, 400, "The parameter %s is required.", param)
}

func invalidCombination(format string, args ...any) *core.APIError {
	return core.NewError(codeInvalidCombination, 400, format, args...)
}

// cwState is one account's metrics in one region.
type cwState struct {
	metrics map[string]*metric // by metricKey
}

// metric is one metric: a namespace, a name and a set of dimensions (sorted by name).
type metric struct {
	namespace, name string
	dims            []dimension
	points          []point
	lastPut         time.Time // when datapoints last arrived (ListMetrics lists metrics of the past two weeks)
}

// point is what one datum contributed at a timestamp: a value is a set of one sample.
type point struct {
	at                 time.Time
	count, sum, lo, hi float64
	unit               string
}

func stateOf(c *core.Req) *cwState {
	return core.RegionalStateOf(c.Account, "cloudwatch", c.Region, func() *cwState { return &cwState{metrics: map[string]*metric{}} })
}

func metricKey(namespace, name string, dims []dimension) string {
	var b strings.Builder
	b.WriteString(namespace + "\x00" + name)
	for _, d := range dims {
		b.WriteString("\x00" + d.Name + "\x01" + d.Value)
	}
	return b.String()
}

// sortedMetrics lists the state's metrics by namespace, name and dimensions.
func (st *cwState) sortedMetrics() []*metric {
	out := make([]*metric, 0, len(st.metrics))
	for _, k := range core.SortedKeys(st.metrics) {
		out = append(out, st.metrics[k])
	}
	return out
}

func sortDims(dims []dimension) []dimension {
	out := slices.Clone(dims)
	slices.SortFunc(out, func(a, b dimension) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Validation as CloudWatch's model and documentation state it.

var (
	// reNamespace: alphanumerics, period, hyphen, underscore, slash, hash, colon and space; not
	// starting with a colon (the model's [^:].*).
	reNamespace = regexp.MustCompile(`^[0-9A-Za-z.\-_/#: ]+$`)
	reQueryID   = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)
)

var units = []string{"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
	"Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
	"Gigabits/Second", "Terabits/Second", "Count/Second", "None"}

var statistics = []string{"SampleCount", "Average", "Sum", "Minimum", "Maximum"}

func checkLength(param, v string, lo, hi int) *core.APIError {
	if n := utf8.RuneCountInString(v); n < lo || n > hi {
		return invalidValue("The value %s for parameter %s is invalid: it must be %d to %d characters long.", v, param, lo, hi)
	}
	return nil
}

// checkNamespace validates a namespace a request names; reserved is whether "AWS/" namespaces
// are refused (they are for PutMetricData: only AWS services publish there).
func checkNamespace(param, ns string, reserved bool) *core.APIError {
	if err := checkLength(param, ns, 1, 255); err != nil {
		return err
	}
	if !reNamespace.MatchString(ns) || strings.HasPrefix(ns, ":") {
		return invalidValue("The value %s for parameter %s is invalid: use letters, digits, spaces and . - _ / # : (not first).", ns, param)
	}
	if reserved && strings.HasPrefix(ns, "AWS/") {
		return invalidValue("The value %s for parameter %s is invalid: namespaces starting with AWS/ are reserved for AWS services.", ns, param)
	}
	return nil
}

func checkUnit(param, unit string) *core.APIError {
	if unit != "" && !slices.Contains(units, unit) {
		return invalidValue("The value %s for parameter %s is invalid: it must be one of %s.", unit, param, strings.Join(units, ", "))
	}
	return nil
}

// checkDimensions validates a metric's dimensions: at most 30, names 1-255 characters not
// starting with a colon, values 1-1024, no name twice.
func checkDimensions(param string, dims []dimension) *core.APIError {
	if len(dims) > 30 {
		return invalidValue("The collection %s must not have a size greater than 30.", param)
	}
	seen := map[string]bool{}
	for i, d := range dims {
		p := fmt.Sprintf("%s.member.%d", param, i+1)
		if d.Name == "" {
			return missing(p + ".Name")
		}
		if err := checkLength(p+".Name", d.Name, 1, 255); err != nil {
			return err
		}
		if strings.HasPrefix(d.Name, ":") {
			return invalidValue("The value %s for parameter %s.Name is invalid.", d.Name, p)
		}
		if err := checkLength(p+".Value", d.Value, 1, 1024); err != nil {
			return err
		}
		if seen[d.Name] {
			return invalidValue("No metric may have duplicate dimension names: %s appears twice in %s.", d.Name, param)
		}
		seen[d.Name] = true
	}
	return nil
}

// checkValue refuses what CloudWatch cannot store: NaN, infinities, and magnitudes outside
// 2^-360..2^360 (zero is fine).
func checkValue(param string, v float64) *core.APIError {
	a := math.Abs(v)
	if math.IsNaN(v) || math.IsInf(v, 0) || a > math.Ldexp(1, 360) || (a != 0 && a < math.Ldexp(1, -360)) {
		return invalidValue("The value %v for parameter %s is invalid: values must be within -2^360 to 2^360 (and not too close to zero).", v, param)
	}
	return nil
}

// checkPeriod: 1, 5, 10, 20, 30 or a multiple of 60 seconds.
func checkPeriod(param string, period *int32) *core.APIError {
	if period == nil {
		return missing(param)
	}
	p := *period
	if p < 1 || (p < 60 && !slices.Contains([]int32{1, 5, 10, 20, 30}, p)) || (p >= 60 && p%60 != 0) {
		return invalidValue("The value %d for parameter %s is invalid: the period must be 1, 5, 10, 20, 30 or a multiple of 60 seconds.", p, param)
	}
	return nil
}

// checkRange validates a query's time range.
func checkRange(start, end *time.Time) *core.APIError {
	switch {
	case start == nil:
		return missing("StartTime")
	case end == nil:
		return missing("EndTime")
	case !start.Before(*end):
		return invalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	return nil
}
