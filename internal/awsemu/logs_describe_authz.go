package awsemu

// logsDescribeGroupsResource is what logs:DescribeLogGroups is authorized on: every log group of
// the account and region (the Service Authorization Reference lists log-group for it), whatever
// prefix the request filters by.
func logsDescribeGroupsResource(c *Req) []string { return []string{logGroupARN(c, "*")} }
