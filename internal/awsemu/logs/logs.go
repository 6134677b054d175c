package logs

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Service is CloudWatch Logs (JSON 1.1, X-Amz-Target Logs_20140328.<Operation>).
func Service() *core.Service {
	s := &core.Service{Name: "logs", Protocol: core.JSONProtocol{}, Target: "Logs_20140328", Impl: logsPeer{}}
	s.Add(logsGroupOps()...)
	s.Add(logsTagOps()...)
	return s
}

// logsState is one account's CloudWatch Logs in one region.
type logsState struct {
	groups map[string]*logGroup // by name
}

type logGroup struct {
	name, kmsKeyID, class string
	retention             int // days; 0 means never expire
	created               time.Time
	tags                  []core.Tag
}

// logsOf is the caller's CloudWatch Logs state in the request's region.
func logsOf(c *core.Req) *logsState {
	st := core.RegionalStateOf(c.Account, "logs", c.Region, func() *logsState { return &logsState{groups: map[string]*logGroup{}} })
	return st
}

// ensureGroup creates an untagged log group unless it exists, the way services such as EKS
// create the groups they write to.
func ensureGroup(c *core.Req, name string) {
	st := logsOf(c)
	if st.groups[name] == nil {
		st.groups[name] = &logGroup{name: name, class: "STANDARD", created: c.Now}
	}
}

func (st *logsState) sortedGroups() []*logGroup {
	out := make([]*logGroup, 0, len(st.groups))
	for _, g := range st.groups {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// logGroupARN is a log group's ARN; DescribeLogGroups' "arn" adds ":*" (the group's streams).
func logGroupARN(c *core.Req, name string) string {
	return "arn:aws:logs:" + c.Region + ":" + c.Account.Id + ":log-group:" + name
}

// logsGroupResource is what log-group actions are authorized on: the group and its streams
// ("log-group:NAME:*"), which policies naming "log-group:NAME*" or "log-group:NAME:*" match.
func logsGroupResource(c *core.Req) []string {
	return []string{logGroupARN(c, core.JSONBody[struct{ LogGroupName string }](c).LogGroupName) + ":*"}
}

// logsGroupTags is aws:ResourceTag/* of the group the body names.
func logsGroupTags(c *core.Req) map[string][]string {
	if g := logsOf(c).groups[core.JSONBody[struct{ LogGroupName string }](c).LogGroupName]; g != nil {
		return core.ResourceTagContext(g.tags)
	}
	return nil
}

// logsRequestTags is aws:RequestTag/* and aws:TagKeys of the body's "tags" map.
func logsRequestTags(c *core.Req) map[string][]string {
	return core.RequestTagContext(core.TagsOfMap(core.JSONBody[struct{ Tags map[string]string }](c).Tags))
}

func logsInvalid(format string, args ...any) *core.APIError {
	return core.NewError("InvalidParameterException", 400, format, args...)
}

func logsGroupNotFound() *core.APIError {
	return core.NewError("ResourceNotFoundException", 400, "The specified log group does not exist.")
}

var reLogGroupName = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)

func checkLogGroupName(name string) *core.APIError {
	if name == "" {
		return logsInvalid("1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null")
	}
	if utf8.RuneCountInString(name) > 512 || !reLogGroupName.MatchString(name) {
		return logsInvalid("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
	}
	if strings.HasPrefix(name, "aws/") {
		return logsInvalid("Log group names starting with 'aws/' are reserved for AWS use")
	}
	return nil
}

var reLogsTag = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// checkLogsTags validates tags a request sets (at most 50 on a group).
func checkLogsTags(m map[string]string) *core.APIError {
	if len(m) > core.MaxTags {
		return core.NewError("TooManyTagsException", 400, "A resource can have no more than %d tags.", core.MaxTags)
	}
	for k, v := range m {
		if k == "" || utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(v) > 256 || !reLogsTag.MatchString(k) || !reLogsTag.MatchString(v) {
			return logsInvalid("1 validation error detected: Value '%s' at 'tags' failed to satisfy constraint: tag keys must be 1 to 128 and values at most 256 letters, digits, spaces or _.:/=+-@", k)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return logsInvalid("Tag keys starting with 'aws:' are reserved for AWS use")
		}
	}
	return nil
}

// checkLogsKMSKey requires a full KMS key ARN, as CloudWatch Logs does.
func checkLogsKMSKey(id string) *core.APIError {
	if !strings.HasPrefix(id, "arn:aws:kms:") || !strings.Contains(id, ":key/") {
		return logsInvalid("Specified KMS key '%s' is not valid: a KMS key ARN is required", id)
	}
	return nil
}
