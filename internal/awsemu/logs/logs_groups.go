package logs

import (
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func logsGroupOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateLogGroup", Action: "logs:CreateLogGroup", Resources: logsGroupResource, Context: logsRequestTags, Also: logsTagOnCreate, Handle: logsCreateLogGroup},
		{Name: "DescribeLogGroups", Action: "logs:DescribeLogGroups", Handle: logsDescribeLogGroups},
		{Name: "DeleteLogGroup", Action: "logs:DeleteLogGroup", Resources: logsGroupResource, Context: logsGroupTags, Handle: logsDeleteLogGroup},
		{Name: "PutRetentionPolicy", Action: "logs:PutRetentionPolicy", Resources: logsGroupResource, Context: logsGroupTags, Handle: logsPutRetentionPolicy},
		{Name: "DeleteRetentionPolicy", Action: "logs:DeleteRetentionPolicy", Resources: logsGroupResource, Context: logsGroupTags, Handle: logsDeleteRetentionPolicy},
		{Name: "AssociateKmsKey", Action: "logs:AssociateKmsKey", Resources: logsGroupResource, Context: logsGroupTags, Handle: logsAssociateKmsKey},
		{Name: "DisassociateKmsKey", Action: "logs:DisassociateKmsKey", Resources: logsGroupResource, Context: logsGroupTags, Handle: logsDisassociateKmsKey},
	}
}

// logsRetentionDays are the only retention periods CloudWatch Logs accepts.
var logsRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// logsTagOnCreate: creating a group with tags also needs logs:TagResource on it.
func logsTagOnCreate(c *core.Req) []core.Check {
	tags := core.TagsOfMap(core.JSONBody[struct{ Tags map[string]string }](c).Tags)
	if len(tags) == 0 {
		return nil
	}
	return []core.Check{{Action: "logs:TagResource", Resources: logsGroupResource(c), Context: core.RequestTagContext(tags)}}
}

func logsCreateLogGroup(c *core.Req) (any, error) {
	var in struct {
		LogGroupName, KmsKeyID, LogGroupClass string
		Tags                                  map[string]string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := checkLogGroupName(in.LogGroupName); err != nil {
		return nil, err
	}
	if in.KmsKeyID != "" {
		if err := logsCheckKey(c, in.KmsKeyID, in.LogGroupName); err != nil {
			return nil, err
		}
	}
	class := in.LogGroupClass
	if class == "" {
		class = "STANDARD"
	}
	if !core.OneOf(class, "STANDARD", "INFREQUENT_ACCESS", "DELIVERY") {
		return nil, logsInvalid("1 validation error detected: Value '%s' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]", class)
	}
	if err := checkLogsTags(in.Tags); err != nil {
		return nil, err
	}
	st := logsOf(c)
	if st.groups[in.LogGroupName] != nil {
		return nil, core.NewError("ResourceAlreadyExistsException", 400, "The specified log group already exists")
	}
	st.groups[in.LogGroupName] = &logGroup{name: in.LogGroupName, kmsKeyID: in.KmsKeyID, class: class, created: c.Now, tags: core.TagsOfMap(in.Tags)}
	return nil, nil
}

type logGroupOut struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   int    `json:"retentionInDays,omitempty"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	StoredBytes       int64  `json:"storedBytes"`
	KmsKeyID          string `json:"kmsKeyId,omitempty"`
	LogGroupClass     string `json:"logGroupClass"`
	LogGroupArn       string `json:"logGroupArn"`
}

type describeLogGroupsResult struct {
	LogGroups []logGroupOut `json:"logGroups"`
	NextToken string        `json:"nextToken,omitempty"`
}

func logsDescribeLogGroups(c *core.Req) (any, error) {
	var in struct {
		LogGroupNamePrefix, LogGroupNamePattern, NextToken, LogGroupClass string
		Limit                                                             *int
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, logsInvalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	limit := 50
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 50 {
			return nil, logsInvalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50", *in.Limit)
		}
		limit = *in.Limit
	}
	var groups []*logGroup
	pattern := strings.ToLower(in.LogGroupNamePattern)
	for _, g := range logsOf(c).sortedGroups() {
		if !strings.HasPrefix(g.name, in.LogGroupNamePrefix) || !strings.Contains(strings.ToLower(g.name), pattern) {
			continue
		}
		if in.LogGroupClass != "" && g.class != in.LogGroupClass {
			continue
		}
		groups = append(groups, g)
	}
	page, next, ok := core.PageByToken(groups, in.NextToken, limit)
	if !ok {
		return nil, logsInvalid("The specified nextToken is invalid.")
	}
	out := describeLogGroupsResult{LogGroups: []logGroupOut{}, NextToken: next}
	for _, g := range page {
		arn := logGroupARN(c, g.name)
		out.LogGroups = append(out.LogGroups, logGroupOut{
			LogGroupName: g.name, CreationTime: g.created.UnixMilli(), RetentionInDays: g.retention,
			Arn: arn + ":*", KmsKeyID: g.kmsKeyID, LogGroupClass: g.class, LogGroupArn: arn,
		})
	}
	return out, nil
}

// logsFindGroup finds the group the body's logGroupName names.
func logsFindGroup(c *core.Req) (*logGroup, *core.APIError) {
	var in struct{ LogGroupName string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := checkLogGroupName(in.LogGroupName); err != nil {
		return nil, err
	}
	g := logsOf(c).groups[in.LogGroupName]
	if g == nil {
		return nil, logsGroupNotFound()
	}
	return g, nil
}

func logsDeleteLogGroup(c *core.Req) (any, error) {
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	delete(logsOf(c).groups, g.name)
	return nil, nil
}

func logsPutRetentionPolicy(c *core.Req) (any, error) {
	var in struct{ RetentionInDays *int }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	if in.RetentionInDays == nil {
		return nil, logsInvalid("1 validation error detected: Value null at 'retentionInDays' failed to satisfy constraint: Member must not be null")
	}
	valid := false
	for _, d := range logsRetentionDays {
		valid = valid || d == *in.RetentionInDays
	}
	if !valid {
		days := make([]string, len(logsRetentionDays))
		for i, d := range logsRetentionDays {
			days[i] = strconv.Itoa(d)
		}
		return nil, logsInvalid("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [%s]", *in.RetentionInDays, strings.Join(days, ", "))
	}
	g.retention = *in.RetentionInDays
	return nil, nil
}

func logsDeleteRetentionPolicy(c *core.Req) (any, error) {
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	g.retention = 0
	return nil, nil
}

func logsAssociateKmsKey(c *core.Req) (any, error) {
	var in struct{ KmsKeyID string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	if err := logsCheckKey(c, in.KmsKeyID, g.name); err != nil {
		return nil, err
	}
	g.kmsKeyID = in.KmsKeyID
	return nil, nil
}

func logsDisassociateKmsKey(c *core.Req) (any, error) {
	g, err := logsFindGroup(c)
	if err != nil {
		return nil, err
	}
	g.kmsKeyID = ""
	return nil, nil
}
